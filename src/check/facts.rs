//! Facts the engine works out once per end-entity certificate so rules stay pure: its issuer
//! chain, whether that chain ends at a trusted root, and what kind of CA issued it.
//!
//! PROVISIONAL LINKING: until `chain::assemble` lands on main, issuers are linked here by
//! name (issuer DN bytes equal to subject DN bytes) and, where both are present, by key
//! identifier (AKI = SKI). Signatures are NOT verified. [`LINKING`] says which linking built a
//! report, and the JSON output carries it, so nobody mistakes this for path validation.

use crate::model::Cert;

/// How the issuer chain was linked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Linking {
    /// By issuer/subject name and key identifiers, signatures not verified (provisional).
    Names,
}

/// The linking this build uses.
pub const LINKING: Linking = Linking::Names;

/// Most issuers followed from one certificate (a bound against looping or hostile pools).
pub const MAX_DEPTH: usize = 8;

/// Root certificates and extra candidate issuers: arguments, never read from disk here.
#[derive(Clone, Debug, Default)]
pub struct RootStores {
    /// Public roots (the embedded Mozilla store unless `--no-embedded-roots`). A chain ending
    /// here makes the certificate one from a public CA.
    pub public: Vec<Cert>,
    /// Roots the user trusts (`--roots`, e.g. an enterprise CA). Trusted, but not public.
    pub trusted: Vec<Cert>,
    /// Candidate intermediates (`--pool`), beyond those in the inputs.
    pub pool: Vec<Cert>,
}

impl RootStores {
    /// The Mozilla root store embedded in certprep (webpki-root-certs), parsed. Roots that do
    /// not parse are left out.
    pub fn embedded_public_roots() -> Vec<Cert> {
        webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .enumerate()
            .filter_map(|(i, der)| {
                Cert::from_der(
                    der.as_ref().to_vec(),
                    crate::input::Origin::file(format!("embedded Mozilla root {}", i + 1)),
                )
                .ok()
            })
            .collect()
    }
}

/// Where the chain ends.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Trust {
    /// At a root of the public (embedded) store.
    PublicRoot,
    /// At a root the user gave with `--roots`.
    GivenRoot,
    /// At a self-signed root that is in neither store.
    UntrustedRoot {
        /// The root's subject, as Windows prints it.
        root: String,
    },
    /// An issuer is missing from the inputs, the pool and the stores.
    IssuerNotFound {
        /// The missing issuer's name, as Windows prints it.
        issuer: String,
    },
    /// The search stopped at [`MAX_DEPTH`] or at a loop.
    TooDeep,
}

/// The issuer chain of one certificate.
#[derive(Clone, Debug)]
pub struct ChainFacts {
    /// Issuers from the certificate's own issuer upward (the last one is the root or anchor
    /// when one was found).
    pub issuers: Vec<Cert>,
    /// Where the chain ends.
    pub trust: Trust,
}

impl ChainFacts {
    /// Whether the chain reaches a trusted root.
    pub fn is_trusted(&self) -> bool {
        matches!(self.trust, Trust::PublicRoot | Trust::GivenRoot)
    }
}

/// What kind of CA issued a certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaKind {
    /// A public CA: the chain ends at a root of the public store.
    Public,
    /// A private (enterprise) CA: the chain ends at a root given with `--roots`.
    Private,
    /// Self-issued (subject = issuer): no CA.
    SelfSigned,
    /// Unknown: the chain does not reach a trusted root.
    Unknown,
}

/// The kind of CA behind `leaf`, given its chain facts.
pub fn ca_kind(leaf: &Cert, chain: Option<&ChainFacts>) -> CaKind {
    if leaf.is_self_issued() {
        return CaKind::SelfSigned;
    }
    match chain.map(|c| &c.trust) {
        Some(Trust::PublicRoot) => CaKind::Public,
        Some(Trust::GivenRoot) => CaKind::Private,
        _ => CaKind::Unknown,
    }
}

/// Whether `issuer` may have issued `cert`: names equal, and key identifiers equal when both
/// are present.
fn may_issue(issuer: &Cert, cert: &Cert) -> bool {
    issuer.subject.der == cert.issuer.der
        && match (&cert.authority_key_id, &issuer.subject_key_id) {
            (Some(a), Some(s)) => a == s,
            _ => true,
        }
}

/// Whether two certificates are the same: identical DER, or the same subject and key.
pub fn same_cert(a: &Cert, b: &Cert) -> bool {
    a.der == b.der || (a.subject.der == b.subject.der && a.public_key.same_key(&b.public_key))
}

/// Link `leaf` to its issuers among `inputs`, the pool and the stores. `None` for a
/// self-issued certificate (it has no issuer chain).
pub fn link(leaf: &Cert, inputs: &[&Cert], stores: &RootStores) -> Option<ChainFacts> {
    if leaf.is_self_issued() {
        return None;
    }
    let mut issuers: Vec<Cert> = Vec::new();
    let mut cur = leaf.clone();
    let trust = loop {
        if issuers.len() >= MAX_DEPTH {
            break Trust::TooDeep;
        }
        // A trusted store ends the search as soon as it holds the issuer: the shortest path
        // to trust wins, as in path building (RFC 4158 §2.4).
        if let Some(r) = stores.trusted.iter().find(|r| may_issue(r, &cur)) {
            issuers.push(r.clone());
            break Trust::GivenRoot;
        }
        if let Some(r) = stores.public.iter().find(|r| may_issue(r, &cur)) {
            issuers.push(r.clone());
            break Trust::PublicRoot;
        }
        if cur.is_self_issued() {
            break Trust::UntrustedRoot {
                root: crate::dn::render_windows(&cur.subject),
            };
        }
        let next = inputs.iter().copied().chain(stores.pool.iter()).find(|c| {
            may_issue(c, &cur)
                && !same_cert(c, &cur)
                && !same_cert(c, leaf)
                && !issuers.iter().any(|i| same_cert(i, c))
        });
        match next {
            Some(n) => {
                issuers.push(n.clone());
                cur = n.clone();
            }
            None => {
                break Trust::IssuerNotFound {
                    issuer: crate::dn::render_windows(&cur.issuer),
                }
            }
        }
    };
    Some(ChainFacts { issuers, trust })
}

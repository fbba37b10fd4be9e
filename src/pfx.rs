//! PFX operations: choose the leaf, its key and the ordered chain from whatever was given,
//! build a PFX from that choice ([`build`]), or split it into the PEM files servers want
//! ([`split`]). Pure: passwords and options are arguments; nothing here reads files or prints.
//!
//! The encoding itself is [`crate::pkcs12`]; whether a PFX imports on a Windows version is
//! [`crate::windows::pfx_import_verdict`].

use crate::model::{Cert, PrivateKey};
use crate::name::render_windows;
use crate::origin::Origin;
use crate::pkcs12::{self, PfxSpec, Profile};
use crate::roots::RootStore;
use crate::secret::Secret;
use zeroize::Zeroizing;

/// The CSP Windows should put an RSA key in: a CAPI provider that Exchange (forms-based auth,
/// EdgeSync) can use, unlike the CNG key storage provider a PFX without the attribute gets.
pub const DEFAULT_CSP: &str = "Microsoft Enhanced RSA and AES Cryptographic Provider";

/// Errors from choosing PFX contents and writing PKCS#12 files (this module; the encoding
/// failures of [`pkcs12::build`] arrive as [`pkcs12::BuildError`]).
/// No variant ever carries a password or key material.
#[derive(Debug, thiserror::Error)]
pub enum PfxError {
    /// DER encoding failed (an oversized or malformed component).
    #[error("cannot encode the PKCS#12 file")]
    Encode(#[from] der::Error),
    /// The operating system's random number generator failed.
    #[error("cannot get random bytes for salts and IVs from the operating system")]
    Random(#[source] rand_core::Error),
    /// The leaf's chain stops at a certificate whose issuer is nowhere to be found (inputs,
    /// pool, the embedded roots), and the chain was asked for.
    #[error("the chain is incomplete: {problem}; {fix}, or leave the chain out with --no-chain")]
    ChainIncomplete {
        /// What is missing (the chain report's message: names the missing issuer).
        problem: String,
        /// Where to get it (the chain report's fix: the AIA URL when the certificate has one).
        fix: String,
    },
    /// No certificate among the inputs.
    #[error("no certificate among the inputs; give the certificate file (.crt, .cer, .pem, .p7b, .zip or a PFX)")]
    NoCertificate,
    /// Several end-entity certificates and nothing (no key) to tell which one is meant.
    #[error("cannot tell which certificate is the server certificate: {candidates}; give only its files, or its private key")]
    AmbiguousLeaf {
        /// The candidates, `subject (origin)`, joined by `; `.
        candidates: String,
    },
    /// A private key that belongs to none of the certificates.
    #[error("{key}: this private key does not belong to the certificate {subject} in {cert}; give the key generated with that certificate's request")]
    KeyMismatch {
        /// Where the key is.
        key: Box<Origin>,
        /// Where the certificate is.
        cert: Box<Origin>,
        /// The certificate's subject, as Windows prints it.
        subject: String,
    },
    /// No private key and `--no-key` not given.
    #[error("no private key for {subject} ({cert}) among the inputs; give the key file, or --no-key for a certificate-only PFX")]
    NoKey {
        /// Where the certificate is.
        cert: Box<Origin>,
        /// The certificate's subject, as Windows prints it.
        subject: String,
    },
}

impl From<pkcs12::BuildError> for PfxError {
    fn from(e: pkcs12::BuildError) -> Self {
        match e {
            pkcs12::BuildError::Encode(e) => PfxError::Encode(e),
            pkcs12::BuildError::Random(e) => PfxError::Random(e),
        }
    }
}

/// What to put in the file.
#[derive(Clone, Copy, Debug, Default)]
pub struct SelectOptions<'r> {
    /// Include a self-signed root at the end of the chain.
    pub include_root: bool,
    /// Leave the chain out (leaf and key only).
    pub no_chain: bool,
    /// Accept a certificate without a private key.
    pub allow_no_key: bool,
    /// The instant that decides between alternative chains (`--at`); see [`order_chain`].
    pub at: Option<time::OffsetDateTime>,
    /// Roots that end a chain besides the self-issued certificates among the inputs (the
    /// embedded store, [`crate::roots::embedded`]): they complete a chain; one is put in the
    /// file only with `include_root`.
    pub anchors: &'r RootStore,
    /// Refuse ([`PfxError::ChainIncomplete`]) when the chain stops at a certificate whose
    /// issuer is not available, unless `no_chain`: a PFX without its intermediate imports on
    /// Windows but servers then send an incomplete chain.
    pub complete_chain: bool,
}

/// Why an input certificate or key is not in the output.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LeftOutReason {
    /// The same certificate as the leaf (a duplicated leaf makes Windows lose the key).
    DuplicateOfLeaf,
    /// The same certificate as one already in the chain.
    Duplicate,
    /// A self-signed root, left out unless `--include-root`.
    Root,
    /// `--no-chain` was given.
    ChainNotWanted,
    /// Not in the leaf's chain.
    NotInChain,
    /// A private key that belongs to another certificate.
    OtherKey,
}

impl std::fmt::Display for LeftOutReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LeftOutReason::DuplicateOfLeaf => {
                "same certificate as the leaf (a PFX with the leaf twice loses its private key on import)"
            }
            LeftOutReason::Duplicate => "duplicate of a certificate already in the chain",
            LeftOutReason::Root => "root certificate (add --include-root to include it)",
            LeftOutReason::ChainNotWanted => "chain certificate (--no-chain)",
            LeftOutReason::NotInChain => "not in the leaf's chain",
            LeftOutReason::OtherKey => "private key of another certificate",
        })
    }
}

/// One input left out of the output, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LeftOut {
    /// Where it was found.
    pub origin: Origin,
    /// What it is: a subject (Windows form) or `private key (RSA 2048)`.
    pub what: String,
    /// Why.
    pub reason: LeftOutReason,
}

/// The chosen contents of a PFX: leaf, key, chain in order, and what was left out.
#[derive(Debug)]
pub struct Selection<'a> {
    /// The end-entity certificate.
    pub leaf: &'a Cert,
    /// Its private key, if any.
    pub key: Option<&'a PrivateKey>,
    /// Issuers after the leaf, in order (the root last, only when wanted).
    pub chain: Vec<&'a Cert>,
    /// Inputs not used, with reasons.
    pub left_out: Vec<LeftOut>,
}

/// Choose the leaf, its key and the chain from `certs` and `keys` (every input, in order);
/// `pool` only supplies missing issuers.
///
/// The leaf is the certificate a given key belongs to; without keys, the one end-entity
/// certificate that issues none of the others. A key matching no certificate is refused
/// ([`PfxError::KeyMismatch`]), and no key at all unless `opts.allow_no_key`.
pub fn select<'a>(
    certs: &[&'a Cert],
    keys: &[&'a PrivateKey],
    pool: &[&'a Cert],
    opts: SelectOptions<'a>,
) -> Result<Selection<'a>, PfxError> {
    if certs.is_empty() {
        return Err(PfxError::NoCertificate);
    }
    let (leaf, key) = choose_leaf(certs, keys)?;
    if key.is_none() {
        if let Some(k) = keys.first() {
            return Err(PfxError::KeyMismatch {
                key: Box::new(k.origin.clone()),
                cert: Box::new(leaf.origin.clone()),
                subject: render_windows(&leaf.subject),
            });
        }
        if !opts.allow_no_key {
            return Err(PfxError::NoKey {
                cert: Box::new(leaf.origin.clone()),
                subject: render_windows(&leaf.subject),
            });
        }
    }
    let mut candidates: Vec<&Cert> = certs.to_vec();
    candidates.extend_from_slice(pool);
    let (mut chain, missing) = chain_to_root(leaf, &candidates, opts.anchors, opts.at);
    if let (Some(m), true, false) = (missing, opts.complete_chain, opts.no_chain) {
        return Err(m);
    }
    let mut left_out = Vec::new();
    let root_dropped = match chain.last() {
        Some(last) if last.is_self_issued() && !opts.include_root => chain.pop(),
        _ => None,
    };
    if opts.no_chain {
        for c in chain.drain(..) {
            left_out.push(left(c, LeftOutReason::ChainNotWanted));
        }
    }
    let mut seen: Vec<&[u8]> = vec![&leaf.der];
    seen.extend(chain.iter().map(|c| c.der.as_slice()));
    let mut reported_root = false;
    for c in certs.iter().filter(|c| !std::ptr::eq(**c, leaf)) {
        if c.der == leaf.der {
            left_out.push(left(c, LeftOutReason::DuplicateOfLeaf));
        } else if chain.iter().any(|x| std::ptr::eq(*x, *c)) {
            continue;
        } else if seen.contains(&c.der.as_slice()) {
            left_out.push(left(c, LeftOutReason::Duplicate));
        } else if root_dropped.is_some_and(|r| r.der == c.der) && !reported_root {
            reported_root = true;
            left_out.push(left(c, LeftOutReason::Root));
        } else if root_dropped.is_some_and(|r| r.der == c.der) {
            left_out.push(left(c, LeftOutReason::Duplicate));
        } else if opts.no_chain && left_out.iter().any(|l| l.origin == c.origin) {
            continue;
        } else {
            left_out.push(left(c, LeftOutReason::NotInChain));
        }
    }
    for k in keys {
        if key.is_some_and(|chosen| std::ptr::eq(chosen, *k)) {
            continue;
        }
        left_out.push(LeftOut {
            origin: k.origin.clone(),
            what: format!("private key ({})", k.public_key.algorithm),
            reason: LeftOutReason::OtherKey,
        });
    }
    Ok(Selection {
        leaf,
        key,
        chain,
        left_out,
    })
}

fn left(c: &Cert, reason: LeftOutReason) -> LeftOut {
    LeftOut {
        origin: c.origin.clone(),
        what: render_windows(&c.subject),
        reason,
    }
}

/// The leaf and its key by [`LeafPolicy::KeyHolder`](crate::chain::LeafPolicy::KeyHolder).
fn choose_leaf<'a>(
    certs: &[&'a Cert],
    keys: &[&'a PrivateKey],
) -> Result<(&'a Cert, Option<&'a PrivateKey>), PfxError> {
    use crate::chain::{LeafError, LeafPolicy};
    match crate::chain::select_leaf(certs, LeafPolicy::KeyHolder(keys)) {
        Ok(choice) => Ok((certs[choice.leaf], choice.key.map(|k| keys[k]))),
        Err(LeafError::Ambiguous(many)) => Err(ambiguous(many.into_iter().map(|i| certs[i]))),
        // The caller refuses an empty input first; NoLeaf is not a KeyHolder outcome.
        Err(LeafError::Empty | LeafError::NoLeaf) => Err(PfxError::NoCertificate),
    }
}

fn ambiguous<'a>(certs: impl Iterator<Item = &'a Cert>) -> PfxError {
    let list: Vec<String> = certs
        .map(|c| format!("{} ({})", render_windows(&c.subject), c.origin))
        .collect();
    PfxError::AmbiguousLeaf {
        candidates: list.join("; "),
    }
}

/// Issuers of `leaf` among `candidates`, nearest first: the best path [`crate::chain`] builds
/// through them (names with AKI/SKI preferred, every signature verified, loops and look-alikes
/// bounded), ending at a self-issued root when one is among the candidates. `at` ranks
/// alternatives (an expired intermediate loses to its current replacement); without it, the
/// leaf's notBefore is used (when the leaf was issued its issuer had to be valid).
///
/// No trust anchors are consulted: a PFX carries what was given, it does not add roots.
pub fn order_chain<'a>(
    leaf: &'a Cert,
    candidates: &[&'a Cert],
    at: Option<time::OffsetDateTime>,
) -> Vec<&'a Cert> {
    chain_to_root(leaf, candidates, RootStore::empty(), at).0
}

/// [`order_chain`] that may also end at one of `anchors` (returned as the last issuer), and
/// says when the chain stops short: a [`PfxError::ChainIncomplete`] naming the missing issuer
/// and where its certificate says it can be downloaded.
fn chain_to_root<'a>(
    leaf: &'a Cert,
    candidates: &[&'a Cert],
    anchors: &'a RootStore,
    at: Option<time::OffsetDateTime>,
) -> (Vec<&'a Cert>, Option<PfxError>) {
    use crate::chain::PathEnd;
    let opts = crate::chain::ChainOptions::at(at.unwrap_or(leaf.not_before));
    let found = crate::chain::assemble(leaf, &[], candidates, &[], anchors, &opts);
    // The issuers as the caller gave them (the search keeps the first of identical copies,
    // and an anchor that is also among the candidates is reported from the candidates).
    let chain = found
        .issuers()
        .iter()
        .filter_map(|c| {
            candidates
                .iter()
                .copied()
                .find(|x| x.der == c.der)
                .or_else(|| anchors.iter().find(|x| x.der == c.der))
        })
        .collect();
    let missing = match found.report.end {
        PathEnd::MissingIssuer { .. } => {
            let last = found.path.last().copied().unwrap_or(leaf);
            let issuer = render_windows(&last.issuer);
            let problem = if last.der == leaf.der {
                format!(
                    "the intermediate \"{issuer}\" that issued \"{}\" is not among the inputs, --pool or the embedded roots",
                    render_windows(&leaf.subject)
                )
            } else {
                // Which it is cannot be told from the certificates: a private CA's root is
                // missing just the same as an intermediate.
                format!(
                    "\"{issuer}\", which issued \"{}\", is not among the inputs, --pool or the embedded roots (an intermediate, or the root of a private CA)",
                    render_windows(&last.subject)
                )
            };
            let source = if last.ca_issuers.is_empty() {
                "get it from the CA".to_owned()
            } else {
                format!(
                    "download it from {} (the CA's address in the certificate)",
                    last.ca_issuers.join(" or ")
                )
            };
            Some(PfxError::ChainIncomplete {
                problem,
                fix: format!("{source} and give it as an input file or with --pool FILE (a root only completes the chain; it is put in the file only with --include-root)"),
            })
        }
        _ => None,
    };
    (chain, missing)
}

/// The default friendly name: `mail.contoso.com 2026-11-22..2027-06-10` (subject CN or first
/// DNS name, then the validity dates), so two generations are told apart in the MMC.
pub fn default_friendly_name(leaf: &Cert) -> String {
    format!(
        "{} {}..{}",
        crate::name::display_name(&leaf.subject, &leaf.dns_names),
        leaf.not_before.date(),
        leaf.not_after.date()
    )
}

/// How to build the file.
#[derive(Clone, Copy, Debug)]
pub struct BuildOptions<'a> {
    /// Protection profile.
    pub profile: Profile,
    /// Output password.
    pub password: &'a Secret,
    /// Friendly name; `None` keeps the leaf's own (from an input PFX) or uses the default.
    pub friendly_name: Option<&'a str>,
    /// CSP name for an RSA key; `None` for no attribute. Ignored for other keys.
    pub csp_name: Option<&'a str>,
}

/// Build the PFX for a selection.
pub fn build(sel: &Selection<'_>, opts: BuildOptions<'_>) -> Result<Vec<u8>, PfxError> {
    let name = opts
        .friendly_name
        .map(str::to_owned)
        .or_else(|| sel.leaf.friendly_name.clone())
        .unwrap_or_else(|| default_friendly_name(sel.leaf));
    let rsa = sel.key.is_some_and(|k| k.public_key.algorithm.is_rsa());
    pkcs12::build(&PfxSpec {
        profile: opts.profile,
        password: opts.password,
        key: sel.key.map(|k| k.pkcs8_der.as_slice()),
        leaf: &sel.leaf.der,
        chain: sel.chain.iter().map(|c| c.der.as_slice()).collect(),
        friendly_name: Some(&name),
        // design.md §4.3: ECDSA keys get no CAPI CSP name.
        csp_name: opts.csp_name.filter(|_| rsa),
    })
    .map_err(PfxError::from)
}

/// The PEM files load balancers and reverse proxies want.
#[derive(Debug)]
pub struct PemFiles {
    /// `key.pem`: unencrypted PKCS#8 (`PRIVATE KEY`), if there is a key. Zeroed on drop.
    pub key: Option<Zeroizing<String>>,
    /// `cert.pem`: the leaf.
    pub cert: String,
    /// `chain.pem`: the chain after the leaf, in order (may be empty).
    pub chain: String,
    /// `fullchain.pem`: leaf then chain.
    pub fullchain: String,
}

/// Split a selection into PEM texts (LF line ends, 64-column base64).
pub fn split(sel: &Selection<'_>) -> Result<PemFiles, PfxError> {
    let pem = |label: &str, der: &[u8]| -> Result<String, PfxError> {
        der::pem::encode_string(label, der::pem::LineEnding::LF, der)
            .map_err(|e| PfxError::Encode(e.into()))
    };
    let cert = pem("CERTIFICATE", &sel.leaf.der)?;
    let mut chain = String::new();
    for c in &sel.chain {
        chain.push_str(&pem("CERTIFICATE", &c.der)?);
    }
    let key = match sel.key {
        Some(k) => Some(Zeroizing::new(pem("PRIVATE KEY", &k.pkcs8_der)?)),
        None => None,
    };
    Ok(PemFiles {
        key,
        fullchain: format!("{cert}{chain}"),
        cert,
        chain,
    })
}

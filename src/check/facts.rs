//! Facts the engine works out once per end-entity certificate so rules stay pure: its chain as
//! [`chain::assemble`] builds it (every link signature-verified, validity and CA constraints
//! checked), whether that chain ends at a trusted root, and what kind of CA issued it.
//!
//! The certificates in the leaf's own file are the chain's `given` certificates (so order,
//! duplicates and strays are judged per file, as `chain-order`, `chain-duplicate` and
//! `chain-stray` need); every other input certificate and `--pool` are the pool. Nothing here
//! reads files or the clock: the roots, the pool and the time are arguments.

use crate::chain::{self, AnchorSource, ChainOptions, ChainReport, PathEnd};
use crate::model::Cert;
use time::OffsetDateTime;

/// How the issuer chain was linked (the JSON `chain_linking` field).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Linking {
    /// By `chain::assemble`: every issuer's key verified the signature below it, and the path
    /// was checked for validity and CA constraints (docs/chain.md). What `check` always does.
    #[default]
    Verified,
    /// By `chain::assemble` without the signature arithmetic: an issuer is linked when its
    /// subject is the child's issuer name, its SKI does not contradict the child's AKI and its
    /// key type fits the signature algorithm; validity and CA constraints are checked as for
    /// `Verified`. What `scan` does unless `--verify-signatures` (docs/performance.md).
    Structural,
}

/// The chain options `check` and `scan` use: each leaf's report lists at most
/// [`chain::LISTED_STRAYS`] strays (the others are counted), as a file of many leaves would
/// otherwise list every other leaf for each one.
fn options(linking: Linking, at: OffsetDateTime) -> ChainOptions {
    ChainOptions {
        verify_signatures: linking == Linking::Verified,
        max_strays: chain::LISTED_STRAYS,
        ..ChainOptions::at(at)
    }
}

/// The linking `check` uses.
pub const LINKING: Linking = Linking::Verified;

/// Root certificates and extra candidate issuers: arguments, never read from disk here.
#[derive(Clone, Debug, Default)]
pub struct RootStores<'a> {
    /// Public roots: [`crate::roots::embedded`] unless `--no-embedded-roots` (then empty). A
    /// chain ending here makes the certificate one from a public CA.
    pub public: &'a crate::roots::RootStore,
    /// Roots the user trusts (`--roots`, e.g. an enterprise CA). Trusted, but not public.
    pub trusted: Vec<Cert>,
    /// Candidate intermediates (`--pool`), beyond those in the inputs.
    pub pool: Vec<Cert>,
}

/// The chain of one end-entity certificate.
#[derive(Clone, Debug)]
pub struct ChainFacts<'a> {
    /// What chain assembly found: the chosen path, where it ends, its diagnostics, and the
    /// order, duplicates and strays among the certificates of the leaf's file. Its own
    /// `path_certs()` is empty: the path is borrowed, see [`ChainFacts::path_certs`].
    pub report: ChainReport,
    /// Whether the chosen path ends at a root of the public store.
    pub public: bool,
    path: Vec<&'a Cert>,
}

impl<'a> ChainFacts<'a> {
    /// Assemble the chain of `leaf` at `at`: `given` are the certificates of its file (in file
    /// order), `pool` every other candidate issuer; trust anchors come from `stores`.
    pub fn assemble(
        leaf: &'a Cert,
        given: &[&'a Cert],
        pool: &[&'a Cert],
        stores: &'a RootStores<'_>,
        linking: Linking,
        at: OffsetDateTime,
    ) -> ChainFacts<'a> {
        let chain = chain::assemble(
            leaf,
            given,
            pool,
            &stores.trusted,
            stores.public,
            &options(linking, at),
        );
        ChainFacts::of(chain, stores)
    }

    /// [`ChainFacts::assemble`] against `index`, the candidate issuers of `leaf`'s file
    /// indexed once for all its leaves (its given certificates, then every other candidate,
    /// with the roots of `stores`).
    pub fn from_index(
        index: &chain::Candidates<'a>,
        leaf: &'a Cert,
        stores: &RootStores<'_>,
        linking: Linking,
        at: OffsetDateTime,
    ) -> ChainFacts<'a> {
        ChainFacts::of(index.assemble(leaf, &options(linking, at)), stores)
    }

    fn of(chain: chain::Chain<'a>, stores: &RootStores<'_>) -> ChainFacts<'a> {
        let chain::Chain { report, path } = chain;
        // A root in both `--roots` and the public store is public: the search meets `--roots`
        // first, so the anchor's source alone would call it private.
        let public = match report.end {
            PathEnd::Anchor {
                source: AnchorSource::Embedded,
            } => true,
            PathEnd::Anchor {
                source: AnchorSource::Roots,
            } => path
                .last()
                .is_some_and(|a| stores.public.iter().any(|r| r.der == a.der)),
            _ => false,
        };
        ChainFacts {
            report,
            public,
            path,
        }
    }

    /// Whether the chosen path ends at a trusted root (`--roots` or the public store). The path
    /// may still be invalid (an expired intermediate, say): see [`ChainReport::diagnostics`].
    pub fn is_trusted(&self) -> bool {
        matches!(self.report.end, PathEnd::Anchor { .. })
    }

    /// The chosen path, leaf first, anchor included when there is one.
    pub fn path_certs(&self) -> &[&'a Cert] {
        &self.path
    }

    /// The issuers on the chosen path, leaf excluded, root included when there is one.
    pub fn issuers(&self) -> &[&'a Cert] {
        self.path.get(1..).unwrap_or(&[])
    }

    /// The certificates on the chosen path whose signatures a client relies on: all but the
    /// last when the path ends at a trust anchor or at a self-issued root (a root's own
    /// signature is not checked), every one when the top issuer is missing.
    pub fn below_root(&self) -> &[&'a Cert] {
        let certs = &self.path;
        match self.report.end {
            PathEnd::Anchor { .. } | PathEnd::UntrustedRoot { .. } => {
                &certs[..certs.len().saturating_sub(1)]
            }
            _ => certs,
        }
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
    /// Self-signed (self-issued, and its own key verifies its signature): no CA.
    SelfSigned,
    /// Unknown: the chain does not reach a trusted root.
    Unknown,
}

/// The kind of CA behind `leaf`, given its chain facts.
pub fn ca_kind(leaf: &Cert, chain: Option<&ChainFacts>) -> CaKind {
    if crate::verify::is_self_signed(leaf) {
        return CaKind::SelfSigned;
    }
    match chain {
        Some(c) if c.public => CaKind::Public,
        Some(c) if c.is_trusted() => CaKind::Private,
        _ => CaKind::Unknown,
    }
}

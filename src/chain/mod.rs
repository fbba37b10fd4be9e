//! Chain assembly: find the leaf, build every path from it to a trust anchor through the
//! certificates given, a pool and the roots, verify each link, pick the best path, and say
//! exactly what is wrong or missing (with the fix).
//!
//! Pure: the evaluation time, the roots and the work budget are arguments. The search is bounded
//! by a [`Budget`] (as webpki bounds its path building), so a hostile pool of cross-signed loops
//! or thousands of decoys ends quickly with [`Diagnostic::BudgetExhausted`]. Output is
//! deterministic: candidates are ordered by fixed rules and input position, never by hash order.
//!
//! One search, three doors: [`Candidates::assemble`] searches a leaf's chain against an index
//! of a file's candidate issuers built once for all its leaves (`check`, `scan`, `inspect`);
//! [`assemble`] is the same for one leaf (`pfx`, `pem`); [`assemble_bundle`] finds the leaf
//! among the given certificates first and returns an owned report (the `chain` command, whose
//! [`ChainReport::chain_certs`] is the ordered chain to write out).

mod diagnose;
mod index;
mod leaf;
mod pkcs7;
mod problems;
mod search;
mod verdict;

pub use diagnose::{Diagnosis, Diagnostic, Role, Severity};
pub use index::{Candidates, IndexWork};
pub use leaf::{select_leaf, LeafChoice, LeafError, LeafPolicy};
pub use pkcs7::{to_pem, to_pkcs7_der};

use crate::model::Cert;
use crate::origin::Origin;
use crate::roots::RootStore;
use crate::thumbprint::Thumbprint;
use serde::Serialize;
use time::OffsetDateTime;

/// Limits on path-building work (webpki's budget idea). When either runs out the search stops
/// and the report says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Budget {
    /// Signature verifications allowed (each distinct child/key pair is verified once).
    pub signatures: usize,
    /// Issuer candidates that may be considered, over the whole search.
    pub candidates: usize,
}

impl Default for Budget {
    /// 256 signature checks and 20,000 candidates: far more than any real chain needs (a
    /// cross-signed chain takes under ten checks), and well under a second of work.
    fn default() -> Self {
        Budget {
            signatures: 256,
            candidates: 20_000,
        }
    }
}

/// How to assemble.
#[derive(Clone, Debug)]
pub struct ChainOptions {
    /// The instant validity is checked at.
    pub at: OffsetDateTime,
    /// The work budget.
    pub budget: Budget,
    /// The most intermediates (certificates between the leaf and the anchor) a path may have.
    pub max_intermediates: usize,
    /// Verify each link's signature (the default). Off, a candidate issuer is linked by what
    /// the certificates say — issuer name equals subject, AKI/SKI do not contradict, the
    /// signature algorithm fits the issuer's key type — without the signature arithmetic:
    /// `scan` does this by default, where one RSA verification (~35 µs) or P-384 one (~1 ms)
    /// per distinct certificate would cost more than everything else it does.
    pub verify_signatures: bool,
    /// The most strays (given certificates on no path from the leaf) a report lists, each
    /// with its `unrelated` diagnostic; the others are counted in
    /// [`ChainReport::more_strays`]. Unlimited by default (the `chain` command lists every
    /// one); `check` and `scan`, which build a report for every leaf of a file, list
    /// [`LISTED_STRAYS`], so a file of many leaves does not list every other leaf for each.
    pub max_strays: usize,
}

/// The strays `check` and `scan` list per leaf ([`ChainOptions::max_strays`]).
pub const LISTED_STRAYS: usize = 5;

impl ChainOptions {
    /// Options at `at` with the default budget and at most 8 intermediates.
    pub fn at(at: OffsetDateTime) -> Self {
        ChainOptions {
            at,
            budget: Budget::default(),
            max_intermediates: 8,
            verify_signatures: true,
            max_strays: usize::MAX,
        }
    }
}

/// Where a trust anchor came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AnchorSource {
    /// The roots given by the caller (`--roots`).
    Roots,
    /// The embedded Mozilla root store.
    Embedded,
}

/// Where a certificate in a path came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "from", content = "index", rename_all = "kebab-case")]
pub enum Source {
    /// The leaf.
    Leaf,
    /// The given certificates (the input files), at this position (0-based).
    Given(usize),
    /// The pool.
    Pool,
    /// A trust anchor.
    Anchor(AnchorSource),
}

/// A certificate's subject or issuer name as Windows prints it ([`crate::name::render_windows`]),
/// rendered when first read and then kept with this value: a scan builds a chain report for
/// every leaf and reads few of the names in it. Reads as a `&str`.
#[derive(Clone)]
pub struct WindowsName {
    name: std::sync::Arc<crate::name::DistinguishedName>,
    text: std::sync::OnceLock<String>,
}

impl WindowsName {
    /// `c`'s subject.
    pub fn subject(c: &Cert) -> WindowsName {
        WindowsName {
            name: c.subject.clone(),
            text: std::sync::OnceLock::new(),
        }
    }

    /// `c`'s issuer.
    pub fn issuer(c: &Cert) -> WindowsName {
        WindowsName {
            name: c.issuer.clone(),
            text: std::sync::OnceLock::new(),
        }
    }
}

impl std::ops::Deref for WindowsName {
    type Target = str;
    fn deref(&self) -> &str {
        self.text
            .get_or_init(|| crate::name::render_windows(&self.name))
    }
}

impl std::fmt::Display for WindowsName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

impl std::fmt::Debug for WindowsName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl PartialEq for WindowsName {
    fn eq(&self, other: &WindowsName) -> bool {
        **self == **other
    }
}

impl Eq for WindowsName {}

impl PartialOrd for WindowsName {
    fn partial_cmp(&self, other: &WindowsName) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for WindowsName {
    fn cmp(&self, other: &WindowsName) -> std::cmp::Ordering {
        (**self).cmp(&**other)
    }
}

impl std::hash::Hash for WindowsName {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        (**self).hash(h)
    }
}

impl PartialEq<str> for WindowsName {
    fn eq(&self, other: &str) -> bool {
        &**self == other
    }
}

impl PartialEq<&str> for WindowsName {
    fn eq(&self, other: &&str) -> bool {
        &**self == *other
    }
}

impl Serialize for WindowsName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self)
    }
}

/// A certificate, as reports name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertRef {
    /// Subject, as Windows prints it.
    pub subject: WindowsName,
    /// Issuer, as Windows prints it.
    pub issuer: WindowsName,
    /// SHA-1 thumbprint.
    pub thumbprint: Thumbprint,
    /// Where it was read.
    pub origin: Origin,
    /// notBefore.
    #[serde(with = "time::serde::rfc3339")]
    pub not_before: OffsetDateTime,
    /// notAfter.
    #[serde(with = "time::serde::rfc3339")]
    pub not_after: OffsetDateTime,
}

impl CertRef {
    /// Describe `c`.
    pub fn of(c: &Cert) -> CertRef {
        CertRef {
            subject: WindowsName::subject(c),
            issuer: WindowsName::issuer(c),
            thumbprint: *c.sha1(),
            origin: c.origin.clone(),
            not_before: c.not_before,
            not_after: c.not_after,
        }
    }
}

/// One certificate of the chosen path.
#[derive(Clone, Debug, Serialize)]
pub struct Link {
    /// The certificate.
    pub cert: CertRef,
    /// Where it came from.
    pub source: Source,
    /// The algorithm of the signature on this certificate that the next one verified
    /// (`None` for the last certificate of the path; with
    /// [`ChainOptions::verify_signatures`] off, the algorithm it would be verified with).
    pub verified_with: Option<crate::verify::SignatureAlgorithm>,
}

/// Why a path other than the chosen one was not taken.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum NotChosen {
    /// It is valid but has more certificates than the chosen path.
    Longer {
        /// Its length.
        len: usize,
        /// The chosen path's length.
        chosen_len: usize,
    },
    /// It is valid, as long as the chosen path, and came later in the search order.
    LaterInOrder,
    /// It has problems (listed).
    Problems {
        /// What is wrong with it.
        problems: Vec<Diagnosis>,
    },
}

/// A path that was found but not chosen.
#[derive(Clone, Debug, Serialize)]
pub struct Alternative {
    /// The certificates, leaf first (ending at its anchor, if it has one).
    pub certs: Vec<CertRef>,
    /// Whether it ends at a trust anchor.
    pub anchored: bool,
    /// Why it was not chosen.
    pub reason: NotChosen,
}

/// Where the chosen path ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum PathEnd {
    /// At a trust anchor from this source (the path may still be invalid: see `complete`).
    Anchor {
        /// Where the anchor came from.
        source: AnchorSource,
    },
    /// At a self-issued certificate that is not a trust anchor.
    UntrustedRoot {
        /// Its subject, as Windows prints it (rendered when read).
        root: WindowsName,
    },
    /// No available certificate issued the last one.
    MissingIssuer {
        /// The missing issuer's name, as Windows prints it (rendered when read).
        issuer: WindowsName,
    },
    /// The path reached the intermediate limit.
    TooLong,
    /// The budget ran out before any path ended.
    BudgetExhausted,
}

/// Work done by the search.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Work {
    /// Signature verifications done.
    pub signatures: usize,
    /// Issuer candidates considered.
    pub candidates: usize,
    /// Whether the budget ran out before the search finished.
    pub exhausted: bool,
}

/// A duplicated certificate among the given ones.
#[derive(Clone, Debug, Serialize)]
pub struct Duplicate {
    /// The certificate (first occurrence).
    pub cert: CertRef,
    /// Every place it was found, in input order.
    pub origins: Vec<Origin>,
}

/// Everything chain assembly found out.
#[derive(Clone, Debug, Serialize)]
pub struct ChainReport {
    /// The evaluation time.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The leaf (end-entity) certificate.
    pub leaf: CertRef,
    /// Whether a valid path to a trusted, currently valid anchor was found.
    pub complete: bool,
    /// The chosen path, leaf first; it ends with the anchor when `anchor` is set. When nothing
    /// is complete this is the best partial path.
    pub path: Vec<Link>,
    /// The trust anchor the chosen path ends at.
    pub anchor: Option<CertRef>,
    /// Where that anchor came from.
    pub anchor_source: Option<AnchorSource>,
    /// Where the chosen path ends.
    pub end: PathEnd,
    /// Problems, warnings and notes, most important first, each with its fix.
    pub diagnostics: Vec<Diagnosis>,
    /// Other paths and why each was not chosen.
    pub alternatives: Vec<Alternative>,
    /// Whether the given certificates on the path were in leaf-to-root order.
    pub input_order_ok: bool,
    /// Certificates given more than once.
    pub duplicates: Vec<Duplicate>,
    /// Given certificates that belong to no path from the leaf (at most
    /// [`ChainOptions::max_strays`] of them, in input order).
    pub strays: Vec<CertRef>,
    /// Strays beyond those listed in `strays` (only serialised when there are some).
    #[serde(skip_serializing_if = "is_zero")]
    pub more_strays: usize,
    /// Work done.
    pub work: Work,
    #[serde(skip)]
    certs: Vec<Cert>,
    #[serde(skip)]
    given_on_path: Vec<usize>,
}

impl ChainReport {
    /// The chosen path's certificates, leaf first, including the anchor when there is one.
    pub fn path_certs(&self) -> &[Cert] {
        &self.certs
    }

    /// The chain to install or bundle: leaf first, without the anchor unless `include_root`.
    /// For an incomplete chain this is the best partial chain.
    pub fn chain_certs(&self, include_root: bool) -> &[Cert] {
        if self.anchor.is_some() && !include_root && self.certs.len() > 1 {
            &self.certs[..self.certs.len() - 1]
        } else {
            &self.certs
        }
    }

    /// The issuers of the chosen path, leaf excluded, anchor included when there is one.
    pub fn issuers(&self) -> &[Cert] {
        self.certs.get(1..).unwrap_or(&[])
    }

    /// The chain without the leaf and without the anchor: what a server sends after its
    /// certificate (`chain.pem`), and what a PFX carries besides the leaf and root.
    pub fn intermediates(&self) -> &[Cert] {
        let c = self.chain_certs(false);
        if c.is_empty() {
            c
        } else {
            &c[1..]
        }
    }

    /// The positions among the given certificates of those on the chosen path, in path order
    /// (found by lookup: a rule comparing the path with every certificate of the file made a
    /// file of many leaves quadratic, issue 16).
    pub fn given_on_path(&self) -> &[usize] {
        &self.given_on_path
    }

    /// The most severe diagnostic level present.
    pub fn worst(&self) -> Option<Severity> {
        self.diagnostics.iter().map(|d| d.severity).max()
    }
}

/// Errors that stop chain assembly before it starts.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// No certificate was given.
    #[error("no certificate in the input; give the certificate file the CA sent (.crt, .cer, .pem, .p7b, .zip or .pfx)")]
    NoCertificates,
}

/// The leaf among `certs` by [`LeafPolicy::IssuesNone`] (the `chain` command's choice): the
/// certificate that issues none of the others. `None` only for an empty slice.
pub fn find_leaf(certs: &[Cert]) -> Option<usize> {
    select_leaf(certs, LeafPolicy::IssuesNone)
        .ok()
        .map(|c| c.leaf)
}

/// The `chain` command's entry: find the leaf among `given` with [`find_leaf`], [`assemble`]
/// its chain and copy the path into the report (what [`ChainReport::chain_certs`] reads, for
/// writing the chain out). Owned slices, as the command reads them.
pub fn assemble_bundle(
    given: &[Cert],
    pool: &[Cert],
    roots: &[Cert],
    store: &RootStore,
    opts: &ChainOptions,
) -> Result<ChainReport, ChainError> {
    let leaf = find_leaf(given).ok_or(ChainError::NoCertificates)?;
    let given: Vec<&Cert> = given.iter().collect();
    let pool: Vec<&Cert> = pool.iter().collect();
    Ok(assemble(given[leaf], &given, &pool, roots, store, opts).into_report())
}

/// Build the best chain for `leaf`: the one-leaf form of [`Candidates::assemble`] (the
/// candidates are indexed with `leaf` first, the order a single chain has always been
/// searched in).
///
/// - `given`: the certificates the user supplied, in order (it may contain the leaf). Order,
///   duplicates and strays are judged against it.
/// - `pool`: more candidate issuers (directories, other bundles); never reported as strays.
/// - `roots`: trust anchors from the caller; `store`: the embedded store
///   ([`crate::roots::embedded`]) or [`RootStore::empty`].
///
/// The path is borrowed from the inputs; [`Chain::into_report`] copies it into the report.
pub fn assemble<'a>(
    leaf: &'a Cert,
    given: &[&'a Cert],
    pool: &[&'a Cert],
    roots: &'a [Cert],
    store: &'a RootStore,
    opts: &ChainOptions,
) -> Chain<'a> {
    Candidates::build(Some(leaf), given, pool, roots, store).assemble(leaf, opts)
}

/// An assembled chain: the report, and the chosen path borrowed from the inputs (not copied:
/// `check` and `scan` build one chain per leaf).
#[derive(Clone, Debug)]
pub struct Chain<'a> {
    /// Everything the search found out. Its [`ChainReport::path_certs`] (and the methods built
    /// on it) are empty until [`Chain::into_report`]: the path is `path`.
    pub report: ChainReport,
    /// The chosen path, leaf first, anchor included when there is one.
    pub path: Vec<&'a Cert>,
}

/// The former name of [`Chain`].
pub type BorrowedChain<'a> = Chain<'a>;

impl Chain<'_> {
    /// The issuers of the chosen path, leaf excluded, anchor included when there is one.
    pub fn issuers(&self) -> &[&Cert] {
        self.path.get(1..).unwrap_or(&[])
    }

    /// The report owning copies of the path's certificates, for callers that outlive the
    /// inputs or write the chain out.
    pub fn into_report(self) -> ChainReport {
        let Chain { mut report, path } = self;
        report.certs = path.into_iter().cloned().collect();
        report
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

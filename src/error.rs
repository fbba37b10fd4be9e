//! Library error types. Findings (an expired certificate) are data, not errors; these are for
//! input that cannot be read or operations that cannot be carried out.
//!
//! Messages start lowercase, name the file (through its [`Origin`]) and what was found, and end
//! with the next step where there is one. Causes go in `#[source]`, never into the text, so
//! `{:#}` in the binary prints a clean chain. No variant ever carries a password.

use crate::input::Origin;

/// A boxed error from a foreign parser (x509-parser, der, zip …), kept as a `#[source]`.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What kind of object a parser was reading when it failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ObjectKind {
    /// An X.509 certificate.
    Certificate,
    /// A PKCS#10 certificate signing request.
    Csr,
    /// A private key (PKCS#1, PKCS#8, encrypted PKCS#8, SEC1).
    PrivateKey,
    /// A PKCS#7 / CMS SignedData bundle.
    Pkcs7,
    /// A PKCS#12 (PFX) file.
    Pkcs12,
    /// A ZIP archive.
    Zip,
    /// A distinguished name.
    Name,
}

impl std::fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ObjectKind::Certificate => "certificate",
            ObjectKind::Csr => "certificate request",
            ObjectKind::PrivateKey => "private key",
            ObjectKind::Pkcs7 => "PKCS#7 bundle",
            ObjectKind::Pkcs12 => "PKCS#12 (PFX) file",
            ObjectKind::Zip => "ZIP archive",
            ObjectKind::Name => "distinguished name",
        })
    }
}

/// Errors from reading and recognising input (`input::load`, `input::detect`).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file could not be read at all.
    #[error("{path}: cannot read")]
    Io {
        /// The path as given.
        path: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// Nothing in the input is certificate material.
    #[error("{origin}: not a certificate, CSR, private key, PKCS#7, PKCS#12 or ZIP file (found {found}); give a PEM, DER, .p7b, .pfx or .zip file")]
    Unrecognized {
        /// Where.
        origin: Origin,
        /// A short description of what the bytes look like.
        found: String,
    },
    /// A PEM block whose body is not valid base64.
    #[error("{origin}: PEM block \"{label}\" is not valid base64; the file may be truncated or edited, get a fresh copy")]
    BadBase64 {
        /// Where (including the block number).
        origin: Origin,
        /// The PEM label.
        label: String,
    },
    /// A PEM block with a BEGIN line and no matching END line.
    #[error(
        "{origin}: PEM block \"{label}\" has no END line; the file is truncated, get a fresh copy"
    )]
    UnterminatedPem {
        /// Where (including the block number).
        origin: Origin,
        /// The PEM label.
        label: String,
    },
    /// A PEM block with a label certprep does not read.
    #[error("{origin}: PEM block \"{label}\" is not something certprep reads (certificates, requests, keys, PKCS#7); it was skipped")]
    UnsupportedPemLabel {
        /// Where.
        origin: Origin,
        /// The PEM label.
        label: String,
    },
    /// The bytes claim to be an object of a kind but do not parse as one.
    #[error("{origin}: damaged {kind}; the file may be truncated or altered, get a fresh copy")]
    Malformed {
        /// Where.
        origin: Origin,
        /// What it was supposed to be.
        kind: ObjectKind,
        /// The parser's error.
        #[source]
        source: BoxError,
    },
    /// A password-protected object and no password worked (none was given, or none matched).
    #[error("{origin}: {}", password_needed_text(*.kind, *.tried_given))]
    PasswordNeeded {
        /// Where.
        origin: Origin,
        /// PKCS#12 or encrypted private key.
        kind: ObjectKind,
        /// Whether user-supplied passwords were tried (and failed).
        tried_given: bool,
    },
    /// An iteration count above certprep's cap: refused before any work is done.
    #[error("{origin}: {kind} asks for {count} key-derivation iterations, more than the {cap} certprep allows; a genuine file never needs this many, so it is refused")]
    IterationsTooHigh {
        /// Where.
        origin: Origin,
        /// PKCS#12 or encrypted private key.
        kind: ObjectKind,
        /// The count in the file.
        count: u64,
        /// The cap in force.
        cap: u32,
    },
    /// Opening the object would take more key-derivation work than the budget left to the
    /// file or the run: refused before the derivation runs (issue 16).
    #[error("{origin}: opening this {kind} needs more password-hashing work than the budget of {budget} units per {scope} allows, so it was not opened; real exports need far less: raise the budget only for a file you trust")]
    KdfBudget {
        /// Where.
        origin: Origin,
        /// PKCS#12 or encrypted private key.
        kind: ObjectKind,
        /// Which budget ran out.
        scope: crate::input::BudgetScope,
        /// That budget, in units (`docs/formats.md`).
        budget: u64,
    },
    /// An algorithm certprep cannot decrypt or verify.
    #[error("{origin}: {kind} uses {algorithm}, which certprep cannot read; re-export it with AES-256 or 3DES")]
    UnsupportedAlgorithm {
        /// Where.
        origin: Origin,
        /// What was being read.
        kind: ObjectKind,
        /// The algorithm's name or dotted OID.
        algorithm: String,
    },
    /// The PKCS#12 MAC does not verify although decryption succeeded.
    #[error(
        "{origin}: the PKCS#12 integrity check (MAC) fails; the file is damaged or was altered"
    )]
    PfxMac {
        /// Where.
        origin: Origin,
    },
    /// The input is larger than certprep reads.
    #[error(
        "{origin}: {size} bytes is larger than the {limit} bytes certprep reads from one file"
    )]
    TooLarge {
        /// Where.
        origin: Origin,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A PKCS#7 bundle that is valid but holds no certificates.
    #[error("{origin}: the PKCS#7 bundle holds no certificates; ask the CA for the certificate and its chain again (PEM, DER or a .p7b that contains them)")]
    EmptyBundle {
        /// Where.
        origin: Origin,
    },
    /// A ZIP archive inside a ZIP archive inside a ZIP archive: not opened.
    #[error("{origin}: a ZIP archive nested more than one level deep was not opened; extract it and give the files inside")]
    NestedArchive {
        /// Where.
        origin: Origin,
    },
    /// A ZIP archive with more entries than certprep reads.
    #[error("{origin}: the ZIP archive has {count} entries (with the archives it is in), more than the {limit} certprep reads from one input; extract the certificate files and give them directly")]
    TooManyEntries {
        /// Where.
        origin: Origin,
        /// Entries in the archive.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// ZIP entries sharing bytes: one compressed stream referenced by several headers.
    #[error("{origin}: ZIP entries \"{first}\" and \"{second}\" overlap (they share compressed data), which archive tools never write and ZIP bombs do; the archive was not opened")]
    OverlappingEntries {
        /// Where.
        origin: Origin,
        /// One entry's name.
        first: String,
        /// The other's.
        second: String,
    },
    /// The ZIP entries of one input tree inflate to more than certprep reads in all.
    #[error("{origin}: the ZIP archive (with any archives inside it) inflates to more than the {limit} bytes certprep reads from one input; the rest was not read: extract the certificate files and give them directly")]
    ArchiveBudget {
        /// The entry being inflated when the budget ran out.
        origin: Origin,
        /// The budget, in bytes.
        limit: u64,
    },
    /// A password-protected ZIP entry.
    #[error("{origin}: the ZIP entry is password-protected; extract it with your archive tool and give the file directly")]
    EncryptedEntry {
        /// Where.
        origin: Origin,
    },
    /// DER whose outer length is larger than the data: a truncated download or copy.
    #[error("{origin}: DER data is cut short: it declares {declared} bytes but there are {actual}; the file is truncated, get a fresh copy")]
    TruncatedDer {
        /// Where.
        origin: Origin,
        /// The length the outer header declares (header included).
        declared: u64,
        /// The bytes present.
        actual: u64,
    },
    /// More objects (PEM blocks, certificates in a bundle) in one file than certprep reads.
    #[error("{origin}: more than {limit} objects in one file; only the first {limit} were read")]
    TooManyObjects {
        /// Where.
        origin: Origin,
        /// The limit.
        limit: usize,
    },
}

fn password_needed_text(kind: ObjectKind, tried_given: bool) -> String {
    if tried_given {
        format!("wrong password for this {kind}: none of the given passwords opens it; check the password file (its first line is used) or give the right one with --password-file FILE or --password-env VAR")
    } else {
        format!("{kind} is password-protected and no password was given (and an empty one does not open it); give it with --password-file FILE or --password-env VAR")
    }
}

impl InputError {
    /// Whether the object is there but its contents could not be read: a PKCS#12 file or
    /// encrypted key no password opens, one whose iteration count is refused, or one in an
    /// algorithm certprep cannot decrypt or verify. A file with such a problem is an input
    /// that could not be read (exit 2), even when its unencrypted parts were shown.
    pub fn hides_contents(&self) -> bool {
        matches!(
            self,
            InputError::PasswordNeeded { .. }
                | InputError::IterationsTooHigh { .. }
                | InputError::UnsupportedAlgorithm { .. }
                | InputError::PfxMac { .. }
        )
    }
}

/// Errors from walking a tree in `scan` (per path; the scan goes on), and from its setup.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// A directory or file could not be listed or examined (permissions, vanished, dangling link).
    #[error("{path}: cannot read; check that it exists and that you may read it")]
    Walk {
        /// The path as walked.
        path: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// Following symbolic links led back to a directory already being walked.
    #[error("{path}: symbolic link loop (it leads back to {ancestor}); not followed")]
    LinkLoop {
        /// The link.
        path: String,
        /// The directory it leads back to.
        ancestor: String,
    },
    /// An `--exclude` pattern that is not a valid glob.
    #[error("--exclude {pattern}: not a valid glob pattern")]
    BadGlob {
        /// The pattern as given.
        pattern: String,
        /// globset's error.
        #[source]
        source: globset::Error,
    },
    /// The worker threads could not be started.
    #[error("cannot start {jobs} worker threads")]
    Threads {
        /// How many were asked for.
        jobs: usize,
        /// rayon's error.
        #[source]
        source: rayon::ThreadPoolBuildError,
    },
}

/// Errors from choosing PFX contents and writing PKCS#12 files (`pfx`, `pkcs12::build`).
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

/// The crate-wide error: every area's error gathered with `#[from]`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading input failed.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Scanning a tree failed to start.
    #[error(transparent)]
    Scan(#[from] ScanError),
    /// Generating a key, request or certificate failed.
    #[error(transparent)]
    Csr(#[from] CsrError),
    /// A runbook cannot be generated.
    #[error(transparent)]
    Runbook(#[from] crate::runbook::RunbookError),
    /// A probe failed.
    #[error(transparent)]
    Probe(#[from] crate::probe::ProbeError),
    /// Building a PFX failed.
    #[error(transparent)]
    Pfx(#[from] PfxError),
    /// Chain assembly could not start.
    #[error(transparent)]
    Chain(#[from] crate::chain::ChainError),
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What is wrong with a `--subject` distinguished name (defined with the subject parser).
pub use crate::name::SubjectProblem;

/// Errors from generating keys, requests and self-signed certificates.
#[derive(Debug, thiserror::Error)]
pub enum CsrError {
    /// The subject text cannot be read.
    #[error("subject {subject:?}: {problem}")]
    BadSubject {
        /// The subject as given.
        subject: String,
        /// What is wrong.
        problem: SubjectProblem,
    },
    /// A requested name is not a valid DNS name.
    #[error("name {name:?}: {why}")]
    BadName {
        /// The name as given.
        name: String,
        /// Why it is refused.
        why: &'static str,
    },
    /// Nothing to request: no names and no subject.
    #[error("no names to request; give at least one --name (or --from an existing certificate)")]
    NoNames,
    /// A validity period that cannot be represented.
    #[error("validity of {days} days is out of range; give --days between 1 and 36500")]
    Validity {
        /// The requested days.
        days: u32,
    },
    /// RSA key generation failed.
    #[error("generating the RSA key failed")]
    RsaGeneration(#[source] rsa::Error),
    /// Encoding the private key failed.
    #[error("encoding the private key failed")]
    KeyEncoding(#[source] pkcs8::Error),
    /// Encrypting the private key failed.
    #[error("encrypting the private key failed")]
    KeyEncryption(#[source] pkcs8::Error),
    /// Encoding the public key failed.
    #[error("encoding the public key failed")]
    SpkiEncoding(#[source] spki::Error),
    /// DER encoding failed (an internal error; please report it).
    #[error("DER encoding failed; this is a bug in certprep, please report it")]
    Encoding(#[source] der::Error),
    /// Signing failed.
    #[error("signing failed")]
    Signing(#[source] signature::Error),
}

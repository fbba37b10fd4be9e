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
    #[error("{origin}: {kind} is password-protected and {}; give it with --password-file FILE or --password-env VAR", if *.tried_given { "none of the given passwords opens it" } else { "neither a null nor an empty password opens it" })]
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
    #[error("{origin}: the ZIP archive has {count} entries, more than the {limit} certprep reads; extract the certificate files and give them directly")]
    TooManyEntries {
        /// Where.
        origin: Origin,
        /// Entries in the archive.
        count: usize,
        /// The limit.
        limit: usize,
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

/// The crate-wide error: every area's error gathered with `#[from]`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading input failed.
    #[error(transparent)]
    Input(#[from] InputError),
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

//! What could not be read, and where: [`InputError`] and [`ObjectKind`], the one vocabulary of
//! every reader of certificate material.
//!
//! On the ground floor because several modules produce these and none of them is above the
//! others: the model's parsers (a damaged certificate or request), detection ([`crate::input`]:
//! PEM, ZIP, keys, PKCS#7), the PKCS#12 reader ([`crate::pkcs12`]), and scan, check and state
//! that report them. It depends only on [`Origin`] and [`BudgetScope`], themselves on the ground
//! floor, so none of those modules imports another for its errors. [`crate::error`] gathers it
//! with the other areas' errors.
//!
//! Messages start lowercase, name the file (through its [`Origin`]) and what was found, and end
//! with the next step where there is one. Causes go in `#[source]`, never into the text, so
//! `{:#}` in the binary prints a clean chain. No variant ever carries a password.

use crate::budget::{Account, BudgetScope};
use crate::origin::Origin;

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
        scope: BudgetScope,
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

    /// The refusal of a key derivation `account` cannot afford (`scope` ran out), for the
    /// `kind` of object at `origin`.
    pub(crate) fn over_budget(
        origin: &Origin,
        kind: ObjectKind,
        scope: BudgetScope,
        account: &Account<'_>,
    ) -> InputError {
        InputError::KdfBudget {
            origin: origin.clone(),
            kind,
            scope,
            budget: account.limit(scope),
        }
    }
}

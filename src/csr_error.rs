//! Errors from generating keys, requests and self-signed certificates, and what is wrong with a
//! `--subject` text.
//!
//! Its own module below [`crate::keygen`], [`crate::csr`] and [`crate::selfsigned`], which all
//! produce it (`csr` and `selfsigned` import `keygen`, so it cannot live in either of them
//! without an import circle). [`crate::error`] gathers it.

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

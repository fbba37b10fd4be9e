//! The connector TLS certificate name (`<I>issuer<S>subject`), what administrators paste back
//! from `Get-SendConnector`, and a typed explanation of every way the two differ.
//!
//! Rendering itself lives in [`crate::name`]; this module reads pasted text tolerantly (a
//! `TlsCertificateName :` prefix, PowerShell quotes, wrapped lines, trailing spaces), splits it
//! at the tags and compares each half with the certificate structurally, so that cosmetic
//! mistakes (OpenSSL's `ST=`, forward order, extra spaces, `</I>`) are told apart from a real
//! change (a new intermediate changes `<I>`). It also picks the leaf of a bundle by names.

mod compare;
mod paste;

pub use compare::{compare, compare_cert, Comparison, Difference, Part};
pub use paste::{read_paste, Pasted, Unwrapped};

use crate::model::Cert;
use crate::name::{render_windows, DistinguishedName};

/// The Exchange connector TLS certificate name: `<I>` + issuer + `<S>` + subject, no closing
/// tags, no spaces (Set-SendConnector / Set-ReceiveConnector / Set-HybridConfiguration docs).
pub fn tls_name(issuer: &DistinguishedName, subject: &DistinguishedName) -> String {
    format!(
        "<I>{}<S>{}",
        render_windows(issuer),
        render_windows(subject)
    )
}

/// [`tls_name`] of a certificate's issuer and subject.
pub fn for_cert(cert: &Cert) -> String {
    tls_name(&cert.issuer, &cert.subject)
}

// Leaf selection: the certificate that issues none of the others.

/// Why no single leaf could be chosen from a set of certificates.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LeafError {
    /// No certificate at all.
    #[error("no certificate found")]
    Empty,
    /// Every certificate issues another one (for example two cross-signed CAs).
    #[error("every certificate issues another one, so none is the leaf; give the leaf certificate alone")]
    NoLeaf,
    /// Several certificates issue none of the others.
    #[error("{} certificates issue none of the others ({}), so the leaf is ambiguous; give the leaf certificate alone", .candidates.len(), .names.join("; "))]
    Ambiguous {
        /// Indexes (into the slice given) of the candidates.
        candidates: Vec<usize>,
        /// Their subjects, Windows style.
        names: Vec<String>,
    },
}

/// Pick the leaf: the certificate that issues none of the others, comparing names (an
/// issuer's subject DER equals the other's issuer DER). Self-issued certificates do not count
/// as issuing themselves, and exact duplicates count once. When several qualify, one that is
/// not a CA (Basic Constraints) is preferred if it is the only such one.
///
/// Name matching only: signatures are not checked (the `chain` module's `find_leaf` does that).
pub fn find_leaf_by_name(certs: &[Cert]) -> Result<usize, LeafError> {
    if certs.is_empty() {
        return Err(LeafError::Empty);
    }
    // First occurrence of every distinct certificate.
    let distinct: Vec<usize> = (0..certs.len())
        .filter(|&i| !certs[..i].iter().any(|c| c.der == certs[i].der))
        .collect();
    // i issues j when j names i's subject as its issuer. Certificates with the same subject
    // (a self-signed root and its cross-signed twin, a re-keyed CA) do not issue each other
    // for this purpose, so a self-issued certificate never hides a leaf.
    let issues_another = |i: usize| {
        distinct.iter().any(|&j| {
            certs[j].der != certs[i].der
                && certs[j].issuer.der == certs[i].subject.der
                && certs[j].subject.der != certs[i].subject.der
        })
    };
    let candidates: Vec<usize> = distinct
        .iter()
        .copied()
        .filter(|&i| !issues_another(i))
        .collect();
    match candidates.len() {
        0 => Err(LeafError::NoLeaf),
        1 => Ok(candidates[0]),
        _ => {
            let non_ca: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&i| !certs[i].basic_constraints.is_some_and(|b| b.ca))
                .collect();
            if non_ca.len() == 1 {
                return Ok(non_ca[0]);
            }
            Err(LeafError::Ambiguous {
                names: candidates
                    .iter()
                    .map(|&i| render_windows(&certs[i].subject))
                    .collect(),
                candidates,
            })
        }
    }
}

//! PKCS#12 (PFX) reading and writing.
//!
//! Provisional entry point: the reader is being written; until then every PFX is reported as
//! unreadable rather than guessed at.

use crate::error::{InputError, ObjectKind};
use crate::input::{DetectOptions, Detected, Origin};

/// Read a PKCS#12 file: its structure as an [`Item::Pfx`](crate::input::Item::Pfx), and its
/// certificates and keys as ordinary items (origins point at their bags). When no password
/// opens it, the structure that is visible without one is still returned, with a
/// [`InputError::PasswordNeeded`] problem.
pub fn read(_bytes: &[u8], origin: &Origin, _opts: &DetectOptions) -> Detected {
    Detected {
        items: Vec::new(),
        problems: vec![InputError::UnsupportedAlgorithm {
            origin: origin.clone(),
            kind: ObjectKind::Pkcs12,
            algorithm: "PKCS#12 (reader not yet available)".into(),
        }],
    }
}

//! Owned, parsed-once domain types. No I/O, no formatting, no clock.

pub mod cache;
pub mod cert;
pub mod csr;
mod ext;
pub mod key;
/// The distinguished-name model, at its old path (it lives in [`crate::name::der`]).
pub use crate::name::der as name;
pub mod pfx;
mod tbs;

pub use crate::name::DistinguishedName;
pub use cache::CertCache;
pub use cert::{BasicConstraints, Cert, CertBody, Eku, KeyUsage, Signature};
pub use csr::Csr;
pub use key::{Curve, KeyAlgorithm, KeyFormat, PrivateKey, PublicKey};
pub use pfx::PfxInfo;

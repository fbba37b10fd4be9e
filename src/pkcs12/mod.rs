//! PKCS#12 (PFX) reading and writing (RFC 7292), as Windows and OpenSSL write it.
//!
//! - [`read`]: every bag's algorithm and iteration count, the MAC, the certificates (with
//!   friendlyName and localKeyId) and keys (with the CSP name) as ordinary items. Decrypts
//!   pbeWithSHAAnd40BitRC2-CBC, 128-bit RC2, 2- and 3-key 3DES, and PBES2 (PBKDF2 with
//!   HMAC-SHA1/256/384/512; AES-128/192/256-CBC, DES-EDE3-CBC); verifies SHA-1/256/384/512 MACs
//!   and PBMAC1 (RFC 9579). Iteration counts above the caller's cap are refused before any
//!   key derivation, and every derivation (each password tried on the MAC, each safe, each
//!   key) is charged to the input's key-derivation budget before it runs
//!   ([`crate::budget`]). It returns its own [`Contents`]; [`crate::input`] turns them into
//!   detected items, so this module never imports `input`.
//! - [`build`]: the two profiles of design.md §4.3 with the bag attributes Windows writes.
//!
//! This module decides nothing about which certificates belong in a file; that is
//! [`crate::pfx`]. It never sees a file name, and no password reaches an error or a report.

mod alg;
mod kdf;
mod layout;
mod read;
mod write;

pub use layout::looks_like_pfx;
pub(crate) use read::read_in;
pub use read::{read, Contents, Object, ReadOptions};
pub use write::{build, BuildError, PfxSpec, Profile, WINDOWS_LOCAL_KEY_ID};

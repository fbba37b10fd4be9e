//! Library error types, gathered. Findings (an expired certificate) are data, not errors; these
//! are for input that cannot be read or operations that cannot be carried out.
//!
//! Each area owns its error type and defines it beside its code; this module only gathers them
//! into [`Error`] and re-exports them, so `certprep::error::X` names every one. It sits at the
//! top of the house: it imports the areas, and no area imports it.
//!
//! | Error | Area, where it is defined |
//! |---|---|
//! | [`InputError`], [`ObjectKind`] | reading certificate material: [`crate::input_error`] (ground floor, shared by the model, `input`, `pkcs12`) |
//! | [`ScanError`] | walking a tree: [`crate::scan`] |
//! | [`CsrError`], [`SubjectProblem`] | generating keys, requests, self-signed certificates: [`crate::csr_error`] (shared by `keygen`, `csr`, `selfsigned`) |
//! | [`PfxError`] | choosing PFX contents and writing them: [`crate::pfx`] (its encoding part from [`crate::pkcs12::BuildError`]) |
//! | `RunbookError`, `ProbeError`, `ChainError` | [`crate::runbook`], [`crate::probe`], [`crate::chain`] |
//!
//! Messages start lowercase, name the file (through its origin) and what was found, and end
//! with the next step where there is one. Causes go in `#[source]`, never into the text, so
//! `{:#}` in the binary prints a clean chain. No variant ever carries a password.

pub use crate::csr_error::{CsrError, SubjectProblem};
pub use crate::input_error::{BoxError, InputError, ObjectKind};
pub use crate::pfx::PfxError;
pub use crate::scan::ScanError;

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

//! Exit codes, defined once (docs/exit-codes.md): 0 success, 1 findings, 2 errors.
//! clap's own usage errors also exit with 2.

use std::process::ExitCode;

/// Success, or nothing at or above `--fail-on`.
pub(crate) fn success() -> ExitCode {
    ExitCode::from(0)
}

/// Findings at or above `--fail-on`, a comparison that differs, or an incomplete chain.
pub(crate) fn findings() -> ExitCode {
    ExitCode::from(1)
}

/// Usage, input or I/O error.
pub(crate) fn error() -> ExitCode {
    ExitCode::from(2)
}

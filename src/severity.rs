//! How much a finding or a diagnostic matters: one scale for the rule engine
//! ([`crate::check`]), chain diagnostics ([`crate::chain`]), scan rows and runbook notes.
//!
//! On the ground floor so that `chain` (below `check`) and `check` share it without either
//! importing the other upward. Serialised in lowercase (`info`, `warning`, `error`); the
//! ordering is the order of seriousness, so `max()` is the worst.

/// How serious a finding is (zlint's levels; style.md §3).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// For information; nothing to fix, never fails a run.
    Info,
    /// A SHOULD: likely trouble, or trouble for some clients; the chain works but something
    /// should be fixed.
    Warning,
    /// A MUST, or a certain platform failure (a chain clients will reject).
    Error,
}

impl Severity {
    /// The word, as serialised: `info`, `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

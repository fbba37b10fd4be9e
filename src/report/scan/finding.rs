//! The one place the scan printers read a [`Finding`]: every format takes a finding's rule,
//! severity and message (its `detail`) through [`FindingOut`], so a change to how findings
//! carry them is a change here. Scan output never prints a remediation.

use crate::scan::{Finding, Severity};
use serde::{Serialize, Serializer};

/// A finding as the printers see it; serialised as `{"rule","severity","message"}`.
#[derive(Serialize)]
pub(super) struct FindingOut<'a> {
    /// The rule id.
    pub(super) rule: &'a str,
    /// Its severity (`info`, `warning`, `error`).
    pub(super) severity: Severity,
    /// What is wrong with the certificate.
    pub(super) message: &'a str,
}

impl<'a> From<&'a Finding> for FindingOut<'a> {
    fn from(f: &'a Finding) -> Self {
        FindingOut {
            rule: f.rule,
            severity: f.severity,
            message: &f.detail,
        }
    }
}

/// A row's findings, in order.
pub(super) fn each(findings: &[Finding]) -> impl Iterator<Item = FindingOut<'_>> + Clone {
    findings.iter().map(FindingOut::from)
}

/// A row's findings as a JSON array of [`FindingOut`], serialised without collecting them.
pub(super) struct FindingsOut<'a>(pub(super) &'a [Finding]);

impl Serialize for FindingsOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(each(self.0))
    }
}

/// The most severe of `findings`, if any.
pub(super) fn worst(findings: &[Finding]) -> Option<Severity> {
    each(findings).map(|f| f.severity).max()
}

/// Whether any of `findings` is at or above `level`.
pub(super) fn any_at_or_above(findings: &[Finding], level: Severity) -> bool {
    each(findings).any(|f| f.severity >= level)
}

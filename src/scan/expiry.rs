//! Expiry monitoring: keep only what expires within a window, one entry per thumbprint with
//! every place it was found, soonest first.
//!
//! Only the certificates inside the window are kept in memory, so a monitoring scan of a large
//! tree holds little more than what it will print.

use super::{CertRow, Finding};
use crate::origin::Origin;
use crate::thumbprint::Thumbprint;
use std::collections::HashMap;
use time::OffsetDateTime;

/// One certificate expiring within the window, with every place it was found.
#[derive(Clone, Debug)]
pub struct ExpiringCert {
    /// SHA-1 thumbprint.
    pub thumbprint: Thumbprint,
    /// The subject's most specific CN.
    pub subject_cn: Option<String>,
    /// The issuer's most specific CN.
    pub issuer_cn: Option<String>,
    /// notAfter.
    pub not_after: OffsetDateTime,
    /// Whole days left (negative once expired).
    pub days_left: i64,
    /// Findings, de-duplicated across locations, in first-seen order.
    pub findings: Vec<Finding>,
    /// Every place it was found, in scan (path) order.
    pub locations: Vec<Origin>,
}

/// Collects rows that expire within `days` days of the scan's instant (already expired ones
/// included), merging rows with the same thumbprint.
#[derive(Debug)]
pub struct ExpiryCollector {
    cutoff: OffsetDateTime,
    by_thumbprint: HashMap<Thumbprint, ExpiringCert>,
}

impl ExpiryCollector {
    /// Keep certificates whose notAfter is at or before `as_of` + `days` days.
    pub fn new(as_of: OffsetDateTime, days: u32) -> Self {
        ExpiryCollector {
            cutoff: as_of + time::Duration::days(i64::from(days)),
            by_thumbprint: HashMap::new(),
        }
    }

    /// Offer one row; it is kept if it expires within the window. Returns whether it was.
    pub fn add(&mut self, row: CertRow) -> bool {
        if row.not_after > self.cutoff {
            return false;
        }
        match self.by_thumbprint.get_mut(&row.thumbprint) {
            Some(e) => {
                e.locations.push(row.origin);
                for f in row.findings {
                    if !e.findings.iter().any(|g| same_finding(g, &f)) {
                        e.findings.push(f);
                    }
                }
            }
            None => {
                self.by_thumbprint.insert(
                    row.thumbprint,
                    ExpiringCert {
                        thumbprint: row.thumbprint,
                        subject_cn: row.subject_cn,
                        issuer_cn: row.issuer_cn,
                        not_after: row.not_after,
                        days_left: row.days_left,
                        findings: row.findings,
                        locations: vec![row.origin],
                    },
                );
            }
        }
        true
    }

    /// The collected certificates: soonest notAfter first, ties by thumbprint.
    pub fn finish(self) -> Vec<ExpiringCert> {
        let mut all: Vec<ExpiringCert> = self.by_thumbprint.into_values().collect();
        all.sort_by(|a, b| {
            a.not_after
                .cmp(&b.not_after)
                .then_with(|| a.thumbprint.cmp(&b.thumbprint))
        });
        all
    }
}

/// Whether two findings say the same thing as the scan prints it: rule, severity and detail.
/// Not `==`, which also compares remediations (rendering each [`Fix`](crate::check::Fix) to
/// text); the scan never prints those, so rows differing only there merge.
fn same_finding(a: &Finding, b: &Finding) -> bool {
    a.rule == b.rule && a.severity == b.severity && a.detail == b.detail
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::Severity;
    use crate::thumbprint::HashAlg;
    use time::macros::datetime;

    fn row(tp: &[u8], path: &str, not_after: OffsetDateTime, rule: &'static str) -> CertRow {
        CertRow {
            origin: Origin::file(path),
            thumbprint: Thumbprint::of(tp, HashAlg::Sha1),
            subject_cn: None,
            issuer_cn: None,
            not_after,
            days_left: 0,
            findings: vec![Finding {
                rule,
                severity: Severity::Warning,
                summary: "",
                detail: String::new(),
                citation: "",
                remediation: None,
            }],
        }
    }

    #[test]
    fn expiry_keeps_window_merges_thumbprints_and_sorts_soonest_first() {
        let now = datetime!(2027-01-01 00:00 UTC);
        let mut c = ExpiryCollector::new(now, 30);
        assert!(c.add(row(b"a", "x/1.pem", datetime!(2027-01-20 00:00 UTC), "r1")));
        assert!(c.add(row(b"b", "x/2.pem", datetime!(2026-12-01 00:00 UTC), "r1")));
        assert!(c.add(row(b"a", "y/3.pem", datetime!(2027-01-20 00:00 UTC), "r2")));
        assert!(!c.add(row(b"c", "z.pem", datetime!(2027-01-31 00:00:01 UTC), "r1")));
        assert!(c.add(row(b"d", "w.pem", datetime!(2027-01-31 00:00 UTC), "r1")));
        let got = c.finish();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].locations, vec![Origin::file("x/2.pem")]);
        assert_eq!(
            got[1].locations,
            vec![Origin::file("x/1.pem"), Origin::file("y/3.pem")]
        );
        let rules: Vec<&str> = got[1].findings.iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["r1", "r2"]);
        assert_eq!(got[2].locations, vec![Origin::file("w.pem")]);
    }
}

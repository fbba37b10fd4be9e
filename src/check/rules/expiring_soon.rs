//! `expiring-soon`: the certificate expires within the threshold: `--min-days`, or by default
//! the larger of 30 days and a third of its lifetime.
//! ### Why
//! Renewal takes CA turnaround, a change window and an import on every server; a third of the
//! lifetime is the renewal point ACME clients use (Let's Encrypt renews at 30 days of 90).

use super::{days, renew_fix, when};
use crate::check::{Ctx, Rule, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "expiring-soon",
    severity: Severity::Warning,
    summary: "certificate expires soon",
    citation: "certprep (renewal at max(30 days, lifetime/3), as ACME clients do)",
    remediation: Some("renew it: certprep csr --from CERT -o renewal.req --key-out renewal.key"),
    why: "HealthChecker shows an Exchange certificate in yellow under 60 days of remaining life and red under 30 (https://github.com/microsoft/CSS-Exchange/blob/main/Diagnostics/HealthChecker/Analyzer/Security/Invoke-AnalyzerSecurityExchangeCertificates.ps1); certprep's threshold is the larger of 30 days and a third of the lifetime, as ACME clients renew. Warning, as HealthChecker.",
    check,
};

/// The threshold in days: `min_days`, else max(30, lifetime / 3).
pub fn threshold_days(cert: &Cert, min_days: Option<u32>) -> i64 {
    match min_days {
        Some(d) => i64::from(d),
        None => 30.max((cert.not_after - cert.not_before).whole_days() / 3),
    }
}

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    if ctx.as_of > cert.not_after || ctx.as_of < cert.not_before {
        return Verdict::NotApplicable; // `expired` / `not-yet-valid` say it
    }
    let left = cert.not_after - ctx.as_of;
    let threshold = threshold_days(cert, ctx.options.min_days);
    if left < time::Duration::days(threshold) {
        Verdict::Fail {
            detail: format!(
                "expires on {}, in {} days (threshold {} days)",
                when(cert.not_after),
                days(left),
                threshold
            ),
            fix: renew_fix(cert),
            escalate: None,
        }
    } else {
        Verdict::Pass
    }
}

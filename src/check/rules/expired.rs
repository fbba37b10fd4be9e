//! `expired`: the certificate's notAfter is in the past.
//! ### Why
//! Clients and Exchange refuse an expired certificate; Get-ExchangeCertificate shows
//! `Status: DateInvalid`.

use super::{days, renew_fix, when};
use crate::check::{Ctx, Rule, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "expired",
    severity: Severity::Error,
    summary: "certificate has expired",
    citation: "RFC 5280 §4.1.2.5",
    remediation: Some("renew it: certprep csr --from CERT -o renewal.req --key-out renewal.key"),
    why: "Windows and Exchange refuse an expired certificate: Get-ExchangeCertificate shows Status DateInvalid, and CSS-Exchange HealthChecker reports \"Certificate has expired\" in red (https://github.com/microsoft/CSS-Exchange/blob/main/Diagnostics/HealthChecker/Analyzer/Security/Invoke-AnalyzerSecurityExchangeCertificates.ps1). Error.",
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    if ctx.as_of > cert.not_after {
        Verdict::Fail {
            detail: format!(
                "expired on {} ({} days ago)",
                when(cert.not_after),
                days(ctx.as_of - cert.not_after)
            ),
            fix: renew_fix(cert),
            escalate: None,
        }
    } else {
        Verdict::Pass
    }
}

//! `not-yet-valid`: the certificate's notBefore is in the future.
//! ### Why
//! Windows treats a certificate before its notBefore as invalid (`DateInvalid`); usually the
//! evaluation clock or the CA's clock is wrong, or the certificate was installed too early.

use super::{days, when};
use crate::check::{Ctx, Rule, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "not-yet-valid",
    severity: Severity::Error,
    summary: "certificate is not valid yet",
    citation: "RFC 5280 §4.1.2.5",
    remediation: Some("wait until notBefore, or check the clock of the machine and of the CA"),
    why: "Windows treats a certificate before its notBefore as invalid (Status DateInvalid, the same check HealthChecker colours red: https://github.com/microsoft/CSS-Exchange/blob/main/Diagnostics/HealthChecker/Analyzer/Security/Invoke-AnalyzerSecurityExchangeCertificates.ps1). Usually a clock is wrong or the certificate was installed too early. Error.",
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    if ctx.as_of < cert.not_before {
        Verdict::fail(format!(
            "not valid until {} (in {} days)",
            when(cert.not_before),
            days(cert.not_before - ctx.as_of)
        ))
    } else {
        Verdict::Pass
    }
}

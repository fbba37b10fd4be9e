//! `lifetime-over-limit`: a certificate from a public CA is valid for longer than the CA/Browser
//! Forum allowed on its notBefore date: 398 days, 200 from 2026-03-15, 100 from 2027-03-15,
//! 47 from 2029-03-15 (ballot SC-081).
//! ### Why
//! Browsers and Apple platforms reject publicly-trusted certificates over the limit; a public
//! CA issuing one is misissuing, so the file is probably not what the CA really issued.

use super::days;
use crate::check::{CaKind, Ctx, Rule, Severity, Verdict};
use crate::model::Cert;
use time::macros::datetime;
use time::OffsetDateTime;

/// The rule.
pub static RULE: Rule = Rule {
    id: "lifetime-over-limit",
    severity: Severity::Warning,
    summary: "validity period longer than the CA/Browser Forum limit",
    citation: "CA/Browser Forum Baseline Requirements §6.3.2 (ballot SC-081)",
    remediation: Some("ask the CA to reissue the certificate within the current maximum"),
    why: "A CA/Browser Forum rule (ballot SC-081), not an Exchange one: clients reject publicly trusted certificates over the limit. Microsoft is silent on this point; certprep takes the cautious reading. Warning: Exchange itself accepts the certificate.",
    check,
};

/// The maximum validity in days for a certificate whose notBefore is `not_before`.
pub fn limit_days(not_before: OffsetDateTime) -> i64 {
    if not_before >= datetime!(2029-03-15 00:00 UTC) {
        47
    } else if not_before >= datetime!(2027-03-15 00:00 UTC) {
        100
    } else if not_before >= datetime!(2026-03-15 00:00 UTC) {
        200
    } else {
        398
    }
}

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    if ctx.ca != CaKind::Public {
        return Verdict::NotApplicable;
    }
    // The BR validity period is inclusive of both ends (§1.6.1 "Validity Period"), hence +1 s.
    let period = cert.not_after - cert.not_before + time::Duration::SECOND;
    let limit = limit_days(cert.not_before);
    if period > time::Duration::days(limit) {
        Verdict::fail(format!(
            "valid for {} days; the limit for certificates issued on or after that date is {} days",
            days(period),
            limit
        ))
    } else {
        Verdict::Pass
    }
}

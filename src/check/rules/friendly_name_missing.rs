//! `friendly-name-missing`: a PFX certificate without a friendlyName shows up nameless in
//! Get-ExchangeCertificate and the Exchange admin center.
//! ### Why
//! The FriendlyName is how administrators tell this year's certificate from last year's when
//! they enable services and remove the old one.

use crate::check::{Ctx, Fix, Rule, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "friendly-name-missing",
    severity: Severity::Info,
    summary: "pfx certificate has no friendly name",
    citation: "RFC 7292 §4.2 (friendlyName); Microsoft Learn: Get-ExchangeCertificate FriendlyName",
    remediation: Some("certprep pfx IN.pfx --friendly-name 'NAME' -o OUT.pfx"),
    why: "Get-ExchangeCertificate and the Exchange admin center show the FriendlyName; without one, administrators cannot tell this year's certificate from last year's. Microsoft is silent on this point; certprep takes the cautious reading. Info.",
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    let Some(pfx) = ctx.pfx else {
        return Verdict::NotApplicable;
    };
    if cert
        .friendly_name
        .as_deref()
        .is_some_and(|f| !f.trim().is_empty())
    {
        return Verdict::Pass;
    }
    let name = format!(
        "{} {}",
        crate::name::display_name(&cert.subject, &cert.dns_names),
        cert.not_after.year()
    );
    Verdict::fail_fix(
        "the certificate bag has no friendlyName attribute",
        Fix::FriendlyName {
            pfx: pfx.origin.clone(),
            cert: cert.origin.clone(),
            name,
        },
    )
}

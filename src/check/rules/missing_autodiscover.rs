//! `missing-autodiscover`: a certificate for `mail.<domain>` should also cover
//! `autodiscover.<domain>`, unless a wildcard already does.
//! ### Why
//! Outlook finds its settings at `autodiscover.<domain>`; without that name on the client
//! access certificate, Outlook shows a certificate warning at every start.

use super::{host_names, list};
use crate::check::names::{any_covers, is_wildcard, normalize};
use crate::check::{Ctx, Rule, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "missing-autodiscover",
    severity: Severity::Warning,
    summary: "mail name without the matching autodiscover name",
    citation: "Microsoft Learn: Autodiscover service in Exchange Server; Digital certificates and encryption in Exchange Server",
    remediation: Some("request a new certificate that also names autodiscover.DOMAIN"),
    why: "Outlook finds its settings at autodiscover.<domain>; Microsoft lists it among the names an Exchange certificate needs (https://learn.microsoft.com/en-us/Exchange/architecture/client-access/certificates?view=exchserver-2019). Warning: some organisations publish Autodiscover by SRV record instead.",
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    let have = host_names(cert);
    let mut mail_domains: Vec<String> = have
        .iter()
        .chain(&ctx.options.names)
        .filter(|n| !is_wildcard(n))
        .filter_map(|n| normalize(n).strip_prefix("mail.").map(str::to_owned))
        .filter(|d| d.contains('.'))
        .collect();
    mail_domains.sort();
    mail_domains.dedup();
    // Only names the certificate itself covers count: --name misses are name-not-covered's.
    mail_domains.retain(|d| any_covers(have.iter(), &format!("mail.{d}")));
    if mail_domains.is_empty() {
        return Verdict::NotApplicable;
    }
    let missing: Vec<String> = mail_domains
        .iter()
        .map(|d| format!("autodiscover.{d}"))
        .filter(|a| !any_covers(have.iter(), a))
        .collect();
    if missing.is_empty() {
        Verdict::Pass
    } else {
        Verdict::fail(format!("{} not covered", list(&missing)))
    }
}

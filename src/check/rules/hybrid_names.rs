//! `hybrid-names`: in a hybrid deployment the certificate must cover the names the hybrid
//! configuration uses (`--name`, else its own subject CN as an FQDN in the SAN list).
//! ### Why
//! The Hybrid Configuration Wizard selects the certificate by its names, and Exchange Online
//! connects to the on-premises FQDN; a name missing from the certificate fails the TLS check.

use super::{host_names, list};
use crate::check::names::{any_covers, is_fqdn};
use crate::check::{Ctx, Rule, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "hybrid-names",
    severity: Severity::Error,
    summary: "hybrid certificate does not cover the hybrid names",
    citation: "Microsoft Learn: Certificate requirements for hybrid deployments",
    remediation: Some("request a certificate that names every hybrid FQDN: certprep csr --name mail.DOMAIN --name autodiscover.DOMAIN …"),
    why: "The hybrid certificate must cover the names Exchange Online connects to (https://learn.microsoft.com/en-us/previous-versions/exchange-server/exchange-160/jj156431(v=exchg.160)). Error.",
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    if !ctx.options.hybrid {
        return Verdict::NotApplicable;
    }
    let have = host_names(cert);
    if ctx.options.names.is_empty() {
        return match cert.subject.common_name() {
            Some(cn) if is_fqdn(&cn) && any_covers(have.iter(), &cn) => Verdict::Pass,
            Some(cn) => Verdict::fail(format!(
                "subject CN {cn} is not an FQDN the certificate covers; give the hybrid names with --name"
            )),
            None => Verdict::fail("the subject has no CN; give the hybrid names with --name"),
        };
    }
    let missing: Vec<String> = ctx
        .options
        .names
        .iter()
        .filter(|n| !any_covers(have.iter(), n))
        .cloned()
        .collect();
    if missing.is_empty() {
        Verdict::Pass
    } else {
        Verdict::fail(format!("{} not covered", list(&missing)))
    }
}

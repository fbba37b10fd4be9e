//! `hybrid-third-party-ca`: in a hybrid deployment the certificate must come from a public
//! third-party CA (Office 365 must trust it).
//! ### Why
//! Exchange Online connects to the on-premises servers with TLS and validates the chain against
//! public roots; a self-signed or enterprise-CA certificate breaks mail flow and free/busy.

use crate::check::{CaKind, Ctx, Rule, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "hybrid-third-party-ca",
    severity: Severity::Error,
    summary: "hybrid certificate is not from a public third-party ca",
    citation: "Microsoft Learn: Certificate requirements for hybrid deployments",
    remediation: Some("get the certificate from a public CA: certprep csr --name mail.DOMAIN --name autodiscover.DOMAIN -o new.req --key-out new.key"),
    check,
};

fn check(_cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    if !ctx.options.hybrid {
        return Verdict::NotApplicable;
    }
    match ctx.ca {
        CaKind::Public => Verdict::Pass,
        CaKind::SelfSigned => Verdict::fail("self-signed; Exchange Online does not trust it"),
        CaKind::Private => Verdict::fail(
            "issued by a root given with --roots (an enterprise CA); Exchange Online does not trust it",
        ),
        CaKind::Unknown => Verdict::fail(
            "its chain does not reach a public root (give the intermediates, or check with certprep chain)",
        ),
    }
}

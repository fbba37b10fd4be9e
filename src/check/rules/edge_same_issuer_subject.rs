//! `edge-same-issuer-subject`: with `--edge`, every certificate checked together (the Mailbox
//! and Edge servers' certificates) must have the same issuer and subject.
//! ### Why
//! Hybrid mail flow through Edge uses one `TlsCertificateName` (`<I>issuer<S>subject`) for the
//! connectors; an Edge certificate with another issuer or subject is not selected.

use crate::check::{Ctx, Rule, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "edge-same-issuer-subject",
    severity: Severity::Error,
    summary: "edge and mailbox certificates differ in issuer or subject",
    citation: "Microsoft Learn: Configure Edge Transport servers for hybrid deployments (certificate requirements)",
    remediation: Some("install the same certificate (or one with the same issuer and subject) on every Mailbox and Edge server"),
    why: "\"Each transport server must use a certificate that shares the same issuing CA and the same subject for hybrid secure mail to function correctly\" (Certificate requirements for hybrid deployments; https://learn.microsoft.com/en-us/previous-versions/exchange-server/exchange-160/jj156431(v=exchg.160)). Error.",
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    if !ctx.options.edge || ctx.leaves.len() < 2 {
        return Verdict::NotApplicable;
    }
    let mine = crate::tls_name::for_cert(cert);
    let others: Vec<String> = ctx
        .leaves
        .iter()
        .map(|c| crate::tls_name::for_cert(c))
        .filter(|t| *t != mine)
        .collect();
    if others.is_empty() {
        Verdict::Pass
    } else {
        let mut others = others;
        others.dedup();
        Verdict::fail(format!("{mine} differs from {}", others.join(", ")))
    }
}

//! `tls-name-update`: a reminder for hybrid and Edge deployments: after the new certificate is
//! enabled, recreate the Edge subscription and set its `<I>issuer<S>subject` on the connectors
//! and the hybrid configuration.
//! ### Why
//! Connectors name their certificate by issuer and subject, not thumbprint; a new intermediate
//! changes `<I>` even when the subject is unchanged, and EdgeSync keeps the old certificate
//! until the subscription is recreated.

use super::ps_quote;
use crate::check::{Ctx, Rule, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "tls-name-update",
    severity: Severity::Info,
    summary: "connectors and the edge subscription need the new tls certificate name",
    citation: "Microsoft Learn: Set-SendConnector / Set-ReceiveConnector / Set-HybridConfiguration -TlsCertificateName",
    remediation: None,
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    let o = ctx.options;
    if !(o.hybrid || o.edge) {
        return Verdict::Pass; // no hybrid or Edge connectors to update
    }
    let name = crate::dn::tls_name(cert);
    let q = ps_quote(&name);
    let mut lines = vec![
        format!("Get-SendConnector | Where-Object {{ $_.TlsCertificateName }} | Set-SendConnector -TlsCertificateName {q}"),
        format!("Get-ReceiveConnector | Where-Object {{ $_.TlsCertificateName }} | Set-ReceiveConnector -TlsCertificateName {q}"),
    ];
    if o.hybrid {
        lines.push(format!("Set-HybridConfiguration -TlsCertificateName {q}"));
    }
    if o.edge {
        lines.push("New-EdgeSubscription -FileName C:\\EdgeSubscription.xml   # on the Edge server, then import it on a Mailbox server and run Start-EdgeSynchronization".into());
    }
    Verdict::fail_fix(
        format!("the TLS certificate name is {name}"),
        lines.join("\n"),
    )
}

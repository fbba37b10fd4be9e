//! `tls-name-update`: a reminder for hybrid and Edge deployments: after the new certificate is
//! enabled, recreate the Edge subscription and set its `<I>issuer<S>subject` on the connectors
//! and the hybrid configuration.
//! ### Why
//! Connectors name their certificate by issuer and subject, not thumbprint; a new intermediate
//! changes `<I>` even when the subject is unchanged, and EdgeSync keeps the old certificate
//! until the subscription is recreated.

use crate::check::{Ctx, Fix, Rule, Severity, Verdict};
use crate::model::Cert;
use crate::powershell::ConnectorTargets;

/// The rule.
pub static RULE: Rule = Rule {
    id: "tls-name-update",
    severity: Severity::Info,
    summary: "connectors and the edge subscription need the new tls certificate name",
    citation: "Microsoft Learn: Set-SendConnector / Set-ReceiveConnector / Set-HybridConfiguration -TlsCertificateName",
    remediation: None,
    why: "Connectors and the hybrid configuration name their certificate by `<I>issuer<S>subject` (`TlsCertificateName`, an SmtpX509Identifier: ReceiveConnector https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-api/jj958618(v=exchg.150), HybridConfiguration https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-api/jj959613(v=exchg.150); Set-SendConnector https://learn.microsoft.com/en-us/previous-versions/office/exchange-server-2007/aa998294(v=exchg.80)). A new intermediate changes `<I>`. The fix changes only the connectors that name the old certificate (`--old`/`--old-name`), else lists them read-only with commented `Set-…` lines to choose from; `Set-HybridConfiguration` only with `--hybrid`. Info.",
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    let o = ctx.options;
    if !(o.hybrid || o.edge) {
        return Verdict::Pass; // no hybrid or Edge connectors to update
    }
    let name = crate::tls_name::for_cert(cert);
    // A renewal with the same issuer and subject leaves the connectors' value as it is.
    let unchanged = o.old_tls_name.as_deref() == Some(name.as_str());
    if unchanged && !o.edge {
        return Verdict::Pass;
    }
    // Only the connectors that name the certificate being replaced, never every connector of
    // the organisation (crate::powershell::connector_lines).
    let connectors = (!unchanged).then(|| ConnectorTargets {
        old_name: o.old_tls_name.clone(),
        hybrid: o.hybrid,
        ..ConnectorTargets::default()
    });
    let hint = if o.old_tls_name.is_some() {
        ""
    } else {
        " (give the old certificate with --old or --old-name for lines that change only the connectors naming it)"
    };
    let detail = format!("the TLS certificate name is {name}{hint}");
    Verdict::fail_fix(
        detail,
        Fix::TlsName {
            name,
            connectors,
            edge: o.edge,
        },
    )
}

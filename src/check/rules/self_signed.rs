//! `self-signed`: a self-signed certificate for client access (IIS, POP, IMAP) makes every
//! client warn. Fine for SMTP-only use, the Auth certificate and Edge Transport.
//! ### Why
//! Outlook, mobile devices and browsers do not trust a self-signed certificate; Exchange's own
//! default certificate is meant for SMTP between Exchange servers only.

use crate::check::{Ctx, Rule, Service, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "self-signed",
    severity: Severity::Warning,
    summary: "self-signed certificate used for client access",
    citation: "Microsoft Learn: Digital certificates and encryption in Exchange Server (self-signed certificates)",
    remediation: Some("get a certificate from a CA for client access: certprep csr --name mail.DOMAIN --name autodiscover.DOMAIN -o new.req --key-out new.key"),
    why: "Clients do not trust a self-signed certificate; Microsoft recommends a CA-issued certificate for client access and keeps Exchange's own self-signed certificate for server-to-server traffic (https://learn.microsoft.com/en-us/Exchange/architecture/client-access/certificates?view=exchserver-2019). Warning: internal-only deployments can distribute the certificate.",
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    // Verified: self-issued and its own key verifies the signature (a certificate merely
    // named after its issuer is judged by `chain-incomplete`).
    if !crate::verify::is_self_signed(cert) {
        return Verdict::Pass;
    }
    let o = ctx.options;
    if o.edge {
        return Verdict::Pass;
    }
    if !o.services.is_empty()
        && o.services
            .iter()
            .all(|s| matches!(s, Service::Smtp | Service::Auth))
    {
        return Verdict::Pass;
    }
    Verdict::fail(if o.services.is_empty() {
        "self-signed: clients will not trust it if it is used for client access (IIS, POP, IMAP)"
            .to_owned()
    } else {
        let list: Vec<&str> = o.services.iter().map(|s| s.name()).collect();
        format!(
            "self-signed, and meant for {}: clients will not trust it",
            list.join(", ")
        )
    })
}

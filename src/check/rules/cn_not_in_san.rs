//! `cn-not-in-san`: the subject common name should also be a subjectAltName DNS name.
//! ### Why
//! Clients ignore the CN when a subjectAltName is present, so a CN-only name is not really
//! covered; the CA/Browser Forum requires the CN to be one of the SAN values.

use crate::check::{Ctx, Rule, Severity, Verdict};
use crate::model::Cert;

/// The subject CN of the certificate Exchange creates to sign OAuth tokens (the "Exchange
/// Server Auth Certificate" of Get-AuthConfig / New-ExchangeCertificate -PrivateKeyExportable).
pub const AUTH_CERTIFICATE_CN: &str = "Microsoft Exchange Server Auth Certificate";

/// The rule.
pub static RULE: Rule = Rule {
    id: "cn-not-in-san",
    severity: Severity::Warning,
    summary: "subject common name is not among the subject alternative names",
    citation: "CA/Browser Forum Baseline Requirements §7.1.4.3; RFC 6125 §6.4.4",
    remediation: Some("request a new certificate whose SAN list includes the CN"),
    why: "Clients ignore the subject CN when a subjectAltName is present (RFC 6125 §6.4.4), and the CA/Browser Forum requires the CN among the SANs. Not applicable to the Exchange Server Auth Certificate (`CN=Microsoft Exchange Server Auth Certificate`, made by Exchange without a SAN: it signs OAuth tokens and serves no TLS name). Microsoft is silent on this point; certprep takes the cautious reading. Warning.",
    check,
};

fn check(cert: &Cert, _ctx: &Ctx<'_>) -> Verdict {
    let Some(cn) = cert.subject.common_name() else {
        return Verdict::NotApplicable;
    };
    if cn == AUTH_CERTIFICATE_CN {
        // Exchange makes its OAuth signing certificate without a SAN, by design: it names no
        // TLS endpoint (docs/rules.md, "Why").
        return Verdict::NotApplicable;
    }
    let cn_norm = crate::check::names::normalize(&cn);
    let in_san = cert
        .dns_names
        .iter()
        .any(|d| crate::check::names::normalize(d) == cn_norm)
        || cert.ip_addresses.iter().any(|ip| ip == &cn_norm);
    if in_san {
        Verdict::Pass
    } else if cert.dns_names.is_empty() && cert.ip_addresses.is_empty() {
        Verdict::fail(format!(
            "CN {cn} is the only name: the certificate has no subjectAltName, which current clients require"
        ))
    } else {
        Verdict::fail(format!(
            "CN {cn} is not among the SAN DNS names ({})",
            cert.dns_names.join(", ")
        ))
    }
}

//! `cn-not-in-san`: the subject common name should also be a subjectAltName DNS name.
//! ### Why
//! Clients ignore the CN when a subjectAltName is present, so a CN-only name is not really
//! covered; the CA/Browser Forum requires the CN to be one of the SAN values.

use crate::check::{Ctx, Rule, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "cn-not-in-san",
    severity: Severity::Warning,
    summary: "subject common name is not among the subject alternative names",
    citation: "CA/Browser Forum Baseline Requirements §7.1.4.3; RFC 6125 §6.4.4",
    remediation: Some("request a new certificate whose SAN list includes the CN"),
    check,
};

fn check(cert: &Cert, _ctx: &Ctx<'_>) -> Verdict {
    let Some(cn) = cert.subject.common_name() else {
        return Verdict::NotApplicable;
    };
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

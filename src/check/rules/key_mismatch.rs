//! `key-mismatch`: when private keys are given, one of them must be this certificate's key.
//! ### Why
//! A PFX built from a certificate and the wrong key imports without its private key (or not at
//! all); Exchange then cannot use the certificate for any service.

use crate::check::{Ctx, Rule, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "key-mismatch",
    severity: Severity::Error,
    summary: "no given private key belongs to the certificate",
    citation: "RFC 5280 §4.1.2.7; certprep",
    remediation: Some(
        "find the key the request was made with (the .key next to the .req), or make a new request",
    ),
    why: "A PFX built from a certificate and another key imports without a usable private key; Enable-ExchangeCertificate then fails. Microsoft is silent on this point; certprep takes the cautious reading. Error.",
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    if ctx.keys.is_empty() {
        return Verdict::NotApplicable;
    }
    if ctx.keys.iter().any(|k| k.matches(&cert.public_key)) {
        return Verdict::Pass;
    }
    let given: Vec<String> = ctx
        .keys
        .iter()
        .map(|k| format!("{} ({})", k.origin, k.public_key.algorithm))
        .collect();
    Verdict::fail(format!(
        "the certificate's {} public key matches none of: {}",
        cert.public_key.algorithm,
        given.join(", ")
    ))
}

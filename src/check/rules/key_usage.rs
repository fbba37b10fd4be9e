//! `key-usage`: an RSA certificate with a Key Usage extension must allow digitalSignature or
//! keyEncipherment.
//! ### Why
//! TLS with RSA signs (ECDHE) or decrypts (RSA key exchange) with the key; Schannel refuses a
//! certificate whose Key Usage allows neither.

use crate::check::{Ctx, Rule, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "key-usage",
    severity: Severity::Error,
    summary: "rsa key usage allows neither digitalSignature nor keyEncipherment",
    citation: "RFC 5246 §7.4.2; RFC 5280 §4.2.1.3",
    remediation: Some(
        "request a new certificate with Key Usage digitalSignature and keyEncipherment",
    ),
    why: "Schannel signs (ECDHE) or decrypts (RSA key exchange) with the key; a Key Usage that allows neither fails every handshake (RFC 5280 §4.2.1.3). Microsoft is silent on this point; certprep takes the cautious reading. Error: a certain failure.",
    check,
};

fn check(cert: &Cert, _ctx: &Ctx<'_>) -> Verdict {
    if !cert.public_key.algorithm.is_rsa() {
        return Verdict::NotApplicable;
    }
    match &cert.key_usage {
        None => Verdict::Pass,
        Some(ku) if ku.has("digitalSignature") || ku.has("keyEncipherment") => Verdict::Pass,
        Some(ku) => Verdict::fail(if ku.names.is_empty() {
            "Key Usage is empty".to_owned()
        } else {
            format!("Key Usage is {}", ku.names.join(", "))
        }),
    }
}

//! `csr-mismatch`: the certificate issued for a request (`--csr`) must carry the request's
//! public key and every name it asked for.
//! ### Why
//! A certificate for another key cannot be completed with `Import-ExchangeCertificate` on the
//! server that made the request, and a missing name means the CA dropped it.

use crate::check::{Ctx, Rule, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "csr-mismatch",
    severity: Severity::Error,
    summary: "certificate does not match the request's key or names",
    citation: "RFC 2986 §3; certprep",
    remediation: Some("check you have the certificate issued for this request; ask the CA to reissue it from the request"),
    why: "A certificate for another key cannot be completed with Import-ExchangeCertificate on the server that made the request. Microsoft is silent on this point; certprep takes the cautious reading. Error.",
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    let Some(csr) = ctx.csr else {
        return Verdict::NotApplicable;
    };
    // The same comparison `inspect` reports; a name covered by a certificate wildcard is a
    // fact, not a failure.
    let failures: Vec<String> = crate::csr_match::compare(cert, csr)
        .iter()
        .filter(|m| m.is_failure())
        .map(|m| m.to_string())
        .collect();
    if failures.is_empty() {
        Verdict::Pass
    } else {
        Verdict::fail(format!("{}: {}", csr.origin, failures.join("; ")))
    }
}

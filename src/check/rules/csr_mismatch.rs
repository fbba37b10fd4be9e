//! `csr-mismatch`: the certificate issued for a request (`--csr`) must carry the request's
//! public key and every name it asked for.
//! ### Why
//! A certificate for another key cannot be completed with `Import-ExchangeCertificate` on the
//! server that made the request, and a missing name means the CA dropped it.

use super::list;
use crate::check::names::normalize;
use crate::check::{Ctx, Rule, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "csr-mismatch",
    severity: Severity::Error,
    summary: "certificate does not match the request's key or names",
    citation: "RFC 2986 §3; certprep",
    remediation: Some("check you have the certificate issued for this request; ask the CA to reissue it from the request"),
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    let Some(csr) = ctx.csr else {
        return Verdict::NotApplicable;
    };
    let mut problems = Vec::new();
    if !csr.public_key.same_key(&cert.public_key) {
        problems.push(format!(
            "its {} public key is not the request's {} key",
            cert.public_key.algorithm, csr.public_key.algorithm
        ));
    }
    let have: Vec<String> = cert.dns_names.iter().map(|d| normalize(d)).collect();
    let mut asked: Vec<String> = csr.dns_names.iter().map(|d| normalize(d)).collect();
    if let Some(cn) = csr.subject.common_name() {
        let cn = normalize(&cn);
        if cn.contains('.') && !asked.contains(&cn) {
            asked.push(cn);
        }
    }
    let missing: Vec<String> = asked.into_iter().filter(|n| !have.contains(n)).collect();
    if !missing.is_empty() {
        problems.push(format!("requested {} missing", list(&missing)));
    }
    if problems.is_empty() {
        Verdict::Pass
    } else {
        Verdict::fail(format!("{}: {}", csr.origin, problems.join("; ")))
    }
}

//! `chain-stray`: every other certificate in the file is an issuer of this certificate: on its
//! verified chain, or on an alternative path to a trusted root (a cross-signed CA).
//! ### Why
//! An unrelated intermediate or a second leaf in a bundle is sent to every client, and in a PFX
//! Windows may pick it up as the certificate to bind.

use crate::check::{Ctx, Rule, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "chain-stray",
    severity: Severity::Warning,
    summary: "the file holds certificates that are not on the chain",
    citation: "RFC 8446 §4.4.2; certprep",
    remediation: Some("rewrite the file with only the chain: certprep chain FILE -o fullchain.pem (or certprep pfx FILE -o fixed.pfx)"),
    why: "Certificates that are not on the chain are sent to every client, and in a PFX Windows may bind the wrong one. Microsoft is silent on this point; certprep takes the cautious reading. Warning.",
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    if ctx.file_certs.len() < 2 {
        return Verdict::NotApplicable;
    }
    let Some(chain) = ctx.chain else {
        return Verdict::NotApplicable;
    };
    let mut strays: Vec<&str> = Vec::new();
    for s in &chain.report.strays {
        if !strays.contains(&&*s.subject) {
            strays.push(&s.subject);
        }
    }
    if strays.is_empty() {
        Verdict::Pass
    } else {
        Verdict::fail_fix(
            if chain.report.more_strays > 0 {
                format!(
                    "not on the chain: {} and {} more",
                    strays.join("; "),
                    chain.report.more_strays
                )
            } else {
                format!("not on the chain: {}", strays.join("; "))
            },
            super::chain_order::rewrite_fix(cert, ctx),
        )
    }
}

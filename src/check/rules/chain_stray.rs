//! `chain-stray`: every other certificate in the file is an issuer on this certificate's chain.
//! ### Why
//! An unrelated intermediate or a second leaf in a bundle is sent to every client, and in a PFX
//! Windows may pick it up as the certificate to bind.

use crate::check::facts::same_cert;
use crate::check::{Ctx, Rule, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "chain-stray",
    severity: Severity::Warning,
    summary: "the file holds certificates that are not on the chain",
    citation: "RFC 8446 §4.4.2; certprep",
    remediation: Some("rewrite the file with only the chain: certprep chain FILE -o fullchain.pem (or certprep pfx FILE -o fixed.pfx)"),
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    if ctx.file_certs.len() < 2 {
        return Verdict::NotApplicable;
    }
    let issuers: &[Cert] = ctx.chain.map(|c| c.issuers.as_slice()).unwrap_or(&[]);
    let mut strays: Vec<String> = Vec::new();
    for c in &ctx.file_certs {
        if same_cert(c, cert) || issuers.iter().any(|i| same_cert(i, c)) {
            continue;
        }
        let name = crate::dn::render_windows(&c.subject);
        if !strays.contains(&name) {
            strays.push(name);
        }
    }
    if strays.is_empty() {
        Verdict::Pass
    } else {
        Verdict::fail_fix(
            format!("not on the chain: {}", strays.join("; ")),
            super::chain_order::rewrite_fix(cert, ctx),
        )
    }
}

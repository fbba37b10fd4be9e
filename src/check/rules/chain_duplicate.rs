//! `chain-duplicate`: no certificate appears twice in the file. A duplicated leaf is an error.
//! ### Why
//! A PFX with the leaf twice makes the Windows import attach the private key to one copy and
//! install the other without it; duplicated intermediates waste handshake bytes.

use crate::check::{Ctx, Rule, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "chain-duplicate",
    severity: Severity::Warning,
    summary: "a certificate appears more than once in the file",
    citation: "design.md §4.3; RFC 8446 §4.4.2",
    remediation: Some("rewrite the file without duplicates: certprep chain FILE -o fullchain.pem (or certprep pfx FILE -o fixed.pfx)"),
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    if ctx.file_certs.len() < 2 {
        return Verdict::NotApplicable;
    }
    let mut dups: Vec<&Cert> = Vec::new();
    for (i, c) in ctx.file_certs.iter().enumerate() {
        if ctx.file_certs[..i].iter().any(|p| p.der == c.der)
            && !dups.iter().any(|d| d.der == c.der)
        {
            dups.push(c);
        }
    }
    if dups.is_empty() {
        return Verdict::Pass;
    }
    let leaf_dup = dups.iter().any(|d| d.der == cert.der);
    let names: Vec<String> = dups
        .iter()
        .map(|d| {
            let n = ctx.file_certs.iter().filter(|c| c.der == d.der).count();
            format!("{} ({n} times)", d.display_name())
        })
        .collect();
    let v = Verdict::fail_fix(
        format!(
            "{}{}",
            names.join(", "),
            if leaf_dup {
                "; a duplicated leaf makes Windows lose the private key on import"
            } else {
                ""
            }
        ),
        super::chain_order::rewrite_fix(cert, ctx),
    );
    if leaf_dup {
        v.escalated(Severity::Error)
    } else {
        v
    }
}

//! `chain-duplicate`: no certificate appears twice in the file. A duplicated leaf is an error.
//! ### Why
//! A PFX with the leaf twice makes the Windows import attach the private key to one copy and
//! install the other without it; duplicated intermediates waste handshake bytes.

use crate::check::{Ctx, Rule, Severity, Verdict};
use crate::model::Cert;
use crate::thumbprint::{HashAlg, Thumbprint};

/// The rule.
pub static RULE: Rule = Rule {
    id: "chain-duplicate",
    severity: Severity::Warning,
    summary: "a certificate appears more than once in the file",
    citation: "design.md §4.3; RFC 8446 §4.4.2",
    remediation: Some("rewrite the file without duplicates: certprep chain FILE -o fullchain.pem (or certprep pfx FILE -o fixed.pfx)"),
    why: "A PFX with the leaf twice can make the Windows import attach the key to one copy only. Microsoft is silent on this point; certprep takes the cautious reading. Warning.",
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    if ctx.file_certs.len() < 2 {
        return Verdict::NotApplicable;
    }
    let Some(chain) = ctx.chain else {
        return Verdict::NotApplicable;
    };
    let dups = &chain.report.duplicates;
    if dups.is_empty() {
        return Verdict::Pass;
    }
    let leaf = Thumbprint::of(&cert.der, HashAlg::Sha1);
    let leaf_dup = dups.iter().any(|d| d.cert.thumbprint == leaf);
    let names = crate::check::join_listed(
        dups.iter()
            .map(|d| format!("{} ({} times)", d.cert.subject, d.origins.len())),
        ", ",
    );
    let v = Verdict::fail_fix(
        format!(
            "{}{}",
            names,
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

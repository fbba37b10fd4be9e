//! `chain-order`: in a file holding a chain, the certificate comes first and each issuer after
//! the certificate it signed.
//! ### Why
//! TLS 1.2 (RFC 5246 §7.4.2) requires that order and many servers send the file as is; a
//! PFX whose first certificate is not the leaf can import the wrong certificate as the one
//! with the key.

use crate::check::facts::same_cert;
use crate::check::{Ctx, Rule, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "chain-order",
    severity: Severity::Warning,
    summary: "certificates in the file are not in leaf-to-root order",
    citation: "RFC 5246 §7.4.2; RFC 8446 §4.4.2",
    remediation: Some("rewrite the file in order: certprep chain FILE -o fullchain.pem (or certprep pfx FILE -o fixed.pfx)"),
    check,
};

/// `certprep chain` for a PEM bundle, `certprep pfx` for a PKCS#12 file.
pub fn rewrite_fix(cert: &Cert, ctx: &Ctx<'_>) -> String {
    let file = super::shell_path(&cert.origin.file_name());
    let stem = super::stem(&cert.origin.path);
    if ctx.pfx.is_some() {
        format!("certprep pfx {file} -o {stem}-fixed.pfx")
    } else {
        format!("certprep chain {file} -o {stem}-fullchain.pem")
    }
}

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    if ctx.file_certs.len() < 2 {
        return Verdict::NotApplicable;
    }
    let issuers: &[Cert] = ctx.chain.map(|c| c.issuers.as_slice()).unwrap_or(&[]);
    // Rank of each certificate on the path: the leaf 0, its issuer 1, …; strays have none.
    let rank = |c: &Cert| {
        if same_cert(c, cert) {
            Some(0)
        } else {
            issuers.iter().position(|i| same_cert(i, c)).map(|p| p + 1)
        }
    };
    let mut seen = Vec::new();
    for c in &ctx.file_certs {
        if let Some(r) = rank(c) {
            if !seen.contains(&r) {
                seen.push(r);
            }
        }
    }
    if seen.windows(2).all(|w| w[0] < w[1]) && seen.first() == Some(&0) {
        return Verdict::Pass;
    }
    let order: Vec<String> = ctx.file_certs.iter().map(|c| c.display_name()).collect();
    Verdict::fail_fix(
        format!(
            "the file holds {}; expected the certificate first, then each issuer in turn",
            order.join(" → ")
        ),
        rewrite_fix(cert, ctx),
    )
}

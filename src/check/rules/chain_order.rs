//! `chain-order`: in a file holding a chain, the certificate comes first and each issuer after
//! the certificate it signed.
//! ### Why
//! TLS 1.2 (RFC 5246 §7.4.2) requires that order and many servers send the file as is; a
//! PFX whose first certificate is not the leaf can import the wrong certificate as the one
//! with the key.

use crate::check::{Ctx, Fix, Rule, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "chain-order",
    severity: Severity::Warning,
    summary: "certificates in the file are not in leaf-to-root order",
    citation: "RFC 5246 §7.4.2; RFC 8446 §4.4.2",
    remediation: Some("rewrite the file in order: certprep chain FILE -o fullchain.pem (or certprep pfx FILE -o fixed.pfx)"),
    why: "TLS 1.2 requires the certificate first and each issuer after it (RFC 5246 §7.4.2). Microsoft is silent on this point; certprep takes the cautious reading. Warning.",
    check,
};

/// `certprep chain` for a PEM bundle, `certprep pfx` for a PKCS#12 file.
pub fn rewrite_fix(cert: &Cert, ctx: &Ctx<'_>) -> Fix {
    Fix::Rewrite {
        cert: cert.origin.clone(),
        pfx: ctx.pfx.is_some(),
    }
}

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    if ctx.file_certs.len() < 2 {
        return Verdict::NotApplicable;
    }
    let Some(chain) = ctx.chain else {
        return Verdict::NotApplicable;
    };
    if chain.report.input_order_ok {
        return Verdict::Pass;
    }
    // The file's certificates that are on the verified path, in path order.
    let expected: Vec<String> = chain
        .report
        .given_on_path()
        .iter()
        .filter_map(|&p| ctx.file_certs.get(p))
        .map(|c| crate::name::display_name(&c.subject, &c.dns_names))
        .collect();
    Verdict::fail_fix(
        format!(
            "the file holds {}; expected the certificate first, then each issuer in turn ({})",
            crate::check::join_listed(
                ctx.file_certs
                    .iter()
                    .map(|c| crate::name::display_name(&c.subject, &c.dns_names)),
                " → "
            ),
            expected.join(" → ")
        ),
        rewrite_fix(cert, ctx),
    )
}

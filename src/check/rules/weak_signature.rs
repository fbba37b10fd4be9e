//! `weak-signature`: no certificate below the root may be signed with SHA-1 or MD5.
//! ### Why
//! Windows stopped accepting SHA-1 TLS server certificates in 2017 and MD5 long before;
//! a root's own signature is not checked, so roots are exempt. The certificates judged are
//! those on the verified chain (`chain::assemble`), not whatever else the file holds.

use crate::check::{Ctx, Rule, Severity, Verdict};
use crate::model::Cert;
use crate::oid;

/// The rule.
pub static RULE: Rule = Rule {
    id: "weak-signature",
    severity: Severity::Error,
    summary: "sha-1 or md5 signature below the root",
    citation:
        "CA/Browser Forum Baseline Requirements §7.1.3.2; Microsoft SHA-1 deprecation policy (2017)",
    remediation: Some("ask the CA to reissue with SHA-256 (and use its SHA-256 intermediate)"),
    check,
};

/// MD2 with RSA.
const SIG_RSA_MD2: &str = "1.2.840.113549.1.1.2";
/// DSA with SHA-1.
const SIG_DSA_SHA1: &str = "1.2.840.10040.4.3";

/// Whether a signature algorithm OID uses a broken hash.
pub fn is_weak(sig_oid: &str) -> bool {
    matches!(
        sig_oid,
        oid::SIG_RSA_MD5 | oid::SIG_RSA_SHA1 | oid::SIG_ECDSA_SHA1 | SIG_RSA_MD2 | SIG_DSA_SHA1
    )
}

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    let Some(chain) = ctx.chain else {
        return Verdict::NotApplicable;
    };
    // The verified path below its root: the leaf, then each intermediate (a root's own
    // signature is not relied on). A self-signed leaf has nothing below a root.
    let below = chain.below_root();
    if below.is_empty() {
        return Verdict::NotApplicable;
    }
    let mut weak = Vec::new();
    for (i, c) in below.iter().enumerate() {
        if is_weak(&c.signature.algorithm) {
            weak.push(if i == 0 && c.der == cert.der {
                format!(
                    "the certificate is signed with {}",
                    c.signature.algorithm_name()
                )
            } else {
                format!(
                    "intermediate {} is signed with {}",
                    crate::dn::render_windows(&c.subject),
                    c.signature.algorithm_name()
                )
            });
        }
    }
    if weak.is_empty() {
        Verdict::Pass
    } else {
        Verdict::fail(weak.join("; "))
    }
}

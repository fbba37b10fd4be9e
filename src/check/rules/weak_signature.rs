//! `weak-signature`: no certificate below the root may be signed with SHA-1 or MD5.
//! ### Why
//! Windows stopped accepting SHA-1 TLS server certificates in 2017 and MD5 long before;
//! a root's own signature is not checked, so roots are exempt.

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
    if cert.is_self_issued() {
        return Verdict::NotApplicable; // its own root: signature not relied on
    }
    let mut weak = Vec::new();
    if is_weak(&cert.signature.algorithm) {
        weak.push(format!(
            "the certificate is signed with {}",
            cert.signature.algorithm_name()
        ));
    }
    if let Some(chain) = ctx.chain {
        for i in chain.issuers.iter().filter(|i| !i.is_self_issued()) {
            if is_weak(&i.signature.algorithm) {
                weak.push(format!(
                    "intermediate {} is signed with {}",
                    crate::dn::render_windows(&i.subject),
                    i.signature.algorithm_name()
                ));
            }
        }
    }
    if weak.is_empty() {
        Verdict::Pass
    } else {
        Verdict::fail(weak.join("; "))
    }
}

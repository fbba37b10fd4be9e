//! `weak-signature`: no certificate below the root may be signed with SHA-1 or MD5: an error
//! under a public root (Windows blocks it) or for MD5, a warning under an enterprise root.
//! ### Why
//! Windows stopped accepting SHA-1 TLS server certificates under Microsoft Trusted Root Program
//! roots in 2017 (not under enterprise roots, where HealthChecker warns) and MD5 long before;
//! a root's own signature is not checked, so roots are exempt. The certificates judged are
//! those on the verified chain (`chain::assemble`), not whatever else the file holds.

use crate::check::{CaKind, Ctx, Rule, Severity, Verdict};
use crate::model::Cert;
use crate::oid;

/// The rule.
pub static RULE: Rule = Rule {
    id: "weak-signature",
    severity: Severity::Warning,
    summary: "sha-1 or md5 signature below the root",
    citation:
        "CA/Browser Forum Baseline Requirements §7.1.3.2; Microsoft SHA-1 deprecation policy (2017)",
    remediation: Some("ask the CA to reissue with SHA-256 (and use its SHA-256 intermediate)"),
    why: "Windows blocks SHA-1 TLS certificates only when they chain to a root of the Microsoft Trusted Root Program; enterprise and self-signed roots are not affected (Microsoft Edge team, \"An update to our SHA-1 deprecation roadmap\", https://blogs.windows.com/msedgedev/2016/04/29/sha1-deprecation-roadmap/). HealthChecker shows a SHA-1 signature in yellow with \"It's recommended to use a hash algorithm from the SHA-2 family\" (https://github.com/microsoft/CSS-Exchange/blob/main/Diagnostics/HealthChecker/Analyzer/Security/Invoke-AnalyzerSecurityExchangeCertificates.ps1). So: error under a public root (certain failure), warning under a private one. MD5 and MD2 are errors everywhere.",
    check,
};

/// MD2 with RSA.
const SIG_RSA_MD2: &str = "1.2.840.113549.1.1.2";
/// DSA with SHA-1.
const SIG_DSA_SHA1: &str = "1.2.840.10040.4.3";

/// Whether a signature algorithm OID uses MD5 or MD2, which no Windows accepts under any root.
fn is_broken(sig_oid: &str) -> bool {
    matches!(sig_oid, oid::SIG_RSA_MD5 | SIG_RSA_MD2)
}

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
    let mut broken = false;
    for (i, c) in below.iter().enumerate() {
        broken |= is_broken(&c.signature.algorithm);
        if is_weak(&c.signature.algorithm) {
            weak.push(if i == 0 && c.der == cert.der {
                format!(
                    "the certificate is signed with {}",
                    c.signature.algorithm_name()
                )
            } else {
                format!(
                    "intermediate {} is signed with {}",
                    crate::name::render_windows(&c.subject),
                    c.signature.algorithm_name()
                )
            });
        }
    }
    if weak.is_empty() {
        return Verdict::Pass;
    }
    // Windows blocks SHA-1 only for chains to a Microsoft Trusted Root Program root; under an
    // enterprise root it still works and HealthChecker warns (docs/rules.md, "Why"). A chain
    // that reaches no known root is judged as public: the cautious reading.
    let detail = weak.join("; ");
    match ctx.ca {
        CaKind::Private if !broken => Verdict::fail(format!(
            "{detail} (under an enterprise root: Windows still accepts it, but replace it)"
        )),
        _ => Verdict::fail(format!(
            "{detail}; Windows refuses it under a public root (this chain's root is public or unknown)"
        ))
            .escalated(Severity::Error),
    }
}

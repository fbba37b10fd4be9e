//! `weak-rsa-key`: RSA keys of the certificate and its intermediates must be at least 2048 bits.
//! ### Why
//! Windows (since the 2012 update KB2661254) blocks RSA keys under 1024 bits and the CA/Browser
//! Forum requires 2048; modern clients refuse shorter keys.

use crate::check::{Ctx, Rule, Severity, Verdict};
use crate::model::{Cert, KeyAlgorithm};

/// The rule.
pub static RULE: Rule = Rule {
    id: "weak-rsa-key",
    severity: Severity::Error,
    summary: "rsa key shorter than 2048 bits",
    citation: "CA/Browser Forum Baseline Requirements §6.1.5; NIST SP 800-131A Rev. 2",
    remediation: Some("make a new key and request: certprep csr --from CERT --key-type rsa2048 -o new.req --key-out new.key"),
    why: "HealthChecker shows RSA keys under 2048 bits in red: \"It's recommended to use a key size of at least 2048 bit\" (https://github.com/microsoft/CSS-Exchange/blob/main/Diagnostics/HealthChecker/Analyzer/Security/Invoke-AnalyzerSecurityExchangeCertificates.ps1); the CA/Browser Forum requires 2048. Error.",
    check,
};

/// The smallest RSA modulus accepted.
pub const MIN_BITS: u32 = 2048;

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    let mut weak = Vec::new();
    let below_root = ctx
        .chain
        .map(|c| {
            c.issuers()
                .iter()
                .filter(|i| !i.is_self_issued())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    for (who, c) in std::iter::once(("the certificate", cert))
        .chain(below_root.into_iter().map(|c| ("intermediate", *c)))
    {
        if let KeyAlgorithm::Rsa { bits } = c.public_key.algorithm {
            if bits < MIN_BITS {
                weak.push(if who == "intermediate" {
                    format!(
                        "intermediate {} has RSA {bits}",
                        crate::name::render_windows(&c.subject)
                    )
                } else {
                    format!("the certificate's key is RSA {bits}")
                });
            }
        }
    }
    if weak.is_empty() {
        Verdict::Pass
    } else {
        Verdict::fail(format!(
            "{}; at least {MIN_BITS} bits are required",
            weak.join("; ")
        ))
    }
}

//! `pfx-cng-key`: the PFX's private key will live in a CNG key storage provider — its key bag
//! names one (Microsoft CSP name attribute, 1.3.6.1.4.1.311.17.1), or the key is ECDSA, which
//! Windows keeps only in CNG — where EdgeSync and forms-based authentication cannot use it.
//! Error with `--edge`, warning otherwise.

use crate::check::{Ctx, Fix, Rule, Severity, Verdict};
use crate::model::{Cert, KeyAlgorithm};

/// The rule.
pub static RULE: Rule = Rule {
    id: "pfx-cng-key",
    severity: Severity::Warning,
    summary: "pfx key goes to a cng key storage provider, not a capi csp",
    citation: "Microsoft Learn: PFXImportCertStore (the CSP named in the PFX is used); design.md §4.3 (EdgeSync, event 1035)",
    remediation: Some(FIX_RSA),
    why: "EdgeSync and forms-based authentication read the key through CryptoAPI; a key in a CNG key storage provider is not found there. Windows imports a PFX key into the provider its key bag names (PFXImportCertStore: \"If the CSP is specified in the PFX file, then the CSP is used\", https://learn.microsoft.com/en-us/windows/win32/api/wincrypt/nf-wincrypt-pfximportcertstore) and keeps ECDSA keys only in CNG. A bag without the attribute is not judged: the importing tool's flags decide. Error with `--edge`, warning otherwise; Microsoft does not document the forms-based-authentication case, so certprep takes the cautious reading.",
    check,
};

/// The rebuild for an RSA key: the key bag names the CAPI provider Windows exports with.
pub const FIX_RSA: &str =
    "certprep pfx IN.pfx --csp 'Microsoft Enhanced RSA and AES Cryptographic Provider' -o OUT.pfx";

/// Whether a provider name is a CNG key storage provider rather than a CAPI CSP. Microsoft's
/// KSPs are all named "… Key Storage Provider" except the TPM's "Microsoft Platform Crypto
/// Provider" (Microsoft Learn, "Key Storage and Retrieval").
pub fn is_ksp(name: &str) -> bool {
    let n = name.trim().to_ascii_lowercase();
    n.contains("key storage provider") || n == "microsoft platform crypto provider"
}

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    let Some(pfx) = ctx.pfx else {
        return Verdict::NotApplicable;
    };
    let Some(key) = ctx.pfx_keys.iter().find(|k| k.matches(&cert.public_key)) else {
        return Verdict::NotApplicable; // pfx-no-private-key judges a PFX without the key
    };
    let verdict = if let KeyAlgorithm::Ec { curve } = &cert.public_key.algorithm {
        Verdict::fail_fix(
            format!(
                "the key is ECDSA {curve}: Windows keeps ECDSA keys only in a CNG key storage provider, which EdgeSync and forms-based authentication cannot use"
            ),
            Fix::Advice("use an RSA certificate for Edge Transport and the Auth certificate; elsewhere follow Microsoft's ECC certificate guidance (see ecdsa-exchange-support)"),
        )
    } else {
        match key.csp_name.as_deref() {
            Some(csp) if is_ksp(csp) => Verdict::fail_fix(
                format!(
                    "the key bag names the CNG key storage provider {csp:?}: Windows imports the key there, where EdgeSync and forms-based authentication cannot use it"
                ),
                Fix::PfxCapi {
                    pfx: pfx.origin.clone(),
                    cert: cert.origin.clone(),
                },
            ),
            _ => Verdict::Pass,
        }
    };
    if ctx.options.edge {
        verdict.escalated(Severity::Error)
    } else {
        verdict
    }
}

//! `pfx-no-private-key`: a PFX meant for Exchange services must hold the certificate's
//! private key.
//! ### Why
//! `Enable-ExchangeCertificate` refuses a certificate without its private key ("The certificate
//! … has no private key"), so no service can use it.

use crate::check::{Ctx, Rule, Severity, Verdict};
use crate::model::pfx::PasswordUsed;
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "pfx-no-private-key",
    severity: Severity::Error,
    summary: "pfx holds the certificate without its private key",
    citation: "Microsoft Learn: Enable-ExchangeCertificate; Import-ExchangeCertificate",
    remediation: Some(
        "build the PFX from the certificate and its key: certprep pfx CERT KEY -o OUT.pfx",
    ),
    why: "Enable-ExchangeCertificate cannot enable a certificate without its private key (Microsoft Learn, Enable-ExchangeCertificate). Microsoft is silent on this point; certprep takes the cautious reading. Error.",
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    let Some(pfx) = ctx.pfx else {
        return Verdict::NotApplicable;
    };
    if ctx.options.services.is_empty() || pfx.password == PasswordUsed::NotOpened {
        return Verdict::NotApplicable;
    }
    if ctx.pfx_keys.iter().any(|k| k.matches(&cert.public_key)) {
        return Verdict::Pass;
    }
    Verdict::fail(if ctx.pfx_keys.is_empty() {
        "the PFX holds no private key".to_owned()
    } else {
        "the PFX holds a private key, but not this certificate's".to_owned()
    })
}

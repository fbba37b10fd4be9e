//! `eku-server-auth`: a TLS certificate must allow server authentication when it restricts its
//! extended key usages.
//! ### Why
//! Windows and Exchange refuse a certificate for TLS whose EKU list omits serverAuth
//! ("isn't valid for the requested usage").

use crate::check::{Ctx, Rule, Severity, Verdict};
use crate::model::{Cert, Eku};

/// The rule.
pub static RULE: Rule = Rule {
    id: "eku-server-auth",
    severity: Severity::Error,
    summary: "certificate does not allow TLS server authentication",
    citation: "RFC 5280 §4.2.1.12",
    remediation: Some(
        "request a new certificate with the Server Authentication EKU (1.3.6.1.5.5.7.3.1)",
    ),
    why: "Exchange enables a certificate for TLS services only when it may authenticate a server (\"Digital certificates and encryption in Exchange Server\", https://learn.microsoft.com/en-us/Exchange/architecture/client-access/certificates?view=exchserver-2019); Windows refuses it for TLS otherwise (RFC 5280 §4.2.1.12). Error.",
    check,
};

fn check(cert: &Cert, _ctx: &Ctx<'_>) -> Verdict {
    match &cert.eku {
        None => Verdict::Pass, // no EKU extension: not restricted (RFC 5280 §4.2.1.12)
        Some(list) if list.iter().any(|e| matches!(e, Eku::ServerAuth | Eku::Any)) => Verdict::Pass,
        Some(list) => {
            let names: Vec<String> = list.iter().map(ToString::to_string).collect();
            Verdict::fail(if names.is_empty() {
                "the EKU extension is empty; Server Authentication is missing".to_owned()
            } else {
                format!(
                    "EKU is {}; Server Authentication is missing",
                    names.join(", ")
                )
            })
        }
    }
}

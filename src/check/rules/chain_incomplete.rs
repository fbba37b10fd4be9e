//! `chain-incomplete`: the certificate's issuers must lead to a trusted root (the embedded
//! Mozilla store, or a root given with `--roots`).
//! ### Why
//! A server that sends an incomplete chain works in browsers that cache intermediates and fails
//! in Outlook, mobile devices and SMTP peers; a PFX without its intermediates installs a
//! certificate Windows reports as `Untrusted`.

use crate::check::{Ctx, Rule, Severity, Trust, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "chain-incomplete",
    severity: Severity::Error,
    summary: "chain does not reach a trusted root",
    citation: "RFC 5280 §6.1; RFC 8446 §4.4.2",
    remediation: Some("certprep chain CERT --pool CA-BUNDLE -o fullchain.pem (or --roots ROOT for an enterprise CA)"),
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    let Some(chain) = ctx.chain else {
        return Verdict::NotApplicable; // self-issued: `self-signed` judges it
    };
    let file = super::shell_path(&cert.origin.file_name());
    let out = format!("{}-fullchain.pem", super::stem(&cert.origin.path));
    match &chain.trust {
        Trust::PublicRoot | Trust::GivenRoot => Verdict::Pass,
        Trust::IssuerNotFound { issuer } => {
            let last = chain.issuers.last().unwrap_or(cert);
            let aia = last
                .ca_issuers
                .first()
                .map(|u| format!("; the certificate says it is published at {u}"))
                .unwrap_or_default();
            Verdict::fail_fix(
                format!(
                    "issuer {issuer} is not among the inputs, the pool or the trusted roots{aia}"
                ),
                format!("certprep chain {file} --pool CA-BUNDLE -o {out}"),
            )
        }
        Trust::UntrustedRoot { root } => Verdict::fail_fix(
            format!("the chain ends at {root}, which is not a trusted root"),
            format!("certprep check {file} --roots ROOT.pem   # if {root} is your enterprise root"),
        ),
        Trust::TooDeep => Verdict::fail(format!(
            "no trusted root within {} issuers (a loop or an overlong chain)",
            crate::check::facts::MAX_DEPTH
        )),
    }
}

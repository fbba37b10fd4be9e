//! `name-not-covered`: every name given with `--name` must be covered by a DNS name of the
//! certificate; a wildcard covers exactly one label.
//! ### Why
//! Outlook, ActiveSync and browsers connecting to a name the certificate does not carry show a
//! name-mismatch warning or refuse to connect.

use super::{host_names, list};
use crate::check::names::any_covers;
use crate::check::{Ctx, Fix, Rule, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "name-not-covered",
    severity: Severity::Error,
    summary: "a required name is not covered by the certificate",
    citation: "RFC 6125 §6.4; Microsoft Learn: Digital certificates and encryption in Exchange Server",
    remediation: Some("request a new certificate: certprep csr --from CERT --name NAME… -o new.req --key-out new.key"),
    why: "Clients connecting to a name the certificate does not list warn or refuse; Microsoft lists the names an Exchange certificate needs in \"Digital certificates and encryption in Exchange Server\" (https://learn.microsoft.com/en-us/Exchange/architecture/client-access/certificates?view=exchserver-2019). Error.",
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    if ctx.options.names.is_empty() {
        return Verdict::NotApplicable;
    }
    let have = host_names(cert);
    let missing: Vec<String> = ctx
        .options
        .names
        .iter()
        .filter(|n| !any_covers(have.iter(), n))
        .cloned()
        .collect();
    if missing.is_empty() {
        return Verdict::Pass;
    }
    let mut wanted = have.to_vec();
    wanted.extend(missing.iter().cloned());
    Verdict::fail_fix(
        format!(
            "{} not covered (the certificate has {})",
            list(&missing),
            if have.is_empty() {
                "no DNS names".to_owned()
            } else {
                list(&have)
            }
        ),
        Fix::NewRequest {
            cert: cert.origin.clone(),
            names: wanted,
        },
    )
}

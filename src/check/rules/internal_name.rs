//! `internal-name`: a certificate from a public CA must not name internal hosts: `.local`,
//! `.lan`, `.internal` or `.corp` names, single-label names, or RFC 1918 addresses.
//! ### Why
//! Public CAs stopped issuing such names in 2015; one in a public certificate means the file is
//! not what it seems, and internal URLs need an internal CA or split-brain DNS instead.

use super::list;
use crate::check::names::internal_reason;
use crate::check::{CaKind, Ctx, Rule, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "internal-name",
    severity: Severity::Error,
    summary: "internal name or private address in a certificate from a public ca",
    citation: "CA/Browser Forum Baseline Requirements §4.2.2, §7.1.2.7.12",
    remediation: Some("use public names (split-brain DNS: Set-OwaVirtualDirectory -InternalUrl https://mail.DOMAIN/owa …) or an internal CA for internal names"),
    why: "Public CAs stopped issuing internal names and private addresses in 2015 (CA/Browser Forum Baseline Requirements); Microsoft's Exchange guidance says the same (https://learn.microsoft.com/en-us/Exchange/architecture/client-access/certificates?view=exchserver-2019). Error: such a public certificate is not what it seems.",
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    if ctx.ca != CaKind::Public {
        return Verdict::NotApplicable;
    }
    let mut bad: Vec<String> = Vec::new();
    let cn = cert.subject.common_name();
    for n in cert
        .dns_names
        .iter()
        .chain(&cert.ip_addresses)
        .chain(cn.iter())
    {
        if let Some(why) = internal_reason(n) {
            let line = format!("{n} ({why})");
            if !bad.contains(&line) {
                bad.push(line);
            }
        }
    }
    if bad.is_empty() {
        Verdict::Pass
    } else {
        Verdict::fail(list(&bad))
    }
}

//! `subject-not-fqdn`: for POP and IMAP, the subject CN must be a fully qualified domain name.
//! ### Why
//! POP3 and IMAP4 find their certificate by the FQDN in the subject; a CN that is missing, a
//! single label or an address never matches `X509CertificateName`.

use crate::check::names::{is_fqdn, is_wildcard};
use crate::check::{Ctx, Rule, Service, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "subject-not-fqdn",
    severity: Severity::Error,
    summary: "subject common name is not an fqdn, as pop and imap require",
    citation: "Microsoft Learn: Configure certificates for POP3 and IMAP4 in Exchange Server",
    remediation: Some("request a certificate whose subject is CN=<fqdn>: certprep csr --subject 'CN=mail.DOMAIN' --name mail.DOMAIN …"),
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    if !(ctx.options.has(Service::Pop) || ctx.options.has(Service::Imap)) {
        return Verdict::NotApplicable;
    }
    match cert.subject.common_name() {
        None => Verdict::fail("the subject has no CN"),
        Some(cn) if is_wildcard(&cn) => Verdict::Pass, // wildcard-pop-imap handles it
        Some(cn) if is_fqdn(&cn) => Verdict::Pass,
        Some(cn) => Verdict::fail(format!(
            "subject CN {cn:?} is not a fully qualified domain name"
        )),
    }
}

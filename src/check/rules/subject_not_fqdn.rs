//! `subject-not-fqdn`: for POP and IMAP, the subject CN must be a fully qualified domain name,
//! unless `-X509CertificateName` names a covered FQDN (given as `--server-fqdn`).
//! ### Why
//! POP3 and IMAP4 find their certificate by `X509CertificateName`, by default the subject; a
//! CN that is missing, a single label or an address never matches. The fix is
//! `Set-POPSettings`/`Set-IMAPSettings -X509CertificateName <fqdn>`, not a new certificate.

use super::host_names;
use crate::check::names::{any_covers, is_fqdn, is_wildcard, normalize};
use crate::check::{Ctx, Fix, Rule, Service, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "subject-not-fqdn",
    severity: Severity::Error,
    summary: "subject common name is not an fqdn, as pop and imap require",
    citation: "Microsoft Learn: Set-PopSettings / Set-ImapSettings -X509CertificateName",
    remediation: Some(
        "Set-POPSettings -X509CertificateName <FQDN>\nSet-IMAPSettings -X509CertificateName <FQDN>   # <FQDN> (a placeholder PowerShell refuses to run): the name POP and IMAP clients connect to, covered by the certificate",
    ),
    why: "POP3 and IMAP4 pick their certificate by `-X509CertificateName` (Set-PopSettings https://learn.microsoft.com/en-us/powershell/module/exchange/set-popsettings, Set-ImapSettings https://learn.microsoft.com/en-us/powershell/module/exchange/set-imapsettings); when it is not set they use the certificate's subject, which then must be an FQDN. The fix is to set `-X509CertificateName` to the FQDN clients use (the name the certificate covers), not to reissue. Error.",
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    let pop = ctx.options.has(Service::Pop);
    let imap = ctx.options.has(Service::Imap);
    if !(pop || imap) {
        return Verdict::NotApplicable;
    }
    let problem = match cert.subject.common_name() {
        None => "the subject has no CN".to_owned(),
        Some(cn) if is_wildcard(&cn) => return Verdict::Pass, // wildcard-pop-imap judges it
        Some(cn) if is_fqdn(&cn) => return Verdict::Pass,
        Some(cn) => format!("subject CN {cn:?} is not a fully qualified domain name"),
    };
    // With -X509CertificateName set to an FQDN the certificate covers, POP and IMAP no longer
    // look at the subject (Set-PopSettings / Set-ImapSettings): --server-fqdn stands for it.
    let Some(fqdn) = ctx.options.server_fqdn.as_deref().map(normalize) else {
        return Verdict::fail(format!(
            "{problem}; set -X509CertificateName to the FQDN clients use (give it with --server-fqdn for the exact commands)"
        ));
    };
    if is_fqdn(&fqdn) && any_covers(host_names(cert).iter(), &fqdn) {
        return Verdict::Pass;
    }
    Verdict::fail_fix(
        format!("{problem}, and --server-fqdn {fqdn} is not a fully qualified name the certificate covers"),
        Fix::X509CertificateName {
            fqdn: fqdn.into_owned(),
            pop,
            imap,
        },
    )
}

//! `wildcard-pop-imap`: a wildcard certificate for POP or IMAP needs the FQDN clients use set
//! with `Set-POPSettings`/`Set-IMAPSettings -X509CertificateName`; `--server-fqdn` (or
//! `server-fqdn =`) names it, and the rule passes when the certificate covers it.
//! ### Why
//! POP3 and IMAP4 pick their certificate by `X509CertificateName`; a wildcard subject cannot be
//! matched, so the services keep the old (or self-signed) certificate. The FQDN is never
//! guessed from the certificate's names (its apex, say): clients may use another one.

use super::host_names;
use crate::check::names::{any_covers, is_fqdn, is_wildcard, normalize};
use crate::check::{Ctx, Fix, Rule, Service, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "wildcard-pop-imap",
    severity: Severity::Error,
    summary: "wildcard certificate for pop or imap without a covered --server-fqdn",
    citation: "Microsoft Learn: Set-POPSettings / Set-IMAPSettings -X509CertificateName; Configure certificates for POP3 and IMAP4",
    remediation: Some(
        "Set-POPSettings -X509CertificateName <FQDN>\nSet-IMAPSettings -X509CertificateName <FQDN>   # <FQDN> (a placeholder PowerShell refuses to run): the name POP and IMAP clients connect to (--server-fqdn), covered by the certificate",
    ),
    why: "POP3 and IMAP4 announce the certificate named by `-X509CertificateName` (Set-PopSettings https://learn.microsoft.com/en-us/powershell/module/exchange/set-popsettings, Set-ImapSettings https://learn.microsoft.com/en-us/powershell/module/exchange/set-imapsettings); with a wildcard certificate that value must be the FQDN clients use, which the certificate must cover. certprep cannot see the server's setting, so it takes `--server-fqdn` (or `server-fqdn =`) as that FQDN: given and covered, the rule passes; missing or not covered, it is an error whose fix sets the given FQDN — never a name guessed from the certificate's list.",
    check,
};

/// Whether Exchange sees this as a wildcard certificate: a wildcard subject CN, or no CN and a
/// wildcard first DNS name.
pub fn is_wildcard_cert(cert: &Cert) -> bool {
    match cert.subject.common_name() {
        Some(cn) => is_wildcard(&cn),
        None => cert.dns_names.first().is_some_and(|d| is_wildcard(d)),
    }
}

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    let pop = ctx.options.has(Service::Pop);
    let imap = ctx.options.has(Service::Imap);
    if !(pop || imap) {
        return Verdict::NotApplicable;
    }
    if !is_wildcard_cert(cert) {
        return Verdict::Pass;
    }
    let services = match (pop, imap) {
        (true, true) => "POP and IMAP",
        (true, false) => "POP",
        _ => "IMAP",
    };
    let wildcard = cert
        .subject
        .common_name()
        .unwrap_or_else(|| cert.dns_names.first().cloned().unwrap_or_default());
    // The FQDN clients use is what the administrator configures (--server-fqdn or
    // `server-fqdn =`), never a name guessed from the certificate's list (its apex, say).
    let Some(fqdn) = ctx.options.server_fqdn.as_deref().map(normalize) else {
        return Verdict::fail(format!(
            "wildcard certificate ({wildcard}) for {services}: POP and IMAP need -X509CertificateName set to the FQDN clients use; give it with --server-fqdn"
        ));
    };
    let have = host_names(cert);
    if is_fqdn(&fqdn) && any_covers(have.iter(), &fqdn) {
        // The documented configuration: the FQDN set with Set-POPSettings/Set-IMAPSettings
        // -X509CertificateName (Microsoft Learn, "Configure certificates for POP3 and IMAP4").
        return Verdict::Pass;
    }
    Verdict::fail_fix(
        format!(
            "wildcard certificate ({wildcard}) for {services}: --server-fqdn {fqdn} is not a fully qualified name the certificate covers; POP and IMAP clients would be offered a certificate that does not name them"
        ),
        Fix::X509CertificateName {
            fqdn: fqdn.into_owned(),
            pop,
            imap,
        },
    )
}

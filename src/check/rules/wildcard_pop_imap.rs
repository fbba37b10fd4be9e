//! `wildcard-pop-imap`: a wildcard certificate for POP or IMAP needs the FQDN set explicitly
//! with `Set-POPSettings`/`Set-IMAPSettings -X509CertificateName`.
//! ### Why
//! POP3 and IMAP4 pick their certificate by `X509CertificateName`; a wildcard subject cannot be
//! matched, so the services keep the old (or self-signed) certificate.

use super::host_names;
use crate::check::names::{any_covers, is_fqdn, is_wildcard, normalize};
use crate::check::{Ctx, Rule, Service, Severity, Verdict};
use crate::model::Cert;

/// The rule.
pub static RULE: Rule = Rule {
    id: "wildcard-pop-imap",
    severity: Severity::Error,
    summary: "wildcard certificate for pop or imap without an explicit fqdn",
    citation: "Microsoft Learn: Set-POPSettings / Set-IMAPSettings -X509CertificateName; Configure certificates for POP3 and IMAP4",
    remediation: Some("Set-POPSettings -X509CertificateName FQDN; Set-IMAPSettings -X509CertificateName FQDN"),
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

/// The FQDN to configure: `--server-fqdn`, a `--name`, or a SAN, the first one the
/// certificate covers; else `mail.` under the wildcard.
pub fn pick_fqdn(cert: &Cert, ctx: &Ctx<'_>) -> Option<String> {
    let have = host_names(cert);
    let candidates = ctx
        .options
        .server_fqdn
        .iter()
        .chain(&ctx.options.names)
        .chain(cert.dns_names.iter());
    for c in candidates {
        if is_fqdn(c) && any_covers(have.iter(), c) {
            return Some(normalize(c).into_owned());
        }
    }
    have.iter()
        .find_map(|w| normalize(w).strip_prefix("*.").map(|b| format!("mail.{b}")))
        .filter(|f| is_fqdn(f))
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
    let Some(fqdn) = pick_fqdn(cert, ctx) else {
        return Verdict::fail(
            "wildcard certificate for POP/IMAP, and it covers no FQDN to set as X509CertificateName",
        );
    };
    let mut lines = Vec::new();
    if pop {
        lines.push(format!("Set-POPSettings -X509CertificateName {fqdn}"));
    }
    if imap {
        lines.push(format!("Set-IMAPSettings -X509CertificateName {fqdn}"));
    }
    let mut note = String::new();
    if let Some(s) = &ctx.options.server_fqdn {
        if normalize(s) != fqdn {
            note = format!(" (--server-fqdn {s} is not covered by the certificate)");
        }
    }
    Verdict::fail_fix(
        format!(
            "wildcard certificate ({}) for {}: set X509CertificateName to {fqdn}{note}",
            cert.subject.common_name().unwrap_or_else(|| cert
                .dns_names
                .first()
                .cloned()
                .unwrap_or_default()),
            match (pop, imap) {
                (true, true) => "POP and IMAP",
                (true, false) => "POP",
                _ => "IMAP",
            }
        ),
        lines.join("\n"),
    )
}

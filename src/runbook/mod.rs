//! The renewal runbook: the PowerShell script that applies a new certificate on Exchange, with
//! every value computed by certprep (thumbprint, connector TLS name, services, old certificate).
//!
//! [`RunbookSpec::plan`] turns a certificate and the administrator's choices into a
//! [`RunbookSpec`] of computed values and refuses plans that cannot work; [`render`] turns a
//! spec into script text. Both are pure: no I/O, no clock. Every value reaches the script
//! through [`quote::ps_literal`] (see `script.rs`), so names with `'`, `$`, backticks, `"` or
//! non-ASCII characters stay data.

pub mod guards;
pub mod plan;
mod plan_script;
pub mod quote;
mod render;
mod script;

pub use plan::{PfxFacts, Plan, PlanError, PlanOptions};
pub use plan_script::{plan_text, render_plan};
pub use render::render;
pub use script::UTF8_BOM;

use crate::model::Cert;
use crate::name::render_windows;
use crate::thumbprint::{HashAlg, Thumbprint};
use crate::tls_name::for_cert as tls_name;

pub use crate::check::Service;
pub use crate::severity::Severity as NoteSeverity;

/// One finding of `certprep check` about the new certificate, as the runbook needs it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CheckNote {
    /// Severity.
    pub severity: NoteSeverity,
    /// The rule id (`eku-server-auth`).
    pub id: String,
    /// What the rule found.
    pub message: String,
}

/// The certificate being replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OldCertificate {
    /// Its SHA-1 thumbprint.
    pub thumbprint: Thumbprint,
    /// Its connector TLS name when the certificate itself was given; `None` when only the
    /// thumbprint is known (the rollback then reads issuer and subject from Exchange).
    pub tls_name: Option<String>,
}

impl OldCertificate {
    /// The old certificate from its file: thumbprint and TLS name computed.
    pub fn from_cert(cert: &Cert) -> OldCertificate {
        OldCertificate {
            thumbprint: Thumbprint::of(&cert.der, HashAlg::Sha1),
            tls_name: Some(tls_name(cert)),
        }
    }
}

/// What the administrator chose; [`RunbookSpec::plan`] combines it with the certificate.
#[derive(Clone, Debug, Default)]
pub struct RunbookOptions {
    /// Exchange servers, as `Get-ExchangeServer` names them.
    pub servers: Vec<String>,
    /// Services to enable (duplicates are ignored).
    pub services: Vec<Service>,
    /// The certificate being replaced.
    pub old: Option<OldCertificate>,
    /// Send connectors whose TLS name to set (organisation-wide identities).
    pub send_connectors: Vec<String>,
    /// Receive connectors: an identity with `\` is used as given; a bare name is set on every
    /// server (`SERVER\name`; Setup's default connectors `SERVER\Client Frontend SERVER`).
    /// Empty: none (only named connectors are changed).
    pub receive_connectors: Vec<String>,
    /// Set the hybrid configuration's TLS name too.
    pub hybrid: bool,
    /// Where the PFX file will be on the machine that runs the script.
    pub pfx_path: String,
    /// The FriendlyName to import with; default `<name> <NotAfter date>`.
    pub friendly_name: Option<String>,
    /// The FQDN for `Set-PopSettings`/`Set-ImapSettings -X509CertificateName`.
    pub pop_imap_fqdn: Option<String>,
    /// Findings of `certprep check` on the new certificate.
    pub findings: Vec<CheckNote>,
    /// Generate even when `findings` holds errors.
    pub ignore_check: bool,
    /// Who generated the script (`certprep 0.1.0`), for its header.
    pub generator: String,
    /// The script's file name, for the usage lines in its header; default `renew.ps1`.
    pub script_name: Option<String>,
}

/// Every value the script embeds, computed. [`render`] only arranges them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunbookSpec {
    /// The new certificate's SHA-1 thumbprint.
    pub thumbprint: Thumbprint,
    /// `<I>issuer<S>subject`, as Windows renders both.
    pub tls_name: String,
    /// Subject as Windows renders it.
    pub subject: String,
    /// notAfter.
    pub not_after: time::OffsetDateTime,
    /// Whether the subject names a wildcard (`CN=*.contoso.com`): Exchange then cannot enable
    /// it for POP/IMAP and `X509CertificateName` must name an FQDN (KB 948896).
    pub wildcard: bool,
    /// FriendlyName for `Import-ExchangeCertificate`.
    pub friendly_name: String,
    /// The PFX path on the machine that runs the script.
    pub pfx_path: String,
    /// Servers, in the order given.
    pub servers: Vec<String>,
    /// Requested services, sorted, without duplicates.
    pub services: Vec<Service>,
    /// FQDN for `-X509CertificateName`, when POP/IMAP settings are to be set.
    pub pop_imap_fqdn: Option<String>,
    /// The certificate being replaced.
    pub old: Option<OldCertificate>,
    /// Send connector identities.
    pub send_connectors: Vec<String>,
    /// Receive connector identities (`SERVER\name`).
    pub receive_connectors: Vec<String>,
    /// Whether to set the hybrid configuration.
    pub hybrid: bool,
    /// Check findings listed at the top of the script (errors too when overridden).
    pub notes: Vec<CheckNote>,
    /// Who generated the script.
    pub generator: String,
    /// The script's file name (header comments only).
    pub script_name: String,
}

/// Why a runbook cannot be generated.
#[derive(Debug, thiserror::Error)]
pub enum RunbookError {
    /// No server was named.
    #[error("no Exchange server given; name each one with --server")]
    NoServers,
    /// A name (server, connector, path …) is empty or blank.
    #[error("{what} is empty; give a name")]
    EmptyValue {
        /// Which option.
        what: &'static str,
    },
    /// A server was named twice.
    #[error("server {server:?} is named twice")]
    DuplicateServer {
        /// The server.
        server: String,
    },
    /// No service was asked for.
    #[error("no service to enable; give --services (IIS, SMTP, POP, IMAP)")]
    NoServices,
    /// A service `Enable-ExchangeCertificate` does not take (the Auth certificate is set with
    /// `Set-AuthConfig`, which this runbook does not do).
    #[error("the runbook enables IIS, SMTP, POP and IMAP; {service} is not one of them")]
    UnsupportedService {
        /// The service.
        service: Service,
    },
    /// The old thumbprint is the new certificate's.
    #[error("the old certificate is the new certificate (thumbprint {thumbprint}); give the thumbprint of the certificate being replaced")]
    OldIsNew {
        /// The thumbprint.
        thumbprint: Thumbprint,
    },
    /// The old thumbprint is not a SHA-1 thumbprint.
    #[error("old thumbprint {thumbprint} is not a 40-digit SHA-1 thumbprint, which is what Exchange uses; copy it from Get-ExchangeCertificate")]
    OldNotSha1 {
        /// What was given.
        thumbprint: Thumbprint,
    },
    /// `check` found errors.
    #[error("certprep check finds {} error(s) in the certificate ({}); fix them, or generate anyway with --ignore-check", .ids.len(), .ids.join(", "))]
    CheckErrors {
        /// The failing rule ids.
        ids: Vec<String>,
    },
    /// A wildcard certificate with POP/IMAP and no FQDN to set.
    #[error("the certificate's subject is a wildcard ({subject}) and POP/IMAP are requested: Exchange needs the FQDN POP/IMAP clients connect to for -X509CertificateName, which certprep does not guess from the certificate's names; give --pop-imap-fqdn FQDN (the name clients use, covered by the certificate)")]
    PopImapNeedsFqdn {
        /// The subject.
        subject: String,
    },
    /// The POP/IMAP FQDN is not covered by the certificate.
    #[error("--pop-imap-fqdn {fqdn} is not covered by the certificate (names: {names}); POP/IMAP clients would get a name mismatch")]
    FqdnNotCovered {
        /// The FQDN given.
        fqdn: String,
        /// The certificate's DNS names.
        names: String,
    },
    /// The friendly name is too long for Exchange.
    #[error("friendly name is {length} characters; Exchange allows fewer than 64")]
    FriendlyNameTooLong {
        /// Its length in characters.
        length: usize,
    },
    /// Several different end-entity certificates where one was expected.
    #[error(
        "{origin}: holds {count} different server certificates ({names}); give a file with one"
    )]
    SeveralLeaves {
        /// The file.
        origin: String,
        /// How many.
        count: usize,
        /// Their display names.
        names: String,
    },
    /// Only CA certificates.
    #[error("{origin}: holds only CA certificates; give the server certificate")]
    NoLeaf {
        /// The file.
        origin: String,
    },
    /// No certificate at all.
    #[error("{origin}: holds no certificate")]
    NoCertificate {
        /// The file.
        origin: String,
    },
}

/// Exchange's limit on FriendlyName: "must be less than 64 characters" (Import-ExchangeCertificate).
const MAX_FRIENDLY_NAME: usize = 63;

impl RunbookSpec {
    /// Compute every value for renewing to `cert` and check the plan can work.
    pub fn plan(cert: &Cert, opts: RunbookOptions) -> Result<RunbookSpec, RunbookError> {
        let errors: Vec<String> = opts
            .findings
            .iter()
            .filter(|n| n.severity == NoteSeverity::Error)
            .map(|n| n.id.clone())
            .collect();
        if !errors.is_empty() && !opts.ignore_check {
            return Err(RunbookError::CheckErrors { ids: errors });
        }
        if opts.servers.is_empty() {
            return Err(RunbookError::NoServers);
        }
        let mut servers: Vec<String> = Vec::new();
        for s in &opts.servers {
            let s = non_blank(s, "a --server name")?;
            if servers.iter().any(|t| t.eq_ignore_ascii_case(&s)) {
                return Err(RunbookError::DuplicateServer { server: s });
            }
            servers.push(s);
        }
        let mut services = opts.services.clone();
        services.sort();
        services.dedup();
        if services.is_empty() {
            return Err(RunbookError::NoServices);
        }
        if let Some(&service) = services.iter().find(|s| **s == Service::Auth) {
            return Err(RunbookError::UnsupportedService { service });
        }
        let thumbprint = Thumbprint::of(&cert.der, HashAlg::Sha1);
        if let Some(old) = &opts.old {
            if old.thumbprint.as_bytes().len() != 20 {
                return Err(RunbookError::OldNotSha1 {
                    thumbprint: old.thumbprint,
                });
            }
            if old.thumbprint == thumbprint {
                return Err(RunbookError::OldIsNew { thumbprint });
            }
        }
        let subject = render_windows(&cert.subject);
        let wildcard = is_wildcard_subject(cert);
        let pop_imap = services.iter().any(|s| s.is_pop_imap());
        let pop_imap_fqdn = match (&opts.pop_imap_fqdn, pop_imap) {
            (Some(f), _) => {
                let f = non_blank(f, "--pop-imap-fqdn")?;
                let f = f.trim_end_matches('.').to_owned();
                if !cert.dns_names.iter().any(|n| covers(n, &f)) {
                    return Err(RunbookError::FqdnNotCovered {
                        fqdn: f,
                        names: cert.dns_names.join(", "),
                    });
                }
                pop_imap.then_some(f)
            }
            // Never guessed from the certificate: the first name it lists may be the apex
            // domain or any other name, while POP/IMAP clients connect to one FQDN the
            // organisation chose (issue 15; Set-PopSettings -X509CertificateName).
            (None, true) if wildcard => {
                return Err(RunbookError::PopImapNeedsFqdn {
                    subject: subject.clone(),
                })
            }
            _ => None,
        };
        let friendly_name = match &opts.friendly_name {
            Some(f) => non_blank(f, "--friendly-name")?,
            None => default_friendly_name(cert),
        };
        let length = friendly_name.chars().count();
        if length > MAX_FRIENDLY_NAME {
            return Err(RunbookError::FriendlyNameTooLong { length });
        }
        let mut send_connectors = Vec::new();
        for c in &opts.send_connectors {
            send_connectors.push(non_blank(c, "a --send-connector name")?);
        }
        // Only the connectors named: without --state certprep does not know which connectors
        // name the old certificate, so it changes none on its own (issue 19, point 5).
        let mut receive_connectors = Vec::new();
        for c in &opts.receive_connectors {
            let c = non_blank(c, "a --receive-connector name")?;
            if c.contains('\\') {
                receive_connectors.push(c);
            } else {
                for s in &servers {
                    receive_connectors.push(receive_connector_identity(s, &c));
                }
            }
        }
        receive_connectors.dedup();
        Ok(RunbookSpec {
            thumbprint,
            tls_name: tls_name(cert),
            subject,
            not_after: cert.not_after,
            wildcard,
            friendly_name,
            pfx_path: non_blank(&opts.pfx_path, "--pfx-path")?,
            servers,
            services,
            pop_imap_fqdn,
            old: opts.old,
            send_connectors,
            receive_connectors,
            hybrid: opts.hybrid,
            notes: opts.findings,
            generator: opts.generator,
            script_name: opts.script_name.unwrap_or_else(|| "renew.ps1".to_owned()),
        })
    }

    /// The services `Enable-ExchangeCertificate` gets: the requested ones, without POP and
    /// IMAP for a wildcard subject (Exchange refuses those and wants `-X509CertificateName`
    /// instead, KB 948896).
    pub fn enable_services(&self) -> Vec<Service> {
        self.services
            .iter()
            .copied()
            .filter(|s| !(self.wildcard && s.is_pop_imap()))
            .collect()
    }
}

/// The receive connectors Exchange Setup creates on each server, named `<Role> <Server>`
/// (Microsoft Learn, "Default Receive connectors created during setup").
pub const DEFAULT_RECEIVE_CONNECTORS: [&str; 5] = [
    "Default Frontend",
    "Client Frontend",
    "Outbound Proxy Frontend",
    "Default",
    "Client Proxy",
];

/// `SERVER\NAME` for a bare receive connector name; Setup's default connectors carry the
/// server's name too (`EX01\Client Frontend EX01`), so `Client Frontend` becomes that.
pub fn receive_connector_identity(server: &str, name: &str) -> String {
    if DEFAULT_RECEIVE_CONNECTORS
        .iter()
        .any(|d| d.eq_ignore_ascii_case(name.trim()))
    {
        format!("{server}\\{} {server}", name.trim())
    } else {
        format!("{server}\\{name}")
    }
}

fn non_blank(value: &str, what: &'static str) -> Result<String, RunbookError> {
    if value.trim().is_empty() {
        Err(RunbookError::EmptyValue { what })
    } else {
        Ok(value.to_owned())
    }
}

/// Whether the name Exchange shows for the certificate is a wildcard: the subject CN, or the
/// first DNS name when there is no CN.
pub fn is_wildcard_subject(cert: &Cert) -> bool {
    match cert.subject.common_name() {
        Some(cn) => cn.starts_with('*'),
        None => cert.dns_names.first().is_some_and(|n| n.starts_with('*')),
    }
}

pub use crate::name::host::covers;

fn default_friendly_name(cert: &Cert) -> String {
    let date = cert.not_after.date();
    let name = crate::name::display_name(&cert.subject, &cert.dns_names);
    // Keep within Exchange's limit with the date (11 characters with its space) intact.
    let name: String = name.chars().take(MAX_FRIENDLY_NAME - 11).collect();
    format!(
        "{name} {:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// The one server (end-entity) certificate among `certs`: the only one that is not a CA, or
/// the only certificate. Identical copies count once. `origin` names the input in errors.
pub fn select_leaf<'a>(certs: &[&'a Cert], origin: &str) -> Result<&'a Cert, RunbookError> {
    use crate::chain::{LeafError, LeafPolicy};
    match crate::chain::select_leaf(certs, LeafPolicy::SoleEndEntity) {
        Ok(choice) => Ok(certs[choice.leaf]),
        Err(LeafError::Empty) => Err(RunbookError::NoCertificate {
            origin: origin.to_owned(),
        }),
        Err(LeafError::NoLeaf) => Err(RunbookError::NoLeaf {
            origin: origin.to_owned(),
        }),
        Err(LeafError::Ambiguous(many)) => Err(RunbookError::SeveralLeaves {
            origin: origin.to_owned(),
            count: many.len(),
            names: many
                .iter()
                .map(|&i| crate::name::display_name(&certs[i].subject, &certs[i].dns_names))
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_wildcard_matches_exactly_one_label() {
        assert!(covers("*.contoso.com", "mail.contoso.com"));
        assert!(covers("*.contoso.com", "MAIL.Contoso.com."));
        assert!(!covers("*.contoso.com", "contoso.com"));
        assert!(!covers("*.contoso.com", "a.mail.contoso.com"));
        assert!(covers("mail.contoso.com", "Mail.Contoso.Com"));
        assert!(!covers("mail.contoso.com", "owa.contoso.com"));
    }
}

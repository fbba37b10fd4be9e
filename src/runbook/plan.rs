//! The renewal plan computed from the organisation's state (`exchange-state.json`): every change
//! per server and why, every certificate kept and why. Pure: [`Plan::compute`] reads a
//! [`State`], the new certificate and the options, and nothing else.
//!
//! What the plan relies on, and where Microsoft documents it:
//! - `Enable-ExchangeCertificate -Services` is additive, so the new certificate gets the old
//!   one's services on each server, carried over one by one (Enable-ExchangeCertificate docs,
//!   `-Services`).
//! - Enabling IIS sets "Require SSL" on the Default Web Site unless `-DoNotRequireSsl`; the plan
//!   passes it where the state shows Require SSL off (same page, `-DoNotRequireSsl`).
//! - Enabling SMTP in a script needs `-Force`, which also replaces the internal transport
//!   certificate (same page, `-Services SMTP` and `-Force`). Unless
//!   `--replace-internal-transport`, the plan resets it afterwards by enabling the previous one
//!   for SMTP again, as CSS-Exchange does (`MonitorExchangeAuthCertificate`,
//!   `New-ExchangeAuthCertificate.ps1`: "overwritten for a short time and then reset to the
//!   previous one").
//! - Connectors and the hybrid configuration select their certificate by `TlsCertificateName`
//!   `<I>issuer<S>subject` (Set-SendConnector / Set-ReceiveConnector / Set-HybridConfiguration
//!   docs); the plan changes exactly those whose value equals the old certificate's, by their
//!   real `Identity` (receive connectors are named `<Role> <Server>`, e.g.
//!   `EX01\Client Frontend EX01`; the Hybrid Configuration Wizard's send connector is
//!   `Outbound to Office 365 <GUID>`).
//! - POP/IMAP pick their certificate by `X509CertificateName` (Set-PopSettings /
//!   Set-ImapSettings docs); a wildcard certificate cannot be enabled for them (KB 948896).
//! - An Edge Transport server's certificate is part of its Edge Subscription ("the public key
//!   for the Edge Transport server's self-signed certificate is also exported to the Edge
//!   Subscription file", Microsoft Learn: Edge Subscriptions), so after a change the
//!   subscription is removed and created again; the subscription file must be imported within
//!   its lifetime (New-EdgeSubscription docs: 24 hours by default).

use super::guards::{self, Protected, Refusal, RemovalFacts};
use super::{CheckNote, NoteSeverity};
use crate::model::pfx::PfxInfo;
use crate::model::{Cert, KeyAlgorithm};
use crate::name::render_windows;
use crate::state::{ExchangeCertificate, ExchangeService, ProtocolSettings, Server, State};
use crate::thumbprint::{HashAlg, Thumbprint};
use crate::tls_name::for_cert as tls_name;

/// A value that changes: what it is now (as collected; `None` when empty) and what it becomes.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ValueChange {
    /// The collected value (`None`: empty).
    pub from: Option<String>,
    /// The new value (`None`: empty).
    pub to: Option<String>,
}

/// Which setting a [`SettingChange`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SettingKind {
    /// `Set-SendConnector -Identity … -TlsCertificateName`.
    SendConnector,
    /// `Set-ReceiveConnector -Identity … -TlsCertificateName`.
    ReceiveConnector,
    /// `Set-HybridConfiguration -TlsCertificateName`.
    Hybrid,
    /// `Set-PopSettings -Server … -X509CertificateName`.
    Pop,
    /// `Set-ImapSettings -Server … -X509CertificateName`.
    Imap,
}

impl SettingKind {
    /// How the plan names it.
    pub fn label(self) -> &'static str {
        match self {
            SettingKind::SendConnector => "send connector",
            SettingKind::ReceiveConnector => "receive connector",
            SettingKind::Hybrid => "hybrid configuration",
            SettingKind::Pop => "POP settings",
            SettingKind::Imap => "IMAP settings",
        }
    }
}

/// One setting the plan changes.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SettingChange {
    /// Which setting.
    pub kind: SettingKind,
    /// The connector's Identity, or the server for POP/IMAP; empty for the hybrid configuration.
    pub identity: String,
    /// The value before and after.
    pub change: ValueChange,
    /// Why.
    pub why: String,
}

/// What happens on one Exchange server (Mailbox role).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ServerPlan {
    /// The server's name.
    pub name: String,
    /// Whether the new certificate must be imported (false: the state shows it there already).
    pub import: bool,
    /// Services to enable on the new certificate (the old certificate's, Exchange spelling).
    pub services: Vec<String>,
    /// The old certificate's services on this server, as collected (for the rollback).
    pub old_services: Vec<String>,
    /// Pass `-DoNotRequireSsl`: the state shows "Require SSL" off on the Default Web Site.
    pub do_not_require_ssl: bool,
    /// The internal transport certificate as collected.
    pub internal_transport: Option<Thumbprint>,
    /// Reset the internal transport certificate to [`ServerPlan::internal_transport`] after
    /// enabling SMTP (false with `--replace-internal-transport` or without SMTP).
    pub keep_internal_transport: bool,
    /// POP presents the new certificate after the plan (verified with a handshake on 995).
    pub pop: bool,
    /// IMAP presents the new certificate after the plan (verified with a handshake on 993).
    pub imap: bool,
    /// Why each decision was taken.
    pub why: Vec<String>,
}

/// The Edge Transport sequence for one subscribed Edge server.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct EdgePlan {
    /// The Edge server.
    pub name: String,
    /// The Active Directory site's name for `New-EdgeSubscription -Site`.
    pub site: Option<String>,
}

/// Removing the old certificate from one server: offered, or kept with the reasons.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Removal {
    /// The server.
    pub server: String,
    /// The certificate.
    pub thumbprint: Thumbprint,
    /// Why it is kept; empty: removal is offered (still after verification and a prompt).
    pub kept_because: Vec<Protected>,
}

/// The new certificate, as the plan uses it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct NewCertificate {
    /// SHA-1 thumbprint.
    pub thumbprint: Thumbprint,
    /// `<I>issuer<S>subject`.
    pub tls_name: String,
    /// Subject, Windows rendering.
    pub subject: String,
    /// Issuer, Windows rendering.
    pub issuer: String,
    /// FriendlyName to import with.
    pub friendly_name: String,
    /// Where the PFX is on the machine that runs the script.
    pub pfx_path: String,
    /// The subject is a wildcard.
    pub wildcard: bool,
}

/// The certificate being replaced, as the state shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OldInState {
    /// SHA-1 thumbprint.
    pub thumbprint: Thumbprint,
    /// `<I>issuer<S>subject` from the state's Issuer and Subject.
    pub tls_name: String,
    /// Subject.
    pub subject: String,
    /// Issuer.
    pub issuer: String,
    /// How it was chosen (`--old`, or inferred from the IIS binding).
    pub chosen: String,
}

/// Everything the script does, computed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Plan {
    /// The new certificate.
    pub new: NewCertificate,
    /// The certificate being replaced.
    pub old: OldInState,
    /// Per Mailbox server.
    pub servers: Vec<ServerPlan>,
    /// Connector, hybrid and POP/IMAP changes.
    pub settings: Vec<SettingChange>,
    /// Settings that name the old certificate and stay as they are, with why.
    pub unchanged: Vec<String>,
    /// Subscribed Edge servers.
    pub edge: Vec<EdgePlan>,
    /// Removal of the old certificate, per server.
    pub removals: Vec<Removal>,
    /// `Get-AuthConfig` as collected: current and next thumbprints (re-read before changing).
    pub auth: (Option<Thumbprint>, Option<Thumbprint>),
    /// Exchange Online reminders (hybrid).
    pub reminders: Vec<String>,
    /// `certprep check` findings on the new certificate.
    pub notes: Vec<CheckNote>,
    /// Who generated the script.
    pub generator: String,
    /// The script's file name (header comments only).
    pub script_name: String,
}

/// What the administrator chose; [`Plan::compute`] combines it with the state.
#[derive(Clone, Debug, Default)]
pub struct PlanOptions {
    /// The certificate being replaced (`--old`); `None`: the one bound to HTTPS 443 on the
    /// Default Web Site of every Mailbox server, when that is one certificate.
    pub old: Option<Thumbprint>,
    /// Let `Enable-ExchangeCertificate -Services SMTP -Force` make the new certificate the
    /// internal transport certificate (`--replace-internal-transport`).
    pub replace_internal_transport: bool,
    /// Where the PFX file will be on the machine that runs the script.
    pub pfx_path: String,
    /// FriendlyName to import with; default `<name> <NotAfter date>`.
    pub friendly_name: Option<String>,
    /// The FQDN for POP/IMAP `X509CertificateName` where one must be chosen.
    pub pop_imap_fqdn: Option<String>,
    /// Findings of `certprep check` on the new certificate.
    pub findings: Vec<CheckNote>,
    /// Plan even when `findings` holds errors.
    pub ignore_check: bool,
    /// Who generated the script (`certprep 0.1.0`).
    pub generator: String,
    /// The script's file name, for its header; default `renew.ps1`.
    pub script_name: Option<String>,
}

/// Why no plan can be made.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// `check` found errors.
    #[error("certprep check finds {} error(s) in the certificate ({}); fix them, or plan anyway with --ignore-check", .ids.len(), .ids.join(", "))]
    CheckErrors {
        /// The failing rule ids.
        ids: Vec<String>,
    },
    /// The old thumbprint is the new certificate's.
    #[error("the old certificate is the new certificate (thumbprint {thumbprint}); give the thumbprint of the certificate being replaced")]
    OldIsNew {
        /// The thumbprint.
        thumbprint: Thumbprint,
    },
    /// The old thumbprint is not in the state.
    #[error("--old {thumbprint}: no server in the state holds this certificate; copy the thumbprint from Get-ExchangeCertificate, or collect the state again")]
    OldNotInState {
        /// The thumbprint.
        thumbprint: Thumbprint,
    },
    /// The old certificate is only on Edge servers, or on no Mailbox server.
    #[error("--old {thumbprint}: no Mailbox server holds this certificate (only {servers}); the runbook plans for Mailbox servers")]
    OldOnNoMailboxServer {
        /// The thumbprint.
        thumbprint: Thumbprint,
        /// Who holds it.
        servers: String,
    },
    /// `--old` was not given and the state does not show one certificate on HTTPS 443.
    #[error("give --old THUMBPRINT: the state shows {found} on port 443 of the Default Web Site, so certprep cannot tell which certificate is being replaced")]
    OldNotInferred {
        /// What was found.
        found: String,
    },
    /// The new certificate cannot be used here.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// POP/IMAP need a name and none covered by the certificate is known.
    #[error("{server}: {service} must be pointed at the new certificate with -X509CertificateName, and neither its connection settings nor --pop-imap-fqdn give a name the certificate covers ({names}); give --pop-imap-fqdn mail.example.com")]
    PopImapName {
        /// The server.
        server: String,
        /// POP or IMAP.
        service: &'static str,
        /// The certificate's names.
        names: String,
    },
    /// The friendly name is too long for Exchange.
    #[error("friendly name is {length} characters; Exchange allows fewer than 64")]
    FriendlyNameTooLong {
        /// Its length in characters.
        length: usize,
    },
    /// A value is blank.
    #[error("{what} is empty; give a value")]
    Empty {
        /// Which option.
        what: &'static str,
    },
}

/// What the PFX file says about its import on Windows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PfxFacts {
    /// Any bag or the MAC uses PBES2/AES or SHA-2 (needs Windows build 17763).
    pub aes: bool,
    /// The RSA key has no Microsoft CSP name: Windows stores it with CNG.
    pub cng: bool,
}

impl PfxFacts {
    /// From the parsed file: `aes` when Server 2016 cannot import it; `cng` when no key bag
    /// names a CAPI CSP (design.md §4.3).
    pub fn from_info(info: &PfxInfo) -> PfxFacts {
        use crate::model::pfx::BagKind;
        use crate::windows::{pfx_import_verdict, ImportVerdict, WindowsVersion};
        let aes = !matches!(
            pfx_import_verdict(info, WindowsVersion::Server2016),
            ImportVerdict::Imports
        );
        let keys: Vec<_> = info
            .bags
            .iter()
            .filter(|b| matches!(b.kind, BagKind::ShroudedKey | BagKind::Key))
            .collect();
        let cng = !keys.is_empty() && keys.iter().all(|b| b.csp_name.is_none());
        PfxFacts { aes, cng }
    }
}

/// Exchange's limit on FriendlyName: "must be less than 64 characters" (Import-ExchangeCertificate).
const MAX_FRIENDLY_NAME: usize = 63;

fn blank_to_none(v: &Option<String>) -> Option<String> {
    v.as_ref().filter(|s| !s.trim().is_empty()).cloned()
}

/// The host part of the first `host:port:encryption` connection setting the certificate covers.
fn covered_connection_host(settings: &ProtocolSettings, cert: &Cert) -> Option<String> {
    settings
        .connection_hosts()
        .into_iter()
        .find(|h| cert.dns_names.iter().any(|n| super::covers(n, h)))
        .map(str::to_owned)
}

impl Plan {
    /// Plan the renewal to `new` (the leaf of the new PFX; `pfx` its file's facts when the
    /// input was a PFX) in the organisation `state`.
    pub fn compute(
        new: &Cert,
        pfx: Option<PfxFacts>,
        state: &State,
        opts: PlanOptions,
    ) -> Result<Plan, PlanError> {
        let errors: Vec<String> = opts
            .findings
            .iter()
            .filter(|n| n.severity == NoteSeverity::Error)
            .map(|n| n.id.clone())
            .collect();
        if !errors.is_empty() && !opts.ignore_check {
            return Err(PlanError::CheckErrors { ids: errors });
        }
        let new_thumb = Thumbprint::of(&new.der, HashAlg::Sha1);
        let old_thumb = match opts.old {
            Some(t) => t,
            None => infer_old(state)?,
        };
        if old_thumb == new_thumb {
            return Err(PlanError::OldIsNew {
                thumbprint: new_thumb,
            });
        }
        let holders = state.certificate(&old_thumb);
        let Some(old_entry) = holders.first() else {
            return Err(PlanError::OldNotInState {
                thumbprint: old_thumb,
            });
        };
        let old_tls = tls_name(&old_entry.cert);
        let new_tls = tls_name(new);
        let wildcard = super::is_wildcard_subject(new);
        let names = new.dns_names.join(", ");

        // Mailbox servers holding the old certificate, in the state's server order.
        let holding: Vec<(&Server, &ExchangeCertificate)> = state
            .servers
            .iter()
            .filter(|s| !s.is_edge())
            .filter_map(|s| state.certificate_on(&s.name, &old_thumb).map(|c| (s, c)))
            .collect();
        let mailbox: Vec<&Server> = holding.iter().map(|(s, _)| *s).collect();
        if mailbox.is_empty() {
            return Err(PlanError::OldOnNoMailboxServer {
                thumbprint: old_thumb,
                servers: holders
                    .iter()
                    .map(|c| c.server.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        let edge_servers: Vec<&Server> = state
            .edge_servers()
            .filter(|s| state.certificate_on(&s.name, &old_thumb).is_some())
            .collect();

        refuse(new, pfx, state, &mailbox, &edge_servers, &opts)?;

        let friendly_name = match &opts.friendly_name {
            Some(f) if f.trim().is_empty() => {
                return Err(PlanError::Empty {
                    what: "--friendly-name",
                })
            }
            Some(f) => f.clone(),
            None => super::default_friendly_name(new),
        };
        let length = friendly_name.chars().count();
        if length > MAX_FRIENDLY_NAME {
            return Err(PlanError::FriendlyNameTooLong { length });
        }
        if opts.pfx_path.trim().is_empty() {
            return Err(PlanError::Empty { what: "--pfx-path" });
        }

        let mut settings: Vec<SettingChange> = Vec::new();
        let mut unchanged: Vec<String> = Vec::new();
        // Settings left naming the old certificate, by server: they block that server's removal.
        // (Every send connector and the hybrid configuration naming it are changed.)
        let mut named_on: Vec<(String, String)> = Vec::new();
        let tls_change = |kind: SettingKind, identity: &str, why: String| SettingChange {
            kind,
            identity: identity.to_owned(),
            change: ValueChange {
                from: Some(old_tls.clone()),
                to: Some(new_tls.clone()),
            },
            why,
        };
        for c in &state.send_connectors {
            if c.tls_certificate_name.as_deref() == Some(old_tls.as_str()) {
                let why = if c.cloud_services_mail_enabled {
                    "its TlsCertificateName names the old certificate (the Hybrid Configuration Wizard's connector to Microsoft 365)"
                } else {
                    "its TlsCertificateName names the old certificate"
                };
                settings.push(tls_change(
                    SettingKind::SendConnector,
                    &c.identity,
                    why.to_owned(),
                ));
            }
        }
        for c in &state.receive_connectors {
            if c.tls_certificate_name.as_deref() != Some(old_tls.as_str()) {
                continue;
            }
            if mailbox.iter().any(|s| same_server(&s.name, &c.server)) {
                settings.push(tls_change(
                    SettingKind::ReceiveConnector,
                    &c.identity,
                    "its TlsCertificateName names the old certificate".to_owned(),
                ));
            } else {
                let what = format!("receive connector {}", c.identity);
                unchanged.push(format!(
                    "{what}: names the old certificate, but {} gets no new certificate in this plan",
                    c.server
                ));
                named_on.push((c.server.clone(), what));
            }
        }
        if let Some(h) = &state.hybrid_configuration {
            if h.tls_certificate_name.as_deref() == Some(old_tls.as_str()) {
                settings.push(tls_change(
                    SettingKind::Hybrid,
                    "",
                    "its TlsCertificateName names the old certificate".to_owned(),
                ));
            }
        }

        let mut servers = Vec::new();
        for (server, old_here) in &holding {
            let name = server.name.clone();
            let mut why = Vec::new();
            let old_services: Vec<String> = old_here
                .services
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect();
            let mut services = Vec::new();
            for s in &old_here.services {
                match s {
                    ExchangeService::Federation => why.push(
                        "Federation is not carried over: the federation trust manages its certificate (Set-FederationTrust)".to_owned(),
                    ),
                    ExchangeService::Pop | ExchangeService::Imap if wildcard => why.push(format!(
                        "{} is not enabled: the new subject is a wildcard, which Exchange cannot enable for POP/IMAP (KB 948896); X509CertificateName is used instead",
                        s.as_str()
                    )),
                    other => services.push(other.as_str().to_owned()),
                }
            }
            if !services.is_empty() {
                why.push(format!(
                    "services carried over from the old certificate on {name}: {}",
                    services.join(", ")
                ));
            }
            let import = state.certificate_on(&name, &new_thumb).is_none();
            let iis = services.iter().any(|s| s == "IIS");
            let require_ssl = state
                .iis_bindings
                .iter()
                .filter(|b| {
                    same_server(&b.server, &name) && b.site.eq_ignore_ascii_case("Default Web Site")
                })
                .find_map(|b| b.require_ssl);
            let do_not_require_ssl = iis && require_ssl != Some(true);
            if iis {
                why.push(match require_ssl {
                    Some(true) => "Require SSL is on for the Default Web Site: enabling IIS keeps it on".to_owned(),
                    Some(false) => "-DoNotRequireSsl: Require SSL is off on the Default Web Site and enabling IIS would turn it on".to_owned(),
                    None => "-DoNotRequireSsl: the state does not show Require SSL, so it is left as it is".to_owned(),
                });
            }
            let internal = state
                .transport_services
                .iter()
                .find(|t| same_server(&t.name, &name))
                .and_then(|t| t.internal_transport_certificate_thumbprint);
            let smtp = services.iter().any(|s| s == "SMTP");
            let keep_internal_transport = smtp
                && !opts.replace_internal_transport
                && internal.is_some_and(|t| t != new_thumb);
            if smtp {
                why.push(match (keep_internal_transport, internal) {
                    (true, Some(t)) => format!("enabling SMTP with -Force replaces the internal transport certificate, so {t} is enabled for SMTP again afterwards"),
                    (false, _) if opts.replace_internal_transport => "--replace-internal-transport: the new certificate becomes the internal transport certificate".to_owned(),
                    _ => "the state shows no internal transport certificate: the new certificate becomes it".to_owned(),
                });
            }
            // POP/IMAP names.
            let (mut pop_serves, mut imap_serves) = (false, false);
            let pop_on = old_here.services.contains(&ExchangeService::Pop);
            let imap_on = old_here.services.contains(&ExchangeService::Imap);
            for (kind, list, label, on) in [
                (SettingKind::Pop, &state.pop_settings, "POP", pop_on),
                (SettingKind::Imap, &state.imap_settings, "IMAP", imap_on),
            ] {
                let Some(ps) = list.iter().find(|p| same_server(&p.server, &name)) else {
                    continue;
                };
                let current = blank_to_none(&ps.x509_certificate_name);
                let covered = |n: &str| new.dns_names.iter().any(|d| super::covers(d, n));
                let chosen = || -> Result<String, PlanError> {
                    if let Some(f) = &opts.pop_imap_fqdn {
                        if covered(f) {
                            return Ok(f.trim_end_matches('.').to_owned());
                        }
                    }
                    if let Some(h) = covered_connection_host(ps, new) {
                        return Ok(h);
                    }
                    if !wildcard {
                        if let Some(cn) = new.subject.common_name().filter(|c| covered(c)) {
                            return Ok(cn);
                        }
                    }
                    Err(PlanError::PopImapName {
                        server: name.clone(),
                        service: label,
                        names: names.clone(),
                    })
                };
                let mut after = current.clone();
                match current {
                    Some(n) if covered(&n) => {}
                    Some(n) => {
                        let old_cn = old_entry.cert.subject.common_name();
                        if old_cn
                            .as_deref()
                            .is_some_and(|c| c.eq_ignore_ascii_case(&n))
                        {
                            let to = chosen()?;
                            after = Some(to.clone());
                            settings.push(SettingChange {
                                kind,
                                identity: name.clone(),
                                change: ValueChange {
                                    from: Some(n.clone()),
                                    to: Some(to),
                                },
                                why: format!("X509CertificateName names the old certificate's subject {n}, which the new certificate does not cover"),
                            });
                        } else {
                            let what =
                                format!("{label} settings on {name} (X509CertificateName {n})");
                            unchanged.push(format!(
                                "{what}: names a host the new certificate does not cover and that is not the old certificate's subject; left as it is"
                            ));
                            // Exchange selects the POP/IMAP certificate by this name: while the
                            // old certificate covers it, the old certificate is still in use.
                            if old_entry
                                .cert
                                .dns_names
                                .iter()
                                .any(|d| super::covers(d, &n))
                            {
                                named_on.push((name.clone(), what));
                            }
                        }
                    }
                    None if on && wildcard => {
                        let to = chosen()?;
                        after = Some(to.clone());
                        settings.push(SettingChange {
                            kind,
                            identity: name.clone(),
                            change: ValueChange { from: None, to: Some(to) },
                            why: format!("{label} was enabled on the old certificate; a wildcard certificate is selected with X509CertificateName instead (KB 948896)"),
                        });
                    }
                    None => {}
                }
                // Verified with a handshake where the service presents the new certificate:
                // enabled on it, or selected by a name it covers.
                let serves =
                    services.iter().any(|x| x == label) || after.as_deref().is_some_and(covered);
                match kind {
                    SettingKind::Pop => pop_serves = serves,
                    _ => imap_serves = serves,
                }
            }
            servers.push(ServerPlan {
                name,
                import,
                services,
                old_services,
                do_not_require_ssl,
                internal_transport: internal,
                keep_internal_transport,
                pop: pop_serves,
                imap: imap_serves,
                why,
            });
        }

        let auth = state
            .auth_config
            .as_ref()
            .map(|a| {
                (
                    a.current_certificate_thumbprint,
                    a.next_certificate_thumbprint,
                )
            })
            .unwrap_or((None, None));
        let mut removals = Vec::new();
        for (s, (_, entry)) in servers.iter().zip(&holding) {
            let replaced_internal =
                s.services.iter().any(|x| x == "SMTP") && !s.keep_internal_transport;
            let named_by: Vec<String> = named_on
                .iter()
                .filter(|(server, _)| same_server(server, &s.name))
                .map(|(_, what)| what.clone())
                .collect();
            let facts = RemovalFacts {
                self_signed: entry.is_self_signed,
                auth_current: auth.0 == Some(old_thumb),
                auth_next: auth.1 == Some(old_thumb),
                internal_transport_after: s.internal_transport == Some(old_thumb)
                    && !replaced_internal,
                bound_444: state.iis_bindings.iter().any(|b| {
                    same_server(&b.server, &s.name)
                        && b.port() == Some(444)
                        && b.certificate_hash == Some(old_thumb)
                }),
                named_by,
                federation: entry.services.contains(&ExchangeService::Federation),
            };
            removals.push(Removal {
                server: s.name.clone(),
                thumbprint: old_thumb,
                kept_because: guards::removal_blockers(&facts),
            });
        }

        // New-EdgeSubscription -Site takes the Active Directory site's name (New-EdgeSubscription
        // docs, -Site and example 2); Get-EdgeSubscription prints it as a path
        // (`contoso.com/Configuration/Sites/Default-First-Site-Name`), so its last part is used,
        // else the site of the first Mailbox server in the plan.
        let site_name = |s: &str| s.rsplit('/').next().unwrap_or(s).trim().to_owned();
        let edge = edge_servers
            .iter()
            .map(|e| EdgePlan {
                name: e.name.clone(),
                site: state
                    .edge_subscriptions
                    .iter()
                    .find(|s| same_server(&s.name, &e.name))
                    .and_then(|s| s.site.as_deref())
                    .or(mailbox[0].site.as_deref())
                    .map(site_name)
                    .filter(|s| !s.is_empty()),
            })
            .collect();

        let new_subject = render_windows(&new.subject);
        let new_issuer = render_windows(&new.issuer);
        let mut reminders = Vec::new();
        if state.hybrid_configuration.is_some() {
            if new_issuer != old_entry.issuer || new_subject != old_entry.subject {
                reminders.push(format!(
                    "the issuer or subject changed ({} -> {}): re-run the Hybrid Configuration Wizard after this script, so Exchange Online's inbound connector (TlsSenderCertificateName) and the hybrid configuration match the new certificate",
                    old_tls, new_tls
                ));
            } else {
                reminders.push("issuer and subject are unchanged, so Exchange Online's connectors keep matching; check mail flow with Exchange Online after the script (Test-MigrationServerAvailability or a test message)".to_owned());
            }
            reminders.push("OAuth with Exchange Online uses the Auth certificate (Get-AuthConfig), which this plan does not touch".to_owned());
        }

        Ok(Plan {
            new: NewCertificate {
                thumbprint: new_thumb,
                tls_name: new_tls,
                subject: new_subject,
                issuer: new_issuer,
                friendly_name,
                pfx_path: opts.pfx_path,
                wildcard,
            },
            old: OldInState {
                thumbprint: old_thumb,
                tls_name: old_tls,
                subject: old_entry.subject.clone(),
                issuer: old_entry.issuer.clone(),
                chosen: if opts.old.is_some() {
                    "given with --old".to_owned()
                } else {
                    "the certificate bound to HTTPS 443 on every Mailbox server's Default Web Site"
                        .to_owned()
                },
            },
            servers,
            settings,
            unchanged,
            edge,
            removals,
            auth,
            reminders,
            notes: opts.findings,
            generator: opts.generator,
            script_name: opts.script_name.unwrap_or_else(|| "renew.ps1".to_owned()),
        })
    }
}

fn same_server(a: &str, b: &str) -> bool {
    let short = |s: &str| s.split('.').next().unwrap_or(s).to_ascii_lowercase();
    a.eq_ignore_ascii_case(b) || short(a) == short(b)
}

/// The old certificate when `--old` is not given: the one certificate bound to HTTPS 443 on
/// the Default Web Site of the Mailbox servers.
fn infer_old(state: &State) -> Result<Thumbprint, PlanError> {
    let mut found: Vec<Thumbprint> = Vec::new();
    for b in &state.iis_bindings {
        let mailbox = state.server(&b.server).is_some_and(|s| !s.is_edge());
        if mailbox && b.site.eq_ignore_ascii_case("Default Web Site") && b.port() == Some(443) {
            if let Some(t) = b.certificate_hash {
                if !found.contains(&t) {
                    found.push(t);
                }
            }
        }
    }
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(PlanError::OldNotInferred {
            found: "no certificate".to_owned(),
        }),
        many => Err(PlanError::OldNotInferred {
            found: format!(
                "{} different certificates ({})",
                many.len(),
                many.iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
    }
}

/// The refusals for the new certificate (guards.rs).
fn refuse(
    new: &Cert,
    pfx: Option<PfxFacts>,
    state: &State,
    mailbox: &[&Server],
    edge: &[&Server],
    opts: &PlanOptions,
) -> Result<(), Refusal> {
    for s in mailbox.iter().chain(edge) {
        match (pfx, s.os_build) {
            (Some(p), Some(b)) if p.aes && b < guards::FIRST_AES_PFX_BUILD => {
                return Err(Refusal::AesPfx {
                    server: s.name.clone(),
                    build: b,
                })
            }
            (Some(p), None) if p.aes => {
                return Err(Refusal::PfxUnknown {
                    server: s.name.clone(),
                    what: "the Windows build",
                })
            }
            (None, b) if b.is_none_or(|b| b < guards::FIRST_AES_PFX_BUILD) => {
                return Err(Refusal::PfxUnknown {
                    server: s.name.clone(),
                    what: "the PFX's encryption",
                })
            }
            _ => {}
        }
    }
    // Edge servers in the plan, or EdgeSync from Mailbox servers whose internal transport
    // certificate becomes the new one, need a CAPI RSA key (event 1035).
    let edge_sync = !state.edge_subscriptions.is_empty() && opts.replace_internal_transport;
    let edge_user = edge
        .first()
        .map(|s| s.name.clone())
        .or_else(|| edge_sync.then(|| mailbox[0].name.clone()));
    if let KeyAlgorithm::Ec { .. } = &new.public_key.algorithm {
        if let Some(server) = edge_user {
            return Err(Refusal::EccEdge { server });
        }
        for s in mailbox {
            let supported = s.exchange_build().is_some_and(|b| {
                guards::exchange_build_supports_ecc([b.major, b.minor, b.build, b.revision])
            });
            let version = s
                .exchange_build()
                .map(|b| b.to_string())
                .unwrap_or_else(|| "build not known".to_owned());
            if !supported {
                return Err(Refusal::EccBuild {
                    server: s.name.clone(),
                    version,
                });
            }
            if s.ecc_certificate_support != Some(true) {
                return Err(Refusal::EccSettings {
                    server: s.name.clone(),
                    known: s.ecc_certificate_support.is_some(),
                });
            }
        }
    } else if let Some(server) = edge_user {
        match pfx {
            Some(p) if p.cng => return Err(Refusal::CngEdge { server }),
            None => {
                return Err(Refusal::PfxUnknown {
                    server,
                    what: "the PFX's key provider (CAPI or CNG, which Edge/EdgeSync cannot use)",
                })
            }
            _ => {}
        }
    }
    Ok(())
}

//! [`Plan::compute`]: the order of the decisions, and the ones about the certificates themselves
//! — which certificate is replaced, the friendly name, the Exchange Online reminders. The
//! checks run in a fixed order, so a state with several problems always names the same one.

use super::refuse::refuse;
use super::removal::{edge_plans, removals};
use super::servers::{server_plan, ServerInputs};
use super::settings::tls_settings;
use super::{NewCertificate, OldInState, PfxFacts, Plan, PlanError, PlanOptions};
use crate::model::Cert;
use crate::name::render_windows;
use crate::runbook::{NoteSeverity, MAX_FRIENDLY_NAME};
use crate::state::{ExchangeCertificate, Server, State};
use crate::thumbprint::{HashAlg, Thumbprint};
use crate::tls_name::for_cert as tls_name;

impl Plan {
    /// Plan the renewal to `new` (the leaf of the new PFX; `pfx` its file's facts when the
    /// input was a PFX) in the organisation `state`.
    pub fn compute(
        new: &Cert,
        pfx: Option<PfxFacts>,
        state: &State,
        opts: PlanOptions,
    ) -> Result<Plan, PlanError> {
        check_findings(&opts)?;
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
        let wildcard = crate::runbook::is_wildcard_subject(new);

        // Mailbox servers holding the old certificate, in the state's server order.
        let holding: Vec<(&Server, &ExchangeCertificate)> = state
            .servers
            .iter()
            .filter(|s| !s.is_edge())
            .filter_map(|s| state.certificate_on(&s.name, &old_thumb).map(|c| (s, c)))
            .collect();
        let mailbox: Vec<&Server> = holding.iter().map(|(s, _)| *s).collect();
        let Some(&first_mailbox) = mailbox.first() else {
            return Err(PlanError::OldOnNoMailboxServer {
                thumbprint: old_thumb,
                servers: holders
                    .iter()
                    .map(|c| c.server.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        };
        let edge_servers: Vec<&Server> = state
            .edge_servers()
            .filter(|s| state.certificate_on(&s.name, &old_thumb).is_some())
            .collect();

        refuse(new, pfx, state, &mailbox, &edge_servers, &opts)?;
        let friendly_name = friendly_name(new, &opts)?;
        if opts.pfx_path.trim().is_empty() {
            return Err(PlanError::Empty { what: "--pfx-path" });
        }

        let mut changes = tls_settings(state, &mailbox, &old_tls, &new_tls);
        let inputs = ServerInputs {
            state,
            new,
            new_thumb,
            wildcard,
            names: new.dns_names.join(", "),
            old_entry,
            opts: &opts,
        };
        let mut servers = Vec::new();
        for (server, old_here) in &holding {
            servers.push(server_plan(&inputs, server, old_here, &mut changes)?);
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
        let removals = removals(
            state,
            &servers,
            &holding,
            &changes.named_on,
            old_thumb,
            auth,
        );
        let edge = edge_plans(state, &edge_servers, first_mailbox);

        let new_subject = render_windows(&new.subject);
        let new_issuer = render_windows(&new.issuer);
        let reminders = reminders(
            state,
            old_entry,
            &new_subject,
            &new_issuer,
            &old_tls,
            &new_tls,
        );

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
            settings: changes.settings,
            unchanged: changes.unchanged,
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

/// Refuse a certificate `check` found errors in, unless `--ignore-check`.
fn check_findings(opts: &PlanOptions) -> Result<(), PlanError> {
    let errors: Vec<String> = opts
        .findings
        .iter()
        .filter(|n| n.severity == NoteSeverity::Error)
        .map(|n| n.id.clone())
        .collect();
    if !errors.is_empty() && !opts.ignore_check {
        return Err(PlanError::CheckErrors { ids: errors });
    }
    Ok(())
}

/// The FriendlyName to import with: the one given (not blank) or the default, within
/// Exchange's limit.
fn friendly_name(new: &Cert, opts: &PlanOptions) -> Result<String, PlanError> {
    let friendly_name = match &opts.friendly_name {
        Some(f) if f.trim().is_empty() => {
            return Err(PlanError::Empty {
                what: "--friendly-name",
            })
        }
        Some(f) => f.clone(),
        None => crate::runbook::default_friendly_name(new),
    };
    let length = friendly_name.chars().count();
    if length > MAX_FRIENDLY_NAME {
        return Err(PlanError::FriendlyNameTooLong { length });
    }
    Ok(friendly_name)
}

/// What to do in Exchange Online after the script, when the state has a hybrid configuration.
fn reminders(
    state: &State,
    old_entry: &ExchangeCertificate,
    new_subject: &str,
    new_issuer: &str,
    old_tls: &str,
    new_tls: &str,
) -> Vec<String> {
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
    reminders
}

/// Whether two server names are the same server: equal ignoring case, or equal in their first
/// label (the state mixes NetBIOS names and FQDNs).
pub(super) fn same_server(a: &str, b: &str) -> bool {
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

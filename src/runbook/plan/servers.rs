//! What happens on each Mailbox server: the old certificate's services carried over (not
//! Federation; not POP/IMAP for a wildcard), import, IIS "Require SSL", the internal transport
//! certificate, and the POP/IMAP `X509CertificateName` each service needs to present the new
//! certificate.

use super::compute::same_server;
use super::settings::Changes;
use super::{PlanError, PlanOptions, ServerPlan, SettingChange, SettingKind, ValueChange};
use crate::model::Cert;
use crate::state::{ExchangeCertificate, ExchangeService, ProtocolSettings, Server, State};
use crate::thumbprint::Thumbprint;

/// What every server's plan reads besides the server itself.
pub(super) struct ServerInputs<'a> {
    pub(super) state: &'a State,
    /// The new certificate.
    pub(super) new: &'a Cert,
    pub(super) new_thumb: Thumbprint,
    /// The new certificate's subject is a wildcard.
    pub(super) wildcard: bool,
    /// The new certificate's DNS names, for error messages.
    pub(super) names: String,
    /// The old certificate, as the state first lists it.
    pub(super) old_entry: &'a ExchangeCertificate,
    pub(super) opts: &'a PlanOptions,
}

/// The plan for `server`, which holds the old certificate as `old_here`; POP/IMAP changes go
/// to `changes`.
pub(super) fn server_plan(
    inputs: &ServerInputs,
    server: &Server,
    old_here: &ExchangeCertificate,
    changes: &mut Changes,
) -> Result<ServerPlan, PlanError> {
    let (state, new_thumb, wildcard, opts) =
        (inputs.state, inputs.new_thumb, inputs.wildcard, inputs.opts);
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
    let keep_internal_transport =
        smtp && !opts.replace_internal_transport && internal.is_some_and(|t| t != new_thumb);
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
    for (kind, list, on) in [
        (SettingKind::Pop, &state.pop_settings, pop_on),
        (SettingKind::Imap, &state.imap_settings, imap_on),
    ] {
        let Some(ps) = list.iter().find(|p| same_server(&p.server, &name)) else {
            continue;
        };
        let serves = pop_imap_name(inputs, &name, kind, on, ps, &services, changes)?;
        match kind {
            SettingKind::Pop => pop_serves = serves,
            _ => imap_serves = serves,
        }
    }
    Ok(ServerPlan {
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
    })
}

/// POP or IMAP (`kind`) on server `name` with settings `ps`; `on`: the service was
/// enabled on the old certificate. Records a change of `X509CertificateName` where the new
/// certificate would otherwise not be selected, and returns whether the service presents the
/// new certificate after the plan.
fn pop_imap_name(
    inputs: &ServerInputs,
    name: &str,
    kind: SettingKind,
    on: bool,
    ps: &ProtocolSettings,
    services: &[String],
    changes: &mut Changes,
) -> Result<bool, PlanError> {
    let (new, wildcard, old_entry, opts) =
        (inputs.new, inputs.wildcard, inputs.old_entry, inputs.opts);
    let label = match kind {
        SettingKind::Pop => "POP",
        _ => "IMAP",
    };
    let current = blank_to_none(&ps.x509_certificate_name);
    let covered = |n: &str| new.dns_names.iter().any(|d| crate::runbook::covers(d, n));
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
            server: name.to_owned(),
            service: label,
            names: inputs.names.clone(),
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
                changes.settings.push(SettingChange {
                    kind,
                    identity: name.to_owned(),
                    change: ValueChange {
                        from: Some(n.clone()),
                        to: Some(to),
                    },
                    why: format!("X509CertificateName names the old certificate's subject {n}, which the new certificate does not cover"),
                });
            } else {
                let what = format!("{label} settings on {name} (X509CertificateName {n})");
                changes.unchanged.push(format!(
                    "{what}: names a host the new certificate does not cover and that is not the old certificate's subject; left as it is"
                ));
                // Exchange selects the POP/IMAP certificate by this name: while the
                // old certificate covers it, the old certificate is still in use.
                if old_entry
                    .cert
                    .dns_names
                    .iter()
                    .any(|d| crate::runbook::covers(d, &n))
                {
                    changes.named_on.push((name.to_owned(), what));
                }
            }
        }
        None if on && wildcard => {
            let to = chosen()?;
            after = Some(to.clone());
            changes.settings.push(SettingChange {
                kind,
                identity: name.to_owned(),
                change: ValueChange { from: None, to: Some(to) },
                why: format!("{label} was enabled on the old certificate; a wildcard certificate is selected with X509CertificateName instead (KB 948896)"),
            });
        }
        None => {}
    }
    // Verified with a handshake where the service presents the new certificate:
    // enabled on it, or selected by a name it covers.
    Ok(services.iter().any(|x| x == label) || after.as_deref().is_some_and(covered))
}

/// `None` for an empty or blank value.
fn blank_to_none(v: &Option<String>) -> Option<String> {
    v.as_ref().filter(|s| !s.trim().is_empty()).cloned()
}

/// The host part of the first `host:port:encryption` connection setting the certificate covers.
fn covered_connection_host(settings: &ProtocolSettings, cert: &Cert) -> Option<String> {
    settings
        .connection_hosts()
        .into_iter()
        .find(|h| cert.dns_names.iter().any(|n| crate::runbook::covers(n, h)))
        .map(str::to_owned)
}

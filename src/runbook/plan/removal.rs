//! The old certificate's fate on each server — the facts the removal guards (`guards.rs`) judge —
//! and the Edge Transport sequence for each subscribed Edge server that holds it.

use super::compute::same_server;
use super::{EdgePlan, Removal, ServerPlan};
use crate::runbook::guards::{self, RemovalFacts};
use crate::state::{ExchangeCertificate, ExchangeService, Server, State};
use crate::thumbprint::Thumbprint;

/// Removal of `old_thumb` from each planned server (`servers`, in the order of `holding`):
/// offered, or kept with every reason. `named_on` are the settings left naming it, by server;
/// `auth` the collected Auth certificates (current, next).
pub(super) fn removals(
    state: &State,
    servers: &[ServerPlan],
    holding: &[(&Server, &ExchangeCertificate)],
    named_on: &[(String, String)],
    old_thumb: Thumbprint,
    auth: (Option<Thumbprint>, Option<Thumbprint>),
) -> Vec<Removal> {
    let mut removals = Vec::new();
    for (s, (_, entry)) in servers.iter().zip(holding) {
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
            internal_transport_after: s.internal_transport == Some(old_thumb) && !replaced_internal,
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
    removals
}

/// The Edge sequence for each of `edge_servers`; `first_mailbox` gives the site when the
/// subscription does not.
pub(super) fn edge_plans(
    state: &State,
    edge_servers: &[&Server],
    first_mailbox: &Server,
) -> Vec<EdgePlan> {
    // New-EdgeSubscription -Site takes the Active Directory site's name (New-EdgeSubscription
    // docs, -Site and example 2); Get-EdgeSubscription prints it as a path
    // (`contoso.com/Configuration/Sites/Default-First-Site-Name`), so its last part is used,
    // else the site of the first Mailbox server in the plan.
    let site_name = |s: &str| s.rsplit('/').next().unwrap_or(s).trim().to_owned();
    edge_servers
        .iter()
        .map(|e| EdgePlan {
            name: e.name.clone(),
            site: state
                .edge_subscriptions
                .iter()
                .find(|s| same_server(&s.name, &e.name))
                .and_then(|s| s.site.as_deref())
                .or(first_mailbox.site.as_deref())
                .map(site_name)
                .filter(|s| !s.is_empty()),
        })
        .collect()
}

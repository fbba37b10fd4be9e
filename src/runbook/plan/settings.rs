//! The connector and hybrid `TlsCertificateName` changes: every send connector and the hybrid
//! configuration that name the old certificate change; a receive connector changes where its
//! server gets the new certificate, and is otherwise left and noted.

use super::compute::same_server;
use super::{SettingChange, SettingKind, ValueChange};
use crate::state::{Server, State};

/// The settings the plan changes and leaves, as they accumulate from connectors to servers.
pub(super) struct Changes {
    /// Settings that change.
    pub(super) settings: Vec<SettingChange>,
    /// Settings that name the old certificate and stay as they are, with why.
    pub(super) unchanged: Vec<String>,
    /// Settings left naming the old certificate, by server (server, what): they block that
    /// server's removal. (Every send connector and the hybrid configuration naming it are
    /// changed.)
    pub(super) named_on: Vec<(String, String)>,
}

/// The TLS-name changes for the connectors and the hybrid configuration; `mailbox` are the
/// servers that get the new certificate.
pub(super) fn tls_settings(
    state: &State,
    mailbox: &[&Server],
    old_tls: &str,
    new_tls: &str,
) -> Changes {
    let mut settings: Vec<SettingChange> = Vec::new();
    let mut unchanged: Vec<String> = Vec::new();
    let mut named_on: Vec<(String, String)> = Vec::new();
    let tls_change = |kind: SettingKind, identity: &str, why: String| SettingChange {
        kind,
        identity: identity.to_owned(),
        change: ValueChange {
            from: Some(old_tls.to_owned()),
            to: Some(new_tls.to_owned()),
        },
        why,
    };
    for c in &state.send_connectors {
        if c.tls_certificate_name.as_deref() == Some(old_tls) {
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
        if c.tls_certificate_name.as_deref() != Some(old_tls) {
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
        if h.tls_certificate_name.as_deref() == Some(old_tls) {
            settings.push(tls_change(
                SettingKind::Hybrid,
                "",
                "its TlsCertificateName names the old certificate".to_owned(),
            ));
        }
    }
    Changes {
        settings,
        unchanged,
        named_on,
    }
}

//! The renewal plan computed from the organisation's state (`exchange-state.json`): every change
//! per server and why, every certificate kept and why. Pure: [`Plan::compute`] reads a
//! [`State`](crate::state::State), the new certificate and the options, and nothing else.
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
//!
//! Arranged by concern: the plan's types, options and errors (this file); the computation's
//! frame — old certificate, friendly name, reminders (`compute.rs`); the connector and hybrid
//! TLS names (`settings.rs`); each Mailbox server's services, IIS, internal transport and
//! POP/IMAP names (`servers.rs`); the removal guards' facts and the Edge sequence
//! (`removal.rs`); and the refusals of the new certificate (`refuse.rs`).

mod compute;
mod refuse;
mod removal;
mod servers;
mod settings;

use super::guards::{Protected, Refusal};
use super::CheckNote;
use crate::model::pfx::PfxInfo;
use crate::thumbprint::Thumbprint;

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

//! The organisation's state: what `exchange-state.json` (written by the script
//! `certprep collect` prints) says about an Exchange organisation, as plain typed values for
//! `check --state` and `runbook --state`.
//!
//! This module owns the file format ([`SCHEMA_VERSION`], documented in `docs/state.md` and
//! `docs/exchange-state.schema.json`), the loader ([`load`]) and questions about a loaded state
//! ([`State::protections`], [`State::connectors_naming`], …). It does no I/O, never reads the
//! clock, and decides nothing about what to change: that is the runbook planner's job.
//!
//! Top-level keys and property names are those the Exchange cmdlets print (the collector
//! selects them with `Select-Object` and writes them with `ConvertTo-Json`), so an
//! administrator can compare the file with what the shell shows. Sources, from Microsoft's
//! cmdlet reference (learn.microsoft.com/powershell/module/exchange/, the
//! MicrosoftDocs/office-docs-powershell repository):
//!
//! - `Servers`: Get-ExchangeServer (`Name`, `Fqdn`, `ServerRole`, `AdminDisplayVersion`,
//!   `Site`); the OS version and build from `Win32_OperatingSystem` (`Version`, `BuildNumber`),
//!   the exact Exchange build from `ExSetup.exe`'s file version (CSS-Exchange HealthChecker reads
//!   the same, as `AdminDisplayVersion` omits security updates).
//! - `Certificates`: Get-ExchangeCertificate -Server (`Thumbprint`, `FriendlyName`, `Subject`,
//!   `Issuer`, `CertificateDomains`, `Services`, `Status`, `IsSelfSigned`, `RootCAType`,
//!   `NotBefore`, `NotAfter`, `HasPrivateKey`, `PrivateKeyExportable`, `PublicKeySize`,
//!   `RawData`); the key's storage provider from the certificate store on the server itself.
//! - `TransportServices`: Get-TransportService (`Name`, `InternalTransportCertificateThumbprint`).
//! - `AuthConfig`: Get-AuthConfig (`CurrentCertificateThumbprint`, `PreviousCertificateThumbprint`,
//!   `NextCertificateThumbprint`, `NextCertificateEffectiveDate`).
//! - `SendConnectors`: Get-SendConnector (`Identity`, `SourceTransportServers`, `AddressSpaces`,
//!   `SmartHosts`, `Fqdn`, `TlsCertificateName`, `Enabled`, `CloudServicesMailEnabled`,
//!   `RequireTLS`).
//! - `ReceiveConnectors`: Get-ReceiveConnector (`Identity`, `Name`, `Server`, `TransportRole`,
//!   `Bindings`, `Fqdn`, `TlsCertificateName`, `Enabled`, `TlsDomainCapabilities`,
//!   `AuthMechanism`, `RequireTLS`). The issue asked for `CloudServicesMailEnabled` here too,
//!   but only send connectors have it (Set-ReceiveConnector documents no such parameter); the
//!   hybrid receive side is marked by `TlsDomainCapabilities`.
//! - `HybridConfiguration`: Get-HybridConfiguration (`TlsCertificateName`, `Domains`,
//!   `SendingTransportServers`, `ReceivingTransportServers`, `EdgeTransportServers`,
//!   `OnPremisesSmartHost`, `Features`); `null` when the organisation has none.
//! - `PopSettings` / `ImapSettings`: Get-PopSettings / Get-ImapSettings -Server (`Server`,
//!   `X509CertificateName`, `ExternalConnectionSettings`, `InternalConnectionSettings`).
//! - `VirtualDirectories`: Get-OwaVirtualDirectory, Get-EcpVirtualDirectory,
//!   Get-WebServicesVirtualDirectory, Get-OabVirtualDirectory, Get-MapiVirtualDirectory,
//!   Get-ActiveSyncVirtualDirectory, Get-AutodiscoverVirtualDirectory (`Server`, `Name`,
//!   `InternalUrl`, `ExternalUrl`), and Get-ClientAccessService's
//!   `AutoDiscoverServiceInternalUri` (the Autodiscover service connection point) as an entry
//!   of type `ClientAccessService` whose `InternalUrl` holds it.
//! - `IisBindings`: Get-WebBinding on each server (`Site`, `Protocol`, `BindingInformation`,
//!   `CertificateHash`, `CertificateStoreName`) and whether "Require SSL" is set on the site
//!   (`sslFlags` of `system.webServer/security/access`, Get-WebConfigurationProperty).
//! - `EdgeSubscriptions`: Get-EdgeSubscription (`Name`, `Site`, `Domain`).
//!
//! Besides those: `SchemaVersion` (this format's version; [`load`] refuses others),
//! `CollectedAt` (when the collector ran), `CollectedBy` (the collector's certprep version) and
//! `CollectionErrors` (what the collector could not read, per server: a state with errors is
//! incomplete, and consumers must say so rather than assume the missing parts are empty).

pub mod assess;
mod load;
mod merge;
mod query;
pub(crate) mod wire;

pub use load::{load, StateError};
pub use query::{ConnectorRef, ExchangeBuild, Protection, Reference};

use crate::model::Cert;
use crate::thumbprint::Thumbprint;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The collector: a read-only PowerShell script for the Exchange Management Shell that writes
/// `exchange-state.json` (what `certprep collect` prints). Plain ASCII, so Windows PowerShell
/// 5.1 reads it correctly with or without a byte-order mark.
pub fn collect_script() -> String {
    include_str!("collect.ps1").replace("@VERSION@", env!("CARGO_PKG_VERSION"))
}

/// The version of the `exchange-state.json` format this certprep reads and its collector writes.
pub const SCHEMA_VERSION: u32 = 1;

/// The largest state file [`load`] reads (64 MiB). A large organisation's state (hundreds of
/// servers, each with a dozen certificates of a few KiB in base64) stays far below this; a
/// larger file is refused before parsing, so a wrong file cannot cost unbounded memory.
pub const MAX_STATE_BYTES: usize = 64 * 1024 * 1024;

/// One organisation's state, as collected. Lists keep the file's order.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct State {
    /// The format version ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// When the collector ran (UTC).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub collected_at: Option<OffsetDateTime>,
    /// The collector that wrote the file (`certprep 0.1.0 collect`), when it said.
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub collected_by: Option<String>,
    /// Exchange servers (Get-ExchangeServer), Edge Transport servers included.
    #[serde(default)]
    pub servers: Vec<Server>,
    /// Every certificate on every server (Get-ExchangeCertificate -Server).
    #[serde(default)]
    pub certificates: Vec<ExchangeCertificate>,
    /// Transport services (Get-TransportService): the internal transport certificate.
    #[serde(default)]
    pub transport_services: Vec<TransportService>,
    /// The organisation's OAuth configuration (Get-AuthConfig); `None` if not collected.
    #[serde(default)]
    pub auth_config: Option<AuthConfig>,
    /// Send connectors (Get-SendConnector).
    #[serde(default)]
    pub send_connectors: Vec<SendConnector>,
    /// Receive connectors on every server (Get-ReceiveConnector).
    #[serde(default)]
    pub receive_connectors: Vec<ReceiveConnector>,
    /// The hybrid configuration (Get-HybridConfiguration); `None` when there is none.
    #[serde(default)]
    pub hybrid_configuration: Option<HybridConfiguration>,
    /// POP3 settings per server (Get-PopSettings -Server).
    #[serde(default)]
    pub pop_settings: Vec<ProtocolSettings>,
    /// IMAP4 settings per server (Get-ImapSettings -Server).
    #[serde(default)]
    pub imap_settings: Vec<ProtocolSettings>,
    /// Virtual directories and the Autodiscover service URI, per server.
    #[serde(default)]
    pub virtual_directories: Vec<VirtualDirectory>,
    /// IIS HTTPS bindings per server, with the site's "Require SSL".
    #[serde(default)]
    pub iis_bindings: Vec<IisBinding>,
    /// Edge subscriptions (Get-EdgeSubscription).
    #[serde(default)]
    pub edge_subscriptions: Vec<EdgeSubscription>,
    /// What the collector could not read.
    #[serde(default)]
    pub collection_errors: Vec<CollectionError>,
}

/// An Exchange server (Get-ExchangeServer, plus the OS and exact build read on the server).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Server {
    /// Short name (`EX01`): how other cmdlets' `Server` properties name it.
    pub name: String,
    /// Fully qualified name (`ex01.contoso.com`).
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub fqdn: Option<String>,
    /// Roles as printed (`Mailbox`, `Edge`; `Mailbox, ClientAccess` on older versions).
    #[serde(default, deserialize_with = "wire::flag_names")]
    pub server_role: Vec<String>,
    /// `Version 15.2 (Build 1544.4)`: major, minor and cumulative update only.
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub admin_display_version: Option<String>,
    /// ExSetup.exe's file version (`15.02.1544.011`): includes security updates. `None` when
    /// the collector could not read it on the server.
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub ex_setup_version: Option<String>,
    /// Active Directory site.
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub site: Option<String>,
    /// Windows version (`10.0.17763`), from Win32_OperatingSystem.Version.
    #[serde(default, rename = "OSVersion", deserialize_with = "wire::opt_string")]
    pub os_version: Option<String>,
    /// Windows build number (17763 = Server 2019), from Win32_OperatingSystem.BuildNumber.
    #[serde(default, rename = "OSBuild")]
    pub os_build: Option<u32>,
    /// Whether ECC certificate support is switched on for this server: the
    /// `ECCCertificateSupport` setting override and the `EnableEccCertificateSupport` registry
    /// value (both are needed; CSS-Exchange HealthChecker checks the pair). `None` if unknown.
    #[serde(default)]
    pub ecc_certificate_support: Option<bool>,
}

/// A certificate service as Get-ExchangeCertificate's `Services` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ExchangeService {
    /// Federation (the federation trust certificate).
    Federation,
    /// IIS (HTTPS).
    #[serde(rename = "IIS")]
    Iis,
    /// IMAP4.
    #[serde(rename = "IMAP")]
    Imap,
    /// POP3.
    #[serde(rename = "POP")]
    Pop,
    /// SMTP (TLS for transport).
    #[serde(rename = "SMTP")]
    Smtp,
    /// Unified Messaging (Exchange 2016).
    #[serde(rename = "UM")]
    Um,
    /// Unified Messaging call router (Exchange 2016).
    #[serde(rename = "UMCallRouter")]
    UmCallRouter,
}

impl ExchangeService {
    /// The name as Exchange prints and accepts it (`-Services IIS,SMTP`).
    pub fn as_str(self) -> &'static str {
        match self {
            ExchangeService::Federation => "Federation",
            ExchangeService::Iis => "IIS",
            ExchangeService::Imap => "IMAP",
            ExchangeService::Pop => "POP",
            ExchangeService::Smtp => "SMTP",
            ExchangeService::Um => "UM",
            ExchangeService::UmCallRouter => "UMCallRouter",
        }
    }

    fn parse(s: &str) -> Option<Option<ExchangeService>> {
        Some(Some(match s.to_ascii_lowercase().as_str() {
            "none" => return Some(None),
            "federation" => ExchangeService::Federation,
            "iis" => ExchangeService::Iis,
            "imap" => ExchangeService::Imap,
            "pop" => ExchangeService::Pop,
            "smtp" => ExchangeService::Smtp,
            "um" => ExchangeService::Um,
            "umcallrouter" => ExchangeService::UmCallRouter,
            _ => return None,
        }))
    }
}

fn services<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<ExchangeService>, D::Error> {
    use serde::de::Error as _;
    let mut out = Vec::new();
    for name in wire::flag_names(d)? {
        match ExchangeService::parse(&name) {
            Some(Some(s)) if !out.contains(&s) => out.push(s),
            Some(_) => {}
            None => {
                return Err(D::Error::custom(format!(
                    "{name:?} is not an Exchange certificate service (None, Federation, IIS, IMAP, POP, SMTP, UM, UMCallRouter)"
                )))
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Get-ExchangeCertificate's `Status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CertificateStatus {
    /// Valid.
    Valid,
    /// Expired or not yet valid.
    DateInvalid,
    /// Invalid.
    Invalid,
    /// A pending request (no certificate yet).
    PendingRequest,
    /// Revocation could not be checked.
    RevocationCheckFailure,
    /// Revoked.
    Revoked,
    /// Unknown.
    Unknown,
    /// No chain to a trusted root.
    Untrusted,
}

/// A certificate on one server, as Get-ExchangeCertificate -Server shows it, with the
/// certificate itself parsed from `RawData`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ExchangeCertificate {
    /// The server whose store holds it (the short name, as in [`Server::name`]).
    pub server: String,
    /// SHA-1 thumbprint; [`load`] checks it against `RawData`.
    #[serde(
        deserialize_with = "wire::thumbprint",
        serialize_with = "wire::ser_thumbprint"
    )]
    pub thumbprint: Thumbprint,
    /// Friendly name.
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub friendly_name: Option<String>,
    /// Subject as Windows prints it.
    #[serde(default)]
    pub subject: String,
    /// Issuer as Windows prints it.
    #[serde(default)]
    pub issuer: String,
    /// The DNS names of the subject alternative name.
    #[serde(default, deserialize_with = "wire::string_list")]
    pub certificate_domains: Vec<String>,
    /// Services the certificate is enabled for (empty = `None`).
    #[serde(default, deserialize_with = "services")]
    pub services: Vec<ExchangeService>,
    /// Status as Exchange judged it on that server.
    pub status: CertificateStatus,
    /// Whether it is self-signed.
    pub is_self_signed: bool,
    /// `ThirdParty`, `Enterprise`, `Registry`, `GroupPolicy`, `None`, `Unknown`.
    #[serde(default, rename = "RootCAType", deserialize_with = "wire::opt_string")]
    pub root_ca_type: Option<String>,
    /// notBefore (UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub not_before: OffsetDateTime,
    /// notAfter (UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub not_after: OffsetDateTime,
    /// Whether the server holds the private key.
    pub has_private_key: bool,
    /// Whether the private key may be exported.
    #[serde(default)]
    pub private_key_exportable: bool,
    /// Public key size in bits as Exchange prints it (0 for ECC keys).
    #[serde(default)]
    pub public_key_size: u32,
    /// The private key's storage provider (`Microsoft RSA SChannel Cryptographic Provider`,
    /// `Microsoft Software Key Storage Provider`); `None` when there is no key or the
    /// collector could not open it.
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub private_key_provider: Option<String>,
    /// Whether the private key is held by CNG (a key storage provider) rather than a CAPI
    /// CSP; `None` when unknown.
    #[serde(default)]
    pub private_key_is_cng: Option<bool>,
    /// The certificate, parsed from `RawData` (base64 DER).
    #[serde(rename = "RawData", with = "wire::cert_der")]
    pub cert: Cert,
}

/// Get-TransportService: the internal transport certificate per server.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct TransportService {
    /// The server.
    pub name: String,
    /// The certificate used for SMTP between Exchange servers (and EdgeSync).
    #[serde(
        default,
        deserialize_with = "wire::opt_thumbprint",
        serialize_with = "wire::ser_opt_thumbprint"
    )]
    pub internal_transport_certificate_thumbprint: Option<Thumbprint>,
}

/// Get-AuthConfig: the OAuth (Exchange Server Auth) certificates.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AuthConfig {
    /// The certificate in use.
    #[serde(
        default,
        deserialize_with = "wire::opt_thumbprint",
        serialize_with = "wire::ser_opt_thumbprint"
    )]
    pub current_certificate_thumbprint: Option<Thumbprint>,
    /// The certificate used before.
    #[serde(
        default,
        deserialize_with = "wire::opt_thumbprint",
        serialize_with = "wire::ser_opt_thumbprint"
    )]
    pub previous_certificate_thumbprint: Option<Thumbprint>,
    /// The certificate staged to take over.
    #[serde(
        default,
        deserialize_with = "wire::opt_thumbprint",
        serialize_with = "wire::ser_opt_thumbprint"
    )]
    pub next_certificate_thumbprint: Option<Thumbprint>,
    /// When the next certificate takes over.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub next_certificate_effective_date: Option<OffsetDateTime>,
}

/// Get-SendConnector.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SendConnector {
    /// Identity: the connector's name (`Outbound to Office 365 <GUID>`).
    pub identity: String,
    /// Servers that send through it.
    #[serde(default, deserialize_with = "wire::string_list")]
    pub source_transport_servers: Vec<String>,
    /// Address spaces (`SMTP:*;1`).
    #[serde(default, deserialize_with = "wire::string_list")]
    pub address_spaces: Vec<String>,
    /// Smart hosts.
    #[serde(default, deserialize_with = "wire::string_list")]
    pub smart_hosts: Vec<String>,
    /// The name it gives in HELO/EHLO (and the host name a certificate must cover).
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub fqdn: Option<String>,
    /// `<I>issuer<S>subject` of the certificate it presents, or `None`.
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub tls_certificate_name: Option<String>,
    /// Enabled.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Set on connectors the Hybrid Configuration Wizard creates for Microsoft 365.
    #[serde(default)]
    pub cloud_services_mail_enabled: bool,
    /// Whether TLS is required.
    #[serde(default, rename = "RequireTLS")]
    pub require_tls: bool,
}

fn yes() -> bool {
    true
}

/// Get-ReceiveConnector.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ReceiveConnector {
    /// Identity: `EX01\Default Frontend EX01`.
    pub identity: String,
    /// Name (the part after the backslash).
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub name: Option<String>,
    /// The server it belongs to.
    pub server: String,
    /// `FrontendTransport` or `HubTransport`.
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub transport_role: Option<String>,
    /// Bindings (`0.0.0.0:25`, `[::]:587`).
    #[serde(default, deserialize_with = "wire::string_list")]
    pub bindings: Vec<String>,
    /// The name it gives in the SMTP banner and EHLO response.
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub fqdn: Option<String>,
    /// `<I>issuer<S>subject` of the certificate it presents, or `None`.
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub tls_certificate_name: Option<String>,
    /// Enabled.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// `domain:capability` entries offered to TLS-authenticated hosts; the Hybrid
    /// Configuration Wizard sets `mail.protection.outlook.com:AcceptCloudServicesMail` on the
    /// connector that receives from Microsoft 365 (Set-ReceiveConnector -TlsDomainCapabilities;
    /// receive connectors have no CloudServicesMailEnabled parameter).
    #[serde(default, deserialize_with = "wire::string_list")]
    pub tls_domain_capabilities: Vec<String>,
    /// Authentication mechanisms (`Tls`, `Integrated`, `BasicAuth`, …).
    #[serde(default, deserialize_with = "wire::flag_names")]
    pub auth_mechanism: Vec<String>,
    /// Whether TLS is required.
    #[serde(default, rename = "RequireTLS")]
    pub require_tls: bool,
}

/// Get-HybridConfiguration.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct HybridConfiguration {
    /// `<I>issuer<S>subject` of the certificate for mail with Microsoft 365.
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub tls_certificate_name: Option<String>,
    /// The hybrid domains.
    #[serde(default, deserialize_with = "wire::string_list")]
    pub domains: Vec<String>,
    /// Servers that send to Microsoft 365.
    #[serde(default, deserialize_with = "wire::string_list")]
    pub sending_transport_servers: Vec<String>,
    /// Servers that receive from Microsoft 365.
    #[serde(default, deserialize_with = "wire::string_list")]
    pub receiving_transport_servers: Vec<String>,
    /// Edge servers used for hybrid mail.
    #[serde(default, deserialize_with = "wire::string_list")]
    pub edge_transport_servers: Vec<String>,
    /// The on-premises smart host name Microsoft 365 connects to.
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub on_premises_smart_host: Option<String>,
    /// Hybrid features.
    #[serde(default, deserialize_with = "wire::flag_names")]
    pub features: Vec<String>,
}

/// Get-PopSettings / Get-ImapSettings on one server.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ProtocolSettings {
    /// The server.
    pub server: String,
    /// The host name that picks the certificate the service presents.
    #[serde(
        default,
        rename = "X509CertificateName",
        deserialize_with = "wire::opt_string"
    )]
    pub x509_certificate_name: Option<String>,
    /// `host:port:encryption` entries published to external clients.
    #[serde(default, deserialize_with = "wire::string_list")]
    pub external_connection_settings: Vec<String>,
    /// `host:port:encryption` entries published to internal clients.
    #[serde(default, deserialize_with = "wire::string_list")]
    pub internal_connection_settings: Vec<String>,
}

/// Which cmdlet a [`VirtualDirectory`] entry came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum VirtualDirectoryType {
    /// Get-OwaVirtualDirectory.
    OwaVirtualDirectory,
    /// Get-EcpVirtualDirectory.
    EcpVirtualDirectory,
    /// Get-WebServicesVirtualDirectory (EWS).
    WebServicesVirtualDirectory,
    /// Get-OabVirtualDirectory.
    OabVirtualDirectory,
    /// Get-MapiVirtualDirectory.
    MapiVirtualDirectory,
    /// Get-ActiveSyncVirtualDirectory.
    ActiveSyncVirtualDirectory,
    /// Get-AutodiscoverVirtualDirectory.
    AutodiscoverVirtualDirectory,
    /// Get-ClientAccessService: `InternalUrl` holds `AutoDiscoverServiceInternalUri`.
    ClientAccessService,
}

/// A virtual directory's URLs on one server.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct VirtualDirectory {
    /// The server.
    pub server: String,
    /// Which cmdlet it came from.
    #[serde(rename = "Type")]
    pub kind: VirtualDirectoryType,
    /// Name (`owa (Default Web Site)`).
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub name: Option<String>,
    /// Internal URL.
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub internal_url: Option<String>,
    /// External URL.
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub external_url: Option<String>,
}

/// One IIS binding on one server (Get-WebBinding), with its site's "Require SSL".
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct IisBinding {
    /// The server.
    pub server: String,
    /// The site (`Default Web Site`, `Exchange Back End`).
    pub site: String,
    /// `https` or `http`.
    pub protocol: String,
    /// `IP:port:host header` (`*:443:`).
    pub binding_information: String,
    /// The certificate bound (HTTPS only).
    #[serde(
        default,
        deserialize_with = "wire::opt_thumbprint",
        serialize_with = "wire::ser_opt_thumbprint"
    )]
    pub certificate_hash: Option<Thumbprint>,
    /// The store (`My`).
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub certificate_store_name: Option<String>,
    /// Whether "Require SSL" is set at the site's root (`sslFlags` includes `Ssl`); `None`
    /// when the collector could not read it.
    #[serde(default)]
    pub require_ssl: Option<bool>,
}

/// Get-EdgeSubscription.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct EdgeSubscription {
    /// The Edge Transport server's name.
    pub name: String,
    /// The Active Directory site it is subscribed to.
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub site: Option<String>,
    /// The domain.
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub domain: Option<String>,
}

/// Something the collector could not read.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CollectionError {
    /// The server it concerns, if one.
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub server: Option<String>,
    /// What the collector was doing (`Get-WebBinding`).
    pub step: String,
    /// The error message PowerShell gave.
    #[serde(default)]
    pub message: String,
}

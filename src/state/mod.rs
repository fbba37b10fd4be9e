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
mod query;
pub(crate) mod wire;

pub use query::{ConnectorRef, ExchangeBuild, Protection, Reference};

use crate::input::Origin;
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

/// Why a state file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// Larger than [`MAX_STATE_BYTES`].
    #[error("{origin}: {size} bytes, more than the {cap} bytes certprep reads as a state file; give the exchange-state.json that collect.ps1 wrote")]
    TooLarge {
        /// Where.
        origin: Origin,
        /// Its size.
        size: usize,
        /// The cap.
        cap: usize,
    },
    /// Not UTF-8 or UTF-16 text.
    #[error("{origin}: not text (neither UTF-8 nor UTF-16); give the exchange-state.json that collect.ps1 wrote")]
    NotText {
        /// Where.
        origin: Origin,
    },
    /// Not JSON.
    #[error(
        "{origin}: not valid JSON; give the exchange-state.json that collect.ps1 wrote, unedited"
    )]
    Json {
        /// Where.
        origin: Origin,
        /// The JSON parser's error (with line and column).
        #[source]
        source: serde_json::Error,
    },
    /// JSON, but not a certprep state file.
    #[error("{origin}: not an exchange-state file (found {found}, no SchemaVersion); run the script `certprep collect` writes to make one")]
    NotState {
        /// Where.
        origin: Origin,
        /// What the JSON looks like.
        found: String,
    },
    /// A schema version this certprep does not read.
    #[error("{origin}: SchemaVersion is {version}, and this certprep reads version {SCHEMA_VERSION}; collect again with this certprep's collect script")]
    UnsupportedVersion {
        /// Where.
        origin: Origin,
        /// The version found, as written.
        version: String,
    },
    /// A field with a wrong type or value.
    #[error("{origin}: {path} is wrong; fix it or collect again")]
    Field {
        /// Where.
        origin: Origin,
        /// The JSON path (`Certificates[2].RawData`).
        path: String,
        /// What is wrong with it.
        #[source]
        source: serde_json::Error,
    },
    /// A certificate's thumbprint does not match its DER.
    #[error("{origin}: Certificates[{index}].Thumbprint is {stated}, but the certificate in its RawData has thumbprint {actual}; the file was edited or damaged, collect again")]
    ThumbprintMismatch {
        /// Where.
        origin: Origin,
        /// Index in `Certificates`.
        index: usize,
        /// The thumbprint the file states.
        stated: String,
        /// The SHA-1 of the DER.
        actual: String,
    },
}

/// Read an `exchange-state.json`: UTF-8 (with or without a byte-order mark) or UTF-16 with a
/// byte-order mark (what Windows PowerShell 5.1's `Out-File` and `>` write). Refuses files
/// over [`MAX_STATE_BYTES`], files that are not a state file, schema versions other than
/// [`SCHEMA_VERSION`], fields of the wrong type or value (the error names the field's JSON
/// path), unknown fields (a misspelt property must not pass silently), and certificates whose
/// `Thumbprint` is not the SHA-1 of their `RawData`.
pub fn load(bytes: &[u8], origin: &Origin) -> Result<State, StateError> {
    if bytes.len() > MAX_STATE_BYTES {
        return Err(StateError::TooLarge {
            origin: origin.clone(),
            size: bytes.len(),
            cap: MAX_STATE_BYTES,
        });
    }
    let text = decode_text(bytes).ok_or_else(|| StateError::NotText {
        origin: origin.clone(),
    })?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|source| StateError::Json {
            origin: origin.clone(),
            source,
        })?;
    check_version(&value, origin)?;
    let state: State = serde_path_to_error::deserialize(&value).map_err(|e| StateError::Field {
        origin: origin.clone(),
        path: e.path().to_string(),
        source: e.into_inner(),
    })?;
    let mut state = state;
    for (index, c) in state.certificates.iter_mut().enumerate() {
        let actual = *c.cert.sha1();
        if c.thumbprint != actual {
            return Err(StateError::ThumbprintMismatch {
                origin: origin.clone(),
                index,
                stated: c.thumbprint.to_string(),
                actual: actual.to_string(),
            });
        }
        c.cert.origin = origin.in_entry(format!("Certificates[{index}]"));
    }
    Ok(state)
}

impl State {
    /// Add a second collection of the same organisation — typically the file `collect.ps1`
    /// wrote on an Edge Transport server, which the organisation's run cannot reach. Entries
    /// already present (a server by name, a certificate by server and thumbprint, a connector
    /// by identity, a transport service or subscription by name, a setting or directory by
    /// server) are kept; a server entry without a Windows build is replaced by one with it, and
    /// the organisation's "not reached" error for a server `other` covers is dropped.
    pub fn merge(&mut self, other: State) {
        for s in other.servers {
            match self
                .servers
                .iter_mut()
                .find(|x| x.name.eq_ignore_ascii_case(&s.name))
            {
                Some(x) if x.os_build.is_none() && s.os_build.is_some() => *x = s,
                Some(_) => {}
                None => self.servers.push(s),
            }
        }
        let covered: Vec<String> = other
            .certificates
            .iter()
            .map(|c| c.server.to_ascii_lowercase())
            .collect();
        self.collection_errors.retain(|e| {
            !(e.step == "Edge Transport server"
                && e.server
                    .as_deref()
                    .is_some_and(|s| covered.contains(&s.to_ascii_lowercase())))
        });
        for c in other.certificates {
            if !self
                .certificates
                .iter()
                .any(|x| x.thumbprint == c.thumbprint && x.server.eq_ignore_ascii_case(&c.server))
            {
                self.certificates.push(c);
            }
        }
        for t in other.transport_services {
            if !self
                .transport_services
                .iter()
                .any(|x| x.name.eq_ignore_ascii_case(&t.name))
            {
                self.transport_services.push(t);
            }
        }
        if self.auth_config.is_none() {
            self.auth_config = other.auth_config;
        }
        for c in other.send_connectors {
            if !self
                .send_connectors
                .iter()
                .any(|x| x.identity == c.identity)
            {
                self.send_connectors.push(c);
            }
        }
        for c in other.receive_connectors {
            if !self
                .receive_connectors
                .iter()
                .any(|x| x.identity == c.identity)
            {
                self.receive_connectors.push(c);
            }
        }
        if self.hybrid_configuration.is_none() {
            self.hybrid_configuration = other.hybrid_configuration;
        }
        for (mine, theirs) in [
            (&mut self.pop_settings, other.pop_settings),
            (&mut self.imap_settings, other.imap_settings),
        ] {
            for p in theirs {
                if !mine
                    .iter()
                    .any(|x| x.server.eq_ignore_ascii_case(&p.server))
                {
                    mine.push(p);
                }
            }
        }
        let known: Vec<String> = self
            .virtual_directories
            .iter()
            .map(|v| v.server.to_ascii_lowercase())
            .collect();
        self.virtual_directories.extend(
            other
                .virtual_directories
                .into_iter()
                .filter(|v| !known.contains(&v.server.to_ascii_lowercase())),
        );
        let bound: Vec<String> = self
            .iis_bindings
            .iter()
            .map(|b| b.server.to_ascii_lowercase())
            .collect();
        self.iis_bindings.extend(
            other
                .iis_bindings
                .into_iter()
                .filter(|b| !bound.contains(&b.server.to_ascii_lowercase())),
        );
        for e in other.edge_subscriptions {
            if !self
                .edge_subscriptions
                .iter()
                .any(|x| x.name.eq_ignore_ascii_case(&e.name))
            {
                self.edge_subscriptions.push(e);
            }
        }
        self.collection_errors.extend(other.collection_errors);
    }
}

fn decode_text(bytes: &[u8]) -> Option<String> {
    let utf16 = |rest: &[u8], le: bool| -> Option<String> {
        if !rest.len().is_multiple_of(2) {
            return None;
        }
        let units = rest.chunks_exact(2).map(|p| {
            if le {
                u16::from_le_bytes([p[0], p[1]])
            } else {
                u16::from_be_bytes([p[0], p[1]])
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .ok()
    };
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8(rest.to_vec()).ok(),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, true),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, false),
        _ => String::from_utf8(bytes.to_vec()).ok(),
    }
}

fn check_version(value: &serde_json::Value, origin: &Origin) -> Result<(), StateError> {
    let found = |v: &serde_json::Value| -> String {
        match v {
            serde_json::Value::Object(m) => {
                let keys: Vec<&str> = m.keys().take(4).map(String::as_str).collect();
                if keys.is_empty() {
                    "an empty object".to_owned()
                } else {
                    format!("an object with keys {}", keys.join(", "))
                }
            }
            serde_json::Value::Array(a) => format!("an array of {} items", a.len()),
            serde_json::Value::String(_) => "a string".to_owned(),
            serde_json::Value::Number(_) => "a number".to_owned(),
            serde_json::Value::Bool(_) => "a boolean".to_owned(),
            serde_json::Value::Null => "null".to_owned(),
        }
    };
    let version = match value {
        serde_json::Value::Object(m) => m.get("SchemaVersion"),
        _ => None,
    };
    match version {
        None => Err(StateError::NotState {
            origin: origin.clone(),
            found: found(value),
        }),
        Some(v) if v.as_u64() == Some(u64::from(SCHEMA_VERSION)) => Ok(()),
        Some(v) => Err(StateError::UnsupportedVersion {
            origin: origin.clone(),
            version: v.to_string(),
        }),
    }
}

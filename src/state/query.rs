//! Questions the planner and `check --state` ask of a loaded [`State`]: which certificate a
//! thumbprint is on which server, which connectors name a certificate, which certificates
//! must never be removed and why, and what Exchange build a server runs.

use super::{
    ExchangeCertificate, HybridConfiguration, ReceiveConnector, SendConnector, Server, State,
};
use crate::thumbprint::Thumbprint;

/// Why a certificate must not be removed (each with its source).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Protection {
    /// A self-signed certificate on an Exchange server: Setup's "Microsoft Exchange"
    /// certificate serves the back end (port 444) and internal transport; removing it breaks
    /// OWA/ECP and mail flow between servers (Microsoft: "Certificate requirements for Exchange
    /// services"; CSS-Exchange HealthChecker).
    SelfSigned {
        /// The server holding it.
        server: String,
    },
    /// The organisation's current OAuth (Auth) certificate (Get-AuthConfig): removing it breaks
    /// server-to-server and hybrid OAuth (Microsoft: "Maintain (rotate) the Exchange Server Auth
    /// certificate").
    AuthCurrent,
    /// The Auth certificate staged to take over (Get-AuthConfig `NextCertificateThumbprint`).
    AuthNext,
    /// A server's internal transport certificate (Get-TransportService): used for SMTP between
    /// Exchange servers and by EdgeSync.
    InternalTransport {
        /// The server.
        server: String,
    },
    /// Bound in IIS to port 444 (the Exchange Back End site): OWA and ECP fail without it.
    BackEndBinding {
        /// The server.
        server: String,
    },
}

impl std::fmt::Display for Protection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Protection::SelfSigned { server } => write!(
                f,
                "it is a self-signed Exchange certificate on {server} (back end and internal transport)"
            ),
            Protection::AuthCurrent => f.write_str("it is the current Exchange Server Auth certificate (Get-AuthConfig)"),
            Protection::AuthNext => f.write_str("it is the next Exchange Server Auth certificate (Get-AuthConfig)"),
            Protection::InternalTransport { server } => write!(
                f,
                "it is the internal transport certificate of {server} (Get-TransportService)"
            ),
            Protection::BackEndBinding { server } => write!(
                f,
                "it is bound to port 444 (Exchange Back End) on {server}"
            ),
        }
    }
}

/// Something in the state that uses a certificate: removing the certificate breaks it unless
/// it is changed first.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Reference {
    /// An IIS binding's certificate hash.
    IisBinding {
        /// The server.
        server: String,
        /// The site.
        site: String,
        /// The binding.
        binding_information: String,
    },
    /// A send connector whose TlsCertificateName is the certificate's TLS name.
    SendConnector {
        /// Its identity.
        identity: String,
    },
    /// A receive connector whose TlsCertificateName is the certificate's TLS name.
    ReceiveConnector {
        /// Its identity.
        identity: String,
    },
    /// The hybrid configuration's TlsCertificateName.
    HybridConfiguration,
    /// Enabled for services on a server (Get-ExchangeCertificate `Services`).
    Services {
        /// The server.
        server: String,
        /// The services, as Exchange names them.
        services: Vec<String>,
    },
}

/// Something with a `TlsCertificateName`.
#[derive(Clone, Copy, Debug)]
pub enum ConnectorRef<'a> {
    /// A send connector.
    Send(&'a SendConnector),
    /// A receive connector.
    Receive(&'a ReceiveConnector),
    /// The hybrid configuration.
    Hybrid(&'a HybridConfiguration),
}

impl<'a> ConnectorRef<'a> {
    /// Its TlsCertificateName.
    pub fn tls_certificate_name(&self) -> Option<&'a str> {
        match self {
            ConnectorRef::Send(c) => c.tls_certificate_name.as_deref(),
            ConnectorRef::Receive(c) => c.tls_certificate_name.as_deref(),
            ConnectorRef::Hybrid(h) => h.tls_certificate_name.as_deref(),
        }
    }
}

/// An Exchange build: `15.2.1544.4` (major, minor, build, revision). Exchange 2016 is 15.1,
/// Exchange 2019 is 15.2, Exchange Server SE is 15.2 from build 2562 (Microsoft: "Exchange
/// Server build numbers and release dates").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct ExchangeBuild {
    /// 15.
    pub major: u32,
    /// 1 (2016) or 2 (2019 and SE).
    pub minor: u32,
    /// The cumulative update's build (1544 = 2019 CU14).
    pub build: u32,
    /// The revision (security and hotfix updates raise it).
    pub revision: u32,
}

impl ExchangeBuild {
    /// Parse `15.02.1544.011` (ExSetup's file version) or `Version 15.2 (Build 1544.4)`
    /// (AdminDisplayVersion).
    pub fn parse(text: &str) -> Option<ExchangeBuild> {
        let t = text.trim();
        if let Some(rest) = t.strip_prefix("Version ") {
            // "15.2 (Build 1544.4)"
            let (mm, b) = rest.split_once("(Build ")?;
            let (major, minor) = mm.trim().split_once('.')?;
            let (build, revision) = b.trim_end_matches(')').trim().split_once('.')?;
            return Some(ExchangeBuild {
                major: major.trim().parse().ok()?,
                minor: minor.trim().parse().ok()?,
                build: build.trim().parse().ok()?,
                revision: revision.trim().parse().ok()?,
            });
        }
        let mut parts = t.split('.').map(|p| p.trim().parse::<u32>());
        let b = ExchangeBuild {
            major: parts.next()?.ok()?,
            minor: parts.next()?.ok()?,
            build: parts.next()?.ok()?,
            revision: parts.next()?.ok()?,
        };
        parts.next().is_none().then_some(b)
    }
}

impl std::fmt::Display for ExchangeBuild {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}.{}.{}.{}",
            self.major, self.minor, self.build, self.revision
        )
    }
}

impl Server {
    /// Whether it is an Edge Transport server.
    pub fn is_edge(&self) -> bool {
        self.server_role
            .iter()
            .any(|r| r.eq_ignore_ascii_case("Edge"))
    }

    /// The most exact Exchange build known: ExSetup's file version (security updates
    /// included), else AdminDisplayVersion (cumulative update only).
    pub fn exchange_build(&self) -> Option<ExchangeBuild> {
        self.ex_setup_version
            .as_deref()
            .and_then(ExchangeBuild::parse)
            .or_else(|| {
                self.admin_display_version
                    .as_deref()
                    .and_then(ExchangeBuild::parse)
            })
    }

    /// Whether `name` is this server: its short name or its FQDN, case-insensitively.
    pub fn is_named(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
            || self
                .fqdn
                .as_deref()
                .is_some_and(|f| f.eq_ignore_ascii_case(name))
    }
}

fn same_server(a: &str, b: &str) -> bool {
    // Short names and FQDNs both appear (Identity uses short names, Get-WebBinding collected
    // per server uses the name the collector connected to).
    let short = |s: &str| s.split('.').next().unwrap_or(s).to_ascii_lowercase();
    a.eq_ignore_ascii_case(b) || short(a) == short(b)
}

impl State {
    /// The server called `name` (short name or FQDN, any case).
    pub fn server(&self, name: &str) -> Option<&Server> {
        self.servers.iter().find(|s| s.is_named(name))
    }

    /// Every entry of the certificate with this thumbprint, one per server that holds it.
    pub fn certificate(&self, thumbprint: &Thumbprint) -> Vec<&ExchangeCertificate> {
        self.certificates
            .iter()
            .filter(|c| &c.thumbprint == thumbprint)
            .collect()
    }

    /// The certificate with this thumbprint on `server`.
    pub fn certificate_on(
        &self,
        server: &str,
        thumbprint: &Thumbprint,
    ) -> Option<&ExchangeCertificate> {
        self.certificates
            .iter()
            .find(|c| &c.thumbprint == thumbprint && same_server(&c.server, server))
    }

    /// The certificates held by `server`, in file order.
    pub fn certificates_on<'a>(
        &'a self,
        server: &'a str,
    ) -> impl Iterator<Item = &'a ExchangeCertificate> + 'a {
        self.certificates
            .iter()
            .filter(move |c| same_server(&c.server, server))
    }

    /// Every send connector, receive connector and the hybrid configuration whose
    /// TlsCertificateName is exactly `tls_name` (as [`crate::tls_name::tls_name`] computes it
    /// and Exchange prints it back). Exact: the planner updates exactly these.
    pub fn connectors_naming(&self, tls_name: &str) -> Vec<ConnectorRef<'_>> {
        let mut out: Vec<ConnectorRef<'_>> = Vec::new();
        out.extend(
            self.send_connectors
                .iter()
                .filter(|c| c.tls_certificate_name.as_deref() == Some(tls_name))
                .map(ConnectorRef::Send),
        );
        out.extend(
            self.receive_connectors
                .iter()
                .filter(|c| c.tls_certificate_name.as_deref() == Some(tls_name))
                .map(ConnectorRef::Receive),
        );
        out.extend(
            self.hybrid_configuration
                .iter()
                .filter(|h| h.tls_certificate_name.as_deref() == Some(tls_name))
                .map(ConnectorRef::Hybrid),
        );
        out
    }

    /// The hybrid send connectors the Hybrid Configuration Wizard made (`Outbound to Office
    /// 365 <GUID>`, CloudServicesMailEnabled): recognised by the flag, not the name, which
    /// administrators may change.
    pub fn hybrid_send_connectors(&self) -> Vec<&SendConnector> {
        self.send_connectors
            .iter()
            .filter(|c| c.cloud_services_mail_enabled)
            .collect()
    }

    /// The receive connectors the Hybrid Configuration Wizard configured to accept mail from
    /// Microsoft 365: `TlsDomainCapabilities` offers `AcceptCloudServicesMail`
    /// (Set-ReceiveConnector -TlsDomainCapabilities).
    pub fn hybrid_receive_connectors(&self) -> Vec<&ReceiveConnector> {
        self.receive_connectors
            .iter()
            .filter(|c| {
                c.tls_domain_capabilities
                    .iter()
                    .any(|t| t.to_ascii_lowercase().contains("acceptcloudservicesmail"))
            })
            .collect()
    }

    /// Every reason the certificate with this thumbprint must never be removed, in a fixed
    /// order (self-signed, Auth current, Auth next, internal transport, back end); empty when
    /// none applies.
    pub fn protections(&self, thumbprint: &Thumbprint) -> Vec<Protection> {
        let mut out = Vec::new();
        for c in self.certificate(thumbprint) {
            if c.is_self_signed {
                out.push(Protection::SelfSigned {
                    server: c.server.clone(),
                });
            }
        }
        if let Some(a) = &self.auth_config {
            if a.current_certificate_thumbprint.as_ref() == Some(thumbprint) {
                out.push(Protection::AuthCurrent);
            }
            if a.next_certificate_thumbprint.as_ref() == Some(thumbprint) {
                out.push(Protection::AuthNext);
            }
        }
        for t in &self.transport_services {
            if t.internal_transport_certificate_thumbprint.as_ref() == Some(thumbprint) {
                out.push(Protection::InternalTransport {
                    server: t.name.clone(),
                });
            }
        }
        for b in &self.iis_bindings {
            if b.certificate_hash.as_ref() == Some(thumbprint) && binding_port(b) == Some(444) {
                let p = Protection::BackEndBinding {
                    server: b.server.clone(),
                };
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        out
    }

    /// The first reason the certificate must never be removed, if any.
    pub fn is_protected(&self, thumbprint: &Thumbprint) -> Option<Protection> {
        self.protections(thumbprint).into_iter().next()
    }

    /// Everything in the state that uses the certificate with this thumbprint: IIS bindings
    /// (by hash), connectors and the hybrid configuration (by the TLS name of the certificate
    /// as the state holds it), and services it is enabled for, per server.
    pub fn references(&self, thumbprint: &Thumbprint) -> Vec<Reference> {
        let mut out = Vec::new();
        for b in &self.iis_bindings {
            if b.certificate_hash.as_ref() == Some(thumbprint) {
                out.push(Reference::IisBinding {
                    server: b.server.clone(),
                    site: b.site.clone(),
                    binding_information: b.binding_information.clone(),
                });
            }
        }
        let entries = self.certificate(thumbprint);
        if let Some(c) = entries.first() {
            let name = crate::tls_name::tls_name(&c.cert.issuer, &c.cert.subject);
            for r in self.connectors_naming(&name) {
                out.push(match r {
                    ConnectorRef::Send(s) => Reference::SendConnector {
                        identity: s.identity.clone(),
                    },
                    ConnectorRef::Receive(s) => Reference::ReceiveConnector {
                        identity: s.identity.clone(),
                    },
                    ConnectorRef::Hybrid(_) => Reference::HybridConfiguration,
                });
            }
        }
        for c in entries {
            if !c.services.is_empty() {
                out.push(Reference::Services {
                    server: c.server.clone(),
                    services: c.services.iter().map(|s| s.as_str().to_owned()).collect(),
                });
            }
        }
        out
    }

    /// The receive connectors of `server`.
    pub fn receive_connectors_on<'a>(
        &'a self,
        server: &'a str,
    ) -> impl Iterator<Item = &'a ReceiveConnector> + 'a {
        self.receive_connectors
            .iter()
            .filter(move |c| same_server(&c.server, server))
    }

    /// The Edge Transport servers.
    pub fn edge_servers(&self) -> impl Iterator<Item = &Server> {
        self.servers.iter().filter(|s| s.is_edge())
    }
}

/// The port of an IIS binding (`*:443:` → 443; `[::1]:444:` → 444).
pub(crate) fn binding_port(b: &super::IisBinding) -> Option<u16> {
    let info = b.binding_information.as_str();
    // `address:port:hostheader`; the address may be an IPv6 literal in brackets.
    let after_addr = match info.strip_prefix('[') {
        Some(rest) => rest.split_once("]:")?.1,
        None => info.split_once(':')?.1,
    };
    after_addr.split(':').next()?.parse().ok()
}

impl super::IisBinding {
    /// The port of `BindingInformation`.
    pub fn port(&self) -> Option<u16> {
        binding_port(self)
    }
}

impl super::ProtocolSettings {
    /// The host names of the internal and external connection settings (`host:port:SSL`).
    pub fn connection_hosts(&self) -> Vec<&str> {
        self.external_connection_settings
            .iter()
            .chain(&self.internal_connection_settings)
            .filter_map(|s| s.split(':').next())
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .collect()
    }
}

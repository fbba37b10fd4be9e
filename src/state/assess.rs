//! `check --state`: facts for the rule engine taken from the organisation's state instead of
//! flags ([`fill_options`]), and the state section of the check report ([`assess`]): every
//! configured host name and whether the new certificate covers it, per-server import and
//! build facts, and an organisation-wide expiry report of every certificate in the state.
//!
//! Pure: the state, the new certificate, its PFX structure and the time are arguments.

use super::{ExchangeService, Server, State};
use crate::check::{Options, Service, Severity};
use crate::model::pfx::{BagKind, PfxInfo};
use crate::model::{Cert, KeyAlgorithm};
use crate::name::host::{any_covers, covers, normalize};
use crate::windows::{pfx_import_verdict, ImportVerdict, WindowsVersion};
use time::OffsetDateTime;

/// A host name the organisation publishes, and where.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct HostName {
    /// The name, lowercase.
    pub name: String,
    /// Where it is configured (`OwaVirtualDirectory ExternalUrl on EX01`), sorted.
    pub sources: Vec<String>,
    /// Whether a certificate the organisation now uses from a CA (not self-signed, enabled
    /// for a service) covers it: then the new certificate must too.
    pub required: bool,
    /// Whether the new certificate covers it (`None` before a certificate is given).
    pub covered: Option<bool>,
}

/// One finding of the state section.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StateFinding {
    /// Stable id (`state-ecc-build`).
    pub id: &'static str,
    /// Severity.
    pub severity: Severity,
    /// The server it concerns, if one.
    pub server: Option<String>,
    /// What is wrong.
    pub detail: String,
    /// Where the requirement comes from.
    pub citation: &'static str,
}

/// Per-server facts of the state section.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ServerFacts {
    /// Short name.
    pub name: String,
    /// Whether it is an Edge Transport server.
    pub edge: bool,
    /// Exchange build (ExSetup, else AdminDisplayVersion).
    pub exchange_build: Option<String>,
    /// Windows build number.
    pub os_build: Option<u32>,
    /// The Windows Server version that build is.
    pub windows: Option<WindowsVersion>,
    /// Whether the new PFX imports there (`None`: no PFX given, or the build is unknown).
    pub pfx_imports: Option<bool>,
}

/// One certificate of the organisation in the expiry report.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ExpiryEntry {
    /// The servers holding it.
    pub servers: Vec<String>,
    /// Thumbprint.
    pub thumbprint: String,
    /// Subject as Windows prints it.
    pub subject: String,
    /// notAfter.
    #[serde(with = "time::serde::rfc3339")]
    pub not_after: OffsetDateTime,
    /// Whole days from the evaluation time to notAfter (negative: expired).
    pub days_left: i64,
    /// What it is for: `Auth (current)`, `internal transport`, the services it is enabled for.
    pub roles: Vec<String>,
}

/// The state section of `check --state`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Assessment {
    /// When the state was collected.
    #[serde(with = "time::serde::rfc3339::option")]
    pub collected_at: Option<OffsetDateTime>,
    /// What the collector could not read (the state is incomplete when not empty).
    pub collection_errors: Vec<String>,
    /// Every configured host name.
    pub host_names: Vec<HostName>,
    /// Per server.
    pub servers: Vec<ServerFacts>,
    /// Findings from the state.
    pub findings: Vec<StateFinding>,
    /// Every certificate of the organisation, soonest expiry first.
    pub expiry: Vec<ExpiryEntry>,
}

impl Assessment {
    /// The highest severity among the findings.
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// The Windows Server version of a Windows build number (9600 = 2012 R2, 14393 = 2016,
/// 17763 = 2019, 20348 = 2022, 26100 = 2025); a build between two releases counts as the
/// older. `None` below 2012 R2.
pub fn windows_of_build(build: u32) -> Option<WindowsVersion> {
    Some(match build {
        26100.. => WindowsVersion::Server2025,
        20348.. => WindowsVersion::Server2022,
        17763.. => WindowsVersion::Server2019,
        14393.. => WindowsVersion::Server2016,
        9600.. => WindowsVersion::Server2012R2,
        _ => return None,
    })
}

/// Whether an Exchange build supports ECC certificates: Exchange 2016 CU23 from the April 2024
/// hotfix update (15.1.2507.39), Exchange 2019 CU13 from its April 2024 HU (15.2.1258.34),
/// CU14 from its April 2024 HU (15.2.1544.11) and every later build (Microsoft Learn: "Elliptic
/// Curve Cryptography certificates support in Exchange Server"; build numbers from CSS-Exchange
/// `Shared/Get-ExchangeBuildVersionInformation.ps1`).
pub fn build_supports_ecc(b: &super::ExchangeBuild) -> bool {
    match (b.major, b.minor) {
        (15, 1) => b.build > 2507 || (b.build == 2507 && b.revision >= 39),
        (15, 2) => {
            b.build > 1544
                || (b.build == 1544 && b.revision >= 11)
                || (b.build == 1258 && b.revision >= 34)
        }
        (m, _) => m > 15,
    }
}

fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = if host.starts_with('[') {
        host
    } else {
        host.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

/// Every host name configured in the state, with where: virtual directory URLs, the
/// Autodiscover service URI, send connector FQDNs, FQDNs of receive connectors that present a
/// named certificate or serve clients (Client Frontend), POP/IMAP `X509CertificateName` and
/// connection settings, the hybrid on-premises smart host. Sorted by name.
pub fn host_names(state: &State) -> Vec<HostName> {
    let mut map: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let mut add = |name: &str, source: String| {
        let n = normalize(name).into_owned();
        if n.is_empty() {
            return;
        }
        let v = map.entry(n).or_default();
        if !v.contains(&source) {
            v.push(source);
        }
    };
    for v in &state.virtual_directories {
        let kind = format!("{:?}", v.kind);
        let (internal, external) = if v.kind == super::VirtualDirectoryType::ClientAccessService {
            ("AutoDiscoverServiceInternalUri", "ExternalUrl")
        } else {
            ("InternalUrl", "ExternalUrl")
        };
        if let Some(h) = v.internal_url.as_deref().and_then(url_host) {
            add(h, format!("{kind} {internal} on {}", v.server));
        }
        if let Some(h) = v.external_url.as_deref().and_then(url_host) {
            add(h, format!("{kind} {external} on {}", v.server));
        }
    }
    for c in &state.send_connectors {
        if let Some(f) = &c.fqdn {
            add(f, format!("send connector {} Fqdn", c.identity));
        }
    }
    for c in &state.receive_connectors {
        let client = c
            .name
            .as_deref()
            .is_some_and(|n| n.starts_with("Client Frontend"));
        if let Some(f) = &c.fqdn {
            if c.tls_certificate_name.is_some() || client {
                add(f, format!("receive connector {} Fqdn", c.identity));
            }
        }
    }
    for (label, list) in [("POP", &state.pop_settings), ("IMAP", &state.imap_settings)] {
        for p in list {
            if let Some(x) = &p.x509_certificate_name {
                add(x, format!("{label} X509CertificateName on {}", p.server));
            }
            for (which, settings) in [
                (
                    "ExternalConnectionSettings",
                    &p.external_connection_settings,
                ),
                (
                    "InternalConnectionSettings",
                    &p.internal_connection_settings,
                ),
            ] {
                for s in settings {
                    if let Some(h) = s.split(':').next().filter(|h| !h.trim().is_empty()) {
                        add(h, format!("{label} {which} on {}", p.server));
                    }
                }
            }
        }
    }
    if let Some(h) = &state.hybrid_configuration {
        if let Some(s) = &h.on_premises_smart_host {
            add(s, "HybridConfiguration OnPremisesSmartHost".to_owned());
        }
    }
    let current: Vec<&super::ExchangeCertificate> = state
        .certificates
        .iter()
        .filter(|c| !c.is_self_signed && !c.services.is_empty())
        .collect();
    map.into_iter()
        .map(|(name, sources)| {
            let sources = group_by_server(sources);
            let required = current.iter().any(|c| any_covers(&c.cert.dns_names, &name));
            HostName {
                name,
                sources,
                required,
                covered: None,
            }
        })
        .collect()
}

/// `X on EX01`, `X on EX02` → `X on EX01, EX02`; sorted.
fn group_by_server(sources: Vec<String>) -> Vec<String> {
    let mut grouped: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let mut plain: Vec<String> = Vec::new();
    for s in sources {
        match s.rsplit_once(" on ") {
            Some((what, server)) => grouped
                .entry(what.to_owned())
                .or_default()
                .push(server.to_owned()),
            None => plain.push(s),
        }
    }
    let mut out: Vec<String> = grouped
        .into_iter()
        .map(|(what, servers)| format!("{what} on {}", servers.join(", ")))
        .chain(plain)
        .collect();
    out.sort();
    out
}

/// Fill the rule options from the state, keeping what flags and configuration already say:
/// the names the organisation's current CA certificates cover become required names; the
/// oldest Windows build among the servers gives `windows`; hybrid when a hybrid configuration
/// exists; Edge when an Edge server or subscription exists; the services the current CA
/// certificates are enabled for become `services` when none were given.
pub fn fill_options(state: &State, options: &mut Options) {
    for h in host_names(state) {
        if h.required && !options.names.contains(&h.name) {
            options.names.push(h.name);
        }
    }
    let oldest = state
        .servers
        .iter()
        .filter_map(|s| s.os_build.and_then(windows_of_build))
        .min();
    if options.windows.is_none() {
        options.windows = oldest;
    }
    options.hybrid |= state.hybrid_configuration.is_some();
    options.edge |=
        state.servers.iter().any(Server::is_edge) || !state.edge_subscriptions.is_empty();
    if options.services.is_empty() {
        let mut services: Vec<Service> = Vec::new();
        for c in state.certificates.iter().filter(|c| !c.is_self_signed) {
            for s in &c.services {
                let mapped = match s {
                    ExchangeService::Iis => Some(Service::Iis),
                    ExchangeService::Smtp => Some(Service::Smtp),
                    ExchangeService::Pop => Some(Service::Pop),
                    ExchangeService::Imap => Some(Service::Imap),
                    _ => None,
                };
                if let Some(m) = mapped.filter(|m| !services.contains(m)) {
                    services.push(m);
                }
            }
        }
        services.sort();
        options.services = services;
    }
    if options.server_fqdn.is_none() {
        options.server_fqdn = state
            .pop_settings
            .iter()
            .chain(&state.imap_settings)
            .find_map(|p| p.x509_certificate_name.clone())
            .filter(|n| !n.starts_with("*."));
    }
}

fn roles(state: &State, c: &super::ExchangeCertificate) -> Vec<String> {
    let mut roles = Vec::new();
    if let Some(a) = &state.auth_config {
        if a.current_certificate_thumbprint == Some(c.thumbprint) {
            roles.push("Auth (current)".to_owned());
        }
        if a.next_certificate_thumbprint == Some(c.thumbprint) {
            roles.push("Auth (next)".to_owned());
        }
    }
    for t in &state.transport_services {
        if t.internal_transport_certificate_thumbprint == Some(c.thumbprint) {
            roles.push(format!("internal transport on {}", t.name));
        }
    }
    if c.is_self_signed {
        roles.push("self-signed".to_owned());
    }
    roles
}

/// The state section: host names against `new` (when given), per-server facts and findings
/// (PFX import per Windows build, ECC per Exchange build and setting, CNG key vs Edge,
/// incomplete collection), and the expiry report at `as_of`.
pub fn assess(
    state: &State,
    new: Option<&Cert>,
    pfx: Option<&PfxInfo>,
    as_of: OffsetDateTime,
) -> Assessment {
    let mut a = Assessment {
        collected_at: state.collected_at,
        ..Assessment::default()
    };
    for e in &state.collection_errors {
        a.collection_errors.push(match &e.server {
            Some(s) => format!("{s}: {}: {}", e.step, e.message),
            None => format!("{}: {}", e.step, e.message),
        });
    }
    if !state.collection_errors.is_empty() {
        a.findings.push(StateFinding {
            id: "state-incomplete",
            severity: Severity::Warning,
            server: None,
            detail: format!(
                "the collector could not read {} item(s) (listed under collection errors); facts from them are missing, not empty",
                state.collection_errors.len()
            ),
            citation: "certprep",
        });
    }
    a.host_names = host_names(state);
    if let Some(cert) = new {
        for h in &mut a.host_names {
            h.covered = Some(cert.dns_names.iter().any(|p| covers(p, &h.name)));
        }
    }

    let ec = new.is_some_and(|c| matches!(c.public_key.algorithm, KeyAlgorithm::Ec { .. }));
    // A PFX's RSA key without the Microsoft CSP attribute lands in a CNG key storage provider
    // on import; ECDSA keys always do (design.md §4.3).
    let cng_key = ec
        || pfx.is_some_and(|p| {
            p.bags
                .iter()
                .filter(|b| matches!(b.kind, BagKind::Key | BagKind::ShroudedKey))
                .any(|b| b.csp_name.is_none())
        });
    for s in &state.servers {
        let build = s.exchange_build();
        let windows = s.os_build.and_then(windows_of_build);
        let pfx_imports = match (pfx, windows) {
            (Some(p), Some(w)) => Some(matches!(pfx_import_verdict(p, w), ImportVerdict::Imports)),
            _ => None,
        };
        if let (Some(p), Some(w), Some(false)) = (pfx, windows, pfx_imports) {
            let reason = match pfx_import_verdict(p, w) {
                ImportVerdict::CannotImport { reason } => reason,
                ImportVerdict::Imports => String::new(),
            };
            a.findings.push(StateFinding {
                id: "state-pfx-import",
                severity: Severity::Error,
                server: Some(s.name.clone()),
                detail: format!(
                    "{} runs {w} (build {}), which cannot import this PFX ({reason}); convert it with `certprep pfx {} --profile compat -o OUT.pfx`",
                    s.name,
                    s.os_build.unwrap_or_default(),
                    p.origin.file_name()
                ),
                citation: "Microsoft Learn: PKCS12_PBES2_EXPORT_PARAMS (AES PFX from Windows Server 2019, build 17763)",
            });
        }
        if ec {
            let why = match build {
                None => Some(format!("{}: Exchange build unknown; ECC certificates need 2016 CU23 (15.1.2507.39) / 2019 CU13 (15.2.1258.34) / 2019 CU14 (15.2.1544.11) April 2024 hotfix updates or later", s.name)),
                Some(b) if !build_supports_ecc(&b) => Some(format!("{} runs Exchange {b}, which does not support ECC certificates (needs the April 2024 hotfix update or later: 15.1.2507.39, 15.2.1258.34, 15.2.1544.11)", s.name)),
                Some(_) if s.ecc_certificate_support != Some(true) && !s.is_edge() => Some(format!("{}: ECC certificate support is not switched on (the ECCCertificateSupport setting override and the EnableEccCertificateSupport registry value)", s.name)),
                Some(_) => None,
            };
            if let Some(detail) = why {
                a.findings.push(StateFinding {
                    id: "state-ecc-build",
                    severity: Severity::Error,
                    server: Some(s.name.clone()),
                    detail,
                    citation: "Microsoft Learn: Elliptic Curve Cryptography certificates support in Exchange Server",
                });
            }
        }
        if s.is_edge() && cng_key && new.is_some() {
            a.findings.push(StateFinding {
                id: "state-cng-edge",
                severity: Severity::Error,
                server: Some(s.name.clone()),
                detail: format!(
                    "{} is an Edge Transport server: EdgeSync needs the key in a CAPI provider (event 1035), and this {} would land in CNG; build the PFX with `certprep pfx … --csp \"Microsoft Enhanced RSA and AES Cryptographic Provider\"` and an RSA key",
                    s.name,
                    if ec { "ECDSA key" } else { "PFX's key (no Microsoft CSP attribute)" }
                ),
                citation: "design.md §4.3; Microsoft Learn: Edge Subscriptions (EdgeSync)",
            });
        }
        a.servers.push(ServerFacts {
            name: s.name.clone(),
            edge: s.is_edge(),
            exchange_build: build.map(|b| b.to_string()),
            os_build: s.os_build,
            windows,
            pfx_imports,
        });
    }
    if let (Some(cert), Some(h)) = (new, &state.hybrid_configuration) {
        if let Some(smart) = &h.on_premises_smart_host {
            if !cert.dns_names.iter().any(|p| covers(p, smart)) {
                a.findings.push(StateFinding {
                    id: "state-hybrid-names",
                    severity: Severity::Error,
                    server: None,
                    detail: format!("the hybrid on-premises smart host {smart} (Get-HybridConfiguration) is not covered by the new certificate: Exchange Online's TLS to it would fail"),
                    citation: "Microsoft Learn: Certificate requirements for hybrid deployments",
                });
            }
        }
    }

    // Expiry: one entry per thumbprint, soonest first.
    let mut seen: Vec<usize> = Vec::new();
    for (i, c) in state.certificates.iter().enumerate() {
        if let Some(&j) = seen
            .iter()
            .find(|&&j| state.certificates[j].thumbprint == c.thumbprint)
        {
            let e = a
                .expiry
                .iter_mut()
                .find(|e| e.thumbprint == state.certificates[j].thumbprint.to_string());
            if let Some(e) = e {
                if !e.servers.contains(&c.server) {
                    e.servers.push(c.server.clone());
                }
                for s in &c.services {
                    let role = format!("{} on {}", s.as_str(), c.server);
                    e.roles.push(role);
                }
            }
            continue;
        }
        seen.push(i);
        let mut r = roles(state, c);
        for s in &c.services {
            r.push(format!("{} on {}", s.as_str(), c.server));
        }
        a.expiry.push(ExpiryEntry {
            servers: vec![c.server.clone()],
            thumbprint: c.thumbprint.to_string(),
            subject: c.subject.clone(),
            not_after: c.cert.not_after,
            days_left: (c.cert.not_after - as_of).whole_days(),
            roles: r,
        });
    }
    a.expiry.sort_by(|x, y| {
        x.not_after
            .cmp(&y.not_after)
            .then(x.thumbprint.cmp(&y.thumbprint))
    });
    for e in &a.expiry {
        let auth = e.roles.iter().any(|r| r.starts_with("Auth (current)"));
        if auth && e.days_left < 60 {
            a.findings.push(StateFinding {
                id: "state-auth-expiry",
                severity: if e.days_left < 0 { Severity::Error } else { Severity::Warning },
                server: None,
                detail: format!(
                    "the current Exchange Server Auth certificate {} expires in {} days ({}); renew it with the MonitorExchangeAuthCertificate script or New-ExchangeCertificate and Set-AuthConfig",
                    e.thumbprint, e.days_left, e.not_after.date()
                ),
                citation: "Microsoft Learn: Maintain (rotate) the Exchange Server Auth certificate",
            });
        }
    }
    a
}

//! What the runbook refuses to do: the certificates it never removes, and the new certificates it
//! refuses to plan for. Every guard names its source; each has a test.
//!
//! Removal guards (a certificate is kept, with every reason, when any applies):
//! - **self-signed**: the self-signed "Microsoft Exchange" certificate Setup creates serves the
//!   back end ("Exchange Back End" site, port 444) and internal transport; OWA/ECP stop working
//!   without it (CSS-Exchange HealthChecker `Invoke-AnalyzerIISInformation.ps1` checks the
//!   `*:444:` binding; design.md §4.x).
//! - **Auth certificate**: the current or next certificate of `Get-AuthConfig`
//!   (`CurrentCertificateThumbprint`, `NextCertificateThumbprint`) signs OAuth tokens; removing it
//!   breaks OAuth, hybrid free/busy and the Exchange admin center (Get-AuthConfig docs;
//!   CSS-Exchange `MonitorExchangeAuthCertificate`).
//! - **internal transport certificate**: `Get-TransportService`'s
//!   `InternalTransportCertificateThumbprint` encrypts SMTP between Exchange servers and is the
//!   certificate EdgeSync uses (Enable-ExchangeCertificate docs, `-Services SMTP`; CSS-Exchange
//!   `Get-ExchangeCertificateCustomObject.ps1` `IsInternalTransportCertificate`).
//! - **bound to port 444**: the back-end site's binding; see self-signed.
//! - **still named**: a connector, the hybrid configuration or a POP/IMAP setting that names the
//!   certificate and that the plan does not change would be left pointing at nothing.
//! - **federation**: a certificate enabled for Federation belongs to the federation trust, which
//!   `Set-FederationTrust` manages (Enable-ExchangeCertificate docs, `-Services`).

use crate::thumbprint::Thumbprint;

/// Why a certificate must not be removed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Protected {
    /// Self-signed: the Exchange back-end and internal certificate.
    SelfSigned,
    /// `Get-AuthConfig` CurrentCertificateThumbprint.
    AuthCurrent,
    /// `Get-AuthConfig` NextCertificateThumbprint.
    AuthNext,
    /// The server's internal transport certificate after the plan.
    InternalTransport,
    /// Bound to port 444 (the Exchange Back End site).
    BackEnd444,
    /// Still named by a setting the plan leaves unchanged.
    StillNamed {
        /// What names it (`send connector Outbound to Office 365 …`).
        by: String,
    },
    /// Enabled for Federation.
    Federation,
}

impl std::fmt::Display for Protected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Protected::SelfSigned => f.write_str(
                "it is self-signed (the Exchange certificate for the back end on port 444 and internal SMTP)",
            ),
            Protected::AuthCurrent => f.write_str("it is the current Auth certificate (Get-AuthConfig)"),
            Protected::AuthNext => f.write_str("it is the next Auth certificate (Get-AuthConfig)"),
            Protected::InternalTransport => f.write_str(
                "it is the server's internal transport certificate (Get-TransportService)",
            ),
            Protected::BackEnd444 => f.write_str("it is bound to port 444 (Exchange Back End site)"),
            Protected::StillNamed { by } => write!(f, "{by} still names it and the plan does not change that"),
            Protected::Federation => f.write_str("it is enabled for Federation (managed by the federation trust)"),
        }
    }
}

/// What the plan knows about one certificate on one server, for the removal guards.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RemovalFacts {
    /// `IsSelfSigned`.
    pub self_signed: bool,
    /// Equals `Get-AuthConfig` CurrentCertificateThumbprint.
    pub auth_current: bool,
    /// Equals `Get-AuthConfig` NextCertificateThumbprint.
    pub auth_next: bool,
    /// The server's internal transport certificate once the plan has run.
    pub internal_transport_after: bool,
    /// Bound to port 444 on the server.
    pub bound_444: bool,
    /// Settings that name it and stay unchanged.
    pub named_by: Vec<String>,
    /// Its services include Federation.
    pub federation: bool,
}

/// Every reason `facts` forbid removing the certificate; empty when removal may be offered.
pub fn removal_blockers(facts: &RemovalFacts) -> Vec<Protected> {
    let mut out = Vec::new();
    if facts.self_signed {
        out.push(Protected::SelfSigned);
    }
    if facts.auth_current {
        out.push(Protected::AuthCurrent);
    }
    if facts.auth_next {
        out.push(Protected::AuthNext);
    }
    if facts.internal_transport_after {
        out.push(Protected::InternalTransport);
    }
    if facts.bound_444 {
        out.push(Protected::BackEnd444);
    }
    for by in &facts.named_by {
        out.push(Protected::StillNamed { by: by.clone() });
    }
    if facts.federation {
        out.push(Protected::Federation);
    }
    out
}

/// First build of Windows that imports PBES2/AES PKCS#12 files: Windows Server 2019, 17763
/// (design.md §4.3; [`crate::windows`]).
pub const FIRST_AES_PFX_BUILD: u32 = 17763;

/// Whether an Exchange build (`major.minor.build.revision`, e.g. `15.2.1544.11`) supports ECC
/// certificates: the April 2024 hotfix updates, Exchange 2016 CU23 HU13 (15.1.2507.39), 2019
/// CU13 HU6 (15.2.1258.34) and CU14 HU2 (15.2.1544.11), and every later CU (CSS-Exchange
/// `Shared/Get-ExchangeBuildVersionInformation.ps1`, "Apr24HU"; Microsoft Learn "Elliptic Curve
/// Cryptography certificates support in Exchange Server"). `None` when the build is unknown.
pub fn exchange_build_supports_ecc(version: [u32; 4]) -> bool {
    let [major, minor, build, revision] = version;
    match (major, minor) {
        (15, 1) => build > 2507 || (build == 2507 && revision >= 39),
        (15, 2) => {
            build > 1544 || (build == 1544 && revision >= 11) || (build == 1258 && revision >= 34)
        }
        (m, _) => m > 15,
    }
}

/// A reason the plan is refused for the new certificate.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// An AES (PBES2) PFX for a server that cannot import it.
    #[error("the PFX is AES-encrypted (PBES2) and {server} runs Windows build {build}, below {FIRST_AES_PFX_BUILD} (Server 2019): it would refuse the file with \"The specified network password is not correct\"; convert it with certprep pfx NEW.pfx --profile compat -o compat.pfx")]
    AesPfx {
        /// The server.
        server: String,
        /// Its OS build.
        build: u32,
    },
    /// The PFX encryption or the OS build is unknown where it matters.
    #[error("{server}: {what} is not known, and an AES PFX fails to import below Windows build {FIRST_AES_PFX_BUILD}; give the PFX itself (not its certificate) and a state file that has the server's OS build")]
    PfxUnknown {
        /// The server.
        server: String,
        /// What is missing.
        what: &'static str,
    },
    /// An ECC certificate where Exchange does not support it.
    #[error("the new certificate has an ECDSA key and {server} ({version}) does not support ECC certificates: that needs Exchange 2016 CU23 HU13, 2019 CU13 HU6 / CU14 HU2 (April 2024) or later with ECC support enabled; use an RSA certificate")]
    EccBuild {
        /// The server.
        server: String,
        /// Its AdminDisplayVersion.
        version: String,
    },
    /// An ECC certificate on an Edge server or with EdgeSync.
    #[error("the new certificate has an ECDSA key and {server} needs it for Edge/EdgeSync, which only uses CAPI (RSA) keys; use an RSA certificate")]
    EccEdge {
        /// The server.
        server: String,
    },
    /// An ECC certificate where ECC support is off or not known.
    #[error("the new certificate has an ECDSA key and ECC certificate support is {} on {server}: it needs the ECCCertificateSupport setting override and the EnableEccCertificateSupport registry value (Microsoft Learn: Elliptic Curve Cryptography certificates support in Exchange Server); enable both, collect again, or use an RSA certificate", if *.known { "off" } else { "not known" })]
    EccSettings {
        /// The server.
        server: String,
        /// Whether the state said (off) or did not say.
        known: bool,
    },
    /// A CNG key where EdgeSync needs CAPI.
    #[error("the PFX's RSA key has no Microsoft CSP name, so Windows puts it in a CNG provider, and {server} needs it for Edge/EdgeSync, which fails with event 1035 on CNG keys; rebuild the PFX with certprep pfx (it names the Microsoft Enhanced RSA and AES Cryptographic Provider)")]
    CngEdge {
        /// The server.
        server: String,
    },
}

/// A thumbprint compared as Exchange prints it (uppercase hex).
pub fn same_thumbprint(a: &str, b: &Thumbprint) -> bool {
    a.trim().eq_ignore_ascii_case(&b.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removal_blockers_each_fact_blocks_alone() {
        assert!(removal_blockers(&RemovalFacts::default()).is_empty());
        let cases: [(RemovalFacts, Protected); 7] = [
            (
                RemovalFacts {
                    self_signed: true,
                    ..Default::default()
                },
                Protected::SelfSigned,
            ),
            (
                RemovalFacts {
                    auth_current: true,
                    ..Default::default()
                },
                Protected::AuthCurrent,
            ),
            (
                RemovalFacts {
                    auth_next: true,
                    ..Default::default()
                },
                Protected::AuthNext,
            ),
            (
                RemovalFacts {
                    internal_transport_after: true,
                    ..Default::default()
                },
                Protected::InternalTransport,
            ),
            (
                RemovalFacts {
                    bound_444: true,
                    ..Default::default()
                },
                Protected::BackEnd444,
            ),
            (
                RemovalFacts {
                    named_by: vec!["send connector X".into()],
                    ..Default::default()
                },
                Protected::StillNamed {
                    by: "send connector X".into(),
                },
            ),
            (
                RemovalFacts {
                    federation: true,
                    ..Default::default()
                },
                Protected::Federation,
            ),
        ];
        for (facts, want) in cases {
            assert_eq!(removal_blockers(&facts), vec![want]);
        }
    }

    #[test]
    fn ecc_support_follows_the_april_2024_hotfix_builds() {
        assert!(!exchange_build_supports_ecc([15, 1, 2507, 37]));
        assert!(exchange_build_supports_ecc([15, 1, 2507, 39]));
        assert!(!exchange_build_supports_ecc([15, 2, 1258, 32]));
        assert!(exchange_build_supports_ecc([15, 2, 1258, 34]));
        assert!(!exchange_build_supports_ecc([15, 2, 1544, 9]));
        assert!(exchange_build_supports_ecc([15, 2, 1544, 11]));
        assert!(exchange_build_supports_ecc([15, 2, 1748, 10]));
        assert!(!exchange_build_supports_ecc([15, 2, 1118, 40]));
        assert!(!exchange_build_supports_ecc([15, 0, 1497, 48]));
    }
}

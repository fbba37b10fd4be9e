//! `ecdsa-exchange-support`: an ECDSA certificate works only on recent Exchange builds with ECC
//! support switched on, never for the Auth or federation certificate, and is risky on Edge.
//! ### Why
//! Exchange supports ECC certificates from Exchange Server 2019 CU14 HU2 / CU13 HU6 and 2016
//! CU23 HU13 (April 2024 hotfix updates), behind the setting override (component `Global`,
//! section `ECCCertificateSupport`) before the November 2024 SU, and the
//! `EnableEccCertificateSupport` registry value from that SU on. The Auth
//! certificate must be RSA; EdgeSync needs a CAPI (RSA) key.

use crate::check::{Ctx, Fix, Rule, Service, Severity, Verdict};
use crate::model::{Cert, KeyAlgorithm};

/// The rule.
pub static RULE: Rule = Rule {
    id: "ecdsa-exchange-support",
    severity: Severity::Warning,
    summary: "ecdsa certificate needs recent exchange builds and ecc support enabled",
    citation: "CSS-Exchange HealthChecker: Invoke-AnalyzerSecurityOverrides.ps1, Invoke-AnalyzerFrequentConfigurationIssues.ps1 (aka.ms/HC-EccCertificateChange)",
    remediation: Some(FIX),
    why: "Exchange supports ECC certificates from the April 2024 hotfix updates (2019 CU14 HU2 / CU13 HU6, 2016 CU23 HU13), behind a setting override: HealthChecker looks for component `Global`, section `ECCCertificateSupport`, parameter `Enabled=true` (https://github.com/microsoft/CSS-Exchange/blob/main/Diagnostics/HealthChecker/Analyzer/Security/Invoke-AnalyzerSecurityOverrides.ps1). From the November 2024 SU (15.2.1544.13, 15.2.1258.38, 15.1.2507.43) the registry value `HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Diagnostics\\EnableEccCertificateSupport` = \"1\" is what counts: HealthChecker reports \"No longer fully enabled\" when the override is set without it, and warns when the value is set on an older build (https://github.com/microsoft/CSS-Exchange/blob/main/Diagnostics/HealthChecker/Analyzer/Invoke-AnalyzerFrequentConfigurationIssues.ps1); both link https://aka.ms/HC-EccCertificateChange, Microsoft's page on the change. Microsoft Learn's ECC certificate article could not be read through certprep's search tool, so the build numbers and mechanisms here are HealthChecker's. Warning; error for the Auth certificate and on Edge.",
    check,
};

/// The PowerShell that enables ECC certificate support, one mechanism per Exchange build (CSS-Exchange
/// HealthChecker, `Invoke-AnalyzerSecurityOverrides.ps1` and
/// `Invoke-AnalyzerFrequentConfigurationIssues.ps1`): before the November 2024 SU the setting
/// override (component `Global`, section `ECCCertificateSupport`); from that SU the registry value
/// `EnableEccCertificateSupport` = "1" on every Exchange server, which HealthChecker requires
/// there and warns about on older builds. Comments say which build decides; nothing in it
/// depends on a value from the certificate.
pub const FIX: &str = "# Exchange before the November 2024 SU (2019 CU14 below 15.2.1544.13, 2019 CU13 below 15.2.1258.38, 2016 CU23 below 15.1.2507.43): the setting override, once per organisation\n\
New-SettingOverride -Name 'EnableECCCertificateSupport' -Component Global -Section ECCCertificateSupport -Parameters @('Enabled=true') -Reason 'Enable ECC certificate support'\n\
Get-ExchangeDiagnosticInfo -Process Microsoft.Exchange.Directory.TopologyService -Component VariantConfiguration -Argument Refresh\n\
# November 2024 SU or later: instead, this registry value on every Exchange server (https://aka.ms/HC-EccCertificateChange)\n\
New-ItemProperty -Path 'HKLM:\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Diagnostics' -Name 'EnableEccCertificateSupport' -Value '1' -PropertyType String -Force";

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    let KeyAlgorithm::Ec { curve } = &cert.public_key.algorithm else {
        return Verdict::Pass; // RSA: supported by every Exchange build
    };
    let builds = "Exchange Server 2019 CU14 HU2 / CU13 HU6 or Exchange Server 2016 CU23 HU13 (April 2024) or later";
    if ctx.options.has(Service::Auth) {
        return Verdict::fail(format!(
            "ECDSA {curve} key: the Exchange Auth and federation certificates must be RSA"
        ))
        .escalated(Severity::Error);
    }
    if ctx.options.edge {
        return Verdict::fail(format!(
            "ECDSA {curve} key on Edge Transport: EdgeSync needs an RSA (CAPI) key; use an RSA certificate"
        ))
        .escalated(Severity::Error);
    }
    Verdict::fail_fix(
        format!("ECDSA {curve} key: needs {builds}, with ECC certificate support enabled"),
        Fix::Advice(FIX),
    )
}

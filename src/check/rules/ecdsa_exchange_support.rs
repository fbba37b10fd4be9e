//! `ecdsa-exchange-support`: an ECDSA certificate works only on recent Exchange builds with ECC
//! support switched on, never for the Auth or federation certificate, and is risky on Edge.
//! ### Why
//! Exchange supports ECC certificates from Exchange Server 2019 CU14 HU2 / CU13 HU6 and 2016
//! CU23 HU13 (April 2024 hotfix updates), behind the `ECCCertificateSupport` setting override
//! and, from the November 2024 SU, the `EnableEccCertificateSupport` registry value. The Auth
//! certificate must be RSA; EdgeSync needs a CAPI (RSA) key.

use crate::check::{Ctx, Rule, Service, Severity, Verdict};
use crate::model::{Cert, KeyAlgorithm};

/// The rule.
pub static RULE: Rule = Rule {
    id: "ecdsa-exchange-support",
    severity: Severity::Warning,
    summary: "ecdsa certificate needs recent exchange builds and ecc support enabled",
    citation:
        "Microsoft Learn: Elliptic Curve Cryptography certificates support in Exchange Server",
    remediation: Some(FIX),
    check,
};

/// The PowerShell that enables ECC certificate support (run in the Exchange Management Shell,
/// the registry value on every Exchange server).
pub const FIX: &str = "New-SettingOverride -Name \"EnableECCCertificateSupport\" -Component Security -Section ECCCertificateSupport -Parameters @(\"Enabled=true\") -Reason \"Enable ECC certificate support\"\n\
Get-ExchangeDiagnosticInfo -Process Microsoft.Exchange.Directory.TopologyService -Component VariantConfiguration -Argument Refresh\n\
New-ItemProperty -Path \"HKLM:\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Diagnostics\" -Name \"EnableEccCertificateSupport\" -Value 1 -Type String -Force";

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
        FIX,
    )
}

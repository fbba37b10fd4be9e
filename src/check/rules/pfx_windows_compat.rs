//! `pfx-windows-compat`: a PFX must import on the oldest Windows given with `--windows`, or,
//! when none is given, on Windows Server 2016 (the oldest that runs a supported Exchange).
//! ### Why
//! Windows Server 2016 and older cannot read PBES2/AES-256 PKCS#12 files or SHA-2 MACs and say
//! "The specified network password is not correct", which sends administrators hunting for a
//! password that is in fact right (design.md §4.3).

use crate::check::{Ctx, Fix, Rule, Severity, Verdict};
use crate::model::Cert;
use crate::windows::{pfx_import_verdict, ImportVerdict, ASSUMED};

/// The rule.
pub static RULE: Rule = Rule {
    id: "pfx-windows-compat",
    severity: Severity::Error,
    summary: "pfx cannot be imported on the target windows version",
    citation:
        "Microsoft Learn: PKCS12_PBES2_EXPORT_PARAMS (PBES2 from Windows 10 1709 / Server 2019)",
    remediation: Some("certprep pfx IN.pfx --profile compat -o OUT.pfx"),
    why: "Windows before Server 2019 cannot read PBES2/AES PKCS#12 files and reports \"The specified network password is not correct\" (PKCS12_PBES2_EXPORT_PARAMS, https://learn.microsoft.com/en-us/windows/win32/api/wincrypt/ns-wincrypt-pkcs12_pbes2_export_params). Without `--windows`, Windows Server 2016 is assumed — the oldest Windows a supported Exchange runs on (Exchange Server supportability matrix, https://learn.microsoft.com/en-us/Exchange/plan-and-deploy/supportability-matrix?view=exchserver-2019: Exchange 2019 needs Server 2019 or later, Exchange 2016 runs on 2012 R2 and 2016) — and the finding says so. Error.",
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    let Some(pfx) = ctx.pfx else {
        return Verdict::NotApplicable;
    };
    // No target given: the oldest Windows a supported Exchange runs on, said in the finding.
    let (version, assumed) = match ctx.options.windows {
        Some(v) => (v, ""),
        None => (
            ASSUMED,
            " (no --windows given: assumed, the oldest Windows a supported Exchange runs on; give --windows or `windows =` in certprep.toml to narrow it)",
        ),
    };
    match pfx_import_verdict(pfx, version) {
        ImportVerdict::Imports => Verdict::Pass,
        ImportVerdict::CannotImport { reason } => Verdict::fail_fix(
            format!(
                "{version}{assumed} cannot import it ({reason}); the import fails with \"The specified network password is not correct\" even with the right password"
            ),
            Fix::PfxCompat {
                pfx: pfx.origin.clone(),
                cert: cert.origin.clone(),
            },
        ),
    }
}

//! `pfx-windows-compat`: a PFX must import on the oldest Windows given with `--windows`.
//! ### Why
//! Windows Server 2016 and older cannot read PBES2/AES-256 PKCS#12 files or SHA-2 MACs and say
//! "The specified network password is not correct", which sends administrators hunting for a
//! password that is in fact right (design.md §4.3).

use crate::check::{Ctx, Rule, Severity, Verdict};
use crate::model::Cert;
use crate::windows::{pfx_import_verdict, ImportVerdict};

/// The rule.
pub static RULE: Rule = Rule {
    id: "pfx-windows-compat",
    severity: Severity::Error,
    summary: "pfx cannot be imported on the given windows version",
    citation:
        "Microsoft Learn: PKCS12_PBES2_EXPORT_PARAMS (PBES2 from Windows 10 1709 / Server 2019)",
    remediation: Some("certprep pfx IN.pfx --profile compat -o OUT.pfx"),
    check,
};

fn check(cert: &Cert, ctx: &Ctx<'_>) -> Verdict {
    let (Some(pfx), Some(version)) = (ctx.pfx, ctx.options.windows) else {
        return Verdict::NotApplicable;
    };
    match pfx_import_verdict(pfx, version) {
        ImportVerdict::Imports => Verdict::Pass,
        ImportVerdict::CannotImport { reason } => Verdict::fail_fix(
            format!(
                "{version} cannot import it ({reason}); the import fails with \"The specified network password is not correct\" even with the right password"
            ),
            format!(
                "certprep pfx {} --profile compat -o {}-compat.pfx",
                super::shell_path(&pfx.origin.file_name()),
                super::stem(&cert.origin.path)
            ),
        ),
    }
}

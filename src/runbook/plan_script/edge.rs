//! The `-EdgeSubscriptionFile` mode: after the Edge server's own certificate changed (the
//! commands for it are printed as comments), remove and re-create each Edge Subscription on a
//! Mailbox server and start EdgeSync. It refuses, before any change, an Edge server whose
//! Active Directory site the state does not show.

use super::{change, Plan, Script, C, V};

/// The `if ($EdgeSubscriptionFile) { … return }` block.
pub(super) fn edge_subscription(s: &mut Script, plan: &Plan) {
    s.blank();
    s.comment("---- Edge (-EdgeSubscriptionFile): re-subscribe after the Edge server's certificate changed ----");
    s.open(&[C("if ($EdgeSubscriptionFile) {")]);
    if plan.edge.is_empty() {
        s.code("throw 'The state lists no subscribed Edge server, so there is nothing to re-subscribe.'");
    } else {
        s.comment("On the Edge server first (its own shell, it is not in the domain):");
        s.comment(&format!(
            "  Import-ExchangeCertificate -FileData ([System.IO.File]::ReadAllBytes('{}')) -Password (Read-Host -AsSecureString) -PrivateKeyExportable $true",
            plan.new.pfx_path
        ));
        s.comment(&format!(
            "  Enable-ExchangeCertificate -Thumbprint {} -Services SMTP -Force",
            plan.new.thumbprint
        ));
        s.comment("  New-EdgeSubscription -FileName C:\\EdgeSubscription.xml");
        s.comment("then copy the file here and run this script with -EdgeSubscriptionFile within 24 hours");
        s.comment(
            "(New-EdgeSubscription docs: the file's bootstrap account lasts 24 hours by default).",
        );
        s.line(&[C("$edgeData = [System.IO.File]::ReadAllBytes((Resolve-Path -LiteralPath $EdgeSubscriptionFile).ProviderPath)")]);
        for e in &plan.edge {
            let Some(site) = &e.site else {
                // -Site is required on a Mailbox server (New-EdgeSubscription docs): refuse
                // before removing anything rather than guess it.
                s.line(&[
                    C("throw "),
                    V(&format!(
                        "The state does not show the Active Directory site of {}; nothing was changed. Run Remove-EdgeSubscription and New-EdgeSubscription -FileData ... -Site SITE yourself.",
                        e.name
                    )),
                ]);
                continue;
            };
            change(
                s,
                &format!("remove the Edge Subscription of {}", e.name),
                &[
                    C("Remove-EdgeSubscription -Identity "),
                    V(&e.name),
                    C(" -Confirm:$false -ErrorAction Stop -WhatIf:$WhatIf"),
                ],
            );
            change(
                s,
                &format!("subscribe {} again", e.name),
                &[
                    C("New-EdgeSubscription -FileData $edgeData -Site "),
                    V(site),
                    C(" -ErrorAction Stop -WhatIf:$WhatIf"),
                ],
            );
        }
        change(
            s,
            "start EdgeSync",
            &[C(
                "Start-EdgeSynchronization -ErrorAction Stop -WhatIf:$WhatIf",
            )],
        );
        s.code("Test-EdgeSynchronization | Format-List Name, SyncStatus, LeaseHolder | Out-Host");
    }
    s.code("return");
    s.close("}");
}

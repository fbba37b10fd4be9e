//! The script and the printed plan for a [`Plan`] (`certprep runbook NEW --state …`).
//!
//! The script's safety properties, and why each is built the way it is:
//! - **Stops at the first failure, whatever the shell.** In the Exchange Management Shell every
//!   Exchange cmdlet is a proxy function of implicit remoting: `-ErrorAction` is applied on the
//!   server, errors arrive in the local session as non-terminating ones, and a script's
//!   `$ErrorActionPreference` is not seen by the proxy module (PowerShell-Docs issue #1583,
//!   "Our Error Handling, Ourselves"; PowerShell issue #4568). So every changing call goes
//!   through `Invoke-CertprepChange`, which stops on an exception, on `$?` false and on any new
//!   record in `$Error`, and then each effect is read back (`Assert-CertprepValue`).
//! - **Re-reads before changing.** Every value the plan was computed from is read again and
//!   compared; any difference stops the script before the first change.
//! - **Snapshot and rollback.** The collected values are the snapshot (proven current by the
//!   re-read); `-Rollback` sets exactly those back, empty ones as `$null`, and reads them back.
//! - **Verifies before removing**: Status Valid on every server, the certificate presented on
//!   HTTPS 443, SMTP 25 and 587 (STARTTLS), POP 995 and IMAP 993 where enabled; removal only
//!   with no problem, and only after typing REMOVE.
//!
//! Every value reaches the script through [`super::quote::ps_literal`] (the `V` token).

use super::plan::{Plan, SettingKind};
use super::render::{copy, preamble, Script, Tok, C, V, WHATIF_PARAM};
use super::NoteSeverity;

/// Services `Enable-ExchangeCertificate -Services` takes (Federation is managed by the
/// federation trust; Enable-ExchangeCertificate docs).
pub(crate) const ENABLE_SERVICES: [&str; 6] = ["IIS", "SMTP", "POP", "IMAP", "UM", "UMCallRouter"];

/// The human-readable plan: every change per server and why, and what is kept and why.
pub fn plan_text(plan: &Plan) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!(
        "Plan: replace {} ({}) with {} ({})",
        plan.old.thumbprint, plan.old.subject, plan.new.thumbprint, plan.new.subject
    ));
    line(format!("  old certificate: {}", plan.old.chosen));
    line(format!("  new TLS name:    {}", plan.new.tls_name));
    for s in &plan.servers {
        line(String::new());
        line(format!("Server {}", s.name));
        if s.import {
            line(format!(
                "  import {} as {:?}",
                plan.new.pfx_path, plan.new.friendly_name
            ));
        } else {
            line("  import: already there (the state lists it)".to_owned());
        }
        if !s.services.is_empty() {
            line(format!(
                "  enable for {}{}",
                s.services.join(", "),
                if s.do_not_require_ssl {
                    " with -DoNotRequireSsl"
                } else {
                    ""
                }
            ));
        }
        for w in &s.why {
            line(format!("    why: {w}"));
        }
    }
    if !plan.settings.is_empty() {
        line(String::new());
        line("Settings".to_owned());
        for c in &plan.settings {
            line(format!(
                "  {}: {} -> {}",
                setting_label(c.kind, &c.identity),
                c.change.from.as_deref().unwrap_or("(empty)"),
                c.change.to.as_deref().unwrap_or("(empty)")
            ));
            line(format!("    why: {}", c.why));
        }
    }
    for u in &plan.unchanged {
        line(format!("  unchanged: {u}"));
    }
    if !plan.edge.is_empty() {
        line(String::new());
        line("Edge Transport (run on each Edge server, then on a Mailbox server; see the script's -EdgeSubscriptionFile)".to_owned());
        for e in &plan.edge {
            line(format!(
                "  {}: import and enable for SMTP on the Edge server, New-EdgeSubscription -FileName there, then within 24 hours Remove-EdgeSubscription {} and New-EdgeSubscription -FileData … -Site {} on a Mailbox server",
                e.name,
                e.name,
                e.site.as_deref().unwrap_or("(the Mailbox servers' site)")
            ));
        }
    }
    line(String::new());
    line("Old certificate".to_owned());
    for r in &plan.removals {
        if r.kept_because.is_empty() {
            line(format!(
                "  {}: removed after verification, if you type REMOVE",
                r.server
            ));
        } else {
            let why: Vec<String> = r.kept_because.iter().map(|p| p.to_string()).collect();
            line(format!("  {}: kept, because {}", r.server, why.join("; ")));
        }
    }
    if !plan.reminders.is_empty() {
        line(String::new());
        line("Exchange Online".to_owned());
        for r in &plan.reminders {
            line(format!("  {r}"));
        }
    }
    for n in &plan.notes {
        line(format!("check {:?} {}: {}", n.severity, n.id, n.message));
    }
    out
}

/// Render the script for `plan` (text, LF line ends, no BOM; see [`super::UTF8_BOM`]).
pub fn render_plan(plan: &Plan) -> String {
    let mut s = Script {
        out: String::new(),
        indent: 0,
    };
    header(&mut s, plan);
    preamble(
        &mut s,
        &[
            WHATIF_PARAM,
            (
                "# Set every changed value back to the collected snapshot instead of renewing.",
                "[switch]$Rollback,",
            ),
            (
                "# Edge only: the Edge Subscription file made on the Edge server after its certificate changed.",
                "[string]$EdgeSubscriptionFile",
            ),
        ],
        &[PLAN_HELPERS],
    );
    // -EdgeSubscriptionFile and -Rollback run after a renewal changed things, so the drift
    // check guards the renewal only.
    edge_subscription(&mut s, plan);
    rollback(&mut s, plan);
    drift_check(&mut s, plan);
    renew(&mut s, plan);
    s.out
}

fn header(s: &mut Script, plan: &Plan) {
    s.comment(&format!(
        "Exchange certificate renewal, planned by {} from exchange-state.json. Review it before running it.",
        plan.generator
    ));
    s.comment("");
    for l in plan_text(plan).lines() {
        s.comment(l);
    }
    s.comment("");
    let name = format!(".\\{}", plan.script_name);
    s.comment("Run it in the Exchange Management Shell:");
    s.comment(&format!(
        "  {name} -WhatIf      show every change without making it"
    ));
    s.comment(&format!(
        "  {name}              renew; asks before removing the old certificate"
    ));
    s.comment(&format!(
        "  {name} -Rollback    set every changed value back to the collected snapshot"
    ));
    if !plan.edge.is_empty() {
        s.comment(&format!(
            "  {name} -EdgeSubscriptionFile PATH   re-subscribe the Edge server (after its own step)"
        ));
    }
    for n in &plan.notes {
        let tag = match n.severity {
            NoteSeverity::Error => "ERROR (generated with --ignore-check)",
            NoteSeverity::Warning => "warning",
            NoteSeverity::Info => "info",
        };
        s.comment(&format!("certprep check {tag} {}: {}", n.id, n.message));
    }
}

/// `$null` for an empty value, else its literal.
fn value_or_null<'a>(v: &'a Option<String>) -> Tok<'a> {
    match v {
        Some(v) => V(v),
        None => C("$null"),
    }
}

/// The PowerShell expression that reads a setting's current value.
fn getter<'a>(kind: SettingKind, identity: &'a str) -> Vec<Tok<'a>> {
    match kind {
        SettingKind::SendConnector => vec![
            C("(Get-SendConnector -Identity "),
            V(identity),
            C(").TlsCertificateName"),
        ],
        SettingKind::ReceiveConnector => vec![
            C("(Get-ReceiveConnector -Identity "),
            V(identity),
            C(").TlsCertificateName"),
        ],
        SettingKind::Hybrid => vec![C("(Get-HybridConfiguration).TlsCertificateName")],
        SettingKind::Pop => vec![
            C("(Get-PopSettings -Server "),
            V(identity),
            C(").X509CertificateName"),
        ],
        SettingKind::Imap => vec![
            C("(Get-ImapSettings -Server "),
            V(identity),
            C(").X509CertificateName"),
        ],
    }
}

/// The command that sets a setting to `value` (a literal or `$null`).
fn setter<'a>(kind: SettingKind, identity: &'a str, value: Tok<'a>) -> Vec<Tok<'a>> {
    let mut t = match kind {
        SettingKind::SendConnector => vec![
            C("Set-SendConnector -Identity "),
            V(identity),
            C(" -TlsCertificateName "),
        ],
        SettingKind::ReceiveConnector => vec![
            C("Set-ReceiveConnector -Identity "),
            V(identity),
            C(" -TlsCertificateName "),
        ],
        SettingKind::Hybrid => vec![C("Set-HybridConfiguration -TlsCertificateName ")],
        SettingKind::Pop => vec![
            C("Set-PopSettings -Server "),
            V(identity),
            C(" -X509CertificateName "),
        ],
        SettingKind::Imap => vec![
            C("Set-ImapSettings -Server "),
            V(identity),
            C(" -X509CertificateName "),
        ],
    };
    t.push(value);
    t.push(C(" -ErrorAction Stop -WhatIf:$WhatIf"));
    t
}

/// `Invoke-CertprepChange -What '…' -Change { command }`, then the read-back.
fn change(s: &mut Script, what: &str, command: &[Tok]) {
    let mut t = vec![
        C("$null = Invoke-CertprepChange -What "),
        V(what),
        C(" -Change { "),
    ];
    t.extend(copy(command));
    t.push(C(" }"));
    s.line(&t);
}

fn read_back(s: &mut Script, what: &str, get: &[Tok], expected: Tok) {
    let mut t = vec![C("Assert-CertprepValue -What "), V(what), C(" -Actual ")];
    t.extend(copy(get));
    t.push(C(" -Expected "));
    t.push(expected);
    s.line(&t);
}

fn setting_label(kind: SettingKind, identity: &str) -> String {
    if identity.is_empty() {
        kind.label().to_owned()
    } else {
        format!("{} {identity}", kind.label())
    }
}

fn enable_line<'a>(
    server: &'a str,
    thumbprint: &'a str,
    services: &'a str,
    do_not_require_ssl: bool,
) -> Vec<Tok<'a>> {
    vec![
        C("Enable-ExchangeCertificate -Server "),
        V(server),
        C(" -Thumbprint "),
        V(thumbprint),
        C(" -Services "),
        V(services),
        C(if do_not_require_ssl {
            " -DoNotRequireSsl -Force -ErrorAction Stop -WhatIf:$WhatIf"
        } else {
            " -Force -ErrorAction Stop -WhatIf:$WhatIf"
        }),
    ]
}

fn drift_check(s: &mut Script, plan: &Plan) {
    s.blank();
    s.comment(
        "---- The collected values this plan was computed from: re-read, stop if any changed ----",
    );
    s.code("$drift = @()");
    let old = plan.old.thumbprint.to_string();
    for server in &plan.servers {
        s.line(&[
            C("$certificate = Get-ExchangeCertificate -Server "),
            V(&server.name),
            C(" -Thumbprint "),
            V(&old),
            C(" -ErrorAction SilentlyContinue"),
        ]);
        s.open(&[C("if ($null -eq $certificate) {")]);
        s.line(&[
            C("$drift += "),
            V(&format!(
                "{}: the old certificate {old} is not there",
                server.name
            )),
        ]);
        s.close("} else {");
        s.indent += 1;
        let services = server.old_services.join(",");
        s.line(&[
            C("$drift += Compare-CertprepServices -What "),
            V(&format!("{}: services of the old certificate", server.name)),
            C(" -Actual $certificate.Services -Expected "),
            V(&services),
        ]);
        s.close("}");
        if let Some(t) = &server.internal_transport {
            s.line(&[
                C("$drift += Compare-CertprepValue -What "),
                V(&format!("{}: internal transport certificate", server.name)),
                C(" -Actual (Get-TransportService -Identity "),
                V(&server.name),
                C(").InternalTransportCertificateThumbprint -Expected "),
                V(&t.to_string()),
            ]);
        }
    }
    let (current, next) = &plan.auth;
    s.code("$authConfig = Get-AuthConfig");
    for (what, prop, value) in [
        (
            "Auth certificate (current)",
            "$authConfig.CurrentCertificateThumbprint",
            current,
        ),
        (
            "Auth certificate (next)",
            "$authConfig.NextCertificateThumbprint",
            next,
        ),
    ] {
        let v = value.map(|t| t.to_string());
        s.line(&[
            C("$drift += Compare-CertprepValue -What "),
            V(what),
            C(" -Actual "),
            C(prop),
            C(" -Expected "),
            value_or_null(&v),
        ]);
    }
    for c in &plan.settings {
        let label = setting_label(c.kind, &c.identity);
        let mut t = vec![
            C("$drift += Compare-CertprepValue -What "),
            V(&label),
            C(" -Actual "),
        ];
        t.extend(getter(c.kind, &c.identity));
        t.push(C(" -Expected "));
        t.push(value_or_null(&c.change.from));
        s.line(&t);
    }
    // Connectors that appeared since collection and name the old certificate would be missed.
    for (kind, get) in [
        (SettingKind::SendConnector, "Get-SendConnector"),
        (SettingKind::ReceiveConnector, "Get-ReceiveConnector"),
    ] {
        let count = plan.settings.iter().filter(|c| c.kind == kind).count();
        let count = count.to_string();
        let get_line = match kind {
            SettingKind::SendConnector => C("$naming = @(Get-SendConnector | Where-Object { [string]$_.TlsCertificateName -ceq "),
            _ => C("$naming = @(Get-ReceiveConnector | Where-Object { [string]$_.TlsCertificateName -ceq "),
        };
        s.line(&[get_line, V(&plan.old.tls_name), C(" })")]);
        s.line(&[
            C("$drift += Compare-CertprepValue -What "),
            V(&format!(
                "{}s naming the old certificate ({get})",
                kind.label()
            )),
            C(" -Actual $naming.Count -Expected "),
            V(&count),
        ]);
    }
    s.code("$drift = @($drift | Where-Object { $_ })");
    s.open(&[C("if ($drift.Count -gt 0) {")]);
    s.code("$drift | ForEach-Object { Write-Warning $_ }");
    s.code("throw 'The organisation changed since exchange-state.json was collected; nothing was changed. Collect again and plan again.'");
    s.close("}");
}

fn edge_subscription(s: &mut Script, plan: &Plan) {
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

fn rollback(s: &mut Script, plan: &Plan) {
    s.blank();
    s.comment("---- Rollback (-Rollback): every changed value back to the collected snapshot ----");
    s.open(&[C("if ($Rollback) {")]);
    let old = plan.old.thumbprint.to_string();
    for server in &plan.servers {
        let services: Vec<&str> = server
            .old_services
            .iter()
            .map(String::as_str)
            .filter(|x| ENABLE_SERVICES.iter().any(|e| e.eq_ignore_ascii_case(x)))
            .collect();
        if !services.is_empty() {
            let services = services.join(",");
            change(
                s,
                &format!("{}: enable the old certificate for {services}", server.name),
                &enable_line(&server.name, &old, &services, server.do_not_require_ssl),
            );
        }
        if let Some(t) = &server.internal_transport {
            let t = t.to_string();
            change(
                s,
                &format!(
                    "{}: internal transport certificate back to {t}",
                    server.name
                ),
                &enable_line(&server.name, &t, "SMTP", false),
            );
            read_back(
                s,
                &format!("{}: internal transport certificate", server.name),
                &[
                    C("(Get-TransportService -Identity "),
                    V(&server.name),
                    C(").InternalTransportCertificateThumbprint"),
                ],
                V(&t),
            );
        }
    }
    for c in plan.settings.iter().rev() {
        let what = setting_label(c.kind, &c.identity);
        change(
            s,
            &format!("{what} back to its collected value"),
            &setter(c.kind, &c.identity, value_or_null(&c.change.from)),
        );
        read_back(
            s,
            &what,
            &getter(c.kind, &c.identity),
            value_or_null(&c.change.from),
        );
    }
    restarts(s, plan);
    s.code("Write-Host 'Rollback done: every changed value is back to the collected snapshot.'");
    s.code("return");
    s.close("}");
}

fn restarts(s: &mut Script, plan: &Plan) {
    for server in &plan.servers {
        let has = |x: &str| server.services.iter().any(|v| v.eq_ignore_ascii_case(x));
        s.open(&[
            C("Invoke-Command -ComputerName "),
            V(&server.name),
            C(" -ArgumentList $WhatIf.IsPresent -ErrorAction Stop -ScriptBlock {"),
        ]);
        s.code("param([bool]$DryRun)");
        s.code("Restart-Service -Name 'MSExchangeTransport', 'MSExchangeFrontEndTransport' -WhatIf:$DryRun");
        if has("POP") {
            s.code("Get-Service -Name 'MSExchangePOP3', 'MSExchangePOP3BE' | Where-Object { $_.Status -eq 'Running' } | Restart-Service -WhatIf:$DryRun");
        }
        if has("IMAP") {
            s.code("Get-Service -Name 'MSExchangeIMAP4', 'MSExchangeIMAP4BE' | Where-Object { $_.Status -eq 'Running' } | Restart-Service -WhatIf:$DryRun");
        }
        if has("IIS") {
            s.code("if ($DryRun) { 'What if: iisreset /noforce' } else { iisreset /noforce }");
        }
        s.close("}");
    }
}

fn renew(s: &mut Script, plan: &Plan) {
    let new = plan.new.thumbprint.to_string();
    let mut n = 0;
    s.step(&mut n, "read the PFX file");
    s.comment(
        "[System.IO.File] resolves relative paths against the process directory: resolve first.",
    );
    s.line(&[
        C("$pfxBytes = [System.IO.File]::ReadAllBytes((Resolve-Path -LiteralPath "),
        V(&plan.new.pfx_path),
        C(").ProviderPath)"),
    ]);
    s.open(&[C("if ($WhatIf) {")]);
    s.code("$pfxPassword = New-Object -TypeName System.Security.SecureString");
    s.close("} else {");
    s.indent += 1;
    s.line(&[
        C("$pfxPassword = Read-Host -AsSecureString -Prompt "),
        V(&format!("Password of {}", plan.new.pfx_path)),
    ]);
    s.close("}");

    s.step(
        &mut n,
        "import, enable, keep the internal transport certificate",
    );
    for server in &plan.servers {
        if server.import {
            change(
                s,
                &format!("{}: import the new certificate", server.name),
                &[
                    C("Import-ExchangeCertificate -Server "),
                    V(&server.name),
                    C(" -FileData $pfxBytes -Password $pfxPassword -PrivateKeyExportable $true -FriendlyName "),
                    V(&plan.new.friendly_name),
                    C(" -ErrorAction Stop -WhatIf:$WhatIf"),
                ],
            );
            read_back(
                s,
                &format!("{}: imported thumbprint", server.name),
                &[
                    C("(Get-ExchangeCertificate -Server "),
                    V(&server.name),
                    C(" -Thumbprint "),
                    V(&new),
                    C(" -ErrorAction SilentlyContinue).Thumbprint"),
                ],
                V(&new),
            );
        }
        if !server.services.is_empty() {
            let services = server.services.join(",");
            let what = format!("{}: enable the new certificate for {services}", server.name);
            if server.import {
                // Under -WhatIf nothing was imported, and Enable-ExchangeCertificate would
                // fail to find the certificate: say what would happen instead.
                s.open(&[C("if ($WhatIf) {")]);
                s.line(&[C("Write-Host "), V(&format!("What if: {what}"))]);
                s.close("} else {");
                s.indent += 1;
            }
            change(
                s,
                &what,
                &enable_line(&server.name, &new, &services, server.do_not_require_ssl),
            );
            s.line(&[
                C("Assert-CertprepServices -What "),
                V(&format!("{}: services of the new certificate", server.name)),
                C(" -Actual (Get-ExchangeCertificate -Server "),
                V(&server.name),
                C(" -Thumbprint "),
                V(&new),
                C(" -ErrorAction SilentlyContinue).Services -Expected "),
                V(&services),
            ]);
            if server.import {
                s.close("}");
            }
        }
        if server.keep_internal_transport {
            if let Some(t) = &server.internal_transport {
                let t = t.to_string();
                change(
                    s,
                    &format!(
                        "{}: keep the internal transport certificate {t}",
                        server.name
                    ),
                    &enable_line(&server.name, &t, "SMTP", false),
                );
                read_back(
                    s,
                    &format!("{}: internal transport certificate", server.name),
                    &[
                        C("(Get-TransportService -Identity "),
                        V(&server.name),
                        C(").InternalTransportCertificateThumbprint"),
                    ],
                    V(&t),
                );
            }
        }
    }

    if !plan.settings.is_empty() {
        s.step(&mut n, "connectors, hybrid configuration, POP/IMAP names");
        for c in &plan.settings {
            let what = setting_label(c.kind, &c.identity);
            change(
                s,
                &format!("{what}: set {}", c.change.to.as_deref().unwrap_or("")),
                &setter(c.kind, &c.identity, value_or_null(&c.change.to)),
            );
            read_back(
                s,
                &what,
                &getter(c.kind, &c.identity),
                value_or_null(&c.change.to),
            );
        }
    }

    s.step(&mut n, "restart the services that cache the certificate");
    restarts(s, plan);

    s.step(&mut n, "verify on every server");
    s.code("$problems = 0");
    s.open(&[C("if ($WhatIf) {")]);
    s.code("Write-Host '  -WhatIf: nothing was changed, so there is nothing to verify.'");
    s.close("} else {");
    s.indent += 1;
    for server in &plan.servers {
        s.line(&[
            C("$problems += Test-CertprepStatus -Server "),
            V(&server.name),
            C(" -Thumbprint "),
            V(&new),
        ]);
        let mut probes: Vec<(&'static str, &'static str)> = Vec::new();
        if server.services.iter().any(|x| x == "IIS") {
            probes.push(("443", "$false"));
        }
        if server.services.iter().any(|x| x == "SMTP") {
            probes.push(("25", "$true"));
            probes.push(("587", "$true"));
        }
        if server.pop {
            probes.push(("995", "$false"));
        }
        if server.imap {
            probes.push(("993", "$false"));
        }
        for (port, starttls) in probes {
            s.line(&[
                C("$problems += Test-CertprepPresented -ComputerName "),
                V(&server.name),
                C(" -Port "),
                C(port),
                C(" -SmtpStartTls:"),
                C(starttls),
                C(" -Thumbprint "),
                V(&new),
            ]);
        }
    }
    s.close("}");

    s.step(&mut n, "remove the old certificate (asks first)");
    let offered: Vec<&str> = plan
        .removals
        .iter()
        .filter(|r| r.kept_because.is_empty())
        .map(|r| r.server.as_str())
        .collect();
    for r in plan.removals.iter().filter(|r| !r.kept_because.is_empty()) {
        let why: Vec<String> = r.kept_because.iter().map(|p| p.to_string()).collect();
        s.line(&[
            C("Write-Host "),
            V(&format!(
                "  {}: the old certificate is kept: {}",
                r.server,
                why.join("; ")
            )),
        ]);
    }
    if offered.is_empty() {
        s.code("Write-Host 'Done. The old certificate stays where it is (see above).'");
        return;
    }
    let old = plan.old.thumbprint.to_string();
    s.open(&[C("if ($problems -gt 0) {")]);
    s.code("Write-Warning ('Verification found ' + $problems + ' problem(s); the old certificate is kept. Fix them, or run this script with -Rollback.')");
    s.close("} else {");
    s.indent += 1;
    s.open(&[C("if ($WhatIf) {")]);
    s.code("$answer = 'REMOVE'");
    s.close("} else {");
    s.indent += 1;
    s.line(&[
        C("$answer = Read-Host -Prompt "),
        V(&format!(
            "Type REMOVE to delete the old certificate {old} from {} (anything else keeps it)",
            offered.join(", ")
        )),
    ]);
    s.close("}");
    s.open(&[C("if ($answer -ceq 'REMOVE') {")]);
    for server in offered {
        change(
            s,
            &format!("{server}: remove the old certificate"),
            &[
                C("Remove-ExchangeCertificate -Server "),
                V(server),
                C(" -Thumbprint "),
                V(&old),
                C(" -Confirm:$false -ErrorAction Stop -WhatIf:$WhatIf"),
            ],
        );
    }
    s.close("} else {");
    s.indent += 1;
    s.code("Write-Host 'The old certificate was kept; -Rollback can still return to it.'");
    s.close("}");
    s.close("}");
}

/// Helper functions for planned scripts: fixed text, no values.
const PLAN_HELPERS: &str = r#"function Invoke-CertprepChange {
    # Runs one changing cmdlet and stops the script on any error it reports. Exchange cmdlets in
    # the Exchange Management Shell are implicit-remoting proxies: -ErrorAction applies on the
    # server, errors arrive here as non-terminating ones, and this script's
    # $ErrorActionPreference does not reach the proxy module (PowerShell-Docs issue #1583).
    # So: an exception, $? false, or a new record in $Error all stop the script.
    param([string]$What, [scriptblock]$Change)
    $last = $null
    if ($global:Error.Count -gt 0) { $last = $global:Error[0] }
    $failure = $null
    $output = $null
    try {
        $output = & $Change
        if (-not $?) { $failure = 'the cmdlet reported an error' }
    } catch {
        $failure = $_.Exception.Message
    }
    if ($null -eq $failure -and $global:Error.Count -gt 0 -and -not [object]::ReferenceEquals($global:Error[0], $last)) {
        $failure = [string]$global:Error[0]
    }
    if ($null -ne $failure) {
        throw ('Stopped at "' + $What + '": ' + $failure + ' Nothing after it ran. Fix the cause and run again, or run this script with -Rollback.')
    }
    return $output
}

function Compare-CertprepValue {
    # '' when equal (case-sensitive, $null and '' alike), else a line describing the drift.
    param([string]$What, $Actual, $Expected)
    if ([string]$Actual -cne [string]$Expected) {
        return ($What + ': now "' + [string]$Actual + '", collected "' + [string]$Expected + '"')
    }
    return ''
}

function ConvertTo-CertprepServiceSet {
    param($Services)
    return (@(([string]$Services) -split ',' | ForEach-Object { $_.Trim().ToUpperInvariant() } | Where-Object { $_ -and $_ -ne 'NONE' }) | Sort-Object) -join ','
}

function Compare-CertprepServices {
    param([string]$What, $Actual, [string]$Expected)
    return Compare-CertprepValue -What $What -Actual (ConvertTo-CertprepServiceSet $Actual) -Expected (ConvertTo-CertprepServiceSet $Expected)
}

function Assert-CertprepValue {
    # Reads back one effect; stops the script when it is not what was set.
    param([string]$What, $Actual, $Expected)
    if ($WhatIf) { return }
    $drift = Compare-CertprepValue -What $What -Actual $Actual -Expected $Expected
    if ($drift) { throw ('Stopped: read back ' + $drift + ' (expected). Run this script with -Rollback.') }
}

function Assert-CertprepServices {
    # Every expected service is enabled (Enable-ExchangeCertificate only adds services).
    param([string]$What, $Actual, [string]$Expected)
    if ($WhatIf) { return }
    $have = (ConvertTo-CertprepServiceSet $Actual) -split ','
    foreach ($service in ((ConvertTo-CertprepServiceSet $Expected) -split ',')) {
        if ($have -notcontains $service) { throw ('Stopped: ' + $What + ' lacks ' + $service + '. Run this script with -Rollback.') }
    }
}

function Test-CertprepStatus {
    # 0 when the certificate's Status is Valid on the server, else 1 with a warning.
    param([string]$Server, [string]$Thumbprint)
    $certificate = Get-ExchangeCertificate -Server $Server -Thumbprint $Thumbprint -ErrorAction SilentlyContinue
    if ($null -eq $certificate -or [string]$certificate.Status -ne 'Valid') {
        Write-Warning ($Server + ': the new certificate''s Status is not Valid')
        return 1
    }
    Write-Host ('  OK  ' + $Server + ': Status Valid')
    return 0
}

function Test-CertprepPresented {
    # 0 when the server presents the certificate on the port (TLS directly, or SMTP STARTTLS),
    # else 1 with a warning. Validation is off on purpose: this reports what is presented.
    param([string]$ComputerName, [int]$Port, [bool]$SmtpStartTls, [string]$Thumbprint)
    $client = New-Object -TypeName System.Net.Sockets.TcpClient
    try {
        $client.ReceiveTimeout = 15000
        $client.SendTimeout = 15000
        $client.Connect($ComputerName, $Port)
        $stream = $client.GetStream()
        if ($SmtpStartTls) {
            $reader = New-Object -TypeName System.IO.StreamReader -ArgumentList $stream, ([System.Text.Encoding]::ASCII)
            $writer = New-Object -TypeName System.IO.StreamWriter -ArgumentList $stream, ([System.Text.Encoding]::ASCII)
            $writer.NewLine = "`r`n"
            $writer.AutoFlush = $true
            $reply = Read-CertprepSmtpReply -Reader $reader
            if (-not $reply.StartsWith('220')) { throw ('no SMTP greeting: ' + $reply) }
            $writer.WriteLine('EHLO certprep.invalid')
            $reply = Read-CertprepSmtpReply -Reader $reader
            if ($reply -notmatch '250[ -]STARTTLS') { throw ('STARTTLS is not offered: ' + $reply) }
            $writer.WriteLine('STARTTLS')
            $reply = Read-CertprepSmtpReply -Reader $reader
            if (-not $reply.StartsWith('220')) { throw ('STARTTLS refused: ' + $reply) }
        }
        $accept = [System.Net.Security.RemoteCertificateValidationCallback] { $true }
        $tls = New-Object -TypeName System.Net.Security.SslStream -ArgumentList $stream, $false, $accept
        $tls.AuthenticateAsClient($ComputerName)
        $presented = New-Object -TypeName System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList $tls.RemoteCertificate
        $tls.Dispose()
        if ($presented.Thumbprint -ne $Thumbprint) {
            Write-Warning ($ComputerName + ':' + $Port + ' presents ' + $presented.Thumbprint + ' ' + $presented.Subject)
            return 1
        }
        Write-Host ('  OK  ' + $ComputerName + ':' + $Port + ' presents the new certificate')
        return 0
    } catch {
        Write-Warning ($ComputerName + ':' + $Port + ': TLS check failed: ' + $_.Exception.Message)
        return 1
    } finally {
        $client.Close()
    }
}
"#;

//! The renewal part of the planned script, one function per numbered step: read the PFX;
//! import, enable and keep the internal transport certificate on each server; change the
//! settings; restart; verify what each server presents; offer to remove the old certificate.
//! Each change goes through `Invoke-CertprepChange` and is read back.

use super::{
    change, enable_line, getter, read_back, restarts, setter, setting_label, value_or_null, Plan,
    Script, C, V,
};
use crate::runbook::plan::ServerPlan;

/// The renewal: every step in order.
pub(super) fn renew(s: &mut Script, plan: &Plan) {
    let new = plan.new.thumbprint.to_string();
    let mut n = 0;
    read_pfx(s, plan, &mut n);
    s.step(
        &mut n,
        "import, enable, keep the internal transport certificate",
    );
    for server in &plan.servers {
        import(s, plan, server, &new);
        enable(s, server, &new);
        keep_internal_transport(s, server);
    }
    settings(s, plan, &mut n);
    s.step(&mut n, "restart the services that cache the certificate");
    restarts(s, plan);
    verify(s, plan, &new, &mut n);
    remove_old(s, plan, &mut n);
}

/// Read the PFX file and its password (an empty one under `-WhatIf`).
fn read_pfx(s: &mut Script, plan: &Plan, n: &mut u32) {
    s.step(n, "read the PFX file");
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
}

/// Import the new certificate on `server` where the state does not show it, and read its
/// thumbprint back.
fn import(s: &mut Script, plan: &Plan, server: &ServerPlan, new: &str) {
    if !server.import {
        return;
    }
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
            V(new),
            C(" -ErrorAction SilentlyContinue).Thumbprint"),
        ],
        V(new),
    );
}

/// Enable the new certificate on `server` for the old one's services, and read them back.
fn enable(s: &mut Script, server: &ServerPlan, new: &str) {
    if server.services.is_empty() {
        return;
    }
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
        &enable_line(&server.name, new, &services, server.do_not_require_ssl),
    );
    s.line(&[
        C("Assert-CertprepServices -What "),
        V(&format!("{}: services of the new certificate", server.name)),
        C(" -Actual (Get-ExchangeCertificate -Server "),
        V(&server.name),
        C(" -Thumbprint "),
        V(new),
        C(" -ErrorAction SilentlyContinue).Services -Expected "),
        V(&services),
    ]);
    if server.import {
        s.close("}");
    }
}

/// Enable the collected internal transport certificate for SMTP again, where the plan keeps it.
fn keep_internal_transport(s: &mut Script, server: &ServerPlan) {
    if !server.keep_internal_transport {
        return;
    }
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

/// Connectors, hybrid configuration and POP/IMAP names, each set and read back.
fn settings(s: &mut Script, plan: &Plan, n: &mut u32) {
    if plan.settings.is_empty() {
        return;
    }
    s.step(n, "connectors, hybrid configuration, POP/IMAP names");
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

/// Status Valid on every server and the new certificate presented on each port that serves it,
/// skipped under `-WhatIf`; problems are counted in `$problems`.
fn verify(s: &mut Script, plan: &Plan, new: &str, n: &mut u32) {
    s.step(n, "verify on every server");
    s.code("$problems = 0");
    s.open(&[C("if ($WhatIf) {")]);
    s.code("Write-Host '  -WhatIf: nothing was changed, so there is nothing to verify.'");
    s.close("} else {");
    s.indent += 1;
    for server in &plan.servers {
        presented(s, server, new);
    }
    s.close("}");
}

/// `Test-CertprepStatus` and `Test-CertprepPresented` for one server: 443 for IIS, 25 and 587
/// (STARTTLS) for SMTP, 995 and 993 where POP and IMAP present the new certificate.
fn presented(s: &mut Script, server: &ServerPlan, new: &str) {
    s.line(&[
        C("$problems += Test-CertprepStatus -Server "),
        V(&server.name),
        C(" -Thumbprint "),
        V(new),
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
            V(new),
        ]);
    }
}

/// Name each server where the old certificate is kept and why; where removal is offered, ask
/// for REMOVE after a verification without problems.
fn remove_old(s: &mut Script, plan: &Plan, n: &mut u32) {
    s.step(n, "remove the old certificate (asks first)");
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

//! The drift check: before the first change the script reads again every value the plan was
//! computed from — the old certificate's services, the internal transport and Auth
//! certificates, each setting to change, and how many connectors name the old certificate — and
//! stops, having changed nothing, if any differs from the collected state.

use super::{getter, setting_label, value_or_null, Plan, Script, SettingKind, C, V};

/// The drift check; it runs only for the renewal, after the `-EdgeSubscriptionFile` and
/// `-Rollback` modes have returned.
pub(super) fn drift_check(s: &mut Script, plan: &Plan) {
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

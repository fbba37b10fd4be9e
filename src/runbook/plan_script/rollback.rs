//! The `-Rollback` mode: every value the renewal changed goes back to the collected snapshot —
//! the old certificate's services, the internal transport certificate, each setting in reverse
//! order (empty ones as `$null`) — and each is read back.

use super::{
    change, enable_line, getter, read_back, restarts, setter, setting_label, value_or_null, Plan,
    Script, C, ENABLE_SERVICES, V,
};

/// The `if ($Rollback) { … return }` block.
pub(super) fn rollback(s: &mut Script, plan: &Plan) {
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

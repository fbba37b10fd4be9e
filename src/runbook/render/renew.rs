//! The renewal part of the flag-mode script, one function per numbered step: preflight, import,
//! enable, connector TLS names, POP/IMAP names, restarts, verification, and the closing lines.
//! A step that has nothing to do writes no heading, so the step numbers stay consecutive.

use super::verify::verify;
use super::{connectors, enable, has_connectors, names, restarts};
use super::{RunbookSpec, Script, Service, C, V};

/// The renewal: every step in order.
pub(super) fn renew(s: &mut Script, spec: &RunbookSpec) {
    let thumb = spec.thumbprint.to_string();
    let mut n = 0;
    preflight(s, spec, &mut n);
    import(s, spec, &thumb, &mut n);
    enable_services(s, spec, &thumb, &mut n);
    connector_names(s, spec, &mut n);
    pop_imap_names(s, spec, &mut n);
    s.step(&mut n, "restart the services that cache the certificate");
    restarts(s, spec);
    verify_step(s, spec, &thumb, &mut n);
    closing(s, spec);
}

/// Every server and the old certificate exist, and the PFX file is read with its password.
fn preflight(s: &mut Script, spec: &RunbookSpec, n: &mut u32) {
    s.step(n, "preflight: servers, old certificate, PFX file");
    for server in &spec.servers {
        s.line(&[C("$null = Get-ExchangeServer -Identity "), V(server)]);
        if let Some(old) = &spec.old {
            s.line(&[
                C("$null = Get-ExchangeCertificate -Server "),
                V(server),
                C(" -Thumbprint "),
                V(&old.thumbprint.to_string()),
            ]);
        }
    }
    s.comment("[System.IO.File] resolves relative paths against the process directory, not the");
    s.comment("PowerShell location: resolve the path first.");
    s.line(&[
        C("$pfxBytes = [System.IO.File]::ReadAllBytes((Resolve-Path -LiteralPath "),
        V(&spec.pfx_path),
        C(").ProviderPath)"),
    ]);
    s.open(&[C("if ($WhatIf) {")]);
    s.code("$pfxPassword = New-Object -TypeName System.Security.SecureString");
    s.close("} else {");
    s.indent += 1;
    s.line(&[
        C("$pfxPassword = Read-Host -AsSecureString -Prompt "),
        V(&format!("Password of {}", spec.pfx_path)),
    ]);
    s.close("}");
}

/// Import where the certificate is not there yet, and stop when the PFX holds another one.
fn import(s: &mut Script, spec: &RunbookSpec, thumb: &str, n: &mut u32) {
    s.step(n, "import the certificate on every server");
    for server in &spec.servers {
        s.open(&[
            C("if (Get-ExchangeCertificate -Server "),
            V(server),
            C(" -Thumbprint "),
            V(thumb),
            C(" -ErrorAction SilentlyContinue) {"),
        ]);
        s.line(&[
            C("Write-Host "),
            V(&format!("  {server}: already imported")),
        ]);
        s.close("} else {");
        s.indent += 1;
        s.line(&[
            C("$imported = Import-ExchangeCertificate -Server "),
            V(server),
            C(" -FileData $pfxBytes -Password $pfxPassword -PrivateKeyExportable $true -FriendlyName "),
            V(&spec.friendly_name),
            C(" -WhatIf:$WhatIf"),
        ]);
        s.open(&[
            C("if (-not $WhatIf -and -not ($imported | Where-Object { $_.Thumbprint -eq "),
            V(thumb),
            C(" })) {"),
        ]);
        s.line(&[
            C("throw "),
            V(&format!(
                "{server}: the PFX file did not import a certificate with thumbprint {thumb}; it is not the certificate this runbook was made for"
            )),
        ]);
        s.close("}");
        s.close("}");
    }
}

/// `Enable-ExchangeCertificate` on every server, when any service is left to enable.
fn enable_services(s: &mut Script, spec: &RunbookSpec, thumb: &str, n: &mut u32) {
    let services = spec.enable_services();
    if services.is_empty() {
        return;
    }
    s.step(
        n,
        &format!("enable the certificate for {}", names(&services)),
    );
    for server in &spec.servers {
        enable(s, server, thumb, &services);
    }
}

/// The connectors' and the hybrid configuration's `TlsCertificateName`, or why there is none.
fn connector_names(s: &mut Script, spec: &RunbookSpec, n: &mut u32) {
    if has_connectors(spec) {
        s.step(n, "connector TLS certificate name");
        connectors(s, spec, &[V(&spec.tls_name)]);
    } else if spec.services.contains(&Service::Smtp) {
        s.comment(
            "No connector TLS names to set (no receive connector, send connector or --hybrid).",
        );
    }
    if spec.hybrid && spec.send_connectors.is_empty() {
        s.comment("Hybrid: the HCW send connector (\"Outbound to Office 365 - <GUID>\") was not named with");
        s.comment("--send-connector; set its TlsCertificateName too. Edge servers need the same certificate");
        s.comment("and a new Edge subscription.");
    }
}

/// `X509CertificateName` for POP and IMAP, when the plan names an FQDN for them.
fn pop_imap_names(s: &mut Script, spec: &RunbookSpec, n: &mut u32) {
    let Some(fqdn) = &spec.pop_imap_fqdn else {
        return;
    };
    s.step(n, &format!("POP/IMAP certificate name {fqdn}"));
    for server in &spec.servers {
        if spec.services.contains(&Service::Pop) {
            s.line(&[
                C("Set-PopSettings -Server "),
                V(server),
                C(" -X509CertificateName "),
                V(fqdn),
                C(" -WhatIf:$WhatIf"),
            ]);
        }
        if spec.services.contains(&Service::Imap) {
            s.line(&[
                C("Set-ImapSettings -Server "),
                V(server),
                C(" -X509CertificateName "),
                V(fqdn),
                C(" -WhatIf:$WhatIf"),
            ]);
        }
    }
}

/// The read-back, skipped under `-WhatIf`; it counts problems in `$problems`.
fn verify_step(s: &mut Script, spec: &RunbookSpec, thumb: &str, n: &mut u32) {
    s.step(n, "verify");
    s.code("$problems = 0");
    s.open(&[C("if ($WhatIf) {")]);
    s.code("Write-Host '  -WhatIf: nothing was changed, so there is nothing to verify.'");
    s.close("} else {");
    s.indent += 1;
    verify(s, spec, thumb);
    s.close("}");
}

/// The verdict, and what happens to the old certificate: nothing.
fn closing(s: &mut Script, spec: &RunbookSpec) {
    // Without the organisation's state certprep cannot tell whether the old certificate is
    // still needed (Auth, internal transport, back end, a connector it was not told about),
    // so this runbook never removes it (issue 19, point 5; `runbook --state` plans removal).
    s.blank();
    s.code("if ($problems -gt 0) { Write-Warning ('Verification found ' + $problems + ' problem(s). Fix them, or run this script with -Rollback.') }");
    match &spec.old {
        Some(old) => s.line(&[
            C("Write-Host "),
            V(&format!(
                "Done. The old certificate {} was left in place: certprep runbook without --state never removes a certificate. Plan its removal with certprep runbook --state exchange-state.json.",
                old.thumbprint
            )),
        ]),
        None => s.code(
            "Write-Host 'Done. The old certificate was not named, so it was left in place.'",
        ),
    }
}

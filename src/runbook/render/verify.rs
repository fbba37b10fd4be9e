//! The flag-mode script's verification, one function per thing it reads back: the certificate's
//! services on each server, the connectors' and hybrid configuration's TLS names, the POP/IMAP
//! certificate names, and what STARTTLS on port 25 presents. Each problem is warned about and
//! counted in the script's `$problems`; none stops the script.

use super::{copy, RunbookSpec, Script, Service, Tok, C, V};

/// Every read-back, in order.
pub(super) fn verify(s: &mut Script, spec: &RunbookSpec, thumb: &str) {
    let services = spec.enable_services();
    for server in &spec.servers {
        certificate_services(s, server, thumb, &services);
    }
    connector_names(s, spec);
    pop_imap_names(s, spec);
    if spec.services.contains(&Service::Smtp) {
        for server in &spec.servers {
            starttls(s, server, thumb);
        }
    }
}

/// The certificate on `server`, listed, and each of `services` enabled on it.
fn certificate_services(s: &mut Script, server: &str, thumb: &str, services: &[Service]) {
    s.line(&[
        C("$certificate = Get-ExchangeCertificate -Server "),
        V(server),
        C(" -Thumbprint "),
        V(thumb),
    ]);
    s.code(
        "$certificate | Format-List Thumbprint, FriendlyName, Services, NotAfter, Status | Out-Host",
    );
    if services.is_empty() {
        return;
    }
    let mut list = vec![C("foreach ($service in @(")];
    for (i, svc) in services.iter().enumerate() {
        if i > 0 {
            list.push(C(", "));
        }
        list.push(V(svc.name()));
    }
    list.push(C(")) {"));
    s.open(&list);
    s.open(&[C(
        "if (([string]$certificate.Services -split ',\\s*') -notcontains $service) {",
    )]);
    s.line(&[
        C("Write-Warning ("),
        V(&format!("{server}: the certificate is not enabled for ")),
        C(" + $service)"),
    ]);
    s.code("$problems += 1");
    s.close("}");
    s.close("}");
}

/// `TlsCertificateName` of every send and receive connector named, and of the hybrid
/// configuration.
fn connector_names(s: &mut Script, spec: &RunbookSpec) {
    for c in &spec.send_connectors {
        expect_value(
            s,
            &format!("send connector {c}: TlsCertificateName"),
            &[
                C("(Get-SendConnector -Identity "),
                V(c),
                C(").TlsCertificateName"),
            ],
            &spec.tls_name,
        );
    }
    for c in &spec.receive_connectors {
        expect_value(
            s,
            &format!("receive connector {c}: TlsCertificateName"),
            &[
                C("(Get-ReceiveConnector -Identity "),
                V(c),
                C(").TlsCertificateName"),
            ],
            &spec.tls_name,
        );
    }
    if spec.hybrid {
        expect_value(
            s,
            "hybrid configuration: TlsCertificateName",
            &[C("(Get-HybridConfiguration).TlsCertificateName")],
            &spec.tls_name,
        );
    }
}

/// `X509CertificateName` of POP and IMAP on every server, when the plan set it.
fn pop_imap_names(s: &mut Script, spec: &RunbookSpec) {
    let Some(fqdn) = &spec.pop_imap_fqdn else {
        return;
    };
    for server in &spec.servers {
        if spec.services.contains(&Service::Pop) {
            expect_value(
                s,
                &format!("{server}: POP X509CertificateName"),
                &[
                    C("(Get-PopSettings -Server "),
                    V(server),
                    C(").X509CertificateName"),
                ],
                fqdn,
            );
        }
        if spec.services.contains(&Service::Imap) {
            expect_value(
                s,
                &format!("{server}: IMAP X509CertificateName"),
                &[
                    C("(Get-ImapSettings -Server "),
                    V(server),
                    C(").X509CertificateName"),
                ],
                fqdn,
            );
        }
    }
}

/// What `server` presents after STARTTLS on port 25 (`Test-CertprepStartTls`).
fn starttls(s: &mut Script, server: &str, thumb: &str) {
    s.open(&[C("try {")]);
    s.line(&[
        C("$presented = Test-CertprepStartTls -ComputerName "),
        V(server),
    ]);
    s.open(&[C("if ($presented.Thumbprint -ne "), V(thumb), C(") {")]);
    s.line(&[
        C("Write-Warning ("),
        V(&format!("{server}: STARTTLS on port 25 presents ")),
        C(" + $presented.Thumbprint + ' ' + $presented.Subject)"),
    ]);
    s.code("$problems += 1");
    s.close("} else {");
    s.indent += 1;
    s.line(&[
        C("Write-Host "),
        V(&format!(
            "  OK  {server}: STARTTLS presents the new certificate"
        )),
    ]);
    s.close("}");
    s.close("} catch {");
    s.indent += 1;
    s.line(&[
        C("Write-Warning ("),
        V(&format!("{server}: STARTTLS check failed: ")),
        C(" + $_.Exception.Message)"),
    ]);
    s.code("$problems += 1");
    s.close("}");
}

/// Compare a setting read back from Exchange with the expected value.
fn expect_value(s: &mut Script, what: &str, get: &[Tok], expected: &str) {
    let mut t = vec![C("$actual = [string]")];
    t.extend(copy(get));
    s.line(&t);
    s.open(&[C("if ($actual -ne "), V(expected), C(") {")]);
    s.line(&[
        C("Write-Warning ("),
        V(&format!("{what} is ")),
        C(" + $actual + "),
        V(&format!(", expected {expected}")),
        C(")"),
    ]);
    s.code("$problems += 1");
    s.close("} else {");
    s.indent += 1;
    s.line(&[C("Write-Host "), V(&format!("  OK  {what}"))]);
    s.close("}");
}

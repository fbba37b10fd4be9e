//! `certprep runbook` through the binary: golden scripts (reviewed by eye in tests/goldens/),
//! a real PowerShell grammar over every script, and the file-writing rules.
//!
//! Thumbprints in the goldens are replaced by `{THUMBPRINT}`/`{OLD_THUMBPRINT}` after
//! checking them against OpenSSL's SHA-1 digest of the same DER, so the goldens survive
//! `fixtures/gen.sh --force` while the values stay checked. Regenerate goldens with
//! `CERTPREP_BLESS=1 cargo test --test cli runbook` and review the diff.

use crate::{certprep, fixture};
use assert_fs::prelude::*;

#[path = "../support/powershell.rs"]
pub(crate) mod powershell;

fn sha1_hex(der: &[u8]) -> String {
    let x = openssl::x509::X509::from_der(der).unwrap();
    hex::encode_upper(x.digest(openssl::hash::MessageDigest::sha1()).unwrap())
}

fn fixture_leaf_der() -> Vec<u8> {
    std::fs::read(fixture("deliverable/mail.contoso.com.cer")).unwrap()
}

/// A certificate issued by a CA named `ca_cn`, written as PEM into `dir`.
fn issue(
    dir: &assert_fs::TempDir,
    file: &str,
    ca_cn: &str,
    cn: &str,
    sans: &[&str],
) -> (String, Vec<u8>) {
    use rcgen::{CertificateParams, DistinguishedName, DnType, IsCa, KeyPair};
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "US");
    dn.push(DnType::OrganizationName, "Contoso Ltd.");
    dn.push(DnType::CommonName, ca_cn);
    ca.distinguished_name = dn;
    ca.is_ca = IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    // The CA is written beside the certificate as `root-<CN>.crt`; `runbook()` trusts every
    // such file with --roots, so the pre-flight check sees a complete chain.
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    dir.child(format!("root-{}.crt", ca_cn.replace(' ', "_")))
        .write_str(&ca_cert.pem())
        .unwrap();
    let issuer = rcgen::Issuer::new(ca, ca_key);
    let mut p =
        CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "US");
    dn.push(DnType::OrganizationName, "Contoso, Ltd.");
    dn.push(DnType::CommonName, cn);
    p.distinguished_name = dn;
    p.not_before = time::macros::datetime!(2026-11-01 00:00 UTC);
    p.not_after = time::macros::datetime!(2027-05-19 00:00 UTC);
    let cert = p.signed_by(&KeyPair::generate().unwrap(), &issuer).unwrap();
    let child = dir.child(file);
    child.write_str(&cert.pem()).unwrap();
    (
        child.path().to_string_lossy().into_owned(),
        cert.der().to_vec(),
    )
}

/// `--roots`/`--pool` for the pre-flight check: the fixture hierarchy and every CA `issue()`
/// wrote into `dir`.
fn trust_args(dir: &assert_fs::TempDir) -> Vec<String> {
    let mut args = vec![
        "--roots".to_owned(),
        fixture("deliverable/contoso-root.crt"),
        "--pool".to_owned(),
        fixture("deliverable/ca-bundle.crt"),
    ];
    let mut roots: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("root-")
        })
        .collect();
    roots.sort();
    for r in roots {
        args.push("--roots".to_owned());
        args.push(r.to_string_lossy().into_owned());
    }
    args
}

/// Run `certprep runbook ARGS -o DIR/renew.ps1`, check the file (BOM, grammar, no control
/// characters) and return its text.
fn runbook(dir: &assert_fs::TempDir, args: &[&str]) -> String {
    let out = dir.child("renew.ps1");
    certprep()
        .arg("runbook")
        .args(args)
        .args(trust_args(dir))
        .arg("-o")
        .arg(out.path())
        .assert()
        .success();
    let bytes = std::fs::read(out.path()).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let text = text
        .strip_prefix('\u{FEFF}')
        .expect("the script starts with a UTF-8 BOM for Windows PowerShell 5.1")
        .to_owned();
    let errors = powershell::syntax_errors(&text);
    assert!(errors.is_empty(), "syntax errors:\n{}", errors.join("\n"));
    text
}

fn golden(name: &str, actual: &str) {
    let path = format!("{}/tests/goldens/{name}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("CERTPREP_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{path} missing; run with CERTPREP_BLESS=1 and review it"));
    if expected != actual {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "{name} differs from the golden at line {}:\n  golden: {:?}\n  actual: {:?}\n(CERTPREP_BLESS=1 regenerates; review the diff)",
            first + 1,
            expected.lines().nth(first),
            actual.lines().nth(first)
        );
    }
}

const OLD: &str = "9F3A7C21D4E5B6A7988812AB34CD56EF7890AB12";

#[test]
fn runbook_golden_plain_two_servers() {
    let dir = assert_fs::TempDir::new().unwrap();
    let text = runbook(
        &dir,
        &[
            &fixture("deliverable/mail.contoso.com.crt"),
            "--server",
            "EX01",
            "--server",
            "EX02",
            "--old-thumbprint",
            "9f 3a 7c 21 d4 e5 b6 a7 98 88 12 ab 34 cd 56 ef 78 90 ab 12",
            "--pfx-path",
            "C:\\certs\\mail.contoso.com.pfx",
        ],
    );
    let thumb = sha1_hex(&fixture_leaf_der());
    assert!(text.contains(&format!(
        "-Thumbprint '{thumb}' -Services 'IIS,SMTP' -Force"
    )));
    // Issue 19, point 5: without --state the old certificate is never removed, no receive
    // connector is changed unless named, and the internal transport certificate is kept.
    assert!(!text.contains("Remove-ExchangeCertificate"));
    assert!(!text.contains("Set-ReceiveConnector"));
    assert!(text.contains("-Thumbprint $internalTransport -Services 'SMTP' -Force"));
    assert!(text.contains(OLD));
    golden("runbook-plain.ps1", &text.replace(&thumb, "{THUMBPRINT}"));
}

#[test]
fn runbook_golden_wildcard_with_pop_imap() {
    let dir = assert_fs::TempDir::new().unwrap();
    let (path, der) = issue(
        &dir,
        "wildcard.crt",
        "Contoso Test TLS CA 2026",
        "*.contoso.com",
        &["*.contoso.com", "mail.contoso.com"],
    );
    let text = runbook(
        &dir,
        &[
            &path,
            "--server",
            "EX01",
            "--services",
            "iis,smtp,pop,imap",
            "--old-thumbprint",
            OLD,
            "--pfx-path",
            "wildcard.contoso.com.pfx",
            "--friendly-name",
            "*.contoso.com (2027)",
            "--pop-imap-fqdn",
            "mail.contoso.com",
        ],
    );
    let thumb = sha1_hex(&der);
    // Exchange refuses POP/IMAP on a wildcard subject: they are pointed at it by name.
    assert!(text.contains("-Services 'IIS,SMTP' -Force"));
    assert!(text.contains(
        "Set-ImapSettings -Server 'EX01' -X509CertificateName 'mail.contoso.com' -WhatIf:$WhatIf"
    ));
    golden(
        "runbook-wildcard-pop-imap.ps1",
        &text.replace(&thumb, "{THUMBPRINT}"),
    );
}

#[test]
fn runbook_golden_hybrid_with_old_certificate_file() {
    let dir = assert_fs::TempDir::new().unwrap();
    let (old_path, old_der) = issue(
        &dir,
        "old.crt",
        "Contoso Test TLS CA 2025",
        "mail.contoso.com",
        &["mail.contoso.com"],
    );
    let text = runbook(
        &dir,
        &[
            &fixture("deliverable/mail.contoso.com.crt"),
            "--server",
            "EX01",
            "--hybrid",
            "--send-connector",
            "Outbound to Office 365 - 6c1d2b9e-53a4-4b3c-8d2e-0f5e7a9b1c3d",
            "--old",
            &old_path,
            "--pfx-path",
            "\\\\fs01\\certs$\\mail.pfx",
            // The fixture comes from a private test CA, which hybrid does not accept: the
            // check's error is overridden here and must be listed at the top of the script.
            "--ignore-check",
        ],
    );
    assert!(text.contains("hybrid-third-party-ca"), "{text}");
    let thumb = sha1_hex(&fixture_leaf_der());
    let old = sha1_hex(&old_der);
    assert!(text.contains(
        "$oldTlsCertificateName = '<I>CN=Contoso Test TLS CA 2025, O=Contoso Ltd., C=US<S>CN=mail.contoso.com, O=\"Contoso, Ltd.\", C=US'"
    ));
    assert!(text
        .contains("Set-HybridConfiguration -TlsCertificateName '<I>CN=Contoso Test TLS CA 2026"));
    golden(
        "runbook-hybrid.ps1",
        &text
            .replace(&thumb, "{THUMBPRINT}")
            .replace(&old, "{OLD_THUMBPRINT}"),
    );
}

#[test]
fn runbook_values_with_quotes_dollars_and_backticks_round_trip_from_the_command_line() {
    let dir = assert_fs::TempDir::new().unwrap();
    let server = "EX'01$(calc)`n\"Zürich\u{2019}";
    let connector = "Send 'to' $env:X `\" ‘partner’";
    let path = "C:\\O'Brien\\$cert`.pfx";
    let text = runbook(
        &dir,
        &[
            &fixture("deliverable/mail.contoso.com.crt"),
            "--server",
            server,
            "--send-connector",
            connector,
            "--receive-connector",
            "Default Frontend",
            "--pfx-path",
            path,
        ],
    );
    let values = powershell::literal_values(&text);
    for v in [
        server,
        connector,
        path,
        &format!("{server}\\Default Frontend {server}"),
    ] {
        assert!(values.iter().any(|x| x == v), "{v:?} does not round-trip");
    }
}

#[test]
fn runbook_refuses_to_overwrite_without_force() {
    let dir = assert_fs::TempDir::new().unwrap();
    let out = dir.child("renew.ps1");
    out.write_str("keep me").unwrap();
    let args = [
        "runbook",
        &fixture("deliverable/mail.contoso.com.crt"),
        "--server",
        "EX01",
        "--pfx-path",
        "m.pfx",
        "-o",
        out.path().to_str().unwrap(),
    ];
    certprep()
        .args(args)
        .args(trust_args(&dir))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--force"));
    assert_eq!(std::fs::read_to_string(out.path()).unwrap(), "keep me");
    certprep()
        .args(args)
        .args(trust_args(&dir))
        .arg("--force")
        .assert()
        .success();
    assert!(std::fs::read_to_string(out.path())
        .unwrap()
        .contains("Enable-ExchangeCertificate"));
}

#[test]
fn runbook_of_a_certificate_without_pfx_path_says_how_to_build_one() {
    certprep()
        .args([
            "runbook",
            &fixture("deliverable/mail.contoso.com.crt"),
            "--server",
            "EX01",
            "-o",
            "-",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--pfx-path"))
        .stderr(predicates::str::contains("certprep pfx"));
}

#[test]
fn runbook_rejects_bad_old_thumbprints_and_the_new_certificate_as_old() {
    let dir = assert_fs::TempDir::new().unwrap();
    let trust = trust_args(&dir);
    let leaf = fixture("deliverable/mail.contoso.com.crt");
    let base = [
        "runbook",
        &leaf,
        "--server",
        "EX01",
        "--pfx-path",
        "m.pfx",
        "-o",
        "-",
    ];
    certprep()
        .args(base)
        .args(&trust)
        .args(["--old-thumbprint", "not-hex"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--old-thumbprint not-hex"));
    certprep()
        .args(base)
        .args(&trust)
        .args(["--old", &fixture("deliverable/mail.contoso.com.cer")])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "the old certificate is the new certificate",
        ));
    certprep()
        .args(base)
        .args(&trust)
        .args(["--old-thumbprint", OLD, "--old", &leaf])
        .assert()
        .code(2);
}

#[test]
fn runbook_wildcard_without_a_covered_fqdn_is_refused() {
    let dir = assert_fs::TempDir::new().unwrap();
    let (path, _) = issue(&dir, "w.crt", "CA", "*.contoso.com", &["*.contoso.com"]);
    certprep()
        .args([
            "runbook",
            &path,
            "--server",
            "EX01",
            "--services",
            "POP",
            "--pfx-path",
            "w.pfx",
            "-o",
            "-",
        ])
        .args(trust_args(&dir))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--pop-imap-fqdn"));
    certprep()
        .args([
            "runbook",
            &path,
            "--server",
            "EX01",
            "--services",
            "POP",
            "--pfx-path",
            "w.pfx",
            "--pop-imap-fqdn",
            "pop.fabrikam.com",
            "-o",
            "-",
        ])
        .args(trust_args(&dir))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not covered"));
    certprep()
        .args([
            "runbook",
            &path,
            "--server",
            "EX01",
            "--services",
            "POP",
            "--pfx-path",
            "w.pfx",
            "--pop-imap-fqdn",
            "pop.contoso.com",
            "-o",
            "-",
        ])
        .args(trust_args(&dir))
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "Set-PopSettings -Server 'EX01' -X509CertificateName 'pop.contoso.com'",
        ));
}

#[test]
fn issue_15_runbook_takes_windows_and_assumes_server_2016() {
    // See: issue 15 — an AES PFX is refused for the assumed Windows Server 2016 and accepted
    // with --windows 2019.
    let dir = assert_fs::TempDir::new().unwrap();
    let pfx = fixture("check/pfx-windows-compat/fail-aes-2016.pfx");
    let base = |extra: &[&str]| {
        let mut c = certprep();
        c.arg("runbook")
            .arg(&pfx)
            .args(["--server", "EX01", "--password-file"])
            .arg(fixture("check/pfx-password.txt"))
            .args(["--roots", &fixture("check/ca/public-root.pem")])
            .args(extra)
            .arg("-o")
            .arg(dir.path().join(format!("r{}.ps1", extra.len())));
        c.output().unwrap()
    };
    let out = base(&[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("pfx-windows-compat"), "{err}");
    let out = base(&["--windows", "2019"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `runbook --state` through the binary: a PFX built by `certprep pfx` (it names a CAPI CSP),
/// an organisation with a subscribed Edge server; the plan is printed, the script written.
#[test]
fn runbook_state_prints_the_plan_and_writes_the_script() {
    let dir = assert_fs::TempDir::new().unwrap();
    let pfx = dir.child("mail.pfx");
    certprep()
        .args(["--password-file", &fixture("deliverable/pfx-password.txt")])
        .args([
            "pfx",
            &fixture("deliverable/mail.contoso.com.crt"),
            &fixture("deliverable/mail.contoso.com.key"),
            &fixture("deliverable/ca-bundle.crt"),
            "-o",
        ])
        .arg(pfx.path())
        .assert()
        .success();
    let out = dir.child("renew.ps1");
    let assert = certprep()
        .args(["--password-file", &fixture("deliverable/pfx-password.txt")])
        .arg("runbook")
        .arg(pfx.path())
        .args(trust_args(&dir))
        .args(["--state", &fixture("state/edge-subscribed.json"), "-o"])
        .arg(out.path())
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("Server EX01"), "{stdout}");
    assert!(stdout.contains("Edge Transport"), "{stdout}");
    assert!(stdout.contains("EX01: removed after verification, if you type REMOVE"));
    let text = String::from_utf8(std::fs::read(out.path()).unwrap()).unwrap();
    let text = text.strip_prefix('\u{FEFF}').unwrap();
    let errors = powershell::syntax_errors(text);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(text.contains("Remove-EdgeSubscription -Identity 'EDGE01'"));
    assert!(text.contains("Invoke-CertprepChange"));
}

#[test]
fn runbook_state_refuses_an_aes_pfx_for_server_2016() {
    let dir = assert_fs::TempDir::new().unwrap();
    // The check run with the state's facts (oldest Windows: Server 2016) blocks it first ...
    certprep()
        .args(["--password-file", &fixture("deliverable/pfx-password.txt")])
        .arg("runbook")
        .arg(fixture("deliverable/mail.contoso.com-aes.pfx"))
        .args(trust_args(&dir))
        .args(["--state", &fixture("state/mixed-2016-2019.json"), "-o"])
        .arg(dir.child("renew.ps1").path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("pfx-windows-compat"));
    // ... and the plan's own guard refuses it even when the check is overridden.
    certprep()
        .args(["--password-file", &fixture("deliverable/pfx-password.txt")])
        .args(["runbook", "--ignore-check"])
        .arg(fixture("deliverable/mail.contoso.com-aes.pfx"))
        .args(trust_args(&dir))
        .args(["--state", &fixture("state/mixed-2016-2019.json"), "-o"])
        .arg(dir.child("renew.ps1").path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("EX16 runs Windows build 14393"));
    assert!(!dir.child("renew.ps1").path().exists());
}

#[test]
fn runbook_state_conflicts_with_flag_mode_options() {
    let dir = assert_fs::TempDir::new().unwrap();
    certprep()
        .args([
            "runbook",
            &fixture("deliverable/mail.contoso.com.crt"),
            "--state",
            &fixture("state/hybrid.json"),
            "--server",
            "EX01",
            "-o",
        ])
        .arg(dir.child("renew.ps1").path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot be used with"));
}

#[test]
fn runbook_state_takes_the_old_thumbprint_with_old() {
    let dir = assert_fs::TempDir::new().unwrap();
    // The Auth certificate as --old: planned, but never removed.
    let state = std::fs::read_to_string(fixture("state/single-server.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&state).unwrap();
    let auth = v["AuthConfig"]["CurrentCertificateThumbprint"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = dir.child("renew.ps1");
    let assert = certprep()
        .args([
            "runbook",
            &fixture("deliverable/mail.contoso.com.crt"),
            "--pfx-path",
            "mail.pfx",
            "--state",
            &fixture("state/single-server.json"),
            "--old",
            &auth,
            "-o",
        ])
        .arg(out.path())
        .args(trust_args(&dir))
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("given with --old"), "{stdout}");
    assert!(stdout.contains("current Auth certificate"), "{stdout}");
    let text = std::fs::read_to_string(out.path()).unwrap();
    assert!(!text.contains("Remove-ExchangeCertificate"));
}

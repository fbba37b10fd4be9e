//! `certprep pfx`, `certprep pem` and the PFX part of `certprep inspect`, through the binary.
//! Outputs are opened with OpenSSL (the `openssl` crate), never only with certprep itself.

use crate::{certprep, fixture};
use assert_fs::prelude::*;
use assert_fs::TempDir;
use openssl::pkcs12::Pkcs12;
use openssl::x509::X509;
use predicates::prelude::*;

fn pem_der(rel: &str) -> Vec<u8> {
    X509::from_pem(&std::fs::read(fixture(rel)).unwrap())
        .unwrap()
        .to_der()
        .unwrap()
}

fn bundle() -> Vec<Vec<u8>> {
    X509::stack_from_pem(&std::fs::read(fixture("deliverable/ca-bundle.crt")).unwrap())
        .unwrap()
        .iter()
        .map(|c| c.to_der().unwrap())
        .collect()
}

fn key_der() -> Vec<u8> {
    openssl::pkey::PKey::private_key_from_pem(
        &std::fs::read(fixture("deliverable/mail.contoso.com.key")).unwrap(),
    )
    .unwrap()
    .private_key_to_pkcs8()
    .unwrap()
}

fn password_file(dir: &TempDir, name: &str, pw: &str) -> String {
    let f = dir.child(name);
    f.write_str(&format!("{pw}\n")).unwrap();
    f.path().to_string_lossy().into_owned()
}

/// Leaf DER, key PKCS#8 and chain DERs of a PFX as OpenSSL reads it.
fn open(path: &std::path::Path, pw: &str) -> (Vec<u8>, Vec<u8>, Vec<Vec<u8>>) {
    let p = Pkcs12::from_der(&std::fs::read(path).unwrap())
        .unwrap()
        .parse2(pw)
        .expect("OpenSSL opens the PFX");
    let chain =
        p.ca.map(|s| s.iter().map(|c| c.to_der().unwrap()).collect())
            .unwrap_or_default();
    (
        p.cert.unwrap().to_der().unwrap(),
        p.pkey.unwrap().private_key_to_pkcs8().unwrap(),
        chain,
    )
}

#[cfg(unix)]
fn mode(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn pfx_from_crt_bundle_and_key_is_leaf_key_intermediate_without_root() {
    let dir = TempDir::new().unwrap();
    let pw = password_file(&dir, "pw.txt", "Out-Pass-1");
    let out = dir.child("mail.pfx");
    certprep()
        .args(["pfx", &fixture("deliverable/mail.contoso.com.crt")])
        .arg(fixture("deliverable/ca-bundle.crt"))
        .arg(fixture("deliverable/mail.contoso.com.key"))
        .args(["-o", &out.path().to_string_lossy(), "--password-file", &pw])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "left out: CN=Contoso Test Root CA",
        ))
        .stdout(predicate::str::contains("--include-root"))
        .stdout(predicate::str::contains("Out-Pass-1").not());
    let (leaf, key, chain) = open(out.path(), "Out-Pass-1");
    assert_eq!(leaf, pem_der("deliverable/mail.contoso.com.crt"));
    assert!(key == key_der(), "key differs");
    assert_eq!(chain, vec![bundle()[0].clone()]);
    #[cfg(unix)]
    assert_eq!(mode(out.path()), 0o600);
    assert!(Pkcs12::from_der(&std::fs::read(out.path()).unwrap())
        .unwrap()
        .parse2("wrong")
        .is_err());
}

#[test]
fn pfx_include_root_and_duplicate_leaf_never_twice() {
    let dir = TempDir::new().unwrap();
    let pw = password_file(&dir, "pw.txt", "x");
    let out = dir.child("full.pfx");
    let leaf = fixture("deliverable/mail.contoso.com.crt");
    certprep()
        .args(["pfx", &leaf, &fixture("deliverable/mail.contoso.com.cer")])
        .arg(fixture("deliverable/ca-bundle.crt"))
        .arg(fixture("deliverable/mail.contoso.com.key"))
        .args(["--include-root", "-o", &out.path().to_string_lossy()])
        .args(["--password-file", &pw])
        .assert()
        .success()
        .stdout(predicate::str::contains("same certificate as the leaf"));
    let (l, _, chain) = open(out.path(), "x");
    assert_eq!(l, pem_der("deliverable/mail.contoso.com.crt"));
    assert_eq!(chain, bundle(), "intermediate then root, leaf not repeated");
}

#[test]
fn pfx_converts_openssl_aes_and_legacy_files_to_compat() {
    let dir = TempDir::new().unwrap();
    let out_pw = password_file(&dir, "new.txt", "New-Pass-2");
    for src in ["mail.contoso.com-aes.pfx", "mail.contoso.com-rc2.pfx"] {
        let out = dir.child(format!("{src}.compat.pfx"));
        certprep()
            .args(["pfx", &fixture(&format!("deliverable/{src}"))])
            .args(["--profile", "compat", "-o", &out.path().to_string_lossy()])
            .args([
                "--in-password-file",
                &fixture("deliverable/pfx-password.txt"),
            ])
            // The PFX holds leaf and intermediate; the private root completes the chain
            // (and is left out of the file).
            .args(["--pool", &fixture("deliverable/contoso-root.crt")])
            .args([
                "--password-file",
                &out_pw,
                "--friendly-name",
                "Exchange 2027",
            ])
            .assert()
            .success();
        let (leaf, key, chain) = open(out.path(), "New-Pass-2");
        assert_eq!(leaf, pem_der("deliverable/mail.contoso.com.crt"), "{src}");
        assert!(key == key_der(), "{src}: key differs");
        assert_eq!(chain, vec![bundle()[0].clone()], "{src}");
        // inspect: every Windows version imports the result, friendly name set.
        certprep()
            .args([
                "inspect",
                &out.path().to_string_lossy(),
                "--password-file",
                &out_pw,
            ])
            .assert()
            .success()
            .stdout(predicate::str::contains("Windows Server 2012 R2: imports"))
            .stdout(predicate::str::contains("Windows Server 2016: imports"))
            .stdout(predicate::str::contains("friendlyName \"Exchange 2027\""))
            .stdout(predicate::str::contains("PBE-SHA1-3DES, 2000 iterations"));
    }
}

#[test]
fn pfx_adds_missing_chain_from_pool() {
    let dir = TempDir::new().unwrap();
    let pw = password_file(&dir, "pw.txt", "p");
    let bare = dir.child("bare.pfx");
    certprep()
        .args(["pfx", &fixture("deliverable/mail.contoso.com.crt")])
        .arg(fixture("deliverable/mail.contoso.com.key"))
        .args([
            "--no-chain",
            "-o",
            &bare.path().to_string_lossy(),
            "--password-file",
            &pw,
        ])
        .assert()
        .success();
    assert!(open(bare.path(), "p").2.is_empty());
    let fixed = dir.child("fixed.pfx");
    certprep()
        .args(["pfx", &bare.path().to_string_lossy()])
        .args(["--pool", &fixture("deliverable/ca-bundle.crt")])
        .args([
            "-o",
            &fixed.path().to_string_lossy(),
            "--password-file",
            &pw,
        ])
        .assert()
        .success();
    assert_eq!(open(fixed.path(), "p").2, vec![bundle()[0].clone()]);
}

#[test]
fn pfx_modern_profile_and_windows_target() {
    let dir = TempDir::new().unwrap();
    let pw = password_file(&dir, "pw.txt", "m");
    for (flag, value, aes) in [
        ("--profile", "modern", true),
        ("--windows", "2019", true),
        ("--windows", "2016", false),
        ("--windows", "2012r2", false),
    ] {
        let out = dir.child(format!("{value}.pfx"));
        certprep()
            .args(["pfx", &fixture("deliverable/mail.contoso.com-3des.pfx")])
            .args([
                "--in-password-file",
                &fixture("deliverable/pfx-password.txt"),
            ])
            .args(["--pool", &fixture("deliverable/contoso-root.crt")])
            .args([
                flag,
                value,
                "-o",
                &out.path().to_string_lossy(),
                "--password-file",
                &pw,
            ])
            .assert()
            .success();
        open(out.path(), "m");
        let text = certprep()
            .args([
                "inspect",
                &out.path().to_string_lossy(),
                "--password-file",
                &pw,
            ])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(text).unwrap();
        assert_eq!(text.contains("AES-256-CBC"), aes, "{value}: {text}");
        assert_eq!(
            text.contains("Windows Server 2016: cannot import (AES-256 PBES2"),
            aes,
            "{value}: {text}"
        );
    }
}

#[test]
fn pfx_empty_password_round_trips_with_openssl() {
    let dir = TempDir::new().unwrap();
    let out = dir.child("empty.pfx");
    certprep()
        .args(["pfx", &fixture("deliverable/mail.contoso.com.crt")])
        .arg(fixture("deliverable/mail.contoso.com.key"))
        .arg(fixture("deliverable/ca-bundle.crt"))
        .args(["--empty-password", "-o", &out.path().to_string_lossy()])
        .assert()
        .success();
    let (leaf, _, _) = open(out.path(), "");
    assert_eq!(leaf, pem_der("deliverable/mail.contoso.com.crt"));
    // And certprep reads it back without any password option.
    certprep()
        .args(["inspect", &out.path().to_string_lossy()])
        .assert()
        .success()
        .stdout(predicate::str::contains("Password            : empty"));
}

#[test]
fn pfx_non_ascii_password_warns_and_round_trips() {
    let dir = TempDir::new().unwrap();
    let out = dir.child("u.pfx");
    certprep()
        .env("PFX_PW", "Grüße-€")
        .args(["pfx", &fixture("deliverable/mail.contoso.com.crt")])
        .arg(fixture("deliverable/mail.contoso.com.key"))
        .arg(fixture("deliverable/ca-bundle.crt"))
        .args([
            "--password-env",
            "PFX_PW",
            "-o",
            &out.path().to_string_lossy(),
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("non-ASCII"))
        .stderr(predicate::str::contains("Grüße").not());
    open(out.path(), "Grüße-€");
}

#[test]
fn pfx_without_output_password_is_refused_and_writes_nothing() {
    let dir = TempDir::new().unwrap();
    let out = dir.child("x.pfx");
    certprep()
        .args(["pfx", &fixture("deliverable/mail.contoso.com.crt")])
        .arg(fixture("deliverable/mail.contoso.com.key"))
        .args(["-o", &out.path().to_string_lossy()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--empty-password"));
    out.assert(predicate::path::missing());
}

#[test]
fn pfx_mismatched_key_is_refused_naming_both_files() {
    let dir = TempDir::new().unwrap();
    let pw = password_file(&dir, "pw.txt", "x");
    let out = dir.child("x.pfx");
    certprep()
        .args(["pfx", &fixture("deliverable/mail.contoso.com.crt")])
        .arg(fixture("keys/ec-p256-pkcs8.pem"))
        .args(["-o", &out.path().to_string_lossy(), "--password-file", &pw])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("ec-p256-pkcs8.pem"))
        .stderr(predicate::str::contains("mail.contoso.com.crt"))
        .stderr(predicate::str::contains("does not belong"));
    out.assert(predicate::path::missing());
    // No key at all: refused unless --no-key.
    certprep()
        .args(["pfx", &fixture("deliverable/mail.contoso.com.crt")])
        .args(["-o", &out.path().to_string_lossy(), "--password-file", &pw])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--no-key"));
    certprep()
        .args([
            "pfx",
            &fixture("deliverable/mail.contoso.com.crt"),
            &fixture("deliverable/ca-bundle.crt"),
            "--no-key",
        ])
        .args(["-o", &out.path().to_string_lossy(), "--password-file", &pw])
        .assert()
        .success();
    let p = Pkcs12::from_der(&std::fs::read(out.path()).unwrap())
        .unwrap()
        .parse2("x")
        .unwrap();
    assert!(p.pkey.is_none());
}

#[test]
fn pfx_never_overwrites_without_force_and_leaves_no_temp_files() {
    let dir = TempDir::new().unwrap();
    let pw = password_file(&dir, "pw.txt", "x");
    let out = dir.child("x.pfx");
    out.write_str("precious").unwrap();
    let args = |force: bool| {
        let mut c = certprep();
        c.args(["pfx", &fixture("deliverable/mail.contoso.com.crt")])
            .arg(fixture("deliverable/mail.contoso.com.key"))
            .arg(fixture("deliverable/ca-bundle.crt"))
            .args(["-o", &out.path().to_string_lossy(), "--password-file", &pw]);
        if force {
            c.arg("--force");
        }
        c
    };
    args(false)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    out.assert("precious");
    args(true).assert().success();
    open(out.path(), "x");
    // A failing run (bad input) leaves neither a partial file nor a temporary one.
    let failed = dir.child("failed.pfx");
    let garbage = dir.child("garbage.crt");
    garbage.write_str("not a certificate\n").unwrap();
    certprep()
        .args(["pfx", &fixture("deliverable/ca-bundle.crt"), "--no-key"])
        .arg(garbage.path())
        .args([
            "-o",
            &failed.path().to_string_lossy(),
            "--password-file",
            &pw,
        ])
        .assert()
        .code(2);
    failed.assert(predicate::path::missing());
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with(".certprep-")),
        "{names:?}"
    );
}

#[test]
fn pfx_wrong_input_password_is_a_clear_error_without_the_password() {
    let dir = TempDir::new().unwrap();
    let wrong = password_file(&dir, "wrong.txt", "Not-The-One");
    let out = dir.child("x.pfx");
    certprep()
        .args(["pfx", &fixture("deliverable/mail.contoso.com-aes.pfx")])
        .args(["--in-password-file", &wrong, "--password-file", &wrong])
        .args(["-o", &out.path().to_string_lossy()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("password"))
        .stderr(predicate::str::contains("Not-The-One").not());
    out.assert(predicate::path::missing());
}

#[test]
fn inspect_aes_pfx_says_which_windows_versions_cannot_import_it() {
    certprep()
        .args(["inspect", &fixture("deliverable/mail.contoso.com-aes.pfx")])
        .args(["--password-file", &fixture("deliverable/pfx-password.txt")])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Windows Server 2016: cannot import (AES-256 PBES2",
        ))
        .stdout(predicate::str::contains("--profile compat -o OUT.pfx"))
        .stdout(predicate::str::contains("Windows Server 2019: imports"))
        .stdout(predicate::str::contains(
            "MAC                 : HMAC-SHA256, 2048 iterations",
        ));
    // Without the password the verdict is still given, from the visible structure; the file
    // was not read in full, so the exit code is 2 (issue 17).
    certprep()
        .args(["inspect", &fixture("deliverable/mail.contoso.com-aes.pfx")])
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "Windows Server 2012 R2: cannot import (AES-256 PBES2",
        ))
        .stderr(predicate::str::contains("password"));
}

#[test]
fn inspect_json_pfx_has_windows_verdicts() {
    let out = certprep()
        .args([
            "inspect",
            "--json",
            &fixture("deliverable/mail.contoso.com-rc2.pfx"),
        ])
        .args(["--password-file", &fixture("deliverable/pfx-password.txt")])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let pfx = &v["pfx_files"][0];
    assert_eq!(pfx["password"], "supplied");
    assert_eq!(pfx["mac"]["digest"], "sha1");
    let windows = pfx["windows"].as_array().unwrap();
    assert_eq!(windows.len(), 5);
    assert_eq!(windows[0]["name"], "Windows Server 2012 R2");
    assert!(windows.iter().all(|w| w["verdict"] == "imports"));
    let kinds: Vec<&str> = pfx["bags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["encryption"]["scheme"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"pbe-sha1-rc2-40") && kinds.contains(&"pbe-sha1-triple-des"),
        "{kinds:?}"
    );
}

#[test]
fn pem_splits_a_pfx_into_four_files_with_a_private_key_file() {
    let dir = TempDir::new().unwrap();
    let out = dir.child("split");
    certprep()
        .args(["pem", &fixture("deliverable/mail.contoso.com-3des.pfx")])
        .args(["--password-file", &fixture("deliverable/pfx-password.txt")])
        .args(["--out-dir", &out.path().to_string_lossy()])
        .assert()
        .success();
    let key = openssl::pkey::PKey::private_key_from_pem(
        &std::fs::read(out.child("key.pem").path()).unwrap(),
    )
    .unwrap();
    assert!(
        key.private_key_to_pkcs8().unwrap() == key_der(),
        "key differs"
    );
    let key_text = std::fs::read_to_string(out.child("key.pem").path()).unwrap();
    assert!(
        key_text.starts_with("-----BEGIN PRIVATE KEY-----\n"),
        "PKCS#8"
    );
    let cert = X509::from_pem(&std::fs::read(out.child("cert.pem").path()).unwrap()).unwrap();
    assert_eq!(
        cert.to_der().unwrap(),
        pem_der("deliverable/mail.contoso.com.crt")
    );
    let chain: Vec<Vec<u8>> =
        X509::stack_from_pem(&std::fs::read(out.child("chain.pem").path()).unwrap())
            .unwrap()
            .iter()
            .map(|c| c.to_der().unwrap())
            .collect();
    assert_eq!(chain, vec![bundle()[0].clone()]);
    let full: Vec<Vec<u8>> =
        X509::stack_from_pem(&std::fs::read(out.child("fullchain.pem").path()).unwrap())
            .unwrap()
            .iter()
            .map(|c| c.to_der().unwrap())
            .collect();
    assert_eq!(
        full,
        vec![
            pem_der("deliverable/mail.contoso.com.crt"),
            bundle()[0].clone()
        ]
    );
    #[cfg(unix)]
    {
        assert_eq!(mode(out.child("key.pem").path()), 0o600);
        assert_eq!(mode(out.child("cert.pem").path()), 0o644);
    }
    // A second run refuses before touching anything.
    certprep()
        .args(["pem", &fixture("deliverable/mail.contoso.com-3des.pfx")])
        .args(["--password-file", &fixture("deliverable/pfx-password.txt")])
        .args(["--out-dir", &out.path().to_string_lossy()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
}

#[test]
fn pfx_reads_windows_exports_from_the_shared_corpus() {
    let Some(p) = crate::realworld("windows-pfx/golang-x-crypto-pkcs12/windows-azure-tools.pfx")
    else {
        eprintln!("skipped: ../shared/realworld is absent");
        return;
    };
    // A Windows "no password" export converts to compat with a password.
    let dir = TempDir::new().unwrap();
    let pw = password_file(&dir, "pw.txt", "conv");
    let out = dir.child("azure.pfx");
    certprep()
        .args([
            "pfx",
            &p.to_string_lossy(),
            "-o",
            &out.path().to_string_lossy(),
        ])
        .args(["--password-file", &pw, "--in-password-file", &pw])
        .assert()
        .success();
    let (leaf, _, _) = open(out.path(), "conv");
    let theirs = X509::from_der(&leaf).unwrap();
    assert!(format!("{:?}", theirs.subject_name()).contains("Windows Azure Tools"));
    certprep()
        .args(["inspect", &p.to_string_lossy()])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Password            : none (null password)",
        ))
        .stdout(predicate::str::contains(
            "CSP \"Microsoft Software Key Storage Provider\"",
        ))
        .stdout(predicate::str::contains("PBE-SHA1-RC2-40"));
}

#[test]
fn issue_15_inspect_hint_quotes_a_hostile_file_name_for_powershell() {
    // See: issue 15 — the convert hint is pasted into PowerShell: a file name holding quote
    // characters stays one argument (the shared quoter, `certprep::powershell::ps_word`).
    let dir = TempDir::new().unwrap();
    let name = "x\u{2019}; Write-Host pwned; \u{2019}a,b.pfx";
    let path = dir.path().join(name);
    std::fs::copy(fixture("deliverable/mail.contoso.com-aes.pfx"), &path).unwrap();
    let out = certprep()
        .args(["inspect", &path.to_string_lossy()])
        .args(["--password-file", &fixture("deliverable/pfx-password.txt")])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let quoted = certprep::powershell::ps_quote(&path.to_string_lossy());
    assert!(
        text.contains(&format!(
            "convert with: certprep pfx {quoted} --profile compat -o OUT.pfx"
        )),
        "{text}"
    );
    assert!(quoted.contains("\u{2019}\u{2019}; Write-Host"), "{quoted}");
}

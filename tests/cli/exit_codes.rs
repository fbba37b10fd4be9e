//! Issue 17: a command line CI can trust. Inputs that could not be read are exit 2 (unless
//! `--keep-going`) after every good result is printed and every report written with them in
//! it; `tls-name` refuses a CA certificate; `pfx` refuses a chain with a missing intermediate;
//! errors say what happened.
//!
//! See: issue 17 points 1-5 (`issues show 17`).

use crate::{certprep, fixture};
use assert_fs::prelude::*;
use assert_fs::TempDir;
use openssl::pkcs12::Pkcs12;
use predicates::prelude::*;
use serde_json::Value;

const AES_PFX: &str = "deliverable/mail.contoso.com-aes.pfx";

/// The SHA-1 thumbprint of a DER fixture, by OpenSSL (the oracle).
fn thumbprint_of(rel: &str) -> String {
    let x = openssl::x509::X509::from_der(&std::fs::read(fixture(rel)).unwrap()).unwrap();
    hex::encode_upper(x.digest(openssl::hash::MessageDigest::sha1()).unwrap())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// A file with `content` in `dir`, returned as a path string.
fn put(dir: &TempDir, name: &str, content: &[u8]) -> String {
    let f = dir.child(name);
    f.write_binary(content).unwrap();
    f.path().to_string_lossy().into_owned()
}

/// The leaf PEM cut short: a truncated download.
fn truncated(dir: &TempDir) -> String {
    let pem = std::fs::read(fixture("deliverable/mail.contoso.com.crt")).unwrap();
    put(dir, "trunc.crt", &pem[..300])
}

#[test]
fn issue_17_thumbprint_prints_every_good_result_then_exits_2() {
    let dir = TempDir::new().unwrap();
    let trunc = truncated(&dir);
    let a = certprep()
        .args([
            "thumbprint",
            &fixture("deliverable/mail.contoso.com.cer"),
            &trunc,
        ])
        .assert()
        .code(2);
    let out = a.get_output();
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with(&format!(
            "{}  CN=mail.contoso.com",
            thumbprint_of("deliverable/mail.contoso.com.cer")
        )),
        "{stdout}"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("{trunc} (PEM block 1)")) && stderr.contains("no END line"),
        "{stderr}"
    );
    assert!(stderr.contains("1 input could not be read"), "{stderr}");

    // --keep-going: the same output, the skipped input named, exit by the findings (none).
    certprep()
        .args([
            "thumbprint",
            &fixture("deliverable/mail.contoso.com.cer"),
            &trunc,
            "--keep-going",
        ])
        .assert()
        .code(0)
        .stdout(stdout)
        .stderr(predicate::str::contains(format!(
            "skipped 1 unreadable input (--keep-going): {trunc}"
        )));
    // Nothing readable at all: 2 even with --keep-going.
    certprep()
        .args(["thumbprint", &trunc, "--keep-going"])
        .assert()
        .code(2)
        .stdout("");
}

#[test]
fn issue_17_inspect_shows_the_good_file_and_names_the_bad_one() {
    let dir = TempDir::new().unwrap();
    let pw = put(&dir, "pw.txt", b"not a certificate\n");
    let a = certprep()
        .args(["inspect", &fixture("deliverable/mail.contoso.com.crt"), &pw])
        .assert()
        .code(2);
    let stdout = text(&a.get_output().stdout);
    assert!(
        stdout.contains(&format!(
            "Thumbprint          : {}",
            thumbprint_of("deliverable/mail.contoso.com.cer")
        )),
        "{stdout}"
    );
    let stderr = text(&a.get_output().stderr);
    assert!(
        stderr.contains(&format!("{pw}: not a certificate")),
        "{stderr}"
    );
}

#[test]
fn issue_17_wrong_pfx_password_is_exit_2_and_says_wrong_password_for_which_file() {
    let dir = TempDir::new().unwrap();
    let wrong = put(&dir, "wrong.txt", b"not-the-password\n");
    let pfx = fixture(AES_PFX);
    // inspect still shows what is visible without the password, then exits 2.
    let a = certprep()
        .args(["inspect", &pfx, "--password-file", &wrong])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("Windows Server 2019: imports"));
    let stderr = text(&a.get_output().stderr);
    assert!(
        stderr.contains(&format!(
            "{pfx}: wrong password for this PKCS#12 (PFX) file"
        )),
        "{stderr}"
    );
    // inspect --json: the document is written, with the file in `unreadable`.
    let a = certprep()
        .args(["inspect", &pfx, "--password-file", &wrong, "--json"])
        .assert()
        .code(2);
    let doc: Value = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert_eq!(doc["pfx_files"][0]["password"], "not-opened");
    assert_eq!(doc["unreadable"][0]["path"], pfx.as_str());
    assert!(doc["unreadable"][0]["messages"][0]
        .as_str()
        .unwrap()
        .contains("wrong password"));
    // check: the same message, never "no end-entity certificate among the inputs".
    let a = certprep()
        .args(["check", &pfx, "--password-file", &wrong])
        .assert()
        .code(2);
    let stderr = text(&a.get_output().stderr);
    assert!(
        stderr.contains(&format!("{pfx}: wrong password")),
        "{stderr}"
    );
    assert!(!stderr.contains("no end-entity"), "{stderr}");
    // No password at all: the message says none was given.
    certprep()
        .args(["inspect", &pfx])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no password was given"));
}

/// The official SARIF schema (vendored), with its one known defect moved where it was meant to
/// be (see tests/cli/check.rs).
fn sarif_validator() -> jsonschema::Validator {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/schemas/sarif-schema-2.1.0.json");
    let mut schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let region = &mut schema["definitions"]["region"];
    let any_of = region["properties"]
        .as_object_mut()
        .unwrap()
        .remove("anyOf")
        .unwrap();
    region["anyOf"] = any_of;
    jsonschema::options().build(&schema).unwrap()
}

#[test]
fn issue_17_check_reports_always_list_unreadable_inputs() {
    let dir = TempDir::new().unwrap();
    let wrong = put(&dir, "wrong.txt", b"not-the-password\n");
    let pfx = fixture(AES_PFX);
    let good = fixture("deliverable/mail.contoso.com.crt");
    let run = |format: &str, files: &[&str], keep_going: bool| {
        let mut c = certprep();
        c.arg("check")
            .args(files)
            .args(["--password-file", &wrong, "--format", format]);
        c.args(["--roots", &fixture("deliverable/contoso-root.crt")]);
        c.args(["--pool", &fixture("deliverable/ca-bundle.crt")]);
        if keep_going {
            c.arg("--keep-going");
        }
        let out = c.output().unwrap();
        (out.status.code(), text(&out.stdout))
    };

    // JUnit, the only input unreadable: not an empty file but an error case naming it.
    let (code, xml) = run("junit", &[&pfx], false);
    assert_eq!(code, Some(2));
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut errors, mut error_text) = (0, String::new());
    let mut in_error = false;
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) if e.name().as_ref() == b"error" => {
                errors += 1;
                in_error = true;
            }
            quick_xml::events::Event::Text(t) if in_error => {
                error_text.push_str(&t.unescape().unwrap());
                in_error = false;
            }
            _ => {}
        }
    }
    assert_eq!(errors, 1, "{xml}");
    assert!(
        error_text.contains(&pfx) && error_text.contains("wrong password"),
        "{xml}"
    );
    assert!(xml.contains("errors=\"1\""), "{xml}");

    // JSON: the good file is judged, the bad one listed.
    let (code, json) = run("json", &[&good, &pfx], false);
    assert_eq!(code, Some(2));
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["summary"]["certificates"], 1);
    assert_eq!(doc["unreadable"][0]["path"], pfx.as_str());
    assert!(doc["unreadable"][0]["messages"][0]
        .as_str()
        .unwrap()
        .contains("wrong password"));
    // --keep-going: the same report, exit by the findings (none at error level here).
    let (code, json_kept) = run("json", &[&good, &pfx], true);
    assert_eq!((code, json_kept), (Some(0), json));

    // SARIF: valid against the schema, the input as an error notification, the run unsuccessful.
    let (code, sarif) = run("sarif", &[&good, &pfx], false);
    assert_eq!(code, Some(2));
    let doc: Value = serde_json::from_str(&sarif).unwrap();
    let validator = sarif_validator();
    if let Err(e) = validator.validate(&doc) {
        panic!("SARIF invalid: {e}\n{sarif}");
    }
    let inv = &doc["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let note = &inv["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "error");
    assert!(note["message"]["text"]
        .as_str()
        .unwrap()
        .contains("wrong password"));
    // Everything read: the run is successful and has no notifications.
    let (code, sarif) = run("sarif", &[&good], false);
    assert_eq!(code, Some(0));
    let doc: Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(
        doc["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );

    // Text: listed, and counted in the summary line.
    let (code, out) = run("text", &[&good, &pfx], false);
    assert_eq!(code, Some(2));
    assert!(
        out.contains("could not be read: ") && out.contains(", 1 input unreadable"),
        "{out}"
    );
}

#[test]
fn issue_17_check_csr_errors_say_what_happened() {
    let dir = TempDir::new().unwrap();
    let good = fixture("deliverable/mail.contoso.com.crt");
    let missing = dir.path().join("nosuch.req");
    certprep()
        .args(["check", &good, "--csr", &missing.to_string_lossy()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nosuch.req: no such file"));
    certprep()
        .args(["check", &good, "--csr", &dir.path().to_string_lossy()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a directory"));
    certprep()
        .args([
            "check",
            &good,
            "--csr",
            &fixture("deliverable/ca-bundle.crt"),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no certificate request in the file (it holds 2 certificate(s))",
        ));
}

#[test]
fn issue_17_scan_exits_2_when_a_file_cannot_be_read_and_reports_it() {
    let dir = TempDir::new().unwrap();
    put(
        &dir,
        "a/mail.crt",
        &std::fs::read(fixture("deliverable/mail.contoso.com.crt")).unwrap(),
    );
    put(
        &dir,
        "b/locked.pfx",
        &std::fs::read(fixture(AES_PFX)).unwrap(),
    );
    let root = dir.path().to_string_lossy().into_owned();
    let trust = [
        "--pool".to_owned(),
        fixture("deliverable/ca-bundle.crt"),
        "--roots".to_owned(),
        fixture("deliverable/contoso-root.crt"),
    ];
    // Table: the row and, after it, the fault; exit 2.
    let a = certprep()
        .args(["scan", &root])
        .args(&trust)
        .assert()
        .code(2);
    let stdout = text(&a.get_output().stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[1].contains(&thumbprint_of("deliverable/mail.contoso.com.cer")),
        "{stdout}"
    );
    assert_eq!(lines[2], "", "{stdout}");
    assert!(
        lines[3].starts_with("fault: ") && lines[3].contains("locked.pfx"),
        "{stdout}"
    );
    assert!(text(&a.get_output().stderr).contains("1 file could not be read"));
    // --keep-going: exit by the findings (none), the skip counted.
    certprep()
        .args(["scan", &root, "--keep-going"])
        .args(&trust)
        .assert()
        .code(0)
        .stdout(stdout)
        .stderr(predicate::str::contains("skipped 1 unreadable file"));
    // With the password everything is read: 0 without --keep-going (--windows 2019: the AES
    // PFX is no finding there; Server 2016 is assumed otherwise, issue 15).
    certprep()
        .args([
            "scan",
            &root,
            "--windows",
            "2019",
            "--password-file",
            &fixture("deliverable/pfx-password.txt"),
        ])
        .args(&trust)
        .assert()
        .code(0);
}

#[test]
fn issue_17_chain_writes_nothing_from_partial_inputs() {
    let dir = TempDir::new().unwrap();
    let trunc = truncated(&dir);
    let out = dir.child("fullchain.pem");
    let args = [
        "chain".to_owned(),
        fixture("deliverable/mail.contoso.com.crt"),
        trunc.clone(),
        "--pool".to_owned(),
        fixture("deliverable/ca-bundle.crt"),
        "--roots".to_owned(),
        fixture("deliverable/contoso-root.crt"),
        "-o".to_owned(),
        out.path().to_string_lossy().into_owned(),
    ];
    certprep()
        .args(&args)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "nothing written: {trunc} could not be read"
        )));
    out.assert(predicate::path::missing());
    certprep().args(&args).arg("--keep-going").assert().code(0);
    out.assert(predicate::path::is_file());
}

#[test]
fn issue_17_tls_name_refuses_a_ca_certificate_unless_allowed() {
    // A CA bundle given without the server certificate.
    let bundle = fixture("deliverable/ca-bundle.crt");
    certprep()
        .args(["tls-name", &bundle])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "is a CA certificate, not a server (end-entity) certificate",
        ))
        .stderr(predicate::str::contains("--allow-ca"));
    certprep()
        .args(["tls-name", &bundle, "--allow-ca"])
        .assert()
        .code(0)
        .stdout("<I>CN=Contoso Test Root CA, O=Contoso Ltd., C=US<S>CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US\n");
    // The server certificate with its chain: the leaf, as before.
    certprep()
        .args(["tls-name", &fixture("deliverable/mail.contoso.com.p7b")])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "<I>CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US<S>CN=mail.contoso.com",
        ));
}

#[test]
fn issue_17_pfx_refuses_a_missing_intermediate_naming_it_and_its_aia_url() {
    let dir = TempDir::new().unwrap();
    let pw = put(&dir, "pw.txt", b"Pass-17\n");
    let out = dir.child("x.pfx");
    let base = |extra: &[&str]| {
        let mut c = certprep();
        c.args(["pfx", &fixture("deliverable/mail.contoso.com.crt")])
            .arg(fixture("deliverable/mail.contoso.com.key"))
            .args(extra)
            .args(["-o", &out.path().to_string_lossy(), "--password-file", &pw]);
        c
    };
    // Leaf and key only: refused, naming the intermediate and the URL in the leaf's AIA.
    base(&[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the intermediate \"CN=Contoso Test TLS CA 2026, O=Contoso Ltd., C=US\" that issued \"CN=mail.contoso.com",
        ))
        .stderr(predicate::str::contains("http://pki.contoso.example/tlsca2026.crt"))
        .stderr(predicate::str::contains("--no-chain"));
    out.assert(predicate::path::missing());
    // The intermediate alone: the private root is missing in turn.
    let intermediate = {
        let pem = text(&std::fs::read(fixture("deliverable/ca-bundle.crt")).unwrap());
        let end =
            pem.find("-----END CERTIFICATE-----").unwrap() + "-----END CERTIFICATE-----\n".len();
        put(&dir, "intermediate.crt", &pem.as_bytes()[..end])
    };
    base(&["--pool", &intermediate])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("\"CN=Contoso Test Root CA, O=Contoso Ltd., C=US\", which issued \"CN=Contoso Test TLS CA 2026"))
        .stderr(predicate::str::contains("http://pki.contoso.example/root.crt"));
    out.assert(predicate::path::missing());
    // --no-chain: leaf and key only, as it always meant.
    base(&["--no-chain"]).assert().success();
    let p = Pkcs12::from_der(&std::fs::read(out.path()).unwrap())
        .unwrap()
        .parse2("Pass-17")
        .unwrap();
    assert_eq!(p.ca.map_or(0, |ca| ca.len()), 0);
    // With the intermediate and the root from --pool: the intermediate goes in, the root stays out.
    base(&["--pool", &fixture("deliverable/ca-bundle.crt"), "--force"])
        .assert()
        .success();
    let p = Pkcs12::from_der(&std::fs::read(out.path()).unwrap())
        .unwrap()
        .parse2("Pass-17")
        .unwrap();
    let chain: Vec<Vec<u8>> = p.ca.unwrap().iter().map(|c| c.to_der().unwrap()).collect();
    let bundle = openssl::x509::X509::stack_from_pem(
        &std::fs::read(fixture("deliverable/ca-bundle.crt")).unwrap(),
    )
    .unwrap();
    assert_eq!(chain, vec![bundle[0].to_der().unwrap()]);
}

/// A pseudo-terminal: the master side (read here) and the slave side's path.
#[cfg(unix)]
fn open_pty() -> (std::fs::File, std::path::PathBuf) {
    use std::os::fd::FromRawFd;
    // SAFETY: plain libc calls on a descriptor this function owns; the buffer outlives the
    // ptsname_r call and is NUL-terminated by it on success.
    unsafe {
        let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        assert!(master >= 0, "posix_openpt");
        assert_eq!(libc::grantpt(master), 0, "grantpt");
        assert_eq!(libc::unlockpt(master), 0, "unlockpt");
        let mut name = [0u8; 256];
        assert_eq!(
            libc::ptsname_r(master, name.as_mut_ptr().cast(), name.len()),
            0,
            "ptsname_r"
        );
        let len = name.iter().position(|&b| b == 0).unwrap();
        let path = std::path::PathBuf::from(String::from_utf8_lossy(&name[..len]).into_owned());
        (std::fs::File::from_raw_fd(master), path)
    }
}

/// Ctrl-C while `scan` shows its spinner on a terminal: the line is erased, then the process
/// dies of SIGINT (so a shell sees 130). Before, the last spinner frame stayed on screen.
#[cfg(unix)]
#[test]
fn issue_17_ctrl_c_during_scan_clears_the_progress_line() {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    use std::sync::{Arc, Mutex};

    let dir = TempDir::new().unwrap();
    let mut files = 0;
    // The spinner appears once a scan has run for a moment; grow the tree until it does.
    for round in 0..5 {
        let target = 2000 << (2 * round);
        while files < target {
            put(
                &dir,
                &format!("d{}/f{files}.txt", files / 500),
                b"not a certificate\n",
            );
            files += 1;
        }
        let (mut master, slave_path) = open_pty();
        let slave = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&slave_path)
            .unwrap();
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("certprep"))
            .args(["scan", &dir.path().to_string_lossy(), "--jobs", "1"])
            .env_remove("NO_COLOR")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(slave)
            .spawn()
            .unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let reader = {
            let seen = Arc::clone(&seen);
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                // EIO once the child (the last holder of the slave side) is gone.
                while let Ok(n) = master.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    seen.lock().unwrap().extend_from_slice(&buf[..n]);
                }
            })
        };
        // A spinner frame: indicatif's default ticks are braille characters.
        let spinner = |seen: &Arc<Mutex<Vec<u8>>>| {
            String::from_utf8_lossy(&seen.lock().unwrap())
                .chars()
                .any(|c| ('\u{2801}'..='\u{28FF}').contains(&c))
        };
        let mut exited = None;
        while !spinner(&seen) {
            if let Some(status) = child.try_wait().unwrap() {
                exited = Some(status);
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        if exited.is_some() {
            // Finished before the spinner showed: a bigger tree.
            reader.join().unwrap();
            continue;
        }
        // SAFETY: signalling our own child by its id.
        assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
        let status = child.wait().unwrap();
        reader.join().unwrap();
        assert_eq!(status.signal(), Some(libc::SIGINT), "{status:?}");
        let out = String::from_utf8_lossy(&seen.lock().unwrap()).into_owned();
        // The last thing on the line is the erase sequence, not a spinner frame.
        let last = out.rsplit('\r').next().unwrap();
        assert_eq!(
            last,
            "\u{1b}[2K",
            "{:?}",
            &out[out.len().saturating_sub(200)..]
        );
        return;
    }
    panic!("the scan of {files} files never showed its spinner");
}

//! How certprep writes files (issue 16 points 4–9): what `--force` may replace, `-` as standard
//! output, no temporary file left by an interrupted write, two outputs naming one file,
//! bounded secret reads, core dumps off, permissions under any umask, and `scan
//! --follow-links` kept inside the scanned paths.
//!
//! See: issue 16.

use crate::{certprep, fixture};
use assert_fs::prelude::*;
use assert_fs::TempDir;
use predicates::str::contains;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The binary as a plain `std::process::Command`, with the environment `certprep()` gives.
fn raw_command() -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("certprep"));
    for (k, _) in std::env::vars() {
        if k.starts_with("CERTPREP_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("NO_COLOR", "1")
        .arg("--at")
        .arg("2027-01-01T00:00:00Z");
    cmd
}

/// The binary run under `sh` with this umask.
#[cfg(unix)]
fn with_umask(umask: &str) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new("sh");
    for (k, _) in std::env::vars() {
        if k.starts_with("CERTPREP_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("NO_COLOR", "1")
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$@\""))
        .arg("sh")
        .arg(assert_cmd::cargo::cargo_bin("certprep"))
        .args(["--at", "2027-01-01T00:00:00Z"]);
    cmd
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

// ---- 4. --force and standard output ----

#[cfg(unix)]
#[test]
fn issue_16_force_refuses_to_replace_a_fifo() {
    use std::os::unix::fs::FileTypeExt;
    let dir = TempDir::new().unwrap();
    let fifo = dir.child("out.pem");
    mkfifo(fifo.path());
    certprep()
        .args(["chain", &fixture("deliverable/mail.contoso.com.crt")])
        .arg(fixture("deliverable/ca-bundle.crt"))
        .arg("-o")
        .arg(fifo.path())
        .arg("--force")
        .timeout(Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(contains("a FIFO, not a regular file"));
    let ft = std::fs::symlink_metadata(fifo.path()).unwrap().file_type();
    assert!(ft.is_fifo(), "the FIFO is still a FIFO");
    assert_eq!(names(dir.path()), ["out.pem"]);
}

#[cfg(unix)]
#[test]
fn issue_16_force_replaces_a_symlink_without_following_it() {
    let dir = TempDir::new().unwrap();
    let target = dir.child("target.txt");
    target.write_str("keep me\n").unwrap();
    let link = dir.child("chain.pem");
    std::os::unix::fs::symlink(target.path(), link.path()).unwrap();
    certprep()
        .args(["chain", &fixture("deliverable/mail.contoso.com.crt")])
        .arg(fixture("deliverable/ca-bundle.crt"))
        .args(["--roots", &fixture("deliverable/contoso-root.crt")])
        .arg("-o")
        .arg(link.path())
        .arg("--force")
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(target.path()).unwrap(), "keep me\n");
    let meta = std::fs::symlink_metadata(link.path()).unwrap();
    assert!(meta.file_type().is_file(), "the link itself was replaced");
    assert!(std::fs::read_to_string(link.path())
        .unwrap()
        .starts_with("-----BEGIN CERTIFICATE-----"));
}

#[test]
fn issue_16_pfx_dash_writes_the_pfx_to_standard_output() {
    let dir = TempDir::new().unwrap();
    let out = certprep()
        .current_dir(dir.path())
        .args(["pfx", &fixture("deliverable/mail.contoso.com.crt")])
        .arg(fixture("deliverable/mail.contoso.com.key"))
        .args(["-o", "-", "--empty-password", "--no-chain"])
        .assert()
        .success()
        .stderr(contains("wrote -"))
        .get_output()
        .stdout
        .clone();
    let p = openssl::pkcs12::Pkcs12::from_der(&out)
        .expect("standard output is a PFX")
        .parse2("")
        .expect("OpenSSL opens it");
    assert!(p.pkey.is_some() && p.cert.is_some());
    assert!(names(dir.path()).is_empty(), "no file named -");
}

#[test]
fn issue_16_csr_dash_writes_the_request_to_standard_output() {
    let dir = TempDir::new().unwrap();
    let out = certprep()
        .current_dir(dir.path())
        .args(["csr", "--name", "a.example.com", "--key-type", "p256"])
        .args(["-o", "-", "--key-out", "a.key"])
        .assert()
        .success()
        .stderr(contains("Request : -"))
        .get_output()
        .stdout
        .clone();
    let req = openssl::x509::X509Req::from_pem(&out).expect("a request on stdout");
    let key = openssl::pkey::PKey::private_key_from_pem(
        &std::fs::read(dir.path().join("a.key")).unwrap(),
    )
    .unwrap();
    assert!(key.public_eq(&req.public_key().unwrap()));
    assert_eq!(names(dir.path()), ["a.key"]);
}

#[test]
fn issue_16_pem_refuses_dash_as_its_directory() {
    let dir = TempDir::new().unwrap();
    certprep()
        .current_dir(dir.path())
        .args(["pem", &fixture("deliverable/mail.contoso.com.crt")])
        .args(["--out-dir", "-"])
        .assert()
        .code(2)
        .stderr(contains("needs a directory"));
    assert!(names(dir.path()).is_empty());
}

/// Binary data and keys are refused on a terminal; text is not. Runs the binary under
/// `script`, which gives it a pseudo-terminal, when that tool is installed.
#[cfg(target_os = "linux")]
#[test]
fn issue_16_binary_output_to_a_terminal_is_refused() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: no `script` to provide a terminal");
        return;
    }
    let dir = TempDir::new().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("certprep");
    let run = |args: &str| {
        std::process::Command::new("script")
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .args([
                "-qec",
                &format!("{} --at 2027-01-01T00:00:00Z {args}", bin.display()),
            ])
            .arg("/dev/null")
            .output()
            .unwrap()
    };
    let crt = fixture("deliverable/mail.contoso.com.crt");
    let key = fixture("deliverable/mail.contoso.com.key");
    let pfx = run(&format!("pfx {crt} {key} --no-chain --empty-password -o -"));
    assert!(!pfx.status.success());
    assert!(String::from_utf8_lossy(&pfx.stdout)
        .contains("refusing to write binary data to the terminal"));
    let p7b = run(&format!("chain {crt} --format p7b -o -"));
    assert!(!p7b.status.success());
    let key_out = run("csr --name a.example.com --key-type p256 -o a.req --key-out -");
    assert!(!key_out.status.success());
    assert!(String::from_utf8_lossy(&key_out.stdout).contains("refusing to write a private key"));
    let bundle = fixture("deliverable/ca-bundle.crt");
    let root = fixture("deliverable/contoso-root.crt");
    let pem = run(&format!("chain {crt} {bundle} --roots {root} -o -"));
    assert!(pem.status.success(), "PEM text may go to a terminal");
    assert!(String::from_utf8_lossy(&pem.stdout).contains("-----BEGIN CERTIFICATE-----"));
    assert_eq!(names(dir.path()), Vec::<String>::new());
}

// ---- 6. interrupted writes ----

/// Run the command with the debug-build pause hook; once its temporary file is complete, send
/// `signal` and return how it ended. The hook only exists in debug builds.
#[cfg(unix)]
fn interrupt(mut cmd: std::process::Command, signal: &str) -> std::process::ExitStatus {
    use std::io::BufRead;
    let mut child = cmd
        .env("CERTPREP_TEST_PAUSE_WRITE", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = std::io::BufReader::new(stderr).lines();
    let paused = lines.any(|l| {
        l.map(|l| l.starts_with("certprep-test: paused writing"))
            .unwrap_or(false)
    });
    assert!(paused, "the write reached the pause hook");
    let ok = std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap()
        .success();
    assert!(ok);
    child.wait().unwrap()
}

#[cfg(unix)]
fn csr_command(dir: &Path) -> std::process::Command {
    let mut cmd = raw_command();
    cmd.current_dir(dir).args([
        "csr",
        "--name",
        "a.example.com",
        "--key-type",
        "p256",
        "-o",
        "a.req",
        "--key-out",
        "a.key",
    ]);
    cmd
}

#[cfg(unix)]
#[test]
fn issue_16_sigkill_while_writing_a_key_leaves_no_file() {
    use std::os::unix::process::ExitStatusExt;
    if !cfg!(debug_assertions) {
        return; // the pause hook is compiled only into debug builds
    }
    let dir = TempDir::new().unwrap();
    let status = interrupt(csr_command(dir.path()), "KILL");
    assert_eq!(status.signal(), Some(9));
    // The unencrypted key was complete in its temporary file: nothing of it is left.
    assert_eq!(names(dir.path()), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn issue_16_sigterm_and_sigint_remove_the_temporary_file() {
    use std::os::unix::process::ExitStatusExt;
    if !cfg!(debug_assertions) {
        return;
    }
    // --force on Linux passes through a named temporary file; CERTPREP_TEST_NAMED_TEMP makes
    // every write use one (the portable path).
    for (signal, number, named, force) in [
        ("TERM", 15, false, true),
        ("INT", 2, false, true),
        ("TERM", 15, true, false),
        ("HUP", 1, true, true),
    ] {
        let dir = TempDir::new().unwrap();
        if force {
            dir.child("a.key").write_str("old key\n").unwrap();
        }
        let mut cmd = csr_command(dir.path());
        if force {
            cmd.arg("--force");
        }
        if named {
            cmd.env("CERTPREP_TEST_NAMED_TEMP", "1");
        }
        let status = interrupt(cmd, signal);
        assert_eq!(
            status.signal(),
            Some(number),
            "{signal}: ends by the signal"
        );
        let left = names(dir.path());
        assert!(
            left.iter().all(|n| !n.starts_with(".certprep-")),
            "{signal} named={named}: {left:?}"
        );
        if force {
            assert_eq!(left, ["a.key"]);
            assert_eq!(
                std::fs::read_to_string(dir.path().join("a.key")).unwrap(),
                "old key\n"
            );
        } else {
            assert!(left.is_empty(), "{left:?}");
        }
    }
}

// ---- 7. one file named twice ----

#[test]
fn issue_16_same_output_named_twice_is_refused() {
    let dir = TempDir::new().unwrap();
    certprep()
        .current_dir(dir.path())
        .args(["csr", "--name", "a.example.com", "--key-type", "p256"])
        .args(["-o", "./same", "--key-out", "same", "--force"])
        .assert()
        .code(2)
        .stderr(contains("are the same file"));
    certprep()
        .current_dir(dir.path())
        .args([
            "selfsigned",
            "--name",
            "a.example.com",
            "--key-type",
            "p256",
        ])
        .args(["-o", "./ss.pem", "--key-out", "ss.pem", "--force"])
        .assert()
        .code(2)
        .stderr(contains("are the same file"));
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    certprep()
        .current_dir(dir.path())
        .args(["csr", "--name", "a.example.com", "--key-type", "p256"])
        .args(["-o", "sub/../x", "--key-out", "x"])
        .assert()
        .code(2)
        .stderr(contains("are the same file"));
    certprep()
        .current_dir(dir.path())
        .args(["csr", "--name", "a.example.com", "--key-type", "p256"])
        .args(["-o", "-", "--key-out", "-"])
        .assert()
        .code(2)
        .stderr(contains("are the same file"));
    assert_eq!(names(dir.path()), ["sub"]);
}

#[cfg(unix)]
#[test]
fn issue_16_same_output_through_a_linked_directory_is_refused() {
    let dir = TempDir::new().unwrap();
    dir.child("real").create_dir_all().unwrap();
    std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("alias")).unwrap();
    dir.child("real/k.pem").write_str("old key\n").unwrap();
    certprep()
        .current_dir(dir.path())
        .args([
            "selfsigned",
            "--name",
            "a.example.com",
            "--key-type",
            "p256",
        ])
        .args(["-o", "alias/k.pem", "--key-out", "real/k.pem", "--force"])
        .assert()
        .code(2)
        .stderr(contains("are the same file"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("real/k.pem")).unwrap(),
        "old key\n"
    );
}

// ---- 8. secrets ----

#[test]
fn issue_16_huge_password_file_is_refused_from_its_size() {
    let dir = TempDir::new().unwrap();
    let pw = dir.child("pw.txt");
    // Sparse: 2 GiB long without using the disk.
    std::fs::File::create(pw.path())
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    certprep()
        .args(["pfx", &fixture("deliverable/mail.contoso.com.crt")])
        .arg(fixture("deliverable/mail.contoso.com.key"))
        .arg("--password-file")
        .arg(pw.path())
        .arg("-o")
        .arg(dir.path().join("out.pfx"))
        .timeout(Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(contains("is larger than 65536 bytes"));
    assert_eq!(names(dir.path()), ["pw.txt"]);
}

#[cfg(target_os = "linux")]
#[test]
fn issue_16_endless_password_file_is_read_with_a_bound() {
    certprep()
        .args(["inspect", &fixture("deliverable/mail.contoso.com.crt")])
        .args(["--password-file", "/dev/zero"])
        .timeout(Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(contains("/dev/zero is larger than 65536 bytes"));
}

#[cfg(unix)]
#[test]
fn issue_16_password_file_from_a_pipe_still_works() {
    // `--password-file <(echo pw)`: a FIFO is read (bounded), not refused.
    let dir = TempDir::new().unwrap();
    let fifo = dir.path().join("pw");
    mkfifo(&fifo);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, "Pipe-Pass-1\n").unwrap())
    };
    let out = dir.path().join("out.pfx");
    certprep()
        .args(["pfx", &fixture("deliverable/mail.contoso.com.crt")])
        .arg(fixture("deliverable/mail.contoso.com.key"))
        .arg("--no-chain")
        .arg("--password-file")
        .arg(&fifo)
        .arg("-o")
        .arg(&out)
        .timeout(Duration::from_secs(60))
        .assert()
        .success();
    writer.join().unwrap();
    openssl::pkcs12::Pkcs12::from_der(&std::fs::read(&out).unwrap())
        .unwrap()
        .parse2("Pipe-Pass-1")
        .expect("the password from the pipe");
}

#[cfg(target_os = "linux")]
#[test]
fn issue_16_core_dumps_are_disabled_at_start() {
    if !cfg!(debug_assertions) {
        return; // uses the pause hook
    }
    use std::io::BufRead;
    let dir = TempDir::new().unwrap();
    let mut child = csr_command(dir.path())
        .env("CERTPREP_TEST_PAUSE_WRITE", "1")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = std::io::BufReader::new(stderr).lines();
    assert!(lines.any(|l| l.is_ok_and(|l| l.starts_with("certprep-test: paused"))));
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", child.id())).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(&fields[4..6], ["0", "0"], "{core}");
}

#[test]
fn issue_16_input_over_the_size_limit_is_refused_from_its_size() {
    let dir = TempDir::new().unwrap();
    let big = dir.child("big.pem");
    std::fs::File::create(big.path())
        .unwrap()
        .set_len(1 << 40) // 1 TiB, sparse: only a size check can answer quickly
        .unwrap();
    certprep()
        .arg("inspect")
        .arg(big.path())
        .timeout(Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(contains("1099511627776 bytes is larger than"));
}

#[cfg(target_os = "linux")]
#[test]
fn issue_16_config_and_compare_text_are_read_with_a_bound() {
    certprep()
        .args(["check", &fixture("deliverable/mail.contoso.com.crt")])
        .args(["--config", "/dev/zero"])
        .timeout(Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(contains(
            "configuration /dev/zero is larger than 1048576 bytes",
        ));
    certprep()
        .args(["tls-name", &fixture("deliverable/mail.contoso.com.crt")])
        .args(["--compare", "-"])
        .write_stdin(vec![b'x'; 2 << 20])
        .timeout(Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(contains("standard input is larger than 1048576 bytes"));
}

// ---- 9. permissions ----

#[cfg(unix)]
#[test]
fn issue_16_public_outputs_honour_the_umask_and_keys_stay_0600() {
    for (umask, public) in [("027", 0o640), ("000", 0o666), ("077", 0o600)] {
        let dir = TempDir::new().unwrap();
        with_umask(umask)
            .current_dir(dir.path())
            .args(["csr", "--name", "a.example.com", "--key-type", "p256"])
            .args(["-o", "a.req", "--key-out", "a.key"])
            .assert()
            .success();
        assert_eq!(mode(&dir.path().join("a.req")), public, "umask {umask}");
        assert_eq!(mode(&dir.path().join("a.key")), 0o600, "umask {umask}");
    }
}

#[cfg(unix)]
#[test]
fn issue_16_pem_makes_the_key_directory_owner_only() {
    let dir = TempDir::new().unwrap();
    let out: PathBuf = dir.path().join("new/nginx");
    with_umask("000")
        .args(["pem", &fixture("deliverable/mail.contoso.com.crt")])
        .arg(fixture("deliverable/ca-bundle.crt"))
        .arg(fixture("deliverable/mail.contoso.com.key"))
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .success();
    assert_eq!(mode(&out), 0o700);
    assert_eq!(mode(&dir.path().join("new")), 0o700);
    assert_eq!(mode(&out.join("key.pem")), 0o600);
    assert_eq!(mode(&out.join("cert.pem")), 0o666);
}

// ---- 5. scan --follow-links containment ----

#[cfg(unix)]
#[test]
fn issue_16_scan_follows_links_only_inside_the_roots() {
    let outside = TempDir::new().unwrap();
    std::fs::copy(
        fixture("deliverable/mail.contoso.com.crt"),
        outside.path().join("outside.crt"),
    )
    .unwrap();
    let root = TempDir::new().unwrap();
    root.child("a").create_dir_all().unwrap();
    std::fs::copy(
        fixture("deliverable/ca-bundle.crt"),
        root.path().join("a/inside.crt"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), root.path().join("out")).unwrap();
    std::os::unix::fs::symlink(root.path().join("a"), root.path().join("in")).unwrap();
    std::os::unix::fs::symlink("/proc/self", root.path().join("proc")).unwrap();
    let scan = |extra: &[&str]| {
        let out = certprep()
            .args(["scan", "-v", "--format", "jsonl", "--follow-links"])
            .args(extra)
            .arg(root.path())
            .timeout(Duration::from_secs(120))
            .assert()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    let contained = scan(&[]);
    assert!(contained.contains("inside.crt"));
    assert!(
        contained.contains("/in/inside.crt"),
        "a link inside is followed"
    );
    assert!(!contained.contains("outside.crt"), "{contained}");
    certprep()
        .args(["scan", "-v", "--follow-links"])
        .arg(root.path())
        .timeout(Duration::from_secs(120))
        .assert()
        .stderr(contains("link leads outside the scanned paths"));
    let anywhere = scan(&["--follow-links-outside"]);
    assert!(anywhere.contains("outside.crt"), "{anywhere}");
    assert!(
        anywhere.contains("kernel-file-system"),
        "/proc is not walked even when links may leave the roots: {anywhere}"
    );
}

#[cfg(unix)]
#[test]
fn issue_16_scan_skips_a_fifo_behind_a_link_without_opening_it() {
    let root = TempDir::new().unwrap();
    let elsewhere = TempDir::new().unwrap();
    mkfifo(&elsewhere.path().join("pipe"));
    mkfifo(&root.path().join("pipe"));
    std::os::unix::fs::symlink(elsewhere.path().join("pipe"), root.path().join("l")).unwrap();
    certprep()
        .args(["scan", "-v", "--format", "jsonl", "--follow-links"])
        .arg("--follow-links-outside")
        .arg(root.path())
        .timeout(Duration::from_secs(60))
        .assert()
        .stdout(contains("/l\",\"reason\":\"not-regular-file\""))
        .stdout(contains("/pipe\",\"reason\":\"not-regular-file\""));
}

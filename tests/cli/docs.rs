//! Every command in README.md and docs/*.md runs as written (issue 17 point 6).
//!
//! What runs: every line of a ```sh (or bash/shell) block, and every `$ certprep …` line in
//! any other fenced block (a trailing `\` joins the next line). The conventions, and the only
//! differences from a reader's shell:
//!
//! - Each block runs in a fresh directory holding the example files the docs name, made from
//!   `fixtures/` ([`EXAMPLE_FILES`]), and a copy of `fixtures/deliverable/`.
//! - `HOME` is that directory too (the install lines write under `~`).
//! - `certprep` is the binary under test, run with `--at 2027-01-01T00:00:00Z` first (the
//!   fixtures have fixed dates; a reader's run evaluates at the current time).
//! - `cargo run [--release] --` is `certprep` (it runs the same binary).
//! - A command must exit 0, unless its line ends with `# exit N`.
//! - `<!-- docs-test: skip: REASON -->` on the line before a fence skips that block by name
//!   (for instance a probe of a live server); the reason is printed.
//! - `<!-- docs-test: without FILE… -->` leaves those example files out (the block makes them).
//! - Lines that are not certprep run only for a short list of setup commands (mkdir, cp, …);
//!   development commands (cargo test, .ci/run, fixtures/gen.sh …) are skipped by name
//!   ([`SKIPPED`]), and any other command fails the test until it is classified.

use std::path::{Path, PathBuf};
use std::process::Command;

/// (name in the docs, fixture it is made from).
const EXAMPLE_FILES: &[(&str, &str)] = &[
    ("mail.contoso.com.crt", "deliverable/mail.contoso.com.crt"),
    ("mail.contoso.com.cer", "deliverable/mail.contoso.com.cer"),
    ("mail.contoso.com.key", "deliverable/mail.contoso.com.key"),
    ("mail.contoso.com.req", "deliverable/mail.contoso.com.req"),
    (
        "mail.contoso.com-aes.pfx",
        "deliverable/mail.contoso.com-aes.pfx",
    ),
    (
        "mail.contoso.com.pfx",
        "deliverable/mail.contoso.com-3des.pfx",
    ),
    ("ca-bundle.crt", "deliverable/ca-bundle.crt"),
    ("contoso-root.crt", "deliverable/contoso-root.crt"),
    ("corp-root.crt", "deliverable/contoso-root.crt"),
    ("deliverable.zip", "deliverable/deliverable.zip"),
    ("pw.txt", "deliverable/pfx-password.txt"),
    // What `certprep collect`'s script wrote for a one-server organisation.
    ("exchange-state.json", "state/single-server.json"),
    // What the CA sent for mail.req (the renewal walk-through).
    ("mail.crt", "deliverable/mail.contoso.com.crt"),
    ("mail.key", "deliverable/mail.contoso.com.key"),
    ("mail.req", "deliverable/mail.contoso.com.req"),
    ("site.pfx", "deliverable/mail.contoso.com-3des.pfx"),
    ("new.pfx", "deliverable/mail.contoso.com-3des.pfx"),
    ("server.crt", "deliverable/mail.contoso.com.crt"),
    // The certificate being replaced: another certificate, expired in 2026.
    ("old.cer", "check/expired/fail-2026.pem"),
    ("old.crt", "check/expired/fail-2026.pem"),
    ("new.crt", "deliverable/mail.contoso.com.crt"),
    ("mail.pfx", "deliverable/mail.contoso.com-3des.pfx"),
    // The organisation of docs/runbook.md's example.
    (
        "first-renewal-self-signed.json",
        "state/first-renewal-self-signed.json",
    ),
];

/// Directories the docs scan or pool from, each holding the sample leaf with its chain.
const EXAMPLE_DIRS: &[&str] = &["certs", "deliverables", "pki", "intermediates"];

/// Setup commands that run as written.
const SETUP: &[&str] = &["mkdir", "cp", "mv", "cat", "echo", "printf", "ls"];

/// Commands skipped by name, and why.
const SKIPPED: &[(&str, &str)] = &[
    (
        "cargo",
        "a development command (the docs test itself runs under cargo test)",
    ),
    ("bash .ci/run", "CI itself"),
    (
        "fixtures/gen.sh",
        "regenerates fixtures (needs OpenSSL 3, rewrites files)",
    ),
    ("scripts/", "a benchmark script"),
    ("BENCH_LEAVES=", "a benchmark (minutes)"),
    (
        "RUSTC_BOOTSTRAP=1 cargo",
        "fuzzing (nightly features, minutes)",
    ),
];

#[derive(Debug)]
struct Block {
    doc: String,
    line: usize,
    skip: Option<String>,
    without: Vec<String>,
    commands: Vec<(usize, String)>,
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn docs() -> Vec<PathBuf> {
    let mut files = vec![repo().join("README.md")];
    let mut more: Vec<PathBuf> = std::fs::read_dir(repo().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    more.sort();
    files.extend(more);
    files
}

fn blocks(path: &Path) -> Vec<Block> {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = path.strip_prefix(repo()).unwrap().display().to_string();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(lang) = lines[i].trim_start().strip_prefix("```") else {
            i += 1;
            continue;
        };
        let shell = matches!(lang.trim(), "sh" | "bash" | "shell");
        let marker = lines[..i]
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .and_then(|l| l.trim().strip_prefix("<!-- docs-test:"))
            .and_then(|l| l.strip_suffix("-->"))
            .map(|l| l.trim().to_owned());
        let mut block = Block {
            doc: doc.clone(),
            line: i + 1,
            skip: None,
            without: Vec::new(),
            commands: Vec::new(),
        };
        match marker.as_deref() {
            Some(m) if m.starts_with("skip:") => block.skip = Some(m[5..].trim().to_owned()),
            Some(m) if m.starts_with("without ") => {
                block.without = m[8..].split_whitespace().map(str::to_owned).collect()
            }
            Some(m) => panic!("{doc}:{}: unknown docs-test marker {m:?}", i + 1),
            None => {}
        }
        i += 1;
        while i < lines.len() && !lines[i].trim_start().starts_with("```") {
            let raw = lines[i].trim();
            let start = i + 1;
            let command = if shell {
                (!raw.is_empty() && !raw.starts_with('#')).then_some(raw)
            } else {
                raw.strip_prefix("$ ").filter(|c| c.starts_with("certprep"))
            };
            if let Some(first) = command {
                let mut cmd = first.to_owned();
                while cmd.ends_with('\\') && i + 1 < lines.len() {
                    cmd.pop();
                    i += 1;
                    cmd.push(' ');
                    cmd.push_str(lines[i].trim());
                }
                block.commands.push((start, cmd));
            }
            i += 1;
        }
        i += 1;
        if !block.commands.is_empty() {
            out.push(block);
        }
    }
    out
}

/// The exit code a command line asks for (`# exit N` at its end), else 0.
fn expected_exit(cmd: &str) -> i32 {
    cmd.rsplit_once("# exit ")
        .and_then(|(_, n)| n.trim().parse().ok())
        .unwrap_or(0)
}

fn example_dir(without: &[String], bin: &Path) -> assert_fs::TempDir {
    let dir = assert_fs::TempDir::new().unwrap();
    let fixtures = repo().join("fixtures");
    // The quick start names fixtures/deliverable/… from the repository root.
    let deliverable = dir.path().join("fixtures/deliverable");
    std::fs::create_dir_all(&deliverable).unwrap();
    for entry in std::fs::read_dir(fixtures.join("deliverable")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), deliverable.join(entry.file_name())).unwrap();
    }
    for (name, from) in EXAMPLE_FILES {
        if !without.iter().any(|w| w == name) {
            std::fs::copy(fixtures.join(from), dir.path().join(name)).unwrap();
        }
    }
    // The documented example state, named from a clone's root as docs/runbook.md does.
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    std::fs::copy(
        repo().join("docs/exchange-state.example.json"),
        dir.path().join("docs/exchange-state.example.json"),
    )
    .unwrap();
    for d in EXAMPLE_DIRS {
        let target = dir.path().join(d);
        std::fs::create_dir(&target).unwrap();
        // The leaf with its chain, as a server's certificate file holds it.
        let mut fullchain =
            std::fs::read(fixtures.join("deliverable/mail.contoso.com.crt")).unwrap();
        fullchain.extend(std::fs::read(fixtures.join("deliverable/ca-bundle.crt")).unwrap());
        std::fs::write(target.join("mail.contoso.com.pem"), fullchain).unwrap();
    }
    let wrapper_dir = dir.path().join(".bin");
    std::fs::create_dir(&wrapper_dir).unwrap();
    let wrapper = wrapper_dir.join("certprep");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nexec '{}' --at 2027-01-01T00:00:00Z \"$@\"\n",
            bin.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

#[test]
fn every_command_in_the_readme_and_docs_runs_as_written() {
    let bin = assert_cmd::cargo::cargo_bin("certprep");
    let mut failures = Vec::new();
    let (mut ran, mut skipped) = (0, 0);
    for path in docs() {
        for block in blocks(&path) {
            let here = format!("{}:{}", block.doc, block.line);
            if let Some(reason) = &block.skip {
                eprintln!("docs test: SKIPPED block {here}: {reason}");
                skipped += block.commands.len();
                continue;
            }
            let dir = example_dir(&block.without, &bin);
            for (line, cmd) in &block.commands {
                let at = format!("{}:{line}", block.doc);
                let mut cmd = cmd.clone();
                for prefix in ["cargo run --release -- ", "cargo run -- "] {
                    if let Some(rest) = cmd.strip_prefix(prefix) {
                        cmd = format!("certprep {rest}");
                    }
                }
                let word = cmd.split_whitespace().next().unwrap_or("");
                if let Some((name, reason)) = SKIPPED.iter().find(|(n, _)| cmd.starts_with(n)) {
                    eprintln!("docs test: skipped {at}: `{name}`: {reason}");
                    skipped += 1;
                    continue;
                }
                if word != "certprep" && !SETUP.contains(&word) {
                    failures.push(format!(
                        "{at}: `{cmd}`: not certprep and not a known setup command; make it \
                         runnable or add it to SKIPPED with a reason"
                    ));
                    continue;
                }
                let path_var = format!(
                    "{}:{}",
                    dir.path().join(".bin").display(),
                    std::env::var("PATH").unwrap_or_default()
                );
                let out = Command::new("sh")
                    .args(["-c", &cmd])
                    .current_dir(dir.path())
                    .env("PATH", path_var)
                    .env("NO_COLOR", "1")
                    // Install lines (completions, man page) write under ~.
                    .env("HOME", dir.path())
                    .env_remove("PFX_PW")
                    .output()
                    .unwrap();
                ran += 1;
                let want = expected_exit(&cmd);
                if out.status.code() != Some(want) {
                    failures.push(format!(
                        "{at}: `{cmd}` exited {:?}, the docs expect {want}\n  stderr: {}",
                        out.status.code(),
                        String::from_utf8_lossy(&out.stderr).trim()
                    ));
                }
            }
        }
    }
    eprintln!("docs test: {ran} commands ran, {skipped} skipped by name");
    assert!(ran > 20, "the harness found only {ran} commands");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

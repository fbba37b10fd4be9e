//! Integration tests that run the real `certprep` binary.
//!
//! Each area has its own module; `certprep()` is the hermetic command every test uses.

use assert_cmd::Command;
use std::path::PathBuf;

/// The binary, with a clean environment and the evaluation time pinned to 2027-01-01
/// (webpki-style pinned time: fixtures have fixed dates).
pub fn certprep() -> Command {
    let mut cmd = Command::cargo_bin("certprep").expect("binary built");
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

/// Path of a file under `fixtures/`.
pub fn fixture(rel: &str) -> String {
    let p: PathBuf = [env!("CARGO_MANIFEST_DIR"), "fixtures", rel]
        .iter()
        .collect();
    p.to_string_lossy().into_owned()
}

/// The shared real-world corpus beside the checkout (`../shared/realworld`; from a git
/// worktree one level deeper, `../../shared/realworld`), if present.
pub fn realworld(rel: &str) -> Option<PathBuf> {
    ["..", "../.."].iter().find_map(|up| {
        let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join(up)
            .join("shared/realworld")
            .join(rel);
        p.exists().then_some(p)
    })
}

mod budgets;
mod chain;
mod check;
mod collect;
mod completions;
mod csr;
mod docs;
mod exit_codes;
mod foundation;
mod input;
mod pfx;
mod probe;
mod prometheus;
mod runbook;
mod scan;
mod state;
mod tls_name;
mod writes;

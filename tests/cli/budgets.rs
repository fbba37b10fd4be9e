//! Issue 16: the key-derivation budgets as options. The genuine fixture PFX (2,048
//! iterations) is refused under a tiny budget, naming the file and the budget, and opens under
//! the default. The refusal costs nothing, so these tests stay fast.
// See: issue 16 (`issues show 16`).

use crate::{certprep, fixture};
use predicates::prelude::*;

#[test]
fn issue_16_max_kdf_work_refuses_a_file_naming_it_and_the_budget() {
    let pfx = fixture("deliverable/mail.contoso.com-aes.pfx");
    certprep()
        .args(["inspect", &pfx])
        .args(["--password-file", &fixture("deliverable/pfx-password.txt")])
        .args(["--max-kdf-work", "1000"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "certprep: {pfx}: opening this PKCS#12 (PFX) file needs more password-hashing work than the budget of 1000 units per file (--max-kdf-work) allows"
        )));
}

#[test]
fn issue_16_max_kdf_work_run_bounds_the_whole_command() {
    let pfx = fixture("deliverable/mail.contoso.com-aes.pfx");
    let pw = fixture("deliverable/pfx-password.txt");
    // One file opens within 20,000 units; the same file twice does not.
    certprep()
        .args(["inspect", &pfx, "--password-file", &pw])
        .args(["--max-kdf-work-run", "20000"])
        .assert()
        .success();
    certprep()
        .args(["inspect", &pfx, &pfx, "--password-file", &pw])
        .args(["--max-kdf-work-run", "20000"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "units per run (--max-kdf-work-run)",
        ));
}

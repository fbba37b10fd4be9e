//! `certprep check NEW --state exchange-state.json`: facts from the organisation's state
//! (fixtures/state/, see fixtures/README.md) instead of flags, and the state section.

use crate::{certprep, fixture};
use predicates::prelude::*;

/// `check` of the deliverable PFX (`which`: 3des or aes) against a state fixture.
fn check_pfx(which: &str, state: &str) -> assert_cmd::Command {
    let mut cmd = certprep();
    cmd.arg("check")
        .arg(fixture(&format!(
            "deliverable/mail.contoso.com-{which}.pfx"
        )))
        .arg("--password-file")
        .arg(fixture("deliverable/pfx-password.txt"))
        .arg("--roots")
        .arg(fixture("deliverable/contoso-root.crt"))
        .arg("--state")
        .arg(state);
    cmd
}

fn state(name: &str) -> String {
    fixture(&format!("state/{name}.json"))
}

fn json(cmd: &mut assert_cmd::Command) -> serde_json::Value {
    let out = cmd.arg("--format").arg("json").output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn state_finding_ids(doc: &serde_json::Value) -> Vec<(String, Option<String>)> {
    doc["state"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_owned(),
                f["server"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

#[test]
fn check_state_single_server_passes_and_reports_every_certificate_expiry() {
    check_pfx("3des", &state("single-server"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Organisation state (collected 2026-12-28)",
        ))
        .stdout(predicate::str::contains("Auth (current)"));
    let doc = json(&mut check_pfx("3des", &state("single-server")));
    assert_eq!(state_finding_ids(&doc), vec![]);
    let expiry = doc["state"]["expiry"].as_array().unwrap();
    // mail.contoso.com (19 days left), Auth, EX01's self-signed, WMSvc: soonest first.
    assert_eq!(expiry.len(), 4, "{expiry:?}");
    assert_eq!(expiry[0]["subject"], "CN=mail.contoso.com");
    assert_eq!(expiry[0]["days_left"], 19);
    assert!(expiry.iter().any(
        |e| e["subject"] == "CN=Microsoft Exchange Server Auth Certificate"
            && e["roles"][0] == "Auth (current)"
    ));
    // The names today's certificate covers are now required, and the new one covers them.
    let names = doc["state"]["host_names"].as_array().unwrap();
    let mail = names
        .iter()
        .find(|h| h["name"] == "mail.contoso.com")
        .unwrap();
    assert_eq!(mail["required"], true);
    assert_eq!(mail["covered"], true);
    let ex01 = names
        .iter()
        .find(|h| h["name"] == "ex01.contoso.com")
        .unwrap();
    assert_eq!(
        ex01["required"], false,
        "only the self-signed certificate covers it"
    );
}

#[test]
fn check_state_aes_pfx_is_refused_for_the_server_2016_member_only() {
    check_pfx("aes", &state("mixed-2016-2019"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("pfx-windows-compat"))
        .stdout(predicate::str::contains(
            "error[state-pfx-import] EX16 runs Windows Server 2016 (build 14393)",
        ));
    let doc = json(&mut check_pfx("aes", &state("mixed-2016-2019")));
    assert_eq!(
        state_finding_ids(&doc),
        vec![("state-pfx-import".to_owned(), Some("EX16".to_owned()))]
    );
    let servers = doc["state"]["servers"].as_array().unwrap();
    assert_eq!(servers[0]["pfx_imports"], false);
    assert_eq!(servers[1]["pfx_imports"], true);
    // The 3DES profile imports everywhere.
    check_pfx("3des", &state("mixed-2016-2019"))
        .assert()
        .success();
}

#[test]
fn check_state_ecc_is_refused_on_a_build_without_support() {
    let mut cmd = certprep();
    cmd.arg("check")
        .arg(fixture("state/certs/new-mail-p256.cer"))
        .arg("--pool")
        .arg(fixture("state/certs/legacy-int.cer"))
        .arg("--roots")
        .arg(fixture("state/certs/legacy-root.cer"))
        .arg("--state")
        .arg(state("ecc-unsupported-build"));
    cmd.assert().code(1).stdout(predicate::str::contains(
        "EX01 runs Exchange 15.2.1118.40, which does not support ECC certificates",
    ));
}

#[test]
fn check_state_edge_refuses_a_key_that_lands_in_cng() {
    let doc = json(&mut check_pfx("3des", &state("edge-subscribed")));
    assert_eq!(
        state_finding_ids(&doc),
        vec![("state-cng-edge".to_owned(), Some("EDGE01".to_owned()))]
    );
    // Edge from the state turns on the Edge rules.
    let rules: Vec<&str> = doc["files"][0]["certificates"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"tls-name-update"), "{rules:?}");
}

#[test]
fn check_state_wildcard_names_the_pop_imap_hosts_the_new_certificate_misses() {
    check_pfx("3des", &state("wildcard-pop-imap"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("name-not-covered"))
        .stdout(predicate::str::contains("imap.contoso.com and pop.contoso.com not covered"))
        .stdout(predicate::str::contains("pop.contoso.com NOT COVERED (required: today's certificate covers it) — POP ExternalConnectionSettings on EX01"));
}

#[test]
fn check_state_hybrid_turns_on_hybrid_rules_and_checks_the_smart_host() {
    let doc = json(&mut check_pfx("3des", &state("hybrid")));
    assert_eq!(state_finding_ids(&doc), vec![]);
    let rules: Vec<&str> = doc["files"][0]["certificates"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"hybrid-third-party-ca"), "{rules:?}");
    // A smart host the new certificate does not cover.
    let dir = assert_fs::TempDir::new().unwrap();
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(state("hybrid")).unwrap()).unwrap();
    v["HybridConfiguration"]["OnPremisesSmartHost"] = "smtp.contoso.com".into();
    let p = dir.path().join("hybrid.json");
    std::fs::write(&p, serde_json::to_string(&v).unwrap()).unwrap();
    let doc = json(&mut check_pfx("3des", p.to_str().unwrap()));
    assert_eq!(
        state_finding_ids(&doc),
        vec![("state-hybrid-names".to_owned(), None)]
    );
}

#[test]
fn check_state_incomplete_collection_is_a_warning_not_silence() {
    let dir = assert_fs::TempDir::new().unwrap();
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(state("single-server")).unwrap()).unwrap();
    v["CollectionErrors"] = serde_json::json!([{"Server": "EX01", "Step": "Get-WebBinding", "Message": "Access is denied"}]);
    let p = dir.path().join("s.json");
    std::fs::write(&p, serde_json::to_string(&v).unwrap()).unwrap();
    check_pfx("3des", p.to_str().unwrap())
        .assert()
        .success()
        .stdout(predicate::str::contains("warning[state-incomplete]"))
        .stdout(predicate::str::contains(
            "EX01: Get-WebBinding: Access is denied",
        ));
    check_pfx("3des", p.to_str().unwrap())
        .arg("--fail-on")
        .arg("warning")
        .assert()
        .code(1);
}

#[test]
fn check_state_broken_file_is_an_error_naming_the_field() {
    let dir = assert_fs::TempDir::new().unwrap();
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(state("single-server")).unwrap()).unwrap();
    v["Servers"][0]["OSBuild"] = "seventeen".into();
    let p = dir.path().join("s.json");
    std::fs::write(&p, serde_json::to_string(&v).unwrap()).unwrap();
    check_pfx("3des", p.to_str().unwrap())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "s.json: Servers[0].OSBuild is wrong",
        ));
    check_pfx("3des", &fixture("deliverable/mail.contoso.com.crt"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not valid JSON"));
}

#[test]
fn check_state_with_junit_writes_the_state_section_to_stderr_and_exits_by_it() {
    // JUnit carries the certificate's rules; the state's error (Server 2016 cannot import an
    // AES PFX) still fails the job, and the CI log says why.
    let out = check_pfx("aes", &state("mixed-2016-2019"))
        .args(["--format", "junit"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.starts_with(b"<?xml"), "JUnit on stdout");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Organisation state"), "{err}");
    assert!(err.contains("state-pfx-import"), "{err}");
}

//! `certprep check` through the binary: formats, exit codes per --fail-on, configuration,
//! SARIF against the official 2.1.0 schema, JUnit parsed as XML, and docs/rules.md current.

use super::{certprep, fixture};
use serde_json::Value;

fn public_case(rel: &str) -> Vec<String> {
    // The stand-in public CA's root is trusted with --roots here (the public store is the
    // embedded Mozilla one in the binary), which makes the chain complete.
    vec![
        fixture(rel),
        "--roots".into(),
        fixture("check/ca/public-root.pem"),
        "--no-embedded-roots".into(),
    ]
}

fn run(args: &[String]) -> (i32, String, String) {
    let o = certprep().arg("check").args(args).output().expect("runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn check_clean_deliverable_exits_0_and_says_so() {
    let (code, out, err) = run(&public_case("check/expired/pass-good.pem"));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("pass-good.pem"));
    assert!(out.contains("0 errors, 0 warnings"), "{out}");
    assert!(!out.contains('\x1b'), "no colour when piped / NO_COLOR");
}

#[test]
fn check_expired_exits_1_and_names_rule_and_fix() {
    let (code, out, _) = run(&public_case("check/expired/fail-2026.pem"));
    assert_eq!(code, 1);
    assert!(
        out.contains("error    expired: certificate has expired"),
        "{out}"
    );
    assert!(out.contains("fix: certprep csr --from"), "{out}");
}

#[test]
fn check_fail_on_controls_exit_for_warnings() {
    // expiring-soon is a warning: exit 0 by default, 1 with --fail-on warning.
    let mut args = public_case("check/expiring-soon/fail-19-days-left.pem");
    assert_eq!(run(&args).0, 0);
    args.extend(["--fail-on".into(), "warning".into()]);
    assert_eq!(run(&args).0, 1);
    let mut args = public_case("check/expiring-soon/fail-19-days-left.pem");
    args.extend(["--fail-on".into(), "error".into()]);
    assert_eq!(run(&args).0, 0);
    // An info finding never fails the run.
    let mut args = public_case("check/tls-name-update/fail-hybrid.pem");
    args.extend(["--edge".into(), "--fail-on".into(), "warning".into()]);
    let (code, out, _) = run(&args);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("tls-name-update"));
}

#[test]
fn check_usage_and_input_errors_exit_2() {
    assert_eq!(
        run(&[
            "--fail-on".into(),
            "bogus".into(),
            fixture("check/expired/pass-good.pem")
        ])
        .0,
        2
    );
    assert_eq!(run(&[fixture("check/no-such-file.pem")]).0, 2);
    let (code, _, err) = run(&[fixture("check/ca/public-root.pem")]);
    assert_eq!(code, 2);
    assert!(err.contains("no end-entity certificate"), "{err}");
    assert_eq!(
        run(&[
            "--services".into(),
            "FAX".into(),
            fixture("check/expired/pass-good.pem")
        ])
        .0,
        2
    );
    let (code, _, err) = run(&[
        "--format".into(),
        "markdown".into(),
        fixture("check/expired/pass-good.pem"),
    ]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn check_json_has_documented_shape() {
    let mut args = public_case("check/name-not-covered/fail-owa.pem");
    args.extend([
        "--name".into(),
        "owa.contoso.com".into(),
        "--format".into(),
        "json".into(),
    ]);
    let (code, out, _) = run(&args);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["version"], 1);
    assert_eq!(v["as_of"], "2027-01-01T00:00:00Z");
    assert_eq!(v["chain_linking"], "verified");
    let cert = &v["files"][0]["certificates"][0];
    assert_eq!(cert["thumbprint"].as_str().map(str::len), Some(40));
    let f = cert["findings"].as_array().expect("findings");
    let nc = f
        .iter()
        .find(|x| x["rule"] == "name-not-covered")
        .expect("finding");
    assert_eq!(nc["severity"], "error");
    assert!(nc["detail"]
        .as_str()
        .expect("detail")
        .contains("owa.contoso.com"));
    assert_eq!(
        cert["results"].as_array().expect("results").len(),
        certprep::check::registry::RULES.len()
    );
    assert_eq!(v["summary"]["errors"], 1);
}

#[test]
fn check_config_file_supplies_names_services_and_suppressions() {
    let dir = assert_fs::TempDir::new().expect("tmp");
    let cfg = dir.path().join("certprep.toml");
    std::fs::write(
        &cfg,
        "[check]\nnames = [\"owa.contoso.com\"]\nsuppress = [\"expired\"]\nfail-on = \"warning\"\n",
    )
    .expect("write");
    // From the working directory.
    let o = certprep()
        .current_dir(dir.path())
        .arg("check")
        .args(public_case("check/expired/fail-2026.pem"))
        .output()
        .expect("runs");
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("name-not-covered"), "{out}");
    assert!(!out.contains("error    expired"), "{out}");
    assert!(out.contains("1 suppressed"), "{out}");
    // Given with --config, and a broken one is an error naming the file.
    std::fs::write(&cfg, "[check]\nnmaes = [\"x\"]\n").expect("write");
    let mut args = vec!["--config".to_owned(), cfg.to_string_lossy().into_owned()];
    args.extend(public_case("check/expired/pass-good.pem"));
    let (code, _, err) = run(&args);
    assert_eq!(code, 2);
    assert!(
        err.contains("certprep.toml") && err.contains("nmaes"),
        "{err}"
    );
}

#[test]
fn issue_15_check_wildcard_pop_imap_passes_with_a_covered_server_fqdn() {
    // See: issue 15 — the documented configuration (X509CertificateName = the FQDN) passes.
    let mut args = public_case("check/wildcard-pop-imap/pass-wildcard-with-fqdn.pem");
    args.extend([
        "--services".into(),
        "IIS,POP,IMAP".into(),
        "--server-fqdn".into(),
        "mail.contoso.com".into(),
    ]);
    let (code, out, _) = run(&args);
    assert!(!out.contains("wildcard-pop-imap: "), "{out}");
    assert_eq!(code, 0, "{out}");
}

#[test]
fn check_wildcard_pop_imap_prints_exact_powershell() {
    let mut args = public_case("check/wildcard-pop-imap/pass-wildcard-with-fqdn.pem");
    args.extend([
        "--services".into(),
        "IIS,POP,IMAP".into(),
        "--server-fqdn".into(),
        "mail.fabrikam.com".into(),
    ]);
    let (code, out, _) = run(&args);
    assert_eq!(code, 1);
    assert!(
        out.contains("fix: Set-POPSettings -X509CertificateName 'mail.fabrikam.com'\n"),
        "{out}"
    );
    assert!(
        out.contains("     Set-IMAPSettings -X509CertificateName 'mail.fabrikam.com'\n"),
        "{out}"
    );
}

#[test]
fn check_junit_parses_and_counts_match() {
    use quick_xml::events::Event;
    let files = [
        "check/expired/fail-2026.pem",
        "check/expiring-soon/fail-19-days-left.pem",
        "check/expired/pass-good.pem",
    ];
    for fail_on in ["error", "warning"] {
        let mut args: Vec<String> = files.iter().map(|f| fixture(f)).collect();
        args.extend([
            "--roots".into(),
            fixture("check/ca/public-root.pem"),
            "--no-embedded-roots".into(),
            "--format".into(),
            "junit".into(),
            "--fail-on".into(),
            fail_on.into(),
        ]);
        let (code, out, _) = run(&args);
        assert_eq!(code, 1);
        let json = {
            let mut a = args.clone();
            let n = a.len();
            a[n - 3] = "json".into();
            serde_json::from_str::<Value>(&run(&a).1).expect("json")
        };
        let mut reader = quick_xml::Reader::from_str(&out);
        let (mut cases, mut failures, mut skipped, mut suites) = (0, 0, 0, 0);
        let mut top: Option<(usize, usize, usize)> = None;
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(e) | Event::Empty(e) => {
                    let attr = |n: &str| {
                        e.try_get_attribute(n)
                            .ok()
                            .flatten()
                            .map(|a| {
                                a.unescape_value()
                                    .expect("attr")
                                    .parse::<usize>()
                                    .unwrap_or(0)
                            })
                            .unwrap_or(0)
                    };
                    match e.name().as_ref() {
                        b"testsuites" => {
                            top = Some((attr("tests"), attr("failures"), attr("skipped")))
                        }
                        b"testsuite" => suites += 1,
                        b"testcase" => cases += 1,
                        b"failure" => failures += 1,
                        b"skipped" => skipped += 1,
                        _ => {}
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        let rules = certprep::check::registry::RULES.len();
        assert_eq!(suites, 3);
        assert_eq!(cases, 3 * rules);
        assert_eq!(top, Some((cases, failures, skipped)));
        let level = if fail_on == "error" {
            vec!["error"]
        } else {
            vec!["error", "warning"]
        };
        let expected_failures = json["files"]
            .as_array()
            .expect("files")
            .iter()
            .flat_map(|f| f["certificates"].as_array().expect("certs").iter())
            .flat_map(|c| c["findings"].as_array().expect("findings").iter())
            .filter(|f| level.contains(&f["severity"].as_str().expect("severity")))
            .count();
        assert_eq!(failures, expected_failures, "--fail-on {fail_on}");
        assert!(failures >= 1);
    }
}

#[test]
fn check_sarif_validates_against_the_official_schema() {
    let schema_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/schemas/sarif-schema-2.1.0.json");
    let mut schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).expect("schema vendored"))
            .expect("schema json");
    // The schema text has one known defect: `definitions.region.properties.anyOf` is an array
    // placed among the property schemas instead of beside them, which the JSON Schema
    // meta-schema rejects (and jsonschema 0.26 always meta-validates). Move it where it was
    // meant to be; the vendored file itself stays byte for byte as published.
    let region = &mut schema["definitions"]["region"];
    let any_of = region["properties"]
        .as_object_mut()
        .and_then(|p| p.remove("anyOf"))
        .expect("the known misplaced anyOf is present");
    region["anyOf"] = any_of;
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    let mut args: Vec<String> = [
        "check/expired/fail-2026.pem",
        "check/chain-order/fail-intermediate-first.pem",
        "check/expired/pass-good.pem",
    ]
    .iter()
    .map(|f| fixture(f))
    .collect();
    args.extend([
        "--roots".into(),
        fixture("check/ca/public-root.pem"),
        "--no-embedded-roots".into(),
        "--hybrid".into(),
        "--format".into(),
        "sarif".into(),
    ]);
    let (code, out, _) = run(&args);
    assert_eq!(code, 1);
    let sarif: Value = serde_json::from_str(&out).expect("json");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // The validator does reject what the schema forbids (so this test can fail).
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = Value::String("fatal".into());
    assert!(!validator.is_valid(&broken));
    let run0 = &sarif["runs"][0];
    assert_eq!(
        run0["tool"]["driver"]["rules"].as_array().map(Vec::len),
        Some(certprep::check::registry::RULES.len())
    );
    let results = run0["results"].as_array().expect("results");
    assert!(results
        .iter()
        .any(|r| r["ruleId"] == "expired" && r["level"] == "error"));
    assert!(results
        .iter()
        .any(|r| r["ruleId"] == "chain-order" && r["level"] == "warning"));
    assert!(results
        .iter()
        .any(|r| r["ruleId"] == "tls-name-update" && r["level"] == "note"));
    for r in results {
        let idx = r["ruleIndex"].as_u64().expect("index") as usize;
        assert_eq!(run0["tool"]["driver"]["rules"][idx]["id"], r["ruleId"]);
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .expect("uri");
        assert!(uri.ends_with(".pem"), "{uri}");
    }
}

#[test]
fn check_list_rules_markdown_is_docs_rules_md() {
    let o = certprep()
        .args(["check", "--list-rules", "--format", "markdown"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0));
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md"),
    )
    .expect("docs/rules.md");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        doc,
        "docs/rules.md is stale: run `cargo run -q -- check --list-rules --format markdown > docs/rules.md`"
    );
    let o = certprep()
        .args(["check", "--list-rules", "--format", "json"])
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        v.as_array().map(Vec::len),
        Some(certprep::check::registry::RULES.len())
    );
    let o = certprep()
        .args(["check", "--list-rules"])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&o.stdout)
        .lines()
        .any(|l| l.starts_with("wildcard-pop-imap ")));
}

#[test]
fn check_godaddy_bundle_is_a_public_ca_through_the_embedded_store() {
    let Some(p) = crate::realworld("ca-deliverables/godaddy/gd_bundle-g2-g1.crt") else {
        return;
    };
    // The leaf was valid in 2018 only: pin that time instead of the harness' 2027.
    let o = assert_cmd::Command::cargo_bin("certprep")
        .expect("binary")
        .env("NO_COLOR", "1")
        .args(["--at", "2018-01-01T00:00:00Z", "check", "--format", "json"])
        .arg(&p)
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    let cert = &v["files"][0]["certificates"][0];
    let outcome = |rule: &str| {
        cert["results"]
            .as_array()
            .expect("results")
            .iter()
            .find(|r| r["rule"] == rule)
            .map(|r| r["outcome"].clone())
            .expect("rule ran")
    };
    // Leaf → GoDaddy G2 intermediate → the G2 root of the embedded Mozilla store, verified.
    assert_eq!(outcome("chain-incomplete"), "pass");
    // Public CA: the public-only rules apply (and pass).
    assert_eq!(outcome("internal-name"), "pass");
    assert_eq!(outcome("lifetime-over-limit"), "pass");
    // The cross-signed G2 root and the Class 2 root it chains to are an alternative path,
    // not strays; the bundle is in order.
    assert_eq!(outcome("chain-stray"), "pass");
    assert_eq!(outcome("chain-order"), "pass");
    // Without the embedded store nothing is trusted and nothing is public.
    let o = assert_cmd::Command::cargo_bin("certprep")
        .expect("binary")
        .env("NO_COLOR", "1")
        .args(["--at", "2018-01-01T00:00:00Z", "check", "--format", "json"])
        .arg("--no-embedded-roots")
        .arg(&p)
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    let results = v["files"][0]["certificates"][0]["results"]
        .as_array()
        .expect("results")
        .clone();
    let outcome = |rule: &str| {
        results
            .iter()
            .find(|r| r["rule"] == rule)
            .map(|r| r["outcome"].clone())
            .expect("rule ran")
    };
    assert_eq!(outcome("chain-incomplete"), "fail");
    assert_eq!(outcome("internal-name"), "not-applicable");
}

#[test]
fn issue_15_check_without_windows_judges_an_aes_pfx_for_server_2016() {
    // See: issue 15 — no --windows: Windows Server 2016 assumed, and said.
    let mut args = public_case("check/pfx-windows-compat/fail-aes-2016.pfx");
    args.extend(["--password-file".into(), fixture("check/pfx-password.txt")]);
    let (code, out, err) = run(&args);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("pfx-windows-compat: "), "{out}");
    assert!(out.contains("no --windows given: assumed"), "{out}");
    args.extend(["--windows".into(), "2019".into()]);
    let (_, out, _) = run(&args);
    assert!(!out.contains("pfx-windows-compat: "), "{out}");
}

#[test]
fn issue_15_check_old_certificate_narrows_the_connector_fix() {
    let mut args = public_case("check/tls-name-update/fail-hybrid.pem");
    args.extend([
        "--hybrid".into(),
        "--old-name".into(),
        "TlsCertificateName : <I>CN=Old CA<S>CN=mail.contoso.com".into(),
    ]);
    let (_, out, err) = run(&args);
    assert!(
        out.contains("Where-Object { [string]$_.TlsCertificateName -eq '<I>CN=Old CA<S>CN=mail.contoso.com' } | Set-SendConnector"),
        "{out}{err}"
    );
    let mut args = public_case("check/tls-name-update/fail-hybrid.pem");
    args.extend([
        "--hybrid".into(),
        "--old-name".into(),
        "mail.contoso.com".into(),
    ]);
    let (code, _, err) = run(&args);
    assert_eq!(code, 2, "{err}");
}

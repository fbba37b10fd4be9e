//! `certprep scan` through the binary: determinism across --jobs and chunk sizes, a mixed tree
//! with per-file faults, the CSV and JSON schemas, expiry filtering and de-duplication.
//!
//! Expected thumbprints come from OpenSSL (the oracle), never from certprep's own output.

use crate::{certprep, fixture};
use assert_fs::TempDir;
use openssl::asn1::Asn1Time;
use openssl::hash::MessageDigest;
use openssl::x509::X509;
use serde_json::Value;
use std::path::Path;

fn put(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

fn copy(dir: &Path, rel: &str, fixture_rel: &str) {
    put(dir, rel, &std::fs::read(fixture(fixture_rel)).unwrap());
}

/// SHA-1 thumbprints of the PEM certificates in `bytes` (or of the DER certificate), by OpenSSL.
fn oracle_thumbprints(bytes: &[u8]) -> Vec<String> {
    let certs = if bytes.starts_with(b"-----") || bytes.starts_with(b"#") {
        X509::stack_from_pem(bytes).unwrap()
    } else {
        vec![X509::from_der(bytes).unwrap()]
    };
    certs
        .iter()
        .map(|c| hex::encode_upper(c.digest(MessageDigest::sha1()).unwrap()))
        .collect()
}

fn fixture_thumbprints(rel: &str) -> Vec<String> {
    oracle_thumbprints(&std::fs::read(fixture(rel)).unwrap())
}

/// A self-signed P-256 certificate valid from 2026-01-01 until `not_after` (ASN.1 time text).
fn self_signed(cn: &str, not_after: &str) -> (Vec<u8>, String) {
    let group = openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).unwrap();
    let key =
        openssl::pkey::PKey::from_ec_key(openssl::ec::EcKey::generate(&group).unwrap()).unwrap();
    let mut name = openssl::x509::X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", cn).unwrap();
    let name = name.build();
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(&name).unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&Asn1Time::from_str("20260101000000Z").unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::from_str(not_after).unwrap())
        .unwrap();
    let serial = openssl::bn::BigNum::from_u32(7)
        .unwrap()
        .to_asn1_integer()
        .unwrap();
    b.set_serial_number(&serial).unwrap();
    b.sign(&key, MessageDigest::sha256()).unwrap();
    let x = b.build();
    let tp = hex::encode_upper(x.digest(MessageDigest::sha1()).unwrap());
    (x.to_pem().unwrap(), tp)
}

fn stdout_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stdout.clone()).unwrap()
}

fn stderr_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stderr.clone()).unwrap()
}

fn jsonl(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn of_type<'a>(records: &'a [Value], t: &str) -> Vec<&'a Value> {
    records.iter().filter(|r| r["type"] == t).collect()
}

/// Path relative to `dir`, with `/` separators.
fn rel(dir: &Path, path: &str) -> String {
    Path::new(path)
        .strip_prefix(dir)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// The JSON schema in docs/, with `$ref` pointing at one of its definitions.
fn schema_for(def: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scan.schema.json"),
    )
    .unwrap();
    let mut schema: Value = serde_json::from_str(&text).unwrap();
    schema["$ref"] = Value::String(format!("#/$defs/{def}"));
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid(v: &jsonschema::Validator, instance: &Value) {
    let errors: Vec<String> = v.iter_errors(instance).map(|e| e.to_string()).collect();
    assert!(
        errors.is_empty(),
        "{instance}\nviolates the schema: {errors:?}"
    );
}

fn running_as_root() -> bool {
    // Root reads files whatever their mode, so an unreadable file cannot be made.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

/// The tree every format test uses: material the detector reads today plus every per-file
/// fault the walk and reader must survive.
fn mixed_tree() -> TempDir {
    let t = TempDir::new().unwrap();
    let d = t.path();
    copy(d, "a/bundle.pem", "deliverable/ca-bundle.crt"); // CRLF, intermediate + root
    copy(d, "a/leaf.cer", "deliverable/mail.contoso.com.cer"); // DER
    put(d, "c/empty.pem", b"");
    put(
        d,
        "c/garbage.bin",
        b"\x00\x01\x02 definitely not a certificate \xff\xfe",
    );
    put(d, "c/notes.txt", b"renew before May\n");
    let leaf_pem = std::fs::read(fixture("deliverable/mail.contoso.com.crt")).unwrap();
    put(d, "c/truncated.pem", &leaf_pem[..leaf_pem.len() / 2]);
    #[cfg(unix)]
    {
        std::fs::create_dir_all(d.join("loop")).unwrap();
        std::os::unix::fs::symlink(".", d.join("loop/again")).unwrap();
        std::os::unix::fs::symlink(d.join("a/leaf.cer"), d.join("c/link.cer")).unwrap();
        put(d, "u/unreadable.pem", &leaf_pem);
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            d.join("u/unreadable.pem"),
            std::fs::Permissions::from_mode(0o000),
        )
        .unwrap();
    }
    t
}

#[test]
fn scan_mixed_tree_gives_rows_in_path_order_and_reports_each_fault() {
    let t = mixed_tree();
    let d = t.path();
    let root = d.to_string_lossy().into_owned();
    let a = certprep()
        .args([
            "scan",
            &root,
            "--format",
            "jsonl",
            "--follow-links",
            "--verbose",
        ])
        .assert();
    let records = jsonl(&stdout_of(&a));
    let stderr = stderr_of(&a);

    // Rows: the bundle's two blocks, the DER leaf, and the leaf again through c/link.cer
    // (links are followed) — in path order; u/unreadable.pem too when running as root.
    let bundle = fixture_thumbprints("deliverable/ca-bundle.crt");
    let leaf = fixture_thumbprints("deliverable/mail.contoso.com.cer");
    let mut expected = vec![
        (
            "a/bundle.pem".to_owned(),
            Value::from("PEM block 1"),
            bundle[0].clone(),
        ),
        (
            "a/bundle.pem".to_owned(),
            Value::from("PEM block 2"),
            bundle[1].clone(),
        ),
        ("a/leaf.cer".to_owned(), Value::Null, leaf[0].clone()),
        ("c/link.cer".to_owned(), Value::Null, leaf[0].clone()),
    ];
    let root_user = running_as_root();
    if root_user {
        expected.push((
            "u/unreadable.pem".into(),
            Value::from("PEM block 1"),
            leaf[0].clone(),
        ));
    }
    let got: Vec<(String, Value, String)> = of_type(&records, "certificate")
        .iter()
        .map(|r| {
            (
                rel(d, r["path"].as_str().unwrap()),
                r["position"].clone(),
                r["thumbprint"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(got, expected);

    // Faults: the truncated PEM, the link loop, and (not root) the unreadable file.
    let faults: Vec<String> = of_type(&records, "fault")
        .iter()
        .map(|r| rel(d, r["path"].as_str().unwrap()))
        .collect();
    let mut want_faults = vec!["c/truncated.pem".to_owned(), "loop/again".to_owned()];
    if !root_user {
        want_faults.push("u/unreadable.pem".into());
    }
    assert_eq!(faults, want_faults);
    let loop_fault = of_type(&records, "fault")[1]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(loop_fault.contains("symbolic link loop"), "{loop_fault}");
    for f in &want_faults {
        assert!(stderr.contains(f.as_str()), "stderr names {f}: {stderr}");
    }

    // Skipped (listed with --verbose): empty, garbage, text.
    let skipped: Vec<(String, String)> = of_type(&records, "skipped")
        .iter()
        .map(|r| {
            (
                rel(d, r["path"].as_str().unwrap()),
                r["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        skipped,
        [
            ("c/empty.pem".to_owned(), "empty".to_owned()),
            ("c/garbage.bin".into(), "not-certificate-material".into()),
            ("c/notes.txt".into(), "not-certificate-material".into()),
        ]
    );
    assert!(stderr.contains("skipped"), "{stderr}");

    let summary = of_type(&records, "summary");
    assert_eq!(summary.len(), 1);
    assert_eq!(summary[0]["certificates"], expected.len());
    assert_eq!(summary[0]["skipped"], 3);
    assert_eq!(summary[0]["faults"], want_faults.len());
    // The rules judge each file on its own: the DER leaf has no issuer beside it, so
    // `chain-incomplete` (an error) makes the exit code 1; CA certificates get no findings.
    let has_rule = |r: &Value, id: &str| {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == id)
    };
    let certs = of_type(&records, "certificate");
    assert!(certs
        .iter()
        .filter(|r| r["thumbprint"] == leaf[0].as_str())
        .all(|r| has_rule(r, "chain-incomplete")));
    assert!(certs
        .iter()
        .filter(|r| r["path"].as_str().unwrap().ends_with("bundle.pem"))
        .all(|r| r["findings"].as_array().unwrap().is_empty()));
    // The truncated file could not be read: exit 2 (issue 17); with --keep-going the exit
    // code is the findings' (1), and the summary says what was skipped.
    a.code(2);
    certprep()
        .args(["scan", &root, "--format", "jsonl", "--keep-going"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("skipped"));
}

#[test]
fn scan_without_follow_links_skips_links_and_never_loops() {
    let t = mixed_tree();
    let root = t.path().to_string_lossy().into_owned();
    let a = certprep()
        .args(["scan", &root, "--format", "jsonl", "--verbose"])
        .assert();
    let records = jsonl(&stdout_of(&a));
    let links: Vec<String> = of_type(&records, "skipped")
        .iter()
        .filter(|r| r["reason"] == "symlink")
        .map(|r| rel(t.path(), r["path"].as_str().unwrap()))
        .collect();
    assert_eq!(links, ["c/link.cer", "loop/again"]);
    assert!(of_type(&records, "fault")
        .iter()
        .all(|f| !f["message"].as_str().unwrap().contains("loop")));
}

#[test]
fn scan_output_is_identical_for_any_jobs_and_chunk_size() {
    let t = mixed_tree();
    let d = t.path();
    // Enough files to span many chunks, with faults and skips interleaved.
    for i in 0..40 {
        copy(
            d,
            &format!("many/{:02}/leaf.crt", i % 7),
            "deliverable/mail.contoso.com.crt",
        );
        copy(
            d,
            &format!("many/{:02}/b{i:02}.pem", i % 5),
            "deliverable/ca-bundle.crt",
        );
        put(d, &format!("many/{:02}/junk{i:02}.txt", i % 3), b"junk");
    }
    let root = d.to_string_lossy().into_owned();
    let run = |extra: &[&str]| {
        let a = certprep()
            .args(["scan", &root, "--format", "jsonl", "--follow-links", "-v"])
            .args(extra)
            .assert();
        (stdout_of(&a), stderr_of(&a))
    };
    let one = run(&["--jobs", "1"]);
    let four = run(&["--jobs", "4", "--chunk-files", "3"]);
    let four_big = run(&["--jobs", "4"]);
    let two_tiny = run(&["--jobs", "2", "--chunk-files", "1"]);
    assert_eq!(one, four);
    assert_eq!(one, four_big);
    assert_eq!(one, two_tiny);
    // And the order is path order (component-wise), then position.
    let records = jsonl(&one.0);
    let keys: Vec<(std::path::PathBuf, String)> = of_type(&records, "certificate")
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap().into(),
                r["position"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(keys.len() >= 91, "{}", keys.len()); // 7 leaf.crt + 40 bundles × 2 + the mixed tree
}

/// A minimal RFC 4180 reader, independent of certprep's writer.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        !quoted && field.is_empty() && row.is_empty(),
        "CSV ends mid-record"
    );
    rows
}

#[test]
fn scan_csv_has_the_documented_columns_and_the_same_rows_as_jsonl() {
    let t = mixed_tree();
    let d = t.path();
    let (soon, soon_tp) = self_signed("soon, \"quoted\" host", "20270110000000Z");
    put(d, "s/soon.pem", &soon);
    let root = d.to_string_lossy().into_owned();
    let csv = stdout_of(&certprep().args(["scan", &root, "--format", "csv"]).assert());
    let rows = parse_csv(&csv);
    assert_eq!(
        rows[0],
        [
            "path",
            "entry",
            "position",
            "thumbprint",
            "subject_cn",
            "not_after",
            "days_left",
            "severity",
            "findings"
        ]
    );
    assert!(rows.iter().all(|r| r.len() == 9), "{rows:?}");
    let json = jsonl(&stdout_of(
        &certprep()
            .args(["scan", &root, "--format", "jsonl"])
            .assert(),
    ));
    let certs = of_type(&json, "certificate");
    assert_eq!(rows.len() - 1, certs.len());
    for (r, j) in rows[1..].iter().zip(&certs) {
        assert_eq!(r[0], j["path"].as_str().unwrap());
        assert_eq!(r[2], j["position"].as_str().unwrap_or(""));
        assert_eq!(r[3], j["thumbprint"].as_str().unwrap());
        assert_eq!(r[5], j["not_after"].as_str().unwrap());
        assert_eq!(r[6], j["days_left"].to_string());
    }
    let soon_row = rows.iter().find(|r| r[3] == soon_tp).unwrap();
    assert_eq!(soon_row[4], "soon, \"quoted\" host");
    assert_eq!(soon_row[5], "2027-01-10T00:00:00Z");
    assert_eq!(soon_row[6], "9");
    assert!(!soon_row[7].is_empty());
    assert!(soon_row[8].contains("expiring-soon: "), "{soon_row:?}");
}

#[test]
fn scan_json_and_jsonl_follow_the_schema() {
    let t = mixed_tree();
    let d = t.path();
    let (soon, _) = self_signed("soon.contoso.example", "20270110000000Z");
    put(d, "s/soon.pem", &soon);
    let root = d.to_string_lossy().into_owned();
    let record = schema_for("record");
    let document = schema_for("document");
    for extra in [&[][..], &["--expiring-within", "400"][..]] {
        let lines = stdout_of(
            &certprep()
                .args(["scan", &root, "--format", "jsonl", "-v", "--follow-links"])
                .args(extra)
                .assert(),
        );
        let records = jsonl(&lines);
        assert!(records.len() > 5);
        for r in &records {
            assert_valid(&record, r);
        }
        let doc: Value = serde_json::from_str(&stdout_of(
            &certprep()
                .args(["scan", &root, "--format", "json", "-v", "--follow-links"])
                .args(extra)
                .assert(),
        ))
        .unwrap();
        assert_valid(&document, &doc);
        // The document holds the same certificates, faults and summary as the lines.
        let key = if extra.is_empty() {
            "certificate"
        } else {
            "expiring"
        };
        let list = doc[if extra.is_empty() {
            "certificates"
        } else {
            "expiring"
        }]
        .as_array()
        .unwrap();
        let lines_certs = of_type(&records, key);
        assert_eq!(list.len(), lines_certs.len());
        for (a, b) in list.iter().zip(lines_certs) {
            let mut b = b.clone();
            b.as_object_mut().unwrap().remove("type");
            assert_eq!(*a, b);
        }
        assert_eq!(
            doc["faults"].as_array().unwrap().len(),
            of_type(&records, "fault").len()
        );
        let mut summary = of_type(&records, "summary")[0].clone();
        summary.as_object_mut().unwrap().remove("type");
        assert_eq!(doc["summary"], summary);
    }
    // A schema that accepted anything would be worthless.
    assert!(!record.is_valid(&serde_json::json!({"type": "certificate", "path": "x"})));
}

#[test]
fn scan_expiring_within_keeps_the_window_soonest_first_one_entry_per_thumbprint() {
    let t = TempDir::new().unwrap();
    let d = t.path();
    copy(d, "x/leaf.crt", "deliverable/mail.contoso.com.crt");
    copy(d, "y/leaf.cer", "deliverable/mail.contoso.com.cer");
    copy(d, "y/bundle.pem", "deliverable/ca-bundle.crt");
    copy(d, "z/again/leaf.pem", "deliverable/mail.contoso.com.crt");
    let (soon, soon_tp) = self_signed("soon.contoso.example", "20270110000000Z");
    put(d, "z/soon.pem", &soon);
    let (later, _) = self_signed("later.contoso.example", "20280101000000Z");
    put(d, "z/later.pem", &later);
    let root = d.to_string_lossy().into_owned();
    let leaf_tp = &fixture_thumbprints("deliverable/mail.contoso.com.cer")[0];

    let a = certprep()
        .args([
            "scan",
            &root,
            "--expiring-within",
            "200",
            "--format",
            "jsonl",
        ])
        .assert();
    let records = jsonl(&stdout_of(&a));
    let expiring = of_type(&records, "expiring");
    let got: Vec<(&str, i64, Vec<String>)> = expiring
        .iter()
        .map(|e| {
            (
                e["thumbprint"].as_str().unwrap(),
                e["days_left"].as_i64().unwrap(),
                e["locations"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| rel(d, l["path"].as_str().unwrap()))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (soon_tp.as_str(), 9, vec!["z/soon.pem".to_owned()]),
            (
                leaf_tp.as_str(),
                138,
                vec![
                    "x/leaf.crt".to_owned(),
                    "y/leaf.cer".into(),
                    "z/again/leaf.pem".into()
                ]
            ),
        ]
    );
    let rules_of = |e: &Value| -> Vec<String> {
        e["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(rules_of(expiring[0]).contains(&"expiring-soon".to_owned()));
    // The leaf lacks its issuer in each of its three files: one merged finding, not three.
    let leaf_rules = rules_of(expiring[1]);
    assert_eq!(leaf_rules, ["chain-incomplete"]);
    assert!(of_type(&records, "certificate").is_empty());
    // The summary still counts everything scanned.
    assert_eq!(of_type(&records, "summary")[0]["certificates"], 7);

    // A narrower window keeps only the soonest; --fail-on warning turns it into exit 1.
    let a = certprep()
        .args([
            "scan",
            &root,
            "--expiring-within",
            "30",
            "--fail-on",
            "warning",
        ])
        .assert()
        .code(1);
    let table = stdout_of(&a);
    assert_eq!(table.lines().count(), 2, "{table}");
    assert!(table.lines().next().unwrap().starts_with("PATH"));
    assert!(table.contains(&soon_tp) && !table.contains(leaf_tp.as_str()));

    // The table shows the first location and how many more.
    let table = stdout_of(
        &certprep()
            .args(["scan", &root, "--expiring-within", "200"])
            .assert(),
    );
    assert!(table.contains("(+2 more)"), "{table}");
}

#[test]
fn scan_exit_codes_follow_findings_and_readability() {
    let t = TempDir::new().unwrap();
    let d = t.path();
    let (expired, _) = self_signed("old.contoso.example", "20260601000000Z");
    put(d, "old.pem", &expired);
    let root = d.to_string_lossy().into_owned();
    let a = certprep()
        .args(["scan", &root, "--format", "jsonl"])
        .assert()
        .code(1);
    let records = jsonl(&stdout_of(&a));
    let findings = of_type(&records, "certificate")[0]["findings"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "expired" && f["severity"] == "error"),
        "{findings:?}"
    );

    // Nothing readable at all: exit 2, naming the path.
    certprep()
        .args(["scan", "no-such-dir-for-scan"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no-such-dir-for-scan"));
    // Only unrecognised files: read fine, nothing to report, exit 0.
    let t2 = TempDir::new().unwrap();
    put(t2.path(), "readme.txt", b"hello");
    certprep()
        .args(["scan", &t2.path().to_string_lossy()])
        .assert()
        .code(0)
        .stdout("");
    // An invalid --exclude glob is a usage error.
    certprep()
        .args(["scan", &root, "--exclude", "a["])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--exclude a["));
}

#[test]
fn scan_exclude_skips_matching_files_and_directories() {
    let t = mixed_tree();
    let root = t.path().to_string_lossy().into_owned();
    let a = certprep()
        .args([
            "scan",
            &root,
            "--format",
            "jsonl",
            "--exclude",
            "*.cer",
            "--exclude",
            "c",
        ])
        .args(["--exclude", "u/**"])
        .assert();
    let records = jsonl(&stdout_of(&a));
    let paths: Vec<String> = records
        .iter()
        .filter_map(|r| r["path"].as_str())
        .map(|p| rel(t.path(), p))
        .collect();
    assert_eq!(paths, ["a/bundle.pem", "a/bundle.pem"]);
}

#[test]
fn scan_table_lists_one_aligned_row_per_certificate() {
    let t = TempDir::new().unwrap();
    copy(t.path(), "bundle.pem", "deliverable/ca-bundle.crt");
    copy(t.path(), "leaf.cer", "deliverable/mail.contoso.com.cer");
    let a = certprep()
        .args(["scan", &t.path().to_string_lossy()])
        .assert()
        .code(1); // the leaf's issuer is not in its file: chain-incomplete
    let out = stdout_of(&a);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    let col = lines[0].find("THUMBPRINT").unwrap();
    let bundle = fixture_thumbprints("deliverable/ca-bundle.crt");
    let leaf = fixture_thumbprints("deliverable/mail.contoso.com.cer");
    for (line, tp) in lines[1..].iter().zip([&bundle[0], &bundle[1], &leaf[0]]) {
        assert_eq!(&line[col..col + 40], tp.as_str(), "{out}");
    }
    assert!(lines[3].contains("mail.contoso.com") && lines[3].contains("2027-05-19"));
    assert!(lines[3].contains("  138"), "{out}");
    assert!(lines[3].ends_with("chain-incomplete"), "{out}");
    assert!(lines[1].ends_with("2036-01-01  3287"), "{out}");
}

/// A PFX whose password is not among those given (built by OpenSSL with the fixture's key).
fn pfx_with_other_password() -> Vec<u8> {
    let key_pem = std::fs::read(fixture("deliverable/mail.contoso.com.key")).unwrap();
    let key = openssl::pkey::PKey::private_key_from_pem(&key_pem).unwrap();
    let leaf = X509::from_der(&std::fs::read(fixture("deliverable/mail.contoso.com.cer")).unwrap())
        .unwrap();
    openssl::pkcs12::Pkcs12::builder()
        .name("other")
        .pkey(&key)
        .cert(&leaf)
        .build2("a different password")
        .unwrap()
        .to_der()
        .unwrap()
}

#[test]
fn scan_reads_pfx_bags_and_reports_a_pfx_without_its_password() {
    let t = TempDir::new().unwrap();
    let d = t.path();
    copy(d, "site.pfx", "deliverable/mail.contoso.com-3des.pfx");
    copy(d, "site-aes.pfx", "deliverable/mail.contoso.com-aes.pfx");
    put(d, "other.pfx", &pfx_with_other_password());
    let root = d.to_string_lossy().into_owned();
    let a = certprep()
        .args(["scan", &root, "--format", "jsonl"])
        .arg("--password-file")
        .arg(fixture("deliverable/pfx-password.txt"))
        .assert();
    let records = jsonl(&stdout_of(&a));
    let leaf = &fixture_thumbprints("deliverable/mail.contoso.com.cer")[0];
    let intermediate = &fixture_thumbprints("deliverable/ca-bundle.crt")[0];
    let got: Vec<(String, String, String)> = of_type(&records, "certificate")
        .iter()
        .map(|r| {
            (
                rel(d, r["path"].as_str().unwrap()),
                r["position"].as_str().unwrap_or("").to_owned(),
                r["thumbprint"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let row = |f: &str, p: &str, tp: &str| (f.to_owned(), p.to_owned(), tp.to_owned());
    assert_eq!(
        got,
        [
            row("site-aes.pfx", "bag 1", leaf),
            row("site-aes.pfx", "bag 2", intermediate),
            row("site.pfx", "bag 1", leaf),
            row("site.pfx", "bag 2", intermediate),
        ]
    );
    let faults = of_type(&records, "fault");
    assert_eq!(faults.len(), 1, "{faults:?}");
    assert_eq!(rel(d, faults[0]["path"].as_str().unwrap()), "other.pfx");
    let msg = faults[0]["message"].as_str().unwrap();
    assert!(msg.contains("password"), "{msg}");
    assert!(!msg.contains("a different password"));
    assert!(stderr_of(&a).contains("other.pfx"));
}

#[test]
fn scan_reads_p7b_and_zip_entries() {
    let t = TempDir::new().unwrap();
    let d = t.path();
    copy(d, "chain.p7b", "deliverable/mail.contoso.com.p7b");
    copy(d, "deliverable.zip", "deliverable/deliverable.zip");
    let root = d.to_string_lossy().into_owned();
    let a = certprep()
        .args(["scan", &root, "--format", "jsonl"])
        .assert();
    let records = jsonl(&stdout_of(&a));
    let certs = of_type(&records, "certificate");
    let p7b: Vec<&str> = certs
        .iter()
        .filter(|r| r["path"].as_str().unwrap().ends_with("chain.p7b"))
        .map(|r| r["thumbprint"].as_str().unwrap())
        .collect();
    let leaf = &fixture_thumbprints("deliverable/mail.contoso.com.cer")[0];
    let bundle = fixture_thumbprints("deliverable/ca-bundle.crt");
    assert_eq!(p7b, [leaf.as_str(), bundle[0].as_str()]);
    let zip: Vec<(String, String)> = certs
        .iter()
        .filter(|r| r["path"].as_str().unwrap().ends_with("deliverable.zip"))
        .map(|r| {
            (
                r["entry"].as_str().unwrap().to_owned(),
                r["thumbprint"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(zip.len(), 3, "{zip:?}");
    assert!(zip.contains(&("mail_contoso_com.crt".to_owned(), leaf.clone())));
    assert!(of_type(&records, "fault").is_empty());
}

#[test]
fn scan_pool_supplies_issuers_the_files_lack() {
    let t = TempDir::new().unwrap();
    copy(t.path(), "leaf.cer", "deliverable/mail.contoso.com.cer");
    let root = t.path().to_string_lossy().into_owned();
    let a = certprep()
        .args(["scan", &root, "--format", "jsonl"])
        .args(["--pool", &fixture("deliverable/ca-bundle.crt")])
        .args(["--roots", &fixture("deliverable/contoso-root.crt")])
        .assert()
        .code(0);
    let records = jsonl(&stdout_of(&a));
    assert_eq!(
        of_type(&records, "certificate")[0]["findings"],
        serde_json::json!([])
    );
}

/// The official SARIF schema (vendored for check's tests), with its one known defect moved
/// where it was meant to be (see tests/cli/check.rs).
fn sarif_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-schema-2.1.0.json");
    let mut schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let region = &mut schema["definitions"]["region"];
    let any_of = region["properties"]
        .as_object_mut()
        .and_then(|p| p.remove("anyOf"))
        .unwrap();
    region["anyOf"] = any_of;
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

#[test]
fn scan_sarif_validates_and_has_one_result_per_finding() {
    let t = mixed_tree();
    let d = t.path();
    let (soon, _) = self_signed("soon.contoso.example", "20270110000000Z");
    put(d, "s/soon.pem", &soon);
    let root = d.to_string_lossy().into_owned();
    let validator = sarif_validator();
    for extra in [&[][..], &["--expiring-within", "200"][..]] {
        let sarif: Value = serde_json::from_str(&stdout_of(
            &certprep()
                .args(["scan", &root, "--format", "sarif", "--follow-links"])
                .args(extra)
                .assert(),
        ))
        .unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        // The same findings as the JSON output, one result each.
        let json: Value = serde_json::from_str(&stdout_of(
            &certprep()
                .args(["scan", &root, "--format", "json", "--follow-links"])
                .args(extra)
                .assert(),
        ))
        .unwrap();
        let key = if extra.is_empty() {
            "certificates"
        } else {
            "expiring"
        };
        let findings: usize = json[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["findings"].as_array().unwrap().len())
            .sum();
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), findings);
        assert!(findings > 0);
        let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap();
        assert_eq!(notes.len(), json["faults"].as_array().unwrap().len());
    }
}

#[test]
fn scan_junit_has_a_case_per_certificate_and_an_error_per_fault() {
    let t = mixed_tree();
    let root = t.path().to_string_lossy().into_owned();
    let xml = stdout_of(
        &certprep()
            .args(["scan", &root, "--format", "junit", "--follow-links"])
            .assert()
            .code(2),
    );
    let json: Value = serde_json::from_str(&stdout_of(
        &certprep()
            .args(["scan", &root, "--format", "json", "--follow-links"])
            .assert(),
    ))
    .unwrap();
    // Parse it as XML (quick-xml): count test cases, failures and errors.
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut cases, mut failures, mut errors) = (0, 0, 0);
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                match e.name().as_ref() {
                    b"testcase" => cases += 1,
                    b"failure" => failures += 1,
                    b"error" => errors += 1,
                    _ => {}
                }
            }
            _ => {}
        }
    }
    let certs = json["certificates"].as_array().unwrap();
    let failing = certs
        .iter()
        .filter(|c| {
            c["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["severity"] == "error")
        })
        .count();
    let faults = json["faults"].as_array().unwrap().len();
    assert_eq!(cases, certs.len() + faults);
    assert_eq!(failures, failing);
    assert_eq!(errors, faults);
    assert!(failing > 0 && faults > 0);
}

#[test]
fn scan_links_issuers_by_name_unless_asked_to_verify_signatures() {
    // The deliverable's leaf with one byte of its signature changed: every name, key identifier
    // and algorithm still links it to its issuer, but the issuer's key no longer verifies it.
    let mut der = std::fs::read(fixture("deliverable/mail.contoso.com.cer")).unwrap();
    let last = der.len() - 1;
    der[last] ^= 0x01;
    assert!(
        X509::from_der(&der).is_ok(),
        "still a well-formed certificate"
    );
    let t = TempDir::new().unwrap();
    put(t.path(), "tampered.cer", &der);
    let root = t.path().to_string_lossy().into_owned();
    let scan = |extra: &[&str]| {
        let a = certprep()
            .args(["scan", &root, "--format", "jsonl"])
            .args(["--pool", &fixture("deliverable/ca-bundle.crt")])
            .args(["--roots", &fixture("deliverable/contoso-root.crt")])
            .args(extra)
            .assert();
        let records = jsonl(&stdout_of(&a));
        of_type(&records, "certificate")[0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(scan(&[]), Vec::<String>::new());
    assert_eq!(scan(&["--verify-signatures"]), ["chain-incomplete"]);
}

//! `scan --format prometheus`, read back by a real parser: the official Python client's
//! (`prometheus_client.parser.text_string_to_metric_families`), and also `promtool check
//! metrics` when Prometheus is installed. `.ci/run` installs the Python client, and under CI
//! (`CI=true`) a missing parser fails the test; elsewhere the test says loudly that it skipped.

use crate::{certprep, fixture};
use openssl::asn1::Asn1Time;
use openssl::x509::X509;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::process::{Command, Stdio};

/// Reads an exposition on stdin; prints one JSON array of [family, type, name, labels, value].
const PARSE: &str = r#"
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for fam in text_string_to_metric_families(sys.stdin.read()):
    for s in fam.samples:
        out.append([fam.name, fam.type, s.name, s.labels, s.value])
print(json.dumps(out))
"#;

type Sample = (String, String, String, BTreeMap<String, String>, f64);

fn parser_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import prometheus_client.parser"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CI: the Prometheus parser (python3 -m pip install prometheus-client) is missing; .ci/run installs it");
        }
        eprintln!(
            "\n*** SKIPPED: scan --format prometheus was NOT validated: python3's prometheus-client is \
             missing (python3 -m pip install prometheus-client; .ci/run installs it) ***\n"
        );
    }
    ok
}

fn parse(exposition: &[u8]) -> Vec<Sample> {
    let mut child = Command::new("python3")
        .args(["-c", PARSE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child.stdin.take().unwrap().write_all(exposition).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the Prometheus parser refused the output: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(exposition)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// promtool's stricter check (naming lint included), when Prometheus is installed.
fn promtool(exposition: &[u8]) {
    let Ok(mut child) = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        eprintln!("note: promtool not installed; checked with the Python parser only");
        return;
    };
    child.stdin.take().unwrap().write_all(exposition).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "promtool check metrics: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn scan(dir: &std::path::Path, at: &str) -> Vec<u8> {
    let out = certprep()
        // --keep-going: the broken file is a fault in the metrics, and the exit follows the
        // findings (without it an unreadable file is exit 2, issue 17).
        .args([
            "scan",
            "--keep-going",
            "--format",
            "prometheus",
            "--at",
            at,
            "--roots",
        ])
        .arg(fixture("deliverable/contoso-root.crt"))
        .arg(dir)
        .output()
        .unwrap();
    // Exit 0 or 1 (findings): never 2, something was read.
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn samples<'a>(all: &'a [Sample], name: &str) -> Vec<&'a Sample> {
    all.iter().filter(|s| s.2 == name).collect()
}

#[test]
fn scan_prometheus_output_is_read_back_by_a_real_parser_with_the_right_values() {
    if !parser_available() {
        return;
    }
    let dir = assert_fs::TempDir::new().unwrap();
    let leaf_pem = std::fs::read_to_string(fixture("deliverable/mail.contoso.com.crt")).unwrap();
    let bundle = std::fs::read(fixture("deliverable/ca-bundle.crt")).unwrap();
    // A name that needs escaping in a label value.
    let odd = dir.path().join("odd \"name\" \\ here.crt");
    std::fs::write(&odd, &leaf_pem).unwrap();
    // The same certificate twice in one file is one series.
    std::fs::write(
        dir.path().join("twice.pem"),
        format!("{leaf_pem}{leaf_pem}"),
    )
    .unwrap();
    std::fs::write(dir.path().join("ca-bundle.crt"), &bundle).unwrap();
    // A fault: a PEM block whose body is not a certificate.
    std::fs::write(
        dir.path().join("broken.crt"),
        "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n",
    )
    .unwrap();

    let text = scan(dir.path(), "2027-01-01T00:00:00Z");
    promtool(&text);
    let all = parse(&text);

    let families: BTreeSet<&str> = all.iter().map(|s| s.0.as_str()).collect();
    for name in [
        "x509_cert_not_after",
        "x509_cert_expired",
        "x509_cert_expires_in_seconds",
        "x509_read_errors",
        "certprep_scan_files",
        "certprep_scan_certificates",
        "certprep_scan_faults",
        "certprep_scan_earliest_cert_expiry",
    ] {
        assert!(families.contains(name), "{name} missing from\n{families:?}");
    }
    assert!(all.iter().all(|s| s.1 == "gauge"));
    // No series twice.
    let series: BTreeSet<String> = all.iter().map(|s| format!("{}{:?}", s.2, s.3)).collect();
    assert_eq!(series.len(), all.len(), "duplicate series");

    // notAfter as OpenSSL reads it from the certificate.
    let x = X509::from_pem(leaf_pem.as_bytes()).unwrap();
    let tp = hex::encode_upper(x.digest(openssl::hash::MessageDigest::sha1()).unwrap());
    let leaf: Vec<_> = samples(&all, "x509_cert_not_after")
        .into_iter()
        .filter(|s| s.3["thumbprint"] == tp)
        .collect();
    assert_eq!(leaf.len(), 2, "one series per file: {leaf:?}");
    let not_after = leaf[0].4 as i64;
    let diff = x
        .not_after()
        .diff(&Asn1Time::from_unix(not_after).unwrap())
        .unwrap();
    assert_eq!((diff.days, diff.secs), (0, 0));
    let paths: BTreeSet<&str> = leaf.iter().map(|s| s.3["filepath"].as_str()).collect();
    assert!(paths.contains(odd.to_str().unwrap()), "{paths:?}");
    assert_eq!(leaf[0].3["subject_CN"], "mail.contoso.com");
    assert_eq!(leaf[0].3["issuer_CN"], "Contoso Test TLS CA 2026");

    let at = time::macros::datetime!(2027-01-01 0:00 UTC).unix_timestamp();
    for s in samples(&all, "x509_cert_expires_in_seconds") {
        let na = samples(&all, "x509_cert_not_after")
            .into_iter()
            .find(|n| n.3 == s.3)
            .unwrap();
        assert_eq!(s.4 as i64, na.4 as i64 - at);
    }
    assert!(samples(&all, "x509_cert_expired")
        .iter()
        .all(|s| s.4 == 0.0));
    let one = |name: &str| samples(&all, name)[0].4;
    assert_eq!(one("x509_read_errors"), 1.0);
    assert!(one("certprep_scan_faults") >= 1.0);
    assert_eq!(one("certprep_scan_files"), 4.0);
    // leaf (odd), leaf twice (twice.pem), intermediate and root (bundle).
    assert_eq!(one("certprep_scan_certificates"), 5.0);
    assert_eq!(one("certprep_scan_earliest_cert_expiry"), not_after as f64);

    // After notAfter: expired, and the seconds left negative.
    let later = parse(&scan(dir.path(), "2027-06-01T00:00:00Z"));
    let expired: Vec<_> = samples(&later, "x509_cert_expired")
        .into_iter()
        .filter(|s| s.3["thumbprint"] == tp)
        .collect();
    assert!(!expired.is_empty() && expired.iter().all(|s| s.4 == 1.0));
    assert!(samples(&later, "x509_cert_expires_in_seconds")
        .iter()
        .filter(|s| s.3["thumbprint"] == tp)
        .all(|s| s.4 < 0.0));
}

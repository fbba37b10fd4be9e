//! `state::load` on the hand-written organisation fixtures (fixtures/state/) and on broken
//! and foreign files: every error names the field.

use certprep::input::Origin;
use certprep::state::{self, Protection, State, StateError};
use certprep::thumbprint::Thumbprint;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/state")
}

pub(crate) const FIXTURES: [&str; 8] = [
    "single-server",
    "dag-four-servers",
    "hybrid",
    "edge-subscribed",
    "first-renewal-self-signed",
    "wildcard-pop-imap",
    "mixed-2016-2019",
    "ecc-unsupported-build",
];

fn fixture(name: &str) -> State {
    let path = dir().join(format!("{name}.json"));
    let bytes = std::fs::read(&path).unwrap();
    state::load(&bytes, &Origin::file(format!("{name}.json"))).unwrap()
}

/// An edit of a state document.
type Edit = Box<dyn Fn(&mut serde_json::Value)>;

fn raw(name: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir().join(format!("{name}.json"))).unwrap()).unwrap()
}

fn load_value(v: &serde_json::Value) -> Result<State, StateError> {
    state::load(
        serde_json::to_string(v).unwrap().as_bytes(),
        &Origin::file("exchange-state.json"),
    )
}

fn thumb_of(s: &State, subject: &str) -> Thumbprint {
    s.certificates
        .iter()
        .find(|c| c.subject == subject)
        .unwrap()
        .thumbprint
}

#[test]
fn state_fixtures_load_and_agree_with_their_certificates() {
    for name in FIXTURES {
        let s = fixture(name);
        assert!(!s.servers.is_empty(), "{name}");
        assert!(!s.certificates.is_empty(), "{name}");
        for c in &s.certificates {
            // The hand-written fields say what the DER says, as Windows prints it.
            assert_eq!(
                c.subject,
                certprep::name::render_windows(&c.cert.subject),
                "{name} {}",
                c.server
            );
            assert_eq!(
                c.issuer,
                certprep::name::render_windows(&c.cert.issuer),
                "{name} {}",
                c.server
            );
            assert_eq!(c.not_before, c.cert.not_before, "{name} {}", c.subject);
            assert_eq!(c.not_after, c.cert.not_after, "{name} {}", c.subject);
            assert_eq!(
                c.certificate_domains, c.cert.dns_names,
                "{name} {}",
                c.subject
            );
            assert_eq!(
                c.is_self_signed,
                c.cert.is_self_issued(),
                "{name} {}",
                c.subject
            );
            assert!(
                s.server(&c.server).is_some(),
                "{name}: {} unknown",
                c.server
            );
        }
        // Every connector TLS name in the fixtures is the name of a certificate in them.
        let names: Vec<String> = s
            .certificates
            .iter()
            .map(|c| certprep::tls_name::tls_name(&c.cert.issuer, &c.cert.subject))
            .collect();
        let used = s
            .send_connectors
            .iter()
            .filter_map(|c| c.tls_certificate_name.clone())
            .chain(
                s.receive_connectors
                    .iter()
                    .filter_map(|c| c.tls_certificate_name.clone()),
            )
            .chain(
                s.hybrid_configuration
                    .iter()
                    .filter_map(|h| h.tls_certificate_name.clone()),
            );
        for u in used {
            assert!(names.contains(&u), "{name}: {u} names no certificate");
        }
        for b in &s.iis_bindings {
            if let Some(h) = &b.certificate_hash {
                assert!(s.certificate_on(&b.server, h).is_some(), "{name}: {h}");
            }
        }
    }
}

#[test]
fn state_protections_name_self_signed_auth_transport_and_back_end() {
    let s = fixture("single-server");
    let auth = thumb_of(&s, "CN=Microsoft Exchange Server Auth Certificate");
    let own = thumb_of(&s, "CN=EX01");
    let mail = thumb_of(&s, "CN=mail.contoso.com");
    assert_eq!(
        s.protections(&own),
        vec![
            Protection::SelfSigned {
                server: "EX01".into()
            },
            Protection::InternalTransport {
                server: "EX01".into()
            },
            Protection::BackEndBinding {
                server: "EX01".into()
            },
        ]
    );
    let p = s.protections(&auth);
    assert!(p.contains(&Protection::AuthCurrent), "{p:?}");
    assert_eq!(s.is_protected(&mail), None);
    // The third-party certificate is still used: IIS, two connectors, services.
    let r = s.references(&mail);
    assert!(r.iter().any(|r| matches!(r, certprep::state::Reference::IisBinding { site, .. } if site == "Default Web Site")));
    let connectors = r
        .iter()
        .filter(|r| {
            matches!(
                r,
                certprep::state::Reference::SendConnector { .. }
                    | certprep::state::Reference::ReceiveConnector { .. }
            )
        })
        .count();
    assert_eq!(connectors, 3, "{r:?}"); // Internet, Default Frontend EX01, Client Frontend EX01
}

#[test]
fn state_hybrid_connector_is_found_by_flag_and_by_name() {
    let s = fixture("hybrid");
    let hcw = s.hybrid_send_connectors();
    assert_eq!(hcw.len(), 1);
    assert!(hcw[0].identity.starts_with("Outbound to Office 365 "));
    let receive: Vec<&str> = s
        .hybrid_receive_connectors()
        .iter()
        .map(|c| c.identity.as_str())
        .collect();
    assert_eq!(
        receive,
        ["EX01\\Default Frontend EX01", "EX02\\Default Frontend EX02"]
    );
    let mail = s.certificate(&thumb_of(&s, "CN=mail.contoso.com"))[0];
    let name = certprep::tls_name::tls_name(&mail.cert.issuer, &mail.cert.subject);
    let naming = s.connectors_naming(&name);
    // HCW send connector, hybrid configuration, and Default + Client Frontend on two servers.
    assert_eq!(naming.len(), 6, "{naming:?}");
    assert!(naming
        .iter()
        .any(|c| matches!(c, certprep::state::ConnectorRef::Hybrid(_))));
}

#[test]
fn state_servers_expose_builds_and_edge() {
    let s = fixture("mixed-2016-2019");
    let ex16 = s.server("ex16.contoso.com").unwrap();
    assert_eq!(ex16.os_build, Some(14393));
    assert_eq!(ex16.exchange_build().unwrap().to_string(), "15.1.2507.44");
    let e = fixture("edge-subscribed");
    assert_eq!(
        e.edge_servers()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        ["EDGE01"]
    );
    assert_eq!(
        state::ExchangeBuild::parse("Version 15.2 (Build 1118.7)")
            .unwrap()
            .to_string(),
        "15.2.1118.7"
    );
}

#[test]
fn state_load_reads_utf16_and_bom_as_windows_powershell_writes() {
    let text = std::fs::read_to_string(dir().join("single-server.json")).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let a = state::load(&utf16, &Origin::file("x")).unwrap();
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend(text.as_bytes());
    let b = state::load(&bom, &Origin::file("x")).unwrap();
    assert_eq!(a.certificates.len(), b.certificates.len());
}

#[test]
fn state_single_values_where_lists_belong_are_read_as_lists() {
    // ConvertTo-Json unrolls one-element collections that were not wrapped in @().
    let mut v = raw("single-server");
    v["Certificates"][0]["CertificateDomains"] = serde_json::json!(null);
    v["ReceiveConnectors"][0]["Bindings"] = serde_json::json!("0.0.0.0:2525");
    let s = load_value(&v).unwrap();
    assert_eq!(s.receive_connectors[0].bindings, ["0.0.0.0:2525"]);
    assert!(s.certificates[0].certificate_domains.is_empty());
}

fn err_text(e: &StateError) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(c) = src {
        s.push_str(": ");
        s.push_str(&c.to_string());
        src = c.source();
    }
    s
}

#[test]
fn state_errors_name_the_field() {
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "wrong type",
            Box::new(|v| v["Certificates"][1]["HasPrivateKey"] = "yes".into()),
            "Certificates[1].HasPrivateKey",
        ),
        (
            "bad base64",
            Box::new(|v| v["Certificates"][2]["RawData"] = "not base64!".into()),
            "Certificates[2].RawData",
        ),
        (
            "not a certificate",
            Box::new(|v| v["Certificates"][0]["RawData"] = "MAMCAQA=".into()),
            "Certificates[0].RawData",
        ),
        (
            "bad thumbprint",
            Box::new(|v| {
                v["TransportServices"][0]["InternalTransportCertificateThumbprint"] = "XYZ".into()
            }),
            "TransportServices[0].InternalTransportCertificateThumbprint",
        ),
        (
            "unknown service",
            Box::new(|v| v["Certificates"][0]["Services"] = "IIS, FTP".into()),
            "Certificates[0].Services",
        ),
        (
            "misspelt property",
            Box::new(|v| {
                v["SendConnectors"][0]["TlsCertName"] = "x".into();
            }),
            "SendConnectors[0]",
        ),
        (
            "bad date",
            Box::new(|v| v["Certificates"][0]["NotAfter"] = "/Date(1700000000000)/".into()),
            "Certificates[0].NotAfter",
        ),
        (
            "bad status",
            Box::new(|v| v["Certificates"][0]["Status"] = "Fine".into()),
            "Certificates[0].Status",
        ),
    ];
    for (what, edit, path) in cases {
        let mut v = raw("single-server");
        edit(&mut v);
        let e = load_value(&v).unwrap_err();
        assert!(matches!(e, StateError::Field { .. }), "{what}: {e:?}");
        let text = err_text(&e);
        assert!(
            text.starts_with(&format!("exchange-state.json: {path}")),
            "{what}: {text}"
        );
    }
}

#[test]
fn state_thumbprint_must_match_raw_data() {
    let mut v = raw("single-server");
    let other = v["Certificates"][1]["Thumbprint"].clone();
    v["Certificates"][0]["Thumbprint"] = other;
    let e = load_value(&v).unwrap_err();
    assert!(
        matches!(e, StateError::ThumbprintMismatch { index: 0, .. }),
        "{e:?}"
    );
}

#[test]
fn state_foreign_and_future_files_are_refused_clearly() {
    let o = Origin::file("f.json");
    let e = state::load(b"[{\"Thumbprint\":\"AB\"}]", &o).unwrap_err();
    assert!(matches!(e, StateError::NotState { .. }), "{e:?}");
    assert!(e.to_string().contains("an array of 1 items"), "{e}");
    let e = state::load(b"{\"Thumbprint\":\"AB\",\"Subject\":\"CN=x\"}", &o).unwrap_err();
    assert!(e.to_string().contains("keys Subject, Thumbprint"), "{e}");
    let e = state::load(b"{\"SchemaVersion\": 2}", &o).unwrap_err();
    assert!(matches!(e, StateError::UnsupportedVersion { .. }), "{e:?}");
    assert!(e.to_string().contains("SchemaVersion is 2"), "{e}");
    let e = state::load(b"{\"SchemaVersion\": 1,", &o).unwrap_err();
    assert!(matches!(e, StateError::Json { .. }), "{e:?}");
    let e = state::load(&[0xC3, 0x28], &o).unwrap_err();
    assert!(matches!(e, StateError::NotText { .. }), "{e:?}");
}

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/exchange-state.schema.json"),
    )
    .unwrap();
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
}

#[test]
fn state_fixtures_validate_against_the_json_schema() {
    let v = schema();
    for name in FIXTURES {
        let errors: Vec<String> = v.iter_errors(&raw(name)).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}

#[test]
fn state_schema_and_loader_refuse_the_same_mistakes() {
    let v = schema();
    let edits: Vec<Edit> = vec![
        Box::new(|v| v["SchemaVersion"] = 2.into()),
        Box::new(|v| v["Certificates"][0]["Colour"] = "blue".into()),
        Box::new(|v| v["Certificates"][0]["Status"] = "Fine".into()),
        Box::new(|v| v["Certificates"][0]["Thumbprint"] = "12".into()),
        Box::new(|v| v["Servers"][0]["OSBuild"] = "17763".into()),
        Box::new(|v| v["VirtualDirectories"][0]["Type"] = "Owa".into()),
        Box::new(|v| {
            v.as_object_mut().unwrap().remove("SchemaVersion");
        }),
    ];
    for (i, edit) in edits.iter().enumerate() {
        let mut doc = raw("single-server");
        edit(&mut doc);
        assert!(!v.is_valid(&doc), "schema accepts edit {i}");
        assert!(load_value(&doc).is_err(), "loader accepts edit {i}");
    }
}

#[test]
fn state_merge_adds_an_edge_servers_own_collection() {
    let full = raw("edge-subscribed");
    // The organisation's run: EDGE01 listed, its data missing, an error saying so.
    let mut org = full.clone();
    for key in ["Certificates", "TransportServices", "ReceiveConnectors"] {
        let kept: Vec<serde_json::Value> = org[key]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["Server"] != "EDGE01" && e["Name"] != "EDGE01")
            .cloned()
            .collect();
        org[key] = kept.into();
    }
    org["Servers"][1]["OSBuild"] = serde_json::Value::Null;
    org["CollectionErrors"] = serde_json::json!([{"Server": "EDGE01", "Step": "Edge Transport server", "Message": "not reached"}]);
    // The Edge server's own run.
    let mut edge = full.clone();
    edge["Servers"] = serde_json::json!([full["Servers"][1]]);
    for key in ["Certificates", "ReceiveConnectors"] {
        let kept: Vec<serde_json::Value> = full[key]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["Server"] == "EDGE01")
            .cloned()
            .collect();
        edge[key] = kept.into();
    }
    let mut merged = load_value(&org).unwrap();
    let before = merged.certificates.len();
    let edge = load_value(&edge).unwrap();
    let edge_certs = edge.certificates.len();
    merged.merge(edge);
    assert_eq!(merged.certificates.len(), before + edge_certs);
    assert!(merged.collection_errors.is_empty());
    assert_eq!(merged.server("EDGE01").unwrap().os_build, Some(20348));
    let edge_self = thumb_of(&merged, "CN=EDGE01");
    assert_eq!(
        merged.protections(&edge_self),
        vec![
            Protection::SelfSigned {
                server: "EDGE01".into()
            },
            Protection::InternalTransport {
                server: "EDGE01".into()
            }
        ]
    );
    // Nothing doubles when the same file is merged again.
    let again = load_value(&full).unwrap();
    let n = merged.certificates.len();
    merged.merge(again);
    assert_eq!(merged.certificates.len(), n);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Damaged state files give an error or a state, never a panic.
    #[test]
    fn state_load_is_total_over_damaged_files(
        edits in proptest::collection::vec((0usize..1_000_000, proptest::prelude::any::<u8>()), 1..8),
        cut in proptest::option::of(0usize..1_000_000),
    ) {
        let mut bytes = std::fs::read(dir().join("hybrid.json")).unwrap();
        for (at, b) in edits {
            let i = at % bytes.len();
            bytes[i] = b;
        }
        if let Some(c) = cut {
            bytes.truncate(c % bytes.len());
        }
        let _ = state::load(&bytes, &Origin::file("x.json"));
    }
}

#[test]
fn state_docs_example_is_the_single_server_fixture() {
    let docs = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/exchange-state.example.json"),
    )
    .unwrap();
    assert_eq!(
        docs,
        std::fs::read(dir().join("single-server.json")).unwrap()
    );
}

#[test]
fn state_ecc_support_starts_at_the_april_2024_hotfix_updates() {
    use certprep::state::assess::build_supports_ecc;
    let b = |s: &str| state::ExchangeBuild::parse(s).unwrap();
    for (build, ok) in [
        ("15.1.2507.38", false),
        ("15.1.2507.39", true),
        ("15.2.1258.33", false),
        ("15.2.1258.34", true),
        ("15.2.1118.40", false),
        ("15.2.1544.4", false),
        ("15.2.1544.11", true),
        ("15.02.1748.010", true),
        ("Version 15.2 (Build 1544.4)", false),
        ("15.0.1497.48", false),
    ] {
        assert_eq!(build_supports_ecc(&b(build)), ok, "{build}");
    }
    use certprep::state::assess::windows_of_build;
    use certprep::windows::WindowsVersion as W;
    assert_eq!(windows_of_build(9200), None);
    assert_eq!(windows_of_build(9600), Some(W::Server2012R2));
    assert_eq!(windows_of_build(14393), Some(W::Server2016));
    assert_eq!(windows_of_build(17762), Some(W::Server2016));
    assert_eq!(windows_of_build(17763), Some(W::Server2019));
    assert_eq!(windows_of_build(20348), Some(W::Server2022));
    assert_eq!(windows_of_build(26100), Some(W::Server2025));
}

#[test]
fn state_assessment_warns_before_the_auth_certificate_expires() {
    use certprep::state::assess::assess;
    let s = fixture("single-server");
    let at = |t: &str| {
        time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).unwrap()
    };
    let ids = |a: &certprep::state::assess::Assessment| -> Vec<(&'static str, certprep::check::Severity)> {
        a.findings.iter().map(|f| (f.id, f.severity)).collect()
    };
    assert_eq!(
        ids(&assess(&s, None, None, at("2027-01-01T00:00:00Z"))),
        vec![]
    );
    // The Auth certificate expires 2029-02-01.
    let soon = assess(&s, None, None, at("2029-01-10T00:00:00Z"));
    assert_eq!(
        ids(&soon),
        vec![("state-auth-expiry", certprep::check::Severity::Warning)]
    );
    let late = assess(&s, None, None, at("2029-02-02T00:00:00Z"));
    assert_eq!(
        ids(&late),
        vec![("state-auth-expiry", certprep::check::Severity::Error)]
    );
    // Every certificate is in the expiry report, once, soonest first.
    let report = assess(&s, None, None, at("2027-01-01T00:00:00Z")).expiry;
    assert_eq!(report.len(), 4);
    assert!(report.windows(2).all(|w| w[0].not_after <= w[1].not_after));
}

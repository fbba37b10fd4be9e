//! Windows name rendering: the real-world corpus and one test per rule.

use certprep::dn::render_windows;
use certprep::input::Origin;
use certprep::model::{Cert, DistinguishedName};
use std::path::PathBuf;

fn corpus() -> Option<PathBuf> {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for up in ["..", "../.."] {
        let p = base.join(up).join("shared/realworld/windows-names");
        if p.is_dir() {
            return Some(p);
        }
    }
    None
}

#[test]
fn realworld_windows_names_match_byte_for_byte() {
    let Some(dir) = corpus() else {
        eprintln!("skipped: shared/realworld/windows-names not present");
        return;
    };
    let mut failures = Vec::new();
    let mut n = 0;
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    for case in cases {
        n += 1;
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(case.join("expected.json")).unwrap()).unwrap();
        let pem = std::fs::read(case.join("cert.pem")).unwrap();
        let (_, der) = der::pem::decode_vec(&pem).unwrap();
        match Cert::from_der(der, Origin::file(name.clone())) {
            Ok(c) => {
                let s = render_windows(&c.subject);
                let i = render_windows(&c.issuer);
                if s != json["subject"] {
                    failures.push(format!("{name}: subject {s:?} != {}", json["subject"]));
                }
                if i != json["issuer"] {
                    failures.push(format!("{name}: issuer {i:?} != {}", json["issuer"]));
                }
                let tls = certprep::tls_name::tls_name(&c.issuer, &c.subject);
                let want = format!(
                    "<I>{}<S>{}",
                    json["issuer"].as_str().unwrap(),
                    json["subject"].as_str().unwrap()
                );
                if tls != want {
                    failures.push(format!("{name}: tls name {tls:?}"));
                }
            }
            Err(e) => failures.push(format!("{name}: rejected: {e:#?}")),
        }
        if let Ok(sd) = std::fs::read(case.join("subject.der")) {
            match DistinguishedName::from_der(&sd) {
                Ok(d) => {
                    let s = render_windows(&d);
                    if s != json["subject"] {
                        failures.push(format!("{name}: name-level {s:?}"));
                    }
                }
                Err(e) => failures.push(format!("{name}: name rejected {e}")),
            }
        }
    }
    eprintln!("{n} cases");
    assert!(n >= 154, "the corpus has 154 cases, found {n}");
    assert!(
        failures.is_empty(),
        "{n} cases, {} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ----- one test per rule (design.md §4.2) ------------------------------------------------------
// Names are built here from raw DER, independently of the fixture generator.

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    if content.len() < 0x80 {
        out.push(content.len() as u8);
    } else {
        out.extend([0x81, content.len() as u8]);
    }
    out.extend_from_slice(content);
    out
}

fn oid(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
    let mut body = Vec::new();
    for (i, mut v) in std::iter::once(arcs[0] * 40 + arcs[1])
        .chain(arcs[2..].iter().copied())
        .enumerate()
    {
        let _ = i;
        let mut tmp = vec![(v & 0x7F) as u8];
        v >>= 7;
        while v > 0 {
            tmp.push(0x80 | (v & 0x7F) as u8);
            v >>= 7;
        }
        tmp.reverse();
        body.extend(tmp);
    }
    tlv(0x06, &body)
}

/// A Name from RDNs in encoded order; each attribute is (OID, value TLV), kept in the order given.
fn name(rdns: &[&[(&str, Vec<u8>)]]) -> DistinguishedName {
    let mut seq = Vec::new();
    for rdn in rdns {
        let mut set = Vec::new();
        for (o, v) in rdn.iter() {
            set.extend(tlv(0x30, &[oid(o), v.clone()].concat()));
        }
        seq.extend(tlv(0x31, &set));
    }
    DistinguishedName::from_der(&tlv(0x30, &seq)).unwrap()
}

fn utf8(s: &str) -> Vec<u8> {
    tlv(0x0C, s.as_bytes())
}

/// The rendering of a one-attribute name.
fn single(o: &str, value: Vec<u8>) -> String {
    render_windows(&name(&[&[(o, value)]]))
}

fn cn(value: &str) -> String {
    single("2.5.4.3", utf8(value))
}

#[test]
fn rule1_rdns_are_reversed_and_joined_by_comma_space() {
    let n = name(&[
        &[("2.5.4.6", tlv(0x13, b"US"))],
        &[("2.5.4.10", utf8("Contoso"))],
        &[("2.5.4.3", utf8("mail.contoso.com"))],
    ]);
    assert_eq!(render_windows(&n), "CN=mail.contoso.com, O=Contoso, C=US");
}

#[test]
fn rule2_multi_valued_rdn_keeps_encoded_order() {
    // Not sorted (DER would put OU=aaaa first) and not reversed.
    let n = name(&[&[("2.5.4.11", utf8("zzzz")), ("2.5.4.11", utf8("aaaa"))]]);
    assert_eq!(render_windows(&n), "OU=zzzz + OU=aaaa");
    let n = name(&[
        &[("2.5.4.6", tlv(0x13, b"US"))],
        &[("2.5.4.10", utf8("a")), ("2.5.4.3", utf8("b"))],
    ]);
    assert_eq!(render_windows(&n), "O=a + CN=b, C=US");
}

#[test]
fn rule3_every_windows_key() {
    // The key table of design.md §4.2, rule 3.
    let table = [
        ("2.5.4.3", "CN"),
        ("2.5.4.7", "L"),
        ("2.5.4.10", "O"),
        ("2.5.4.11", "OU"),
        ("1.2.840.113549.1.9.1", "E"),
        ("2.5.4.6", "C"),
        ("2.5.4.8", "S"),
        ("2.5.4.9", "STREET"),
        ("2.5.4.12", "T"),
        ("2.5.4.42", "G"),
        ("2.5.4.43", "I"),
        ("2.5.4.4", "SN"),
        ("0.9.2342.19200300.100.1.25", "DC"),
        ("2.5.4.13", "Description"),
        ("2.5.4.17", "PostalCode"),
        ("2.5.4.18", "POBox"),
        ("2.5.4.20", "Phone"),
        ("2.5.4.24", "X21Address"),
        ("2.5.4.46", "dnQualifier"),
        ("2.5.4.5", "SERIALNUMBER"),
        ("2.23.133.2.1", "TPMManufacturer"),
        ("2.23.133.2.2", "TPMModel"),
        ("2.23.133.2.3", "TPMVersion"),
    ];
    for (o, key) in table {
        assert_eq!(single(o, utf8("v")), format!("{key}=v"), "{o}");
    }
}

#[test]
fn rule3_state_is_s_and_email_is_e() {
    assert_eq!(single("2.5.4.8", utf8("Washington")), "S=Washington");
    assert_eq!(
        single("1.2.840.113549.1.9.1", tlv(0x16, b"a@contoso.com")),
        "E=a@contoso.com"
    );
}

#[test]
fn rule4_other_oids_print_as_oid_dotted() {
    assert_eq!(
        single("2.5.4.15", utf8("Private Organization")),
        "OID.2.5.4.15=Private Organization"
    );
    assert_eq!(
        single("1.3.6.1.4.1.311.60.2.1.3", tlv(0x13, b"US")),
        "OID.1.3.6.1.4.1.311.60.2.1.3=US"
    );
    assert_eq!(
        single("2.5.4.97", utf8("PSDGB-FCA-123456")),
        "OID.2.5.4.97=PSDGB-FCA-123456"
    );
    assert_eq!(
        single("0.9.2342.19200300.100.1.1", utf8("jdoe")),
        "OID.0.9.2342.19200300.100.1.1=jdoe"
    );
}

#[test]
fn rule5_t61_is_utf8_when_valid_else_latin1() {
    assert_eq!(single("2.5.4.3", tlv(0x14, b"Cr\xE8me")), "CN=Crème");
    assert_eq!(single("2.5.4.3", tlv(0x14, "Crème".as_bytes())), "CN=Crème");
}

#[test]
fn rule5_bmp_universal_and_byte_strings() {
    let bmp: Vec<u8> = "Zürich 😀"
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    assert_eq!(single("2.5.4.3", tlv(0x1E, &bmp)), "CN=Zürich 😀");
    let ucs4: Vec<u8> = "Ωmega😀"
        .chars()
        .flat_map(|c| (c as u32).to_be_bytes())
        .collect();
    assert_eq!(single("2.5.4.3", tlv(0x1C, &ucs4)), "CN=Ωmega😀");
    for tag in [0x13, 0x16, 0x12, 0x1A] {
        assert_eq!(
            single("2.5.4.3", tlv(tag, b"abc 123")),
            "CN=abc 123",
            "tag {tag:#x}"
        );
    }
    assert_eq!(single("2.5.4.3", utf8("東京")), "CN=東京");
}

#[test]
fn rule6_non_string_values_are_hex_octet_string_contents_else_whole_tlv() {
    // OCTET STRING: only its contents.
    assert_eq!(single("2.5.4.3", tlv(0x04, &[0xAB, 0xCD])), "CN=#ABCD");
    assert_eq!(single("2.5.4.3", tlv(0x04, &[0x30, 0x00])), "CN=#3000");
    // Any other type: the whole TLV, uppercase, never quoted although it starts with '#'.
    assert_eq!(single("2.5.4.3", tlv(0x30, &[])), "CN=#3000");
    assert_eq!(
        single("2.5.4.5", tlv(0x02, &[0x04])),
        "SERIALNUMBER=#020104"
    );
    assert_eq!(single("2.5.4.8", tlv(0x01, &[0xFF])), "S=#0101FF");
    assert_eq!(single("2.5.4.8", tlv(0x05, &[])), "S=#0500");
}

#[test]
fn rule7_each_special_character_forces_quotes() {
    for c in [',', '+', '=', '"', '\n', '<', '>', '#', ';'] {
        let v = format!("a{c}b");
        let want = format!("CN=\"{}\"", v.replace('"', "\"\""));
        assert_eq!(cn(&v), want, "{c:?}");
    }
}

#[test]
fn rule7_edge_whitespace_forces_quotes() {
    for c in [' ', '\t', '\n', '\u{0B}', '\u{0C}', '\r'] {
        assert_eq!(
            cn(&format!("{c}x")),
            format!("CN=\"{c}x\""),
            "leading {c:?}"
        );
        assert_eq!(
            cn(&format!("x{c}")),
            format!("CN=\"x{c}\""),
            "trailing {c:?}"
        );
    }
    assert_eq!(cn(""), "CN=\"\"");
}

#[test]
fn rule7_these_do_not_force_quotes() {
    for v in [
        "a\rb",
        "a\tb",
        "O'Brien",
        "DOMAIN\\user",
        "a/b",
        "a b",
        "\u{2000}x",
        "x\u{A0}",
        "Zürich",
        "(c) 2012: x?",
    ] {
        assert_eq!(cn(v), format!("CN={v}"), "{v:?}");
    }
}

#[test]
fn rule7_embedded_quotes_are_doubled_never_backslashed() {
    assert_eq!(cn("a\"b"), "CN=\"a\"\"b\"");
    assert_eq!(cn("\"x\""), "CN=\"\"\"x\"\"\"");
    assert_eq!(
        cn("He said \"hi\", then left"),
        "CN=\"He said \"\"hi\"\", then left\""
    );
}

#[test]
fn rule8_empty_name_is_empty() {
    let n = DistinguishedName::from_der(&[0x30, 0x00]).unwrap();
    assert_eq!(render_windows(&n), "");
    assert_eq!(certprep::tls_name::tls_name(&n, &n), "<I><S>");
}

/// The Windows quoting rule, restated independently of `dn::needs_quotes`.
fn windows_quotes(v: &str) -> bool {
    let edge = |c: char| matches!(c, ' ' | '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r');
    v.is_empty()
        || v.chars().next().is_some_and(edge)
        || v.chars().last().is_some_and(edge)
        || v.chars()
            .any(|c| matches!(c, ',' | '+' | '=' | '"' | '\n' | '<' | '>' | '#' | ';'))
}

proptest::proptest! {
    #[test]
    fn rendered_value_round_trips_and_obeys_the_quoting_rule(v in "(?s).{0,24}|[ ,+=\"<>#;\\n\\r\\ta'\\\\]{0,8}") {
        let r = cn(&v);
        let body = r.strip_prefix("CN=").unwrap();
        if windows_quotes(&v) {
            proptest::prop_assert!(body.starts_with('"') && body.ends_with('"') && body.len() >= 2, "{:?}", r);
            proptest::prop_assert_eq!(body[1..body.len() - 1].replace("\"\"", "\""), v);
        } else {
            proptest::prop_assert_eq!(body, v.as_str());
        }
    }
}

// ----- leaf choice ----------------------------------------------------------------------------

fn fixture_certs(rel: &str) -> Vec<Cert> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel);
    let d = certprep::input::load(path.to_str().unwrap(), &Default::default());
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    d.certs().cloned().collect()
}

#[test]
fn find_leaf_picks_the_certificate_that_issues_no_other() {
    use certprep::tls_name::{find_leaf_by_name, LeafError};
    let chain = fixture_certs("names/chain/bundle.pem");
    assert_eq!(chain.len(), 3);
    assert_eq!(find_leaf_by_name(&chain), Ok(1));
    // The leaf twice and the root: still the leaf (duplicates count once).
    let dup = vec![
        chain[1].clone(),
        chain[2].clone(),
        chain[1].clone(),
        chain[0].clone(),
    ];
    assert_eq!(find_leaf_by_name(&dup), Ok(0));
    // A self-signed certificate alone is its own leaf.
    assert_eq!(find_leaf_by_name(&chain[2..]), Ok(0));
    assert_eq!(find_leaf_by_name(&[]), Err(LeafError::Empty));
    // Two unrelated leaves.
    let mut two = fixture_certs("names/comma-in-o/cert.pem");
    two.extend(fixture_certs("names/bmpstring/cert.pem"));
    assert!(matches!(
        find_leaf_by_name(&two),
        Err(LeafError::Ambiguous { .. })
    ));
    // A leaf and an unrelated CA: the non-CA certificate is preferred.
    let mut mixed = fixture_certs("names/ca/cert.pem");
    mixed.push(chain[1].clone());
    assert_eq!(find_leaf_by_name(&mixed), Ok(1));
}

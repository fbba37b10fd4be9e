//! Windows-style rendering of distinguished names.
//!
//! This reproduces `X509Certificate2.Subject`/`.Issuer` on Windows, i.e.
//! `CertNameToStr(CERT_X500_NAME_STR | CERT_NAME_STR_REVERSE_FLAG)` (design.md §4.2). Written
//! by hand because no crate renders Windows' form: OpenSSL and x509-parser print forward order,
//! `ST=`, `emailAddress=` and backslash escapes, and .NET on Linux names OIDs Windows does not.

use super::der::{tag, Attribute, DistinguishedName};

/// The key Windows prints for an attribute type, or `None` when it prints `OID.x.y.z`.
pub fn windows_key(oid: &str) -> Option<&'static str> {
    // CertNameToStr's X.500 key names (Microsoft docs, CertStrToName "supported X.500 keys").
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.7" => "L",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "1.2.840.113549.1.9.1" => "E",
        "2.5.4.6" => "C",
        "2.5.4.8" => "S",
        "2.5.4.9" => "STREET",
        "2.5.4.12" => "T",
        "2.5.4.42" => "G",
        "2.5.4.43" => "I",
        "2.5.4.4" => "SN",
        "0.9.2342.19200300.100.1.25" => "DC",
        "2.5.4.13" => "Description",
        "2.5.4.17" => "PostalCode",
        "2.5.4.18" => "POBox",
        "2.5.4.20" => "Phone",
        "2.5.4.24" => "X21Address",
        "2.5.4.46" => "dnQualifier",
        "2.5.4.5" => "SERIALNUMBER",
        "2.23.133.2.1" => "TPMManufacturer",
        "2.23.133.2.2" => "TPMModel",
        "2.23.133.2.3" => "TPMVersion",
        _ => return None,
    })
}

/// One attribute as Windows prints it, before quoting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WindowsAttribute {
    /// The key: `CN`, `S`, `E` … or `OID.` + dotted decimal.
    pub key: String,
    /// The value text, unquoted; `#` + uppercase hex for non-string values.
    pub value: String,
    /// Whether `value` is a `#hex` rendering of a non-string value (never quoted).
    pub hex: bool,
}

impl WindowsAttribute {
    /// The value as Windows prints it: quoted and with `"` doubled where the rules require.
    pub fn rendered_value(&self) -> String {
        let mut out = String::new();
        if self.hex {
            out.push_str(&self.value);
        } else {
            push_value(&mut out, &self.value);
        }
        out
    }
}

/// The attributes of a name in the order Windows prints them: RDNs reversed, the values of a
/// multi-valued RDN in encoded order.
pub fn windows_rdns(name: &DistinguishedName) -> Vec<Vec<WindowsAttribute>> {
    name.rdns
        .iter()
        .rev()
        .map(|rdn| rdn.iter().map(windows_attribute).collect())
        .collect()
}

/// One attribute's Windows key and value text (rules 3–6 of design.md §4.2).
pub fn windows_attribute(attr: &Attribute) -> WindowsAttribute {
    let key = match windows_key(&attr.oid) {
        Some(k) => k.to_owned(),
        None => format!("OID.{}", attr.oid),
    };
    match attr.text() {
        Some(value) => WindowsAttribute {
            key,
            value,
            hex: false,
        },
        // Non-string values print as '#' + hex, never quoted.
        None => WindowsAttribute {
            key,
            value: format!("#{}", hex::encode_upper(non_string_bytes(attr))),
            hex: true,
        },
    }
}

/// Render a name exactly as Windows prints it: RDNs reversed, `", "` between RDNs, `" + "`
/// between the values of a multi-valued RDN (in encoded order), Windows quoting.
pub fn render_windows(name: &DistinguishedName) -> String {
    // Written straight into one string: the same text as `render_rdns(&windows_rdns(name))`
    // (a test compares them), without the intermediate attributes and their strings, because
    // every certificate a scan reads has its names rendered.
    let mut out = String::with_capacity(name.der.len());
    for (i, rdn) in name.rdns.iter().rev().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        for (j, attr) in rdn.iter().enumerate() {
            if j > 0 {
                out.push_str(" + ");
            }
            match windows_key(&attr.oid) {
                Some(k) => out.push_str(k),
                None => {
                    out.push_str("OID.");
                    out.push_str(&attr.oid);
                }
            }
            out.push('=');
            match attr.text_cow() {
                Some(value) => push_value(&mut out, &value),
                None => {
                    out.push('#');
                    out.push_str(&hex::encode_upper(non_string_bytes(attr)));
                }
            }
        }
    }
    out
}

/// What a non-string value prints as hex: an OCTET STRING's contents
/// (CERT_RDN_OCTET_STRING), any other type's whole TLV (CERT_RDN_ENCODED_BLOB).
fn non_string_bytes(attr: &Attribute) -> &[u8] {
    if attr.tag == tag::OCTET_STRING {
        &attr.value
    } else {
        &attr.value_tlv
    }
}

/// Join attributes already in Windows order into the Windows string.
pub fn render_rdns(rdns: &[Vec<WindowsAttribute>]) -> String {
    let mut out = String::new();
    for (i, rdn) in rdns.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        for (j, attr) in rdn.iter().enumerate() {
            if j > 0 {
                out.push_str(" + ");
            }
            out.push_str(&attr.key);
            out.push('=');
            out.push_str(&attr.rendered_value());
        }
    }
    out
}

/// Whether Windows quotes a value: empty, leading/trailing whitespace, or a special character.
pub fn needs_quotes(value: &str) -> bool {
    const EDGE_SPACE: [char; 6] = [' ', '\t', '\n', '\u{0B}', '\u{0C}', '\r'];
    // The special characters are ASCII, and UTF-8 never uses ASCII bytes inside a multi-byte
    // character, so a byte test says the same as a char test — without decoding (a branch-free
    // fold the compiler vectorises; every certificate a scan reads has its names rendered).
    let special = |b: u8| {
        matches!(
            b,
            b',' | b'+' | b'=' | b'"' | b'\n' | b'<' | b'>' | b'#' | b';'
        )
    };
    value.is_empty()
        || value.starts_with(EDGE_SPACE)
        || value.ends_with(EDGE_SPACE)
        || value.bytes().fold(false, |found, b| found | special(b))
}

fn push_value(out: &mut String, value: &str) {
    if needs_quotes(value) {
        out.push('"');
        for (k, part) in value.split('"').enumerate() {
            if k > 0 {
                out.push_str("\"\"");
            }
            out.push_str(part);
        }
        out.push('"');
    } else {
        out.push_str(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(oid: &str, tag: u8, value: &[u8]) -> Attribute {
        let mut tlv = vec![tag, value.len() as u8];
        tlv.extend_from_slice(value);
        Attribute {
            oid: oid.to_owned().into(),
            tag,
            value: value.to_vec(),
            value_tlv: tlv,
        }
    }

    fn name(rdns: Vec<Vec<Attribute>>) -> DistinguishedName {
        DistinguishedName {
            der: Vec::new(),
            rdns,
        }
    }

    #[test]
    fn render_reverses_rdns_and_names_keys() {
        let n = name(vec![
            vec![attr("2.5.4.6", tag::PRINTABLE_STRING, b"US")],
            vec![attr("2.5.4.8", tag::PRINTABLE_STRING, b"WA")],
            vec![attr("2.5.4.10", tag::PRINTABLE_STRING, b"Let's Encrypt")],
            vec![attr("2.5.4.3", tag::PRINTABLE_STRING, b"R13")],
        ]);
        assert_eq!(render_windows(&n), "CN=R13, O=Let's Encrypt, S=WA, C=US");
    }

    #[test]
    fn render_quotes_specials_and_doubles_quotes() {
        let n = name(vec![vec![attr(
            "2.5.4.10",
            tag::UTF8_STRING,
            b"Acme \"Q\", Inc.",
        )]]);
        assert_eq!(render_windows(&n), "O=\"Acme \"\"Q\"\", Inc.\"");
        assert!(needs_quotes(""));
        assert!(needs_quotes(" a"));
        assert!(needs_quotes("a\n"));
        assert!(!needs_quotes("a\rb"));
        assert!(!needs_quotes("DOMAIN\\user"));
        assert!(!needs_quotes("O'Brien / x"));
    }

    #[test]
    fn render_unknown_oid_and_hex_values() {
        let n = name(vec![
            vec![attr(
                "2.5.4.15",
                tag::PRINTABLE_STRING,
                b"Private Organization",
            )],
            vec![attr("2.5.4.3", tag::OCTET_STRING, &[0xAB, 0xCD])],
            vec![
                attr("2.5.4.8", 0x01, &[0xFF]),
                attr("2.5.4.11", tag::UTF8_STRING, b"x"),
            ],
        ]);
        assert_eq!(
            render_windows(&n),
            "S=#0101FF + OU=x, CN=#ABCD, OID.2.5.4.15=Private Organization"
        );
    }

    #[test]
    fn render_empty_name_is_empty() {
        assert_eq!(render_windows(&name(vec![])), "");
    }

    proptest::proptest! {
        /// The one-pass renderer prints exactly what the attribute-by-attribute path
        /// (`windows_rdns`, then `render_rdns`) prints, for any mix of keys, string types,
        /// non-string types, quoting-relevant characters and multi-valued RDNs.
        #[test]
        fn one_pass_render_matches_attribute_render(
            rdns in proptest::collection::vec(
                proptest::collection::vec(
                    (0usize..6, 0usize..9, proptest::collection::vec(
                        proptest::sample::select(vec![b'a', b'Z', b' ', b'"', b',', b'+', b'#', b'=', b'\n', 0xC3, 0xA9, 0xFF, 0x00]),
                        0..8,
                    )),
                    1..3,
                ),
                0..4,
            )
        ) {
            const OIDS: [&str; 6] = ["2.5.4.3", "2.5.4.8", "1.2.840.113549.1.9.1", "2.5.4.5", "1.2.3.4", "0.9.2342.19200300.100.1.25"];
            const TAGS: [u8; 9] = [tag::UTF8_STRING, tag::PRINTABLE_STRING, tag::T61_STRING, tag::IA5_STRING, tag::BMP_STRING, tag::UNIVERSAL_STRING, tag::OCTET_STRING, 0x02, tag::NUMERIC_STRING];
            let n = name(
                rdns.iter()
                    .map(|rdn| rdn.iter().map(|(o, t, v)| attr(OIDS[*o], TAGS[*t], v)).collect())
                    .collect(),
            );
            proptest::prop_assert_eq!(render_windows(&n), render_rdns(&windows_rdns(&n)));
        }
    }
}

//! Reading a distinguished name as people write it: Windows (`, `, double quotes), RFC 4514 /
//! OpenSSL (backslash escapes, `ST=`, `emailAddress=`), OpenSSL's `/C=…/CN=…`. Tolerant, never
//! fails: what it cannot read becomes text the comparison reports as different.

/// One attribute read from pasted text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ParsedAttribute {
    /// The key as written.
    pub(crate) raw_key: String,
    /// The key Windows would print for it.
    pub(crate) key: String,
    /// The value as written (trimmed, quotes included).
    pub(crate) raw_value: String,
    /// The value text (quotes and escapes undone).
    pub(crate) value: String,
    /// Whether a backslash escape was used.
    pub(crate) backslash: bool,
}

/// A pasted DN, read tolerantly.
#[derive(Debug, Default)]
pub(crate) struct ParsedDn {
    /// RDNs as written, attributes in order.
    pub(crate) rdns: Vec<Vec<ParsedAttribute>>,
    /// Whether it was OpenSSL's `/C=…/CN=…` form.
    pub(crate) slash_form: bool,
    /// Whether separators or `=` are spaced differently from Windows.
    pub(crate) spacing_differs: bool,
}

/// Read a DN in any of the common spellings: Windows (`, `, quotes), RFC 4514 / OpenSSL
/// (backslash escapes, `ST=`), OpenSSL's `/C=…/CN=…`. Tolerant: never fails. A component
/// without `=` is taken as the continuation of the previous value (an unquoted comma).
pub(crate) fn parse_dn(s: &str) -> ParsedDn {
    let mut dn = ParsedDn::default();
    let slash = s.starts_with('/');
    dn.slash_form = slash;
    let body = if slash { &s[1..] } else { s };
    if !slash && (s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace)) {
        dn.spacing_differs = true;
    }
    let rdn_seps: &[char] = if slash { &['/'] } else { &[',', ';'] };

    // Split into (text, separator-after) at unquoted, unescaped separators.
    let mut pieces: Vec<(String, Option<char>)> = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && !in_quotes {
            cur.push(c);
            if let Some(n) = chars.next() {
                cur.push(n);
            }
            continue;
        }
        if c == '"' {
            if in_quotes && chars.peek() == Some(&'"') {
                cur.push('"');
                cur.push('"');
                chars.next();
                continue;
            }
            in_quotes = !in_quotes;
            cur.push(c);
            continue;
        }
        if !in_quotes && (rdn_seps.contains(&c) || c == '+') {
            pieces.push((std::mem::take(&mut cur), Some(c)));
            continue;
        }
        cur.push(c);
    }
    pieces.push((cur, None));

    // Glue pieces without '=' to the previous one (an unquoted separator inside a value).
    let mut glued: Vec<(String, Option<char>, Option<char>)> = Vec::new(); // (text, sep before, sep after)
    let mut before: Option<char> = None;
    for (text, after) in pieces {
        if !text.contains('=') && !glued.is_empty() {
            if let Some(last) = glued.last_mut() {
                if let Some(sep) = last.2 {
                    last.0.push(sep);
                }
                last.0.push_str(&text);
                last.2 = after;
            }
        } else {
            glued.push((text, before, after));
        }
        before = after;
    }

    let mut rdn: Vec<ParsedAttribute> = Vec::new();
    for (idx, (text, sep_before, sep_after)) in glued.iter().enumerate() {
        // Spacing: Windows writes ", " and " + " exactly.
        if !slash {
            let lead = text.len() - text.trim_start().len();
            let trail = text.len() - text.trim_end().len();
            let expected_lead = match sep_before {
                Some('+') => 1,
                Some(_) => 1,
                None => 0,
            };
            let expected_trail = usize::from(*sep_after == Some('+'));
            if idx > 0 && (lead != expected_lead || !text.starts_with(' ') && lead > 0) {
                dn.spacing_differs = true;
            }
            if sep_after.is_some() && trail != expected_trail {
                dn.spacing_differs = true;
            }
            if matches!(sep_before, Some(';')) {
                dn.spacing_differs = true;
            }
        }
        let attr = parse_attribute(text.trim(), &mut dn.spacing_differs);
        rdn.push(attr);
        if *sep_after != Some('+') {
            dn.rdns.push(std::mem::take(&mut rdn));
        }
    }
    if !rdn.is_empty() {
        dn.rdns.push(rdn);
    }
    dn
}

fn parse_attribute(text: &str, spacing_differs: &mut bool) -> ParsedAttribute {
    let (raw_key, rest) = match text.find('=') {
        Some(p) => (&text[..p], &text[p + 1..]),
        None => ("", text),
    };
    if raw_key != raw_key.trim_end() || rest != rest.trim_start() {
        *spacing_differs = true;
    }
    let raw_key = raw_key.trim();
    let raw_value = rest.trim();
    let (value, backslash) =
        if raw_value.starts_with('"') && raw_value.ends_with('"') && raw_value.len() >= 2 {
            (
                raw_value[1..raw_value.len() - 1].replace("\"\"", "\""),
                false,
            )
        } else {
            unescape_backslashes(raw_value)
        };
    ParsedAttribute {
        key: windows_key_for(raw_key),
        raw_key: raw_key.to_owned(),
        raw_value: raw_value.to_owned(),
        value,
        backslash,
    }
}

/// Undo RFC 4514 / OpenSSL backslash escapes: `\` + special character, `\` + two hex digits
/// (a UTF-8 byte). A backslash before anything else is kept, as Windows prints backslashes
/// literally (`CN=DOMAIN\user`).
fn unescape_backslashes(v: &str) -> (String, bool) {
    const SPECIALS: &[u8] = b",+\"\\<>;=# /";
    let bytes = v.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut used = false;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            if let Some(&n) = bytes.get(i + 1) {
                if SPECIALS.contains(&n) {
                    out.push(n);
                    used = true;
                    i += 2;
                    continue;
                }
                if let (Some(h), Some(l)) =
                    (hex_digit(n), bytes.get(i + 2).and_then(|&b| hex_digit(b)))
                {
                    out.push(h << 4 | l);
                    used = true;
                    i += 3;
                    continue;
                }
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    (String::from_utf8_lossy(&out).into_owned(), used)
}

fn hex_digit(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// The Windows key for a key as users write it: Windows keys as they are, OpenSSL short and
/// long names, LDAP names and bare dotted OIDs mapped to what Windows prints.
fn windows_key_for(raw: &str) -> String {
    const WINDOWS: &[&str] = &[
        "CN",
        "L",
        "O",
        "OU",
        "E",
        "C",
        "S",
        "STREET",
        "T",
        "G",
        "I",
        "SN",
        "DC",
        "Description",
        "PostalCode",
        "POBox",
        "Phone",
        "X21Address",
        "dnQualifier",
        "SERIALNUMBER",
        "TPMManufacturer",
        "TPMModel",
        "TPMVersion",
    ];
    if WINDOWS.contains(&raw) {
        return raw.to_owned();
    }
    // OpenSSL (crypto/objects/objects.txt) short and long names, LDAP (RFC 4519) names.
    const ALIASES: &[(&str, &str)] = &[
        ("ST", "S"),
        ("stateOrProvinceName", "S"),
        ("emailAddress", "E"),
        ("email", "E"),
        ("commonName", "CN"),
        ("localityName", "L"),
        ("organizationName", "O"),
        ("organizationalUnitName", "OU"),
        ("countryName", "C"),
        ("street", "STREET"),
        ("streetAddress", "STREET"),
        ("title", "T"),
        ("GN", "G"),
        ("givenName", "G"),
        ("initials", "I"),
        ("surname", "SN"),
        ("domainComponent", "DC"),
        ("postalCode", "PostalCode"),
        ("postOfficeBox", "POBox"),
        ("telephoneNumber", "Phone"),
        ("serialNumber", "SERIALNUMBER"),
        ("description", "Description"),
        ("businessCategory", "OID.2.5.4.15"),
        ("jurisdictionL", "OID.1.3.6.1.4.1.311.60.2.1.1"),
        ("jurisdictionLocalityName", "OID.1.3.6.1.4.1.311.60.2.1.1"),
        ("jurisdictionST", "OID.1.3.6.1.4.1.311.60.2.1.2"),
        (
            "jurisdictionStateOrProvinceName",
            "OID.1.3.6.1.4.1.311.60.2.1.2",
        ),
        ("jurisdictionC", "OID.1.3.6.1.4.1.311.60.2.1.3"),
        ("jurisdictionCountryName", "OID.1.3.6.1.4.1.311.60.2.1.3"),
        ("organizationIdentifier", "OID.2.5.4.97"),
        ("UID", "OID.0.9.2342.19200300.100.1.1"),
        ("userId", "OID.0.9.2342.19200300.100.1.1"),
        ("unstructuredName", "OID.1.2.840.113549.1.9.2"),
    ];
    for (alias, win) in ALIASES {
        if alias.eq_ignore_ascii_case(raw) {
            return (*win).to_owned();
        }
    }
    for w in WINDOWS {
        if w.eq_ignore_ascii_case(raw) {
            return (*w).to_owned();
        }
    }
    let dotted = raw
        .strip_prefix("OID.")
        .or_else(|| raw.strip_prefix("oid."))
        .unwrap_or(raw);
    if !dotted.is_empty() && dotted.chars().all(|c| c.is_ascii_digit() || c == '.') {
        if let Some(k) = super::windows::windows_key(dotted) {
            return k.to_owned();
        }
        return format!("OID.{dotted}");
    }
    raw.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_dn_reads_openssl_escapes_and_keys() {
        let d = parse_dn("C=US, ST=Arizona, O=GoDaddy.com\\, Inc., CN=\\C3\\BC");
        let got: Vec<(String, String)> = d
            .rdns
            .iter()
            .flatten()
            .map(|a| (a.key.clone(), a.value.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("C".to_owned(), "US".to_owned()),
                ("S".to_owned(), "Arizona".to_owned()),
                ("O".to_owned(), "GoDaddy.com, Inc.".to_owned()),
                ("CN".to_owned(), "ü".to_owned()),
            ]
        );
    }

    #[test]
    fn parse_dn_glues_an_unquoted_comma_back_into_the_value() {
        let d = parse_dn("O=GoDaddy.com, Inc., C=US");
        assert_eq!(d.rdns.len(), 2);
        assert_eq!(d.rdns[0][0].value, "GoDaddy.com, Inc.");
    }

    #[test]
    fn windows_key_for_maps_aliases_and_oids() {
        assert_eq!(windows_key_for("ST"), "S");
        assert_eq!(windows_key_for("emailAddress"), "E");
        assert_eq!(windows_key_for("2.5.4.15"), "OID.2.5.4.15");
        assert_eq!(windows_key_for("2.5.4.3"), "CN");
        assert_eq!(windows_key_for("cn"), "CN");
        assert_eq!(windows_key_for("S"), "S");
    }
}

//! Reading a subject distinguished name the way users write or copy it, and encoding it.
//!
//! Three spellings are accepted:
//!
//! - **Windows** (what Exchange, `X509Certificate2.Subject` and `certutil` print, and what
//!   `New-ExchangeCertificate -SubjectName` takes): `CN=mail.contoso.com, O="Contoso, Ltd.",
//!   L=Seattle, S=WA, C=US`. Most specific first, so the RDNs are encoded in **reverse** order
//!   (as .NET's `X500DistinguishedName` does with its default `Reversed` flag). Values may be
//!   quoted with `"…"` (an embedded `"` is doubled); `,` or `;` separate RDNs, `+` joins the
//!   values of a multi-valued RDN; a backslash is an ordinary character (CertStrToName has no
//!   backslash escapes). RFC 4514 strings (`CN=a,O=b,C=US`) are read the same way.
//! - **OpenSSL one-line** (what `openssl x509 -subject` prints since 1.1.0): `C = US, O =
//!   Contoso, CN = mail.contoso.com`. Recognised by the space before the first `=`; written in
//!   encoded order; `\` escapes the next character or two hex digits.
//! - **OpenSSL slash** (`openssl req -subj`): `/C=US/O=Contoso/CN=mail.contoso.com`, encoded
//!   order, `+` for multi-valued RDNs, `\` escapes, whitespace kept, empty values dropped.
//!
//! Keys: Windows' (`S`, `E`, `T`, `G`, `I`, `SN`, `SERIALNUMBER` …), OpenSSL's (`ST`,
//! `emailAddress`, `GN` …), `OID.1.2.3` and bare `1.2.3`. A value written `#hex` (Windows and
//! one-line forms) is taken as one whole DER element, as CertStrToName takes an encoded blob.
//!
//! String types follow RFC 5280 §4.1.2.4 and X.520: countryName and serialNumber are
//! PrintableString, emailAddress and domainComponent IA5String, everything else
//! PrintableString when every character allows it and UTF8String otherwise. Values of a
//! multi-valued RDN are sorted into DER order (X.690 §11.6). Written by hand because neither
//! rcgen nor x509-cert reads the Windows spelling (`S=`, `E=`, `""` quoting, reversed order).

use crate::csr_error::{CsrError, SubjectProblem};
use crate::der_reader::Reader;
use crate::oid;
use der::asn1::ObjectIdentifier;
use der::{Encode, Tag};

/// Parse a subject in any accepted spelling and encode it as a DER `Name`.
pub fn parse_subject(text: &str) -> Result<Vec<u8>, CsrError> {
    let bad = |problem| CsrError::BadSubject {
        subject: text.to_owned(),
        problem,
    };
    let mut t = text.trim_matches(is_edge_space);
    for prefix in ["subject=", "subject:"] {
        if t.len() >= prefix.len() && t[..prefix.len()].eq_ignore_ascii_case(prefix) {
            t = t[prefix.len()..].trim_matches(is_edge_space);
        }
    }
    let rdns = if t.is_empty() {
        Vec::new()
    } else if let Some(rest) = t.strip_prefix('/') {
        parse_slash(rest).map_err(bad)?
    } else {
        let openssl = t
            .find('=')
            .is_some_and(|i| t[..i].ends_with(char::is_whitespace));
        let mut rdns = parse_comma(t, openssl).map_err(bad)?;
        if !openssl {
            rdns.reverse();
        }
        rdns
    };
    let mut encoded_rdns = Vec::with_capacity(rdns.len());
    for rdn in rdns {
        let mut atvs = Vec::with_capacity(rdn.len());
        for (key, value) in rdn {
            atvs.push(encode_ava(&key, value).map_err(bad)?);
        }
        atvs.sort();
        encoded_rdns.push(tlv(Tag::Set, &atvs.concat()).map_err(CsrError::Encoding)?);
    }
    tlv(Tag::Sequence, &encoded_rdns.concat()).map_err(CsrError::Encoding)
}

/// Encode a name holding one commonName, typed as [`parse_subject`] would type it.
pub fn common_name(cn: &str) -> Result<Vec<u8>, CsrError> {
    let bad = |problem| CsrError::BadSubject {
        subject: format!("CN={cn}"),
        problem,
    };
    let atv = encode_ava("CN", Value::Text(cn.as_bytes().to_vec())).map_err(bad)?;
    let rdn = tlv(Tag::Set, &atv).map_err(CsrError::Encoding)?;
    tlv(Tag::Sequence, &rdn).map_err(CsrError::Encoding)
}

/// The white space Windows trims from (and quotes at) the edges of a value: space, TAB, LF,
/// VT, FF, CR — not other Unicode spaces, which are part of the value (design.md §4.2 rule 7).
fn is_edge_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r')
}

/// A value as written: text (already unquoted and unescaped) or `#hex`.
#[derive(Debug, PartialEq, Eq)]
enum Value {
    Text(Vec<u8>),
    Hex(String),
}

type Rdns = Vec<Vec<(String, Value)>>;

fn parse_comma(t: &str, openssl: bool) -> Result<Rdns, SubjectProblem> {
    let c: Vec<char> = t.chars().collect();
    let mut i = 0;
    let mut rdns = Vec::new();
    let mut rdn = Vec::new();
    loop {
        let mut key = String::new();
        while i < c.len() && c[i] != '=' {
            if matches!(c[i], ',' | ';' | '+') {
                return Err(if key.trim().is_empty() {
                    SubjectProblem::Empty
                } else {
                    SubjectProblem::MissingEquals(key.trim().to_owned())
                });
            }
            key.push(c[i]);
            i += 1;
        }
        let key = key.trim().to_owned();
        if i >= c.len() {
            return Err(if key.is_empty() {
                SubjectProblem::Empty
            } else {
                SubjectProblem::MissingEquals(key)
            });
        }
        if key.is_empty() {
            return Err(SubjectProblem::Empty);
        }
        i += 1; // '='
        while i < c.len() && matches!(c[i], ' ' | '\t') {
            i += 1;
        }
        let mut bytes = Vec::new();
        let value = if c.get(i) == Some(&'"') {
            i += 1;
            loop {
                match c.get(i) {
                    None => return Err(SubjectProblem::UnterminatedQuote),
                    Some('"') if c.get(i + 1) == Some(&'"') => {
                        bytes.push(b'"');
                        i += 2;
                    }
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some('\\') if openssl => i = unescape(&c, i, &mut bytes)?,
                    Some(&ch) => {
                        push_char(&mut bytes, ch);
                        i += 1;
                    }
                }
            }
            while i < c.len() && is_edge_space(c[i]) {
                i += 1;
            }
            if i < c.len() && !matches!(c[i], ',' | ';' | '+') {
                return Err(SubjectProblem::TextAfterQuote(key));
            }
            Value::Text(bytes)
        } else {
            let mut trailing_ws_start = 0;
            while i < c.len() && !matches!(c[i], ',' | ';' | '+') {
                if c[i] == '\\' && openssl {
                    i = unescape(&c, i, &mut bytes)?;
                    trailing_ws_start = bytes.len();
                } else {
                    push_char(&mut bytes, c[i]);
                    if !is_edge_space(c[i]) {
                        trailing_ws_start = bytes.len();
                    }
                    i += 1;
                }
            }
            bytes.truncate(trailing_ws_start);
            match bytes.strip_prefix(b"#") {
                Some(hex) => Value::Hex(String::from_utf8_lossy(hex).into_owned()),
                None => Value::Text(bytes),
            }
        };
        rdn.push((key, value));
        match c.get(i) {
            None => {
                rdns.push(rdn);
                return Ok(rdns);
            }
            Some('+') => {}
            Some(_) => rdns.push(std::mem::take(&mut rdn)),
        }
        i += 1;
    }
}

fn parse_slash(t: &str) -> Result<Rdns, SubjectProblem> {
    let c: Vec<char> = t.chars().collect();
    let mut i = 0;
    let mut rdns = Vec::new();
    let mut rdn: Vec<(String, Value)> = Vec::new();
    while i <= c.len() {
        let mut key = String::new();
        while i < c.len() && c[i] != '=' {
            if matches!(c[i], '/' | '+') {
                break;
            }
            key.push(c[i]);
            i += 1;
        }
        let key = key.trim().to_owned();
        if c.get(i) != Some(&'=') {
            return Err(if key.is_empty() {
                SubjectProblem::Empty
            } else {
                SubjectProblem::MissingEquals(key)
            });
        }
        i += 1;
        let mut bytes = Vec::new();
        while i < c.len() && !matches!(c[i], '/' | '+') {
            if c[i] == '\\' {
                i = unescape(&c, i, &mut bytes)?;
            } else {
                push_char(&mut bytes, c[i]);
                i += 1;
            }
        }
        // OpenSSL drops attributes with empty values in -subj.
        if !bytes.is_empty() {
            rdn.push((key, Value::Text(bytes)));
        }
        if c.get(i) != Some(&'+') && !rdn.is_empty() {
            rdns.push(std::mem::take(&mut rdn));
        }
        if i >= c.len() {
            break;
        }
        i += 1;
    }
    Ok(rdns)
}

/// Read a backslash escape at `c[i]`: `\XX` (two hex digits) is a byte, `\x` is `x`.
fn unescape(c: &[char], i: usize, out: &mut Vec<u8>) -> Result<usize, SubjectProblem> {
    let next = *c.get(i + 1).ok_or(SubjectProblem::DanglingEscape)?;
    if let (Some(h), Some(l)) = (next.to_digit(16), c.get(i + 2).and_then(|d| d.to_digit(16))) {
        out.push((h * 16 + l) as u8);
        return Ok(i + 3);
    }
    push_char(out, next);
    Ok(i + 2)
}

fn push_char(out: &mut Vec<u8>, ch: char) {
    let mut buf = [0u8; 4];
    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
}

/// How an attribute's value must be typed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// DirectoryString: PrintableString if possible, else UTF8String; with an upper bound.
    Directory(usize),
    /// PrintableString only, with an exact length (country codes).
    Country,
    /// PrintableString only.
    Printable,
    /// IA5String only.
    Ia5,
}

/// Attribute keys: Windows CertStrToName's names (Microsoft docs, "CertStrToNameW"), plus the
/// names OpenSSL prints, plus the EV names. Upper bounds from RFC 5280 Appendix A.1.
fn lookup(key: &str) -> Option<(&'static str, Kind)> {
    use Kind::*;
    let upper = key.to_ascii_uppercase();
    Some(match upper.as_str() {
        "CN" | "COMMONNAME" => (oid::AT_COMMON_NAME, Directory(64)),
        "O" | "ORGANIZATIONNAME" => ("2.5.4.10", Directory(64)),
        "OU" | "ORGANIZATIONALUNITNAME" => ("2.5.4.11", Directory(64)),
        "L" | "LOCALITYNAME" => ("2.5.4.7", Directory(128)),
        "S" | "ST" | "STATEORPROVINCENAME" => ("2.5.4.8", Directory(128)),
        "C" | "COUNTRYNAME" => ("2.5.4.6", Country),
        "E" | "EMAIL" | "EMAILADDRESS" => (oid::AT_EMAIL_ADDRESS, Ia5),
        "STREET" | "STREETADDRESS" => ("2.5.4.9", Directory(128)),
        "T" | "TITLE" => ("2.5.4.12", Directory(64)),
        "G" | "GN" | "GIVENNAME" => ("2.5.4.42", Directory(32768)),
        "I" | "INITIALS" => ("2.5.4.43", Directory(32768)),
        "SN" | "SURNAME" => ("2.5.4.4", Directory(32768)),
        "DC" | "DOMAINCOMPONENT" => ("0.9.2342.19200300.100.1.25", Ia5),
        "UID" | "USERID" => ("0.9.2342.19200300.100.1.1", Directory(256)),
        "SERIALNUMBER" => (oid::AT_SERIAL_NUMBER, Printable),
        "DESCRIPTION" => ("2.5.4.13", Directory(1024)),
        "POSTALCODE" => ("2.5.4.17", Directory(40)),
        "POBOX" | "POSTOFFICEBOX" => ("2.5.4.18", Directory(40)),
        "PHONE" | "TELEPHONENUMBER" => ("2.5.4.20", Printable),
        "DNQUALIFIER" => ("2.5.4.46", Printable),
        // x121Address is a NumericString in X.520; digits are PrintableString-safe too, and
        // Windows prints both the same way.
        "X21ADDRESS" => ("2.5.4.24", Printable),
        "TPMMANUFACTURER" => ("2.23.133.2.1", Directory(usize::MAX)),
        "TPMMODEL" => ("2.23.133.2.2", Directory(usize::MAX)),
        "TPMVERSION" => ("2.23.133.2.3", Directory(usize::MAX)),
        "BUSINESSCATEGORY" => ("2.5.4.15", Directory(128)),
        "ORGANIZATIONIDENTIFIER" => ("2.5.4.97", Directory(64)),
        "JURISDICTIONC" | "JURISDICTIONCOUNTRYNAME" => ("1.3.6.1.4.1.311.60.2.1.3", Country),
        "JURISDICTIONST" | "JURISDICTIONSTATEORPROVINCENAME" => {
            ("1.3.6.1.4.1.311.60.2.1.2", Directory(128))
        }
        "JURISDICTIONL" | "JURISDICTIONLOCALITYNAME" => {
            ("1.3.6.1.4.1.311.60.2.1.1", Directory(128))
        }
        _ => return None,
    })
}

fn kind_of_oid(dotted: &str) -> Kind {
    match dotted {
        "2.5.4.6" | "1.3.6.1.4.1.311.60.2.1.3" => Kind::Country,
        oid::AT_EMAIL_ADDRESS | "0.9.2342.19200300.100.1.25" => Kind::Ia5,
        oid::AT_SERIAL_NUMBER | "2.5.4.46" | "2.5.4.20" => Kind::Printable,
        _ => Kind::Directory(usize::MAX),
    }
}

/// Characters of PrintableString (X.680 §41.4).
fn is_printable(s: &str) -> bool {
    s.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                ' ' | '\'' | '(' | ')' | '+' | ',' | '-' | '.' | '/' | ':' | '=' | '?'
            )
    })
}

fn encode_ava(key: &str, value: Value) -> Result<Vec<u8>, SubjectProblem> {
    let dotted = key
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("OID."))
        .map(|_| &key[4..])
        .or_else(|| key.starts_with(|c: char| c.is_ascii_digit()).then_some(key));
    let (oid_text, kind) = match dotted {
        Some(d) => (d, kind_of_oid(d)),
        None => lookup(key).ok_or_else(|| SubjectProblem::UnknownAttribute(key.to_owned()))?,
    };
    let oid = ObjectIdentifier::new(oid_text)
        .map_err(|_| SubjectProblem::UnknownAttribute(key.to_owned()))?;
    let value_tlv = match value {
        Value::Hex(h) => {
            let raw = hex::decode(&h).map_err(|_| SubjectProblem::BadHex(key.to_owned()))?;
            let mut r = Reader::new(&raw);
            match r.read() {
                Ok(_) if r.is_empty() => raw,
                _ => return Err(SubjectProblem::BadHex(key.to_owned())),
            }
        }
        Value::Text(bytes) => {
            let text = String::from_utf8(bytes).map_err(|e| SubjectProblem::BadValue {
                attribute: key.to_owned(),
                value: String::from_utf8_lossy(e.as_bytes()).into_owned(),
                why: "the escaped bytes are not UTF-8",
            })?;
            let bad = |why| SubjectProblem::BadValue {
                attribute: key.to_owned(),
                value: text.clone(),
                why,
            };
            let tag = match kind {
                Kind::Country => {
                    if text.chars().count() != 2 || !text.chars().all(|c| c.is_ascii_alphabetic()) {
                        return Err(bad("a country must be a two-letter ISO 3166 code such as US or DE (RFC 5280 Appendix A.1)"));
                    }
                    Tag::PrintableString
                }
                Kind::Printable => {
                    if !is_printable(&text) {
                        return Err(bad("only letters, digits, spaces and ' ( ) + , - . / : = ? are allowed here (PrintableString)"));
                    }
                    Tag::PrintableString
                }
                Kind::Ia5 => {
                    if !text.is_ascii() {
                        return Err(bad("only ASCII is allowed here (IA5String)"));
                    }
                    Tag::Ia5String
                }
                Kind::Directory(max) => {
                    if text.chars().count() > max {
                        return Err(bad("longer than RFC 5280 allows for this attribute (64 characters for CN, O and OU; 128 for L and S); certificate authorities refuse it"));
                    }
                    if is_printable(&text) {
                        Tag::PrintableString
                    } else {
                        Tag::Utf8String
                    }
                }
            };
            tlv(tag, text.as_bytes()).map_err(|_| bad("too long to encode"))?
        }
    };
    let oid_der = oid
        .to_der()
        .map_err(|_| SubjectProblem::UnknownAttribute(key.to_owned()))?;
    tlv(Tag::Sequence, &[oid_der, value_tlv].concat())
        .map_err(|_| SubjectProblem::UnknownAttribute(key.to_owned()))
}

/// One DER element with `tag` around `content`.
pub(crate) fn tlv(tag: Tag, content: &[u8]) -> Result<Vec<u8>, der::Error> {
    der::asn1::AnyRef::new(tag, content)?.to_der()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dn::render_windows;
    use crate::model::name::{tag, DistinguishedName};

    fn windows(text: &str) -> String {
        let der = parse_subject(text).unwrap();
        render_windows(&DistinguishedName::from_der(&der).unwrap())
    }

    #[test]
    fn windows_form_is_encoded_reversed_with_quotes_and_s_e_keys() {
        let s = "CN=mail.contoso.com, O=\"Contoso, Ltd.\", L=Seattle, S=WA, C=US";
        let der = parse_subject(s).unwrap();
        let name = DistinguishedName::from_der(&der).unwrap();
        assert_eq!(name.rdns[0][0].oid, "2.5.4.6");
        assert_eq!(name.rdns[4][0].oid, "2.5.4.3");
        assert_eq!(render_windows(&name), s);
    }

    #[test]
    fn openssl_forms_are_encoded_in_written_order() {
        let want = "CN=mail.contoso.com, O=\"Contoso, Ltd.\", S=WA, C=US";
        assert_eq!(
            windows("/C=US/ST=WA/O=Contoso, Ltd./CN=mail.contoso.com"),
            want
        );
        assert_eq!(
            windows("subject=C = US, ST = WA, O = \"Contoso, Ltd.\", CN = mail.contoso.com"),
            want
        );
        assert_eq!(
            windows("C = US, ST = WA, O = Contoso\\, Ltd., CN = mail.contoso.com"),
            want
        );
    }

    #[test]
    fn string_types_follow_rfc5280() {
        let der = parse_subject("CN=*.contoso.com, E=admin@contoso.com, DC=contoso, C=us").unwrap();
        let name = DistinguishedName::from_der(&der).unwrap();
        let tags: Vec<(String, u8)> = name
            .attributes()
            .map(|a| (a.oid.to_string(), a.tag))
            .collect();
        assert_eq!(
            tags,
            vec![
                ("2.5.4.6".into(), tag::PRINTABLE_STRING),
                ("0.9.2342.19200300.100.1.25".into(), tag::IA5_STRING),
                ("1.2.840.113549.1.9.1".into(), tag::IA5_STRING),
                ("2.5.4.3".into(), tag::UTF8_STRING),
            ]
        );
    }

    #[test]
    fn oid_keys_hex_values_and_multivalued_rdns() {
        assert_eq!(
            windows("OID.2.5.4.15=Private Organization, 2.5.4.97=#0C03616263"),
            "OID.2.5.4.15=Private Organization, OID.2.5.4.97=abc"
        );
        // Multi-valued values are sorted into DER order (OU's OID sorts before... by encoding).
        let two = windows("CN=a + OU=b, C=US");
        assert!(
            two == "CN=a + OU=b, C=US" || two == "OU=b + CN=a, C=US",
            "{two}"
        );
    }

    #[test]
    fn doubled_quotes_and_literal_backslash_in_windows_form() {
        assert_eq!(
            windows("CN=\"say \"\"hi\"\"\", O=a\\b"),
            "CN=\"say \"\"hi\"\"\", O=a\\b"
        );
    }

    #[test]
    fn bad_subjects_are_refused_with_the_reason() {
        for (s, want) in [
            ("CN", "has no '='"),
            ("XX=1", "unknown attribute"),
            ("CN=\"open", "closing"),
            ("C=USA", "two-letter"),
            ("CN=a,,O=b", "empty"),
            ("CN=#zz", "'#' value"),
            ("E=é@x", "ASCII"),
            ("CN=\"a\" b", "after the closing quote"),
            ("/CN=a\\", "lone backslash"),
        ] {
            let e = parse_subject(s).unwrap_err().to_string();
            assert!(e.contains(want), "{s}: {e}");
        }
        let long = format!("CN={}", "a".repeat(65));
        assert!(parse_subject(&long).is_err());
    }

    #[test]
    fn empty_subject_is_an_empty_name() {
        assert_eq!(parse_subject("").unwrap(), vec![0x30, 0x00]);
    }
}

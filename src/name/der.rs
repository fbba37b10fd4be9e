//! Distinguished names, kept as their exact DER plus the attributes in encoded order.
//!
//! Written by hand rather than taken from x509-parser's `X509Name`: Windows-style rendering
//! (see `windows.rs`) needs each value's exact tag and bytes, in encoded order, including
//! non-string values and unsorted multi-valued RDNs that strict parsers reject or normalise.

use crate::der_reader::{Reader, Tlv, TAG_SEQUENCE, TAG_SET};

/// ASN.1 universal tags of the string types X.520 names use.
pub mod tag {
    /// UTF8String.
    pub const UTF8_STRING: u8 = 0x0C;
    /// NumericString.
    pub const NUMERIC_STRING: u8 = 0x12;
    /// PrintableString.
    pub const PRINTABLE_STRING: u8 = 0x13;
    /// T61String (TeletexString).
    pub const T61_STRING: u8 = 0x14;
    /// IA5String.
    pub const IA5_STRING: u8 = 0x16;
    /// VideotexString.
    pub const VIDEOTEX_STRING: u8 = 0x15;
    /// GraphicString.
    pub const GRAPHIC_STRING: u8 = 0x19;
    /// VisibleString.
    pub const VISIBLE_STRING: u8 = 0x1A;
    /// GeneralString.
    pub const GENERAL_STRING: u8 = 0x1B;
    /// UniversalString (UCS-4).
    pub const UNIVERSAL_STRING: u8 = 0x1C;
    /// BMPString (UTF-16BE).
    pub const BMP_STRING: u8 = 0x1E;
    /// OCTET STRING.
    pub const OCTET_STRING: u8 = 0x04;
}

/// One attribute of a relative distinguished name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// The attribute type, dotted decimal (borrowed from a table for the common types).
    pub oid: std::borrow::Cow<'static, str>,
    /// The value's tag byte as encoded (e.g. 0x0C for UTF8String).
    pub tag: u8,
    /// The value's content octets.
    pub value: Vec<u8>,
    /// The value's whole TLV (tag, length and content), for `#hex` rendering.
    pub value_tlv: Vec<u8>,
}

impl Attribute {
    /// The value as text, if its tag is one of the string types; `None` for other types.
    ///
    /// T61String is read as UTF-8 when valid and as Latin-1 otherwise, as Windows does.
    pub fn text(&self) -> Option<String> {
        self.text_cow().map(std::borrow::Cow::into_owned)
    }

    /// [`Attribute::text`], borrowing the value where it is already that text (UTF-8, or
    /// ASCII in the single-byte string types): names are rendered for every certificate a
    /// scan reads.
    pub fn text_cow(&self) -> Option<std::borrow::Cow<'_, str>> {
        use std::borrow::Cow;
        let v = &self.value;
        let latin1 = || Cow::Owned(v.iter().map(|&b| char::from(b)).collect());
        Some(match self.tag {
            // `from_utf8` first: the lossy decoder walks chunk by chunk even when it is valid.
            tag::UTF8_STRING => match std::str::from_utf8(v) {
                Ok(s) => Cow::Borrowed(s),
                Err(_) => String::from_utf8_lossy(v),
            },
            tag::PRINTABLE_STRING
            | tag::IA5_STRING
            | tag::NUMERIC_STRING
            | tag::VISIBLE_STRING
            | tag::VIDEOTEX_STRING
            | tag::GRAPHIC_STRING
            | tag::GENERAL_STRING => match std::str::from_utf8(v) {
                // ASCII reads the same as bytes-as-chars.
                Ok(s) if v.is_ascii() => Cow::Borrowed(s),
                _ => latin1(),
            },
            tag::T61_STRING => match std::str::from_utf8(v) {
                Ok(s) => Cow::Borrowed(s),
                Err(_) => latin1(),
            },
            tag::BMP_STRING => {
                let units: Vec<u16> = v
                    .chunks(2)
                    .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                    .collect();
                Cow::Owned(String::from_utf16_lossy(&units))
            }
            tag::UNIVERSAL_STRING => Cow::Owned(
                v.chunks(4)
                    .map(|c| {
                        let mut b = [0u8; 4];
                        b[..c.len()].copy_from_slice(c);
                        char::from_u32(u32::from_be_bytes(b)).unwrap_or(char::REPLACEMENT_CHARACTER)
                    })
                    .collect(),
            ),
            _ => return None,
        })
    }
}

/// A distinguished name: its exact DER and its RDNs in encoded order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DistinguishedName {
    /// The exact DER of the Name (a SEQUENCE OF RDN).
    pub der: Vec<u8>,
    /// RDNs in encoded (DER) order; each holds its attributes in encoded order.
    pub rdns: Vec<Vec<Attribute>>,
}

/// Why a Name could not be read.
#[derive(Debug, thiserror::Error)]
#[error("malformed distinguished name: {0}")]
pub struct NameError(pub &'static str);

impl DistinguishedName {
    /// Parse the DER of a Name. Total: any byte string gives a value or an error, never a panic.
    pub fn from_der(der: &[u8]) -> Result<Self, NameError> {
        let mut outer = Reader::new(der);
        let seq = outer.read().map_err(NameError)?;
        if seq.tag != TAG_SEQUENCE || !outer.is_empty() {
            return Err(NameError("not a single SEQUENCE"));
        }
        // Sized before filling: nearly every RDN holds one attribute, and growing the vectors
        // one push at a time was a visible share of parsing names.
        let mut count = Reader::new(seq.content);
        let mut n = 0;
        while count.read().is_ok() {
            n += 1;
        }
        let mut rdns = Vec::with_capacity(n);
        let mut r = Reader::new(seq.content);
        while !r.is_empty() {
            let set = r.read().map_err(NameError)?;
            if set.tag != TAG_SET {
                return Err(NameError("RDN is not a SET"));
            }
            let mut attrs = Vec::with_capacity(1);
            let mut s = Reader::new(set.content);
            while !s.is_empty() {
                let atv = s.read().map_err(NameError)?;
                if atv.tag != TAG_SEQUENCE {
                    return Err(NameError("attribute is not a SEQUENCE"));
                }
                attrs.push(parse_attribute(atv)?);
            }
            if attrs.is_empty() {
                return Err(NameError("empty RDN"));
            }
            rdns.push(attrs);
        }
        Ok(DistinguishedName {
            der: der.to_vec(),
            rdns,
        })
    }

    /// Every attribute, in encoded order.
    pub fn attributes(&self) -> impl Iterator<Item = &Attribute> {
        self.rdns.iter().flatten()
    }

    /// The most specific commonName: the last one in encoded order (the first Windows prints).
    pub fn common_name(&self) -> Option<String> {
        self.attributes()
            .filter(|a| a.oid == crate::oid::AT_COMMON_NAME)
            .last()
            .and_then(Attribute::text)
    }

    /// Whether the name has no RDNs.
    pub fn is_empty(&self) -> bool {
        self.rdns.is_empty()
    }
}

fn parse_attribute(atv: Tlv<'_>) -> Result<Attribute, NameError> {
    let mut r = Reader::new(atv.content);
    let oid = r.read().map_err(NameError)?;
    if oid.tag != crate::der_reader::TAG_OID {
        return Err(NameError("attribute type is not an OID"));
    }
    let oid_text = match common_attribute_type(oid.content) {
        Some(dotted) => std::borrow::Cow::Borrowed(dotted),
        None => std::borrow::Cow::Owned(
            crate::der_reader::oid_to_string(oid.content).ok_or(NameError("bad OID"))?,
        ),
    };
    // The value is whatever follows the type; its tag can be anything (Windows prints unknown
    // types as '#' + hex), including a high tag number, which the shared reader refuses.
    let rest = &atv.content[oid.raw.len()..];
    let (tag, value, raw) = split_value(rest)?;
    Ok(Attribute {
        oid: oid_text,
        tag,
        value: value.to_vec(),
        value_tlv: raw.to_vec(),
    })
}

/// The dotted text of the attribute types nearly every name uses, by their content octets, so
/// parsing a name does not format (and allocate) the same few OIDs for every certificate.
fn common_attribute_type(content: &[u8]) -> Option<&'static str> {
    const X520: [&str; 18] = [
        "2.5.4.0", "2.5.4.1", "2.5.4.2", "2.5.4.3", "2.5.4.4", "2.5.4.5", "2.5.4.6", "2.5.4.7",
        "2.5.4.8", "2.5.4.9", "2.5.4.10", "2.5.4.11", "2.5.4.12", "2.5.4.13", "2.5.4.14",
        "2.5.4.15", "2.5.4.16", "2.5.4.17",
    ];
    match content {
        [0x55, 0x04, n] => X520.get(usize::from(*n)).copied(),
        [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x01] => Some("1.2.840.113549.1.9.1"),
        [0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x19] => {
            Some("0.9.2342.19200300.100.1.25")
        }
        _ => None,
    }
}

/// Split one TLV that must fill `bytes` exactly: (first identifier octet, content, whole TLV).
/// Accepts multi-octet (high-number) tags; definite lengths only.
fn split_value(bytes: &[u8]) -> Result<(u8, &[u8], &[u8]), NameError> {
    let first = *bytes.first().ok_or(NameError("attribute has no value"))?;
    let mut i = 1;
    if first & 0x1F == 0x1F {
        // High tag number: base-128 octets follow, the last one with bit 8 clear.
        loop {
            let b = *bytes.get(i).ok_or(NameError("truncated tag"))?;
            i += 1;
            if b & 0x80 == 0 {
                break;
            }
            if i > 6 {
                return Err(NameError("tag number too large"));
            }
        }
    }
    let l = *bytes.get(i).ok_or(NameError("missing length"))?;
    i += 1;
    let len = if l < 0x80 {
        usize::from(l)
    } else {
        let n = usize::from(l & 0x7F);
        if n == 0 || n > 4 {
            return Err(NameError("unsupported length form"));
        }
        let lb = bytes.get(i..i + n).ok_or(NameError("truncated length"))?;
        i += n;
        lb.iter()
            .fold(0usize, |acc, &x| (acc << 8) | usize::from(x))
    };
    let end = i.checked_add(len).ok_or(NameError("length overflow"))?;
    if end != bytes.len() {
        return Err(if end > bytes.len() {
            NameError("truncated value")
        } else {
            NameError("trailing data in attribute")
        });
    }
    Ok((first, &bytes[i..end], bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_from_der_keeps_encoded_order_and_tags() {
        // SEQUENCE { SET { SEQ { OID 2.5.4.6, PrintableString "US" } }, SET { SEQ { OID 2.5.4.3, UTF8String "a" } } }
        let der = hex::decode("3019310b3009060355040613025553310a300806035504030c0161").unwrap();
        let name = DistinguishedName::from_der(&der).unwrap();
        assert_eq!(name.rdns.len(), 2);
        assert_eq!(name.rdns[0][0].oid, "2.5.4.6");
        assert_eq!(name.rdns[0][0].tag, tag::PRINTABLE_STRING);
        assert_eq!(name.common_name().as_deref(), Some("a"));
        assert_eq!(name.rdns[1][0].value_tlv, vec![0x0c, 0x01, b'a']);
    }

    #[test]
    fn common_attribute_types_read_as_the_general_oid_decoder_reads_them() {
        let mut encodings: Vec<Vec<u8>> = (0u8..=20).map(|n| vec![0x55, 0x04, n]).collect();
        encodings.push(hex::decode("2a864886f70d010901").unwrap());
        encodings.push(hex::decode("0992268993f22c640119").unwrap());
        let mut known = 0;
        for content in &encodings {
            if let Some(dotted) = common_attribute_type(content) {
                known += 1;
                assert_eq!(
                    Some(dotted),
                    crate::der_reader::oid_to_string(content).as_deref()
                );
            }
        }
        assert_eq!(known, 20);
    }

    #[test]
    fn name_from_der_rejects_garbage_without_panic() {
        for bytes in [
            &b""[..],
            b"\x30",
            b"\x30\x81",
            b"\x30\x02\x31\x00",
            b"\x31\x00",
        ] {
            assert!(DistinguishedName::from_der(bytes).is_err(), "{bytes:?}");
        }
    }

    #[test]
    fn t61_falls_back_to_latin1() {
        let a = Attribute {
            oid: "2.5.4.3".into(),
            tag: tag::T61_STRING,
            value: vec![0x4d, 0xf8],
            value_tlv: vec![],
        };
        assert_eq!(a.text().unwrap(), "Mø");
        let b = Attribute {
            oid: "2.5.4.3".into(),
            tag: tag::T61_STRING,
            value: "Mø".into(),
            value_tlv: vec![],
        };
        assert_eq!(b.text().unwrap(), "Mø");
    }

    #[test]
    fn name_from_der_accepts_high_tag_number_values() {
        // SEQ { SET { SEQ { OID 2.5.4.3, [UNIVERSAL 31] 01 } } }: rendered as the whole TLV.
        let der = hex::decode("300d310b300906035504031f1f0141").unwrap();
        let name = DistinguishedName::from_der(&der).unwrap();
        assert_eq!(name.rdns[0][0].value_tlv, vec![0x1f, 0x1f, 0x01, 0x41]);
        assert_eq!(name.rdns[0][0].value, vec![0x41]);
        assert!(
            DistinguishedName::from_der(&hex::decode("300b3109300706035504031f9f").unwrap())
                .is_err()
        );
    }

    proptest::proptest! {
        #[test]
        fn name_from_der_is_total(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            if let Ok(n) = DistinguishedName::from_der(&bytes) {
                let _ = crate::name::render_windows(&n);
            }
        }
    }
}

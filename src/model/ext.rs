//! The common certificate extensions in their usual encodings, read without x509-parser's
//! general machinery, into the very values x509-parser gives.
//!
//! Every leaf a scan reads carries the same few extensions (subjectAltName, extendedKeyUsage,
//! keyUsage, basicConstraints, the key identifiers), and x509-parser's extension parser — a
//! generic BER object tree for basicConstraints, a hash map from OID to parser, an `Any` per
//! element — was the largest share of parsing a certificate. [`common`] recognises those
//! extensions when they are encoded the way every CA writes them (minimal DER lengths, the
//! usual shapes, names that are UTF-8) and builds the [`X509Extension`] x509-parser would
//! build, with [`X509Extension::new`]; anything else, down to a non-minimal length, gives
//! `None` and the caller parses the extension with x509-parser as before. So the result is
//! x509-parser's in every case: the tests compare the two on generated extensions, and
//! `model::tbs`'s tests on every certificate at hand and thousands of damaged ones.

use x509_parser::der_parser::asn1_rs::Oid;
use x509_parser::extensions::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, GeneralName, KeyIdentifier,
    KeyUsage, ParsedExtension, SubjectAlternativeName, X509Extension,
};

use crate::der_reader::strict_tlv as tlv;

/// The last arc of the extension OIDs handled here (`2.5.29.x`, content `55 1D x`).
const SUBJECT_KEY_ID: u8 = 14;
const KEY_USAGE: u8 = 15;
const SUBJECT_ALT_NAME: u8 = 17;
const BASIC_CONSTRAINTS: u8 = 19;
const AUTHORITY_KEY_ID: u8 = 35;
const EXT_KEY_USAGE: u8 = 37;

/// The Extension at the start of `der` and what follows it, when it is one of the common
/// extensions in a usual encoding; `None` otherwise (parse it with x509-parser).
pub(super) fn common(der: &[u8]) -> Option<(&[u8], X509Extension<'_>)> {
    let (tag, content, after) = tlv(der)?;
    if tag != 0x30 {
        return None;
    }
    let (tag, oid, rest) = tlv(content)?;
    let (0x06, [0x55, 0x1D, kind]) = (tag, oid) else {
        return None;
    };
    let (critical, rest) = match tlv(rest)? {
        (0x01, [b], rest) => (*b != 0, rest),
        (0x01, _, _) => return None,
        _ => (false, rest),
    };
    let (0x04, value, []) = tlv(rest)? else {
        return None;
    };
    let parsed = match *kind {
        SUBJECT_KEY_ID => match tlv(value)? {
            (0x04, id, []) => ParsedExtension::SubjectKeyIdentifier(KeyIdentifier(id)),
            _ => return None,
        },
        AUTHORITY_KEY_ID => match tlv(value)? {
            (0x30, inner, []) => match tlv(inner)? {
                (0x80, id, []) => ParsedExtension::AuthorityKeyIdentifier(AuthorityKeyIdentifier {
                    key_identifier: Some(KeyIdentifier(id)),
                    authority_cert_issuer: None,
                    authority_cert_serial: None,
                }),
                _ => return None,
            },
            _ => return None,
        },
        KEY_USAGE => ParsedExtension::KeyUsage(key_usage(value)?),
        BASIC_CONSTRAINTS => ParsedExtension::BasicConstraints(match value {
            [0x30, 0x00] => BasicConstraints {
                ca: false,
                path_len_constraint: None,
            },
            [0x30, 0x03, 0x01, 0x01, 0xFF] => BasicConstraints {
                ca: true,
                path_len_constraint: None,
            },
            [0x30, 0x06, 0x01, 0x01, 0xFF, 0x02, 0x01, n @ 0..=0x7F] => BasicConstraints {
                ca: true,
                path_len_constraint: Some(u32::from(*n)),
            },
            _ => return None,
        }),
        EXT_KEY_USAGE => ParsedExtension::ExtendedKeyUsage(ext_key_usage(value)?),
        SUBJECT_ALT_NAME => ParsedExtension::SubjectAlternativeName(alt_names(value)?),
        _ => return None,
    };
    let oid = Oid::new(std::borrow::Cow::Borrowed(oid));
    Some((after, X509Extension::new(oid, critical, value, parsed)))
}

/// KeyUsage: a BIT STRING of one or two bytes, unused bits zero. The flags as x509-parser
/// computes them (bit 0 is digitalSignature).
fn key_usage(value: &[u8]) -> Option<KeyUsage> {
    let (0x03, [unused, data @ ..], []) = tlv(value)? else {
        return None;
    };
    let last = *data.last()?;
    if data.len() > 2 || *unused > 7 || last & ((1u8 << unused) - 1) != 0 {
        return None;
    }
    let flags = data
        .iter()
        .rev()
        .fold(0u16, |acc, b| (acc << 8) | u16::from(b.reverse_bits()));
    Some(KeyUsage { flags })
}

/// The purposes x509-parser has flags for, by OID content.
const PURPOSES: [&[u8]; 7] = [
    &[0x55, 0x1D, 0x25, 0x00],                         // anyExtendedKeyUsage
    &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01], // serverAuth
    &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02], // clientAuth
    &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x03], // codeSigning
    &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x04], // emailProtection
    &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x08], // timeStamping
    &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x09], // OCSPSigning
];

/// ExtendedKeyUsage made only of the purposes x509-parser has flags for (others go to its
/// `other` list, left to x509-parser).
fn ext_key_usage(value: &[u8]) -> Option<ExtendedKeyUsage<'static>> {
    let (0x30, mut list, []) = tlv(value)? else {
        return None;
    };
    let mut flags = [false; 7];
    while !list.is_empty() {
        let (0x06, oid, rest) = tlv(list)? else {
            return None;
        };
        flags[PURPOSES.iter().position(|p| *p == oid)?] = true;
        list = rest;
    }
    let [any, server_auth, client_auth, code_signing, email_protection, time_stamping, ocsp_signing] =
        flags;
    Some(ExtendedKeyUsage {
        any,
        server_auth,
        client_auth,
        code_signing,
        email_protection,
        time_stamping,
        ocsp_signing,
        other: Vec::new(),
    })
}

/// SubjectAltName made of DNS names, e-mail addresses and URIs (UTF-8) and IP addresses.
fn alt_names(value: &[u8]) -> Option<SubjectAlternativeName<'_>> {
    let (0x30, mut list, []) = tlv(value)? else {
        return None;
    };
    let mut general_names = Vec::new();
    while !list.is_empty() {
        let (tag, content, rest) = tlv(list)?;
        let text = || std::str::from_utf8(content).ok();
        general_names.push(match tag {
            0x81 => GeneralName::RFC822Name(text()?),
            0x82 => GeneralName::DNSName(text()?),
            0x86 => GeneralName::URI(text()?),
            0x87 => GeneralName::IPAddress(content),
            _ => return None,
        });
        list = rest;
    }
    Some(SubjectAlternativeName { general_names })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use x509_parser::prelude::FromDer;

    /// DER of `tag` around `content`, with a minimal length or, for a short content, a
    /// deliberately long-form one (`81 nn`, which DER forbids below 128).
    fn wrap(tag: u8, content: &[u8], long_len: bool) -> Vec<u8> {
        match content.len() {
            n if long_len && n < 0x80 => [&[tag, 0x81, n as u8][..], content].concat(),
            _ => crate::der_reader::write_tlv(tag, content),
        }
    }

    /// Pieces extension contents are made of: the usual ones and near misses.
    fn piece() -> impl Strategy<Value = Vec<u8>> {
        let fixed: Vec<Vec<u8>> = vec![
            vec![
                0x82, 0x0B, b'm', b'a', b'i', b'l', b'.', b'c', b'o', b'.', b'u', b'k', b'.',
            ],
            vec![0x82, 0x03, b'*', b'.', b'x'],
            vec![0x82, 0x02, 0xC3, 0xA9],
            vec![0x82, 0x01, 0xFF],
            vec![0x81, 0x03, b'a', b'@', b'b'],
            vec![0x86, 0x04, b'h', b't', b't', b'p'],
            vec![0x87, 0x04, 10, 0, 0, 1],
            vec![0xA4, 0x02, 0x30, 0x00],
            vec![0x88, 0x03, 0x2B, 0x06, 0x01],
            vec![0x80, 0x03, 1, 2, 3],
            vec![0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01],
            vec![0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02],
            vec![0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x09],
            vec![0x06, 0x04, 0x55, 0x1D, 0x25, 0x00],
            vec![0x06, 0x03, 0x2B, 0x06, 0x01],
            vec![0x01, 0x01, 0xFF],
            vec![0x01, 0x01, 0x00],
            vec![0x01, 0x01, 0x01],
            vec![0x02, 0x01, 0x00],
            vec![0x02, 0x01, 0x05],
            vec![0x02, 0x01, 0x80],
            vec![0x02, 0x02, 0x00, 0x05],
            vec![0x03, 0x02, 0x05, 0xA0],
            vec![0x03, 0x02, 0x01, 0x86],
            vec![0x03, 0x02, 0x07, 0x80],
            vec![0x03, 0x03, 0x07, 0xFF, 0x80],
            vec![0x03, 0x03, 0x00, 0xFF, 0x01],
            vec![0x03, 0x01, 0x00],
            vec![0x03, 0x02, 0x08, 0x00],
            vec![0x04, 0x03, 9, 8, 7],
            vec![0x04, 0x00],
        ];
        prop_oneof![
            proptest::sample::select(fixed),
            proptest::collection::vec(any::<u8>(), 0..6),
        ]
    }

    /// An extension value: pieces, maybe wrapped in a SEQUENCE (or an OCTET STRING, or [0]),
    /// maybe with a long-form length.
    fn value() -> impl Strategy<Value = Vec<u8>> {
        (
            proptest::collection::vec(piece(), 0..5),
            0u8..5,
            any::<bool>(),
        )
            .prop_map(|(pieces, wrapper, long_len)| {
                let body = pieces.concat();
                match wrapper {
                    0 => wrap(0x30, &body, long_len),
                    1 => wrap(0x30, &wrap(0x80, &body, long_len), false),
                    2 => wrap(0x04, &body, long_len),
                    3 => body,
                    _ => wrap(0x30, &body, false),
                }
            })
    }

    /// A value shaped for extension `kind`: the elements its type has (with random contents
    /// that are sometimes not UTF-8, not minimal, not zero-padded …), or any of the above.
    fn typed_value(kind: u8) -> BoxedStrategy<Vec<u8>> {
        let bytes = || proptest::collection::vec(any::<u8>(), 0..6);
        let text = || {
            prop_oneof![
                "[a-z0-9.*-]{0,12}".prop_map(String::into_bytes),
                proptest::collection::vec(any::<u8>(), 0..6),
            ]
        };
        let element = match kind {
            SUBJECT_ALT_NAME => (
                proptest::sample::select(vec![0x81u8, 0x82, 0x86, 0x87, 0xA2, 0x80, 0x88, 0x02]),
                text(),
            )
                .prop_map(|(tag, content)| wrap(tag, &content, false))
                .boxed(),
            EXT_KEY_USAGE => prop_oneof![
                proptest::sample::select(PURPOSES.to_vec()).prop_map(|p| wrap(0x06, p, false)),
                bytes().prop_map(|b| wrap(0x06, &b, false)),
            ]
            .boxed(),
            _ => piece().boxed(),
        };
        let shaped = match kind {
            KEY_USAGE => (0u8..9, proptest::collection::vec(any::<u8>(), 0..4))
                .prop_map(|(unused, data)| {
                    let mut b = vec![unused % 8];
                    b.extend(data);
                    wrap(0x03, &b, false)
                })
                .boxed(),
            BASIC_CONSTRAINTS => (
                proptest::sample::select(vec![
                    vec![],
                    vec![0x01, 0x01, 0xFF],
                    vec![0x01, 0x01, 0x00],
                    vec![0x01, 0x01, 0x01],
                ]),
                proptest::option::of((0u8..3, any::<u8>())),
            )
                .prop_map(|(ca, len)| {
                    let mut b = ca;
                    match len {
                        Some((0, n)) => b.extend([0x02, 0x01, n]),
                        Some((1, n)) => b.extend([0x02, 0x02, 0x00, n]),
                        Some((_, n)) => b.extend([0x02, 0x01, n & 0x7F]),
                        None => {}
                    }
                    wrap(0x30, &b, false)
                })
                .boxed(),
            _ => Just(Vec::new()).boxed(),
        };
        prop_oneof![
            4 => shaped,
            4 => (proptest::collection::vec(element, 0..4), any::<bool>())
                .prop_map(|(els, long_len)| wrap(0x30, &els.concat(), long_len)),
            2 => (0u8..10, proptest::collection::vec(any::<u8>(), 0..4))
                .prop_map(|(unused, data)| {
                    let mut b = vec![unused];
                    b.extend(data);
                    wrap(0x03, &b, false)
                }),
            2 => bytes().prop_map(|b| wrap(0x04, &b, false)),
            1 => (bytes(), any::<bool>())
                .prop_map(|(b, constructed)| wrap(0x30, &wrap(if constructed { 0xA0 } else { 0x80 }, &b, false), false)),
            1 => value(),
        ]
        .boxed()
    }

    /// An extension: one of the handled OIDs (or another), a critical flag in several forms,
    /// the value, sometimes trailing bytes.
    fn extension() -> impl Strategy<Value = Vec<u8>> {
        proptest::sample::select(vec![14u8, 15, 17, 19, 35, 37, 31])
            .prop_flat_map(|kind| {
                (
                    Just(kind),
                    0u8..5,
                    typed_value(kind),
                    any::<bool>(),
                    proptest::collection::vec(any::<u8>(), 0..3),
                )
            })
            .prop_map(|(kind, critical, value, long_len, tail)| {
                let mut body = vec![0x06, 0x03, 0x55, 0x1D, kind];
                match critical {
                    0 => body.extend([0x01, 0x01, 0xFF]),
                    1 => body.extend([0x01, 0x01, 0x00]),
                    2 => body.extend([0x01, 0x02, 0x00, 0xFF]),
                    _ => {}
                }
                body.extend(wrap(0x04, &value, long_len && critical == 3));
                if critical == 4 {
                    body.extend(&tail);
                }
                let mut der = wrap(0x30, &body, false);
                der.extend(tail);
                der
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(30_000))]
        /// Whenever the fast reading takes an extension, x509-parser reads the same extension
        /// (equal in every field, the parsed value included) and the same remainder.
        #[test]
        fn common_extensions_read_as_x509_parser_reads_them(der in extension()) {
            if let Some((rest, ours)) = common(&der) {
                let theirs = X509Extension::from_der(&der);
                prop_assert!(theirs.is_ok(), "x509-parser refuses {der:02X?}");
                let (their_rest, theirs) = theirs.unwrap();
                prop_assert_eq!(rest, their_rest);
                prop_assert_eq!(&ours, &theirs, "{:02X?}", der);
            }
        }
    }

    /// The usual encodings do take the fast reading (so the property above is not vacuous).
    #[test]
    fn usual_extensions_take_the_fast_reading() {
        let usual: [&[u8]; 7] = [
            // subjectAltName: two DNS names
            &[
                0x30, 0x17, 0x06, 0x03, 0x55, 0x1D, 0x11, 0x04, 0x10, 0x30, 0x0E, 0x82, 0x05, b'a',
                b'.', b'c', b'o', b'm', 0x82, 0x05, b'b', b'.', b'c', b'o', b'm',
            ],
            // extendedKeyUsage: serverAuth, clientAuth
            &[
                0x30, 0x1D, 0x06, 0x03, 0x55, 0x1D, 0x25, 0x04, 0x16, 0x30, 0x14, 0x06, 0x08, 0x2B,
                0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01, 0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05,
                0x07, 0x03, 0x02,
            ],
            // keyUsage (critical): digitalSignature, keyEncipherment
            &[
                0x30, 0x0E, 0x06, 0x03, 0x55, 0x1D, 0x0F, 0x01, 0x01, 0xFF, 0x04, 0x04, 0x03, 0x02,
                0x05, 0xA0,
            ],
            // basicConstraints (critical): CA, pathLen 0
            &[
                0x30, 0x12, 0x06, 0x03, 0x55, 0x1D, 0x13, 0x01, 0x01, 0xFF, 0x04, 0x08, 0x30, 0x06,
                0x01, 0x01, 0xFF, 0x02, 0x01, 0x00,
            ],
            // basicConstraints: not a CA
            &[
                0x30, 0x09, 0x06, 0x03, 0x55, 0x1D, 0x13, 0x04, 0x02, 0x30, 0x00,
            ],
            // subjectKeyIdentifier
            &[
                0x30, 0x0C, 0x06, 0x03, 0x55, 0x1D, 0x0E, 0x04, 0x05, 0x04, 0x03, 1, 2, 3,
            ],
            // authorityKeyIdentifier: keyIdentifier only
            &[
                0x30, 0x0E, 0x06, 0x03, 0x55, 0x1D, 0x23, 0x04, 0x07, 0x30, 0x05, 0x80, 0x03, 1, 2,
                3,
            ],
        ];
        for der in usual {
            let (rest, ours) = common(der).unwrap_or_else(|| panic!("not taken: {der:02X?}"));
            let (their_rest, theirs) = X509Extension::from_der(der).unwrap();
            assert_eq!((rest, &ours), (their_rest, &theirs));
            assert!(
                !matches!(ours.parsed_extension(), ParsedExtension::ParseError { .. }),
                "{der:02X?}"
            );
        }
    }
}

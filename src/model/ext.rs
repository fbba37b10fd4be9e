//! The certificate extensions certprep keeps, each read by x509-parser's own parser for its
//! type (`FromDer` of `SubjectAlternativeName`, `ExtendedKeyUsage` …), and no other extension
//! parsed: the outline walk ([`super::tbs`]) hands them over unparsed.
//!
//! What comes out is what x509-parser's deep parse of every extension gave: a value its parser
//! refuses is skipped (x509-parser's `ParsedExtension::ParseError`), bytes after a value are
//! ignored as it ignores them, a later duplicate overrides an earlier one (lists append), and a
//! critical extension x509-parser has no parser for is listed in `unknown_critical` — asked of
//! x509-parser itself, by parsing that one extension fully, so the list of the extensions it
//! knows is never copied here.

use super::cert::{BasicConstraints, Eku, KeyUsage};
use super::tbs::Extension;
use x509_parser::extensions::{
    AuthorityInfoAccess, AuthorityKeyIdentifier, ExtendedKeyUsage, GeneralName, KeyIdentifier,
    ParsedExtension, SubjectAlternativeName, X509Extension,
};
use x509_parser::oid_registry as reg;
use x509_parser::prelude::FromDer;

/// What a certificate's extensions say, in the fields [`super::CertBody`] keeps; see there.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Extensions {
    pub dns_names: Vec<String>,
    pub ip_addresses: Vec<String>,
    pub emails: Vec<String>,
    pub eku: Option<Vec<Eku>>,
    pub key_usage: Option<KeyUsage>,
    pub basic_constraints: Option<BasicConstraints>,
    pub subject_key_id: Option<Vec<u8>>,
    pub authority_key_id: Option<Vec<u8>>,
    pub ca_issuers: Vec<String>,
    pub unknown_critical: Vec<String>,
}

/// The fields of `extensions`, in encoded order.
pub(super) fn read(extensions: &[Extension<'_>]) -> Extensions {
    let mut out = Extensions::default();
    for e in extensions {
        let (oid, value) = (&e.ext.oid, e.ext.value);
        if *oid == reg::OID_X509_EXT_SUBJECT_ALT_NAME {
            if let Ok((_, san)) = SubjectAlternativeName::from_der(value) {
                out.alt_names(&san);
            }
        } else if *oid == reg::OID_X509_EXT_EXTENDED_KEY_USAGE {
            if let Ok((_, eku)) = ExtendedKeyUsage::from_der(value) {
                out.eku = Some(eku_list(&eku));
            }
        } else if *oid == reg::OID_X509_EXT_KEY_USAGE {
            if let Ok((_, ku)) = x509_parser::extensions::KeyUsage::from_der(value) {
                out.key_usage = Some(key_usage(&ku));
            }
        } else if *oid == reg::OID_X509_EXT_BASIC_CONSTRAINTS {
            if let Ok((_, bc)) = x509_parser::extensions::BasicConstraints::from_der(value) {
                out.basic_constraints = Some(BasicConstraints {
                    ca: bc.ca,
                    path_len: bc.path_len_constraint,
                });
            }
        } else if *oid == reg::OID_X509_EXT_SUBJECT_KEY_IDENTIFIER {
            if let Ok((_, ski)) = KeyIdentifier::from_der(value) {
                out.subject_key_id = Some(ski.0.to_vec());
            }
        } else if *oid == reg::OID_X509_EXT_AUTHORITY_KEY_IDENTIFIER {
            if let Ok((_, aki)) = AuthorityKeyIdentifier::from_der(value) {
                out.authority_key_id = aki.key_identifier.map(|k| k.0.to_vec());
            }
        } else if *oid == reg::OID_PKIX_AUTHORITY_INFO_ACCESS {
            if let Ok((_, aia)) = AuthorityInfoAccess::from_der(value) {
                out.ca_issuers(&aia);
            }
        } else if e.ext.critical && unknown_to_x509_parser(e.der) {
            out.unknown_critical.push(super::cert::oid_text(&e.ext.oid));
        }
    }
    out
}

/// Whether x509-parser has no parser for the extension whose DER is `der` (RFC 5280 §4.2: a
/// critical one makes a chain through the certificate invalid).
fn unknown_to_x509_parser(der: &[u8]) -> bool {
    matches!(
        X509Extension::from_der(der),
        Ok((_, ext)) if matches!(ext.parsed_extension(), ParsedExtension::UnsupportedExtension { .. })
    )
}

impl Extensions {
    fn alt_names(&mut self, san: &SubjectAlternativeName<'_>) {
        for gn in &san.general_names {
            match gn {
                GeneralName::DNSName(d) => self.dns_names.push((*d).to_owned()),
                GeneralName::RFC822Name(e) => self.emails.push((*e).to_owned()),
                GeneralName::IPAddress(ip) => self.ip_addresses.push(ip_text(ip)),
                _ => {}
            }
        }
    }

    fn ca_issuers(&mut self, aia: &AuthorityInfoAccess<'_>) {
        for ad in &aia.accessdescs {
            if ad.access_method == reg::OID_PKIX_ACCESS_DESCRIPTOR_CA_ISSUERS {
                if let GeneralName::URI(u) = &ad.access_location {
                    self.ca_issuers.push((*u).to_owned());
                }
            }
        }
    }
}

/// The usages in the order certprep lists them: anyExtendedKeyUsage, the ones x509-parser has
/// flags for, then the others in encoded order.
fn eku_list(eku: &ExtendedKeyUsage<'_>) -> Vec<Eku> {
    let mut list = Vec::new();
    if eku.any {
        list.push(Eku::Any);
    }
    for (flag, e) in [
        (eku.server_auth, Eku::ServerAuth),
        (eku.client_auth, Eku::ClientAuth),
        (eku.code_signing, Eku::CodeSigning),
        (eku.email_protection, Eku::EmailProtection),
        (eku.time_stamping, Eku::TimeStamping),
        (eku.ocsp_signing, Eku::OcspSigning),
    ] {
        if flag {
            list.push(e);
        }
    }
    list.extend(
        eku.other
            .iter()
            .map(|o| Eku::from_oid(&super::cert::oid_text(o))),
    );
    list
}

fn key_usage(ku: &x509_parser::extensions::KeyUsage) -> KeyUsage {
    let flags = [
        (ku.digital_signature(), "digitalSignature"),
        (ku.non_repudiation(), "nonRepudiation"),
        (ku.key_encipherment(), "keyEncipherment"),
        (ku.data_encipherment(), "dataEncipherment"),
        (ku.key_agreement(), "keyAgreement"),
        (ku.key_cert_sign(), "keyCertSign"),
        (ku.crl_sign(), "cRLSign"),
        (ku.encipher_only(), "encipherOnly"),
        (ku.decipher_only(), "decipherOnly"),
    ];
    KeyUsage {
        names: flags
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, n)| *n)
            .collect(),
    }
}

/// An iPAddress entry as text: IPv4 or IPv6 as usual, any other length in hex.
fn ip_text(bytes: &[u8]) -> String {
    if let Ok(v4) = <[u8; 4]>::try_from(bytes) {
        std::net::Ipv4Addr::from(v4).to_string()
    } else if let Ok(v6) = <[u8; 16]>::try_from(bytes) {
        std::net::Ipv6Addr::from(v6).to_string()
    } else {
        hex::encode_upper(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What the extensions gave when x509-parser parsed every one of them (the deep parse
    /// `Cert::from_der` used before): the reference [`read`] is held to.
    fn from_deep_parse(extensions: &[X509Extension<'_>]) -> Extensions {
        let mut out = Extensions::default();
        for ext in extensions {
            match ext.parsed_extension() {
                ParsedExtension::SubjectAlternativeName(san) => out.alt_names(san),
                ParsedExtension::ExtendedKeyUsage(eku) => out.eku = Some(eku_list(eku)),
                ParsedExtension::KeyUsage(ku) => out.key_usage = Some(key_usage(ku)),
                ParsedExtension::BasicConstraints(bc) => {
                    out.basic_constraints = Some(BasicConstraints {
                        ca: bc.ca,
                        path_len: bc.path_len_constraint,
                    })
                }
                ParsedExtension::SubjectKeyIdentifier(ski) => {
                    out.subject_key_id = Some(ski.0.to_vec())
                }
                ParsedExtension::AuthorityKeyIdentifier(aki) => {
                    out.authority_key_id = aki.key_identifier.as_ref().map(|k| k.0.to_vec())
                }
                ParsedExtension::AuthorityInfoAccess(aia) => out.ca_issuers(aia),
                ParsedExtension::UnsupportedExtension { .. } if ext.critical => out
                    .unknown_critical
                    .push(super::super::cert::oid_text(&ext.oid)),
                _ => {}
            }
        }
        out
    }

    /// `read` on the extensions as the outline walk hands them over, against the deep parse
    /// of the same bytes.
    fn agree(ders: &[&[u8]]) -> Result<(), String> {
        use x509_parser::extensions::X509ExtensionParser;
        use x509_parser::nom::Parser;
        let mut shallow = Vec::new();
        let mut deep = Vec::new();
        for der in ders {
            let parsed = X509ExtensionParser::new()
                .with_deep_parse_extensions(false)
                .parse(der);
            let Ok((_, ext)) = parsed else { continue };
            shallow.push(Extension { ext, der });
            let (_, full) = X509Extension::from_der(der)
                .map_err(|e| format!("only the deep parse refuses {der:02X?}: {e}"))?;
            deep.push(full);
        }
        let (ours, theirs) = (read(&shallow), from_deep_parse(&deep));
        if ours == theirs {
            Ok(())
        } else {
            Err(format!("{ours:?} != {theirs:?} for {ders:02X?}"))
        }
    }

    #[test]
    fn read_agrees_with_the_deep_parse_on_every_certificate_at_hand() {
        use x509_parser::certificate::X509Certificate;
        for der in crate::testing::certificates_at_hand() {
            let Ok((_, cert)) = X509Certificate::from_der(&der) else {
                continue;
            };
            // The extensions' DER, rebuilt from the fields x509-parser keeps: OID, critical,
            // value (certificates at hand encode them in DER, so the rebuild is exact).
            let ders: Vec<Vec<u8>> = cert.extensions().iter().map(encode).collect();
            let refs: Vec<&[u8]> = ders.iter().map(Vec::as_slice).collect();
            assert_eq!(agree(&refs), Ok(()));
        }
    }

    fn encode(ext: &X509Extension<'_>) -> Vec<u8> {
        use crate::der_reader::write_tlv;
        let mut body = write_tlv(0x06, ext.oid.as_bytes());
        if ext.critical {
            body.extend([0x01, 0x01, 0xFF]);
        }
        body.extend(write_tlv(0x04, ext.value));
        write_tlv(0x30, &body)
    }

    /// DER of `tag` around `content`, with a minimal length or, for a short content, a
    /// deliberately long-form one (`81 nn`, which DER forbids below 128).
    fn wrap(tag: u8, content: &[u8], long_len: bool) -> Vec<u8> {
        match content.len() {
            n if long_len && n < 0x80 => [&[tag, 0x81, n as u8][..], content].concat(),
            _ => crate::der_reader::write_tlv(tag, content),
        }
    }

    /// The purposes x509-parser has flags for, by OID content.
    const PURPOSES: [&[u8]; 7] = [
        &[0x55, 0x1D, 0x25, 0x00],
        &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01],
        &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02],
        &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x03],
        &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x04],
        &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x08],
        &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x09],
    ];

    /// Pieces extension contents are made of: the usual ones and near misses.
    fn piece() -> impl Strategy<Value = Vec<u8>> {
        let fixed: Vec<Vec<u8>> = vec![
            vec![0x82, 0x05, b'a', b'.', b'c', b'o', b'm'],
            vec![0x82, 0x02, 0xC3, 0xA9],
            vec![0x82, 0x01, 0xFF],
            vec![0x81, 0x03, b'a', b'@', b'b'],
            vec![0x86, 0x04, b'h', b't', b't', b'p'],
            vec![0x87, 0x04, 10, 0, 0, 1],
            vec![0x87, 0x03, 10, 0, 0],
            vec![0xA4, 0x02, 0x30, 0x00],
            vec![0x80, 0x03, 1, 2, 3],
            vec![0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02],
            vec![0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01],
            vec![0x06, 0x03, 0x2B, 0x06, 0x01],
            vec![0x01, 0x01, 0xFF],
            vec![0x01, 0x01, 0x00],
            vec![0x02, 0x01, 0x05],
            vec![0x02, 0x01, 0x80],
            vec![0x03, 0x02, 0x05, 0xA0],
            vec![0x03, 0x03, 0x07, 0xFF, 0x80],
            vec![0x04, 0x03, 9, 8, 7],
        ];
        prop_oneof![
            proptest::sample::select(fixed),
            proptest::collection::vec(any::<u8>(), 0..6),
            proptest::sample::select(PURPOSES.to_vec()).prop_map(|p| wrap(0x06, p, false)),
        ]
    }

    /// An extension value: pieces, maybe wrapped in a SEQUENCE (or an OCTET STRING, a BIT
    /// STRING, [0]), maybe with a long-form length.
    fn value() -> impl Strategy<Value = Vec<u8>> {
        (
            proptest::collection::vec(piece(), 0..5),
            0u8..6,
            any::<bool>(),
        )
            .prop_map(|(pieces, wrapper, long_len)| {
                let body = pieces.concat();
                match wrapper {
                    0 => wrap(0x30, &body, long_len),
                    1 => wrap(0x30, &wrap(0x80, &body, long_len), false),
                    2 => wrap(0x04, &body, long_len),
                    3 => body,
                    4 => wrap(0x03, &body, long_len),
                    _ => wrap(0x30, &wrap(0x30, &body, false), false),
                }
            })
    }

    /// An extension: one of the kept OIDs (2.5.29.x, AIA) or another one (certificatePolicies,
    /// an unknown one), critical or not, the value, sometimes trailing bytes inside it.
    fn extension() -> impl Strategy<Value = Vec<u8>> {
        let oids: Vec<Vec<u8>> = vec![
            vec![0x55, 0x1D, 14],
            vec![0x55, 0x1D, 15],
            vec![0x55, 0x1D, 17],
            vec![0x55, 0x1D, 19],
            vec![0x55, 0x1D, 35],
            vec![0x55, 0x1D, 37],
            vec![0x55, 0x1D, 32],
            vec![0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01],
            vec![0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x15, 0x07],
        ];
        (
            proptest::sample::select(oids),
            0u8..3,
            value(),
            proptest::collection::vec(any::<u8>(), 0..2),
        )
            .prop_map(|(oid, critical, value, tail)| {
                let mut body = wrap(0x06, &oid, false);
                match critical {
                    0 => body.extend([0x01, 0x01, 0xFF]),
                    1 => body.extend([0x01, 0x01, 0x00]),
                    _ => {}
                }
                body.extend(wrap(0x04, &[value, tail].concat(), false));
                wrap(0x30, &body, false)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        /// Generated extensions, alone or in twos (duplicates included), give the fields the
        /// deep parse gave.
        #[test]
        fn read_agrees_with_the_deep_parse_on_generated_extensions(
            exts in proptest::collection::vec(extension(), 1..3),
        ) {
            let refs: Vec<&[u8]> = exts.iter().map(Vec::as_slice).collect();
            prop_assert_eq!(agree(&refs), Ok(()));
        }
    }
}

//! Splitting a certificate into its fields for [`Cert::from_der`](super::Cert::from_der).
//!
//! Why a walk of its own, the one hand-written piece of certificate parsing: x509-parser's
//! `X509Certificate` and `TbsCertificate` parsers always parse subject and issuer into its
//! `X509Name` (every attribute decoded, vectors allocated), and no option of theirs skips it —
//! work on values certprep never reads, because it keeps names as their exact DER and parses them
//! itself (`DistinguishedName`); its cost on a scan is in docs/performance.md. x509-cert (the
//! other stack) decodes names too, and is stricter than x509-parser where x509-parser is the
//! reference. So only the certificate's outline is walked here, with [`crate::der_reader`], and
//! every field other than the names is parsed by x509-parser's own parser for that field
//! (algorithm identifiers, validity, public key, each extension's envelope, the signature; the
//! extension values by `super::ext`), with the same rules on what follows what as its
//! `TbsCertificate` parser: an optional `[0]` version, an optional `[1]`/`[2]` unique
//! identifier, `[3]` extensions last, and bytes after a structure's last field ignored as it
//! ignores them. Tags are checked as DER has them, class and form included, and `[3]` must hold
//! exactly its SEQUENCE: x509-parser compares only tag numbers there and ignores the length `[3]`
//! declares, which lets through damaged encodings Windows and OpenSSL refuse.
//!
//! The tests below hold it to x509-parser's verdict and fields on every certificate at hand
//! (embedded roots, fixtures, the x509-limbo suite) and on thousands of damaged ones.

use crate::der_reader::{Reader, Tlv, TAG_SEQUENCE};
use x509_parser::certificate::Validity;
use x509_parser::der_parser::asn1_rs::BitString;
use x509_parser::error::X509Error;
use x509_parser::extensions::{X509Extension, X509ExtensionParser};
use x509_parser::nom::Parser;
use x509_parser::prelude::FromDer;
use x509_parser::x509::{AlgorithmIdentifier, SubjectPublicKeyInfo};

const TAG_INTEGER: u8 = 0x02;
const TAG_VERSION: u8 = 0xA0;
const TAG_EXTENSIONS: u8 = 0xA3;

/// A certificate's fields, borrowed from its DER.
pub(super) struct Parts<'a> {
    /// The whole TBSCertificate element.
    pub tbs: &'a [u8],
    /// The version field's value (0 for v1, absent field included).
    pub version: u32,
    /// The serial number's content octets.
    pub serial: &'a [u8],
    /// The issuer Name element.
    pub issuer: &'a [u8],
    /// notBefore and notAfter.
    pub validity: Validity,
    /// The subject Name element.
    pub subject: &'a [u8],
    /// The subject public key.
    pub spki: SubjectPublicKeyInfo<'a>,
    /// The extensions, in encoded order.
    pub extensions: Vec<Extension<'a>>,
    /// The outer signatureAlgorithm.
    pub signature_algorithm: AlgorithmIdentifier<'a>,
    /// The signatureValue.
    pub signature_value: BitString<'a>,
}

/// One extension as x509-parser reads it without parsing its value
/// (`ParsedExtension::Unparsed`), and its DER.
pub(super) struct Extension<'a> {
    /// extnID, critical and extnValue.
    pub ext: X509Extension<'a>,
    /// The whole Extension element.
    pub der: &'a [u8],
}

fn nom(e: x509_parser::nom::Err<X509Error>) -> X509Error {
    match e {
        x509_parser::nom::Err::Error(e) | x509_parser::nom::Err::Failure(e) => e,
        x509_parser::nom::Err::Incomplete(_) => X509Error::InvalidCertificate,
    }
}

fn read<'a>(r: &mut Reader<'a>, err: X509Error) -> Result<Tlv<'a>, X509Error> {
    r.read().map_err(|_| err)
}

/// The fields of the certificate at the start of `der`, and the bytes after it.
pub(super) fn split(der: &[u8]) -> Result<(Parts<'_>, &[u8]), X509Error> {
    let mut outer = Reader::new(der);
    let cert = read(&mut outer, X509Error::InvalidCertificate)?;
    if cert.tag != TAG_SEQUENCE {
        return Err(X509Error::InvalidCertificate);
    }
    let mut c = Reader::new(cert.content);
    let tbs = read(&mut c, X509Error::InvalidTbsCertificate)?;
    if tbs.tag != TAG_SEQUENCE {
        return Err(X509Error::InvalidTbsCertificate);
    }
    let (rest, signature_algorithm) = AlgorithmIdentifier::from_der(c.rest()).map_err(nom)?;
    let (_, signature_value) =
        BitString::from_der(rest).map_err(|_| X509Error::InvalidSignatureValue)?;

    let mut t = Reader::new(tbs.content);
    let mut field = read(&mut t, X509Error::InvalidSerial)?;
    let version = if field.tag == TAG_VERSION {
        let (_, v) = u32::from_der(field.content).map_err(|_| X509Error::InvalidVersion)?;
        field = read(&mut t, X509Error::InvalidSerial)?;
        v
    } else {
        0
    };
    if field.tag != TAG_INTEGER {
        return Err(X509Error::InvalidSerial);
    }
    let serial = field.content;
    let (rest, _inner_algorithm) = AlgorithmIdentifier::from_der(t.rest()).map_err(nom)?;
    let mut t = Reader::new(rest);
    let issuer = read(&mut t, X509Error::InvalidX509Name)?;
    if issuer.tag != TAG_SEQUENCE {
        return Err(X509Error::InvalidX509Name);
    }
    let (rest, validity) = Validity::from_der(t.rest()).map_err(nom)?;
    let mut t = Reader::new(rest);
    let subject = read(&mut t, X509Error::InvalidX509Name)?;
    if subject.tag != TAG_SEQUENCE {
        return Err(X509Error::InvalidX509Name);
    }
    let (rest, spki) = SubjectPublicKeyInfo::from_der(t.rest()).map_err(nom)?;
    let mut t = Reader::new(rest);
    let mut extensions = Vec::new();
    // What may still follow, in order: issuerUniqueID [1], subjectUniqueID [2] (IMPLICIT BIT
    // STRING, not used), extensions [3].
    let mut next_allowed = 1;
    while !t.is_empty() {
        let f = read(&mut t, X509Error::InvalidExtensions)?;
        match f.tag {
            0x81 | 0xA1 if next_allowed <= 1 => next_allowed = 2,
            0x82 | 0xA2 if next_allowed <= 2 => next_allowed = 3,
            TAG_EXTENSIONS if next_allowed <= 3 => {
                // [3] EXPLICIT Extensions, last: exactly one SEQUENCE OF Extension.
                let mut e = Reader::new(f.content);
                let seq = read(&mut e, X509Error::InvalidExtensions)?;
                if seq.tag != TAG_SEQUENCE || !e.is_empty() || !t.is_empty() {
                    return Err(X509Error::InvalidExtensions);
                }
                // Each Extension by x509-parser's parser, its value left unparsed: `super::ext`
                // parses the ones certprep keeps.
                let mut parser = X509ExtensionParser::new().with_deep_parse_extensions(false);
                let mut i = seq.content;
                while !i.is_empty() {
                    let (rest, ext) = parser.parse(i).map_err(nom)?;
                    extensions.push(Extension {
                        ext,
                        der: &i[..i.len() - rest.len()],
                    });
                    i = rest;
                }
            }
            _ => return Err(X509Error::InvalidExtensions),
        }
    }
    Ok((
        Parts {
            tbs: tbs.raw,
            version,
            serial,
            issuer: issuer.raw,
            validity,
            subject: subject.raw,
            spki,
            extensions,
            signature_algorithm,
            signature_value,
        },
        outer.rest(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DistinguishedName;
    use proptest::prelude::*;
    use x509_parser::certificate::X509CertificateParser;

    fn names(subject: &[u8], issuer: &[u8]) -> Result<(), X509Error> {
        DistinguishedName::from_der(subject).map_err(|_| X509Error::InvalidX509Name)?;
        DistinguishedName::from_der(issuer).map_err(|_| X509Error::InvalidX509Name)?;
        Ok(())
    }

    /// How `split` and x509-parser's whole-certificate parser (which `Cert::from_der` used
    /// before; extensions left unparsed by both: `super::ext` has its own tests), each followed by certprep's name parser as in `Cert::from_der`, judge `der`:
    /// both reject it, or both accept it with the same fields — or only `split` rejects it and
    /// so does a strict DER decoder (`x509-cert`): x509-parser checks only the tag number of
    /// the SEQUENCEs and of `[3]`, and reads the extensions whatever length `[3]` declares, so
    /// it takes some damaged encodings that Windows and OpenSSL refuse; `split` refuses those
    /// too.
    fn agree(der: &[u8]) -> Result<(), String> {
        let ours = split(der).and_then(|(p, rest)| {
            names(p.subject, p.issuer)?;
            Ok((p, rest))
        });
        let theirs = X509CertificateParser::new()
            .with_deep_parse_extensions(false)
            .parse(der)
            .map_err(|e| e.to_string())
            .and_then(|(rest, x)| {
                names(x.subject().as_raw(), x.issuer().as_raw()).map_err(|e| e.to_string())?;
                Ok((rest, x))
            });
        match (ours, theirs) {
            (Err(_), Err(_)) => Ok(()),
            (Ok(_), Err(e)) => Err(format!("only x509-parser rejects it: {e}")),
            (Err(e), Ok(_)) => {
                use x509_cert::der::Decode;
                match x509_cert::Certificate::from_der(der) {
                    Err(_) => Ok(()),
                    Ok(_) => Err(format!("only split rejects it (DER is fine): {e}")),
                }
            }
            (Ok((p, rest)), Ok((their_rest, x))) => {
                let same = rest == their_rest
                    && p.tbs == x.tbs_certificate.as_ref()
                    && p.version == x.version().0
                    && p.serial == x.raw_serial()
                    && p.issuer == x.issuer().as_raw()
                    && p.subject == x.subject().as_raw()
                    && p.validity == *x.validity()
                    && p.spki == *x.public_key()
                    && p.extensions.iter().map(|e| &e.ext).eq(x.extensions())
                    && p.extensions.iter().all(|e| {
                        X509ExtensionParser::new()
                            .with_deep_parse_extensions(false)
                            .parse(e.der)
                            .is_ok_and(|(rest, again)| rest.is_empty() && again == e.ext)
                    })
                    && p.signature_algorithm == x.signature_algorithm
                    && p.signature_value == x.signature_value;
                if same {
                    Ok(())
                } else {
                    Err("both accept it with different fields".into())
                }
            }
        }
    }

    #[test]
    fn split_agrees_with_x509_parser_on_every_certificate_at_hand() {
        let ders = crate::testing::certificates_at_hand();
        assert!(ders.len() > 200, "{} certificates", ders.len());
        let disagreements: Vec<String> = ders
            .iter()
            .filter_map(|d| {
                agree(d).err().map(|e| {
                    format!(
                        "{e}: {}",
                        crate::thumbprint::Thumbprint::of(d, crate::thumbprint::HashAlg::Sha1)
                    )
                })
            })
            .collect();
        assert!(
            disagreements.is_empty(),
            "{} of {}: {disagreements:#?}",
            disagreements.len(),
            ders.len()
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Damaged certificates (bytes changed, removed or inserted anywhere, truncated) are
        /// accepted or rejected as x509-parser does, with the same fields when accepted.
        #[test]
        fn split_agrees_with_x509_parser_on_damaged_certificates(
            which in 0usize..1000,
            edits in proptest::collection::vec((any::<usize>(), 0u8..4, any::<u8>()), 1..4),
        ) {
            let ders = corpus_small();
            let mut der = ders[which % ders.len()].clone();
            crate::testing::damage(&mut der, &edits);
            prop_assert_eq!(agree(&der), Ok(()));
        }
    }

    /// A few certificates of different shapes for the damage test (RSA and ECDSA leaves, CAs).
    fn corpus_small() -> Vec<Vec<u8>> {
        let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        [
            "fixtures/deliverable/ca-bundle.crt",
            "fixtures/deliverable/mail.contoso.com.cer",
        ]
        .iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(here.join(f)).unwrap_or_default();
            crate::input::pem::scan(&text)
                .into_iter()
                .filter_map(|b| b.der)
                .collect::<Vec<_>>()
        })
        .chain(
            webpki_root_certs::TLS_SERVER_ROOT_CERTS
                .iter()
                .take(3)
                .map(|d| d.as_ref().to_vec()),
        )
        .collect()
    }
}

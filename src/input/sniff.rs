//! Cheap classification by content: what a DER structure is by its shape, and a short,
//! helpful description of bytes certprep does not read ("a PGP key", "a Windows executable?").
//!
//! Sniffing only looks; parsing is done by the model types and `key`/`pkcs7`/`zip`. A
//! description never quotes the input's text (a password file given by mistake must not end up
//! in an error message).

use super::ber::{self, small_uint, Tlv};
use crate::oid;

/// What a DER (or BER) structure is, judged by its outline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DerKind {
    /// X.509 Certificate: SEQ { SEQ tbs { [0]? INTEGER, SEQ { OID … } … }, SEQ, BIT STRING }.
    Cert,
    /// PKCS#10 CertificationRequest: SEQ { SEQ { INTEGER, Name, SPKI, [0] }, SEQ, BIT STRING }.
    Csr,
    /// CMS/PKCS#7 ContentInfo with signedData.
    Pkcs7,
    /// PKCS#12 PFX: SEQ { INTEGER 3, ContentInfo … }.
    Pkcs12,
    /// PKCS#8 PrivateKeyInfo: SEQ { INTEGER 0|1, SEQ { OID … }, OCTET STRING … }.
    Pkcs8,
    /// PKCS#8 EncryptedPrivateKeyInfo: SEQ { SEQ { OID … }, OCTET STRING }.
    EncryptedPkcs8,
    /// PKCS#1 RSAPrivateKey: SEQ { INTEGER 0|1, INTEGER n, INTEGER e, … } (nine or more).
    RsaPkcs1,
    /// SEC1 ECPrivateKey: SEQ { INTEGER 1, OCTET STRING, [0]?, [1]? }.
    Sec1,
    /// SubjectPublicKeyInfo: SEQ { SEQ { OID … }, BIT STRING } — a bare public key.
    PublicKey,
    /// X.509 CRL: like a certificate, but the TBS holds a time where a certificate has a name.
    Crl,
    /// PKCS#7/CMS ContentInfo of another content type (enveloped data, plain data …).
    OtherContentInfo,
    /// A well-formed SEQUENCE of none of the shapes above.
    Unknown,
}

impl DerKind {
    /// How the thing is named in messages ("a bare public key").
    pub fn describe(self) -> &'static str {
        match self {
            DerKind::Cert => "a certificate",
            DerKind::Csr => "a certificate request",
            DerKind::Pkcs7 => "a PKCS#7 bundle",
            DerKind::Pkcs12 => "a PKCS#12 file",
            DerKind::Pkcs8 | DerKind::RsaPkcs1 | DerKind::Sec1 => "a private key",
            DerKind::EncryptedPkcs8 => "an encrypted private key",
            DerKind::PublicKey => "a bare public key (SubjectPublicKeyInfo), not a certificate",
            DerKind::Crl => "a certificate revocation list (CRL)",
            DerKind::OtherContentInfo => "a PKCS#7/CMS message that is not a certificate bundle",
            DerKind::Unknown => {
                "a DER structure that is not a certificate, request, key, PKCS#7 or PKCS#12"
            }
        }
    }
}

const OID_TAG: u8 = 0x06;
const SEQ: u8 = 0x30;
const SET: u8 = 0x31;
const INTEGER: u8 = 0x02;
const OCTETS: u8 = 0x04;
const BITS: u8 = 0x03;

fn oid_is(t: Option<&Tlv<'_>>, dotted: &str) -> bool {
    t.is_some_and(|t| {
        t.tag == OID_TAG && crate::der_reader::oid_to_string(t.content).as_deref() == Some(dotted)
    })
}

fn is_alg_id(t: Option<&Tlv<'_>>) -> bool {
    t.is_some_and(|t| t.tag == SEQ && t.children().next().is_some_and(|o| o.tag == OID_TAG))
}

/// The kind of the first element of `der` (trailing bytes are the caller's business).
pub(crate) fn der_kind(der: &[u8]) -> Option<DerKind> {
    let (top, _) = ber::read(der)?;
    if top.tag != SEQ {
        return None;
    }
    if is_v3_cert(&top) {
        return Some(DerKind::Cert);
    }
    Some(shape(&top))
}

/// Fast path, nearly every input: a v2/v3 certificate (the "signed structure" case of
/// [`shape`], with an explicit version), told without collecting children.
fn is_v3_cert(top: &Tlv<'_>) -> bool {
    let mut it = top.children();
    let (Some(tbs), Some(alg), Some(bits)) = (it.next(), it.next(), it.next()) else {
        return false;
    };
    tbs.tag == SEQ
        && is_alg_id(Some(&alg))
        && bits.tag == BITS
        && tbs.children().next().is_some_and(|v| v.tag == 0xA0)
}

/// The kind of a SEQUENCE by the shape of its children.
fn shape(top: &Tlv<'_>) -> DerKind {
    let kids: Vec<Tlv<'_>> = top.children().take(10).collect();
    let k = |i: usize| kids.get(i);
    let tag = |i: usize| k(i).map(|t| t.tag);

    // ContentInfo: SEQ { OID, [0] EXPLICIT … }.
    if tag(0) == Some(OID_TAG) {
        if oid_is(k(0), oid::PKCS7_SIGNED_DATA) {
            return DerKind::Pkcs7;
        }
        if k(0)
            .and_then(|o| crate::der_reader::oid_to_string(o.content))
            .is_some_and(|s| s.starts_with("1.2.840.113549.1.7."))
        {
            return DerKind::OtherContentInfo;
        }
        return DerKind::Unknown;
    }
    if tag(0) == Some(INTEGER) {
        let v = k(0).and_then(small_uint);
        // PFX: version 3, then a ContentInfo (data or signedData).
        if v == Some(3) && tag(1) == Some(SEQ) {
            let ci = k(1).and_then(|c| c.children().next());
            if oid_is(ci.as_ref(), oid::PKCS7_DATA) || oid_is(ci.as_ref(), oid::PKCS7_SIGNED_DATA) {
                return DerKind::Pkcs12;
            }
        }
        if matches!(v, Some(0) | Some(1)) && is_alg_id(k(1)) && tag(2) == Some(OCTETS) {
            return DerKind::Pkcs8;
        }
        if v == Some(1) && tag(1) == Some(OCTETS) {
            return DerKind::Sec1;
        }
        if matches!(v, Some(0) | Some(1))
            && kids.len() >= 9
            && kids.iter().take(9).all(|t| t.tag == INTEGER)
        {
            return DerKind::RsaPkcs1;
        }
        return DerKind::Unknown;
    }
    if tag(0) == Some(SEQ) && kids.len() == 2 {
        if is_alg_id(k(0)) && tag(1) == Some(OCTETS) {
            return DerKind::EncryptedPkcs8;
        }
        if is_alg_id(k(0)) && tag(1) == Some(BITS) {
            return DerKind::PublicKey;
        }
    }
    // Signed structures: SEQ { SEQ tbs, AlgorithmIdentifier, BIT STRING }.
    if tag(0) == Some(SEQ) && is_alg_id(k(1)) && tag(2) == Some(BITS) {
        let tbs: Vec<Tlv<'_>> = k(0)
            .map(|t| t.children().take(8).collect())
            .unwrap_or_default();
        let t = |i: usize| tbs.get(i).map(|t| t.tag);
        if t(0) == Some(0xA0) {
            return DerKind::Cert; // explicit version: v2/v3 certificate
        }
        // Skip an optional INTEGER (certificate serial, CRL version, request version).
        let off = usize::from(t(0) == Some(INTEGER));
        if off == 1 && is_alg_id(tbs.get(1)) {
            return DerKind::Cert; // v1 certificate: serial, signature algorithm
        }
        if off == 1 && t(1) == Some(SEQ) && t(2) == Some(SEQ) {
            let name_ok = tbs[1].children().all(|r| r.tag == SET);
            if name_ok
                && tbs
                    .get(2)
                    .is_some_and(|s| is_alg_id(s.children().next().as_ref()))
            {
                return DerKind::Csr;
            }
        }
        if is_alg_id(tbs.get(off)) && matches!(t(off + 2), Some(0x17) | Some(0x18)) {
            return DerKind::Crl;
        }
    }
    DerKind::Unknown
}

/// A description of bytes that are not certificate material, for error messages.
pub(crate) fn describe_binary(bytes: &[u8]) -> String {
    let known: &[(&[u8], &str)] = &[
        (b"MZ", "a Windows executable?"),
        (b"\x7FELF", "a Linux executable?"),
        (b"%PDF", "a PDF document"),
        (b"\xD0\xCF\x11\xE0", "an Office document or other OLE file"),
        (b"\x1F\x8B", "gzip-compressed data"),
        (b"Rar!", "a RAR archive"),
        (b"7z\xBC\xAF", "a 7-Zip archive"),
        (b"\x00\x05\x16\x07", "macOS AppleDouble metadata"),
        (
            b"\xFE\xED\xFE\xED",
            "a Java KeyStore (JKS); export it with keytool -exportcert -rfc",
        ),
        (b"\xCE\xCE\xCE\xCE", "a Java JCEKS keystore"),
        (b"\x99", "a binary PGP key?"),
    ];
    let start: Vec<String> = bytes.iter().take(4).map(|b| format!("0x{b:02X}")).collect();
    let start = start.join(" ");
    for (magic, what) in known {
        if bytes.starts_with(magic) {
            return format!("binary data starting {start} ({what})");
        }
    }
    format!("binary data starting {start}")
}

/// For a DER SEQUENCE that is cut short: the length it declares (header included).
pub(crate) fn truncated_der(bytes: &[u8]) -> Option<u64> {
    if bytes.first() != Some(&0x30) {
        return None;
    }
    let first = *bytes.get(1)?;
    let (len, hdr) = if first < 0x80 {
        (first as usize, 2)
    } else {
        let n = (first & 0x7F) as usize;
        if n == 0 || n > 4 {
            return None;
        }
        let b = bytes.get(2..2 + n)?;
        (b.iter().fold(0usize, |a, &x| (a << 8) | x as usize), 2 + n)
    };
    let total = len.checked_add(hdr)?;
    (total > bytes.len()).then_some(total as u64)
}

/// A description of text that holds no PEM block and is not bare base64.
pub(crate) fn describe_text(text: &str) -> String {
    let t = text.trim_start();
    let known: &[(&str, &str)] = &[
        ("-----BEGIN PGP", "a PGP key or message"),
        ("ssh-rsa ", "an SSH public key"),
        ("ssh-ed25519 ", "an SSH public key"),
        ("ssh-dss ", "an SSH public key"),
        ("ecdsa-sha2-", "an SSH public key"),
        ("---- BEGIN SSH2", "an SSH public key"),
        ("PuTTY-User-Key-File", "a PuTTY key"),
        ("{\\rtf", "an RTF document"),
        ("<?xml", "an XML document"),
        (
            "<!DOCTYPE html",
            "an HTML page (a download that returned a web page?)",
        ),
        (
            "<html",
            "an HTML page (a download that returned a web page?)",
        ),
        (
            "<HTML",
            "an HTML page (a download that returned a web page?)",
        ),
    ];
    for (prefix, what) in known {
        if t.starts_with(prefix) {
            return (*what).to_owned();
        }
    }
    if t.is_empty() {
        return "an empty file".to_owned();
    }
    "plain text with no PEM block".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_binary_names_common_formats() {
        assert_eq!(
            describe_binary(b"MZ\x90\x00rest"),
            "binary data starting 0x4D 0x5A 0x90 0x00 (a Windows executable?)"
        );
        assert_eq!(describe_binary(&[0x01]), "binary data starting 0x01");
    }

    #[test]
    fn describe_text_recognises_ssh_and_pgp_but_never_quotes() {
        assert_eq!(
            describe_text("ssh-rsa AAAAB3Nza user@host"),
            "an SSH public key"
        );
        assert_eq!(
            describe_text("\n-----BEGIN PGP PUBLIC KEY BLOCK-----"),
            "a PGP key or message"
        );
        assert_eq!(describe_text("  \r\n"), "an empty file");
        let d = describe_text("hunter2\n");
        assert!(!d.contains("hunter2"));
    }

    proptest::proptest! {
        /// The certificate fast path says "certificate" only where the general shape test
        /// does, on real certificates with any bytes changed.
        #[test]
        fn fast_path_agrees_with_the_shape_test(
            which in 0usize..4,
            edits in proptest::collection::vec((proptest::prelude::any::<usize>(), proptest::prelude::any::<u8>()), 0..4),
        ) {
            let roots = webpki_root_certs::TLS_SERVER_ROOT_CERTS;
            let mut der = roots[which % roots.len()].as_ref().to_vec();
            for (at, byte) in edits {
                let i = at % der.len();
                der[i] = byte;
            }
            if let Some((top, _)) = ber::read(&der) {
                if top.tag == SEQ && is_v3_cert(&top) {
                    proptest::prop_assert_eq!(shape(&top), DerKind::Cert);
                }
            }
        }
    }

    #[test]
    fn der_kind_tells_shapes_apart() {
        // SEC1: SEQ { INTEGER 1, OCTET STRING }.
        assert_eq!(
            der_kind(&[0x30, 0x06, 2, 1, 1, 4, 1, 0]),
            Some(DerKind::Sec1)
        );
        // PFX: SEQ { INTEGER 3, SEQ { OID data } }.
        let pfx = [
            0x30, 0x10, 2, 1, 3, 0x30, 0x0B, 6, 9, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 1, 7, 1,
        ];
        assert_eq!(der_kind(&pfx[..]), Some(DerKind::Pkcs12));
        assert_eq!(der_kind(&[0x30, 0x00]), Some(DerKind::Unknown));
        assert_eq!(der_kind(&[0x04, 0x00]), None);
    }
}

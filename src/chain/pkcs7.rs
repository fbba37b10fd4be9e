//! Writing an assembled chain: PEM (leaf first) and a "certs-only" PKCS#7 (a degenerate
//! SignedData, RFC 5652 §5 with no signers, what `openssl crl2pkcs7 -nocrl` and Windows'
//! "Cryptographic Message Syntax Standard – PKCS #7 Certificates (.P7B)" export write).
//!
//! The PKCS#7 is encoded here with der's length encoding rather than through the cms crate:
//! cms' `CertificateSet` is a DER `SET OF`, which sorts its elements and re-encodes each
//! certificate, while certprep must keep every certificate's exact bytes and the chain order
//! (Windows and OpenSSL both list the certificates in file order).

use crate::der_reader::write_tlv as tlv;
use crate::model::Cert;
use der::Encode;

/// The certificates as PEM `CERTIFICATE` blocks, in order, LF line endings, 64 columns.
pub fn to_pem(certs: &[Cert]) -> String {
    let mut out = String::new();
    for c in certs {
        out.push_str("-----BEGIN CERTIFICATE-----\n");
        let b64 = base64_simd::STANDARD.encode_to_string(&c.der);
        for line in b64.as_bytes().chunks(64) {
            out.push_str(&String::from_utf8_lossy(line));
            out.push('\n');
        }
        out.push_str("-----END CERTIFICATE-----\n");
    }
    out
}

fn oid(dotted: &str) -> Vec<u8> {
    der::asn1::ObjectIdentifier::new(dotted)
        .ok()
        .and_then(|o| o.to_der().ok())
        .unwrap_or_default()
}

/// A DER certs-only PKCS#7 SignedData holding `certs` in order, bytes unchanged.
pub fn to_pkcs7_der(certs: &[Cert]) -> Vec<u8> {
    const SEQUENCE: u8 = 0x30;
    const SET: u8 = 0x31;
    const INTEGER: u8 = 0x02;
    const CONTEXT_0_CONSTRUCTED: u8 = 0xA0;
    let mut signed_data = Vec::new();
    signed_data.extend(tlv(INTEGER, &[1])); // CMSVersion 1: no attribute certificates
    signed_data.extend(tlv(SET, &[])); // digestAlgorithms: none
    signed_data.extend(tlv(SEQUENCE, &oid(crate::oid::PKCS7_DATA))); // no content
    let all: Vec<u8> = certs.iter().flat_map(|c| c.der.iter().copied()).collect();
    signed_data.extend(tlv(CONTEXT_0_CONSTRUCTED, &all)); // certificates [0] IMPLICIT
    signed_data.extend(tlv(SET, &[])); // signerInfos: none
    let mut content_info = oid(crate::oid::PKCS7_SIGNED_DATA);
    content_info.extend(tlv(CONTEXT_0_CONSTRUCTED, &tlv(SEQUENCE, &signed_data)));
    tlv(SEQUENCE, &content_info)
}

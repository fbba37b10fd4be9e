//! The structure of a PKCS#12 file (RFC 7292): the PFX, its MAC, the authenticated safe's
//! safes and their bags with attributes, parsed without any password. Decryption and the
//! password are [`super::read`]'s.
//!
//! Written on [`crate::der_reader`] rather than the `pkcs12`/`cms` crates because it must
//! describe what it cannot open (bag kinds, schemes, iteration counts) and refuse a hostile
//! file from its visible structure before any key derivation.

use super::alg::{self, seq, MacAlg, Scheme};
use crate::der_reader::{oid_to_string, Reader, Tlv, TAG_SET};
use crate::model::pfx::{BagInfo, BagKind, Encryption};
use crate::oid;
use std::borrow::Cow;

const TAG_INTEGER: u8 = 0x02;
const TAG_OCTET_STRING: u8 = 0x04;
const TAG_OCTET_STRING_CONSTRUCTED: u8 = 0x24;
const TAG_CTX0_CONSTRUCTED: u8 = 0xA0;
const TAG_CTX0_PRIMITIVE: u8 = 0x80;
const TAG_BMP_STRING: u8 = 0x1E;
/// Nested safeContentsBag depth certprep follows.
const MAX_DEPTH: usize = 4;

/// What was wrong with the structure; the `#[source]` of [`InputError::Malformed`].
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(super) struct Damage(pub(super) &'static str);

/// Whether `bytes` start like a PFX: SEQUENCE { INTEGER 3, … }. Cheap; for detection.
pub fn looks_like_pfx(bytes: &[u8]) -> bool {
    let Ok(outer) = Reader::new(bytes).read() else {
        return false;
    };
    if outer.tag != crate::der_reader::TAG_SEQUENCE {
        return false;
    }
    matches!(Reader::new(outer.content).read(), Ok(v) if v.tag == TAG_INTEGER && v.content == [3])
}

pub(super) struct Mac<'a> {
    pub(super) alg: MacAlg,
    pub(super) value: &'a [u8],
    pub(super) salt: &'a [u8],
    pub(super) iterations: u64,
}

pub(super) enum Safe<'a> {
    Plain(Cow<'a, [u8]>),
    Encrypted { scheme: Scheme, data: Cow<'a, [u8]> },
    Unreadable { what: String },
}

pub(super) struct Layout<'a> {
    pub(super) auth_data: Cow<'a, [u8]>,
    pub(super) mac: Option<Mac<'a>>,
    pub(super) safes: Vec<Safe<'a>>,
}

#[derive(Default, Clone)]
pub(super) struct Attrs {
    pub(super) friendly_name: Option<String>,
    pub(super) local_key_id: Option<Vec<u8>>,
    pub(super) csp_name: Option<String>,
}

/// One bag, before interpretation.
pub(super) struct RawBag {
    pub(super) kind: BagKind,
    /// The bag value (inside the [0] EXPLICIT wrapper), as its whole TLV.
    pub(super) value: Vec<u8>,
    pub(super) attrs: Attrs,
    /// Encryption of the safe holding it.
    pub(super) safe_encryption: Encryption,
    pub(super) safe_iterations: Option<u64>,
}

/// Plaintext sanity check: decrypted safes and keys are DER SEQUENCEs spanning all bytes.
pub(super) fn starts_sequence(p: &[u8]) -> bool {
    let mut r = Reader::new(p);
    matches!(r.read(), Ok(t) if t.tag == crate::der_reader::TAG_SEQUENCE) && r.is_empty()
}

/// A bag as `inspect` describes it: its kind, its own or its safe's encryption, attributes.
pub(super) fn bag_info(index: usize, b: &RawBag, key_scheme: Option<&Scheme>) -> BagInfo {
    let (encryption, iterations) = match (&b.kind, key_scheme) {
        (BagKind::ShroudedKey, Some(s)) => (s.encryption(), s.iterations()),
        _ => (b.safe_encryption.clone(), b.safe_iterations),
    };
    BagInfo {
        index,
        kind: b.kind.clone(),
        encryption,
        iterations,
        friendly_name: b.attrs.friendly_name.clone(),
        local_key_id: b.attrs.local_key_id.as_ref().map(hex::encode_upper),
        csp_name: b.attrs.csp_name.clone(),
    }
}

/// The encryption scheme of a pkcs8ShroudedKeyBag (EncryptedPrivateKeyInfo.algorithm).
pub(super) fn shrouded_scheme(b: &RawBag) -> Option<Scheme> {
    if b.kind != BagKind::ShroudedKey {
        return None;
    }
    let t = Reader::new(&b.value).read().ok()?;
    let alg_tlv = seq(&t).ok()?.read().ok()?;
    alg::parse_scheme(&alg_tlv).ok()
}

/// EncryptedPrivateKeyInfo.encryptedData.
pub(super) fn shrouded_data(value: &[u8]) -> Result<Cow<'_, [u8]>, &'static str> {
    let t = Reader::new(value).read()?;
    let mut r = seq(&t)?;
    let _alg = r.read()?;
    octets(&r.read()?, 0)
}

/// CertBag ::= SEQUENCE { certId OID, certValue [0] EXPLICIT OCTET STRING }. `None` for
/// certificate types other than X.509.
pub(super) fn cert_der(value: &[u8]) -> Result<Option<Vec<u8>>, &'static str> {
    let t = Reader::new(value).read()?;
    let mut r = seq(&t)?;
    let id = r.read()?;
    let id = oid_to_string(id.content).ok_or("malformed certificate type")?;
    if id != oid::CERT_TYPE_X509 {
        return Ok(None);
    }
    let wrapper = r.read()?;
    if wrapper.tag != TAG_CTX0_CONSTRUCTED {
        return Err("certificate bag without its [0] value");
    }
    let inner = Reader::new(wrapper.content).read()?;
    Ok(Some(octets(&inner, 0)?.into_owned()))
}

/// The content octets of an OCTET STRING (or an IMPLICIT [0] one), primitive or constructed.
fn octets<'a>(t: &Tlv<'a>, depth: usize) -> Result<Cow<'a, [u8]>, &'static str> {
    match t.tag {
        TAG_OCTET_STRING | TAG_CTX0_PRIMITIVE => Ok(Cow::Borrowed(t.content)),
        TAG_OCTET_STRING_CONSTRUCTED | TAG_CTX0_CONSTRUCTED if depth < MAX_DEPTH => {
            let mut out = Vec::new();
            let mut r = Reader::new(t.content);
            while !r.is_empty() {
                out.extend_from_slice(&octets(&r.read()?, depth + 1)?);
            }
            Ok(Cow::Owned(out))
        }
        _ => Err("expected an OCTET STRING"),
    }
}

pub(super) fn parse_layout(bytes: &[u8]) -> Result<Layout<'_>, &'static str> {
    let mut top = Reader::new(bytes);
    let pfx = top.read()?;
    let mut r = seq(&pfx)?;
    let version = r.read()?;
    if version.tag != TAG_INTEGER || version.content != [3] {
        return Err("not a version 3 PKCS#12 file");
    }
    // authSafe ContentInfo.
    let ci = r.read()?;
    let mut cr = seq(&ci)?;
    let ct = cr.read()?;
    let ct = oid_to_string(ct.content).ok_or("malformed content type")?;
    if ct == oid::PKCS7_SIGNED_DATA {
        return Err("public-key integrity mode (signedData) is not supported");
    }
    if ct != oid::PKCS7_DATA {
        return Err("the authenticated safe is not of type data");
    }
    let wrapper = cr.read()?;
    if wrapper.tag != TAG_CTX0_CONSTRUCTED {
        return Err("authenticated safe content missing");
    }
    let auth_data = octets(&Reader::new(wrapper.content).read()?, 0)?;
    let mac = if r.is_empty() {
        None
    } else {
        Some(parse_mac(&r.read()?)?)
    };
    let safes = parse_safes(&auth_data)?;
    // `safes` borrows from `auth_data`, which may be owned; re-own where needed.
    let safes = safes
        .into_iter()
        .map(|s| match s {
            Safe::Plain(d) => Safe::Plain(Cow::Owned(d.into_owned())),
            Safe::Encrypted { scheme, data } => Safe::Encrypted {
                scheme,
                data: Cow::Owned(data.into_owned()),
            },
            Safe::Unreadable { what } => Safe::Unreadable { what },
        })
        .collect();
    Ok(Layout {
        auth_data,
        mac,
        safes,
    })
}

fn parse_mac<'a>(t: &Tlv<'a>) -> Result<Mac<'a>, &'static str> {
    // MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
    let mut r = seq(t)?;
    let digest_info = r.read()?;
    let mut dr = seq(&digest_info)?;
    let alg = alg::parse_mac_alg(&dr.read()?)?;
    let value = dr.read()?;
    if value.tag != TAG_OCTET_STRING {
        return Err("MAC value is not an OCTET STRING");
    }
    let salt = r.read()?;
    if salt.tag != TAG_OCTET_STRING {
        return Err("MAC salt is not an OCTET STRING");
    }
    let iterations = if r.is_empty() {
        1
    } else {
        alg::uint(&r.read()?)?
    };
    Ok(Mac {
        alg,
        value: value.content,
        salt: salt.content,
        iterations,
    })
}

fn parse_safes(auth: &[u8]) -> Result<Vec<Safe<'_>>, &'static str> {
    let t = Reader::new(auth).read()?;
    let mut r = seq(&t)?;
    let mut out = Vec::new();
    while !r.is_empty() {
        let ci = r.read()?;
        let mut cr = seq(&ci)?;
        let ct = oid_to_string(cr.read()?.content).ok_or("malformed content type")?;
        let content = if cr.is_empty() {
            None
        } else {
            let w = cr.read()?;
            if w.tag != TAG_CTX0_CONSTRUCTED {
                return Err("content without its [0] wrapper");
            }
            Some(Reader::new(w.content).read()?)
        };
        let safe = match (ct.as_str(), content) {
            (oid::PKCS7_DATA, Some(c)) => Safe::Plain(octets(&c, 0)?),
            (oid::PKCS7_DATA, None) => Safe::Plain(Cow::Borrowed(&[])),
            (oid::CMS_ENCRYPTED_DATA, Some(c)) => {
                // EncryptedData ::= SEQUENCE { version, EncryptedContentInfo }
                let mut er = seq(&c)?;
                let _version = er.read()?;
                let eci = er.read()?;
                let mut ir = seq(&eci)?;
                let _ct = ir.read()?;
                let alg_tlv = ir.read()?;
                let scheme = alg::parse_scheme(&alg_tlv)?;
                let data = if ir.is_empty() {
                    Cow::Borrowed(&[][..])
                } else {
                    octets(&ir.read()?, 0)?
                };
                Safe::Encrypted { scheme, data }
            }
            (oid::CMS_ENVELOPED_DATA, _) => Safe::Unreadable {
                what: "public-key privacy mode (envelopedData)".into(),
            },
            (other, _) => Safe::Unreadable {
                what: format!("a safe of content type {other}"),
            },
        };
        out.push(safe);
    }
    Ok(out)
}

/// SafeContents ::= SEQUENCE OF SafeBag; appends to `out` in order.
pub(super) fn parse_bags(
    data: &[u8],
    enc: &Encryption,
    iterations: Option<u64>,
    out: &mut Vec<RawBag>,
    depth: usize,
) -> Result<(), &'static str> {
    if data.is_empty() {
        return Ok(());
    }
    let t = Reader::new(data).read()?;
    let mut r = seq(&t)?;
    while !r.is_empty() {
        let bag = r.read()?;
        let mut br = seq(&bag)?;
        let id = oid_to_string(br.read()?.content).ok_or("malformed bag type")?;
        let w = br.read()?;
        if w.tag != TAG_CTX0_CONSTRUCTED {
            return Err("bag without its [0] value");
        }
        let value = Reader::new(w.content).read()?;
        let attrs = if br.is_empty() {
            Attrs::default()
        } else {
            parse_attrs(&br.read()?)?
        };
        let kind = match id.as_str() {
            oid::BAG_KEY => BagKind::Key,
            oid::BAG_SHROUDED_KEY => BagKind::ShroudedKey,
            oid::BAG_CERT => BagKind::Cert,
            oid::BAG_CRL => BagKind::Crl,
            oid::BAG_SECRET => BagKind::Secret,
            oid::BAG_SAFE_CONTENTS => BagKind::SafeContents,
            other => BagKind::Other(other.into()),
        };
        if kind == BagKind::SafeContents && depth < MAX_DEPTH {
            parse_bags(value.raw, enc, iterations, out, depth + 1)?;
            continue;
        }
        out.push(RawBag {
            kind,
            value: value.raw.to_vec(),
            attrs,
            safe_encryption: enc.clone(),
            safe_iterations: iterations,
        });
    }
    Ok(())
}

/// bagAttributes: SET OF SEQUENCE { attrId OID, attrValues SET OF ANY }.
fn parse_attrs(t: &Tlv<'_>) -> Result<Attrs, &'static str> {
    if t.tag != TAG_SET {
        return Err("bag attributes are not a SET");
    }
    let mut a = Attrs::default();
    let mut r = Reader::new(t.content);
    while !r.is_empty() {
        let attr = r.read()?;
        let mut ar = seq(&attr)?;
        let id = oid_to_string(ar.read()?.content).ok_or("malformed attribute type")?;
        let values = ar.read()?;
        if values.tag != TAG_SET {
            return Err("attribute values are not a SET");
        }
        let Ok(first) = Reader::new(values.content).read() else {
            continue;
        };
        match id.as_str() {
            oid::PKCS9_FRIENDLY_NAME if first.tag == TAG_BMP_STRING => {
                a.friendly_name = Some(bmp_text(first.content));
            }
            oid::PKCS9_LOCAL_KEY_ID if first.tag == TAG_OCTET_STRING => {
                a.local_key_id = Some(first.content.to_vec());
            }
            oid::MS_CSP_NAME if first.tag == TAG_BMP_STRING => {
                a.csp_name = Some(bmp_text(first.content));
            }
            _ => {}
        }
    }
    Ok(a)
}

/// BMPString content (UTF-16BE) as text; a trailing NUL some writers add is dropped.
fn bmp_text(content: &[u8]) -> String {
    let units = content
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]));
    let s: String = char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    s.trim_end_matches('\0').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bmp_text_decodes_and_drops_terminator() {
        assert_eq!(bmp_text(&[0, b'a', 0, 0xFC, 0, 0]), "aü");
        assert_eq!(bmp_text(&[0, b'a', 0]), "a\u{0}".trim_end_matches('\0'));
    }
}

//! PKCS#7 / CMS SignedData certificate bundles (`.p7b`, `.p7c`): the certificates, each with its
//! exact bytes, in the order they are stored.
//!
//! Walked with the BER reader instead of the `cms` crate: `cms` decodes into owned structures
//! that would be re-encoded (thumbprints must hash the bytes as stored) and it rejects the BER
//! indefinite lengths some Java and Windows tools write. Only the path to `certificates` is
//! followed; signatures are not checked (a .p7b bundle has no signers).

use super::ber;
use super::{Detected, Item, Origin, Part};
use crate::input_error::{InputError, ObjectKind};

/// The certificates of a ContentInfo { signedData }.
pub(crate) fn read(der: &[u8], origin: &Origin, opts: &super::DetectOptions) -> Detected {
    let mut out = Detected::default();
    let certs = match certificates(der) {
        Ok(c) => c,
        Err(what) => {
            out.problems.push(InputError::Malformed {
                origin: origin.clone(),
                kind: ObjectKind::Pkcs7,
                source: what.into(),
            });
            return out;
        }
    };
    if certs.is_empty() {
        out.problems.push(InputError::EmptyBundle {
            origin: origin.clone(),
        });
    }
    if certs.len() > super::MAX_OBJECTS {
        out.problems.push(InputError::TooManyObjects {
            origin: origin.clone(),
            limit: super::MAX_OBJECTS,
        });
    }
    for (i, raw) in certs.into_iter().take(super::MAX_OBJECTS).enumerate() {
        match opts.parse_cert(raw, &origin.with(Part::Cert(i + 1))) {
            Ok(c) => out.items.push(Item::Cert(c)),
            Err(e) => out.problems.push(e),
        }
    }
    out
}

/// The raw certificate elements: ContentInfo → [0] → SignedData → [0] IMPLICIT certificates.
/// Other CertificateChoices (attribute certificates) are skipped.
fn certificates(der: &[u8]) -> Result<Vec<&[u8]>, &'static str> {
    let (ci, _) = ber::read(der).ok_or("not a valid BER/DER structure")?;
    let mut ci = ci.children();
    ci.next()
        .filter(|o| o.tag == 0x06)
        .ok_or("no content type")?;
    let explicit = ci.next().filter(|t| t.tag == 0xA0).ok_or("no content")?;
    let signed = explicit
        .children()
        .next()
        .filter(|t| t.tag == 0x30)
        .ok_or("SignedData is not a SEQUENCE")?;
    let mut fields = signed.children();
    fields
        .next()
        .filter(|t| t.tag == 0x02)
        .ok_or("SignedData has no version")?;
    fields
        .next()
        .filter(|t| t.tag == 0x31)
        .ok_or("SignedData has no digest algorithms")?;
    fields
        .next()
        .filter(|t| t.tag == 0x30)
        .ok_or("SignedData has no content info")?;
    let Some(set) = fields.next().filter(|t| t.tag == 0xA0) else {
        return Ok(Vec::new()); // no certificates field: a valid, empty bundle
    };
    let mut out = Vec::new();
    let mut rest = set.content;
    while !rest.is_empty() {
        let (t, r) = ber::read(rest).ok_or("a certificate in the bundle is truncated")?;
        if t.tag == 0x30 {
            out.push(t.raw);
        }
        rest = r;
    }
    Ok(out)
}

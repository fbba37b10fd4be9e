//! A minimal, total DER TLV reader for the few places where certprep must see exact tags and
//! bytes (distinguished names, PKCS#12 bag attributes) rather than a crate's decoded view.
//!
//! It only splits tag/length/value; it never allocates or panics, whatever the input.

/// SEQUENCE (constructed).
pub const TAG_SEQUENCE: u8 = 0x30;
/// SET (constructed).
pub const TAG_SET: u8 = 0x31;
/// OBJECT IDENTIFIER.
pub const TAG_OID: u8 = 0x06;

/// One tag-length-value element.
#[derive(Clone, Copy, Debug)]
pub struct Tlv<'a> {
    /// The tag byte (single-byte tags only; high tag numbers are rejected).
    pub tag: u8,
    /// The content octets.
    pub content: &'a [u8],
    /// The whole element, tag and length included.
    pub raw: &'a [u8],
}

/// Reads consecutive TLVs from a byte slice.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { rest: bytes }
    }

    /// Whether everything has been read.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// What has not been read yet.
    pub fn rest(&self) -> &'a [u8] {
        self.rest
    }

    /// The next element. Definite lengths only (DER); indefinite lengths are an error.
    pub fn read(&mut self) -> Result<Tlv<'a>, &'static str> {
        let b = self.rest;
        let tag = *b.first().ok_or("unexpected end of data")?;
        if tag & 0x1F == 0x1F {
            return Err("high tag numbers are not supported");
        }
        let first = *b.get(1).ok_or("missing length")?;
        let (len, hdr) = if first < 0x80 {
            (first as usize, 2usize)
        } else {
            let n = (first & 0x7F) as usize;
            if n == 0 {
                return Err("indefinite length is not DER");
            }
            if n > 4 {
                return Err("length too large");
            }
            let bytes = b.get(2..2 + n).ok_or("truncated length")?;
            let len = bytes.iter().fold(0usize, |acc, &x| (acc << 8) | x as usize);
            (len, 2 + n)
        };
        let end = hdr.checked_add(len).ok_or("length overflow")?;
        let raw = b.get(..end).ok_or("truncated value")?;
        self.rest = &b[end..];
        Ok(Tlv {
            tag,
            content: &raw[hdr..],
            raw,
        })
    }
}

/// One TLV at the start of `b` with a minimal definite length below 64 KiB (as DER requires
/// and the usual encodings have), and what follows it; `None` for anything else. For fast paths
/// that recognise the usual encodings and leave every other one to a full parser.
pub fn strict_tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let mut r = Reader::new(b);
    let t = r.read().ok()?;
    let minimal = match t.raw.len() - t.content.len() {
        2 => true,
        3 => t.raw[1] == 0x81 && t.content.len() >= 0x80,
        4 => t.raw[1] == 0x82 && t.content.len() >= 0x100,
        _ => false,
    };
    minimal.then_some((t.tag, t.content, r.rest()))
}

/// The DER of `tag` around `content` (definite, minimal length).
pub(crate) fn write_tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    use der::Encode;
    let mut out = vec![tag];
    // A length beyond der's 256 MiB limit cannot come from certificates certprep read.
    let len = der::Length::try_from(content.len())
        .and_then(|l| l.to_der())
        .unwrap_or_default();
    out.extend_from_slice(&len);
    out.extend_from_slice(content);
    out
}

/// Dotted-decimal text of an OID's content octets; `None` if malformed.
///
/// Written here because neither OID crate at hand prints every OID as Windows and OpenSSL do:
/// asn1-rs splits the first *octet* into the first two arcs (wrong from `2.48` on, where the
/// first subidentifier takes two octets) and prints arcs beyond 64 bits as hex octets, and
/// const-oid refuses arcs beyond 32 bits (a `2.25.<UUID>` arc has 128). Arcs up to 128 bits.
pub fn oid_to_string(content: &[u8]) -> Option<String> {
    if content.is_empty() || content.last().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    let mut s = String::with_capacity(content.len() * 3);
    let mut digits = itoa::Buffer::new();
    let mut acc: u128 = 0;
    let mut first = true;
    for &b in content {
        if acc > (u128::MAX >> 7) {
            return None;
        }
        acc = (acc << 7) | u128::from(b & 0x7F);
        if b & 0x80 == 0 {
            let arc = if first {
                // X.690 §8.19.4: the first subidentifier is 40 × first arc + second arc, the
                // first arc at most 2.
                let x = (acc / 40).min(2);
                s.push_str(digits.format(x as u8));
                acc - 40 * x
            } else {
                acc
            };
            s.push('.');
            s.push_str(digits.format(arc));
            first = false;
            acc = 0;
        }
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oid_to_string_formats_arcs_beyond_64_bits() {
        // 2.25.<UUID> (X.667): a 128-bit arc.
        assert_eq!(
            oid_to_string(&hex::decode("6983f09da7ebcfdee0c7a1a7b2c0948cc8f9d776").unwrap())
                .unwrap(),
            "2.25.329800735698586629295641978511506172918"
        );
        // A first subidentifier beyond 64 bits (joint-iso-itu-t, arc 2^70).
        assert_eq!(
            oid_to_string(&hex::decode("8180808080808080808050").unwrap()).unwrap(),
            "2.1180591620717411303424"
        );
    }

    #[test]
    fn oid_to_string_decodes_known_oids() {
        assert_eq!(oid_to_string(&[0x55, 0x04, 0x03]).unwrap(), "2.5.4.3");
        assert_eq!(
            oid_to_string(&hex::decode("2b0601040182373c020103").unwrap()).unwrap(),
            "1.3.6.1.4.1.311.60.2.1.3"
        );
        assert_eq!(oid_to_string(&[0x00]).unwrap(), "0.0");
        assert!(oid_to_string(&[0x81]).is_none());
        assert!(oid_to_string(&[]).is_none());
    }

    #[test]
    fn reader_handles_long_form_and_truncation() {
        let mut data = vec![0x04, 0x81, 0x80];
        data.extend(std::iter::repeat_n(7u8, 0x80));
        let mut r = Reader::new(&data);
        let t = r.read().unwrap();
        assert_eq!(t.content.len(), 0x80);
        assert!(r.is_empty());
        assert!(Reader::new(&data[..10]).read().is_err());
        assert!(Reader::new(&[0x30, 0x80]).read().is_err());
    }
}

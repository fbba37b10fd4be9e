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

/// One TLV at the start of `b` with a low tag number and a minimal definite length (as DER
/// requires), and what follows it; `None` for anything else. For fast paths that recognise
/// the usual encodings and leave every other one to a full parser.
pub fn strict_tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, b) = b.split_first()?;
    if tag & 0x1F == 0x1F {
        return None;
    }
    let (&first, b) = b.split_first()?;
    let (len, b) = match first {
        0..=0x7F => (usize::from(first), b),
        0x81 => {
            let (&l, b) = b.split_first()?;
            (l >= 0x80).then_some((usize::from(l), b))?
        }
        0x82 => {
            let l = b.get(..2)?;
            let len = usize::from(u16::from_be_bytes([l[0], l[1]]));
            (len >= 0x100).then_some((len, &b[2..]))?
        }
        _ => return None,
    };
    (b.len() >= len).then(|| (tag, &b[..len], &b[len..]))
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
pub fn oid_to_string(content: &[u8]) -> Option<String> {
    use std::fmt::Write;
    if content.is_empty() || content.last().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    // Written straight into one String, digits by hand for arcs that fit 64 bits (nearly all):
    // names are parsed for every certificate `scan` reads, and `write!` per arc was a visible
    // share of its profile.
    let mut s = String::with_capacity(content.len() * 3);
    let mut acc: u128 = 0;
    let mut first = true;
    for &b in content {
        if acc > (u128::MAX >> 7) {
            return None;
        }
        acc = (acc << 7) | u128::from(b & 0x7F);
        if b & 0x80 == 0 {
            let arc = if first {
                let (x, y) = if acc < 40 {
                    (0, acc)
                } else if acc < 80 {
                    (1, acc - 40)
                } else {
                    (2, acc - 80)
                };
                s.push(char::from(b'0' + x));
                y
            } else {
                acc
            };
            s.push('.');
            match u64::try_from(arc) {
                Ok(n) => push_decimal(&mut s, n),
                Err(_) => {
                    let _ = write!(s, "{arc}");
                }
            }
            first = false;
            acc = 0;
        }
    }
    Some(s)
}

/// Append `n` in decimal.
pub(crate) fn push_decimal(s: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    s.extend(digits[i..].iter().map(|&d| char::from(d)));
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

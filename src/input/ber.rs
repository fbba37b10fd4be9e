//! A small, total BER/DER TLV walker for recognising structures by shape (`sniff`) and for
//! lifting certificates out of PKCS#7 bundles without re-encoding them (`pkcs7`).
//!
//! Written by hand because recognition must accept BER indefinite lengths (Java and some
//! Windows tools write PKCS#7 and PKCS#12 that way), while `der` rejects them and
//! `crate::der_reader` is deliberately DER-only. It never allocates, recurses at most
//! [`MAX_DEPTH`] levels, and never panics.

/// Deepest nesting of indefinite-length elements followed.
pub(crate) const MAX_DEPTH: usize = 32;

/// One element.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    /// The identifier octet (low-tag-number form only).
    pub tag: u8,
    /// Content octets (for an indefinite length: everything before the end-of-contents).
    pub content: &'a [u8],
    /// The whole element, header and end-of-contents included.
    pub raw: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// The children of a constructed element.
    pub fn children(&self) -> Children<'a> {
        Children { rest: self.content }
    }
}

/// Iterator over consecutive elements; stops at the first malformed one.
#[derive(Clone, Debug)]
pub(crate) struct Children<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Children<'a> {
    type Item = Tlv<'a>;
    fn next(&mut self) -> Option<Tlv<'a>> {
        let (t, rest) = read(self.rest)?;
        self.rest = rest;
        Some(t)
    }
}

/// Read one element from the front of `b`; `None` if it is malformed or truncated.
pub(crate) fn read(b: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    read_at(b, 0)
}

fn read_at(b: &[u8], depth: usize) -> Option<(Tlv<'_>, &[u8])> {
    let tag = *b.first()?;
    if tag & 0x1F == 0x1F || (tag == 0 && b.get(1) == Some(&0)) {
        return None; // high tag numbers and end-of-contents are not elements
    }
    let first = *b.get(1)?;
    if first == 0x80 {
        // Indefinite length: only for constructed elements; children until 00 00.
        if tag & 0x20 == 0 || depth >= MAX_DEPTH {
            return None;
        }
        let mut pos = 2usize;
        loop {
            let here = b.get(pos..)?;
            if here.starts_with(&[0, 0]) {
                let content = b.get(2..pos)?;
                let raw = b.get(..pos + 2)?;
                return Some((Tlv { tag, content, raw }, b.get(pos + 2..)?));
            }
            let (child, _) = read_at(here, depth + 1)?;
            pos = pos.checked_add(child.raw.len())?;
        }
    }
    let (len, hdr) = if first < 0x80 {
        (first as usize, 2usize)
    } else {
        let n = (first & 0x7F) as usize;
        if n > 4 {
            return None;
        }
        let bytes = b.get(2..2 + n)?;
        (
            bytes.iter().fold(0usize, |acc, &x| (acc << 8) | x as usize),
            2 + n,
        )
    };
    let end = hdr.checked_add(len)?;
    let raw = b.get(..end)?;
    Some((
        Tlv {
            tag,
            content: raw.get(hdr..)?,
            raw,
        },
        b.get(end..)?,
    ))
}

/// The content of an INTEGER as a small number, if it fits in a `u64` and is non-negative.
pub(crate) fn small_uint(t: &Tlv<'_>) -> Option<u64> {
    if t.tag != 0x02 || t.content.is_empty() || t.content.len() > 8 || t.content[0] & 0x80 != 0 {
        return None;
    }
    Some(
        t.content
            .iter()
            .fold(0u64, |acc, &x| (acc << 8) | u64::from(x)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_follows_indefinite_lengths() {
        // SEQUENCE (indefinite) { INTEGER 3, SEQUENCE (indefinite) { NULL } } then a trailer.
        let b = [
            0x30, 0x80, 0x02, 0x01, 0x03, 0x30, 0x80, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0xAA,
        ];
        let (t, rest) = read(&b).unwrap();
        assert_eq!(t.tag, 0x30);
        assert_eq!(rest, &[0xAA]);
        let kids: Vec<_> = t.children().collect();
        assert_eq!(kids.len(), 2);
        assert_eq!(small_uint(&kids[0]), Some(3));
        assert_eq!(kids[1].children().count(), 1);
    }

    #[test]
    fn read_rejects_truncation_and_deep_nesting() {
        assert!(read(&[0x30, 0x05, 0x02]).is_none());
        assert!(read(&[0x30, 0x80, 0x02, 0x01, 0x03]).is_none());
        assert!(read(&[0x04, 0x80, 0x00, 0x00]).is_none());
        let deep: Vec<u8> = std::iter::repeat_n([0x30u8, 0x80], 100).flatten().collect();
        assert!(read(&deep).is_none());
    }
}

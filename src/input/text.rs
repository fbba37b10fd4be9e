//! Turning bytes that may be text into a `String`: a UTF-8 BOM, UTF-16LE/BE with a BOM, and
//! UTF-16 without a BOM (what Exchange's `[Text.Encoding]::Unicode` writes for `.req` files).
//!
//! It only decodes; it never decides what the text means (that is `pem` and `mod`).

use std::borrow::Cow;

/// How the bytes were encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// UTF-8 (or ASCII), with or without a BOM.
    Utf8,
    /// UTF-16 little-endian, with or without a BOM.
    Utf16Le,
    /// UTF-16 big-endian, with or without a BOM.
    Utf16Be,
}

/// Decode `bytes` as text. Invalid sequences become U+FFFD: PEM only needs its ASCII parts, and
/// comments around the blocks (`openssl x509 -text` dumps, Bag Attributes) may be in any code
/// page.
pub(crate) fn decode(bytes: &[u8]) -> (Encoding, Cow<'_, str>) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return (Encoding::Utf8, String::from_utf8_lossy(rest));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return (
            Encoding::Utf16Le,
            Cow::Owned(utf16(rest, u16::from_le_bytes)),
        );
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return (
            Encoding::Utf16Be,
            Cow::Owned(utf16(rest, u16::from_be_bytes)),
        );
    }
    match bomless_utf16(bytes) {
        Some(Encoding::Utf16Le) => (
            Encoding::Utf16Le,
            Cow::Owned(utf16(bytes, u16::from_le_bytes)),
        ),
        Some(Encoding::Utf16Be) => (
            Encoding::Utf16Be,
            Cow::Owned(utf16(bytes, u16::from_be_bytes)),
        ),
        // `from_utf8` validates ASCII a word at a time; the lossy path is for the rare file
        // with invalid bytes around its blocks.
        _ => match std::str::from_utf8(bytes) {
            Ok(s) => (Encoding::Utf8, Cow::Borrowed(s)),
            Err(_) => (Encoding::Utf8, String::from_utf8_lossy(bytes)),
        },
    }
}

/// Whether `bytes` look like UTF-16 text without a BOM: in the first 64 code units, every unit
/// is a printable ASCII character or whitespace, with the zero byte always on the same side.
/// PEM and base64 are pure ASCII, so this is a strong signal and DER never matches it (a DER
/// structure never has a zero byte in every other position for 64 bytes).
fn bomless_utf16(bytes: &[u8]) -> Option<Encoding> {
    let n = bytes.len().min(128) / 2;
    if n < 2 {
        return None;
    }
    let ascii = |b: u8| b == b'\t' || b == b'\n' || b == b'\r' || (0x20..0x7F).contains(&b);
    let pairs = bytes.chunks_exact(2).take(n);
    if pairs.clone().all(|p| p[1] == 0 && ascii(p[0])) {
        Some(Encoding::Utf16Le)
    } else if pairs.clone().all(|p| p[0] == 0 && ascii(p[1])) {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|p| unit([p[0], p[1]]));
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
    }

    fn be(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect()
    }

    #[test]
    fn decode_recognises_boms_and_bomless_utf16() {
        let s = "-----BEGIN X-----\r\nAAAA\r\n";
        assert_eq!(decode(s.as_bytes()), (Encoding::Utf8, Cow::Borrowed(s)));
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice(s.as_bytes());
        assert_eq!(decode(&b).1, s);
        assert_eq!(decode(&le(s)), (Encoding::Utf16Le, Cow::Owned(s.into())));
        assert_eq!(decode(&be(s)), (Encoding::Utf16Be, Cow::Owned(s.into())));
        let mut b = vec![0xFF, 0xFE];
        b.extend(le(s));
        assert_eq!(decode(&b).1, s);
        let mut b = vec![0xFE, 0xFF];
        b.extend(be(s));
        assert_eq!(decode(&b).1, s);
    }

    #[test]
    fn decode_leaves_der_and_odd_lengths_alone() {
        let der = [0x30, 0x03, 0x02, 0x01, 0x00];
        assert_eq!(decode(&der).0, Encoding::Utf8);
        assert_eq!(decode(&[0xFF, 0xFE, 0x41]).1, "");
    }
}

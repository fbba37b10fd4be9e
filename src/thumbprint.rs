//! Thumbprints as Windows prints them: a hash of the certificate's exact DER, uppercase hex,
//! no separators (`X509Certificate2.Thumbprint`, `Get-ExchangeCertificate`). Never re-encode.

use sha1::Digest;

/// Which hash a thumbprint uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HashAlg {
    /// SHA-1: Windows' `Thumbprint` (40 hex digits).
    #[default]
    Sha1,
    /// SHA-256 (64 hex digits).
    Sha256,
}

/// A thumbprint: the digest bytes and the algorithm that made them.
///
/// Held inline (the longest hash is 32 bytes), so a thumbprint is copied without allocating:
/// every chain report and scan row carries several.
#[derive(Clone, Copy)]
pub struct Thumbprint {
    bytes: [u8; 32],
    len: u8,
}

impl PartialEq for Thumbprint {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Thumbprint {}

impl std::hash::Hash for Thumbprint {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state)
    }
}

impl PartialOrd for Thumbprint {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Thumbprint {
    /// Byte-wise, as the hashes compare (a shorter hash that is a prefix sorts first).
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl std::fmt::Debug for Thumbprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Thumbprint({self})")
    }
}

impl Thumbprint {
    /// Hash `der` (the exact bytes as read) with `alg`.
    pub fn of(der: &[u8], alg: HashAlg) -> Thumbprint {
        match alg {
            HashAlg::Sha1 => Thumbprint::from_digest(&sha1::Sha1::digest(der)),
            HashAlg::Sha256 => Thumbprint::from_digest(&sha2::Sha256::digest(der)),
        }
    }

    /// A digest of at most 32 bytes (SHA-1, SHA-256).
    fn from_digest(digest: &[u8]) -> Thumbprint {
        let mut bytes = [0u8; 32];
        bytes[..digest.len()].copy_from_slice(digest);
        Thumbprint {
            bytes,
            len: digest.len() as u8,
        }
    }

    /// The digest bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// Parse a thumbprint as users paste it: hex with any spaces, colons or a leading
    /// invisible U+200E (which the Windows certificate dialog copies along); case-insensitive.
    pub fn parse(text: &str) -> Option<Thumbprint> {
        let clean: String = text
            .chars()
            .filter(|c| !matches!(c, ' ' | ':' | '\u{200E}' | '\u{200F}' | '\t'))
            .collect();
        let bytes = hex::decode(clean).ok()?;
        matches!(bytes.len(), 20 | 32).then(|| Thumbprint::from_digest(&bytes))
    }

    /// The thumbprint as Windows prints it (uppercase hex), written into `buf`: what `Display`
    /// writes, without a `String` (the `hex` crate's upper-case encoder allocates; a scan
    /// writes one per row).
    pub fn upper_hex<'b>(&self, buf: &'b mut [u8; 64]) -> &'b str {
        const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
        for (i, b) in self.as_bytes().iter().enumerate() {
            buf[2 * i] = DIGITS[usize::from(b >> 4)];
            buf[2 * i + 1] = DIGITS[usize::from(b & 0x0F)];
        }
        let hex = &buf[..2 * self.as_bytes().len()];
        // Only ASCII digits were written.
        std::str::from_utf8(hex).unwrap_or_default()
    }
}

impl std::fmt::Display for Thumbprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.upper_hex(&mut [0u8; 64]))
    }
}

impl serde::Serialize for Thumbprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbprint_is_uppercase_hex_of_the_right_length() {
        let t = Thumbprint::of(b"abc", HashAlg::Sha1);
        assert_eq!(t.to_string(), "A9993E364706816ABA3E25717850C26C9CD0D89D");
        assert_eq!(
            Thumbprint::of(b"abc", HashAlg::Sha256).to_string().len(),
            64
        );
    }

    #[test]
    fn thumbprint_parse_accepts_pasted_forms() {
        let t = Thumbprint::parse(
            "\u{200E}a9 99 3e 36 47 06 81 6a ba 3e 25 71 78 50 c2 6c 9c d0 d8 9d",
        )
        .unwrap();
        assert_eq!(t.to_string(), "A9993E364706816ABA3E25717850C26C9CD0D89D");
        assert!(Thumbprint::parse("xyz").is_none());
        assert!(Thumbprint::parse("A999").is_none());
    }

    #[test]
    fn thumbprints_compare_as_their_bytes() {
        let sha1 = Thumbprint::of(b"abc", HashAlg::Sha1);
        let sha256 = Thumbprint::of(b"abc", HashAlg::Sha256);
        assert_eq!(sha1.as_bytes().len(), 20);
        assert_eq!(sha256.as_bytes().len(), 32);
        assert_eq!(Thumbprint::parse(&sha1.to_string()), Some(sha1));
        assert_ne!(sha1, sha256);
        // A shorter hash that is a prefix of a longer one sorts first, as byte strings do.
        let long = Thumbprint::parse(&format!("{sha1}{}", "00".repeat(12))).unwrap();
        assert!(sha1 < long && long.as_bytes().starts_with(sha1.as_bytes()));
        assert_eq!(sha1.cmp(&sha256), sha1.as_bytes().cmp(sha256.as_bytes()));
    }
}

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
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Thumbprint(Vec<u8>);

impl Thumbprint {
    /// Hash `der` (the exact bytes as read) with `alg`.
    pub fn of(der: &[u8], alg: HashAlg) -> Thumbprint {
        Thumbprint(match alg {
            HashAlg::Sha1 => sha1::Sha1::digest(der).to_vec(),
            HashAlg::Sha256 => sha2::Sha256::digest(der).to_vec(),
        })
    }

    /// The digest bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Parse a thumbprint as users paste it: hex with any spaces, colons or a leading
    /// invisible U+200E (which the Windows certificate dialog copies along); case-insensitive.
    pub fn parse(text: &str) -> Option<Thumbprint> {
        let clean: String = text
            .chars()
            .filter(|c| !matches!(c, ' ' | ':' | '\u{200E}' | '\u{200F}' | '\t'))
            .collect();
        let bytes = hex::decode(clean).ok()?;
        matches!(bytes.len(), 20 | 32).then_some(Thumbprint(bytes))
    }
}

impl std::fmt::Display for Thumbprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&hex::encode_upper(&self.0))
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
}

//! What a PKCS#12 (PFX) file is made of: per-bag encryption and iteration counts, the MAC, and
//! which password opened it. Certificates and keys found inside become ordinary
//! [`Cert`](crate::model::Cert) and [`PrivateKey`](crate::model::PrivateKey) items.

use crate::origin::Origin;

/// PBKDF2 pseudo-random function (RFC 8018 §B.1).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Prf {
    /// HMAC-SHA1 (the PBKDF2 default).
    HmacSha1,
    /// HMAC-SHA256.
    HmacSha256,
    /// HMAC-SHA384.
    HmacSha384,
    /// HMAC-SHA512.
    HmacSha512,
    /// Another PRF, by dotted OID.
    Other(String),
}

/// PBES2 encryption scheme (RFC 8018 §B.2).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cipher {
    /// AES-128-CBC.
    Aes128Cbc,
    /// AES-192-CBC.
    Aes192Cbc,
    /// AES-256-CBC.
    Aes256Cbc,
    /// DES-EDE3-CBC.
    DesEde3Cbc,
    /// DES-CBC.
    DesCbc,
    /// Another cipher, by dotted OID.
    Other(String),
}

/// How one bag (or the safe holding it) is encrypted.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "scheme", rename_all = "kebab-case")]
pub enum Encryption {
    /// Not encrypted (a plain key bag, or a certificate in an unencrypted safe).
    None,
    /// pbeWithSHAAnd40BitRC2-CBC (PKCS#12 §B, 1.2.840.113549.1.12.1.6).
    PbeSha1Rc2_40,
    /// pbeWithSHAAnd128BitRC2-CBC.
    PbeSha1Rc2_128,
    /// pbeWithSHAAnd3-KeyTripleDES-CBC (1.2.840.113549.1.12.1.3).
    PbeSha1TripleDes,
    /// pbeWithSHAAnd2-KeyTripleDES-CBC.
    PbeSha1TwoKeyTripleDes,
    /// pbeWithSHAAnd128BitRC4 / 40BitRC4.
    PbeSha1Rc4,
    /// PBES2 with PBKDF2.
    Pbes2 {
        /// PBKDF2's PRF.
        prf: Prf,
        /// The encryption scheme.
        cipher: Cipher,
    },
    /// Another scheme, by dotted OID.
    Other {
        /// The algorithm OID.
        oid: String,
    },
}

impl std::fmt::Display for Encryption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Encryption::None => f.write_str("none"),
            Encryption::PbeSha1Rc2_40 => f.write_str("PBE-SHA1-RC2-40"),
            Encryption::PbeSha1Rc2_128 => f.write_str("PBE-SHA1-RC2-128"),
            Encryption::PbeSha1TripleDes => f.write_str("PBE-SHA1-3DES"),
            Encryption::PbeSha1TwoKeyTripleDes => f.write_str("PBE-SHA1-2DES"),
            Encryption::PbeSha1Rc4 => f.write_str("PBE-SHA1-RC4"),
            Encryption::Pbes2 { prf, cipher } => {
                let c = match cipher {
                    Cipher::Aes128Cbc => "AES-128-CBC",
                    Cipher::Aes192Cbc => "AES-192-CBC",
                    Cipher::Aes256Cbc => "AES-256-CBC",
                    Cipher::DesEde3Cbc => "DES-EDE3-CBC",
                    Cipher::DesCbc => "DES-CBC",
                    Cipher::Other(o) => o,
                };
                let p = match prf {
                    Prf::HmacSha1 => "HMAC-SHA1",
                    Prf::HmacSha256 => "HMAC-SHA256",
                    Prf::HmacSha384 => "HMAC-SHA384",
                    Prf::HmacSha512 => "HMAC-SHA512",
                    Prf::Other(o) => o,
                };
                write!(f, "PBES2 (PBKDF2-{p}, {c})")
            }
            Encryption::Other { oid } => write!(f, "algorithm {oid}"),
        }
    }
}

/// The kind of a PKCS#12 SafeBag (RFC 7292 §4.2).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BagKind {
    /// keyBag (unencrypted PKCS#8).
    Key,
    /// pkcs8ShroudedKeyBag.
    ShroudedKey,
    /// certBag.
    Cert,
    /// crlBag.
    Crl,
    /// secretBag.
    Secret,
    /// safeContentsBag (nested).
    SafeContents,
    /// Unknown bag type, by dotted OID.
    Other(String),
}

/// One bag: what it holds and how it is protected.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct BagInfo {
    /// 1-based position, as in [`Part::Bag`](crate::origin::Part::Bag).
    pub index: usize,
    /// What the bag holds.
    pub kind: BagKind,
    /// Encryption of the bag (shrouded key) or of the safe that holds it (certificates).
    pub encryption: Encryption,
    /// Key-derivation iterations for that encryption; `None` when not encrypted.
    pub iterations: Option<u64>,
    /// friendlyName attribute.
    pub friendly_name: Option<String>,
    /// localKeyId attribute, uppercase hex.
    pub local_key_id: Option<String>,
    /// Microsoft CSP name attribute (1.3.6.1.4.1.311.17.1).
    pub csp_name: Option<String>,
}

/// The MAC's digest algorithm.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MacDigest {
    /// HMAC-SHA1 (PKCS#12 KDF).
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA384.
    Sha384,
    /// HMAC-SHA512.
    Sha512,
    /// Another digest, by dotted OID.
    Other(String),
}

/// The PKCS#12 integrity MAC.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct MacInfo {
    /// Digest algorithm.
    pub digest: MacDigest,
    /// MAC key-derivation iterations.
    pub iterations: u64,
}

/// Which password opened the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PasswordUsed {
    /// The null (absent) password, as Windows' "no password" export writes.
    Null,
    /// The empty string.
    Empty,
    /// One of the passwords the user supplied (which one is never recorded).
    Supplied,
    /// No password opened it; only the unencrypted structure could be described.
    NotOpened,
}

/// A PKCS#12 file's structure and protection, known even when no password opened it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PfxInfo {
    /// Where the file is.
    pub origin: Origin,
    /// The MAC, if the file has one.
    pub mac: Option<MacInfo>,
    /// Every bag that could be seen (all of them once opened).
    pub bags: Vec<BagInfo>,
    /// Which password opened it.
    pub password: PasswordUsed,
}

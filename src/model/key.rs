//! Public and private keys: the algorithm, its size, and the exact SubjectPublicKeyInfo DER
//! that certificates, requests and keys are matched by.

use crate::oid;
use crate::origin::Origin;
use der::{Decode, Encode};
use zeroize::Zeroizing;

/// A named elliptic curve.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Curve {
    /// NIST P-256 (secp256r1).
    P256,
    /// NIST P-384 (secp384r1).
    P384,
    /// NIST P-521 (secp521r1).
    P521,
    /// Another curve, by dotted OID.
    Other(String),
}

impl Curve {
    /// The curve for a dotted OID.
    pub fn from_oid(oid: &str) -> Curve {
        match oid {
            oid::CURVE_P256 => Curve::P256,
            oid::CURVE_P384 => Curve::P384,
            oid::CURVE_P521 => Curve::P521,
            other => Curve::Other(other.to_owned()),
        }
    }

    /// The field size in bits (0 when unknown).
    pub fn bits(&self) -> u32 {
        match self {
            Curve::P256 => 256,
            Curve::P384 => 384,
            Curve::P521 => 521,
            Curve::Other(_) => 0,
        }
    }
}

impl std::fmt::Display for Curve {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Curve::P256 => f.write_str("P-256"),
            Curve::P384 => f.write_str("P-384"),
            Curve::P521 => f.write_str("P-521"),
            Curve::Other(o) => write!(f, "curve {o}"),
        }
    }
}

/// A key's algorithm and size.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum KeyAlgorithm {
    /// RSA with a modulus of `bits` bits.
    Rsa {
        /// Modulus size in bits.
        bits: u32,
    },
    /// ECDSA on a named curve.
    Ec {
        /// The curve.
        curve: Curve,
    },
    /// Ed25519.
    Ed25519,
    /// Ed448.
    Ed448,
    /// Anything else, by dotted OID.
    Other {
        /// The algorithm OID.
        oid: String,
    },
}

impl KeyAlgorithm {
    /// The key size in bits (RSA modulus, EC field size).
    pub fn bits(&self) -> u32 {
        match self {
            KeyAlgorithm::Rsa { bits } => *bits,
            KeyAlgorithm::Ec { curve } => curve.bits(),
            KeyAlgorithm::Ed25519 => 256,
            KeyAlgorithm::Ed448 => 456,
            KeyAlgorithm::Other { .. } => 0,
        }
    }

    /// What `Get-ExchangeCertificate` prints as PublicKeySize: RSA bits, 0 for anything else.
    pub fn exchange_public_key_size(&self) -> u32 {
        match self {
            KeyAlgorithm::Rsa { bits } => *bits,
            _ => 0,
        }
    }

    /// Whether this is an RSA key.
    pub fn is_rsa(&self) -> bool {
        matches!(self, KeyAlgorithm::Rsa { .. })
    }
}

impl std::fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyAlgorithm::Rsa { bits } => write!(f, "RSA {bits}"),
            KeyAlgorithm::Ec { curve } => write!(f, "ECDSA {curve}"),
            KeyAlgorithm::Ed25519 => f.write_str("Ed25519"),
            KeyAlgorithm::Ed448 => f.write_str("Ed448"),
            KeyAlgorithm::Other { oid } => write!(f, "key algorithm {oid}"),
        }
    }
}

/// A public key: its exact SubjectPublicKeyInfo DER and what it is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PublicKey {
    /// The SubjectPublicKeyInfo as encoded. Keys match when these bytes are equal.
    pub spki_der: Vec<u8>,
    /// The algorithm and size.
    pub algorithm: KeyAlgorithm,
}

/// Why a SubjectPublicKeyInfo could not be read.
#[derive(Debug, thiserror::Error)]
#[error("malformed public key")]
pub struct KeyError(#[source] pub der::Error);

impl PublicKey {
    /// Read a SubjectPublicKeyInfo.
    pub fn from_spki_der(spki_der: &[u8]) -> Result<Self, KeyError> {
        let algorithm = match common_key(spki_der) {
            Some(algorithm) => algorithm,
            None => key_algorithm(spki_der)?,
        };
        Ok(PublicKey {
            spki_der: spki_der.to_vec(),
            algorithm,
        })
    }

    /// The same key, canonically re-encoded, for comparisons across encodings that differ only
    /// in optional parameters (for example an RSA SPKI with and without explicit NULL).
    pub fn same_key(&self, other: &PublicKey) -> bool {
        if self.spki_der == other.spki_der {
            return true;
        }
        match (
            spki::SubjectPublicKeyInfoRef::from_der(&self.spki_der),
            spki::SubjectPublicKeyInfoRef::from_der(&other.spki_der),
        ) {
            (Ok(a), Ok(b)) => {
                a.algorithm.oid == b.algorithm.oid && a.subject_public_key == b.subject_public_key
            }
            _ => false,
        }
    }
}

/// What a SubjectPublicKeyInfo holds, read with the `spki` and `pkcs1` crates.
fn key_algorithm(spki_der: &[u8]) -> Result<KeyAlgorithm, KeyError> {
    use der::asn1::ObjectIdentifier as Oid;
    // Compared as OIDs, not as text: formatting every key's OID showed in `scan`'s profile.
    const RSA: Oid = Oid::new_unwrap(oid::KEY_RSA);
    const RSA_PSS: Oid = Oid::new_unwrap(oid::KEY_RSA_PSS);
    const EC: Oid = Oid::new_unwrap(oid::KEY_EC);
    const ED25519: Oid = Oid::new_unwrap(oid::KEY_ED25519);
    const ED448: Oid = Oid::new_unwrap(oid::KEY_ED448);
    const P256: Oid = Oid::new_unwrap(oid::CURVE_P256);
    const P384: Oid = Oid::new_unwrap(oid::CURVE_P384);
    const P521: Oid = Oid::new_unwrap(oid::CURVE_P521);
    let spki = spki::SubjectPublicKeyInfoRef::from_der(spki_der).map_err(KeyError)?;
    let alg_oid = spki.algorithm.oid;
    let algorithm = match alg_oid {
        RSA | RSA_PSS => {
            let rsa = pkcs1::RsaPublicKey::from_der(spki.subject_public_key.raw_bytes())
                .map_err(KeyError)?;
            KeyAlgorithm::Rsa {
                bits: uint_bits(rsa.modulus.as_bytes()),
            }
        }
        EC => {
            let curve = spki
                .algorithm
                .parameters
                .and_then(|p| p.decode_as::<Oid>().ok())
                .map(|o| match o {
                    P256 => Curve::P256,
                    P384 => Curve::P384,
                    P521 => Curve::P521,
                    other => Curve::from_oid(&other.to_string()),
                })
                .unwrap_or_else(|| Curve::Other("implicit".into()));
            KeyAlgorithm::Ec { curve }
        }
        ED25519 => KeyAlgorithm::Ed25519,
        ED448 => KeyAlgorithm::Ed448,
        other => KeyAlgorithm::Other {
            oid: other.to_string(),
        },
    };
    Ok(algorithm)
}

/// The usual keys in their usual encoding — RSA (`rsaEncryption`, NULL parameters) and ECDSA
/// on P-256, P-384 and P-521 (named curve), minimal DER lengths, RSA integers as DER has them —
/// read directly: the `spki`/`pkcs1` decoders were a few percent of a scan. What this gives is
/// what [`key_algorithm`] gives (a test compares them); anything else is `None`, for it.
fn common_key(spki_der: &[u8]) -> Option<KeyAlgorithm> {
    use crate::der_reader::strict_tlv as tlv;
    const RSA: &[u8] = &[
        0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00,
    ];
    const EC: &[u8] = &[0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
    const P256: &[u8] = &[0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
    const P384: &[u8] = &[0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22];
    const P521: &[u8] = &[0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x23];
    let (0x30, spki, []) = tlv(spki_der)? else {
        return None;
    };
    let (0x30, alg, rest) = tlv(spki)? else {
        return None;
    };
    let (0x03, [0, key @ ..], []) = tlv(rest)? else {
        return None;
    };
    if alg == RSA {
        // A DER INTEGER: not empty, positive, no superfluous leading zero.
        let der_uint = |n: &[u8]| match n {
            [] => false,
            [0, next, ..] => *next >= 0x80,
            [first, ..] => *first < 0x80,
        };
        let (0x30, rsa, []) = tlv(key)? else {
            return None;
        };
        let (0x02, modulus, rest) = tlv(rsa)? else {
            return None;
        };
        let (0x02, exponent, []) = tlv(rest)? else {
            return None;
        };
        return (der_uint(modulus) && der_uint(exponent)).then(|| KeyAlgorithm::Rsa {
            bits: uint_bits(modulus),
        });
    }
    let curve = alg.strip_prefix(EC)?;
    let curve = if curve == P256 {
        Curve::P256
    } else if curve == P384 {
        Curve::P384
    } else if curve == P521 {
        Curve::P521
    } else {
        return None;
    };
    Some(KeyAlgorithm::Ec { curve })
}

/// Bits in a big-endian unsigned integer, ignoring leading zero bits.
pub fn uint_bits(bytes: &[u8]) -> u32 {
    let mut it = bytes.iter().skip_while(|&&b| b == 0);
    match it.next() {
        None => 0,
        Some(&first) => (8 - first.leading_zeros()) + 8 * it.count() as u32,
    }
}

/// How a private key was stored where certprep found it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyFormat {
    /// PKCS#1 `RSA PRIVATE KEY`.
    Pkcs1,
    /// PKCS#8 `PRIVATE KEY`.
    Pkcs8,
    /// Encrypted PKCS#8 `ENCRYPTED PRIVATE KEY`.
    EncryptedPkcs8,
    /// SEC1 `EC PRIVATE KEY`.
    Sec1,
    /// A key bag inside a PKCS#12 file.
    Pkcs12,
}

impl std::fmt::Display for KeyFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            KeyFormat::Pkcs1 => "PKCS#1",
            KeyFormat::Pkcs8 => "PKCS#8",
            KeyFormat::EncryptedPkcs8 => "encrypted PKCS#8",
            KeyFormat::Sec1 => "SEC1",
            KeyFormat::Pkcs12 => "PKCS#12 key bag",
        })
    }
}

/// A private key, normalised to unencrypted PKCS#8 DER (zeroed on drop), with its public half.
#[derive(Clone)]
pub struct PrivateKey {
    /// Where it was found.
    pub origin: Origin,
    /// How it was stored.
    pub format: KeyFormat,
    /// The key as an unencrypted PKCS#8 PrivateKeyInfo. Never printed.
    pub pkcs8_der: Zeroizing<Vec<u8>>,
    /// The matching public key.
    pub public_key: PublicKey,
    /// PKCS#12 localKeyId bag attribute, if it came from a PFX.
    pub local_key_id: Option<Vec<u8>>,
    /// PKCS#12 friendlyName bag attribute, if any.
    pub friendly_name: Option<String>,
    /// Microsoft CSP name bag attribute (1.3.6.1.4.1.311.17.1), if any.
    pub csp_name: Option<String>,
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrivateKey")
            .field("origin", &self.origin)
            .field("format", &self.format)
            .field("algorithm", &self.public_key.algorithm)
            .finish_non_exhaustive()
    }
}

impl PrivateKey {
    /// Build from unencrypted PKCS#8 DER, deriving the public key (RSA from the modulus, EC
    /// from the embedded public point or, when absent, by scalar multiplication).
    pub fn from_pkcs8_der(der: &[u8], origin: Origin, format: KeyFormat) -> Result<Self, KeyError> {
        let info = pkcs8::PrivateKeyInfo::from_der(der).map_err(KeyError)?;
        let spki_der = public_spki_from_private(&info)?;
        let public_key = PublicKey::from_spki_der(&spki_der)?;
        Ok(PrivateKey {
            origin,
            format,
            pkcs8_der: Zeroizing::new(der.to_vec()),
            public_key,
            local_key_id: None,
            friendly_name: None,
            csp_name: None,
        })
    }

    /// Whether this key is the private half of `public`.
    pub fn matches(&self, public: &PublicKey) -> bool {
        self.public_key.same_key(public)
    }
}

fn public_spki_from_private(info: &pkcs8::PrivateKeyInfo<'_>) -> Result<Vec<u8>, KeyError> {
    let alg = info.algorithm.oid.to_string();
    let bits = match alg.as_str() {
        oid::KEY_RSA | oid::KEY_RSA_PSS => {
            let k = pkcs1::RsaPrivateKey::from_der(info.private_key).map_err(KeyError)?;
            let public = pkcs1::RsaPublicKey {
                modulus: k.modulus,
                public_exponent: k.public_exponent,
            };
            let spki = spki::SubjectPublicKeyInfoOwned {
                algorithm: spki::AlgorithmIdentifierOwned {
                    oid: info.algorithm.oid,
                    parameters: if alg == oid::KEY_RSA {
                        Some(der::asn1::Null.into())
                    } else {
                        None
                    },
                },
                subject_public_key: der::asn1::BitString::from_bytes(
                    &public.to_der().map_err(KeyError)?,
                )
                .map_err(KeyError)?,
            };
            return spki.to_der().map_err(KeyError);
        }
        oid::KEY_EC => {
            let ec = sec1::EcPrivateKey::from_der(info.private_key).map_err(KeyError)?;
            let curve_oid = info
                .algorithm
                .parameters
                .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok())
                .or_else(|| ec.parameters.and_then(|p| p.named_curve()))
                .ok_or(KeyError(der::Error::from(der::ErrorKind::Failed)))?;
            let point = match ec.public_key {
                Some(p) => p.to_vec(),
                None => ec_public_point(&curve_oid.to_string(), ec.private_key)?,
            };
            let spki = spki::SubjectPublicKeyInfoOwned {
                algorithm: spki::AlgorithmIdentifierOwned {
                    oid: info.algorithm.oid,
                    parameters: Some(der::Any::encode_from(&curve_oid).map_err(KeyError)?),
                },
                subject_public_key: der::asn1::BitString::from_bytes(&point).map_err(KeyError)?,
            };
            return spki.to_der().map_err(KeyError);
        }
        _ => info.public_key,
    };
    // Ed25519 and others: only when the PKCS#8 v2 structure carries the public key.
    match bits {
        Some(pk) => spki::SubjectPublicKeyInfoOwned {
            algorithm: spki::AlgorithmIdentifierOwned {
                oid: info.algorithm.oid,
                parameters: None,
            },
            subject_public_key: der::asn1::BitString::from_bytes(pk).map_err(KeyError)?,
        }
        .to_der()
        .map_err(KeyError),
        None => Err(KeyError(der::Error::from(der::ErrorKind::Failed))),
    }
}

fn ec_public_point(curve_oid: &str, scalar: &[u8]) -> Result<Vec<u8>, KeyError> {
    let bad = || KeyError(der::Error::from(der::ErrorKind::Failed));
    match curve_oid {
        oid::CURVE_P256 => {
            let sk = p256::SecretKey::from_slice(scalar).map_err(|_| bad())?;
            Ok(p256::EncodedPoint::from(sk.public_key())
                .as_bytes()
                .to_vec())
        }
        oid::CURVE_P384 => {
            let sk = p384::SecretKey::from_slice(scalar).map_err(|_| bad())?;
            Ok(p384::EncodedPoint::from(sk.public_key())
                .as_bytes()
                .to_vec())
        }
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uint_bits_ignores_leading_zeros() {
        assert_eq!(uint_bits(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(uint_bits(&[0x01]), 1);
        assert_eq!(uint_bits(&[0, 0]), 0);
    }

    /// The public keys of every certificate at hand (embedded roots, fixtures, x509-limbo):
    /// RSA of several sizes, P-256, P-384, P-521 and odder ones.
    fn spkis() -> Vec<Vec<u8>> {
        use x509_parser::prelude::FromDer;
        crate::testing::certificates_at_hand()
            .iter()
            .filter_map(|d| x509_parser::certificate::X509Certificate::from_der(d).ok())
            .map(|(_, c)| c.public_key().raw.to_vec())
            .collect()
    }

    fn same(der: &[u8]) -> Result<(), String> {
        match common_key(der) {
            None => Ok(()),
            Some(ours) => match key_algorithm(der) {
                Ok(theirs) if theirs == ours => Ok(()),
                other => Err(format!("{ours:?} vs {other:?} for {der:02X?}")),
            },
        }
    }

    #[test]
    fn usual_keys_read_directly_as_the_spki_crate_reads_them() {
        let keys = spkis();
        let direct = keys.iter().filter(|k| common_key(k).is_some()).count();
        assert!(direct > 100, "{direct} of {} read directly", keys.len());
        let kinds: std::collections::BTreeSet<String> = keys
            .iter()
            .filter_map(|k| common_key(k))
            .map(|a| format!("{a:?}").split(' ').next().unwrap_or("").to_owned())
            .collect();
        assert!(kinds.len() >= 2, "{kinds:?}");
        for k in &keys {
            assert_eq!(same(k), Ok(()));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Damaged keys (bytes changed, removed, inserted, cut off): whenever the direct
        /// reading takes one, the `spki` crate reads the same algorithm and size.
        #[test]
        fn damaged_keys_read_directly_as_the_spki_crate_reads_them(
            which in 0usize..10_000,
            edits in proptest::collection::vec((proptest::prelude::any::<usize>(), 0u8..4, proptest::prelude::any::<u8>()), 1..3),
        ) {
            use std::sync::LazyLock;
            static KEYS: LazyLock<Vec<Vec<u8>>> = LazyLock::new(spkis);
            let mut der = KEYS[which % KEYS.len()].clone();
            crate::testing::damage(&mut der, &edits);
            proptest::prop_assert_eq!(same(&der), Ok(()));
        }
    }
}

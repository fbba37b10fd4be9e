//! Signature verification over parsed certificates and requests, pure Rust (rsa, p256, p384).
//!
//! Supported: RSA PKCS#1 v1.5 with MD5, SHA-1, SHA-256, SHA-384 and SHA-512; RSASSA-PSS with
//! SHA-256/384/512 (MGF1 with the same hash); ECDSA on P-256 and P-384 with SHA-1, SHA-256,
//! SHA-384 and SHA-512. MD5 and SHA-1 signatures are verified so that a chain can be reported
//! exactly, and flagged weak by [`SignatureAlgorithm::is_weak`]; whether that is acceptable is the
//! caller's decision. Ed25519, P-521 and anything else are [`VerifyError::Unsupported`].
//!
//! This module owns no policy (validity, CA flags): see `chain` for that.

use crate::model::key::Curve;
use crate::model::{Cert, Csr, KeyAlgorithm, PublicKey, Signature};
use crate::oid;
use der::Decode;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};

/// A hash function used inside a signature algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Hash {
    /// MD5 (broken; RFC 6151).
    Md5,
    /// SHA-1 (broken for signatures; deprecated by the CA/B Forum and Microsoft).
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl Hash {
    fn digest(self, message: &[u8]) -> Vec<u8> {
        match self {
            Hash::Md5 => md5::Md5::digest(message).to_vec(),
            Hash::Sha1 => Sha1::digest(message).to_vec(),
            Hash::Sha256 => Sha256::digest(message).to_vec(),
            Hash::Sha384 => Sha384::digest(message).to_vec(),
            Hash::Sha512 => Sha512::digest(message).to_vec(),
        }
    }

    fn from_oid(o: &str) -> Option<Hash> {
        Some(match o {
            oid::HASH_SHA1 => Hash::Sha1,
            oid::HASH_SHA256 => Hash::Sha256,
            oid::HASH_SHA384 => Hash::Sha384,
            oid::HASH_SHA512 => Hash::Sha512,
            _ => return None,
        })
    }
}

/// A signature algorithm certprep can verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(tag = "scheme", content = "hash", rename_all = "kebab-case")]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5 with the hash.
    RsaPkcs1(Hash),
    /// RSASSA-PSS with the hash (and MGF1 with the same hash).
    RsaPss(Hash),
    /// ECDSA with the hash.
    Ecdsa(Hash),
}

impl SignatureAlgorithm {
    /// The hash used.
    pub fn hash(self) -> Hash {
        match self {
            SignatureAlgorithm::RsaPkcs1(h)
            | SignatureAlgorithm::RsaPss(h)
            | SignatureAlgorithm::Ecdsa(h) => h,
        }
    }

    /// Whether the hash is MD5 or SHA-1, which no longer protects a signature.
    pub fn is_weak(self) -> bool {
        matches!(self.hash(), Hash::Md5 | Hash::Sha1)
    }
}

/// Why a signature did not verify.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The signature algorithm (or key type) is one certprep does not verify.
    #[error("signature algorithm {algorithm} is not supported (certprep verifies RSA PKCS#1 v1.5, RSA-PSS and ECDSA P-256/P-384)")]
    Unsupported {
        /// The algorithm's name or dotted OID.
        algorithm: String,
    },
    /// The signature algorithm does not fit the signer's key (an ECDSA signature and an RSA
    /// key, for example).
    #[error("a {algorithm} signature cannot come from a {key} key")]
    KeyMismatch {
        /// The signature algorithm's name.
        algorithm: String,
        /// The key's description.
        key: String,
    },
    /// The signer's public key could not be read.
    #[error("the signer's public key is malformed")]
    MalformedKey,
    /// The algorithm parameters (RSA-PSS) are malformed or not allowed.
    #[error("the signature algorithm parameters are malformed or not allowed")]
    BadParameters,
    /// The signature does not verify under the key.
    #[error("the signature does not verify under the signer's key")]
    Invalid,
}

/// Identify the algorithm in `sig` and check that it fits the signer key `spki`.
pub fn algorithm(spki: &PublicKey, sig: &Signature) -> Result<SignatureAlgorithm, VerifyError> {
    let alg = match sig.algorithm.as_str() {
        oid::SIG_RSA_MD5 => SignatureAlgorithm::RsaPkcs1(Hash::Md5),
        oid::SIG_RSA_SHA1 => SignatureAlgorithm::RsaPkcs1(Hash::Sha1),
        oid::SIG_RSA_SHA256 => SignatureAlgorithm::RsaPkcs1(Hash::Sha256),
        oid::SIG_RSA_SHA384 => SignatureAlgorithm::RsaPkcs1(Hash::Sha384),
        oid::SIG_RSA_SHA512 => SignatureAlgorithm::RsaPkcs1(Hash::Sha512),
        oid::SIG_RSA_PSS => SignatureAlgorithm::RsaPss(pss_params(sig)?.0),
        oid::SIG_ECDSA_SHA1 => SignatureAlgorithm::Ecdsa(Hash::Sha1),
        oid::SIG_ECDSA_SHA256 => SignatureAlgorithm::Ecdsa(Hash::Sha256),
        oid::SIG_ECDSA_SHA384 => SignatureAlgorithm::Ecdsa(Hash::Sha384),
        oid::SIG_ECDSA_SHA512 => SignatureAlgorithm::Ecdsa(Hash::Sha512),
        _ => {
            return Err(VerifyError::Unsupported {
                algorithm: sig.algorithm_name(),
            })
        }
    };
    let fits = match (alg, &spki.algorithm) {
        (
            SignatureAlgorithm::RsaPkcs1(_) | SignatureAlgorithm::RsaPss(_),
            KeyAlgorithm::Rsa { .. },
        ) => true,
        (SignatureAlgorithm::Ecdsa(_), KeyAlgorithm::Ec { curve }) => {
            if !matches!(curve, Curve::P256 | Curve::P384) {
                return Err(VerifyError::Unsupported {
                    algorithm: format!("{} on {curve}", sig.algorithm_name()),
                });
            }
            true
        }
        _ => false,
    };
    if !fits {
        return Err(VerifyError::KeyMismatch {
            algorithm: sig.algorithm_name(),
            key: spki.algorithm.to_string(),
        });
    }
    Ok(alg)
}

/// Verify `sig` over `message` under `spki`. Returns the algorithm that verified.
pub fn verify_signed(
    spki: &PublicKey,
    sig: &Signature,
    message: &[u8],
) -> Result<SignatureAlgorithm, VerifyError> {
    let alg = algorithm(spki, sig)?;
    let key_bits = spki::SubjectPublicKeyInfoRef::from_der(&spki.spki_der)
        .map_err(|_| VerifyError::MalformedKey)?
        .subject_public_key
        .raw_bytes()
        .to_vec();
    match alg {
        SignatureAlgorithm::RsaPkcs1(hash) => {
            let key = rsa_key(&key_bits)?;
            let hashed = hash.digest(message);
            let scheme = match hash {
                // rsa's `Pkcs1v15Sign::new::<D>` needs the digest's `AssociatedOid`, which
                // md-5 only provides behind a feature; the DigestInfo prefix is fixed by
                // RFC 8017 §9.2 note 1, so it is written out here.
                Hash::Md5 => rsa::Pkcs1v15Sign {
                    hash_len: Some(16),
                    prefix: MD5_DIGEST_INFO_PREFIX.into(),
                },
                Hash::Sha1 => rsa::Pkcs1v15Sign::new::<Sha1>(),
                Hash::Sha256 => rsa::Pkcs1v15Sign::new::<Sha256>(),
                Hash::Sha384 => rsa::Pkcs1v15Sign::new::<Sha384>(),
                Hash::Sha512 => rsa::Pkcs1v15Sign::new::<Sha512>(),
            };
            key.verify(scheme, &hashed, &sig.value)
                .map_err(|_| VerifyError::Invalid)
        }
        SignatureAlgorithm::RsaPss(hash) => {
            let key = rsa_key(&key_bits)?;
            let (_, salt) = pss_params(sig)?;
            let hashed = hash.digest(message);
            let scheme = match hash {
                Hash::Sha256 => rsa::Pss::new_with_salt::<Sha256>(salt),
                Hash::Sha384 => rsa::Pss::new_with_salt::<Sha384>(salt),
                Hash::Sha512 => rsa::Pss::new_with_salt::<Sha512>(salt),
                Hash::Md5 | Hash::Sha1 => {
                    return Err(VerifyError::Unsupported {
                        algorithm: "RSASSA-PSS with SHA-1".into(),
                    })
                }
            };
            key.verify(scheme, &hashed, &sig.value)
                .map_err(|_| VerifyError::Invalid)
        }
        SignatureAlgorithm::Ecdsa(hash) => {
            use ecdsa::signature::hazmat::PrehashVerifier;
            let hashed = hash.digest(message);
            let ok = match &spki.algorithm {
                KeyAlgorithm::Ec { curve: Curve::P256 } => {
                    let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(&key_bits)
                        .map_err(|_| VerifyError::MalformedKey)?;
                    let s = p256::ecdsa::Signature::from_der(&sig.value)
                        .map_err(|_| VerifyError::Invalid)?;
                    key.verify_prehash(&hashed, &s).is_ok()
                }
                KeyAlgorithm::Ec { curve: Curve::P384 } => {
                    let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(&key_bits)
                        .map_err(|_| VerifyError::MalformedKey)?;
                    let s = p384::ecdsa::Signature::from_der(&sig.value)
                        .map_err(|_| VerifyError::Invalid)?;
                    key.verify_prehash(&hashed, &s).is_ok()
                }
                _ => false,
            };
            if ok {
                Ok(())
            } else {
                Err(VerifyError::Invalid)
            }
        }
    }
    .map(|()| alg)
}

/// DigestInfo prefix for MD5 (RFC 8017 §9.2, note 1).
const MD5_DIGEST_INFO_PREFIX: [u8; 18] = [
    0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05, 0x05, 0x00,
    0x04, 0x10,
];

fn rsa_key(pkcs1_der: &[u8]) -> Result<rsa::RsaPublicKey, VerifyError> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    rsa::RsaPublicKey::from_pkcs1_der(pkcs1_der).map_err(|_| VerifyError::MalformedKey)
}

/// RSASSA-PSS parameters (RFC 4055 §3.1): the hash and the salt length. MGF1 must use the same
/// hash (what every CA issues, and what the rsa crate implements); the trailer must be 1.
fn pss_params(sig: &Signature) -> Result<(Hash, usize), VerifyError> {
    let der = sig
        .parameters
        .as_deref()
        .ok_or(VerifyError::BadParameters)?;
    let p = pkcs1::RsaPssParams::from_der(der).map_err(|_| VerifyError::BadParameters)?;
    let hash = Hash::from_oid(&p.hash.oid.to_string()).ok_or(VerifyError::BadParameters)?;
    if p.mask_gen.oid.to_string() != oid::MGF1 {
        return Err(VerifyError::BadParameters);
    }
    let mgf_hash = p
        .mask_gen
        .parameters
        .as_ref()
        .and_then(|h| Hash::from_oid(&h.oid.to_string()))
        .ok_or(VerifyError::BadParameters)?;
    if mgf_hash != hash {
        return Err(VerifyError::Unsupported {
            algorithm: "RSASSA-PSS with an MGF1 hash different from the message hash".into(),
        });
    }
    Ok((hash, usize::from(p.salt_len)))
}

/// Verify that `issuer`'s key signed `child`. Names are not compared here.
///
/// Results are memoised process-wide by SHA-256 over the issuer's key and the child's exact
/// DER: the answer is a pure function of those bytes, and a batch (`scan` over a tree, where the
/// same certificates sit in many files) would otherwise verify the same pair thousands of times
/// — pure-Rust P-384 verification costs about a millisecond. Bounded: cleared when full.
pub fn cert_signed_by(child: &Cert, issuer: &Cert) -> Result<SignatureAlgorithm, VerifyError> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    type Memo = Mutex<HashMap<[u8; 32], Result<SignatureAlgorithm, VerifyError>>>;
    static MEMO: OnceLock<Memo> = OnceLock::new();
    const MEMO_CAP: usize = 16_384;
    let mut h = Sha256::new();
    h.update((issuer.public_key.spki_der.len() as u64).to_be_bytes());
    h.update(&issuer.public_key.spki_der);
    h.update(&child.der);
    let key: [u8; 32] = h.finalize().into();
    let memo = MEMO.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(r) = memo.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return r;
    }
    let r = verify_signed(&issuer.public_key, &child.signature, child.tbs());
    if let Ok(mut m) = memo.lock() {
        if m.len() >= MEMO_CAP {
            m.clear();
        }
        m.insert(key, r.clone());
    }
    r
}

/// Verify a request's self-signature (proof of possession of the key).
pub fn csr_signature_ok(csr: &Csr) -> Result<SignatureAlgorithm, VerifyError> {
    verify_signed(&csr.public_key, &csr.signature, csr.info())
}

/// Self-signed: self-issued (subject equals issuer) AND the signature verifies under the
/// certificate's own key.
pub fn is_self_signed(cert: &Cert) -> bool {
    cert.is_self_issued() && cert_signed_by(cert, cert).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_prefix_is_the_rfc_8017_digest_info() {
        // SEQUENCE { SEQUENCE { OID 1.2.840.113549.2.5, NULL }, OCTET STRING (16) }
        assert_eq!(
            MD5_DIGEST_INFO_PREFIX[6..16],
            [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05, 0x05, 0x00]
        );
        assert_eq!(MD5_DIGEST_INFO_PREFIX[17], 16);
    }
}

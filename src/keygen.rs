//! New private keys for requests and self-signed certificates: generation (RSA 2048/3072/4096,
//! ECDSA P-256/P-384), PKCS#8 PEM output (optionally PBES2-encrypted) and signing.
//!
//! Pure Rust at run time: RSA keys come from the `rsa` crate (ring cannot generate RSA keys),
//! ECDSA keys from `p256`/`p384`. Randomness is an argument, so callers (and tests) choose
//! the source; the binary passes the operating system's generator. Key material lives only in
//! zeroizing buffers and is never formatted by `Debug`.

use crate::csr_error::CsrError;
use crate::model::{KeyFormat, PrivateKey, PublicKey};
use crate::oid;
use crate::origin::Origin;
use crate::secret::Secret;
use der::asn1::ObjectIdentifier;
use pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rand_core::CryptoRngCore;
use spki::AlgorithmIdentifierOwned;
use zeroize::Zeroizing;

/// PBKDF2-HMAC-SHA256 iterations for an encrypted key: OWASP's 2023 recommendation for
/// PBKDF2-HMAC-SHA256 (600,000), below the 1,000,000 that certprep's own reader accepts.
pub const KEY_ENCRYPTION_ITERATIONS: u32 = 600_000;

/// The kinds of key certprep generates. RSA 2048 is Exchange's default (`-KeySize 2048`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyType {
    /// RSA, 2048-bit modulus (Exchange's default).
    #[default]
    Rsa2048,
    /// RSA, 3072-bit modulus.
    Rsa3072,
    /// RSA, 4096-bit modulus.
    Rsa4096,
    /// ECDSA on NIST P-256, signing with SHA-256.
    P256,
    /// ECDSA on NIST P-384, signing with SHA-384.
    P384,
}

impl KeyType {
    /// The key type of an existing public key, when certprep can generate that kind
    /// (used to renew with the same kind of key).
    pub fn of(algorithm: &crate::model::KeyAlgorithm) -> Option<KeyType> {
        use crate::model::{Curve, KeyAlgorithm};
        match algorithm {
            KeyAlgorithm::Rsa { bits: 2048 } => Some(KeyType::Rsa2048),
            KeyAlgorithm::Rsa { bits: 3072 } => Some(KeyType::Rsa3072),
            KeyAlgorithm::Rsa { bits: 4096 } => Some(KeyType::Rsa4096),
            KeyAlgorithm::Ec { curve: Curve::P256 } => Some(KeyType::P256),
            KeyAlgorithm::Ec { curve: Curve::P384 } => Some(KeyType::P384),
            _ => None,
        }
    }

    fn rsa_bits(self) -> Option<usize> {
        match self {
            KeyType::Rsa2048 => Some(2048),
            KeyType::Rsa3072 => Some(3072),
            KeyType::Rsa4096 => Some(4096),
            KeyType::P256 | KeyType::P384 => None,
        }
    }
}

impl std::fmt::Display for KeyType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            KeyType::Rsa2048 => "RSA 2048",
            KeyType::Rsa3072 => "RSA 3072",
            KeyType::Rsa4096 => "RSA 4096",
            KeyType::P256 => "ECDSA P-256",
            KeyType::P384 => "ECDSA P-384",
        })
    }
}

enum KeyMaterial {
    Rsa(Box<rsa::RsaPrivateKey>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
}

/// A freshly generated (or loaded) signing key with its public half.
pub struct GeneratedKey {
    key_type: KeyType,
    secret: KeyMaterial,
    public_key: PublicKey,
}

impl std::fmt::Debug for GeneratedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeneratedKey")
            .field("key_type", &self.key_type)
            .finish_non_exhaustive()
    }
}

impl GeneratedKey {
    /// Generate a new key of `key_type` from `rng`.
    pub fn generate<R: CryptoRngCore + ?Sized>(
        key_type: KeyType,
        rng: &mut R,
    ) -> Result<GeneratedKey, CsrError> {
        let secret = match key_type.rsa_bits() {
            Some(bits) => KeyMaterial::Rsa(Box::new(
                rsa::RsaPrivateKey::new(rng, bits).map_err(CsrError::RsaGeneration)?,
            )),
            None if key_type == KeyType::P256 => {
                KeyMaterial::P256(p256::ecdsa::SigningKey::random(&mut RngRef(rng)))
            }
            None => KeyMaterial::P384(p384::ecdsa::SigningKey::random(&mut RngRef(rng))),
        };
        Self::from_secret(key_type, secret)
    }

    /// Load an unencrypted PKCS#8 key of a kind certprep can sign with (RSA 2048/3072/4096,
    /// ECDSA P-256/P-384). `None` for any other kind.
    pub fn from_private_key(key: &PrivateKey) -> Result<Option<GeneratedKey>, CsrError> {
        use pkcs8::DecodePrivateKey;
        let Some(key_type) = KeyType::of(&key.public_key.algorithm) else {
            return Ok(None);
        };
        let der: &[u8] = &key.pkcs8_der;
        let secret = match key_type {
            KeyType::P256 => KeyMaterial::P256(
                p256::ecdsa::SigningKey::from_pkcs8_der(der).map_err(CsrError::KeyEncoding)?,
            ),
            KeyType::P384 => KeyMaterial::P384(
                p384::ecdsa::SigningKey::from_pkcs8_der(der).map_err(CsrError::KeyEncoding)?,
            ),
            _ => KeyMaterial::Rsa(Box::new(
                rsa::RsaPrivateKey::from_pkcs8_der(der).map_err(CsrError::KeyEncoding)?,
            )),
        };
        Self::from_secret(key_type, secret).map(Some)
    }

    fn from_secret(key_type: KeyType, secret: KeyMaterial) -> Result<GeneratedKey, CsrError> {
        let spki = match &secret {
            KeyMaterial::Rsa(k) => k.to_public_key().to_public_key_der(),
            KeyMaterial::P256(k) => k.verifying_key().to_public_key_der(),
            KeyMaterial::P384(k) => k.verifying_key().to_public_key_der(),
        }
        .map_err(CsrError::SpkiEncoding)?;
        let public_key =
            PublicKey::from_spki_der(spki.as_bytes()).map_err(|e| CsrError::Encoding(e.0))?;
        Ok(GeneratedKey {
            key_type,
            secret,
            public_key,
        })
    }

    /// What kind of key this is.
    pub fn key_type(&self) -> KeyType {
        self.key_type
    }

    /// The public key (its SubjectPublicKeyInfo goes into requests and certificates).
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// The key as unencrypted PKCS#8 DER (zeroed on drop).
    pub fn pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, CsrError> {
        let doc = match &self.secret {
            KeyMaterial::Rsa(k) => k.to_pkcs8_der(),
            KeyMaterial::P256(k) => k.to_pkcs8_der(),
            KeyMaterial::P384(k) => k.to_pkcs8_der(),
        }
        .map_err(CsrError::KeyEncoding)?;
        Ok(Zeroizing::new(doc.as_bytes().to_vec()))
    }

    /// The key as an unencrypted PKCS#8 `PRIVATE KEY` PEM (LF line ends).
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, CsrError> {
        let der = self.pkcs8_der()?;
        pem_string("PRIVATE KEY", &der)
    }

    /// The key as an `ENCRYPTED PRIVATE KEY` PEM: PBES2 with PBKDF2-HMAC-SHA256
    /// ([`KEY_ENCRYPTION_ITERATIONS`] iterations, 16-byte random salt) and AES-256-CBC, the
    /// scheme OpenSSL 3 writes by default and Windows (CNG) imports.
    pub fn to_encrypted_pkcs8_pem<R: CryptoRngCore + ?Sized>(
        &self,
        password: &Secret,
        rng: &mut R,
    ) -> Result<Zeroizing<String>, CsrError> {
        self.to_encrypted_pkcs8_pem_with_iterations(password, KEY_ENCRYPTION_ITERATIONS, rng)
    }

    /// As [`GeneratedKey::to_encrypted_pkcs8_pem`] with an explicit iteration count.
    pub fn to_encrypted_pkcs8_pem_with_iterations<R: CryptoRngCore + ?Sized>(
        &self,
        password: &Secret,
        iterations: u32,
        rng: &mut R,
    ) -> Result<Zeroizing<String>, CsrError> {
        let der = self.pkcs8_der()?;
        let mut salt = [0u8; 16];
        let mut iv = [0u8; 16];
        rng.fill_bytes(&mut salt);
        rng.fill_bytes(&mut iv);
        let params = pkcs5::pbes2::Parameters::pbkdf2_sha256_aes256cbc(iterations, &salt, &iv)
            .map_err(|e| CsrError::KeyEncryption(pkcs8::Error::EncryptedPrivateKey(e)))?;
        // Encrypted here rather than by `PrivateKeyInfo::encrypt_with_params`, so that the
        // PBKDF2-derived key sits in a buffer zeroed on drop (`pkcs5` keeps it in a plain
        // array it does not zero). The same crates, the same PBES2 parameters.
        let mut key = Zeroizing::new([0u8; 32]);
        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(
            password.expose().as_bytes(),
            &salt,
            iterations,
            &mut *key,
        );
        let encrypted_data = {
            use cbc::cipher::{block_padding::Pkcs7, BlockEncryptMut, KeyIvInit};
            cbc::Encryptor::<aes::Aes256>::new(&(*key).into(), &iv.into())
                .encrypt_padded_vec_mut::<Pkcs7>(&der)
        };
        let info = pkcs8::EncryptedPrivateKeyInfo {
            encryption_algorithm: params.into(),
            encrypted_data: &encrypted_data,
        };
        let doc = der::Encode::to_der(&info).map_err(CsrError::Encoding)?;
        pem_string("ENCRYPTED PRIVATE KEY", &doc)
    }

    /// This key as the model's [`PrivateKey`] (for building a PKCS#12 file), found at `origin`.
    pub fn to_private_key(&self, origin: Origin) -> Result<PrivateKey, CsrError> {
        let der = self.pkcs8_der()?;
        PrivateKey::from_pkcs8_der(&der, origin, KeyFormat::Pkcs8)
            .map_err(|e| CsrError::Encoding(e.0))
    }

    /// The signature algorithm this key signs with: sha256WithRSAEncryption (parameters NULL,
    /// RFC 4055 §5), ecdsa-with-SHA256 for P-256, ecdsa-with-SHA384 for P-384 (no parameters,
    /// RFC 5758 §3.2).
    pub fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        let (o, null) = match self.secret {
            KeyMaterial::Rsa(_) => (oid::SIG_RSA_SHA256, true),
            KeyMaterial::P256(_) => (oid::SIG_ECDSA_SHA256, false),
            KeyMaterial::P384(_) => (oid::SIG_ECDSA_SHA384, false),
        };
        AlgorithmIdentifierOwned {
            oid: ObjectIdentifier::new_unwrap(o),
            parameters: null.then(|| der::asn1::Null.into()),
        }
    }

    /// Sign `message` with [`GeneratedKey::signature_algorithm`]: an RSA PKCS#1 v1.5 signature
    /// (blinded with `rng`) or a DER-encoded ECDSA signature (RFC 6979 deterministic).
    pub fn sign<R: CryptoRngCore + ?Sized>(
        &self,
        message: &[u8],
        rng: &mut R,
    ) -> Result<Vec<u8>, CsrError> {
        use signature::{RandomizedSigner, SignatureEncoding, Signer};
        Ok(match &self.secret {
            KeyMaterial::Rsa(k) => {
                let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new((**k).clone());
                signer
                    .try_sign_with_rng(&mut RngRef(rng), message)
                    .map_err(CsrError::Signing)?
                    .to_vec()
            }
            KeyMaterial::P256(k) => {
                let sig: p256::ecdsa::Signature = k.try_sign(message).map_err(CsrError::Signing)?;
                sig.to_der().as_bytes().to_vec()
            }
            KeyMaterial::P384(k) => {
                let sig: p384::ecdsa::Signature = k.try_sign(message).map_err(CsrError::Signing)?;
                sig.to_der().as_bytes().to_vec()
            }
        })
    }
}

fn pem_string(label: &'static str, der: &[u8]) -> Result<Zeroizing<String>, CsrError> {
    der::pem::encode_string(label, LineEnding::LF, der)
        .map(Zeroizing::new)
        .map_err(|e| CsrError::Encoding(e.into()))
}

/// Adapts `&mut R` (possibly unsized) to the `Sized` RNG that some generators require.
struct RngRef<'a, R: ?Sized>(&'a mut R);

impl<R: CryptoRngCore + ?Sized> rand_core::RngCore for RngRef<'_, R> {
    fn next_u32(&mut self) -> u32 {
        self.0.next_u32()
    }
    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.0.fill_bytes(dest)
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.0.try_fill_bytes(dest)
    }
}

impl<R: CryptoRngCore + ?Sized> rand_core::CryptoRng for RngRef<'_, R> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_p256_key_round_trips_through_pkcs8() {
        let k = GeneratedKey::generate(KeyType::P256, &mut rand_core::OsRng).unwrap();
        let pk = k.to_private_key(Origin::file("t")).unwrap();
        assert!(pk.matches(k.public_key()));
        let again = GeneratedKey::from_private_key(&pk).unwrap().unwrap();
        assert_eq!(again.public_key(), k.public_key());
        assert_eq!(KeyType::of(&k.public_key().algorithm), Some(KeyType::P256));
    }

    #[test]
    fn generated_key_debug_shows_no_material() {
        let k = GeneratedKey::generate(KeyType::P384, &mut rand_core::OsRng).unwrap();
        let pem = k.to_pkcs8_pem().unwrap();
        let body = pem.lines().nth(1).unwrap().to_owned();
        assert!(!format!("{k:?}").contains(&body));
    }
}

//! Private keys in every form administrators have, normalised to unencrypted PKCS#8 DER
//! ([`PrivateKey::from_pkcs8_der`]): PKCS#8, encrypted PKCS#8 (PBES2), PKCS#1 `RSA PRIVATE KEY`,
//! SEC1 `EC PRIVATE KEY`, and OpenSSL's legacy encrypted PEM (`Proc-Type: 4,ENCRYPTED`).
//!
//! PKCS#1 and SEC1 keys are wrapped exactly as `openssl pkcs8 -topk8 -nocrypt` does (RFC 5208
//! §5: rsaEncryption with NULL parameters around the PKCS#1 structure; id-ecPublicKey with the
//! named curve around the SEC1 structure minus its own curve field), so the result is
//! byte-identical to OpenSSL's PKCS#8.
//! Iteration counts are checked against [`DetectOptions::max_iterations`] before any
//! derivation, and every password tried is charged to the input's key-derivation budget
//! ([`crate::budget`]) before it runs: a hostile file must not pin a CPU.

use super::ber;
use super::sniff::{der_kind, DerKind};
use super::{DetectOptions, Origin};
use crate::budget::{self, KdfHash, Spent};
use crate::input_error::{InputError, ObjectKind};
use crate::model::{KeyFormat, PrivateKey};
use crate::oid;
use der::asn1::{AnyRef, ObjectIdentifier};
use der::{Decode, Encode};
use zeroize::Zeroizing;

/// Scrypt working memory certprep allows (128·r·N bytes).
const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;

/// Read a DER private key of any supported form, recognised by content. The key is an input
/// tree of its own: it gets a fresh per-file key-derivation budget.
pub fn read(der: &[u8], origin: &Origin, opts: &DetectOptions) -> Result<PrivateKey, InputError> {
    read_in(der, origin, opts, &Spent::default())
}

/// [`read`] inside an input tree that has already spent `spent`.
pub(crate) fn read_in(
    der: &[u8],
    origin: &Origin,
    opts: &DetectOptions,
    spent: &Spent,
) -> Result<PrivateKey, InputError> {
    match der_kind(der) {
        Some(DerKind::Pkcs8) => from_pkcs8(der, origin, KeyFormat::Pkcs8),
        Some(DerKind::EncryptedPkcs8) => from_encrypted_pkcs8(der, origin, opts, spent),
        Some(DerKind::RsaPkcs1) => from_pkcs1(der, origin),
        Some(DerKind::Sec1) => from_sec1(der, origin),
        _ => Err(malformed(
            origin,
            "not a PKCS#8, PKCS#1 or SEC1 private key",
        )),
    }
}

fn malformed(origin: &Origin, e: impl Into<crate::input_error::BoxError>) -> InputError {
    InputError::Malformed {
        origin: origin.clone(),
        kind: ObjectKind::PrivateKey,
        source: e.into(),
    }
}

fn from_pkcs8(der: &[u8], origin: &Origin, format: KeyFormat) -> Result<PrivateKey, InputError> {
    PrivateKey::from_pkcs8_der(der, origin.clone(), format).map_err(|e| malformed(origin, e))
}

/// Wrap a PKCS#1 RSAPrivateKey in PKCS#8 (rsaEncryption, NULL parameters).
fn from_pkcs1(der: &[u8], origin: &Origin) -> Result<PrivateKey, InputError> {
    pkcs1::RsaPrivateKey::from_der(der).map_err(|e| malformed(origin, e))?;
    let alg = ObjectIdentifier::new(oid::KEY_RSA).map_err(|e| malformed(origin, e))?;
    let wrapped = wrap(alg, Some(AnyRef::NULL), der).map_err(|e| malformed(origin, e))?;
    from_pkcs8(&wrapped, origin, KeyFormat::Pkcs1)
}

/// Wrap a SEC1 ECPrivateKey in PKCS#8 (id-ecPublicKey, the curve OID as parameters).
fn from_sec1(der: &[u8], origin: &Origin) -> Result<PrivateKey, InputError> {
    let ec = sec1::EcPrivateKey::from_der(der).map_err(|e| malformed(origin, e))?;
    let curve = ec
        .parameters
        .and_then(|p| p.named_curve())
        .ok_or_else(|| malformed(origin, "the EC key does not name its curve"))?;
    let curve_der = curve.to_der().map_err(|e| malformed(origin, e))?;
    let params = AnyRef::from_der(&curve_der).map_err(|e| malformed(origin, e))?;
    let alg = ObjectIdentifier::new(oid::KEY_EC).map_err(|e| malformed(origin, e))?;
    // Inside PKCS#8 the curve lives in the AlgorithmIdentifier; OpenSSL drops the copy in
    // ECPrivateKey.parameters (RFC 5915 §3 allows either), and so do we.
    let inner = sec1::EcPrivateKey {
        parameters: None,
        ..ec
    };
    let inner = Zeroizing::new(inner.to_der().map_err(|e| malformed(origin, e))?);
    let wrapped = wrap(alg, Some(params), &inner).map_err(|e| malformed(origin, e))?;
    from_pkcs8(&wrapped, origin, KeyFormat::Sec1)
}

fn wrap(
    alg: ObjectIdentifier,
    params: Option<AnyRef<'_>>,
    key: &[u8],
) -> der::Result<Zeroizing<Vec<u8>>> {
    let info = pkcs8::PrivateKeyInfo {
        algorithm: pkcs8::AlgorithmIdentifierRef {
            oid: alg,
            parameters: params,
        },
        private_key: key,
        public_key: None,
    };
    info.to_der().map(Zeroizing::new)
}

/// The passwords tried, in order: the empty one, then the user's.
fn candidates(opts: &DetectOptions) -> impl Iterator<Item = &str> {
    std::iter::once("").chain(opts.passwords.iter().map(|p| p.expose()))
}

fn password_needed(origin: &Origin, opts: &DetectOptions) -> InputError {
    InputError::PasswordNeeded {
        origin: origin.clone(),
        kind: ObjectKind::PrivateKey,
        tried_given: !opts.passwords.is_empty(),
    }
}

fn unsupported(origin: &Origin, algorithm: impl Into<String>) -> InputError {
    InputError::UnsupportedAlgorithm {
        origin: origin.clone(),
        kind: ObjectKind::PrivateKey,
        algorithm: algorithm.into(),
    }
}

fn too_many(origin: &Origin, count: u64, opts: &DetectOptions) -> InputError {
    InputError::IterationsTooHigh {
        origin: origin.clone(),
        kind: ObjectKind::PrivateKey,
        count,
        cap: opts.max_iterations,
    }
}

/// Decrypt an EncryptedPrivateKeyInfo (RFC 5208 §6) protected with PBES2 (RFC 8018 §6.2).
fn from_encrypted_pkcs8(
    der: &[u8],
    origin: &Origin,
    opts: &DetectOptions,
    spent: &Spent,
) -> Result<PrivateKey, InputError> {
    // Name the scheme before asking `pkcs8` to decode it, so PKCS#12-style PBE and PBES1 get a
    // clear "unsupported" rather than "damaged".
    let alg_oid = ber::read(der)
        .and_then(|(t, _)| t.children().next())
        .and_then(|a| a.children().next())
        .and_then(|o| crate::der_reader::oid_to_string(o.content))
        .unwrap_or_default();
    if alg_oid != oid::PBES2 {
        let name = if alg_oid.starts_with(oid::PBE_PKCS12_ARC) {
            format!("PKCS#12 password-based encryption ({alg_oid})")
        } else if alg_oid.starts_with("1.2.840.113549.1.5.") {
            format!("PBES1 ({alg_oid}), a DES-era scheme")
        } else {
            format!("encryption scheme {alg_oid}")
        };
        return Err(unsupported(origin, name));
    }
    let info = pkcs8::EncryptedPrivateKeyInfo::from_der(der).map_err(|e| malformed(origin, e))?;
    let params = match &info.encryption_algorithm {
        pkcs5::EncryptionScheme::Pbes2(p) => p,
        _ => return Err(unsupported(origin, "PBES1")),
    };
    let key_len = params.encryption.key_size();
    // What one password try costs, charged before each try.
    let cost = match &params.kdf {
        pkcs5::pbes2::Kdf::Pbkdf2(p) => {
            if p.iteration_count > opts.max_iterations {
                return Err(too_many(origin, p.iteration_count.into(), opts));
            }
            use pkcs5::pbes2::Pbkdf2Prf as P;
            let hash = match p.prf {
                P::HmacWithSha1 => KdfHash::Sha1,
                P::HmacWithSha224 => KdfHash::Sha224,
                P::HmacWithSha256 => KdfHash::Sha256,
                P::HmacWithSha384 => KdfHash::Sha384,
                P::HmacWithSha512 => KdfHash::Sha512,
                // A PRF `pkcs5` learns later: charged as the dearest known one.
                _ => KdfHash::Sha512,
            };
            budget::pbkdf2_cost(hash, p.iteration_count.into(), key_len)
        }
        pkcs5::pbes2::Kdf::Scrypt(p) => {
            let n = p.cost_parameter;
            let work = n
                .saturating_mul(u64::from(p.block_size))
                .saturating_mul(u64::from(p.parallelization));
            let memory = n
                .saturating_mul(128)
                .saturating_mul(u64::from(p.block_size));
            if work > u64::from(opts.max_iterations) || memory > MAX_SCRYPT_MEMORY {
                return Err(too_many(origin, work, opts));
            }
            budget::scrypt_cost(n, p.block_size.into(), p.parallelization.into())
        }
        _ => return Err(unsupported(origin, params.kdf.oid().to_string())),
    };
    let account = opts.account(spent);
    for pw in candidates(opts) {
        if let Err(scope) = account.charge(cost) {
            return Err(InputError::over_budget(
                origin,
                ObjectKind::PrivateKey,
                scope,
                &account,
            ));
        }
        match decrypt_pbes2(&info, pw.as_bytes()) {
            Ok(doc) => {
                if let Ok(k) =
                    PrivateKey::from_pkcs8_der(&doc, origin.clone(), KeyFormat::EncryptedPkcs8)
                {
                    return Ok(k);
                }
            }
            Err(pkcs8::Error::EncryptedPrivateKey(pkcs5::Error::UnsupportedAlgorithm { oid })) => {
                return Err(unsupported(origin, oid.to_string()));
            }
            Err(_) => {} // wrong password (bad padding or garbage): try the next one
        }
    }
    Err(password_needed(origin, opts))
}

/// `EncryptedPrivateKeyInfo::decrypt` with the PBKDF2-derived key in a buffer zeroed on drop:
/// the `pkcs5` crate keeps its derived key in a plain array it does not zero
/// (`pbes2/encryption.rs`, "TODO(tarcieri): zeroize?"), which a core dump or swapped page
/// would hold. PBKDF2 with AES-CBC or 3DES-CBC (what OpenSSL, Windows and certprep write) is
/// done here with the same crates; scrypt and single DES still go through `pkcs5`.
fn decrypt_pbes2(
    info: &pkcs8::EncryptedPrivateKeyInfo<'_>,
    pw: &[u8],
) -> Result<Zeroizing<Vec<u8>>, pkcs8::Error> {
    use pkcs5::pbes2::{EncryptionScheme as Cipher, Kdf, Pbkdf2Prf};
    if let pkcs5::EncryptionScheme::Pbes2(params) = &info.encryption_algorithm {
        let cipher = match &params.encryption {
            Cipher::Aes128Cbc { iv } => Some(("AES-128-CBC", &iv[..])),
            Cipher::Aes192Cbc { iv } => Some(("AES-192-CBC", &iv[..])),
            Cipher::Aes256Cbc { iv } => Some(("AES-256-CBC", &iv[..])),
            Cipher::DesEde3Cbc { iv } => Some(("DES-EDE3-CBC", &iv[..])),
            _ => None,
        };
        let key_len = params.encryption.key_size();
        if let (Kdf::Pbkdf2(kdf), Some((alg, iv))) = (&params.kdf, cipher) {
            // A stated key length must match the cipher's (as `pkcs5` requires).
            if kdf.key_length.is_some_and(|l| usize::from(l) != key_len) {
                return Err(pkcs8::Error::EncryptedPrivateKey(
                    pkcs5::Error::DecryptFailed,
                ));
            }
            let mut key = Zeroizing::new(vec![0u8; key_len]);
            let (salt, rounds) = (kdf.salt, kdf.iteration_count);
            match kdf.prf {
                Pbkdf2Prf::HmacWithSha1 => {
                    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(pw, salt, rounds, &mut key)
                }
                Pbkdf2Prf::HmacWithSha224 => {
                    pbkdf2::pbkdf2_hmac::<sha2::Sha224>(pw, salt, rounds, &mut key)
                }
                Pbkdf2Prf::HmacWithSha256 => {
                    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(pw, salt, rounds, &mut key)
                }
                Pbkdf2Prf::HmacWithSha384 => {
                    pbkdf2::pbkdf2_hmac::<sha2::Sha384>(pw, salt, rounds, &mut key)
                }
                Pbkdf2Prf::HmacWithSha512 => {
                    pbkdf2::pbkdf2_hmac::<sha2::Sha512>(pw, salt, rounds, &mut key)
                }
                _ => return pkcs5_decrypt(info, pw),
            }
            return cbc_decrypt(alg, &key, iv, info.encrypted_data).ok_or(
                pkcs8::Error::EncryptedPrivateKey(pkcs5::Error::DecryptFailed),
            );
        }
    }
    pkcs5_decrypt(info, pw)
}

fn pkcs5_decrypt(
    info: &pkcs8::EncryptedPrivateKeyInfo<'_>,
    pw: &[u8],
) -> Result<Zeroizing<Vec<u8>>, pkcs8::Error> {
    info.decrypt(pw)
        .map(|doc| Zeroizing::new(doc.as_bytes().to_vec()))
}

/// Decrypt OpenSSL's legacy PEM encryption (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: ALG,IV`):
/// key = EVP_BytesToKey(MD5, password, salt = first 8 bytes of the IV, 1 round). Written by
/// hand because no RustCrypto crate implements this OpenSSL-specific scheme; one MD5 round
/// means there is no iteration count to cap.
pub(crate) fn from_legacy_pem(
    dek_info: &str,
    ciphertext: &[u8],
    origin: &Origin,
    opts: &DetectOptions,
) -> Result<PrivateKey, InputError> {
    let (alg, iv_hex) = dek_info.split_once(',').unwrap_or((dek_info, ""));
    let alg = alg.trim().to_ascii_uppercase();
    let iv = hex::decode(iv_hex.trim()).map_err(|e| malformed(origin, e))?;
    let key_len = match alg.as_str() {
        "AES-128-CBC" => 16,
        "AES-192-CBC" => 24,
        "AES-256-CBC" => 32,
        "DES-EDE3-CBC" => 24,
        _ => return Err(unsupported(origin, format!("legacy PEM encryption {alg}"))),
    };
    let iv_len = if alg.starts_with("AES") { 16 } else { 8 };
    if iv.len() != iv_len {
        return Err(malformed(origin, "DEK-Info IV has the wrong length"));
    }
    for pw in candidates(opts) {
        let key = evp_bytes_to_key(pw.as_bytes(), &iv[..8], key_len);
        let Some(plain) = cbc_decrypt(&alg, &key, &iv, ciphertext) else {
            continue;
        };
        let found = match der_kind(&plain) {
            Some(DerKind::RsaPkcs1) => from_pkcs1(&plain, origin),
            Some(DerKind::Sec1) => from_sec1(&plain, origin),
            Some(DerKind::Pkcs8) => from_pkcs8(&plain, origin, KeyFormat::Pkcs8),
            _ => continue,
        };
        if let Ok(k) = found {
            return Ok(k);
        }
    }
    Err(password_needed(origin, opts))
}

fn evp_bytes_to_key(password: &[u8], salt: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
    use md5::{Digest, Md5};
    let mut out = Zeroizing::new(Vec::with_capacity(len + 16));
    // Each round's digest is key material too.
    let mut prev = Zeroizing::new(Vec::new());
    while out.len() < len {
        let mut h = Md5::new();
        h.update(&prev);
        h.update(password);
        h.update(salt);
        prev = Zeroizing::new(h.finalize().to_vec());
        out.extend_from_slice(&prev);
    }
    out.truncate(len);
    out
}

fn cbc_decrypt(alg: &str, key: &[u8], iv: &[u8], data: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    use cbc::cipher::{block_padding::Pkcs7, BlockDecryptMut, KeyIvInit};
    fn run<C: BlockDecryptMut + KeyIvInit>(key: &[u8], iv: &[u8], data: &[u8]) -> Option<Vec<u8>> {
        C::new_from_slices(key, iv)
            .ok()?
            .decrypt_padded_vec_mut::<Pkcs7>(data)
            .ok()
    }
    let plain = match alg {
        "AES-128-CBC" => run::<cbc::Decryptor<aes::Aes128>>(key, iv, data),
        "AES-192-CBC" => run::<cbc::Decryptor<aes::Aes192>>(key, iv, data),
        "AES-256-CBC" => run::<cbc::Decryptor<aes::Aes256>>(key, iv, data),
        "DES-EDE3-CBC" => run::<cbc::Decryptor<des::TdesEde3>>(key, iv, data),
        _ => None,
    }?;
    Some(Zeroizing::new(plain))
}

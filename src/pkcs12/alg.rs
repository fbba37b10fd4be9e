//! The password-based algorithms PKCS#12 files use: the PKCS#12 PBE schemes (RFC 7292
//! Appendix C), PBES2 (RFC 8018 §6.2), the PKCS#12 MAC (RFC 7292 §5) and PBMAC1 (RFC 9579).
//!
//! Parameters are read with the crate's own total TLV reader rather than `pkcs5`'s decoder:
//! an unknown PRF or cipher must become a precise "unsupported" verdict (not a parse error),
//! iteration counts must be seen and capped before any derivation, and derived keys are
//! zeroed. The ciphers, hashes, HMAC and PBKDF2 are the RustCrypto crates.

use super::kdf::{self, Password, Purpose};
use crate::budget::{self, KdfHash};
use crate::der_reader::{oid_to_string, Reader, Tlv, TAG_SEQUENCE};
use crate::model::pfx::{Cipher, Encryption, MacDigest, Prf};
use crate::oid;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, InnerIvInit, KeyInit, KeyIvInit};
use hmac::{Hmac, Mac};
use zeroize::Zeroizing;

/// A structural fault in algorithm parameters.
pub(crate) type Fault = &'static str;

const TAG_INTEGER: u8 = 0x02;
const TAG_OCTET_STRING: u8 = 0x04;
const TAG_NULL: u8 = 0x05;

/// The PKCS#12 PBE ciphers (RFC 7292 Appendix C).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PbeCipher {
    /// pbeWithSHAAnd3-KeyTripleDES-CBC.
    TripleDes,
    /// pbeWithSHAAnd2-KeyTripleDES-CBC.
    TwoKeyTripleDes,
    /// pbeWithSHAAnd128BitRC2-CBC.
    Rc2_128,
    /// pbeWithSHAAnd40BitRC2-CBC.
    Rc2_40,
}

/// PBKDF2 parameters (RFC 8018 §A.2).
#[derive(Clone, Debug)]
pub(crate) struct Pbkdf2 {
    pub(crate) salt: Vec<u8>,
    pub(crate) iterations: u64,
    pub(crate) key_len: Option<u64>,
    pub(crate) prf: Prf,
}

/// An encryption algorithm with its parameters, as found in a file.
#[derive(Clone, Debug)]
pub(crate) enum Scheme {
    /// A PKCS#12 PBE scheme.
    Pbe {
        cipher: PbeCipher,
        salt: Vec<u8>,
        iterations: u64,
    },
    /// PBES2 with PBKDF2.
    Pbes2 {
        kdf: Pbkdf2,
        cipher: Cipher,
        iv: Vec<u8>,
    },
    /// Something certprep recognises (or not) but cannot decrypt.
    Unsupported {
        encryption: Encryption,
        iterations: Option<u64>,
    },
}

impl Scheme {
    /// The model's description of this scheme.
    pub(crate) fn encryption(&self) -> Encryption {
        match self {
            Scheme::Pbe { cipher, .. } => match cipher {
                PbeCipher::TripleDes => Encryption::PbeSha1TripleDes,
                PbeCipher::TwoKeyTripleDes => Encryption::PbeSha1TwoKeyTripleDes,
                PbeCipher::Rc2_128 => Encryption::PbeSha1Rc2_128,
                PbeCipher::Rc2_40 => Encryption::PbeSha1Rc2_40,
            },
            Scheme::Pbes2 { kdf, cipher, .. } => Encryption::Pbes2 {
                prf: kdf.prf.clone(),
                cipher: cipher.clone(),
            },
            Scheme::Unsupported { encryption, .. } => encryption.clone(),
        }
    }

    /// The key-derivation iteration count, if known.
    pub(crate) fn iterations(&self) -> Option<u64> {
        match self {
            Scheme::Pbe { iterations, .. } => Some(*iterations),
            Scheme::Pbes2 { kdf, .. } => Some(kdf.iterations),
            Scheme::Unsupported { iterations, .. } => *iterations,
        }
    }

    /// Key-derivation units one [`Scheme::decrypt`] costs ([`crate::budget`]); 0 when
    /// it would fail before deriving anything.
    pub(crate) fn cost(&self) -> u64 {
        match self {
            Scheme::Pbe {
                cipher, iterations, ..
            } => {
                let key_len = match cipher {
                    PbeCipher::TripleDes => 24,
                    PbeCipher::TwoKeyTripleDes | PbeCipher::Rc2_128 => 16,
                    PbeCipher::Rc2_40 => 5,
                };
                budget::pkcs12_kdf_cost(KdfHash::Sha1, *iterations, key_len)
                    .saturating_add(budget::pkcs12_kdf_cost(KdfHash::Sha1, *iterations, 8))
            }
            Scheme::Pbes2 { kdf, cipher, .. } => {
                let key_len = match cipher {
                    Cipher::Aes128Cbc => 16,
                    Cipher::Aes192Cbc | Cipher::DesEde3Cbc => 24,
                    Cipher::Aes256Cbc => 32,
                    Cipher::DesCbc => 8,
                    Cipher::Other(_) => return 0,
                };
                prf_hash(&kdf.prf).map_or(0, |h| budget::pbkdf2_cost(h, kdf.iterations, key_len))
            }
            Scheme::Unsupported { .. } => 0,
        }
    }

    /// Decrypt `data`. `None` when the padding is wrong (wrong password or damaged data) or
    /// the scheme is unsupported; callers check [`Scheme::Unsupported`] first. The iteration
    /// count must already have been checked against the cap.
    pub(crate) fn decrypt(&self, pw: Password<'_>, data: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        match self {
            Scheme::Pbe {
                cipher,
                salt,
                iterations,
            } => {
                let it = u32::try_from(*iterations).ok()?;
                let bmp = pw.bmp();
                let key_len = match cipher {
                    PbeCipher::TripleDes => 24,
                    PbeCipher::TwoKeyTripleDes | PbeCipher::Rc2_128 => 16,
                    PbeCipher::Rc2_40 => 5,
                };
                let key = kdf::derive::<sha1::Sha1>(&bmp, salt, Purpose::Key, it, key_len);
                let iv = kdf::derive::<sha1::Sha1>(&bmp, salt, Purpose::Iv, it, 8);
                match cipher {
                    PbeCipher::TripleDes => cbc_decrypt::<des::TdesEde3>(&key, &iv, data),
                    PbeCipher::TwoKeyTripleDes => cbc_decrypt::<des::TdesEde2>(&key, &iv, data),
                    PbeCipher::Rc2_128 => rc2_decrypt(&key, 128, &iv, data),
                    PbeCipher::Rc2_40 => rc2_decrypt(&key, 40, &iv, data),
                }
            }
            Scheme::Pbes2 { kdf, cipher, iv } => {
                let key_len = match cipher {
                    Cipher::Aes128Cbc => 16,
                    Cipher::Aes192Cbc | Cipher::DesEde3Cbc => 24,
                    Cipher::Aes256Cbc => 32,
                    Cipher::DesCbc => 8,
                    Cipher::Other(_) => return None,
                };
                if kdf.key_len.is_some_and(|l| l != key_len as u64) {
                    return None;
                }
                let key = pbkdf2(kdf, pw.utf8(), key_len)?;
                match cipher {
                    Cipher::Aes128Cbc => cbc_decrypt::<aes::Aes128>(&key, iv, data),
                    Cipher::Aes192Cbc => cbc_decrypt::<aes::Aes192>(&key, iv, data),
                    Cipher::Aes256Cbc => cbc_decrypt::<aes::Aes256>(&key, iv, data),
                    Cipher::DesEde3Cbc => cbc_decrypt::<des::TdesEde3>(&key, iv, data),
                    Cipher::DesCbc => cbc_decrypt::<des::Des>(&key, iv, data),
                    Cipher::Other(_) => None,
                }
            }
            Scheme::Unsupported { .. } => None,
        }
    }
}

/// The hash under a PBKDF2 PRF, for its cost; `None` for one certprep cannot compute.
fn prf_hash(p: &Prf) -> Option<KdfHash> {
    Some(match p {
        Prf::HmacSha1 => KdfHash::Sha1,
        Prf::HmacSha256 => KdfHash::Sha256,
        Prf::HmacSha384 => KdfHash::Sha384,
        Prf::HmacSha512 => KdfHash::Sha512,
        Prf::Other(_) => return None,
    })
}

/// PBKDF2 with the scheme's PRF. `None` for an unknown PRF or an over-large count.
pub(crate) fn pbkdf2(p: &Pbkdf2, password: &[u8], len: usize) -> Option<Zeroizing<Vec<u8>>> {
    let it = u32::try_from(p.iterations).ok()?.max(1);
    let mut out = Zeroizing::new(vec![0u8; len]);
    match p.prf {
        Prf::HmacSha1 => pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, &p.salt, it, &mut out),
        Prf::HmacSha256 => pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, &p.salt, it, &mut out),
        Prf::HmacSha384 => pbkdf2::pbkdf2_hmac::<sha2::Sha384>(password, &p.salt, it, &mut out),
        Prf::HmacSha512 => pbkdf2::pbkdf2_hmac::<sha2::Sha512>(password, &p.salt, it, &mut out),
        Prf::Other(_) => return None,
    }
    Some(out)
}

fn cbc_decrypt<C>(key: &[u8], iv: &[u8], data: &[u8]) -> Option<Zeroizing<Vec<u8>>>
where
    C: BlockDecryptMut + cbc::cipher::BlockCipher + KeyInit,
{
    let dec = cbc::Decryptor::<C>::new_from_slices(key, iv).ok()?;
    dec.decrypt_padded_vec_mut::<Pkcs7>(data)
        .ok()
        .map(Zeroizing::new)
}

fn rc2_decrypt(key: &[u8], bits: usize, iv: &[u8], data: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let cipher = rc2::Rc2::new_with_eff_key_len(key, bits);
    let dec = cbc::Decryptor::<rc2::Rc2>::inner_iv_slice_init(cipher, iv).ok()?;
    dec.decrypt_padded_vec_mut::<Pkcs7>(data)
        .ok()
        .map(Zeroizing::new)
}

/// Encrypt with pbeWithSHAAnd3-KeyTripleDES-CBC (the compat profile).
pub(crate) fn encrypt_pbe_3des(
    pw: Password<'_>,
    salt: &[u8],
    iterations: u32,
    plaintext: &[u8],
) -> Vec<u8> {
    let bmp = pw.bmp();
    let key = kdf::derive::<sha1::Sha1>(&bmp, salt, Purpose::Key, iterations, 24);
    let iv = kdf::derive::<sha1::Sha1>(&bmp, salt, Purpose::Iv, iterations, 8);
    cbc_encrypt::<des::TdesEde3>(&key, &iv, plaintext)
}

/// Encrypt with PBES2: PBKDF2-HMAC-SHA256 and AES-256-CBC (the modern profile).
pub(crate) fn encrypt_pbes2_aes256(
    pw: Password<'_>,
    salt: &[u8],
    iterations: u32,
    iv: &[u8; 16],
    plaintext: &[u8],
) -> Vec<u8> {
    let mut key = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(pw.utf8(), salt, iterations, &mut *key);
    cbc_encrypt::<aes::Aes256>(&*key, iv, plaintext)
}

fn cbc_encrypt<C>(key: &[u8], iv: &[u8], plaintext: &[u8]) -> Vec<u8>
where
    C: BlockEncryptMut + cbc::cipher::BlockCipher + KeyInit,
{
    match cbc::Encryptor::<C>::new_from_slices(key, iv) {
        Ok(enc) => enc.encrypt_padded_vec_mut::<Pkcs7>(plaintext),
        // Key and IV lengths are fixed by the callers above; this arm is unreachable.
        Err(_) => Vec::new(),
    }
}

/// Read an AlgorithmIdentifier naming an encryption scheme.
pub(crate) fn parse_scheme(alg: &Tlv<'_>) -> Result<Scheme, Fault> {
    let (oid, params) = split_alg(alg)?;
    let pbe = |cipher| -> Result<Scheme, Fault> {
        let (salt, iterations) = pbe_params(params.ok_or("PBE parameters missing")?)?;
        Ok(Scheme::Pbe {
            cipher,
            salt,
            iterations,
        })
    };
    match oid.as_str() {
        oid::PBE_SHA1_3DES => pbe(PbeCipher::TripleDes),
        oid::PBE_SHA1_2DES => pbe(PbeCipher::TwoKeyTripleDes),
        oid::PBE_SHA1_RC2_128 => pbe(PbeCipher::Rc2_128),
        oid::PBE_SHA1_RC2_40 => pbe(PbeCipher::Rc2_40),
        oid::PBE_SHA1_RC4_128 | oid::PBE_SHA1_RC4_40 => {
            let iterations = params.and_then(|p| pbe_params(p).ok()).map(|(_, i)| i);
            Ok(Scheme::Unsupported {
                encryption: Encryption::PbeSha1Rc4,
                iterations,
            })
        }
        oid::PBES2 => parse_pbes2(params.ok_or("PBES2 parameters missing")?),
        other => Ok(Scheme::Unsupported {
            encryption: Encryption::Other { oid: other.into() },
            iterations: None,
        }),
    }
}

fn parse_pbes2(params: Tlv<'_>) -> Result<Scheme, Fault> {
    let mut r = seq(&params)?;
    let kdf_alg = r.read()?;
    let enc_alg = r.read()?;
    let (kdf_oid, kdf_params) = split_alg(&kdf_alg)?;
    let (enc_oid, enc_params) = split_alg(&enc_alg)?;
    let cipher = match enc_oid.as_str() {
        oid::AES128_CBC => Cipher::Aes128Cbc,
        oid::AES192_CBC => Cipher::Aes192Cbc,
        oid::AES256_CBC => Cipher::Aes256Cbc,
        oid::DES_EDE3_CBC => Cipher::DesEde3Cbc,
        oid::DES_CBC => Cipher::DesCbc,
        other => Cipher::Other(other.into()),
    };
    if kdf_oid != oid::PBKDF2 {
        // scrypt and others: name the KDF as the PRF so the report says what it is.
        return Ok(Scheme::Unsupported {
            encryption: Encryption::Pbes2 {
                prf: Prf::Other(kdf_oid),
                cipher,
            },
            iterations: None,
        });
    }
    let kdf = parse_pbkdf2(kdf_params.ok_or("PBKDF2 parameters missing")?)?;
    let iv = match (&cipher, enc_params) {
        (Cipher::Other(_), _) => Vec::new(),
        (_, Some(p)) if p.tag == TAG_OCTET_STRING => p.content.to_vec(),
        _ => return Err("PBES2 cipher IV missing"),
    };
    let expected_iv = match cipher {
        Cipher::DesEde3Cbc | Cipher::DesCbc => 8,
        _ => 16,
    };
    if matches!(kdf.prf, Prf::Other(_)) || matches!(cipher, Cipher::Other(_)) {
        return Ok(Scheme::Unsupported {
            encryption: Encryption::Pbes2 {
                prf: kdf.prf,
                cipher,
            },
            iterations: Some(kdf.iterations),
        });
    }
    if iv.len() != expected_iv {
        return Err("PBES2 cipher IV has the wrong length");
    }
    Ok(Scheme::Pbes2 { kdf, cipher, iv })
}

/// PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER, keyLength INTEGER
/// OPTIONAL, prf AlgorithmIdentifier DEFAULT hmacWithSHA1 }.
pub(crate) fn parse_pbkdf2(params: Tlv<'_>) -> Result<Pbkdf2, Fault> {
    let mut r = seq(&params)?;
    let salt = r.read()?;
    if salt.tag != TAG_OCTET_STRING {
        // The `otherSource` choice is reserved (RFC 8018 §A.2).
        return Err("PBKDF2 salt is not an OCTET STRING");
    }
    let iterations = uint(&r.read()?)?;
    let mut key_len = None;
    let mut prf = Prf::HmacSha1;
    while !r.is_empty() {
        let t = r.read()?;
        match t.tag {
            TAG_INTEGER => key_len = Some(uint(&t)?),
            TAG_SEQUENCE => {
                let (o, _) = split_alg(&t)?;
                prf = match o.as_str() {
                    oid::HMAC_SHA1 => Prf::HmacSha1,
                    oid::HMAC_SHA256 => Prf::HmacSha256,
                    oid::HMAC_SHA384 => Prf::HmacSha384,
                    oid::HMAC_SHA512 => Prf::HmacSha512,
                    other => Prf::Other(other.into()),
                };
            }
            _ => return Err("unexpected field in PBKDF2 parameters"),
        }
    }
    Ok(Pbkdf2 {
        salt: salt.content.to_vec(),
        iterations,
        key_len,
        prf,
    })
}

/// pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }.
fn pbe_params(params: Tlv<'_>) -> Result<(Vec<u8>, u64), Fault> {
    let mut r = seq(&params)?;
    let salt = r.read()?;
    if salt.tag != TAG_OCTET_STRING {
        return Err("PBE salt is not an OCTET STRING");
    }
    let it = uint(&r.read()?)?;
    Ok((salt.content.to_vec(), it))
}

/// The PKCS#12 integrity MAC algorithm.
#[derive(Clone, Debug)]
pub(crate) enum MacAlg {
    /// HMAC keyed with the PKCS#12 KDF (RFC 7292 §5, Appendix B).
    Pkcs12(MacDigest),
    /// PBMAC1 (RFC 9579): HMAC keyed with PBKDF2 over the UTF-8 password.
    Pbmac1 { kdf: Pbkdf2, hmac: Prf },
}

impl MacAlg {
    /// How the report names it.
    pub(crate) fn digest(&self) -> MacDigest {
        match self {
            MacAlg::Pkcs12(d) => d.clone(),
            MacAlg::Pbmac1 { kdf, hmac } => MacDigest::Other(format!(
                "PBMAC1 (PBKDF2-{}, {})",
                prf_name(&kdf.prf),
                prf_name(hmac)
            )),
        }
    }

    /// Whether certprep can compute it.
    pub(crate) fn is_supported(&self) -> bool {
        match self {
            MacAlg::Pkcs12(d) => !matches!(d, MacDigest::Other(_)),
            MacAlg::Pbmac1 { kdf, hmac } => {
                !matches!(kdf.prf, Prf::Other(_)) && !matches!(hmac, Prf::Other(_))
            }
        }
    }

    /// Key-derivation units one [`MacAlg::compute`] costs with `iterations` (the MacData
    /// count; PBMAC1 uses its own); 0 when it would fail before deriving anything.
    pub(crate) fn cost(&self, iterations: u64) -> u64 {
        match self {
            MacAlg::Pkcs12(d) => {
                let (hash, len) = match d {
                    MacDigest::Sha1 => (KdfHash::Sha1, 20),
                    MacDigest::Sha256 => (KdfHash::Sha256, 32),
                    MacDigest::Sha384 => (KdfHash::Sha384, 48),
                    MacDigest::Sha512 => (KdfHash::Sha512, 64),
                    MacDigest::Other(_) => return 0,
                };
                budget::pkcs12_kdf_cost(hash, iterations, len)
            }
            MacAlg::Pbmac1 { kdf, .. } => match (prf_hash(&kdf.prf), kdf.key_len) {
                (Some(h), Some(len)) if len <= 256 => {
                    budget::pbkdf2_cost(h, kdf.iterations, len as usize)
                }
                _ => 0,
            },
        }
    }

    /// Compute the MAC over `data`. `None` when unsupported.
    pub(crate) fn compute(
        &self,
        pw: Password<'_>,
        salt: &[u8],
        iterations: u32,
        data: &[u8],
    ) -> Option<Vec<u8>> {
        macro_rules! hmac_with {
            ($h:ty, $key:expr) => {{
                let mut m = <Hmac<$h> as Mac>::new_from_slice(&$key).ok()?;
                m.update(data);
                Some(m.finalize().into_bytes().to_vec())
            }};
        }
        match self {
            MacAlg::Pkcs12(d) => {
                let bmp = pw.bmp();
                macro_rules! p12 {
                    ($h:ty) => {{
                        let n = <$h as sha1::Digest>::output_size();
                        let key = kdf::derive::<$h>(&bmp, salt, Purpose::Mac, iterations, n);
                        hmac_with!($h, key)
                    }};
                }
                match d {
                    MacDigest::Sha1 => p12!(sha1::Sha1),
                    MacDigest::Sha256 => p12!(sha2::Sha256),
                    MacDigest::Sha384 => p12!(sha2::Sha384),
                    MacDigest::Sha512 => p12!(sha2::Sha512),
                    MacDigest::Other(_) => None,
                }
            }
            MacAlg::Pbmac1 { kdf, hmac } => {
                let len = usize::try_from(kdf.key_len?).ok().filter(|l| *l <= 256)?;
                let key = pbkdf2(kdf, pw.utf8(), len)?;
                match hmac {
                    Prf::HmacSha1 => hmac_with!(sha1::Sha1, key),
                    Prf::HmacSha256 => hmac_with!(sha2::Sha256, key),
                    Prf::HmacSha384 => hmac_with!(sha2::Sha384, key),
                    Prf::HmacSha512 => hmac_with!(sha2::Sha512, key),
                    Prf::Other(_) => None,
                }
            }
        }
    }
}

/// Read the MAC's AlgorithmIdentifier (DigestInfo.digestAlgorithm).
pub(crate) fn parse_mac_alg(alg: &Tlv<'_>) -> Result<MacAlg, Fault> {
    let (o, params) = split_alg(alg)?;
    Ok(match o.as_str() {
        oid::HASH_SHA1 => MacAlg::Pkcs12(MacDigest::Sha1),
        oid::HASH_SHA256 => MacAlg::Pkcs12(MacDigest::Sha256),
        oid::HASH_SHA384 => MacAlg::Pkcs12(MacDigest::Sha384),
        oid::HASH_SHA512 => MacAlg::Pkcs12(MacDigest::Sha512),
        oid::PBMAC1 => {
            // PBMAC1-params ::= SEQUENCE { keyDerivationFunc, messageAuthScheme }.
            let mut r = seq(&params.ok_or("PBMAC1 parameters missing")?)?;
            let (kdf_oid, kdf_params) = split_alg(&r.read()?)?;
            let (mac_oid, _) = split_alg(&r.read()?)?;
            if kdf_oid != oid::PBKDF2 {
                return Ok(MacAlg::Pkcs12(MacDigest::Other(format!(
                    "PBMAC1 with {kdf_oid}"
                ))));
            }
            let kdf = parse_pbkdf2(kdf_params.ok_or("PBKDF2 parameters missing")?)?;
            let hmac = match mac_oid.as_str() {
                oid::HMAC_SHA1 => Prf::HmacSha1,
                oid::HMAC_SHA256 => Prf::HmacSha256,
                oid::HMAC_SHA384 => Prf::HmacSha384,
                oid::HMAC_SHA512 => Prf::HmacSha512,
                other => Prf::Other(other.into()),
            };
            MacAlg::Pbmac1 { kdf, hmac }
        }
        other => MacAlg::Pkcs12(MacDigest::Other(other.into())),
    })
}

fn prf_name(p: &Prf) -> String {
    match p {
        Prf::HmacSha1 => "HMAC-SHA1".into(),
        Prf::HmacSha256 => "HMAC-SHA256".into(),
        Prf::HmacSha384 => "HMAC-SHA384".into(),
        Prf::HmacSha512 => "HMAC-SHA512".into(),
        Prf::Other(o) => o.clone(),
    }
}

/// AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }. A NULL
/// parameter counts as absent.
pub(crate) fn split_alg<'a>(alg: &Tlv<'a>) -> Result<(String, Option<Tlv<'a>>), Fault> {
    let mut r = seq(alg)?;
    let o = r.read()?;
    if o.tag != crate::der_reader::TAG_OID {
        return Err("algorithm identifier without an OID");
    }
    let oid = oid_to_string(o.content).ok_or("malformed OID")?;
    let params = if r.is_empty() {
        None
    } else {
        Some(r.read()?).filter(|p| p.tag != TAG_NULL)
    };
    Ok((oid, params))
}

/// A reader over a SEQUENCE's content.
pub(crate) fn seq<'a>(t: &Tlv<'a>) -> Result<Reader<'a>, Fault> {
    if t.tag != TAG_SEQUENCE {
        return Err("expected a SEQUENCE");
    }
    Ok(Reader::new(t.content))
}

/// A non-negative INTEGER as u64; values too large for u64 saturate (they are refused by the
/// iteration cap anyway).
pub(crate) fn uint(t: &Tlv<'_>) -> Result<u64, Fault> {
    if t.tag != TAG_INTEGER || t.content.is_empty() {
        return Err("expected an INTEGER");
    }
    if t.content[0] & 0x80 != 0 {
        return Err("negative INTEGER");
    }
    let digits: &[u8] = {
        let first_nonzero = t.content.iter().position(|&b| b != 0);
        match first_nonzero {
            None => return Ok(0),
            Some(i) => &t.content[i..],
        }
    };
    if digits.len() > 8 {
        return Ok(u64::MAX);
    }
    Ok(digits
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pbe_3des_round_trips_and_rejects_wrong_password() {
        let salt = [7u8; 8];
        let ct = encrypt_pbe_3des(Password::Text("pw"), &salt, 10, b"hello world");
        let s = Scheme::Pbe {
            cipher: PbeCipher::TripleDes,
            salt: salt.to_vec(),
            iterations: 10,
        };
        assert_eq!(
            &**s.decrypt(Password::Text("pw"), &ct).unwrap(),
            b"hello world"
        );
        // A wrong password yields bad padding almost always; with this fixed salt it does.
        assert!(s.decrypt(Password::Text("px"), &ct).is_none());
    }

    #[test]
    fn uint_saturates_and_rejects_negative() {
        let mut r = Reader::new(&[0x02, 0x04, 0x80, 0, 0, 0]);
        assert!(uint(&r.read().unwrap()).is_err());
        let big = [0x02, 0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(uint(&Reader::new(&big).read().unwrap()).unwrap(), u64::MAX);
        let v = [0x02, 0x02, 0x07, 0xD0];
        assert_eq!(uint(&Reader::new(&v).read().unwrap()).unwrap(), 2000);
    }
}

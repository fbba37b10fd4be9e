//! Writing a PKCS#12 file laid out as Windows' own export writes it.
//!
//! Built on the RustCrypto `der` crate (derive) with `x509-cert`'s `Attribute` and `spki`'s
//! `AlgorithmIdentifierOwned`, not on `p12-keystore`: that crate cannot write the Microsoft
//! CSP name bag attribute (1.3.6.1.4.1.311.17.1) nor choose per-bag attributes, and it sits on
//! the `der` 0.8 / `digest` 0.11 release candidates rather than the stable line certprep uses.
//!
//! Layout (mirrors PFX files exported by Windows, e.g. `Export-PfxCertificate` and the
//! certificate MMC): the authenticated safe holds a `data` safe with one pkcs8ShroudedKeyBag
//! (attributes localKeyId `01 00 00 00`, friendlyName = a fresh `{GUID}` key container name,
//! and for RSA the CSP name), then an `encryptedData` safe with the certificate bags, leaf
//! first (localKeyId and friendlyName), then the chain without attributes. The MAC covers the
//! authenticated safe. Salts are 8 bytes for the PBE, 16 for PBKDF2, 20 for the MAC (Windows'
//! MAC salt length). Every salt and IV comes from the operating system's RNG.

use super::alg;
use super::kdf::Password;
use crate::oid;
use crate::secret::Secret;
use der::asn1::{Any, BmpString, ObjectIdentifier, OctetString, SetOfVec};
use der::{Decode, Encode, Sequence};
use rand_core::RngCore;
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;

/// A PKCS#12 protection profile (design.md §4.3). One profile governs every bag and the MAC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// pbeWithSHAAnd3-KeyTripleDES-CBC for key and certificates, HMAC-SHA1 MAC, 2000
    /// iterations: what Windows' own export writes; every Windows version imports it.
    Compat,
    /// PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) for key and certificates, HMAC-SHA256 MAC,
    /// 2000 iterations: Windows Server 2019 / Windows 10 1709 and later only.
    Modern,
}

impl Profile {
    /// Iterations for every key derivation and the MAC (Windows' value for both profiles).
    pub const ITERATIONS: u32 = 2000;
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Profile::Compat => "compat (PBE-SHA1-3DES, HMAC-SHA1 MAC, 2000 iterations)",
            Profile::Modern => {
                "modern (PBES2 PBKDF2-HMAC-SHA256 AES-256-CBC, HMAC-SHA256 MAC, 2000 iterations)"
            }
        })
    }
}

/// Everything a PFX is built from. The caller has already chosen and ordered the contents.
#[derive(Debug)]
pub struct PfxSpec<'a> {
    /// Protection profile.
    pub profile: Profile,
    /// Output password; an empty one is the empty-string password (round-trips with OpenSSL).
    pub password: &'a Secret,
    /// The private key as unencrypted PKCS#8 DER, if the file holds one.
    pub key: Option<&'a [u8]>,
    /// The leaf certificate's DER.
    pub leaf: &'a [u8],
    /// The chain after the leaf, in order (intermediates, then the root if wanted).
    pub chain: Vec<&'a [u8]>,
    /// friendlyName for the leaf (Windows' FriendlyName).
    pub friendly_name: Option<&'a str>,
    /// Microsoft CSP name for the key bag; `None` for no attribute (ECDSA keys, `--csp none`).
    pub csp_name: Option<&'a str>,
}

/// The localKeyId Windows writes: a little-endian 32-bit counter, 1 for the only key.
pub const WINDOWS_LOCAL_KEY_ID: [u8; 4] = [1, 0, 0, 0];

#[derive(Sequence)]
struct Pfx {
    version: u8,
    auth_safe: ContentInfo,
    mac_data: MacData,
}

#[derive(Sequence)]
struct ContentInfo {
    content_type: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    content: Any,
}

#[derive(Sequence)]
struct MacData {
    mac: DigestInfo,
    mac_salt: OctetString,
    iterations: u32,
}

#[derive(Sequence)]
struct DigestInfo {
    algorithm: AlgorithmIdentifierOwned,
    digest: OctetString,
}

#[derive(Sequence)]
struct EncryptedData {
    version: u8,
    info: EncryptedContentInfo,
}

#[derive(Sequence)]
struct EncryptedContentInfo {
    content_type: ObjectIdentifier,
    algorithm: AlgorithmIdentifierOwned,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT")]
    content: OctetString,
}

#[derive(Sequence)]
struct SafeBag {
    bag_id: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    value: Any,
    attributes: Option<SetOfVec<Attribute>>,
}

#[derive(Sequence)]
struct CertBag {
    cert_id: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    value: OctetString,
}

#[derive(Sequence)]
struct EncryptedPrivateKeyInfo {
    algorithm: AlgorithmIdentifierOwned,
    data: OctetString,
}

/// Why a PKCS#12 file could not be written. No variant ever carries a password or key
/// material. [`crate::pfx::PfxError`] takes these over with the same messages.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// DER encoding failed (an oversized or malformed component).
    #[error("cannot encode the PKCS#12 file")]
    Encode(#[from] der::Error),
    /// The operating system's random number generator failed.
    #[error("cannot get random bytes for salts and IVs from the operating system")]
    Random(#[source] rand_core::Error),
}

#[derive(Sequence)]
struct PbeParams {
    salt: OctetString,
    iterations: u32,
}

fn oid(s: &str) -> Result<ObjectIdentifier, BuildError> {
    ObjectIdentifier::new(s).map_err(|e| BuildError::Encode(e.into()))
}

fn any<T: Encode>(v: &T) -> Result<Any, BuildError> {
    Ok(Any::from_der(&v.to_der()?)?)
}

fn random<const N: usize>() -> Result<[u8; N], BuildError> {
    let mut b = [0u8; N];
    rand_core::OsRng
        .try_fill_bytes(&mut b)
        .map_err(BuildError::Random)?;
    Ok(b)
}

/// One encryption under the profile: the AlgorithmIdentifier and the ciphertext.
fn encrypt(
    profile: Profile,
    pw: Password<'_>,
    plaintext: &[u8],
) -> Result<(AlgorithmIdentifierOwned, Vec<u8>), BuildError> {
    let it = Profile::ITERATIONS;
    match profile {
        Profile::Compat => {
            let salt: [u8; 8] = random()?;
            let ct = alg::encrypt_pbe_3des(pw, &salt, it, plaintext);
            let params = PbeParams {
                salt: OctetString::new(salt.to_vec())?,
                iterations: it,
            };
            Ok((
                AlgorithmIdentifierOwned {
                    oid: oid(oid::PBE_SHA1_3DES)?,
                    parameters: Some(any(&params)?),
                },
                ct,
            ))
        }
        Profile::Modern => {
            let salt: [u8; 16] = random()?;
            let iv: [u8; 16] = random()?;
            let ct = alg::encrypt_pbes2_aes256(pw, &salt, it, &iv, plaintext);
            // The PBES2-params encoding (PBKDF2 with hmacWithSHA256, aes256-CBC with its IV)
            // comes from the `pkcs5` crate.
            let params = pkcs5::pbes2::Parameters::pbkdf2_sha256_aes256cbc(it, &salt, &iv)
                .map_err(|_| BuildError::Encode(der::ErrorKind::Failed.into()))?;
            Ok((
                AlgorithmIdentifierOwned {
                    oid: oid(oid::PBES2)?,
                    parameters: Some(any(&params)?),
                },
                ct,
            ))
        }
    }
}

fn attribute(id: &str, value: Any) -> Result<Attribute, BuildError> {
    let mut values = SetOfVec::new();
    values.insert(value)?;
    Ok(Attribute {
        oid: oid(id)?,
        values,
    })
}

fn bmp(text: &str) -> Result<Any, BuildError> {
    any(&BmpString::from_utf8(text)?)
}

/// A key container name in the form Windows writes on exported key bags.
fn container_name() -> Result<String, BuildError> {
    let b: [u8; 16] = random()?;
    let h = hex::encode_upper(b);
    Ok(format!(
        "{{{}-{}-{}-{}-{}}}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}

/// Build a PFX from `spec`. Deterministic except for salts, IVs and the key container name.
pub fn build(spec: &PfxSpec<'_>) -> Result<Vec<u8>, BuildError> {
    let pw = Password::Text(spec.password.expose());
    let local_key_id = any(&OctetString::new(WINDOWS_LOCAL_KEY_ID.to_vec())?)?;

    let mut auth_safe: Vec<ContentInfo> = Vec::new();
    if let Some(key) = spec.key {
        let (algorithm, ct) = encrypt(spec.profile, pw, key)?;
        let epki = EncryptedPrivateKeyInfo {
            algorithm,
            data: OctetString::new(ct)?,
        };
        let mut attrs = SetOfVec::new();
        attrs.insert(attribute(oid::PKCS9_LOCAL_KEY_ID, local_key_id.clone())?)?;
        // Windows names the key container here; a fresh GUID (as Windows writes) keeps one
        // import from replacing another certificate's key that used the same name.
        attrs.insert(attribute(
            oid::PKCS9_FRIENDLY_NAME,
            bmp(&container_name()?)?,
        )?)?;
        if let Some(csp) = spec.csp_name {
            attrs.insert(attribute(oid::MS_CSP_NAME, bmp(csp)?)?)?;
        }
        let bag = SafeBag {
            bag_id: oid(oid::BAG_SHROUDED_KEY)?,
            value: any(&epki)?,
            attributes: Some(attrs),
        };
        let safe_contents = vec![bag].to_der()?;
        auth_safe.push(ContentInfo {
            content_type: oid(oid::PKCS7_DATA)?,
            content: any(&OctetString::new(safe_contents)?)?,
        });
    }

    let mut cert_bags = Vec::with_capacity(1 + spec.chain.len());
    for (i, der) in std::iter::once(&spec.leaf).chain(&spec.chain).enumerate() {
        let value = CertBag {
            cert_id: oid(oid::CERT_TYPE_X509)?,
            value: OctetString::new(der.to_vec())?,
        };
        let attributes = if i == 0 {
            let mut attrs = SetOfVec::new();
            if spec.key.is_some() {
                attrs.insert(attribute(oid::PKCS9_LOCAL_KEY_ID, local_key_id.clone())?)?;
            }
            if let Some(name) = spec.friendly_name {
                attrs.insert(attribute(oid::PKCS9_FRIENDLY_NAME, bmp(name)?)?)?;
            }
            (!attrs.is_empty()).then_some(attrs)
        } else {
            None
        };
        cert_bags.push(SafeBag {
            bag_id: oid(oid::BAG_CERT)?,
            value: any(&value)?,
            attributes,
        });
    }
    let (algorithm, ct) = encrypt(spec.profile, pw, &cert_bags.to_der()?)?;
    let encrypted = EncryptedData {
        version: 0,
        info: EncryptedContentInfo {
            content_type: oid(oid::PKCS7_DATA)?,
            algorithm,
            content: OctetString::new(ct)?,
        },
    };
    auth_safe.push(ContentInfo {
        content_type: oid(oid::CMS_ENCRYPTED_DATA)?,
        content: any(&encrypted)?,
    });

    let auth_der = auth_safe.to_der()?;
    let (digest_oid, mac_alg, mac_salt) = match spec.profile {
        Profile::Compat => (
            oid::HASH_SHA1,
            alg::MacAlg::Pkcs12(crate::model::pfx::MacDigest::Sha1),
            random::<20>()?.to_vec(),
        ),
        Profile::Modern => (
            oid::HASH_SHA256,
            alg::MacAlg::Pkcs12(crate::model::pfx::MacDigest::Sha256),
            random::<32>()?.to_vec(),
        ),
    };
    let mac = mac_alg
        .compute(pw, &mac_salt, Profile::ITERATIONS, &auth_der)
        .ok_or(BuildError::Encode(der::ErrorKind::Failed.into()))?;
    let pfx = Pfx {
        version: 3,
        auth_safe: ContentInfo {
            content_type: oid(oid::PKCS7_DATA)?,
            content: any(&OctetString::new(auth_der)?)?,
        },
        mac_data: MacData {
            mac: DigestInfo {
                // Windows writes the digest AlgorithmIdentifier without NULL parameters.
                algorithm: AlgorithmIdentifierOwned {
                    oid: oid(digest_oid)?,
                    parameters: None,
                },
                digest: OctetString::new(mac)?,
            },
            mac_salt: OctetString::new(mac_salt)?,
            iterations: Profile::ITERATIONS,
        },
    };
    Ok(pfx.to_der()?)
}

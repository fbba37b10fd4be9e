//! Every object identifier certprep names, as a dotted-decimal constant.
//!
//! Kept as strings (not `der::asn1::ObjectIdentifier`) because they are compared with the
//! dotted form that x509-parser and our own DER readers produce, and printed in reports.
//! Each group cites where the OID is defined.

// RFC 5280 §4.1.2.4 / X.520 attribute types.
/// commonName (X.520).
pub const AT_COMMON_NAME: &str = "2.5.4.3";
/// serialNumber attribute (X.520).
pub const AT_SERIAL_NUMBER: &str = "2.5.4.5";
/// emailAddress (PKCS#9, RFC 2985 §5.2.1).
pub const AT_EMAIL_ADDRESS: &str = "1.2.840.113549.1.9.1";

// RFC 5280 §4.2.1.12 extended key usages.
/// id-kp-serverAuth.
pub const EKU_SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";
/// id-kp-clientAuth.
pub const EKU_CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";
/// id-kp-codeSigning.
pub const EKU_CODE_SIGNING: &str = "1.3.6.1.5.5.7.3.3";
/// id-kp-emailProtection.
pub const EKU_EMAIL_PROTECTION: &str = "1.3.6.1.5.5.7.3.4";
/// id-kp-timeStamping.
pub const EKU_TIME_STAMPING: &str = "1.3.6.1.5.5.7.3.8";
/// id-kp-OCSPSigning.
pub const EKU_OCSP_SIGNING: &str = "1.3.6.1.5.5.7.3.9";
/// anyExtendedKeyUsage (RFC 5280 §4.2.1.12).
pub const EKU_ANY: &str = "2.5.29.37.0";

// RFC 5280 §4.2.2.1 authority information access.
/// id-ad-caIssuers.
pub const AD_CA_ISSUERS: &str = "1.3.6.1.5.5.7.48.2";

// Public key algorithms (RFC 3279, RFC 5480, RFC 8410).
/// rsaEncryption.
pub const KEY_RSA: &str = "1.2.840.113549.1.1.1";
/// id-RSASSA-PSS used as a key algorithm (RFC 4055).
pub const KEY_RSA_PSS: &str = "1.2.840.113549.1.1.10";
/// id-ecPublicKey.
pub const KEY_EC: &str = "1.2.840.10045.2.1";
/// id-Ed25519.
pub const KEY_ED25519: &str = "1.3.101.112";
/// id-Ed448.
pub const KEY_ED448: &str = "1.3.101.113";
/// secp256r1 / prime256v1 (RFC 5480).
pub const CURVE_P256: &str = "1.2.840.10045.3.1.7";
/// secp384r1 (RFC 5480).
pub const CURVE_P384: &str = "1.3.132.0.34";
/// secp521r1 (RFC 5480).
pub const CURVE_P521: &str = "1.3.132.0.35";

// Signature algorithms (RFC 3279, RFC 4055, RFC 5758).
/// md5WithRSAEncryption.
pub const SIG_RSA_MD5: &str = "1.2.840.113549.1.1.4";
/// sha1WithRSAEncryption.
pub const SIG_RSA_SHA1: &str = "1.2.840.113549.1.1.5";
/// sha256WithRSAEncryption.
pub const SIG_RSA_SHA256: &str = "1.2.840.113549.1.1.11";
/// sha384WithRSAEncryption.
pub const SIG_RSA_SHA384: &str = "1.2.840.113549.1.1.12";
/// sha512WithRSAEncryption.
pub const SIG_RSA_SHA512: &str = "1.2.840.113549.1.1.13";
/// RSASSA-PSS (RFC 4055).
pub const SIG_RSA_PSS: &str = "1.2.840.113549.1.1.10";
/// ecdsa-with-SHA1.
pub const SIG_ECDSA_SHA1: &str = "1.2.840.10045.4.1";
/// ecdsa-with-SHA256.
pub const SIG_ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
/// ecdsa-with-SHA384.
pub const SIG_ECDSA_SHA384: &str = "1.2.840.10045.4.3.3";
/// ecdsa-with-SHA512.
pub const SIG_ECDSA_SHA512: &str = "1.2.840.10045.4.3.4";
/// Ed25519 signature (RFC 8410).
pub const SIG_ED25519: &str = "1.3.101.112";

// Hash algorithms inside RSASSA-PSS parameters (RFC 4055 §2.1, §3.1).
/// id-sha1.
pub const HASH_SHA1: &str = "1.3.14.3.2.26";
/// id-sha256.
pub const HASH_SHA256: &str = "2.16.840.1.101.3.4.2.1";
/// id-sha384.
pub const HASH_SHA384: &str = "2.16.840.1.101.3.4.2.2";
/// id-sha512.
pub const HASH_SHA512: &str = "2.16.840.1.101.3.4.2.3";
/// id-mgf1.
pub const MGF1: &str = "1.2.840.113549.1.1.8";

// PKCS#7 / CMS content types (RFC 5652 §4, §5.1).
/// id-data.
pub const PKCS7_DATA: &str = "1.2.840.113549.1.7.1";
/// id-signedData.
pub const PKCS7_SIGNED_DATA: &str = "1.2.840.113549.1.7.2";

// PKCS#9 attributes (RFC 2985) used in CSRs and PKCS#12 bags.
/// extensionRequest (CSR attribute carrying requested extensions).
pub const PKCS9_EXTENSION_REQUEST: &str = "1.2.840.113549.1.9.14";
/// friendlyName bag attribute (BMPString).
pub const PKCS9_FRIENDLY_NAME: &str = "1.2.840.113549.1.9.20";
/// localKeyId bag attribute (OCTET STRING).
pub const PKCS9_LOCAL_KEY_ID: &str = "1.2.840.113549.1.9.21";
/// Microsoft CSP name bag attribute (BMPString), `szOID_PKCS_12_KEY_PROVIDER_NAME_ATTR`.
pub const MS_CSP_NAME: &str = "1.3.6.1.4.1.311.17.1";
/// Microsoft "local machine keyset" bag attribute.
pub const MS_LOCAL_MACHINE_KEYSET: &str = "1.3.6.1.4.1.311.17.2";

// Extensions (RFC 5280 §4.2).
/// subjectAltName.
pub const EXT_SUBJECT_ALT_NAME: &str = "2.5.29.17";
/// keyUsage.
pub const EXT_KEY_USAGE: &str = "2.5.29.15";
/// extKeyUsage.
pub const EXT_EXTENDED_KEY_USAGE: &str = "2.5.29.37";
/// basicConstraints.
pub const EXT_BASIC_CONSTRAINTS: &str = "2.5.29.19";
/// subjectKeyIdentifier.
pub const EXT_SUBJECT_KEY_ID: &str = "2.5.29.14";

// PKCS#7 / CMS content types (RFC 5652 §4–§8), as PKCS#12 uses them (RFC 7292 §4.1).
/// id-envelopedData (PKCS#12 public-key privacy mode).
pub const CMS_ENVELOPED_DATA: &str = "1.2.840.113549.1.7.3";
/// id-encryptedData (PKCS#12 password privacy mode).
pub const CMS_ENCRYPTED_DATA: &str = "1.2.840.113549.1.7.6";

// PKCS#12 password-based encryption (RFC 7292 Appendix C).
/// pbeWithSHAAnd128BitRC4.
pub const PBE_SHA1_RC4_128: &str = "1.2.840.113549.1.12.1.1";
/// pbeWithSHAAnd40BitRC4.
pub const PBE_SHA1_RC4_40: &str = "1.2.840.113549.1.12.1.2";
/// pbeWithSHAAnd3-KeyTripleDES-CBC.
pub const PBE_SHA1_3DES: &str = "1.2.840.113549.1.12.1.3";
/// pbeWithSHAAnd2-KeyTripleDES-CBC.
pub const PBE_SHA1_2DES: &str = "1.2.840.113549.1.12.1.4";
/// pbeWithSHAAnd128BitRC2-CBC.
pub const PBE_SHA1_RC2_128: &str = "1.2.840.113549.1.12.1.5";
/// pbeWithSHAAnd40BitRC2-CBC.
pub const PBE_SHA1_RC2_40: &str = "1.2.840.113549.1.12.1.6";

// PKCS#12 bag types (RFC 7292 §4.2) and certificate types (§4.2.3).
/// keyBag.
pub const BAG_KEY: &str = "1.2.840.113549.1.12.10.1.1";
/// pkcs8ShroudedKeyBag.
pub const BAG_SHROUDED_KEY: &str = "1.2.840.113549.1.12.10.1.2";
/// certBag.
pub const BAG_CERT: &str = "1.2.840.113549.1.12.10.1.3";
/// crlBag.
pub const BAG_CRL: &str = "1.2.840.113549.1.12.10.1.4";
/// secretBag.
pub const BAG_SECRET: &str = "1.2.840.113549.1.12.10.1.5";
/// safeContentsBag.
pub const BAG_SAFE_CONTENTS: &str = "1.2.840.113549.1.12.10.1.6";
/// x509Certificate certificate type (PKCS#9).
pub const CERT_TYPE_X509: &str = "1.2.840.113549.1.9.22.1";

// PKCS#5 v2 (RFC 8018 Appendix A–C) and PBMAC1 for PKCS#12 (RFC 9579).
/// PBKDF2.
pub const PBKDF2: &str = "1.2.840.113549.1.5.12";
/// PBES2.
pub const PBES2: &str = "1.2.840.113549.1.5.13";
/// PBMAC1.
pub const PBMAC1: &str = "1.2.840.113549.1.5.14";
/// hmacWithSHA1.
pub const HMAC_SHA1: &str = "1.2.840.113549.2.7";
/// hmacWithSHA256.
pub const HMAC_SHA256: &str = "1.2.840.113549.2.9";
/// hmacWithSHA384.
pub const HMAC_SHA384: &str = "1.2.840.113549.2.10";
/// hmacWithSHA512.
pub const HMAC_SHA512: &str = "1.2.840.113549.2.11";
/// aes128-CBC (NIST CSOR).
pub const AES128_CBC: &str = "2.16.840.1.101.3.4.1.2";
/// aes192-CBC.
pub const AES192_CBC: &str = "2.16.840.1.101.3.4.1.22";
/// aes256-CBC.
pub const AES256_CBC: &str = "2.16.840.1.101.3.4.1.42";
/// des-ede3-cbc (RFC 8018 §B.2.2).
pub const DES_EDE3_CBC: &str = "1.2.840.113549.3.7";
/// desCBC (RFC 8018 §B.2.1).
pub const DES_CBC: &str = "1.3.14.3.2.7";

// Digest algorithms (RFC 3279, RFC 5754), as the PKCS#12 MAC names them.
// Content types and password-based encryption read by `input::detect` (RFC 5652 §3/§5,
// RFC 8018 §6.2 and App. A.2, RFC 7292 App. D).
/// pkcs-12PbeIds arc: pbeWithSHAAnd3-KeyTripleDES-CBC and friends (RFC 7292 App. C).
pub const PBE_PKCS12_ARC: &str = "1.2.840.113549.1.12.1";

//! Encrypted PKCS#8 keys are decrypted by certprep's own PBKDF2 + CBC step (issue 16 point 8:
//! the derived key in a buffer zeroed on drop, which the `pkcs5` crate does not do). The
//! `pkcs5` crate, the implementation it replaced, is the oracle: every PRF and cipher it writes
//! must open to the same PKCS#8, and a wrong password must not.
//!
//! See: issue 16.

use certprep::error::InputError;
use certprep::input::{detect, DetectOptions, Item, Origin};
use certprep::secret::Secret;
use der::Decode;
use pkcs5::pbes2::{EncryptionScheme, Kdf, Parameters, Pbkdf2Params, Pbkdf2Prf};

fn pkcs8_of_fixture() -> Vec<u8> {
    let pem = std::fs::read(format!(
        "{}/fixtures/keys/ec-p256-pkcs8.pem",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    openssl::pkey::PKey::private_key_from_pem(&pem)
        .unwrap()
        .private_key_to_pkcs8()
        .unwrap()
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = openssl::base64::encode_block(der);
    format!("-----BEGIN {label}-----\n{b64}\n-----END {label}-----\n")
}

#[test]
fn issue_16_every_pbes2_prf_and_cipher_opens_as_pkcs5_writes_it() {
    let plain = pkcs8_of_fixture();
    let info = pkcs8::PrivateKeyInfo::from_der(&plain).unwrap();
    let salt = [7u8; 16];
    let iv16 = [9u8; 16];
    let iv8 = [5u8; 8];
    let prfs = [
        Pbkdf2Prf::HmacWithSha1,
        Pbkdf2Prf::HmacWithSha224,
        Pbkdf2Prf::HmacWithSha256,
        Pbkdf2Prf::HmacWithSha384,
        Pbkdf2Prf::HmacWithSha512,
    ];
    let ciphers = [
        EncryptionScheme::Aes128Cbc { iv: &iv16 },
        EncryptionScheme::Aes192Cbc { iv: &iv16 },
        EncryptionScheme::Aes256Cbc { iv: &iv16 },
        EncryptionScheme::DesEde3Cbc { iv: &iv8 },
    ];
    let right = DetectOptions {
        passwords: vec![Secret::new("Key-Pass-1".into())],
        ..DetectOptions::default()
    };
    let wrong = DetectOptions {
        passwords: vec![Secret::new("Key-Pass-2".into())],
        ..DetectOptions::default()
    };
    for prf in prfs {
        for cipher in ciphers {
            let kdf = Kdf::Pbkdf2(Pbkdf2Params {
                salt: &salt,
                iteration_count: 1000,
                key_length: None,
                prf,
            });
            let params = Parameters {
                kdf,
                encryption: cipher,
            };
            let doc = info.encrypt_with_params(params, b"Key-Pass-1").unwrap();
            let text = pem("ENCRYPTED PRIVATE KEY", doc.as_bytes());
            let what = format!("{prf:?} {:?}", cipher.oid());
            let d = detect(text.as_bytes(), &Origin::file("k.pem"), &right);
            let key = d
                .items
                .iter()
                .find_map(|i| if let Item::Key(k) = i { Some(k) } else { None })
                .unwrap_or_else(|| panic!("{what}: {:?}", d.problems));
            assert_eq!(&key.pkcs8_der[..], &plain[..], "{what}");
            let d = detect(text.as_bytes(), &Origin::file("k.pem"), &wrong);
            assert!(d.items.is_empty(), "{what}: a wrong password opened it");
            assert!(
                matches!(d.problems.as_slice(), [InputError::PasswordNeeded { .. }]),
                "{what}: {:?}",
                d.problems
            );
        }
    }
}

//! PKCS#12 reading and writing, checked against OpenSSL (the `openssl` crate) and against an
//! independent ASN.1 walk of the output (the `der` crate), never against our own reader only.

use certprep::error::InputError;
use certprep::input::{self, DetectOptions, Detected, Item, Origin};
use certprep::model::pfx::{BagKind, Cipher, Encryption, MacDigest, PasswordUsed, PfxInfo, Prf};
use certprep::model::{Cert, PrivateKey};
use certprep::pkcs12::{self, PfxSpec, Profile};
use certprep::secret::Secret;
use der::asn1::{AnyRef, ObjectIdentifier, OctetStringRef};
use der::{Decode, Encode, Reader, SliceReader, Tag, TagNumber, Tagged};
use std::path::{Path, PathBuf};

pub(crate) fn fixture(rel: &str) -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "fixtures", rel]
        .iter()
        .collect()
}

/// The shared real-world corpus beside the checkout (`../shared/realworld`; for a git worktree
/// one level deeper, `../../shared/realworld`), if present.
pub(crate) fn realworld(rel: &str) -> Option<PathBuf> {
    ["..", "../.."].iter().find_map(|up| {
        let p: PathBuf = [env!("CARGO_MANIFEST_DIR"), up, "shared", "realworld", rel]
            .iter()
            .collect();
        p.exists().then_some(p)
    })
}

fn fixture_password() -> Secret {
    let t = std::fs::read_to_string(fixture("deliverable/pfx-password.txt")).unwrap();
    Secret::new(t.lines().next().unwrap().to_owned())
}

fn opts(passwords: &[&str]) -> DetectOptions {
    DetectOptions {
        passwords: passwords.iter().map(|p| Secret::new((*p).into())).collect(),
        ..DetectOptions::default()
    }
}

fn read_file(path: &Path, o: &DetectOptions) -> Detected {
    let bytes = std::fs::read(path).unwrap();
    input::read_pkcs12(&bytes, &Origin::file(path.to_string_lossy()), o)
}

fn pfx_info(d: &Detected) -> &PfxInfo {
    d.pfxs().next().expect("a PfxInfo item")
}

fn leaf_der() -> Vec<u8> {
    openssl::x509::X509::from_pem(
        &std::fs::read(fixture("deliverable/mail.contoso.com.crt")).unwrap(),
    )
    .unwrap()
    .to_der()
    .unwrap()
}

fn bundle_ders() -> Vec<Vec<u8>> {
    openssl::x509::X509::stack_from_pem(
        &std::fs::read(fixture("deliverable/ca-bundle.crt")).unwrap(),
    )
    .unwrap()
    .iter()
    .map(|c| c.to_der().unwrap())
    .collect()
}

fn key_pkcs8() -> Vec<u8> {
    openssl::pkey::PKey::private_key_from_pem(
        &std::fs::read(fixture("deliverable/mail.contoso.com.key")).unwrap(),
    )
    .unwrap()
    .private_key_to_pkcs8()
    .unwrap()
}

// ---------------------------------------------------------------- reading

#[test]
fn read_openssl_fixtures_gives_key_leaf_and_chain_with_each_bags_algorithm() {
    let pw = fixture_password();
    let o = opts(&[pw.expose()]);
    let leaf = leaf_der();
    let intermediate = bundle_ders()[0].clone();
    for (file, key_enc, cert_enc, mac) in [
        (
            "deliverable/mail.contoso.com-3des.pfx",
            Encryption::PbeSha1TripleDes,
            Encryption::PbeSha1TripleDes,
            MacDigest::Sha1,
        ),
        (
            "deliverable/mail.contoso.com-rc2.pfx",
            Encryption::PbeSha1TripleDes,
            Encryption::PbeSha1Rc2_40,
            MacDigest::Sha1,
        ),
        (
            "deliverable/mail.contoso.com-aes.pfx",
            Encryption::Pbes2 {
                prf: Prf::HmacSha256,
                cipher: Cipher::Aes256Cbc,
            },
            Encryption::Pbes2 {
                prf: Prf::HmacSha256,
                cipher: Cipher::Aes256Cbc,
            },
            MacDigest::Sha256,
        ),
    ] {
        let d = read_file(&fixture(file), &o);
        assert!(d.problems.is_empty(), "{file}: {:?}", d.problems);
        let info = pfx_info(&d);
        assert_eq!(info.password, PasswordUsed::Supplied, "{file}");
        assert_eq!(info.mac.as_ref().unwrap().digest, mac, "{file}");
        let certs: Vec<&Cert> = d.certs().collect();
        let keys: Vec<&PrivateKey> = d.keys().collect();
        assert_eq!(keys.len(), 1, "{file}");
        let ders: Vec<&[u8]> = certs.iter().map(|c| c.der.as_slice()).collect();
        assert!(ders.contains(&leaf.as_slice()), "{file}");
        assert!(ders.contains(&intermediate.as_slice()), "{file}");
        let leaf_cert = certs.iter().find(|c| c.der == leaf).unwrap();
        assert!(keys[0].matches(&leaf_cert.public_key), "{file}");
        assert!(
            *keys[0].pkcs8_der == key_pkcs8(),
            "{file}: key bytes differ"
        );
        for b in &info.bags {
            let want = if b.kind == BagKind::Cert {
                &cert_enc
            } else {
                &key_enc
            };
            assert_eq!(&b.encryption, want, "{file} bag {}", b.index);
            assert!(b.iterations.unwrap() >= 2000, "{file}");
        }
        // OpenSSL writes localKeyId = SHA-1 of the leaf on both key and leaf bags.
        assert_eq!(keys[0].local_key_id, leaf_cert.local_key_id, "{file}");
    }
}

#[test]
fn read_without_password_shows_structure_and_asks_for_one() {
    let d = read_file(&fixture("deliverable/mail.contoso.com-aes.pfx"), &opts(&[]));
    assert!(matches!(
        d.problems.as_slice(),
        [InputError::PasswordNeeded {
            tried_given: false,
            ..
        }]
    ));
    let info = pfx_info(&d);
    assert_eq!(info.password, PasswordUsed::NotOpened);
    assert_eq!(d.certs().count(), 0);
    assert_eq!(d.keys().count(), 0);
    // The shrouded key bag (in a plain safe) and the encrypted certificate safe are visible.
    assert!(info.bags.iter().any(
        |b| b.kind == BagKind::ShroudedKey && matches!(b.encryption, Encryption::Pbes2 { .. })
    ));
    assert!(info
        .bags
        .iter()
        .any(|b| matches!(b.kind, BagKind::Other(_)) && b.iterations.is_some()));

    let wrong = read_file(
        &fixture("deliverable/mail.contoso.com-aes.pfx"),
        &opts(&["nope"]),
    );
    assert!(matches!(
        wrong.problems.as_slice(),
        [InputError::PasswordNeeded {
            tried_given: true,
            ..
        }]
    ));
    // The password never appears in the message.
    assert!(!wrong.problems[0].to_string().contains("nope"));
}

/// A PFX skeleton whose MAC claims `iterations`; nothing in it is ever derived.
fn hostile_pfx(iterations: u64) -> Vec<u8> {
    use der::asn1::OctetString;
    let empty_auth = OctetString::new(vec![0x30, 0x00]).unwrap();
    let data_oid = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
    let mut ci = Vec::new();
    ci.extend(data_oid.to_der().unwrap());
    let inner = empty_auth.to_der().unwrap();
    ci.extend(tlv(0xA0, &inner));
    let ci = tlv(0x30, &ci);
    let alg = tlv(
        0x30,
        &ObjectIdentifier::new_unwrap("1.3.14.3.2.26")
            .to_der()
            .unwrap(),
    );
    let digest_info = tlv(0x30, &[alg, tlv(0x04, &[0u8; 20])].concat());
    let it_bytes = {
        let mut b = iterations.to_be_bytes().to_vec();
        while b.len() > 1 && b[0] == 0 && b[1] & 0x80 == 0 {
            b.remove(0);
        }
        if b[0] & 0x80 != 0 {
            b.insert(0, 0);
        }
        b
    };
    let mac = tlv(
        0x30,
        &[digest_info, tlv(0x04, &[1u8; 8]), tlv(0x02, &it_bytes)].concat(),
    );
    tlv(0x30, &[vec![0x02, 0x01, 0x03], ci, mac].concat())
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else if n < 0x100 {
        out.extend([0x81, n as u8]);
    } else {
        out.extend([0x82, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(content);
    out
}

#[test]
fn read_hostile_iteration_count_is_refused_before_any_work() {
    let bytes = hostile_pfx(1u64 << 31);
    let start = std::time::Instant::now();
    let d = input::read_pkcs12(&bytes, &Origin::file("hostile.pfx"), &opts(&["x"]));
    assert!(d.items.is_empty());
    match d.problems.as_slice() {
        [e @ InputError::IterationsTooHigh { count, cap, .. }] => {
            assert_eq!(*count, 1u64 << 31);
            assert_eq!(*cap, certprep::input::DEFAULT_MAX_ITERATIONS);
            let msg = e.to_string();
            assert!(
                msg.contains("hostile.pfx") && msg.contains("2147483648"),
                "{msg}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Not a timing assertion on speed, only a guard that no 2^31-round KDF ran (minutes).
    assert!(start.elapsed() < std::time::Duration::from_secs(30));
    // Under the cap the same skeleton gets as far as the MAC check (its MAC is zeros, so no
    // password opens it).
    let ok = input::read_pkcs12(&hostile_pfx(2000), &Origin::file("ok.pfx"), &opts(&[]));
    assert!(
        matches!(ok.problems.as_slice(), [InputError::PasswordNeeded { .. }]),
        "{:?}",
        ok.problems
    );
}

#[test]
fn read_never_panics_on_truncated_or_flipped_input() {
    let bytes = std::fs::read(fixture("deliverable/mail.contoso.com-3des.pfx")).unwrap();
    let o = opts(&[fixture_password().expose()]);
    for cut in (0..bytes.len()).step_by(97) {
        let _ = input::read_pkcs12(&bytes[..cut], &Origin::file("t.pfx"), &o);
    }
    for i in (0..bytes.len()).step_by(131) {
        let mut b = bytes.clone();
        b[i] ^= 0x5A;
        let _ = input::read_pkcs12(&b, &Origin::file("t.pfx"), &o);
    }
}

// ---------------------------------------------------------------- writing

fn spec<'a>(
    profile: Profile,
    pw: &'a Secret,
    key: &'a [u8],
    leaf: &'a [u8],
    chain: Vec<&'a [u8]>,
) -> PfxSpec<'a> {
    PfxSpec {
        profile,
        password: pw,
        key: Some(key),
        leaf,
        chain,
        friendly_name: Some("mail.contoso.com 2026-11-01..2027-05-19"),
        csp_name: Some("Microsoft Enhanced RSA and AES Cryptographic Provider"),
    }
}

#[test]
fn build_each_profile_opens_in_openssl_with_identical_key_leaf_and_chain() {
    let key = key_pkcs8();
    let leaf = leaf_der();
    let bundle = bundle_ders();
    let chain: Vec<&[u8]> = bundle.iter().map(|c| c.as_slice()).collect();
    for profile in [Profile::Compat, Profile::Modern] {
        for password in ["Contoso-Fixture-1", "", "pässwört-€"] {
            let pw = Secret::new(password.into());
            let out = pkcs12::build(&spec(profile, &pw, &key, &leaf, chain.clone())).unwrap();
            let p12 = openssl::pkcs12::Pkcs12::from_der(&out).unwrap();
            let parsed = p12
                .parse2(password)
                .unwrap_or_else(|e| panic!("{profile:?} {password:?}: {e}"));
            assert_eq!(parsed.cert.unwrap().to_der().unwrap(), leaf);
            assert!(
                parsed.pkey.unwrap().private_key_to_pkcs8().unwrap() == key,
                "key differs"
            );
            let ca: Vec<Vec<u8>> = parsed
                .ca
                .unwrap()
                .iter()
                .map(|c| c.to_der().unwrap())
                .collect();
            assert_eq!(ca, bundle, "{profile:?}: chain order");
            assert!(
                openssl::pkcs12::Pkcs12::from_der(&out)
                    .unwrap()
                    .parse2("wrong")
                    .is_err(),
                "{profile:?}: a wrong password must fail"
            );
            // And our own reader opens it, with the right password only.
            let d = input::read_pkcs12(&out, &Origin::file("o.pfx"), &opts(&[password]));
            assert!(d.problems.is_empty(), "{:?}", d.problems);
            assert_eq!(d.certs().next().unwrap().der, leaf);
        }
    }
}

/// A DER walk with the `der` crate: (tag, content) of each element of a SEQUENCE/SET.
fn children(bytes: &[u8]) -> Vec<AnyRef<'_>> {
    let mut r = SliceReader::new(bytes).unwrap();
    let mut out = Vec::new();
    while !r.is_finished() {
        out.push(r.decode::<AnyRef<'_>>().unwrap());
    }
    out
}

/// The content of a DER SEQUENCE spanning all of `bytes`.
fn seq_content(bytes: &[u8]) -> &[u8] {
    let a = AnyRef::from_der(bytes).unwrap();
    assert_eq!(a.tag(), Tag::Sequence);
    a.value()
}

fn oid_of(a: &AnyRef<'_>) -> String {
    a.decode_as::<ObjectIdentifier>().unwrap().to_string()
}

fn uint_of(a: &AnyRef<'_>) -> u64 {
    assert_eq!(a.tag(), Tag::Integer);
    a.value()
        .iter()
        .fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
}

/// (algorithm OID, iteration count, PBES2 PRF and cipher OIDs) of an AlgorithmIdentifier.
fn alg_summary(alg: &AnyRef<'_>) -> (String, u64, Option<(String, String)>) {
    let parts = children(alg.value());
    let oid = oid_of(&parts[0]);
    let params = children(parts[1].value());
    if oid == "1.2.840.113549.1.5.13" {
        let kdf = children(params[0].value());
        assert_eq!(oid_of(&kdf[0]), "1.2.840.113549.1.5.12", "PBKDF2");
        let kp = children(kdf[1].value());
        let it = uint_of(&kp[1]);
        let prf = children(kp.last().unwrap().value());
        let enc = children(params[1].value());
        assert_eq!(enc[1].value().len(), 16, "AES IV");
        (oid, it, Some((oid_of(&prf[0]), oid_of(&enc[0]))))
    } else {
        (oid, uint_of(&params[1]), None)
    }
}

struct Walked {
    mac_oid: String,
    mac_iterations: u64,
    mac_len: usize,
    key_alg: (String, u64, Option<(String, String)>),
    cert_alg: (String, u64, Option<(String, String)>),
    key_attrs: Vec<(String, AnyRef<'static>)>,
}

fn walk(pfx: &'static [u8]) -> Walked {
    let parts = children(seq_content(pfx));
    assert_eq!(uint_of(&parts[0]), 3);
    let ci = children(parts[1].value());
    assert_eq!(oid_of(&ci[0]), "1.2.840.113549.1.7.1");
    let explicit = children(ci[1].value());
    let auth = OctetStringRef::try_from(explicit[0]).unwrap().as_bytes();
    let safes = children(seq_content(auth));
    assert_eq!(
        safes.len(),
        2,
        "a key safe and a certificate safe, as Windows writes"
    );
    // Safe 1: data with one shrouded key bag.
    let s1 = children(safes[0].value());
    assert_eq!(oid_of(&s1[0]), "1.2.840.113549.1.7.1");
    let s1_octets = OctetStringRef::try_from(children(s1[1].value())[0])
        .unwrap()
        .as_bytes();
    let bags = children(seq_content(s1_octets));
    assert_eq!(bags.len(), 1);
    let bag = children(bags[0].value());
    assert_eq!(oid_of(&bag[0]), "1.2.840.113549.1.12.10.1.2");
    let epki = children(children(bag[1].value())[0].value());
    let key_alg = alg_summary(&epki[0]);
    let key_attrs = children(bag[2].value())
        .iter()
        .map(|a| {
            let kv = children(a.value());
            let values = children(kv[1].value());
            assert_eq!(values.len(), 1);
            (oid_of(&kv[0]), values[0])
        })
        .collect();
    // Safe 2: encryptedData.
    let s2 = children(safes[1].value());
    assert_eq!(oid_of(&s2[0]), "1.2.840.113549.1.7.6");
    let ed = children(children(s2[1].value())[0].value());
    assert_eq!(uint_of(&ed[0]), 0);
    let eci = children(ed[1].value());
    assert_eq!(oid_of(&eci[0]), "1.2.840.113549.1.7.1");
    let cert_alg = alg_summary(&eci[1]);
    assert_eq!(
        eci[2].tag(),
        Tag::ContextSpecific {
            constructed: false,
            number: TagNumber::N0
        }
    );
    // MacData.
    let mac = children(parts[2].value());
    let di = children(mac[0].value());
    let mac_alg = children(di[0].value());
    Walked {
        mac_oid: oid_of(&mac_alg[0]),
        mac_iterations: uint_of(&mac[2]),
        mac_len: di[1].value().len(),
        key_alg,
        cert_alg,
        key_attrs,
    }
}

#[test]
fn build_output_uses_exactly_the_profiles_algorithms_and_iterations() {
    let key = key_pkcs8();
    let leaf = leaf_der();
    let pw = Secret::new("x".into());
    let compat: &'static [u8] = Box::leak(
        pkcs12::build(&spec(Profile::Compat, &pw, &key, &leaf, vec![]))
            .unwrap()
            .into_boxed_slice(),
    );
    let w = walk(compat);
    assert_eq!(w.mac_oid, "1.3.14.3.2.26");
    assert_eq!(w.mac_len, 20);
    assert_eq!(w.mac_iterations, 2000);
    assert_eq!(w.key_alg, ("1.2.840.113549.1.12.1.3".into(), 2000, None));
    assert_eq!(w.cert_alg, ("1.2.840.113549.1.12.1.3".into(), 2000, None));

    let modern: &'static [u8] = Box::leak(
        pkcs12::build(&spec(Profile::Modern, &pw, &key, &leaf, vec![]))
            .unwrap()
            .into_boxed_slice(),
    );
    let w = walk(modern);
    assert_eq!(w.mac_oid, "2.16.840.1.101.3.4.2.1");
    assert_eq!(w.mac_len, 32);
    assert_eq!(w.mac_iterations, 2000);
    let pbes2 = (
        "1.2.840.113549.1.5.13".to_string(),
        2000,
        Some((
            "1.2.840.113549.2.9".to_string(),
            "2.16.840.1.101.3.4.1.42".to_string(),
        )),
    );
    assert_eq!(w.key_alg, pbes2);
    assert_eq!(w.cert_alg, pbes2);
}

#[test]
fn build_writes_windows_bag_attributes() {
    let key = key_pkcs8();
    let leaf = leaf_der();
    let pw = Secret::new("x".into());
    let out: &'static [u8] = Box::leak(
        pkcs12::build(&spec(Profile::Compat, &pw, &key, &leaf, vec![]))
            .unwrap()
            .into_boxed_slice(),
    );
    let w = walk(out);
    let get = |oid: &str| {
        w.key_attrs
            .iter()
            .find(|(o, _)| o == oid)
            .map(|(_, v)| *v)
            .unwrap_or_else(|| panic!("key bag lacks {oid}"))
    };
    let lkid = get("1.2.840.113549.1.9.21");
    assert_eq!(lkid.tag(), Tag::OctetString);
    assert_eq!(lkid.value(), [1, 0, 0, 0]);
    let csp = get("1.3.6.1.4.1.311.17.1");
    assert_eq!(csp.tag(), Tag::BmpString);
    let text: String = char::decode_utf16(
        csp.value()
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]])),
    )
    .map(|c| c.unwrap())
    .collect();
    assert_eq!(
        text,
        "Microsoft Enhanced RSA and AES Cryptographic Provider"
    );
    let container = get("1.2.840.113549.1.9.20");
    assert_eq!(container.tag(), Tag::BmpString);
    let name: String = char::decode_utf16(
        container
            .value()
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]])),
    )
    .map(|c| c.unwrap())
    .collect();
    assert!(
        name.starts_with('{') && name.ends_with('}') && name.len() == 38,
        "{name}"
    );
    // DER: the SET OF attributes is sorted by encoding.
    let encs: Vec<Vec<u8>> = w
        .key_attrs
        .iter()
        .map(|(_, v)| v.to_der().unwrap())
        .collect();
    assert_eq!(encs.len(), 3);

    // The leaf bag (inside the encrypted safe): friendlyName and the same localKeyId, as read
    // back; the same attribute code writes both profiles, and the modern profile's safe is
    // decrypted independently below.
    let d = input::read_pkcs12(out, &Origin::file("o.pfx"), &opts(&["x"]));
    let c = d.certs().next().unwrap();
    assert_eq!(
        c.friendly_name.as_deref(),
        Some("mail.contoso.com 2026-11-01..2027-05-19")
    );
    assert_eq!(c.local_key_id.as_deref(), Some(&[1u8, 0, 0, 0][..]));
    let k = d.keys().next().unwrap();
    assert_eq!(
        k.csp_name.as_deref(),
        Some("Microsoft Enhanced RSA and AES Cryptographic Provider")
    );
}

#[test]
fn build_modern_leaf_bag_attributes_decrypt_independently_with_openssl() {
    let key = key_pkcs8();
    let leaf = leaf_der();
    let pw = Secret::new("pw".into());
    let out: &'static [u8] = Box::leak(
        pkcs12::build(&spec(Profile::Modern, &pw, &key, &leaf, vec![]))
            .unwrap()
            .into_boxed_slice(),
    );
    // Walk to the encrypted certificate safe and decrypt it with OpenSSL's PBKDF2 and AES.
    let parts = children(seq_content(out));
    let ci = children(parts[1].value());
    let auth = OctetStringRef::try_from(children(ci[1].value())[0])
        .unwrap()
        .as_bytes();
    let safes = children(seq_content(auth));
    let ed = children(children(children(safes[1].value())[1].value())[0].value());
    let eci = children(ed[1].value());
    let alg = children(eci[1].value());
    let params = children(alg[1].value());
    let kp = children(children(params[0].value())[1].value());
    let salt = kp[0].value();
    let iterations = uint_of(&kp[1]) as usize;
    let iv = children(params[1].value())[1].value().to_vec();
    let mut k = [0u8; 32];
    openssl::pkcs5::pbkdf2_hmac(
        b"pw",
        salt,
        iterations,
        openssl::hash::MessageDigest::sha256(),
        &mut k,
    )
    .unwrap();
    let plain = openssl::symm::decrypt(
        openssl::symm::Cipher::aes_256_cbc(),
        &k,
        Some(&iv),
        eci[2].value(),
    )
    .unwrap();
    let bags = children(seq_content(&plain));
    let leaf_bag = children(bags[0].value());
    let attrs: Vec<(String, Vec<u8>, Tag)> = children(leaf_bag[2].value())
        .iter()
        .map(|a| {
            let kv = children(a.value());
            let v = children(kv[1].value())[0];
            (oid_of(&kv[0]), v.value().to_vec(), v.tag())
        })
        .collect();
    let fname = attrs
        .iter()
        .find(|a| a.0 == "1.2.840.113549.1.9.20")
        .unwrap();
    assert_eq!(fname.2, Tag::BmpString);
    let want: Vec<u8> = "mail.contoso.com 2026-11-01..2027-05-19"
        .encode_utf16()
        .flat_map(|u| u.to_be_bytes())
        .collect();
    assert_eq!(fname.1, want);
    let lkid = attrs
        .iter()
        .find(|a| a.0 == "1.2.840.113549.1.9.21")
        .unwrap();
    assert_eq!(
        (lkid.1.as_slice(), lkid.2),
        (&[1u8, 0, 0, 0][..], Tag::OctetString)
    );
}

// ---------------------------------------------------------------- real Windows exports

/// (relative path, password) of PFX files Windows and .NET exported (README of the corpus).
fn windows_files() -> Vec<(PathBuf, Option<&'static str>)> {
    let Some(root) = realworld("windows-pfx") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in walk_dir(&root) {
        if entry.extension().is_some_and(|e| e == "pfx") {
            let name = entry.file_name().unwrap().to_string_lossy().into_owned();
            let s = entry.to_string_lossy();
            let pw = if name.starts_with("My.") {
                Some("12345")
            } else if name.starts_with("test.") {
                Some("test")
            } else if s.contains("TestDataCertificates") {
                Some("PLACEHOLDER")
            } else if s.contains("System.Net.TestData") {
                Some("testcertificate")
            } else {
                None
            };
            out.push((entry, pw));
        }
    }
    out.sort();
    out
}

/// OpenSSL 3 reads RC2-40 (what Windows writes for certificates) only with the legacy
/// provider; load it (and the default one) for the rest of the process.
fn load_openssl_legacy_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        for name in ["legacy", "default"] {
            if let Ok(p) = openssl::provider::Provider::try_load(None, name, true) {
                std::mem::forget(p);
            }
        }
    });
}

fn walk_dir(p: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.flatten() {
            let path = e.path();
            if path.is_dir() {
                out.extend(walk_dir(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

#[test]
fn windows_exported_pfx_files_read_and_convert() {
    let files = windows_files();
    if files.is_empty() {
        eprintln!("skipped: ../shared/realworld/windows-pfx is absent");
        return;
    }
    let mut opened = 0;
    for (path, pw) in &files {
        let o = opts(&pw.iter().copied().collect::<Vec<_>>());
        let d = read_file(path, &o);
        let info = pfx_info(&d);
        if info.password == PasswordUsed::NotOpened {
            // Some corpus files use passwords the README does not list; they must still show
            // their structure and ask for a password rather than fail.
            assert!(
                matches!(d.problems.first(), Some(InputError::PasswordNeeded { .. })),
                "{}: {:?}",
                path.display(),
                d.problems
            );
            continue;
        }
        assert!(
            d.problems.is_empty(),
            "{}: {:?}",
            path.display(),
            d.problems
        );
        opened += 1;
        let certs: Vec<&Cert> = d.certs().collect();
        let Some(key) = d.keys().next() else { continue };
        let leaf = certs
            .iter()
            .find(|c| key.matches(&c.public_key))
            .unwrap_or_else(|| panic!("{}: key matches no certificate", path.display()));
        // OpenSSL agrees on the key and the leaf.
        load_openssl_legacy_provider();
        let theirs = openssl::pkcs12::Pkcs12::from_der(&std::fs::read(path).unwrap())
            .unwrap()
            .parse2(pw.unwrap_or(""))
            .unwrap();
        assert_eq!(
            theirs.cert.unwrap().to_der().unwrap(),
            leaf.der,
            "{}",
            path.display()
        );
        // Convert to compat and open the result with OpenSSL.
        let out_pw = Secret::new("converted".into());
        let chain: Vec<&[u8]> = certs
            .iter()
            .filter(|c| c.der != leaf.der)
            .map(|c| c.der.as_slice())
            .collect();
        let out = pkcs12::build(&PfxSpec {
            profile: Profile::Compat,
            password: &out_pw,
            key: Some(&key.pkcs8_der),
            leaf: &leaf.der,
            chain,
            friendly_name: leaf.friendly_name.as_deref(),
            csp_name: key
                .public_key
                .algorithm
                .is_rsa()
                .then_some("Microsoft Enhanced RSA and AES Cryptographic Provider"),
        })
        .unwrap();
        let back = openssl::pkcs12::Pkcs12::from_der(&out)
            .unwrap()
            .parse2("converted")
            .unwrap();
        assert_eq!(back.cert.unwrap().to_der().unwrap(), leaf.der);
        // Windows keys carry PKCS#8 attributes (key usage) that OpenSSL drops on re-encoding;
        // compare the key itself (never print key bytes).
        let ours = openssl::pkey::PKey::private_key_from_pkcs8(&key.pkcs8_der).unwrap();
        let back_key = back.pkey.unwrap();
        assert!(back_key.public_eq(&ours), "{}: key differs", path.display());
        assert!(
            back_key.private_key_to_pkcs8().unwrap() == ours.private_key_to_pkcs8().unwrap(),
            "{}: private key differs",
            path.display()
        );
    }
    eprintln!(
        "{opened} of {} Windows-exported files opened and converted",
        files.len()
    );
    assert!(opened >= 10, "only {opened} Windows files opened");
}

#[test]
fn windows_null_password_export_opens_with_the_null_password() {
    let Some(p) = realworld("windows-pfx/golang-x-crypto-pkcs12/windows-azure-tools.pfx") else {
        eprintln!("skipped: corpus absent");
        return;
    };
    let d = read_file(&p, &opts(&[]));
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    let info = pfx_info(&d);
    assert_eq!(info.password, PasswordUsed::Null);
    let mac = info.mac.as_ref().unwrap();
    assert_eq!((mac.digest.clone(), mac.iterations), (MacDigest::Sha1, 1));
    let key_bag = info
        .bags
        .iter()
        .find(|b| b.kind == BagKind::ShroudedKey)
        .unwrap();
    assert_eq!(key_bag.encryption, Encryption::PbeSha1TripleDes);
    assert_eq!(key_bag.local_key_id.as_deref(), Some("01000000"));
    assert_eq!(
        key_bag.csp_name.as_deref(),
        Some("Microsoft Software Key Storage Provider")
    );
    let cert_bag = info.bags.iter().find(|b| b.kind == BagKind::Cert).unwrap();
    assert_eq!(cert_bag.encryption, Encryption::PbeSha1Rc2_40);
    assert_eq!(
        cert_bag.friendly_name.as_deref(),
        Some("Paul's Playground-10-2-2014-credentials")
    );
    assert!(d.items.iter().any(|i| matches!(i, Item::Key(_))));
}

#[test]
fn empty_password_export_opens_with_the_empty_password() {
    let Some(p) = realworld("windows-pfx/golang-x-crypto-pkcs12/testing-at-example-com.pfx") else {
        eprintln!("skipped: corpus absent");
        return;
    };
    let d = read_file(&p, &opts(&[]));
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    assert_eq!(pfx_info(&d).password, PasswordUsed::Empty);
}

/// Replace a PFX's MAC with a PBMAC1 MAC (RFC 9579) computed by OpenSSL's PBKDF2 and HMAC.
fn with_pbmac1(pfx: &[u8], password: &str) -> Vec<u8> {
    let parts = children(seq_content(pfx));
    let auth_ci = parts[1];
    let auth = OctetStringRef::try_from(children(children(auth_ci.value())[1].value())[0])
        .unwrap()
        .as_bytes()
        .to_vec();
    let salt = [9u8; 16];
    let iterations = 2048usize;
    let mut key = [0u8; 32];
    openssl::pkcs5::pbkdf2_hmac(
        password.as_bytes(),
        &salt,
        iterations,
        openssl::hash::MessageDigest::sha256(),
        &mut key,
    )
    .unwrap();
    let hkey = openssl::pkey::PKey::hmac(&key).unwrap();
    let mut signer =
        openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), &hkey).unwrap();
    signer.update(&auth).unwrap();
    let mac = signer.sign_to_vec().unwrap();
    let oid = |s: &str| ObjectIdentifier::new_unwrap(s).to_der().unwrap();
    let hmac_sha256 = tlv(
        0x30,
        &[oid("1.2.840.113549.2.9"), vec![0x05, 0x00]].concat(),
    );
    let pbkdf2_params = tlv(
        0x30,
        &[
            tlv(0x04, &salt),
            tlv(0x02, &[0x08, 0x00]),
            tlv(0x02, &[32]),
            hmac_sha256.clone(),
        ]
        .concat(),
    );
    let kdf = tlv(
        0x30,
        &[oid("1.2.840.113549.1.5.12"), pbkdf2_params].concat(),
    );
    let pbmac1 = tlv(
        0x30,
        &[
            oid("1.2.840.113549.1.5.14"),
            tlv(0x30, &[kdf, hmac_sha256].concat()),
        ]
        .concat(),
    );
    let digest_info = tlv(0x30, &[pbmac1, tlv(0x04, &mac)].concat());
    let mac_data = tlv(
        0x30,
        &[digest_info, tlv(0x04, b"NOT USED"), tlv(0x02, &[1])].concat(),
    );
    let auth_raw = auth_ci.to_der().unwrap();
    tlv(0x30, &[vec![0x02, 0x01, 0x03], auth_raw, mac_data].concat())
}

#[test]
fn read_verifies_a_pbmac1_mac_computed_by_openssl() {
    let key = key_pkcs8();
    let leaf = leaf_der();
    let pw = Secret::new("pbmac-pw".into());
    let built = pkcs12::build(&spec(Profile::Modern, &pw, &key, &leaf, vec![])).unwrap();
    let pfx = with_pbmac1(&built, "pbmac-pw");
    let d = input::read_pkcs12(&pfx, &Origin::file("p.pfx"), &opts(&["wrong", "pbmac-pw"]));
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    let info = pfx_info(&d);
    assert_eq!(info.password, PasswordUsed::Supplied);
    let mac = info.mac.as_ref().unwrap();
    assert_eq!(mac.iterations, 2048);
    assert!(matches!(&mac.digest, MacDigest::Other(n) if n.starts_with("PBMAC1")));
    assert_eq!(d.certs().next().unwrap().der, leaf);
    // Windows implements no PBMAC1: every version is told it cannot import the file.
    for (_, v) in certprep::windows::pfx_import_verdicts(info) {
        assert!(matches!(
            v,
            certprep::windows::ImportVerdict::CannotImport { .. }
        ));
    }
    // A wrong password does not verify.
    let bad = input::read_pkcs12(&pfx, &Origin::file("p.pfx"), &opts(&["wrong"]));
    assert!(matches!(
        bad.problems.as_slice(),
        [InputError::PasswordNeeded { .. }]
    ));
}

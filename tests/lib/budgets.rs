//! Issue 16 points 2 and 3: hostile inputs built here (PKCS#12 with many costly key bags,
//! PEM with many encrypted keys, ZIP bombs of three kinds) are refused, and the work done —
//! read from the run's `WorkMeter`, never from a clock — stays within the budget.
// See: issue 16 (`issues show 16`).

use crate::input::{fixture, with_iterations, zip_of};
use certprep::error::InputError;
use certprep::input::{detect, BudgetScope, DetectOptions, KdfBudget, Origin};
use certprep::secret::Secret;

/// A DER TLV with any length.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// OID content bytes for the few OIDs needed here.
fn oid(arcs_der: &[u8]) -> Vec<u8> {
    tlv(0x06, arcs_der)
}

/// 1.2.840.113549.1.7.1 (data).
const OID_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01];
/// 1.2.840.113549.1.12.10.1.2 (pkcs8ShroudedKeyBag).
const OID_SHROUDED_KEY_BAG: &[u8] = &[
    0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x0C, 0x0A, 0x01, 0x02,
];

/// The DER of the encrypted PKCS#8 fixture (PBKDF2-HMAC-SHA256, AES-256-CBC) with its
/// iteration count set to `count`.
fn encrypted_key_der(count: u32) -> Vec<u8> {
    let text = with_iterations(count);
    openssl::base64::decode_block(
        &text
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect::<String>(),
    )
    .unwrap()
}

/// The fixture key encrypted with `password` at `count` PBKDF2-HMAC-SHA256 iterations
/// (AES-256-CBC), by the `pkcs8` crate.
fn key_encrypted_at(count: u32, password: &str) -> Vec<u8> {
    let der = fixture("keys/rsa-pkcs8.der");
    let info = pkcs8::PrivateKeyInfo::try_from(der.as_slice()).unwrap();
    let params =
        pkcs5::pbes2::Parameters::pbkdf2_sha256_aes256cbc(count, &[7; 16], &[9; 16]).unwrap();
    info.encrypt_with_params(params, password)
        .unwrap()
        .as_bytes()
        .to_vec()
}

/// A PFX without a MAC whose one plain safe holds `n` shrouded key bags, each the
/// EncryptedPrivateKeyInfo `key`: RFC 7292 allows all of it.
fn pfx_with_key_bags(n: usize, key: &[u8]) -> Vec<u8> {
    let bag = seq(&[&oid(OID_SHROUDED_KEY_BAG), &tlv(0xA0, key)]);
    let safe_contents = tlv(0x30, &bag.repeat(n));
    let safe = seq(&[&oid(OID_DATA), &tlv(0xA0, &tlv(0x04, &safe_contents))]);
    let auth_safe = seq(&[&safe]);
    let content_info = seq(&[&oid(OID_DATA), &tlv(0xA0, &tlv(0x04, &auth_safe))]);
    seq(&[&[0x02, 0x01, 0x03], &content_info])
}

fn budget(per_file: u64, per_run: u64) -> DetectOptions {
    DetectOptions {
        kdf: KdfBudget { per_file, per_run },
        ..DetectOptions::default()
    }
}

#[test]
fn issue_16_pfx_with_ten_costly_key_bags_is_refused_before_any_derivation() {
    // Ten bags at the 1,000,000 iteration cap: each allowed alone, 20,000,000 units together
    // (PBKDF2-HMAC-SHA256, one block, two hashes per iteration) against 16,000,000.
    let pfx = pfx_with_key_bags(10, &encrypted_key_der(1_000_000));
    assert!(pfx.len() < 16 * 1024);
    let opts = DetectOptions::default();
    let d = detect(&pfx, &Origin::file("hostile.pfx"), &opts);
    assert!(d.items.is_empty(), "{:?}", d.items);
    match d.problems.as_slice() {
        [e @ InputError::KdfBudget { scope, budget, .. }] => {
            assert_eq!(*scope, BudgetScope::File);
            assert_eq!(*budget, certprep::input::budget::DEFAULT_MAX_KDF_WORK);
            let msg = e.to_string();
            assert!(msg.starts_with("hostile.pfx: "), "{msg}");
            assert!(
                msg.contains("16000000 units per file (--max-kdf-work)"),
                "{msg}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(opts.meter.kdf_work(), 0);
    assert_eq!(opts.meter.derivations(), 0);
}

#[test]
fn issue_16_pfx_key_bags_within_the_cap_stop_at_the_budget() {
    // No MAC: the password is found by decrypting the first bag (null, empty, then the given
    // one: three tries), then each bag is decrypted. At 1,000 iterations a try costs 2,000
    // units: 26,000 in all. The visible work (one try per bag, 20,000) fits the budget of
    // 20,000, so the reader starts, and the meter stops it at the eighth bag.
    let pfx = pfx_with_key_bags(10, &key_encrypted_at(1_000, "pw"));
    let opts = DetectOptions {
        passwords: vec![Secret::new("pw".into())],
        ..budget(20_000, u64::MAX)
    };
    let d = detect(&pfx, &Origin::file("bags.pfx"), &opts);
    let refused: Vec<String> = d
        .problems
        .iter()
        .filter(|p| matches!(p, InputError::KdfBudget { .. }))
        .map(|p| p.to_string())
        .collect();
    assert_eq!(refused.len(), 1, "{:?}", d.problems);
    assert!(
        refused[0].starts_with("bags.pfx (bag 8): "),
        "{}",
        refused[0]
    );
    assert_eq!(d.keys().count(), 7);
    assert_eq!(opts.meter.derivations(), 10);
    assert_eq!(opts.meter.kdf_work(), 20_000);
}

fn fixture_password() -> Secret {
    let text = String::from_utf8(fixture("deliverable/pfx-password.txt")).unwrap();
    Secret::new(text.lines().next().unwrap().to_owned())
}

#[test]
fn issue_16_every_password_tried_on_the_mac_is_charged() {
    // A real PFX from OpenSSL with a 50,000-iteration HMAC-SHA256 MAC: one try costs 50,000
    // units. Null, empty and three wrong passwords would cost 250,000; the budget allows two.
    let cert = openssl::x509::X509::from_pem(&fixture("deliverable/mail.contoso.com.crt")).unwrap();
    let key =
        openssl::pkey::PKey::private_key_from_pem(&fixture("deliverable/mail.contoso.com.key"))
            .unwrap();
    let pfx = openssl::pkcs12::Pkcs12::builder()
        .name("mail")
        .pkey(&key)
        .cert(&cert)
        .mac_iter(50_000)
        .build2("right")
        .unwrap()
        .to_der()
        .unwrap();
    let opts = DetectOptions {
        passwords: ["wrong1", "wrong2", "wrong3"]
            .iter()
            .map(|p| Secret::new((*p).into()))
            .collect(),
        ..budget(120_000, u64::MAX)
    };
    let d = detect(&pfx, &Origin::file("mac.pfx"), &opts);
    assert!(
        matches!(
            d.problems.as_slice(),
            [InputError::KdfBudget {
                scope: BudgetScope::File,
                budget: 120_000,
                ..
            }]
        ),
        "{:?}",
        d.problems
    );
    assert_eq!(opts.meter.derivations(), 2);
    assert_eq!(opts.meter.kdf_work(), 100_000);
    // The same file with its password and the default budget opens.
    let good = DetectOptions {
        passwords: vec![Secret::new("right".into())],
        ..DetectOptions::default()
    };
    let d = detect(&pfx, &Origin::file("mac.pfx"), &good);
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    assert_eq!(d.keys().count(), 1);
}

#[test]
fn issue_16_many_encrypted_keys_in_one_pem_share_the_file_budget() {
    // Ten encrypted PKCS#8 blocks at 10,000 iterations: a try costs 20,000 units. With no
    // password only "" is tried; the budget of 100,000 allows five tries.
    let block = with_iterations(10_000);
    let text = block.repeat(10);
    let opts = budget(100_000, u64::MAX);
    let d = detect(text.as_bytes(), &Origin::file("keys.pem"), &opts);
    let refused: Vec<String> = d
        .problems
        .iter()
        .filter(|p| matches!(p, InputError::KdfBudget { .. }))
        .map(|p| p.to_string())
        .collect();
    assert_eq!(refused.len(), 5, "{:?}", d.problems);
    assert!(
        refused[0].starts_with("keys.pem (PEM block 6): "),
        "{}",
        refused[0]
    );
    assert_eq!(opts.meter.kdf_work(), 100_000);
    assert_eq!(opts.meter.derivations(), 5);
    // Every password tried counts: with three wrong passwords a block costs four tries.
    let opts = DetectOptions {
        passwords: ["a", "b", "c"]
            .iter()
            .map(|p| Secret::new((*p).into()))
            .collect(),
        ..budget(100_000, u64::MAX)
    };
    let _ = detect(text.as_bytes(), &Origin::file("keys.pem"), &opts);
    assert_eq!(opts.meter.derivations(), 5);
    assert!(opts.meter.kdf_work() <= 100_000);
}

#[test]
fn issue_16_the_run_budget_spans_files() {
    // Each file alone is within the file budget; the run budget stops the third.
    let key = with_iterations(10_000);
    let opts = budget(1_000_000, 50_000);
    let mut refused = Vec::new();
    for name in ["a.pem", "b.pem", "c.pem"] {
        let d = detect(key.as_bytes(), &Origin::file(name), &opts);
        refused.extend(d.problems.into_iter().filter_map(|p| match p {
            InputError::KdfBudget { scope, budget, .. } => Some((name, scope, budget)),
            _ => None,
        }));
    }
    assert_eq!(refused, [("c.pem", BudgetScope::Run, 50_000)]);
    assert_eq!(opts.meter.kdf_work(), 40_000);
}

// ----- ZIP bombs ----------------------------------------------------------------------------

fn small_zip_limits() -> DetectOptions {
    DetectOptions {
        max_size: 64 * 1024,
        ..DetectOptions::default()
    }
}

/// The tree's inflation budget for [`small_zip_limits`].
const TREE_BUDGET: u64 = 64 * 1024 * certprep::input::zip::TOTAL_SIZE_FACTOR;

#[test]
fn issue_16_zip_entries_over_the_entry_cap_count_against_the_archive_budget() {
    let zeros = vec![0u8; 1 << 20];
    let names: Vec<String> = (0..10).map(|i| format!("bomb{i}.bin")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &zeros[..])).collect();
    let z = zip_of(&entries);
    let opts = small_zip_limits();
    let d = detect(&z, &Origin::file("z.zip"), &opts);
    let too_large = d
        .problems
        .iter()
        .filter(|p| matches!(p, InputError::TooLarge { .. }))
        .count();
    assert_eq!(too_large, 3, "{:?}", d.problems);
    match d.problems.last() {
        Some(e @ InputError::ArchiveBudget { limit, .. }) => {
            assert_eq!(*limit, TREE_BUDGET);
            assert!(e.to_string().starts_with("z.zip!bomb3.bin: "), "{e}");
        }
        other => panic!("{other:?}"),
    }
    // Ten refused entries used to inflate 64 KiB + 1 each; now the tree's budget holds.
    assert!(opts.meter.inflated_bytes() <= TREE_BUDGET + 1);
}

#[test]
fn issue_16_nested_zips_share_one_budget() {
    let chunk = vec![0u8; 60 * 1024];
    let inner = zip_of(&[("a.bin", &chunk), ("b.bin", &chunk), ("c.bin", &chunk)]);
    let outer = zip_of(&[
        ("1.zip", &inner),
        ("2.zip", &inner),
        ("3.zip", &inner),
        ("4.zip", &inner),
    ]);
    let opts = small_zip_limits();
    let d = detect(&outer, &Origin::file("o.zip"), &opts);
    // Four inner archives of 180 KiB each would be 720 KiB; the tree stops at 256 KiB, and
    // says so once.
    let budget: Vec<String> = d
        .problems
        .iter()
        .filter(|p| matches!(p, InputError::ArchiveBudget { .. }))
        .map(|p| p.to_string())
        .collect();
    assert_eq!(budget.len(), 1, "{:?}", d.problems);
    assert!(
        budget[0].starts_with("o.zip!2.zip!b.bin: "),
        "{}",
        budget[0]
    );
    assert!(opts.meter.inflated_bytes() <= TREE_BUDGET + 1);

    // Entries are counted over the tree too: two inner archives of 6,000 entries each.
    let names: Vec<String> = (0..6000).map(|i| format!("{i}")).collect();
    let many: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    let inner = zip_of(&many);
    let outer = zip_of(&[("x.zip", &inner), ("y.zip", &inner)]);
    let d = detect(&outer, &Origin::file("n.zip"), &DetectOptions::default());
    match d.problems.last() {
        Some(e @ InputError::TooManyEntries { count, limit, .. }) => {
            assert_eq!((*count, *limit), (12_002, 10_000));
            assert!(e.to_string().starts_with("n.zip!y.zip: "), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

/// A ZIP whose `n` central-directory entries all point at the one local entry of `z` (made
/// by the `zip` crate with one entry named "a"): the overlapping-entries bomb.
fn overlapping(z: &[u8], n: usize) -> Vec<u8> {
    let le16 = |b: &[u8], at: usize| u16::from_le_bytes([b[at], b[at + 1]]) as usize;
    let le32 = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
    let eocd = z.len() - 22;
    assert_eq!(&z[eocd..eocd + 4], b"PK\x05\x06");
    let cd_offset = le32(z, eocd + 16) as usize;
    let cd = &z[cd_offset..eocd];
    assert_eq!(&cd[..4], b"PK\x01\x02");
    let len = 46 + le16(cd, 28) + le16(cd, 30) + le16(cd, 32);
    assert_eq!(le16(cd, 28), 1, "one-letter name");
    let mut out = z[..cd_offset].to_vec();
    for i in 0..n {
        let mut rec = cd[..len].to_vec();
        rec[46] = b'a' + i as u8; // distinct names, same local header (offset 0)
        out.extend(rec);
    }
    let cd_size = (out.len() - cd_offset) as u32;
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend((n as u16).to_le_bytes());
    out.extend((n as u16).to_le_bytes());
    out.extend(cd_size.to_le_bytes());
    out.extend((cd_offset as u32).to_le_bytes());
    out.extend([0, 0]);
    out
}

#[test]
fn issue_16_overlapping_zip_entries_are_refused_before_inflating() {
    let zeros = vec![0u8; 32 * 1024];
    let z = zip_of(&[("a", &zeros)]);
    let bomb = overlapping(&z, 20);
    // The zip crate itself reads the crafted archive: twenty entries, one stream.
    let archive = zip::ZipArchive::new(std::io::Cursor::new(&bomb)).unwrap();
    assert_eq!(archive.len(), 20);
    let opts = DetectOptions::default();
    let d = detect(&bomb, &Origin::file("bomb.zip"), &opts);
    match d.problems.as_slice() {
        [e @ InputError::OverlappingEntries { .. }] => {
            assert!(
                e.to_string()
                    .starts_with("bomb.zip: ZIP entries \"a\" and \"b\" overlap"),
                "{e}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(opts.meter.inflated_bytes(), 0);
    // One entry is no overlap: the same bytes with a single header are read as before.
    let one = overlapping(&z, 1);
    let d = detect(&one, &Origin::file("one.zip"), &opts);
    assert!(
        !d.problems
            .iter()
            .any(|p| matches!(p, InputError::OverlappingEntries { .. })),
        "{:?}",
        d.problems
    );
    assert_eq!(opts.meter.inflated_bytes(), 32 * 1024);
}

#[test]
fn issue_16_genuine_inputs_stay_far_inside_the_budgets() {
    // The fixtures as delivered: the PFX files (2,048 iterations) and the deliverable ZIP.
    let opts = DetectOptions {
        passwords: vec![fixture_password()],
        ..DetectOptions::default()
    };
    for name in [
        "deliverable/mail.contoso.com-aes.pfx",
        "deliverable/mail.contoso.com-3des.pfx",
        "deliverable/deliverable.zip",
    ] {
        let d = detect(&fixture(name), &Origin::file(name), &opts);
        assert!(
            !d.problems.iter().any(|p| matches!(
                p,
                InputError::KdfBudget { .. } | InputError::ArchiveBudget { .. }
            )),
            "{name}: {:?}",
            d.problems
        );
        assert!(d.keys().count() + d.certs().count() > 0, "{name}");
    }
    assert!(opts.meter.kdf_work() < 200_000, "{}", opts.meter.kdf_work());
}

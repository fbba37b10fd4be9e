//! PEM blocks of one text, detected in file order, the certificate blocks of a big file in
//! parallel (issue 16): finding the blocks is one cheap linear pass, decoding and parsing the
//! certificates is most of the work, and a certificate spends no key-derivation budget, so
//! only the other blocks need the tree's [`Spent`] record, which is not shared between threads.

use super::sniff::{self, DerKind};
use super::{
    detect_block, pem, too_many_objects, DetectOptions, Detected, Item, Origin, Part, MAX_OBJECTS,
};
use crate::budget::Spent;
use crate::input_error::InputError;
use crate::model::Cert;

/// Files with at least this many PEM blocks have their certificate blocks decoded and parsed
/// in parallel ([`detect`]); below it, every block is detected on the calling thread.
pub const PARALLEL_BLOCKS: usize = 64;

/// Every PEM block of `text` (at most [`MAX_OBJECTS`]), detected, and how many there were: what
/// detecting the blocks one by one in file order gives, items and problems in block order.
/// The blocks are found first (one linear pass). In a file of `parallel_from` blocks or more,
/// the plain certificate blocks are then decoded and parsed in parallel (rayon): they spend no
/// key-derivation budget, and a certificate's parse depends on its bytes alone (the
/// [`CertCache`](crate::model::CertCache) is shared between threads). Every other block (keys, PKCS#12, PKCS#7,
/// encrypted, damaged) is detected after that on this thread, in file order, against
/// `spent`, which is not shared between threads (issue 16).
pub(super) fn detect(
    text: &str,
    origin: &Origin,
    opts: &DetectOptions,
    spent: &Spent,
    parallel_from: usize,
) -> (Detected, usize) {
    use rayon::prelude::*;
    let mut blocks = Vec::new();
    let mut capped = false;
    pem::for_each_block(text, |block| {
        capped = blocks.len() == MAX_OBJECTS;
        if !capped {
            blocks.push(block);
        }
        !capped
    });
    let at = |i: usize| origin.with(Part::Block(i + 1));
    let mut out = Detected::default();
    if blocks.len() < parallel_from {
        for (i, block) in blocks.iter().enumerate() {
            out.extend(detect_block(block, &at(i), opts, spent));
        }
    } else {
        let certs: Vec<Option<Result<Cert, InputError>>> = blocks
            .par_iter()
            .enumerate()
            .map(|(i, block)| cert_block(block, &at(i), opts))
            .collect();
        // Sized once: the items of a file of many certificates are not moved while it grows.
        out.items.reserve_exact(blocks.len());
        for ((i, block), cert) in blocks.iter().enumerate().zip(certs) {
            match cert {
                Some(Ok(cert)) => out.items.push(Item::Cert(cert)),
                Some(Err(e)) => out.problems.push(e),
                None => {
                    let found = detect_block(block, &at(i), opts, spent);
                    out.items.extend(found.items);
                    out.problems.extend(found.problems);
                }
            }
        }
    }
    if capped {
        out.problems.push(too_many_objects(origin));
    }
    (out, blocks.len())
}

/// What [`detect_block`] gives for a block that spends no budget, which may be detected on any
/// thread: a terminated `CERTIFICATE` or `X509 CERTIFICATE` block, without RFC 1421 headers,
/// holding a certificate (or base64 that does not decode: its problem). `None` for every
/// other block.
fn cert_block(
    block: &pem::RawBlock<'_>,
    origin: &Origin,
    opts: &DetectOptions,
) -> Option<Result<Cert, InputError>> {
    if !block.terminated || !matches!(block.label, "CERTIFICATE" | "X509 CERTIFICATE") {
        return None;
    }
    let (headers, der) = pem::decode_body(block.body);
    let Some(der) = der else {
        return Some(Err(InputError::BadBase64 {
            origin: origin.clone(),
            label: block.label.to_owned(),
        }));
    };
    // Zeroed when dropped: a block labelled as a certificate may hold a key.
    let mut der = zeroize::Zeroizing::new(der);
    if !headers.is_empty() || sniff::der_kind(&der) != Some(DerKind::Cert) {
        return None;
    }
    Some(opts.parse_cert_owned(std::mem::take(&mut *der), origin))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::KdfBudget;
    use crate::model::CertCache;
    use crate::secret::Secret;

    fn fixture(path: &str) -> String {
        let path = format!("{}/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// Blocks of every kind, enough for the parallel path: certificates, keys (plain, PKCS#8
    /// and legacy encrypted), a request, and blocks that are damaged or only labelled as a
    /// certificate.
    fn mixed_blocks() -> String {
        let cert = fixture("deliverable/mail.contoso.com.crt");
        let bundle = fixture("deliverable/ca-bundle.crt");
        let key = fixture("keys/rsa-pkcs8.pem");
        let key_body = key
            .replace("-----BEGIN PRIVATE KEY-----", "")
            .replace("-----END PRIVATE KEY-----", "");
        let legacy = fixture("input/rsa-legacy-aes256.pem");
        let mut text = String::from("Bag Attributes\n");
        for i in 0..PARALLEL_BLOCKS {
            text.push_str(if i % 2 == 0 { &cert } else { &bundle });
            match i {
                3 => text.push_str(&key),
                5 => text.push_str(&fixture("keys/rsa-pkcs8-encrypted.pem")),
                7 => text.push_str(&legacy),
                9 => text.push_str(&fixture("deliverable/mail.contoso.com.req")),
                11 => {
                    text.push_str("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n")
                }
                13 => text.push_str(&format!(
                    "-----BEGIN CERTIFICATE-----{key_body}-----END CERTIFICATE-----\n"
                )),
                15 => text.push_str(&legacy.replace("RSA PRIVATE KEY", "CERTIFICATE")),
                17 => text.push_str("-----BEGIN CERTIFICATE-----\nMIIB\n"),
                19 => text.push_str("-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n"),
                21 => text.push_str(&fixture("keys/rsa-pkcs8-encrypted.pem")),
                _ => {}
            }
        }
        text
    }

    /// Detecting the certificate blocks of a file in parallel gives what detecting every
    /// block in turn gives: the same items and problems, in the same order, with the
    /// key-derivation budget charged by the same blocks. See: issue 16.
    #[test]
    fn issue_16_parallel_blocks_equal_sequential_blocks() {
        let text = mixed_blocks();
        let origin = Origin::file("mixed.pem");
        let opts = |per_file: u64| DetectOptions {
            passwords: vec![Secret::new("wrong".into())],
            kdf: KdfBudget {
                per_file,
                per_run: u64::MAX,
            },
            cert_cache: Some(std::sync::Arc::new(CertCache::new(64))),
            ..DetectOptions::default()
        };
        // Half the work every encrypted block costs: the later ones are refused.
        let all = opts(u64::MAX);
        let _ = super::detect(&text, &origin, &all, &Spent::default(), usize::MAX);
        let half = all.meter.kdf_work() / 2;
        assert!(half > 0);
        let run = |parallel_from: usize| {
            let opts = opts(half);
            let (d, blocks) =
                super::detect(&text, &origin, &opts, &Spent::default(), parallel_from);
            let work = (opts.meter.kdf_work(), opts.meter.derivations());
            (format!("{:?}\n{:?}", d.items, d.problems), blocks, work)
        };
        let sequential = run(usize::MAX);
        let parallel = run(1);
        assert!(
            parallel == sequential,
            "the parallel path differs from the sequential one"
        );
        assert_eq!(sequential.1, text.matches("-----BEGIN ").count());
        for problem in [
            "KdfBudget",
            "BadBase64",
            "UnterminatedPem",
            "PasswordNeeded",
        ] {
            assert!(sequential.0.contains(problem), "no {problem}");
        }
        // What `detect` does with the file: the parallel path, as it is over the threshold.
        let opts = opts(half);
        let d = crate::input::detect(text.as_bytes(), &origin, &opts);
        assert!(format!("{:?}\n{:?}", d.items, d.problems) == parallel.0);
    }
}

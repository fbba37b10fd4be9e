//! Bytes in, detected objects out. This is the ONLY place that guesses formats, and it does so
//! by content, never by file name.
//!
//! [`detect`] recognises, in this order: a ZIP archive (`PK` signature; [`zip`]), a DER
//! structure by its ASN.1 outline (certificate, request, PKCS#7, PKCS#12, the private-key
//! forms), then text — UTF-8 with or without BOM, UTF-16LE/BE with or without BOM — holding
//! PEM blocks ([`pem`]) or bare base64 of DER. Whatever it cannot read becomes an
//! [`InputError`] naming the file, the block or entry, and what the bytes look like; the good
//! objects are still returned. `docs/formats.md` lists every form and message.

mod ber;
mod blocks;
pub mod key;
pub mod pem;
mod pkcs7;
mod sniff;
mod text;
pub mod zip;

pub use blocks::PARALLEL_BLOCKS;
// The budget and the origin live on the ground floor (the PKCS#12 reader and the model use
// them too); their old paths here keep working.
pub use crate::budget::{self, BudgetScope, KdfBudget, WorkMeter};
pub use crate::origin::{Origin, Part};

use crate::budget::{Account, Spent};

use crate::input_error::{InputError, ObjectKind};
use crate::model::{Cert, CertCache, Csr, PfxInfo, PrivateKey};
use crate::secret::Secret;
use sniff::DerKind;

/// Default cap on PBKDF/PKCS#12 KDF and MAC iterations read from a file.
pub const DEFAULT_MAX_ITERATIONS: u32 = 1_000_000;
/// Default cap on the size of one input file.
pub const DEFAULT_MAX_SIZE: u64 = 64 * 1024 * 1024;
/// Most objects (PEM blocks, concatenated DER structures, certificates in one PKCS#7 bundle)
/// read from one file: far above any real bundle, low enough that a file of millions of empty
/// blocks cannot exhaust memory with problem reports.
pub const MAX_OBJECTS: usize = 100_000;

/// What detection may use: passwords to try and limits against hostile input.
#[derive(Clone, Debug)]
pub struct DetectOptions {
    /// Passwords to try, in order, on PKCS#12 files and encrypted keys (after null and empty).
    pub passwords: Vec<Secret>,
    /// Refuse key derivations asking for more iterations than this.
    pub max_iterations: u32,
    /// Refuse files larger than this many bytes.
    pub max_size: u64,
    /// Total key-derivation work per input tree and per run ([`budget`]).
    pub kdf: KdfBudget,
    /// The run's work counters; clones of these options share them. The run budget in
    /// [`DetectOptions::kdf`] is checked against this meter.
    pub meter: std::sync::Arc<WorkMeter>,
    /// Parsed CA certificates shared across detections (a scan sets one; see
    /// [`CertCache`]). The result of detection does not depend on it, only the speed.
    pub cert_cache: Option<std::sync::Arc<CertCache>>,
}

impl DetectOptions {
    /// The key-derivation account of the input tree that has spent `spent`, under these
    /// options' budgets and meter.
    pub(crate) fn account<'a>(&'a self, spent: &'a Spent) -> Account<'a> {
        Account {
            spent,
            limits: self.kdf,
            meter: &self.meter,
        }
    }

    /// What the PKCS#12 reader may use of these options.
    pub(crate) fn pkcs12(&self) -> crate::pkcs12::ReadOptions<'_> {
        crate::pkcs12::ReadOptions {
            passwords: &self.passwords,
            max_iterations: self.max_iterations,
            kdf: self.kdf,
            meter: &self.meter,
        }
    }

    /// Parse a certificate, through the cache when there is one.
    pub(crate) fn parse_cert(&self, der: &[u8], origin: &Origin) -> Result<Cert, InputError> {
        match &self.cert_cache {
            Some(cache) => cache.parse(der, origin),
            None => Cert::from_der(der.to_vec(), origin.clone()),
        }
    }

    /// [`DetectOptions::parse_cert`] for bytes the caller owns (a decoded PEM body): they
    /// become the certificate's DER without a copy.
    pub(crate) fn parse_cert_owned(
        &self,
        der: Vec<u8>,
        origin: &Origin,
    ) -> Result<Cert, InputError> {
        match &self.cert_cache {
            Some(cache) => cache.parse_owned(der, origin),
            None => Cert::from_der(der, origin.clone()),
        }
    }
}

impl Default for DetectOptions {
    fn default() -> Self {
        DetectOptions {
            passwords: Vec::new(),
            max_iterations: DEFAULT_MAX_ITERATIONS,
            max_size: DEFAULT_MAX_SIZE,
            kdf: KdfBudget::default(),
            meter: std::sync::Arc::default(),
            cert_cache: None,
        }
    }
}

/// One object found in the input.
// Items live in a Vec that is built once per file; boxing the certificate would only add an
// indirection to every consumer.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum Item {
    /// A certificate.
    Cert(Cert),
    /// A certificate signing request.
    Csr(Csr),
    /// A private key.
    Key(PrivateKey),
    /// A PKCS#12 file's structure (its certificates and keys are separate items).
    Pfx(PfxInfo),
}

/// Everything found in some input: the objects, and what could not be read.
#[derive(Debug, Default)]
pub struct Detected {
    /// Objects, in the order they appear.
    pub items: Vec<Item>,
    /// Per-object problems; the good parts are still in `items`.
    pub problems: Vec<InputError>,
}

impl Detected {
    /// Append another detection's items and problems.
    pub fn extend(&mut self, other: Detected) {
        // Taken over whole while empty: the first block of a file needs no copy.
        if self.items.is_empty() {
            self.items = other.items;
        } else {
            self.items.extend(other.items);
        }
        if self.problems.is_empty() {
            self.problems = other.problems;
        } else {
            self.problems.extend(other.problems);
        }
    }

    /// The certificates, in order.
    pub fn certs(&self) -> impl Iterator<Item = &Cert> {
        self.items
            .iter()
            .filter_map(|i| if let Item::Cert(c) = i { Some(c) } else { None })
    }

    /// The private keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &PrivateKey> {
        self.items
            .iter()
            .filter_map(|i| if let Item::Key(k) = i { Some(k) } else { None })
    }

    /// The requests, in order.
    pub fn csrs(&self) -> impl Iterator<Item = &Csr> {
        self.items
            .iter()
            .filter_map(|i| if let Item::Csr(c) = i { Some(c) } else { None })
    }

    /// The PKCS#12 files, in order.
    pub fn pfxs(&self) -> impl Iterator<Item = &PfxInfo> {
        self.items
            .iter()
            .filter_map(|i| if let Item::Pfx(p) = i { Some(p) } else { None })
    }
}

/// An input that could not be read (nothing usable in it, or a protected object in it that no
/// password opens), as reports list it: `check`'s and `inspect`'s `unreadable`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct UnreadableInput {
    /// The file as given.
    pub path: String,
    /// What went wrong, one message per problem, each naming the file.
    pub messages: Vec<String>,
}

/// Read the file at `path` and detect what it holds. I/O failures become a problem entry.
/// A regular file larger than `max_size` is refused from its size, without reading it; anything
/// else (a pipe, a device) is read up to `max_size + 1` bytes, so an endless source is refused
/// too. The bytes read are zeroed afterwards: the file may hold an unencrypted key.
pub fn load(path: &str, opts: &DetectOptions) -> Detected {
    use std::io::Read;
    let origin = Origin::file(path);
    let io = |source| {
        problem(InputError::Io {
            path: path.to_owned(),
            source,
        })
    };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(source) => return io(source),
    };
    // The size a regular file claims: refuse past the limit, else read it into a buffer of
    // that size (no regrowing, which would leave copies of a key in freed memory).
    let expected = match file.metadata() {
        Ok(m) if m.is_file() && m.len() > opts.max_size => {
            return problem(InputError::TooLarge {
                size: m.len(),
                limit: opts.max_size,
                origin,
            })
        }
        Ok(m) if m.is_file() => m.len(),
        _ => 0,
    };
    let mut bytes = zeroize::Zeroizing::new(Vec::with_capacity(expected as usize + 1));
    match file
        .take(opts.max_size.saturating_add(1))
        .read_to_end(&mut bytes)
    {
        Ok(n) if n as u64 > opts.max_size => problem(InputError::TooLarge {
            size: n as u64,
            limit: opts.max_size,
            origin,
        }),
        Ok(_) => detect(&bytes, &origin, opts),
        Err(source) => io(source),
    }
}

/// Detect every object in `bytes`. Never panics, whatever the bytes.
/// `bytes` are one input tree: everything inside (ZIP entries, nested archives, PEM blocks,
/// PKCS#12 bags) shares one work budget ([`budget`]).
pub fn detect(bytes: &[u8], origin: &Origin, opts: &DetectOptions) -> Detected {
    detect_at(bytes, origin, opts, &Spent::default(), 0)
}

/// [`detect`] within an input tree that has already spent `spent`, at a ZIP nesting depth
/// (`zip` calls back here for each entry).
pub(crate) fn detect_at(
    bytes: &[u8],
    origin: &Origin,
    opts: &DetectOptions,
    spent: &Spent,
    depth: usize,
) -> Detected {
    if bytes.len() as u64 > opts.max_size {
        return problem(InputError::TooLarge {
            origin: origin.clone(),
            size: bytes.len() as u64,
            limit: opts.max_size,
        });
    }
    if bytes.is_empty() {
        return unrecognized(origin, "an empty file".into());
    }
    // Local file header, or the end-of-central-directory record of an empty archive.
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return zip::read(bytes, origin, opts, spent, depth);
    }
    if let Some(found) = detect_der_input(bytes, origin, opts, spent) {
        return found;
    }
    let (_, text) = text::decode(bytes);
    if !looks_like_text(&text) {
        if let Some(declared) = sniff::truncated_der(bytes) {
            return problem(InputError::TruncatedDer {
                origin: origin.clone(),
                declared,
                actual: bytes.len() as u64,
            });
        }
        return unrecognized(origin, sniff::describe_binary(bytes));
    }
    let (out, blocks) = blocks::detect(&text, origin, opts, spent, PARALLEL_BLOCKS);
    if blocks > 0 {
        return out;
    }
    if let Some(der) = bare_base64(&text) {
        if let Some(found) = detect_der_input(&der, origin, opts, spent) {
            return found;
        }
        return unrecognized(
            origin,
            "base64 text that does not decode to certificate material".into(),
        );
    }
    unrecognized(origin, sniff::describe_text(&text))
}

fn too_many_objects(origin: &Origin) -> InputError {
    InputError::TooManyObjects {
        origin: origin.clone(),
        limit: MAX_OBJECTS,
    }
}

fn problem(e: InputError) -> Detected {
    Detected {
        items: Vec::new(),
        problems: vec![e],
    }
}

fn unrecognized(origin: &Origin, found: String) -> Detected {
    problem(InputError::Unrecognized {
        origin: origin.clone(),
        found,
    })
}

/// Whole input as DER: one or more concatenated SEQUENCEs, optionally followed by whitespace
/// or NUL padding. `None` when the bytes are not DER of a recognised shape (they may be text
/// that happens to start with `0`).
fn detect_der_input(
    bytes: &[u8],
    origin: &Origin,
    opts: &DetectOptions,
    spent: &Spent,
) -> Option<Detected> {
    if bytes.first() != Some(&0x30) {
        return None;
    }
    let mut objects = Vec::new();
    let mut rest = bytes;
    while let Some((t, r)) = ber::read(rest).filter(|(t, _)| t.tag == 0x30) {
        if objects.len() == MAX_OBJECTS {
            break;
        }
        objects.push(t.raw);
        rest = r;
    }
    let capped = objects.len() == MAX_OBJECTS && !rest.is_empty();
    let padding = rest.iter().all(|&b| b == 0 || b.is_ascii_whitespace());
    let first_kind = sniff::der_kind(objects.first()?)?;
    if first_kind == DerKind::Unknown && !(padding && objects.len() == 1) {
        return None;
    }
    let mut out = Detected::default();
    let many = objects.len() > 1;
    for (i, der) in objects.iter().enumerate() {
        let o = if many {
            origin.with(Part::Cert(i + 1))
        } else {
            origin.clone()
        };
        out.extend(detect_der(der, &o, opts, spent, None));
    }
    if capped {
        out.problems.push(too_many_objects(origin));
    } else if !padding {
        out.problems.push(InputError::Malformed {
            origin: origin.clone(),
            kind: kind_of(first_kind).unwrap_or(ObjectKind::Certificate),
            source: format!(
                "{} bytes of unreadable data after the DER structure",
                rest.len()
            )
            .into(),
        });
    }
    Some(out)
}

/// What error kind a DER shape is reported under.
fn kind_of(k: DerKind) -> Option<ObjectKind> {
    Some(match k {
        DerKind::Cert => ObjectKind::Certificate,
        DerKind::Csr => ObjectKind::Csr,
        DerKind::Pkcs7 => ObjectKind::Pkcs7,
        DerKind::Pkcs12 => ObjectKind::Pkcs12,
        DerKind::Pkcs8 | DerKind::EncryptedPkcs8 | DerKind::RsaPkcs1 | DerKind::Sec1 => {
            ObjectKind::PrivateKey
        }
        _ => return None,
    })
}

/// One DER object. `hint` is what a PEM label said it is; content wins when it is
/// recognisable, the hint names the parser whose error is reported when it is not.
fn detect_der(
    der: &[u8],
    origin: &Origin,
    opts: &DetectOptions,
    spent: &Spent,
    hint: Option<ObjectKind>,
) -> Detected {
    let kind = sniff::der_kind(der);
    let target = match kind.and_then(kind_of) {
        Some(k) => k,
        None => match (kind, hint) {
            (Some(k @ (DerKind::PublicKey | DerKind::Crl | DerKind::OtherContentInfo)), _) => {
                return unrecognized(origin, k.describe().into());
            }
            (_, Some(h)) => h,
            (Some(k), None) => return unrecognized(origin, k.describe().into()),
            (None, None) => return unrecognized(origin, sniff::describe_binary(der)),
        },
    };
    let mut out = Detected::default();
    match target {
        ObjectKind::Certificate => match opts.parse_cert(der, origin) {
            Ok(c) => out.items.push(Item::Cert(c)),
            Err(e) => out.problems.push(e),
        },
        ObjectKind::Csr => match Csr::from_der(der.to_vec(), origin.clone()) {
            Ok(c) => out.items.push(Item::Csr(c)),
            Err(e) => out.problems.push(e),
        },
        ObjectKind::Pkcs7 => out = pkcs7::read(der, origin, opts),
        ObjectKind::Pkcs12 => {
            out = pkcs12_items(crate::pkcs12::read_in(der, origin, &opts.pkcs12(), spent))
        }
        ObjectKind::PrivateKey => match key::read_in(der, origin, opts, spent) {
            Ok(k) => out.items.push(Item::Key(k)),
            Err(e) => out.problems.push(e),
        },
        ObjectKind::Zip | ObjectKind::Name => {}
    }
    out
}

/// Read a PKCS#12 file as an input tree of its own (a fresh per-file key-derivation budget):
/// its structure, then its certificates and keys, as items.
pub fn read_pkcs12(bytes: &[u8], origin: &Origin, opts: &DetectOptions) -> Detected {
    pkcs12_items(crate::pkcs12::read(bytes, origin, &opts.pkcs12()))
}

/// A PKCS#12 file's contents as items: its structure first, then its certificates and keys in
/// bag order.
fn pkcs12_items(contents: crate::pkcs12::Contents) -> Detected {
    use crate::pkcs12::Object;
    let mut items = Vec::with_capacity(contents.objects.len() + 1);
    items.extend(contents.info.map(Item::Pfx));
    items.extend(contents.objects.into_iter().map(|o| match o {
        Object::Cert(c) => Item::Cert(c),
        Object::Key(k) => Item::Key(k),
    }));
    Detected {
        items,
        problems: contents.problems,
    }
}

/// One PEM block, by label and content.
fn detect_block(
    block: &pem::RawBlock<'_>,
    origin: &Origin,
    opts: &DetectOptions,
    spent: &Spent,
) -> Detected {
    let label = block.label;
    if !block.terminated {
        return problem(InputError::UnterminatedPem {
            origin: origin.clone(),
            label: label.to_owned(),
        });
    }
    let hint = match label {
        "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => ObjectKind::Certificate,
        "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => ObjectKind::Csr,
        "PKCS7" | "PKCS #7 SIGNED DATA" | "CMS" => ObjectKind::Pkcs7,
        "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" | "ENCRYPTED PRIVATE KEY" => {
            ObjectKind::PrivateKey
        }
        "PKCS12" => ObjectKind::Pkcs12,
        // `openssl ecparam -genkey` writes the curve before the key; the key names it again.
        "EC PARAMETERS" => return Detected::default(),
        _ => {
            return problem(InputError::UnsupportedPemLabel {
                origin: origin.clone(),
                label: label.to_owned(),
            })
        }
    };
    let (headers, der) = pem::decode_body(block.body);
    if hint == ObjectKind::PrivateKey {
        // The base64 of a key is the key: do not leave it in the reused scratch buffer.
        pem::scrub_scratch();
    }
    let Some(der) = der else {
        return problem(InputError::BadBase64 {
            origin: origin.clone(),
            label: label.to_owned(),
        });
    };
    // Zeroed when dropped (a key's DER); a certificate's is handed on below without a copy.
    let mut der = zeroize::Zeroizing::new(der);
    let encrypted = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("Proc-Type") && v.contains("ENCRYPTED"));
    if encrypted {
        let dek = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("DEK-Info"))
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        return match key::from_legacy_pem(dek, &der, origin, opts) {
            Ok(k) => Detected {
                items: vec![Item::Key(k)],
                problems: Vec::new(),
            },
            Err(e) => problem(e),
        };
    }
    if label == "TRUSTED CERTIFICATE" {
        // OpenSSL's X509_AUX: the certificate, then trust settings; keep the certificate.
        let cert = ber::read(&der).map(|(t, _)| t.raw).unwrap_or(&der);
        return detect_der(cert, origin, opts, spent, Some(hint));
    }
    if sniff::der_kind(&der) == Some(DerKind::Cert) {
        // What `detect_der` does with a certificate, handing the decoded bytes over instead of
        // copying them: nearly every block is one.
        return cert_result(opts.parse_cert_owned(std::mem::take(&mut *der), origin));
    }
    detect_der(&der, origin, opts, spent, Some(hint))
}

/// A parsed certificate as an item, or its problem.
fn cert_result(r: Result<Cert, InputError>) -> Detected {
    let mut out = Detected::default();
    match r {
        Ok(c) => out.items.push(Item::Cert(c)),
        Err(e) => out.problems.push(e),
    }
    out
}

/// Whether decoded text is text: few control characters or replacement characters.
fn looks_like_text(text: &str) -> bool {
    // Fast path, nearly every text file: the first KiB is printable ASCII and line breaks.
    // A fold without early exit, so the compiler vectorises it.
    let head = &text.as_bytes()[..text.len().min(1024)];
    let printable = |b: u8| (0x20..0x7F).contains(&b) || matches!(b, b'\n' | b'\r' | b'\t');
    if head.iter().fold(true, |ok, &b| ok & printable(b)) {
        return true;
    }
    let sample = text.chars().take(1024);
    let (mut n, mut bad) = (0usize, 0usize);
    for c in sample {
        n += 1;
        if c == char::REPLACEMENT_CHARACTER || (c.is_control() && !c.is_whitespace()) {
            bad += 1;
        }
    }
    bad * 20 <= n
}

/// Text that is nothing but base64 (and whitespace) of a DER SEQUENCE: what some CA portals
/// and Exchange hand out without PEM armour.
/// Decoded as PEM bodies are ([`pem::decode_base64`]); at least 16 base64 characters.
fn bare_base64(text: &str) -> Option<Vec<u8>> {
    if text.chars().filter(|c| !c.is_whitespace()).count() < 16 {
        return None;
    }
    let der = pem::decode_base64(text)?;
    (der.first() == Some(&0x30)).then_some(der)
}

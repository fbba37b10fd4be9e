//! Bytes in, detected objects out. This is the ONLY place that guesses formats, and it does so
//! by content, never by file name.

mod origin;

pub use origin::{Origin, Part};

use crate::error::InputError;
use crate::model::{Cert, Csr, PfxInfo, PrivateKey};
use crate::secret::Secret;

/// Default cap on PBKDF/PKCS#12 KDF and MAC iterations read from a file.
pub const DEFAULT_MAX_ITERATIONS: u32 = 1_000_000;
/// Default cap on the size of one input file.
pub const DEFAULT_MAX_SIZE: u64 = 64 * 1024 * 1024;

/// What detection may use: passwords to try and limits against hostile input.
#[derive(Clone, Debug)]
pub struct DetectOptions {
    /// Passwords to try, in order, on PKCS#12 files and encrypted keys (after null and empty).
    pub passwords: Vec<Secret>,
    /// Refuse key derivations asking for more iterations than this.
    pub max_iterations: u32,
    /// Refuse files larger than this many bytes.
    pub max_size: u64,
}

impl Default for DetectOptions {
    fn default() -> Self {
        DetectOptions {
            passwords: Vec::new(),
            max_iterations: DEFAULT_MAX_ITERATIONS,
            max_size: DEFAULT_MAX_SIZE,
        }
    }
}

/// One object found in the input.
// Certificates dominate every input, so boxing them would add an allocation per certificate on
// the scan hot path to save space on the rarer variants.
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
        self.items.extend(other.items);
        self.problems.extend(other.problems);
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

/// Read the file at `path` and detect what it holds. I/O failures become a problem entry.
pub fn load(path: &str, opts: &DetectOptions) -> Detected {
    let origin = Origin::file(path);
    match std::fs::metadata(path).and_then(|m| {
        if m.len() > opts.max_size {
            Ok(None)
        } else {
            std::fs::read(path).map(Some)
        }
    }) {
        Ok(Some(bytes)) => detect(&bytes, &origin, opts),
        Ok(None) => Detected {
            items: Vec::new(),
            problems: vec![InputError::TooLarge {
                size: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
                limit: opts.max_size,
                origin,
            }],
        },
        Err(source) => Detected {
            items: Vec::new(),
            problems: vec![InputError::Io {
                path: path.to_owned(),
                source,
            }],
        },
    }
}

/// Detect every object in `bytes`. Never panics, whatever the bytes.
pub fn detect(bytes: &[u8], origin: &Origin, _opts: &DetectOptions) -> Detected {
    // Provisional: DER certificates and PEM CERTIFICATE blocks only; replaced by the full
    // detector (sniff, pem, der, pkcs7, pkcs12, key, zip).
    let mut out = Detected::default();
    // PROVISIONAL (pkcs12 helper): PFX files and PEM PKCS#8 keys, until the input helper's
    // detector replaces this function.
    if crate::pkcs12::looks_like_pfx(bytes) {
        return crate::pkcs12::read(bytes, origin, _opts);
    }
    if let Some(der) = provisional_pem_pkcs8(bytes) {
        match PrivateKey::from_pkcs8_der(&der, origin.clone(), crate::model::KeyFormat::Pkcs8) {
            Ok(k) => out.items.push(Item::Key(k)),
            Err(e) => out.problems.push(InputError::Malformed {
                origin: origin.clone(),
                kind: crate::error::ObjectKind::PrivateKey,
                source: Box::new(e),
            }),
        }
    }
    if bytes.first() == Some(&0x30) {
        match Cert::from_der(bytes.to_vec(), origin.clone()) {
            Ok(c) => out.items.push(Item::Cert(c)),
            Err(e) => out.problems.push(e),
        }
        return out;
    }
    let text = String::from_utf8_lossy(bytes);
    for (i, block) in text
        .split("-----BEGIN CERTIFICATE-----")
        .skip(1)
        .enumerate()
    {
        let body: String = block
            .split("-----END")
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        use base64::Engine;
        let o = origin.with(Part::Block(i + 1));
        match base64::engine::general_purpose::STANDARD.decode(body) {
            Ok(der) => match Cert::from_der(der, o) {
                Ok(c) => out.items.push(Item::Cert(c)),
                Err(e) => out.problems.push(e),
            },
            Err(_) => out.problems.push(InputError::BadBase64 {
                origin: o,
                label: "CERTIFICATE".into(),
            }),
        }
    }
    if out.items.is_empty() && out.problems.is_empty() {
        out.problems.push(InputError::Unrecognized {
            origin: origin.clone(),
            found: "unknown data".into(),
        });
    }
    out
}

/// PROVISIONAL (pkcs12 helper): the DER of a PEM `PRIVATE KEY` block, if there is one.
fn provisional_pem_pkcs8(bytes: &[u8]) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    use base64::Engine;
    let text = std::str::from_utf8(bytes).ok()?;
    let body = text.split("-----BEGIN PRIVATE KEY-----").nth(1)?;
    let body: zeroize::Zeroizing<String> =
        zeroize::Zeroizing::new(body.split("-----END").next()?.split_whitespace().collect());
    base64::engine::general_purpose::STANDARD
        .decode(body.as_bytes())
        .ok()
        .map(zeroize::Zeroizing::new)
}

//! A cache of parsed CA certificates, shared by the detections of a batch.
//!
//! A tree of deliverables holds the same few intermediates and roots in thousands of files; a
//! scan would otherwise parse (and hash) each copy again. Only CA
//! certificates are kept — end-entity certificates are nearly all distinct, and caching them
//! would cost memory without saving work — and at most a fixed number of them, each at most
//! [`MAX_CACHED_DER`] bytes, so memory stays bounded whatever the tree (a hostile one included).
//! A hit costs one hash of the DER's tail, one comparison and a clone.

use crate::input_error::InputError;
use crate::model::{Cert, DistinguishedName};
use crate::origin::Origin;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// The largest certificate kept (real CA certificates are 1–3 KB): with the scan's 1,024
/// entries, at most a few tens of MiB even for a tree built to fill the cache.
pub const MAX_CACHED_DER: usize = 8 * 1024;

/// Parsed CA certificates by exact DER. Thread-safe (behind locks); see the module
/// documentation. A caller that runs many threads may give each its own cache (the scan does:
/// `scan::WorkerCaches`).
pub struct CertCache {
    map: RwLock<HashMap<Box<[u8]>, Cert, TailHash>>,
    /// The subject names of the cached certificates, by DER: a leaf's issuer name is nearly
    /// always one of them, and is shared rather than parsed again.
    names: RwLock<HashMap<Box<[u8]>, Arc<DistinguishedName>, TailHash>>,
    capacity: usize,
}

impl CertCache {
    /// A cache holding at most `capacity` CA certificates (further ones are parsed, not kept).
    pub fn new(capacity: usize) -> CertCache {
        CertCache {
            map: RwLock::new(HashMap::with_hasher(TailHash)),
            names: RwLock::new(HashMap::with_hasher(TailHash)),
            capacity,
        }
    }

    /// [`Cert::from_der`] for `der` found at `origin`, from the cache when these exact bytes
    /// were parsed before. The result is the same as parsing: the cached fields are functions
    /// of the bytes, and the origin is the caller's.
    pub fn parse(&self, der: &[u8], origin: &Origin) -> Result<Cert, InputError> {
        match self.hit(der, origin) {
            Some(cert) => Ok(cert),
            None => self.parse_miss(der.to_vec(), origin),
        }
    }

    /// [`CertCache::parse`] for bytes the caller owns: on a miss they become the
    /// certificate's DER without a copy.
    pub fn parse_owned(&self, der: Vec<u8>, origin: &Origin) -> Result<Cert, InputError> {
        match self.hit(&der, origin) {
            Some(cert) => Ok(cert),
            None => self.parse_miss(der, origin),
        }
    }

    fn hit(&self, der: &[u8], origin: &Origin) -> Option<Cert> {
        let mut cert = self.map.read().ok()?.get(der).cloned()?;
        cert.origin = origin.clone();
        Some(cert)
    }

    fn parse_miss(&self, der: Vec<u8>, origin: &Origin) -> Result<Cert, InputError> {
        let known = |name: &[u8]| self.names.read().ok()?.get(name).cloned();
        let cert = Cert::from_der_sharing(der, origin.clone(), &known)?;
        let der = cert.der.as_slice();
        if cert.is_ca() && der.len() <= MAX_CACHED_DER {
            if let Ok(mut m) = self.map.write() {
                if m.len() < self.capacity {
                    // Fill the derived values once, so every copy carries them.
                    cert.sha1();
                    m.insert(der.into(), cert.clone());
                    if let Ok(mut names) = self.names.write() {
                        names
                            .entry(cert.subject.der.as_slice().into())
                            .or_insert_with(|| cert.subject.clone());
                    }
                }
            }
        }
        Ok(cert)
    }

    /// CA certificates held.
    pub fn len(&self) -> usize {
        self.map.read().map_or(0, |m| m.len())
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most CA certificates it holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

/// Hashes DER (a certificate, a public key, a name) by its length and last 32 bytes — the end
/// of a signature value or of a key, which differ between any two certificates or keys —
/// instead of all of it, with foldhash (fixed seed: the same order every run) rather than
/// SipHash: hashing was a few percent of a scan. Keys are still compared in full, so a
/// collision (or a hostile file crafted to collide) costs a comparison, never a wrong hit.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TailHash;

impl std::hash::BuildHasher for TailHash {
    type Hasher = TailHasher;
    fn build_hasher(&self) -> TailHasher {
        TailHasher(foldhash::fast::FixedState::default().build_hasher())
    }
}

pub(crate) struct TailHasher(foldhash::fast::FoldHasher<'static>);

impl std::hash::Hasher for TailHasher {
    fn finish(&self) -> u64 {
        self.0.finish()
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.write(&bytes[bytes.len().saturating_sub(32)..]);
    }
    fn write_usize(&mut self, n: usize) {
        self.0.write_usize(n);
    }
}

impl std::fmt::Debug for CertCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertCache")
            .field("len", &self.len())
            .field("capacity", &self.capacity)
            .finish()
    }
}

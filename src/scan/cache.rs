//! The scan's CA certificate caches: one [`CertCache`] per worker thread.
//!
//! A tree holds the same few intermediates and roots in thousands of files, so detection is
//! given a cache of parsed CA certificates. Each worker of the scan's thread pool has its own,
//! so the workers never touch the same lock or reference count (a cache line bouncing between
//! cores costs more than parsing each intermediate once per worker). This is a scan concern:
//! the model's [`CertCache`] knows nothing of threads.

use crate::input::DetectOptions;
use crate::model::CertCache;
use std::sync::Arc;

/// CA certificates the scan keeps parsed, over all workers (a few MiB for real trees; bounded
/// by [`MAX_CACHED_DER`](crate::model::cache::MAX_CACHED_DER) each): far more distinct
/// intermediates and roots than real trees hold; beyond it, further CA certificates are parsed
/// every time.
pub const CA_CACHE_CAPACITY: usize = 1024;

/// The fewest CA certificates one worker's cache holds (unless the whole capacity is smaller).
const MIN_PER_WORKER: usize = 64;

/// Detection options for each worker thread of a pool, each with its own CA certificate cache.
#[derive(Debug)]
pub struct WorkerCaches {
    /// Indexed by rayon's worker index; a thread outside the pool uses the first.
    detect: Box<[DetectOptions]>,
}

impl WorkerCaches {
    /// `detect` for each of `threads` workers. Without a cache in `detect`, each worker gets
    /// its own of `capacity / threads` certificates (but no fewer than 64, or `capacity` if that
    /// is smaller), so the whole stays bounded whatever the tree; a cache `detect` brings is
    /// shared by every worker.
    pub fn new(detect: DetectOptions, capacity: usize, threads: usize) -> WorkerCaches {
        if detect.cert_cache.is_some() {
            return WorkerCaches {
                detect: Box::new([detect]),
            };
        }
        let threads = threads.max(1);
        let each = (capacity / threads).max(MIN_PER_WORKER.min(capacity));
        WorkerCaches {
            detect: (0..threads)
                .map(|_| DetectOptions {
                    cert_cache: Some(Arc::new(CertCache::new(each))),
                    ..detect.clone()
                })
                .collect(),
        }
    }

    /// The options (and cache) of the calling worker thread.
    pub fn current(&self) -> &DetectOptions {
        let i = rayon::current_thread_index().unwrap_or(0) % self.detect.len();
        &self.detect[i]
    }

    /// The options every worker shares but the cache (passwords, limits).
    pub fn shared(&self) -> &DetectOptions {
        &self.detect[0]
    }

    /// CA certificates held, over all workers.
    pub fn len(&self) -> usize {
        self.caches().map(CertCache::len).sum()
    }

    /// Whether no worker holds any.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn caches(&self) -> impl Iterator<Item = &CertCache> {
        self.detect.iter().filter_map(|d| d.cert_cache.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Origin;
    use crate::model::Cert;

    fn cas() -> Vec<Cert> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/deliverable/ca-bundle.crt"
        );
        let bytes = std::fs::read(path).unwrap();
        crate::input::detect(&bytes, &Origin::file(path), &DetectOptions::default())
            .certs()
            .filter(|c| c.is_ca())
            .cloned()
            .collect()
    }

    /// Each worker parses and shares its own copies, and every copy is the certificate.
    #[test]
    fn each_worker_has_its_own_cache_and_the_same_certificates() {
        let cas = cas();
        assert!(!cas.is_empty());
        let caches = WorkerCaches::new(DetectOptions::default(), 1024, 2);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        // Each worker parses every CA certificate twice: the second parse is a hit in its own.
        let got: Vec<Vec<Cert>> = pool.broadcast(|_| {
            let cache = caches.current().cert_cache.as_deref().unwrap();
            (0..2)
                .flat_map(|_| cas.iter())
                .map(|c| cache.parse(&c.der, &Origin::file("x")).unwrap())
                .collect()
        });
        for parsed in &got {
            for (c, p) in cas.iter().chain(&cas).zip(parsed) {
                assert_eq!(
                    (&p.der, &p.subject, p.sha1()),
                    (&c.der, &c.subject, c.sha1())
                );
            }
            // Within a worker, the hit shares the first parse's body.
            let n = cas.len();
            assert!(Arc::ptr_eq(&parsed[0].subject, &parsed[n].subject));
        }
        // Across workers, nothing is shared: each parsed the certificates itself.
        assert!(!Arc::ptr_eq(&got[0][0].subject, &got[1][0].subject));
        assert_eq!(caches.len(), 2 * cas.len());
    }

    #[test]
    fn the_bound_is_split_between_workers_and_a_given_cache_is_shared() {
        let caches = WorkerCaches::new(DetectOptions::default(), 1024, 4);
        assert!(caches.caches().all(|c| c.capacity() == 256));
        let small = WorkerCaches::new(DetectOptions::default(), 100, 4);
        assert!(small.caches().all(|c| c.capacity() == 64));
        let tiny = WorkerCaches::new(DetectOptions::default(), 10, 4);
        assert!(tiny.caches().all(|c| c.capacity() == 10));
        let given = DetectOptions {
            cert_cache: Some(Arc::new(CertCache::new(3))),
            ..DetectOptions::default()
        };
        let one = WorkerCaches::new(given, 1024, 4);
        assert_eq!(one.caches().count(), 1);
        assert!(one.is_empty());
    }
}

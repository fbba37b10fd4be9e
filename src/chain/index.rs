//! The candidate issuers of one input, indexed once: every certificate given, the pool, the
//! caller's roots and the embedded roots some candidate names as its issuer, de-duplicated by
//! DER, each with a key number (certificates with the same public key share it), looked up by
//! subject name; the position of each given certificate, the duplicates among them, and the
//! signature checks already made.
//!
//! A file holding many leaves (a CA's issuance export, a "big.pem") is indexed once and every
//! leaf's chain is searched against that index ([`Candidates::assemble`]), so the work for a file
//! grows with its number of certificates, not with its square: building the candidates for
//! every leaf again, and judging order, duplicates and strays by comparing every given
//! certificate with every other, made a file of 1,000 leaves take seconds and 10,000 take hours
//! (issue 16). Leaves with the same issuer share its signature checks: a check is made once per
//! file and remembered (it depends only on the two certificates), while each leaf's search still
//! counts it against its own [`Budget`](super::Budget), so a leaf's report does not depend on
//! the leaves searched before it.

use super::search::{self, Lookup};
use super::{AnchorSource, CertRef, Chain, ChainOptions, Duplicate, Source};
use crate::model::cache::TailHash;
use crate::model::Cert;
use crate::roots::RootStore;
use crate::verify::{SignatureAlgorithm, VerifyError};
use foldhash::fast::FixedState;
use std::collections::HashMap;
use std::sync::Mutex;

/// One candidate: a certificate, where it came from, and its key number.
pub(super) struct Node<'a> {
    pub(super) cert: &'a Cert,
    pub(super) source: Source,
    pub(super) key: usize,
}

impl Node<'_> {
    pub(super) fn is_anchor(&self) -> bool {
        matches!(self.source, Source::Anchor(_))
    }
}

/// Indexes with at most this many candidates (a leaf with its file's chain and the roots that
/// file names, as in nearly every scanned file) look things up by scanning a short list
/// instead of building hash maps: the maps' allocations and hashing were most of the search's
/// cost in `scan`.
const FEW: usize = 16;

#[cfg(test)]
thread_local! {
    /// Tests: build the maps even for few candidates (both ways must give the same report).
    pub(super) static ALWAYS_MANY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn always_many() -> bool {
    #[cfg(test)]
    return ALWAYS_MANY.with(std::cell::Cell::get);
    #[cfg(not(test))]
    false
}

/// Work done on one index, over all the chains assembled against it: what tests measure to
/// show that a file's cost grows linearly with its certificates (no timing).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IndexWork {
    /// Candidates indexed (distinct certificates: given, pool, roots, embedded roots named).
    pub indexed: usize,
    /// Chains assembled against the index.
    pub chains: usize,
    /// Signature checks made (each distinct child/key pair once per index).
    pub signatures: usize,
    /// Issuer candidates considered, summed over the chains (each bounded by its budget).
    pub candidates: usize,
    /// Given certificates looked at while listing strays, summed over the chains (bounded per
    /// chain by the strays listed and the paths found, not by the size of the file).
    pub given_visited: usize,
}

/// Signature checks by (child node, issuer key).
type SignatureCache = Lookup<(usize, usize), Result<SignatureAlgorithm, VerifyError>, FixedState>;

/// The candidate issuers of one input, indexed once for every leaf in it. Shared by threads:
/// the chains of a file's leaves may be searched in parallel (`scan` does), each giving the
/// report it would give alone.
pub struct Candidates<'a> {
    pub(super) nodes: Vec<Node<'a>>,
    /// Candidates by subject name; `None` when there are few (see [`FEW`]): the candidates
    /// are then scanned, in the same order.
    pub(super) by_subject: Option<HashMap<&'a [u8], Vec<usize>, TailHash>>,
    /// Node by DER.
    by_der: Lookup<&'a [u8], usize, TailHash>,
    pub(super) given: Vec<&'a Cert>,
    pool: Vec<&'a Cert>,
    roots: &'a [Cert],
    store: &'a RootStore,
    /// The first position among `given` of each distinct given DER.
    first_given: Lookup<&'a [u8], usize, TailHash>,
    /// The positions in `given` of first occurrences, in order.
    pub(super) distinct_given: Vec<usize>,
    /// Certificates given more than once: the same for every leaf, so found once.
    pub(super) duplicates: Vec<Duplicate>,
    /// Signature checks made, by (child node, issuer key).
    sig_cache: Mutex<SignatureCache>,
    pub(super) many: bool,
    /// Nodes before this one are not candidates (the leaf indexed first, if any).
    pub(super) first: usize,
    work: Mutex<IndexWork>,
}

impl<'a> Candidates<'a> {
    /// Index `given` (the certificates of the input, in order: order, duplicates and strays are
    /// judged against it), `pool` (more candidate issuers, never strays), the caller's `roots`
    /// and the `store` (the embedded store or [`RootStore::empty`]) for assembling the chains
    /// of leaves among `given` with [`Candidates::assemble`].
    pub fn new(
        given: &[&'a Cert],
        pool: &[&'a Cert],
        roots: &'a [Cert],
        store: &'a RootStore,
    ) -> Candidates<'a> {
        Candidates::build(None, given, pool, roots, store)
    }

    /// As [`Candidates::new`], with `leaf` indexed first (node 0), before everything else: the
    /// order a single chain (`chain`, `pfx`, `pem`) has always been searched in.
    pub(super) fn build(
        leaf: Option<&'a Cert>,
        given: &[&'a Cert],
        pool: &[&'a Cert],
        roots: &'a [Cert],
        store: &'a RootStore,
    ) -> Candidates<'a> {
        // A store root can only end a path as the issuer of a certificate outside the store
        // (roots are anchors: the search stops there), so only those whose subject some
        // candidate names as its issuer are indexed. Indexing the whole store (~150 roots,
        // ~300 KB hashed) for every leaf dominated `scan`'s profile. They are pushed in store
        // order, whatever order the names come in, so the search order (and the chosen path
        // among equals) is that of the store.
        let mut named: Vec<usize> = leaf
            .into_iter()
            .chain(roots)
            .chain(given.iter().copied())
            .chain(pool.iter().copied())
            .flat_map(|c| store.named(&c.issuer.der).iter().copied())
            .collect();
        named.sort_unstable();
        named.dedup();
        // Keyed by whole DER and SPKI, hashed by their tails (signature and key bytes: see
        // `TailHash`); SipHash over every byte of every candidate was a visible share of `scan`.
        let candidates = 1 + roots.len() + named.len() + given.len() + pool.len();
        let many = candidates > FEW || always_many();
        let mut keys: Lookup<&'a [u8], usize, TailHash> = Lookup::new(many, candidates);
        let mut by_der: Lookup<&'a [u8], usize, TailHash> = Lookup::new(many, candidates);
        let mut nodes: Vec<Node<'a>> = Vec::with_capacity(candidates);
        let mut push = |nodes: &mut Vec<Node<'a>>, c: &'a Cert, source: Source| {
            if !by_der.insert_new(c.der.as_slice(), nodes.len()) {
                return;
            }
            let spki = c.public_key.spki_der.as_slice();
            let key = match keys.get(&spki) {
                Some(&k) => k,
                None => {
                    let k = keys.len();
                    keys.insert_new(spki, k);
                    k
                }
            };
            nodes.push(Node {
                cert: c,
                source,
                key,
            });
        };
        if let Some(leaf) = leaf {
            push(&mut nodes, leaf, Source::Leaf);
        }
        for r in roots {
            push(&mut nodes, r, Source::Anchor(AnchorSource::Roots));
        }
        for i in named {
            push(
                &mut nodes,
                &store[i],
                Source::Anchor(AnchorSource::Embedded),
            );
        }
        for (i, c) in given.iter().enumerate() {
            push(&mut nodes, c, Source::Given(i));
        }
        for c in pool {
            push(&mut nodes, c, Source::Pool);
        }
        let first = usize::from(leaf.is_some());
        let by_subject = many.then(|| {
            let mut by_subject: HashMap<&'a [u8], Vec<usize>, TailHash> =
                HashMap::with_hasher(TailHash);
            for (i, n) in nodes.iter().enumerate().skip(first) {
                by_subject
                    .entry(n.cert.subject.der.as_slice())
                    .or_default()
                    .push(i);
            }
            by_subject
        });

        // Positions of the given certificates, and their duplicates, once for every leaf.
        let mut first_given: Lookup<&'a [u8], usize, TailHash> = Lookup::new(many, given.len());
        let mut distinct_given = Vec::with_capacity(given.len());
        let mut counts: Vec<usize> = Vec::with_capacity(given.len());
        for (i, g) in given.iter().enumerate() {
            if first_given.insert_new(g.der.as_slice(), i) {
                distinct_given.push(i);
                counts.push(1);
            } else if let Some(&f) = first_given.get(&g.der.as_slice()) {
                if let Ok(k) = distinct_given.binary_search(&f) {
                    counts[k] += 1;
                }
            }
        }
        let mut duplicates = Vec::new();
        if distinct_given.len() < given.len() {
            let mut origins: Vec<Vec<crate::origin::Origin>> = vec![Vec::new(); given.len()];
            for g in given {
                if let Some(&f) = first_given.get(&g.der.as_slice()) {
                    if let Ok(k) = distinct_given.binary_search(&f) {
                        if counts[k] > 1 {
                            origins[f].push(g.origin.clone());
                        }
                    }
                }
            }
            for (k, &f) in distinct_given.iter().enumerate() {
                if counts[k] > 1 {
                    duplicates.push(Duplicate {
                        cert: CertRef::of(given[f]),
                        origins: std::mem::take(&mut origins[f]),
                    });
                }
            }
        }
        let work = IndexWork {
            indexed: nodes.len(),
            ..IndexWork::default()
        };
        Candidates {
            nodes,
            by_subject,
            by_der,
            given: given.to_vec(),
            pool: pool.to_vec(),
            roots,
            store,
            first_given,
            distinct_given,
            duplicates,
            sig_cache: Mutex::new(Lookup::new(many, 0)),
            many,
            first,
            work: Mutex::new(work),
        }
    }

    /// The best chain for `leaf`, searched against this index (see [`super::assemble`]): the
    /// same report a chain assembled on its own would give. `leaf` is normally one of the
    /// given certificates; any other certificate is assembled on its own.
    pub fn assemble(&self, leaf: &'a Cert, opts: &ChainOptions) -> Chain<'a> {
        let node = self
            .by_der
            .get(&leaf.der.as_slice())
            .copied()
            .filter(|&n| !self.nodes[n].is_anchor() || self.leaf_anchor(leaf).is_some());
        let (report, path) = match node {
            Some(n) => search::run(self, n, leaf, opts),
            None => {
                let own =
                    Candidates::build(Some(leaf), &self.given, &self.pool, self.roots, self.store);
                let r = search::run(&own, 0, leaf, opts);
                self.add_work(|w| {
                    let o = own.work();
                    w.indexed += o.indexed;
                    w.signatures += o.signatures;
                    w.candidates += o.candidates;
                    w.given_visited += o.given_visited;
                    w.chains += 1;
                });
                r
            }
        };
        Chain { report, path }
    }

    /// The work done so far.
    pub fn work(&self) -> IndexWork {
        *self.work.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn add_work(&self, f: impl FnOnce(&mut IndexWork)) {
        f(&mut self.work.lock().unwrap_or_else(|e| e.into_inner()));
    }

    /// Where `leaf` is a trust anchor itself, if it is one.
    pub(super) fn leaf_anchor(&self, leaf: &Cert) -> Option<AnchorSource> {
        if self.roots.iter().any(|r| r.der == leaf.der) {
            Some(AnchorSource::Roots)
        } else if self
            .store
            .named(&leaf.subject.der)
            .iter()
            .any(|&i| self.store[i].der == leaf.der)
        {
            Some(AnchorSource::Embedded)
        } else {
            None
        }
    }

    /// The first position among the given certificates of `der`.
    pub(super) fn first_given(&self, der: &[u8]) -> Option<usize> {
        self.first_given.get(&der).copied()
    }

    /// The cached signature check of `child` by `issuer`'s key, or make it with `check`.
    pub(super) fn signature(
        &self,
        child: usize,
        issuer: usize,
        check: impl FnOnce() -> Result<SignatureAlgorithm, VerifyError>,
    ) -> Result<SignatureAlgorithm, VerifyError> {
        let k = (child, self.nodes[issuer].key);
        let cache = || self.sig_cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = cache().get(&k) {
            return r.clone();
        }
        // Checked without the lock held: leaves searched in parallel may both check the same
        // pair once; the result is the same.
        let r = check();
        cache().insert_new(k, r.clone());
        self.add_work(|w| w.signatures += 1);
        r
    }
}

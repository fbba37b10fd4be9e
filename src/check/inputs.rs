//! [`Inputs`]: what a run (or, in `scan`, one file) offers the rules, grouped by file, with each
//! leaf's chain and rule context built the same way for `check` and `scan`.

use super::{facts, is_end_entity, ChainFacts, Ctx, Linking, Options, RootStores};
use crate::input::Detected;
use crate::model::{Cert, Csr, PfxInfo, PrivateKey};
use crate::origin::Origin;
use time::OffsetDateTime;

/// Whether two origins are the same file (and the same ZIP entry).
fn same_file(a: &Origin, b: &Origin) -> bool {
    a.path == b.path && a.entry == b.entry
}

/// What a run (or, in `scan`, one file) offers the rules: its certificates, keys, PKCS#12
/// structures and request, and the candidate issuers. Building each leaf's chain and rule
/// context here keeps `check::run` and `scan` judging a leaf the same way.
///
/// The inputs are grouped by file once, and [`Inputs::chains`] indexes each file's candidate
/// issuers once for all its leaves, so a file of many leaves costs in proportion to its
/// certificates (issue 16).
pub struct Inputs<'a> {
    keys: Vec<&'a PrivateKey>,
    pfxs: Vec<&'a PfxInfo>,
    csr: Option<&'a Csr>,
    leaves: Vec<&'a Cert>,
    /// Every input certificate (the leaf's own file goes first, as `given`), then the pool:
    /// candidate issuers only.
    pool: Vec<&'a Cert>,
    /// The certificates of each file (and ZIP entry), in file order; files in input order.
    files: Vec<Vec<&'a Cert>>,
    /// The private keys of each of those files.
    file_keys: Vec<Vec<&'a PrivateKey>>,
    /// The file (index into `files`) of each leaf.
    leaf_files: Vec<usize>,
    /// The position in `leaves` of each leaf, by address, when there are several files.
    leaf_positions: std::collections::HashMap<usize, usize>,
}

impl<'a> Inputs<'a> {
    /// The inputs of `detected`, with `csr` (else its first request) and the extra pool.
    pub fn new(detected: &'a Detected, csr: Option<&'a Csr>, pool: &'a [Cert]) -> Inputs<'a> {
        let certs: Vec<&Cert> = detected.certs().collect();
        let keys: Vec<&PrivateKey> = detected.keys().collect();
        let mut files: Vec<Vec<&Cert>> = Vec::new();
        let mut origins: Vec<&Origin> = Vec::new();
        // The file of the previous certificate first: inputs come file by file.
        let file_of = |o: &'a Origin, origins: &mut Vec<&'a Origin>| -> usize {
            match origins.iter().rposition(|f| same_file(f, o)) {
                Some(k) => k,
                None => {
                    origins.push(o);
                    origins.len() - 1
                }
            }
        };
        let mut leaves = Vec::new();
        let mut leaf_files = Vec::new();
        for c in &certs {
            let k = file_of(&c.origin, &mut origins);
            if k == files.len() {
                files.push(Vec::new());
            }
            files[k].push(*c);
            if is_end_entity(c) {
                leaves.push(*c);
                leaf_files.push(k);
            }
        }
        let mut file_keys: Vec<Vec<&PrivateKey>> = vec![Vec::new(); files.len()];
        for k in &keys {
            if let Some(f) = origins.iter().rposition(|o| same_file(o, &k.origin)) {
                file_keys[f].push(*k);
            }
        }
        let leaf_positions = if files.len() > 1 {
            leaves
                .iter()
                .enumerate()
                .map(|(i, l)| (*l as *const Cert as usize, i))
                .collect()
        } else {
            std::collections::HashMap::new()
        };
        Inputs {
            leaf_positions,
            leaves,
            pool: certs.iter().copied().chain(pool).collect(),
            keys,
            pfxs: detected.pfxs().collect(),
            csr: csr.or_else(|| detected.csrs().next()),
            files,
            file_keys,
            leaf_files,
        }
    }

    /// The end-entity certificates, in input order.
    pub fn leaves(&self) -> &[&'a Cert] {
        &self.leaves
    }

    /// The file (index into `files`) of `leaf`.
    fn file_of(&self, leaf: &Cert) -> Option<usize> {
        if self.files.len() == 1 && same_file(&self.files[0][0].origin, &leaf.origin) {
            return Some(0);
        }
        match self.leaf_positions.get(&(leaf as *const Cert as usize)) {
            Some(&i) => Some(self.leaf_files[i]),
            None => self.files.iter().position(|f| {
                f.first()
                    .is_some_and(|c| same_file(&c.origin, &leaf.origin))
            }),
        }
    }

    /// `leaf`'s chain: the certificates of its own file are `given` (judged for order,
    /// duplicates and strays); every other input and the pool only supply issuers. For every
    /// leaf, [`Inputs::chains`] is cheaper: it indexes each file once.
    pub fn chain<'b>(
        &'b self,
        leaf: &'b Cert,
        stores: &'b RootStores<'_>,
        linking: Linking,
        as_of: OffsetDateTime,
    ) -> ChainFacts<'b> {
        let given: &[&Cert] = match self.file_of(leaf) {
            Some(k) => &self.files[k],
            None => &[],
        };
        ChainFacts::assemble(leaf, given, &self.pool, stores, linking, as_of)
    }

    /// Call `f` with the position in [`Inputs::leaves`], the leaf and the chain of every leaf
    /// (as [`Inputs::chain`] builds each), file by file: the candidate issuers are indexed once
    /// per file and each leaf's chain is searched against its file's index, so a file of many
    /// leaves costs in proportion to its certificates; each chain is handed over as it is
    /// built, so they need not all be held at once (issue 16).
    pub fn each_chain<'b>(
        &'b self,
        stores: &'b RootStores<'_>,
        linking: Linking,
        as_of: OffsetDateTime,
        mut f: impl FnMut(usize, &'a Cert, ChainFacts<'b>),
    ) {
        let mut by_file: Vec<Vec<usize>> = vec![Vec::new(); self.files.len()];
        for (i, &k) in self.leaf_files.iter().enumerate() {
            by_file[k].push(i);
        }
        for (given, mine) in self.files.iter().zip(by_file) {
            if mine.is_empty() {
                continue;
            }
            let index =
                crate::chain::Candidates::new(given, &self.pool, &stores.trusted, stores.public);
            for i in mine {
                let leaf = self.leaves[i];
                f(
                    i,
                    leaf,
                    ChainFacts::from_index(&index, leaf, stores, linking, as_of),
                );
            }
        }
    }

    /// `f` applied to every leaf's chain, as [`Inputs::each_chain`] hands them over, the
    /// results in [`Inputs::leaves`] order. The leaves of a file with at least
    /// [`PARALLEL_LEAVES`] of them are judged in parallel (rayon), so one file of many leaves
    /// uses every core, as many files do in `scan`; each chain and result is the one a
    /// sequential run gives (the index shares only pure results).
    pub fn map_chains<'b, T: Send>(
        &'b self,
        stores: &'b RootStores<'_>,
        linking: Linking,
        as_of: OffsetDateTime,
        f: impl Fn(&'a Cert, ChainFacts<'b>) -> T + Sync,
    ) -> Vec<T> {
        use rayon::prelude::*;
        let mut by_file: Vec<Vec<usize>> = vec![Vec::new(); self.files.len()];
        for (i, &k) in self.leaf_files.iter().enumerate() {
            by_file[k].push(i);
        }
        let mut out: Vec<Option<T>> = Vec::with_capacity(self.leaves.len());
        out.resize_with(self.leaves.len(), || None);
        for (given, mine) in self.files.iter().zip(by_file) {
            if mine.is_empty() {
                continue;
            }
            let index =
                crate::chain::Candidates::new(given, &self.pool, &stores.trusted, stores.public);
            let one = |i: usize| {
                let leaf = self.leaves[i];
                f(
                    leaf,
                    ChainFacts::from_index(&index, leaf, stores, linking, as_of),
                )
            };
            if mine.len() >= PARALLEL_LEAVES {
                let results: Vec<T> = mine.par_iter().map(|&i| one(i)).collect();
                for (i, r) in mine.into_iter().zip(results) {
                    out[i] = Some(r);
                }
            } else {
                for i in mine {
                    out[i] = Some(one(i));
                }
            }
        }
        out.into_iter().flatten().collect()
    }

    /// The rule context for `leaf` with its `chain`.
    pub fn ctx<'c>(
        &'c self,
        leaf: &Cert,
        chain: &'c ChainFacts<'c>,
        options: &'c Options,
        as_of: OffsetDateTime,
    ) -> Ctx<'c> {
        let file = self.file_of(leaf);
        let file_keys: Vec<&PrivateKey> =
            file.map(|k| self.file_keys[k].clone()).unwrap_or_default();
        let pfx = self
            .pfxs
            .iter()
            .copied()
            .find(|p| same_file(&p.origin, &leaf.origin));
        Ctx {
            as_of,
            options,
            keys: if file_keys.is_empty() {
                self.keys.clone()
            } else {
                file_keys.clone()
            },
            csr: self.csr,
            pfx,
            pfx_keys: if pfx.is_some() { file_keys } else { Vec::new() },
            file_certs: file.map_or(&[][..], |k| &self.files[k]),
            leaves: &self.leaves,
            chain: Some(chain),
            ca: facts::ca_kind(leaf, Some(chain)),
        }
    }
}

/// Files with at least this many leaves have them judged in parallel ([`Inputs::map_chains`]).
pub const PARALLEL_LEAVES: usize = 64;

//! Root stores: trust anchors with their subject index. The embedded Mozilla root store (the
//! `webpki-root-certs` crate, kept up to date by the rustls project from the Common CA
//! Database) is one, parsed and indexed once on first use.
//!
//! It lets `certprep chain` find a trust anchor offline. It is data compiled into the binary,
//! not a read of the system store: the library never touches the machine it runs on.

use crate::model::cache::TailHash;
use crate::model::Cert;
use crate::origin::Origin;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The path every embedded root reports as its origin.
pub const EMBEDDED_ORIGIN: &str = "<embedded Mozilla root store>";

/// Trust anchors and their index by subject name. The chain search looks a certificate's
/// issuer name up here instead of comparing it with every root (measured in
/// docs/performance.md). Reads as the slice of its roots, in store order.
///
/// Invariant: `by_subject` lists every position of `roots` exactly once, under its subject DER.
pub struct RootStore {
    roots: Vec<Cert>,
    by_subject: HashMap<Vec<u8>, Vec<usize>, TailHash>,
}

impl RootStore {
    /// A store of `roots`, in that order, indexed by subject.
    pub fn new(roots: Vec<Cert>) -> RootStore {
        let mut by_subject: HashMap<Vec<u8>, Vec<usize>, TailHash> = HashMap::with_hasher(TailHash);
        for (i, root) in roots.iter().enumerate() {
            by_subject
                .entry(root.subject.der.clone())
                .or_default()
                .push(i);
        }
        RootStore { roots, by_subject }
    }

    /// The empty store (`--no-embedded-roots`).
    pub fn empty() -> &'static RootStore {
        static EMPTY: OnceLock<RootStore> = OnceLock::new();
        EMPTY.get_or_init(|| RootStore::new(Vec::new()))
    }

    /// The roots, in store order.
    pub fn certs(&self) -> &[Cert] {
        &self.roots
    }

    /// Positions (in store order) of the roots whose subject DER is `subject`.
    pub fn named(&self, subject: &[u8]) -> &[usize] {
        self.by_subject.get(subject).map_or(&[], Vec::as_slice)
    }
}

impl std::ops::Deref for RootStore {
    type Target = [Cert];
    fn deref(&self) -> &[Cert] {
        &self.roots
    }
}

impl std::fmt::Debug for RootStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RootStore")
            .field("roots", &self.roots.len())
            .finish()
    }
}

impl From<Vec<Cert>> for RootStore {
    fn from(roots: Vec<Cert>) -> RootStore {
        RootStore::new(roots)
    }
}

impl Default for &RootStore {
    /// [`RootStore::empty`].
    fn default() -> Self {
        RootStore::empty()
    }
}

/// The embedded roots, parsed and indexed once. A root that does not parse (none does today)
/// is left out.
pub fn embedded() -> &'static RootStore {
    static ROOTS: OnceLock<RootStore> = OnceLock::new();
    ROOTS.get_or_init(|| {
        RootStore::new(
            webpki_root_certs::TLS_SERVER_ROOT_CERTS
                .iter()
                .enumerate()
                .filter_map(|(i, der)| {
                    let origin =
                        Origin::file(EMBEDDED_ORIGIN).with(crate::origin::Part::Cert(i + 1));
                    Cert::from_der(der.as_ref().to_vec(), origin).ok()
                })
                .collect(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_store_parses_completely() {
        let roots = embedded();
        assert_eq!(roots.len(), webpki_root_certs::TLS_SERVER_ROOT_CERTS.len());
        assert!(roots.len() > 100);
        assert!(roots.iter().all(|r| r.is_self_issued() || r.is_ca()));
    }

    #[test]
    fn subject_index_lists_every_root_under_its_subject_and_nothing_else() {
        let roots = embedded();
        let listed: usize = roots.by_subject.values().map(Vec::len).sum();
        assert_eq!(listed, roots.len());
        for (i, r) in roots.iter().enumerate() {
            assert!(roots.named(&r.subject.der).contains(&i));
        }
        // Any store is indexed, a copy of part of this one too.
        let copy = RootStore::new(roots[..2].to_vec());
        assert_eq!(copy.named(&roots[1].subject.der).last(), Some(&1));
        assert!(RootStore::empty().named(&roots[0].subject.der).is_empty());
    }
}

//! The embedded Mozilla root store (the `webpki-root-certs` crate, kept up to date by the
//! rustls project from the Common CA Database), parsed once on first use.
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

/// The embedded roots, parsed once. A root that does not parse (none does today) is left out.
pub fn embedded() -> &'static [Cert] {
    static ROOTS: OnceLock<Vec<Cert>> = OnceLock::new();
    ROOTS.get_or_init(|| {
        webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .enumerate()
            .filter_map(|(i, der)| {
                let origin = Origin::file(EMBEDDED_ORIGIN).with(crate::origin::Part::Cert(i + 1));
                Cert::from_der(der.as_ref().to_vec(), origin).ok()
            })
            .collect()
    })
}

/// The embedded roots by subject name (DER), as positions in [`embedded`].
pub(crate) type SubjectIndex = HashMap<&'static [u8], Vec<usize>, TailHash>;

/// The subject index of `roots` when `roots` is the embedded store itself (the chain search is
/// handed it as a plain slice), built once; `None` for any other slice, which callers search
/// linearly. A leaf's few issuer names are looked up here instead of being compared with
/// every embedded root (measured in docs/performance.md).
pub(crate) fn subject_index(roots: &[Cert]) -> Option<&'static SubjectIndex> {
    let store = embedded();
    if !std::ptr::eq(roots, store) {
        return None;
    }
    static INDEX: OnceLock<SubjectIndex> = OnceLock::new();
    Some(INDEX.get_or_init(|| {
        let mut index = SubjectIndex::with_hasher(TailHash);
        for (i, root) in store.iter().enumerate() {
            index
                .entry(root.subject.der.as_slice())
                .or_default()
                .push(i);
        }
        index
    }))
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
    fn subject_index_lists_every_embedded_root_under_its_subject_and_nothing_else() {
        let roots = embedded();
        let index = subject_index(roots).expect("the embedded store is indexed");
        assert_eq!(index.values().map(Vec::len).sum::<usize>(), roots.len());
        for (i, r) in roots.iter().enumerate() {
            assert!(index[r.subject.der.as_slice()].contains(&i));
        }
        // A copy of the store is another slice: not indexed, searched linearly.
        let copy: Vec<Cert> = roots[..2].to_vec();
        assert!(subject_index(&copy).is_none());
        assert!(subject_index(&roots[..2]).is_none());
    }
}

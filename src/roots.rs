//! The embedded Mozilla root store (the `webpki-root-certs` crate, kept up to date by the
//! rustls project from the Common CA Database), parsed once on first use.
//!
//! It lets `certprep chain` find a trust anchor offline. It is data compiled into the binary,
//! not a read of the system store: the library never touches the machine it runs on.

use crate::input::Origin;
use crate::model::Cert;
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
                let origin = Origin::file(EMBEDDED_ORIGIN).with(crate::input::Part::Cert(i + 1));
                Cert::from_der(der.as_ref().to_vec(), origin).ok()
            })
            .collect()
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
}

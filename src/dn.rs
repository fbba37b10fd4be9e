//! The old home of Windows-style names, kept as a path for existing users: the rendering lives
//! in [`crate::name`] (see [`crate::name::windows`]) and the connector TLS name in
//! [`crate::tls_name`]. New code uses those paths.

pub use crate::name::windows::*;

/// The Exchange connector TLS certificate name of `cert`: [`crate::tls_name::for_cert`].
pub fn tls_name(cert: &crate::model::Cert) -> String {
    crate::tls_name::for_cert(cert)
}

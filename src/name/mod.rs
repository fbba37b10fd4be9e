//! Names, in one home: distinguished names (their DER model, the Windows rendering, reading
//! them from text) and host names (wildcard coverage, FQDN shape, internal names).
//!
//! - [`der`]: a distinguished name as encoded — exact DER plus attributes in encoded order.
//! - [`windows`]: the name as Windows prints it (`X509Certificate2.Subject`). Hand-written: no
//!   crate renders Windows' form (see there).
//! - [`subject`]: a subject as users type it (`--subject`), encoded as DER for a request.
//! - `text`: a name as people paste it, read tolerantly for comparison (used by
//!   [`crate::tls_name`]).
//! - [`host`]: host-name facts the name rules, request matching and the runbook share.
//!
//! Layering: this module depends on nothing above the DER reader and the OID table; the model
//! ([`crate::model`]) holds its names as [`DistinguishedName`] values, and whatever renders a
//! certificate's names (reports, `tls_name`, messages) calls [`render_windows`] here. The model
//! never renders.

pub mod der;
pub mod host;
pub mod subject;
pub(crate) mod text;
pub mod windows;

pub use der::{tag, Attribute, DistinguishedName, NameError};
pub use subject::{parse_subject, SubjectError, SubjectProblem};
pub use windows::{
    needs_quotes, render_rdns, render_windows, windows_attribute, windows_key, windows_rdns,
    WindowsAttribute,
};

/// A short name for a certificate: the most specific subject CN, else the first DNS name
/// (`dns_names`, the subjectAltName's), else the Windows subject string.
pub fn display_name(subject: &DistinguishedName, dns_names: &[String]) -> String {
    subject
        .common_name()
        .or_else(|| dns_names.first().cloned())
        .unwrap_or_else(|| render_windows(subject))
}

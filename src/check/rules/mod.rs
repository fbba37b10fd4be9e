//! One file per rule; the file name is the rule id with `_` (style.md §3). The helpers here
//! are shared formatting for details and remediations, not rule logic.

pub mod chain_duplicate;
pub mod chain_incomplete;
pub mod chain_order;
pub mod chain_stray;
pub mod cn_not_in_san;
pub mod csr_mismatch;
pub mod ecdsa_exchange_support;
pub mod edge_same_issuer_subject;
pub mod eku_server_auth;
pub mod expired;
pub mod expiring_soon;
pub mod friendly_name_missing;
pub mod hybrid_names;
pub mod hybrid_third_party_ca;
pub mod internal_name;
pub mod key_mismatch;
pub mod key_usage;
pub mod lifetime_over_limit;
pub mod missing_autodiscover;
pub mod name_not_covered;
pub mod not_yet_valid;
pub mod pfx_cng_key;
pub mod pfx_no_private_key;
pub mod pfx_windows_compat;
pub mod self_signed;
pub mod subject_not_fqdn;
pub mod tls_name_update;
pub mod weak_rsa_key;
pub mod weak_signature;
pub mod wildcard_pop_imap;

use crate::model::Cert;
use time::OffsetDateTime;

/// The DNS names a client matches against: the subjectAltName DNS names, or, when the
/// certificate has no subjectAltName names at all, the subject CN (the legacy fallback
/// Windows still applies).
pub fn host_names(cert: &Cert) -> std::borrow::Cow<'_, [String]> {
    if cert.dns_names.is_empty() && cert.ip_addresses.is_empty() {
        std::borrow::Cow::Owned(cert.subject.common_name().into_iter().collect())
    } else {
        // Borrowed: four rules ask for every leaf a scan reads.
        std::borrow::Cow::Borrowed(&cert.dns_names)
    }
}

/// A date as `2027-05-19 12:00:00 UTC`.
pub fn when(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Whole days in a duration, rounded toward zero.
pub fn days(d: time::Duration) -> i64 {
    d.whole_days()
}

pub use crate::check::fix::{shell_path, stem};

/// The output file `<stem of cert's file><suffix>`, as one command-line argument.
pub fn out_path(cert: &Cert, suffix: &str) -> String {
    crate::check::fix::out_path(&cert.origin, suffix)
}

/// What starts a renewal for `cert`: a new key and request with the same names.
pub fn renew_fix(cert: &Cert) -> Option<crate::check::Fix> {
    Some(crate::check::Fix::Renew {
        cert: cert.origin.clone(),
    })
}

/// Names joined for a detail line: `a, b and c`.
pub fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}

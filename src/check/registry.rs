//! The rule registry: every rule, once. This order is the order of `--list-rules`,
//! `docs/rules.md` and every report (style.md §3).

use super::rules;
use super::Rule;

/// Every rule, grouped by area: validity, usage, names, services, crypto, material, hybrid.
pub static RULES: &[&Rule] = &[
    // validity
    &rules::expired::RULE,
    &rules::not_yet_valid::RULE,
    &rules::expiring_soon::RULE,
    &rules::lifetime_over_limit::RULE,
    // usage
    &rules::eku_server_auth::RULE,
    &rules::key_usage::RULE,
    // names
    &rules::name_not_covered::RULE,
    &rules::cn_not_in_san::RULE,
    &rules::missing_autodiscover::RULE,
    &rules::internal_name::RULE,
    // services
    &rules::wildcard_pop_imap::RULE,
    &rules::subject_not_fqdn::RULE,
    &rules::self_signed::RULE,
    // crypto
    &rules::weak_rsa_key::RULE,
    &rules::weak_signature::RULE,
    &rules::ecdsa_exchange_support::RULE,
    // material
    &rules::key_mismatch::RULE,
    &rules::csr_mismatch::RULE,
    &rules::chain_incomplete::RULE,
    &rules::chain_order::RULE,
    &rules::chain_duplicate::RULE,
    &rules::chain_stray::RULE,
    &rules::pfx_windows_compat::RULE,
    &rules::pfx_no_private_key::RULE,
    &rules::pfx_cng_key::RULE,
    &rules::friendly_name_missing::RULE,
    // hybrid and Edge
    &rules::hybrid_third_party_ca::RULE,
    &rules::hybrid_names::RULE,
    &rules::edge_same_issuer_subject::RULE,
    &rules::tls_name_update::RULE,
];

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

//! The `check` rule registry, as the scan applies it: per file, to every end-entity
//! certificate, with the file as its context.
//!
//! This mirrors the context [`crate::check::run`] builds for a run's inputs, with the file as
//! the inputs: its keys, its request, its PKCS#12 structure, its certificates as issuer
//! candidates (the leaf's own file or ZIP entry as `given`, then the pool), and the chain
//! assembled (and verified) by [`ChainFacts::assemble`]. It does not call `check::run` itself
//! because that also renders names, TLS names and per-rule outcomes the scan never shows, which
//! would cost a large share of the scan's time on big trees. CA certificates get no findings,
//! exactly as in `check`.

use super::{Finding, Rules};
use crate::check::{self, facts, registry, ChainFacts, Ctx, Options, Outcome, RootStores};
use crate::input::{Detected, Origin};
use crate::model::{Cert, PrivateKey};
use time::OffsetDateTime;

/// The `check` rules with their options, root stores and instant.
#[derive(Debug)]
pub struct CheckRules<'a> {
    /// `check`'s options (names, services, Windows version, min days, suppressions …).
    pub options: Options,
    /// Public and trusted roots, and extra candidate issuers.
    pub stores: RootStores<'a>,
    /// The instant validity is judged at.
    pub as_of: OffsetDateTime,
}

impl Rules for CheckRules<'_> {
    fn evaluate(&self, file: &Detected) -> Vec<Vec<Finding>> {
        let certs: Vec<&Cert> = file.certs().collect();
        if !certs.iter().any(|c| check::is_end_entity(c)) {
            return vec![Vec::new(); certs.len()];
        }
        let keys: Vec<&PrivateKey> = file.keys().collect();
        let csr = file.csrs().next();
        let leaves: Vec<&Cert> = certs
            .iter()
            .copied()
            .filter(|c| check::is_end_entity(c))
            .collect();
        // As in `check::run`: every certificate of the file is a candidate issuer, then the pool.
        let pool: Vec<Cert> = certs
            .iter()
            .map(|c| (*c).clone())
            .chain(self.stores.pool.iter().cloned())
            .collect();
        certs
            .iter()
            .map(|cert| {
                if !check::is_end_entity(cert) {
                    return Vec::new();
                }
                let same = |o: &Origin| o.path == cert.origin.path && o.entry == cert.origin.entry;
                let file_keys: Vec<&PrivateKey> =
                    keys.iter().copied().filter(|k| same(&k.origin)).collect();
                let pfx = file.pfxs().find(|p| same(&p.origin));
                let given: Vec<Cert> = certs
                    .iter()
                    .filter(|c| same(&c.origin))
                    .map(|c| (*c).clone())
                    .collect();
                let chain = ChainFacts::assemble(cert, &given, &pool, &self.stores, self.as_of);
                let ctx = Ctx {
                    as_of: self.as_of,
                    options: &self.options,
                    keys: if file_keys.is_empty() {
                        keys.clone()
                    } else {
                        file_keys.clone()
                    },
                    csr,
                    pfx,
                    pfx_keys: if pfx.is_some() { file_keys } else { Vec::new() },
                    file_certs: certs.iter().copied().filter(|c| same(&c.origin)).collect(),
                    leaves: leaves.clone(),
                    chain: Some(&chain),
                    ca: facts::ca_kind(cert, Some(&chain)),
                };
                registry::RULES
                    .iter()
                    .filter_map(|rule| match check::evaluate(rule, cert, &ctx) {
                        (Outcome::Fail, Some(f)) => Some(Finding {
                            rule: f.rule.to_owned(),
                            severity: f.severity,
                            message: f.detail,
                        }),
                        _ => None,
                    })
                    .collect()
            })
            .collect()
    }
}

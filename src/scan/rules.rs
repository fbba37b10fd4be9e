//! The `check` rule registry, as the scan applies it: per file, to every end-entity
//! certificate, with the file as its context.
//!
//! It builds the same chain and context as [`crate::check::run`] (through
//! [`crate::check::Inputs`]), with the file as the inputs: its keys, its request, its PKCS#12
//! structure, its certificates as issuer candidates, then the pool. It does not call `check::run` itself
//! because that also renders names, TLS names and per-rule outcomes the scan never shows, which
//! would cost a large share of the scan's time on big trees. CA certificates get no findings,
//! exactly as in `check`.

use super::{Finding, Rules};
use crate::check::{self, registry, Linking, Options, Outcome, RootStores};
use crate::input::Detected;
use crate::model::Cert;
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
    /// How issuers are linked: `check` verifies every signature; the scan, by default, links
    /// by names, key identifiers and key types ([`Linking::Structural`]).
    pub linking: Linking,
}

impl Rules for CheckRules<'_> {
    fn evaluate(&self, file: &Detected) -> Vec<Vec<Finding>> {
        let inputs = check::Inputs::new(file, None, &self.stores.pool);
        let certs: Vec<&Cert> = file.certs().collect();
        if inputs.leaves().is_empty() {
            return vec![Vec::new(); certs.len()];
        }
        // Every leaf's findings, its chain searched against the file's candidate issuers,
        // indexed once; a file of many leaves is judged in parallel (issue 16).
        let findings: Vec<Vec<Finding>> =
            inputs.map_chains(&self.stores, self.linking, self.as_of, |leaf, chain| {
                let ctx = inputs.ctx(leaf, &chain, &self.options, self.as_of);
                registry::RULES
                    .iter()
                    .filter_map(|rule| match check::evaluate(rule, leaf, &ctx) {
                        (Outcome::Fail, Some(f)) => Some(f),
                        _ => None,
                    })
                    .collect()
            });
        let mut findings = findings.into_iter();
        certs
            .iter()
            .map(|cert| {
                if check::is_end_entity(cert) {
                    findings.next().unwrap_or_default()
                } else {
                    Vec::new()
                }
            })
            .collect()
    }
}

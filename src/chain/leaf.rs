//! Choosing the leaf (the end-entity certificate) among the certificates of an input: one
//! selector with a named policy per command. The commands differ on purpose: `chain` always
//! finds a leaf to report on, `runbook` wants exactly one server certificate, `pfx` and `pem`
//! follow the private key.

use crate::model::{Cert, PrivateKey};
use std::borrow::Borrow;

/// How to choose the leaf.
#[derive(Clone, Copy, Debug)]
pub enum LeafPolicy<'k> {
    /// The `chain` command: the certificate that issues none of the others (by name, ignoring
    /// self-issued links). Ties go to a non-CA certificate, then to one that is not
    /// self-issued, then to the earliest in input order. Never ambiguous.
    IssuesNone,
    /// `runbook`: the only end-entity (non-CA) certificate, identical copies counted once; a
    /// lone CA certificate is taken too.
    SoleEndEntity,
    /// `pfx` and `pem`: the certificate one of these keys belongs to (identical copies counted
    /// once; an end-entity certificate before a CA one; two of the same kind are ambiguous).
    /// Without a match, the end-entity certificate that issues no other input; with only CA
    /// certificates, the one that issues no other; failing both, the first certificate.
    KeyHolder(&'k [&'k PrivateKey]),
}

/// The leaf chosen: positions in the certificates (and keys) given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeafChoice {
    /// The leaf's position among the certificates.
    pub leaf: usize,
    /// The position among the keys of the leaf's key ([`LeafPolicy::KeyHolder`] only).
    pub key: Option<usize>,
}

/// Why no leaf was chosen. Callers name the input and the candidates in their own errors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeafError {
    /// There is no certificate.
    Empty,
    /// No certificate qualifies ([`LeafPolicy::SoleEndEntity`]: only CA certificates).
    NoLeaf,
    /// Several certificates qualify: their positions, in input order.
    Ambiguous(Vec<usize>),
}

/// Choose the leaf among `certs` (in input order) by `policy`.
pub fn select_leaf<C: Borrow<Cert>>(
    certs: &[C],
    policy: LeafPolicy<'_>,
) -> Result<LeafChoice, LeafError> {
    if certs.is_empty() {
        return Err(LeafError::Empty);
    }
    let cert = |i: usize| certs[i].borrow();
    let no_key = |leaf: usize| LeafChoice { leaf, key: None };
    match policy {
        LeafPolicy::IssuesNone => Ok(no_key(issues_none(certs))),
        LeafPolicy::SoleEndEntity => {
            let mut leaves: Vec<usize> = (0..certs.len()).filter(|&i| !cert(i).is_ca()).collect();
            if leaves.is_empty() && certs.len() == 1 {
                leaves = vec![0];
            }
            match distinct(certs, leaves).as_slice() {
                [one] => Ok(no_key(*one)),
                [] => Err(LeafError::NoLeaf),
                many => Err(LeafError::Ambiguous(many.to_vec())),
            }
        }
        LeafPolicy::KeyHolder(keys) => key_holder(certs, keys),
    }
}

/// [`LeafPolicy::IssuesNone`] over a non-empty `certs`.
fn issues_none<C: Borrow<Cert>>(certs: &[C]) -> usize {
    let cert = |i: usize| certs[i].borrow();
    // The names that some certificate which is not self-issued names as its issuer: such a
    // certificate is never the one whose subject it names (that one would be self-issued), so
    // a certificate issues another exactly when its subject is in this set. One set for the
    // input instead of comparing every certificate with every other (issue 16).
    let issuers: std::collections::HashSet<&[u8]> = certs
        .iter()
        .map(Borrow::borrow)
        .filter(|c: &&Cert| !c.is_self_issued())
        .map(|c| c.issuer.der.as_slice())
        .collect();
    (0..certs.len())
        .min_by_key(|&i| {
            (
                issuers.contains(cert(i).subject.der.as_slice()),
                cert(i).is_ca(),
                cert(i).is_self_issued(),
                i,
            )
        })
        .unwrap_or(0)
}

/// [`LeafPolicy::KeyHolder`] over a non-empty `certs`.
fn key_holder<C: Borrow<Cert>>(certs: &[C], keys: &[&PrivateKey]) -> Result<LeafChoice, LeafError> {
    let cert = |i: usize| certs[i].borrow();
    // Certificates some key belongs to, end-entity ones first (a stable sort: input order
    // within each kind).
    let mut with_key: Vec<(usize, usize)> = Vec::new();
    for i in 0..certs.len() {
        if let Some(k) = keys.iter().position(|k| k.matches(&cert(i).public_key)) {
            if !with_key.iter().any(|&(x, _)| cert(x).der == cert(i).der) {
                with_key.push((i, k));
            }
        }
    }
    with_key.sort_by_key(|&(i, _)| cert(i).is_ca());
    if let Some(&(first, k)) = with_key.first() {
        let same_kind: Vec<usize> = with_key
            .iter()
            .map(|&(i, _)| i)
            .filter(|&i| cert(i).is_ca() == cert(first).is_ca())
            .collect();
        if same_kind.len() > 1 {
            return Err(LeafError::Ambiguous(same_kind));
        }
        return Ok(LeafChoice {
            leaf: first,
            key: Some(k),
        });
    }
    // No key matches: the end-entity certificate that issues no other input; with only CA
    // certificates, the one lowest in the hierarchy.
    let issues_another = |i: usize| {
        certs
            .iter()
            .map(Borrow::borrow)
            .any(|o: &Cert| o.der != cert(i).der && o.issuer.der == cert(i).subject.der)
    };
    let lowest = |end_entity_only: bool| {
        let found = (0..certs.len())
            .filter(|&i| !(issues_another(i) || end_entity_only && cert(i).is_ca()))
            .collect();
        distinct(certs, found)
    };
    let mut leaves = lowest(true);
    if leaves.is_empty() {
        leaves = lowest(false);
    }
    match leaves.as_slice() {
        [one] => Ok(LeafChoice {
            leaf: *one,
            key: None,
        }),
        [] => Ok(LeafChoice { leaf: 0, key: None }),
        many => Err(LeafError::Ambiguous(many.to_vec())),
    }
}

/// `found` (positions in `certs`, in order) without later identical copies.
fn distinct<C: Borrow<Cert>>(certs: &[C], found: Vec<usize>) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::with_capacity(found.len());
    for i in found {
        if !out
            .iter()
            .any(|&u| certs[u].borrow().der == certs[i].borrow().der)
        {
            out.push(i);
        }
    }
    out
}

//! The path search: a depth-first walk from the leaf towards trust anchors, over issuers
//! indexed by subject name, preferring AKI/SKI matches, verifying each link once, within the
//! budget. Every path found is kept (up to [`MAX_PATHS`]) so the best one can be chosen and the
//! others explained.

use super::diagnose::Diagnostic;
use super::problems::{self, Problem};
use super::{
    Alternative, AnchorSource, CertRef, ChainOptions, ChainReport, Duplicate, Link, NotChosen,
    PathEnd, Source, Work,
};
use crate::model::cache::TailHash;
use crate::model::Cert;
use crate::verify::{self, SignatureAlgorithm, VerifyError};
use foldhash::fast::FixedState;
use std::collections::HashMap;

/// Dead-end paths kept for explaining, and anchored paths after which the search stops.
const MAX_PATHS: usize = 64;

pub(super) struct Node<'a> {
    pub(super) cert: &'a Cert,
    pub(super) source: Source,
    key: usize,
}

impl Node<'_> {
    pub(super) fn is_anchor(&self) -> bool {
        matches!(self.source, Source::Anchor(_))
    }
}

/// How a path ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum End {
    /// At a trust anchor (the last node).
    Anchored,
    /// At a self-issued certificate that is not a trust anchor.
    UntrustedRoot,
    /// No certificate with the last one's issuer name verified its signature.
    MissingIssuer,
    /// More intermediates than allowed.
    TooLong,
    /// The budget ran out here.
    Exhausted,
}

pub(super) struct RawPath {
    pub(super) nodes: Vec<usize>,
    pub(super) algs: Vec<SignatureAlgorithm>,
    pub(super) end: End,
}

/// A candidate whose name matched but which could not be the issuer.
pub(super) struct Rejection {
    pub(super) child: usize,
    pub(super) candidate: usize,
    pub(super) reason: VerifyError,
}

struct Search<'a, 'o> {
    nodes: Vec<Node<'a>>,
    /// Candidates by subject name; `None` when there are few (see [`Lookup`]): the candidates
    /// are then scanned, in the same order.
    by_subject: Option<HashMap<&'a [u8], Vec<usize>, TailHash>>,
    opts: &'o ChainOptions,
    sig_cache: Lookup<(usize, usize), Result<SignatureAlgorithm, VerifyError>, FixedState>,
    work: Work,
    paths: Vec<RawPath>,
    anchored: usize,
    rejections: Vec<Rejection>,
    rejected: Lookup<(usize, usize), (), FixedState>,
}

/// Searches with at most this many candidates (a leaf with its file's chain and the roots
/// that file names, as in nearly every scanned file) look things up by scanning a short list
/// instead of building hash maps: the maps' allocations and hashing were most of the search's
/// cost in `scan`.
const FEW: usize = 16;

#[cfg(test)]
thread_local! {
    /// Tests: build the maps even for few candidates (both ways must give the same report).
    static ALWAYS_MANY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn always_many() -> bool {
    #[cfg(test)]
    return ALWAYS_MANY.with(std::cell::Cell::get);
    #[cfg(not(test))]
    false
}

/// A map that is a list scanned in insertion order while small, a hash map when large.
enum Lookup<K, V, S> {
    Few(Vec<(K, V)>),
    Many(HashMap<K, V, S>),
}

impl<K: Eq + std::hash::Hash, V, S: std::hash::BuildHasher + Default> Lookup<K, V, S> {
    fn new(many: bool, few: usize) -> Self {
        if many {
            Lookup::Many(HashMap::default())
        } else {
            Lookup::Few(Vec::with_capacity(few))
        }
    }

    fn get(&self, k: &K) -> Option<&V> {
        match self {
            Lookup::Few(list) => list.iter().find(|(key, _)| key == k).map(|(_, v)| v),
            Lookup::Many(map) => map.get(k),
        }
    }

    /// Insert `v` under `k` unless `k` is there; whether it was inserted.
    fn insert_new(&mut self, k: K, v: V) -> bool {
        match self {
            Lookup::Few(list) => {
                if list.iter().any(|(key, _)| *key == k) {
                    return false;
                }
                list.push((k, v));
                true
            }
            Lookup::Many(map) => match map.entry(k) {
                std::collections::hash_map::Entry::Occupied(_) => false,
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(v);
                    true
                }
            },
        }
    }

    fn len(&self) -> usize {
        match self {
            Lookup::Few(list) => list.len(),
            Lookup::Many(map) => map.len(),
        }
    }
}

/// Search, judge and report: the report (its owned `certs` left empty) and the chosen path,
/// borrowed from the inputs.
pub(super) fn run<'a>(
    leaf: &'a Cert,
    given: &[&'a Cert],
    pool: &[&'a Cert],
    roots: &'a [Cert],
    embedded: &'a [Cert],
    opts: &ChainOptions,
) -> (ChainReport, Vec<&'a Cert>) {
    // Positions in `embedded` of the roots named `subject`: the embedded store comes with a
    // subject index, any other slice is searched linearly.
    let index = crate::roots::subject_index(embedded);
    let embedded_named = |subject: &[u8]| -> Vec<usize> {
        match index {
            Some(index) => index.get(subject).cloned().unwrap_or_default(),
            None => (0..embedded.len())
                .filter(|&i| embedded[i].subject.der == subject)
                .collect(),
        }
    };
    // An embedded root can only end a path as the issuer of a non-embedded certificate (roots
    // are anchors: the search stops there), so only those whose subject some candidate names
    // as its issuer are indexed. Indexing the whole store (~150 roots, ~300 KB hashed) for every
    // leaf dominated `scan`'s profile. They are pushed in store order, whatever order the names
    // come in, so the search order (and the chosen path among equals) is that of the store.
    let mut named: Vec<usize> = std::iter::once(leaf)
        .chain(roots)
        .chain(given.iter().copied())
        .chain(pool.iter().copied())
        .flat_map(|c| embedded_named(&c.issuer.der))
        .collect();
    named.sort_unstable();
    named.dedup();
    let many = 1 + roots.len() + named.len() + given.len() + pool.len() > FEW || always_many();
    // Keyed by whole DER and SPKI, hashed by their tails (signature and key bytes: see
    // `TailHash`); SipHash over every byte of every candidate was a visible share of `scan`.
    let candidates = 1 + roots.len() + named.len() + given.len() + pool.len();
    let mut keys: Lookup<&'a [u8], usize, TailHash> = Lookup::new(many, candidates);
    let mut by_der: Lookup<&'a [u8], (), TailHash> = Lookup::new(many, candidates);
    let mut nodes: Vec<Node<'a>> = Vec::with_capacity(candidates);
    let mut push = |nodes: &mut Vec<Node<'a>>, c: &'a Cert, source: Source| {
        if !by_der.insert_new(c.der.as_slice(), ()) {
            return;
        }
        let spki = c.public_key.spki_der.as_slice();
        let key = match keys.get(&spki) {
            Some(&k) => k,
            None => {
                let k = keys.len();
                keys.insert_new(spki, k);
                k
            }
        };
        nodes.push(Node {
            cert: c,
            source,
            key,
        });
    };
    let leaf_anchor = if roots.iter().any(|r| r.der == leaf.der) {
        Some(AnchorSource::Roots)
    } else if embedded_named(&leaf.subject.der)
        .into_iter()
        .any(|i| embedded[i].der == leaf.der)
    {
        Some(AnchorSource::Embedded)
    } else {
        None
    };
    push(&mut nodes, leaf, Source::Leaf);
    for r in roots {
        push(&mut nodes, r, Source::Anchor(AnchorSource::Roots));
    }
    for i in named {
        push(
            &mut nodes,
            &embedded[i],
            Source::Anchor(AnchorSource::Embedded),
        );
    }
    for (i, c) in given.iter().enumerate() {
        push(&mut nodes, c, Source::Given(i));
    }
    for c in pool {
        push(&mut nodes, c, Source::Pool);
    }
    let by_subject = many.then(|| {
        let mut by_subject: HashMap<&'a [u8], Vec<usize>, TailHash> =
            HashMap::with_hasher(TailHash);
        for (i, n) in nodes.iter().enumerate().skip(1) {
            by_subject
                .entry(n.cert.subject.der.as_slice())
                .or_default()
                .push(i);
        }
        by_subject
    });
    let mut s = Search {
        nodes,
        by_subject,
        opts,
        sig_cache: Lookup::new(many, 0),
        work: Work::default(),
        paths: Vec::new(),
        anchored: 0,
        rejections: Vec::new(),
        rejected: Lookup::new(many, 0),
    };
    if leaf_anchor.is_some() {
        s.paths.push(RawPath {
            nodes: vec![0],
            algs: Vec::new(),
            end: End::Anchored,
        });
    } else {
        let mut path = Vec::with_capacity(4);
        path.push(0);
        let mut algs = Vec::with_capacity(4);
        s.walk(&mut path, &mut algs);
    }
    finish(s, leaf, leaf_anchor, given, opts)
}

impl<'a> Search<'a, '_> {
    fn same_entity(&self, a: usize, b: usize) -> bool {
        let (x, y) = (self.nodes[a].cert, self.nodes[b].cert);
        x.subject.der == y.subject.der && self.nodes[a].key == self.nodes[b].key
    }

    /// The search ends when the budget runs out or enough anchored paths are known; dead ends
    /// alone never end it early, so an incomplete answer is always either exhaustive or says
    /// the budget ran out.
    fn done(&self) -> bool {
        self.work.exhausted || self.anchored >= MAX_PATHS
    }

    /// Issuer candidates for `child`, best first: anchors, then AKI/SKI matches, then
    /// certificates valid at the evaluation time, then input order. A candidate whose SKI
    /// contradicts the child's AKI is not an issuer (as OpenSSL's X509_check_issued decides).
    fn candidates(&self, child: usize, path: &[usize]) -> Vec<usize> {
        let c = self.nodes[child].cert;
        let named = c.issuer.der.as_slice();
        let rank = |i: usize| {
            if path.iter().any(|&p| p == i || self.same_entity(p, i)) {
                return None;
            }
            let cand = self.nodes[i].cert;
            let id_rank = match (&c.authority_key_id, &cand.subject_key_id) {
                (Some(a), Some(s)) if a == s => 0,
                (Some(_), Some(_)) => return None,
                _ => 1,
            };
            Some((
                !self.nodes[i].is_anchor(),
                id_rank,
                !cand.is_valid_at(self.opts.at),
                i,
            ))
        };
        let mut out: Vec<(bool, u8, bool, usize)> = match &self.by_subject {
            Some(map) => map
                .get(named)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .filter_map(|&i| rank(i))
                .collect(),
            None => (1..self.nodes.len())
                .filter(|&i| self.nodes[i].cert.subject.der == named)
                .filter_map(rank)
                .collect(),
        };
        out.sort();
        out.into_iter().map(|t| t.3).collect()
    }

    fn verify(
        &mut self,
        child: usize,
        issuer: usize,
    ) -> Option<Result<SignatureAlgorithm, VerifyError>> {
        let k = (child, self.nodes[issuer].key);
        if let Some(r) = self.sig_cache.get(&k) {
            return Some(r.clone());
        }
        if self.work.signatures >= self.opts.budget.signatures {
            self.work.exhausted = true;
            return None;
        }
        self.work.signatures += 1;
        let (c, i) = (self.nodes[child].cert, self.nodes[issuer].cert);
        let r = if self.opts.verify_signatures {
            verify::cert_signed_by(c, i)
        } else {
            verify::algorithm(&i.public_key, &c.signature)
        };
        self.sig_cache.insert_new(k, r.clone());
        Some(r)
    }

    /// Intermediates in `path` (after the leaf) that count against the depth limit: self-issued
    /// ones (key rollover) do not, as for pathLenConstraint (RFC 5280 §4.2.1.9); an absolute cap
    /// stops a chain of self-issued certificates.
    fn too_long(&self, path: &[usize]) -> bool {
        let counted = path[1..]
            .iter()
            .filter(|&&i| !self.nodes[i].cert.is_self_issued())
            .count();
        counted > self.opts.max_intermediates || path.len() > self.opts.max_intermediates + 10
    }

    fn walk(&mut self, path: &mut Vec<usize>, algs: &mut Vec<SignatureAlgorithm>) {
        let cur = *path.last().unwrap_or(&0);
        let mut extended = false;
        for cand in self.candidates(cur, path) {
            if self.done() {
                break;
            }
            if self.work.candidates >= self.opts.budget.candidates {
                self.work.exhausted = true;
                break;
            }
            self.work.candidates += 1;
            let Some(result) = self.verify(cur, cand) else {
                break;
            };
            let alg = match result {
                Ok(alg) => alg,
                Err(reason) => {
                    if self.rejected.insert_new((cur, cand), ()) {
                        self.rejections.push(Rejection {
                            child: cur,
                            candidate: cand,
                            reason,
                        });
                    }
                    continue;
                }
            };
            extended = true;
            path.push(cand);
            algs.push(alg);
            if self.nodes[cand].is_anchor() {
                self.record(path, algs, End::Anchored);
            } else if self.too_long(path) {
                self.record(path, algs, End::TooLong);
            } else {
                self.walk(path, algs);
            }
            path.pop();
            algs.pop();
        }
        if !extended {
            let end = if self.work.exhausted {
                End::Exhausted
            } else if self.nodes[cur].cert.is_self_issued() {
                End::UntrustedRoot
            } else {
                End::MissingIssuer
            };
            self.record(path, algs, end);
        }
    }

    fn record(&mut self, path: &[usize], algs: &[SignatureAlgorithm], end: End) {
        if end == End::Anchored {
            self.anchored += 1;
        }
        if self.paths.len() < MAX_PATHS || end == End::Anchored {
            self.paths.push(RawPath {
                nodes: path.to_vec(),
                algs: algs.to_vec(),
                end,
            });
        }
    }
}

/// Whether `a` and `b` are the same bytes; at once when they are the same slice, as when a
/// certificate on the path is looked up among the given ones it came from (comparing a
/// certificate's whole DER with itself was a visible share of a scan's chain reports).
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    std::ptr::eq(a, b) || a == b
}

/// A path with its problems, ready to rank.
struct Judged {
    raw: RawPath,
    problems: Vec<Problem>,
    errors: usize,
}

impl Judged {
    fn valid(&self) -> bool {
        self.raw.end == End::Anchored && self.errors == 0
    }

    /// Smaller is better: valid first, then anchored, then fewer errors; among anchored paths
    /// the shorter, among unanchored ones the longer (more of the chain is there); then the
    /// search order, which is deterministic.
    fn rank(&self, order: usize) -> (bool, bool, usize, usize, usize) {
        let anchored = self.raw.end == End::Anchored;
        let len = self.raw.nodes.len();
        (
            !self.valid(),
            !anchored,
            self.errors,
            if anchored { len } else { usize::MAX - len },
            order,
        )
    }
}

fn finish<'a>(
    s: Search<'a, '_>,
    leaf: &Cert,
    leaf_anchor: Option<AnchorSource>,
    given: &[&Cert],
    opts: &ChainOptions,
) -> (ChainReport, Vec<&'a Cert>) {
    let mut judged: Vec<Judged> = s
        .paths
        .into_iter()
        .map(|raw| {
            let problems = problems::path_problems(&s.nodes, &raw, opts);
            let errors = problems.iter().filter(|p| p.is_error()).count();
            Judged {
                raw,
                problems,
                errors,
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..judged.len()).collect();
    order.sort_by_key(|&i| judged[i].rank(i));
    let best = order.first().copied();
    let chosen = match best {
        Some(b) => judged.swap_remove(b),
        None => Judged {
            raw: RawPath {
                nodes: vec![0],
                algs: Vec::new(),
                end: if s.work.exhausted {
                    End::Exhausted
                } else {
                    End::MissingIssuer
                },
            },
            problems: Vec::new(),
            errors: 0,
        },
    };
    // Re-rank the rest (swap_remove moved one element).
    let mut rest: Vec<(usize, Judged)> = judged.into_iter().enumerate().collect();
    rest.sort_by_key(|(i, j)| j.rank(*i));

    let nodes = &s.nodes;
    let complete = chosen.valid();
    let anchored = chosen.raw.end == End::Anchored;
    let path_certs: Vec<&'a Cert> = chosen.raw.nodes.iter().map(|&i| nodes[i].cert).collect();
    let path: Vec<Link> = chosen
        .raw
        .nodes
        .iter()
        .enumerate()
        .map(|(pos, &i)| Link {
            cert: CertRef::of(nodes[i].cert),
            source: nodes[i].source,
            verified_with: chosen.raw.algs.get(pos).copied(),
        })
        .collect();
    let (anchor, anchor_source) = match (anchored, chosen.raw.nodes.last()) {
        (true, Some(&i)) => (
            Some(CertRef::of(nodes[i].cert)),
            match nodes[i].source {
                Source::Anchor(a) => Some(a),
                _ => leaf_anchor,
            },
        ),
        _ => (None, None),
    };

    let last_cert = nodes[*chosen.raw.nodes.last().unwrap_or(&0)].cert;
    let end = match (chosen.raw.end, anchor_source) {
        (End::Anchored, Some(source)) => PathEnd::Anchor { source },
        (End::Anchored, None) => PathEnd::Anchor {
            source: AnchorSource::Roots, // unreachable: an anchored path has a source
        },
        (End::UntrustedRoot, _) => PathEnd::UntrustedRoot {
            root: last_cert.windows_subject().to_owned(),
        },
        (End::MissingIssuer, _) => PathEnd::MissingIssuer {
            issuer: last_cert.windows_issuer().to_owned(),
        },
        (End::TooLong, _) => PathEnd::TooLong,
        (End::Exhausted, _) => PathEnd::BudgetExhausted,
    };
    let mut diags: Vec<Diagnostic> = Vec::new();
    // Why the chosen path is not complete, or what is wrong with it.
    diags.extend(chosen.problems.iter().map(|p| p.to_diagnostic(nodes)));
    let last = *chosen.raw.nodes.last().unwrap_or(&0);
    match chosen.raw.end {
        End::Anchored => {}
        End::MissingIssuer => {
            let bad: Vec<&Rejection> = s.rejections.iter().filter(|r| r.child == last).collect();
            if bad.is_empty() {
                diags.push(Diagnostic::missing_issuer(nodes[last].cert));
            }
            for r in bad {
                diags.push(Diagnostic::bad_signature(
                    nodes[r.child].cert,
                    nodes[r.candidate].cert,
                    &r.reason,
                ));
            }
        }
        End::UntrustedRoot => {
            if last == 0 {
                diags.push(Diagnostic::self_signed_leaf(leaf));
            } else {
                diags.push(Diagnostic::untrusted_root(nodes[last].cert));
            }
        }
        End::TooLong => diags.push(Diagnostic::TooLong {
            max_intermediates: opts.max_intermediates,
        }),
        End::Exhausted => {}
    }
    if s.work.exhausted {
        diags.push(Diagnostic::BudgetExhausted {
            budget: opts.budget,
            found_complete: complete,
        });
    }
    if leaf.is_ca() {
        diags.push(Diagnostic::no_end_entity(leaf, given.len()));
    }

    // Input order, duplicates, strays.
    let first_given = |der: &[u8]| given.iter().position(|g| same_bytes(&g.der, der));
    let positions: Vec<usize> = path_certs
        .iter()
        .filter_map(|c| first_given(&c.der))
        .collect();
    let input_order_ok = positions.windows(2).all(|w| w[0] < w[1]);
    if !input_order_ok {
        diags.push(Diagnostic::wrong_order(
            positions.iter().map(|&p| given[p]).collect(),
        ));
    }
    let mut duplicates: Vec<Duplicate> = Vec::new();
    for (i, g) in given.iter().enumerate() {
        if first_given(&g.der) != Some(i) {
            continue;
        }
        let origins: Vec<_> = given
            .iter()
            .filter(|o| same_bytes(&o.der, &g.der))
            .map(|o| o.origin.clone())
            .collect();
        if origins.len() > 1 {
            duplicates.push(Duplicate {
                cert: CertRef::of(g),
                origins,
            });
        }
    }
    for d in &duplicates {
        diags.push(Diagnostic::Duplicate {
            cert: d.cert.clone(),
            count: d.origins.len(),
        });
    }
    let on_path = |der: &[u8]| path_certs.iter().any(|c| same_bytes(&c.der, der));
    let on_alternative = |der: &[u8]| {
        rest.iter().any(|(_, j)| {
            j.raw
                .nodes
                .iter()
                .any(|&n| same_bytes(&nodes[n].cert.der, der))
        })
    };
    let mut strays = Vec::new();
    for (i, g) in given.iter().enumerate() {
        if first_given(&g.der) != Some(i) || on_path(&g.der) {
            continue;
        }
        if on_alternative(&g.der) {
            diags.push(Diagnostic::NotNeeded {
                cert: CertRef::of(g),
            });
        } else {
            strays.push(CertRef::of(g));
            diags.push(Diagnostic::Unrelated {
                cert: CertRef::of(g),
                leaf: CertRef::of(leaf),
            });
        }
    }
    if anchored && chosen.raw.nodes.len() > 1 {
        if let Some(p) = first_given(&path_certs[path_certs.len() - 1].der) {
            diags.push(Diagnostic::RootInInput {
                cert: CertRef::of(given[p]),
            });
        }
    }

    // Alternatives.
    let chosen_len = chosen.raw.nodes.len();
    let alternatives: Vec<Alternative> = rest
        .iter()
        .map(|(_, j)| Alternative {
            certs: j
                .raw
                .nodes
                .iter()
                .map(|&i| CertRef::of(nodes[i].cert))
                .collect(),
            anchored: j.raw.end == End::Anchored,
            reason: if j.valid() && complete {
                if j.raw.nodes.len() > chosen_len {
                    NotChosen::Longer {
                        len: j.raw.nodes.len(),
                        chosen_len,
                    }
                } else {
                    NotChosen::LaterInOrder
                }
            } else {
                let mut problems: Vec<Diagnostic> = j
                    .problems
                    .iter()
                    .filter(|p| p.is_error())
                    .map(|p| p.to_diagnostic(nodes))
                    .collect();
                let end = *j.raw.nodes.last().unwrap_or(&0);
                match j.raw.end {
                    End::MissingIssuer => {
                        problems.push(Diagnostic::missing_issuer(nodes[end].cert))
                    }
                    End::UntrustedRoot if end != 0 => {
                        problems.push(Diagnostic::untrusted_root(nodes[end].cert))
                    }
                    End::TooLong => problems.push(Diagnostic::TooLong {
                        max_intermediates: opts.max_intermediates,
                    }),
                    _ => {}
                }
                NotChosen::Problems {
                    problems: problems
                        .into_iter()
                        .map(Diagnostic::into_diagnosis)
                        .collect(),
                }
            },
        })
        .collect();

    let mut diagnostics: Vec<_> = diags.into_iter().map(Diagnostic::into_diagnosis).collect();
    // Most severe first; the order within a level is the order found (stable sort).
    diagnostics.sort_by_key(|d| std::cmp::Reverse(d.severity));

    let report = ChainReport {
        at: opts.at,
        leaf: CertRef::of(leaf),
        complete,
        path,
        anchor,
        anchor_source,
        end,
        diagnostics,
        alternatives,
        input_order_ok,
        duplicates,
        strays,
        work: s.work,
        certs: Vec::new(),
    };
    (report, path_certs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{self, DetectOptions};
    use std::path::Path;

    fn certs(path: &Path) -> Vec<Cert> {
        input::load(&path.to_string_lossy(), &DetectOptions::default())
            .certs()
            .cloned()
            .collect()
    }

    /// The same report (every field, in order) with the candidates scanned and with them in
    /// hash maps: on every x509-limbo path-building case at hand (cross-signed loops, decoys,
    /// key rollover) and on every certificate file of the fixtures (its first certificate
    /// the leaf, the others given).
    #[test]
    fn few_candidates_scanned_give_the_report_the_maps_give() {
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        let at = time::macros::datetime!(2027-01-01 0:00 UTC);
        let mut cases: Vec<(Vec<Cert>, Vec<Cert>, Vec<Cert>)> = Vec::new();
        let limbo = here.join("../shared/realworld/x509-limbo/cases");
        for dir in std::fs::read_dir(&limbo).into_iter().flatten().flatten() {
            let d = dir.path();
            let read = |f: &str| {
                let p = d.join(f);
                if std::fs::metadata(&p).map_or(0, |m| m.len()) == 0 {
                    Vec::new()
                } else {
                    certs(&p)
                }
            };
            cases.push((
                read("leaf.pem"),
                read("intermediates.pem"),
                read("roots.pem"),
            ));
        }
        let mut stack = vec![here.join("fixtures")];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    cases.push((certs(&p), Vec::new(), Vec::new()));
                }
            }
        }
        let embedded = crate::roots::embedded();
        let mut compared = 0;
        for (given, pool, roots) in &cases {
            let Some(leaf) = given.first() else {
                continue;
            };
            let given: Vec<&Cert> = given.iter().collect();
            let pool: Vec<&Cert> = pool.iter().collect();
            let report = |many: bool| {
                ALWAYS_MANY.with(|m| m.set(many));
                let (r, path) = run(leaf, &given, &pool, roots, embedded, &ChainOptions::at(at));
                ALWAYS_MANY.with(|m| m.set(false));
                format!("{r:?} {path:?}")
            };
            assert_eq!(report(false), report(true), "{}", leaf.origin);
            compared += 1;
        }
        assert!(compared > 20, "only {compared} cases");
    }
}

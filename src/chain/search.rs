//! The path search: a depth-first walk from the leaf towards trust anchors, over issuers
//! indexed by subject name, preferring AKI/SKI matches, verifying each link once, within the
//! budget. Every path found is kept (up to [`MAX_PATHS`]) so the best one can be chosen and the
//! others explained.

use super::diagnose::Diagnostic;
use super::problems::{self, Problem};
use super::{
    Alternative, AnchorSource, CertRef, ChainOptions, ChainReport, Link, NotChosen, PathEnd,
    Source, Work,
};
use crate::model::Cert;
use crate::verify::{self, SignatureAlgorithm, VerifyError};
use foldhash::fast::FixedState;
use std::collections::HashMap;

/// Dead-end paths kept for explaining, and anchored paths after which the search stops.
const MAX_PATHS: usize = 64;

use super::index::Candidates;
pub(super) use super::index::Node;

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

struct Search<'a, 'c, 'o> {
    index: &'c Candidates<'a>,
    nodes: &'c [Node<'a>],
    opts: &'o ChainOptions,
    /// The signature checks this search has counted against its budget (the results are in
    /// the index, shared by the leaves of a file).
    counted: Lookup<(usize, usize), (), FixedState>,
    work: Work,
    paths: Vec<RawPath>,
    anchored: usize,
    rejections: Vec<Rejection>,
    rejected: Lookup<(usize, usize), (), FixedState>,
}

/// A map that is a list scanned in insertion order while small, a hash map when large.
pub(super) enum Lookup<K, V, S> {
    Few(Vec<(K, V)>),
    Many(HashMap<K, V, S>),
}

impl<K: Eq + std::hash::Hash, V, S: std::hash::BuildHasher + Default> Lookup<K, V, S> {
    pub(super) fn new(many: bool, few: usize) -> Self {
        if many {
            Lookup::Many(HashMap::default())
        } else {
            Lookup::Few(Vec::with_capacity(few))
        }
    }

    pub(super) fn get(&self, k: &K) -> Option<&V> {
        match self {
            Lookup::Few(list) => list.iter().find(|(key, _)| key == k).map(|(_, v)| v),
            Lookup::Many(map) => map.get(k),
        }
    }

    /// Insert `v` under `k` unless `k` is there; whether it was inserted.
    pub(super) fn insert_new(&mut self, k: K, v: V) -> bool {
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

    pub(super) fn len(&self) -> usize {
        match self {
            Lookup::Few(list) => list.len(),
            Lookup::Many(map) => map.len(),
        }
    }
}

/// Search, judge and report the chain of the certificate at node `leaf_node` of `index`
/// (`leaf`): the report (its owned `certs` left empty) and the chosen path, borrowed from the
/// inputs.
pub(super) fn run<'a>(
    index: &Candidates<'a>,
    leaf_node: usize,
    leaf: &'a Cert,
    opts: &ChainOptions,
) -> (ChainReport, Vec<&'a Cert>) {
    let leaf_anchor = index.leaf_anchor(leaf);
    let many = index.many;
    let mut s = Search {
        index,
        nodes: &index.nodes,
        opts,
        counted: Lookup::new(many, 0),
        work: Work::default(),
        paths: Vec::new(),
        anchored: 0,
        rejections: Vec::new(),
        rejected: Lookup::new(many, 0),
    };
    if leaf_anchor.is_some() {
        s.paths.push(RawPath {
            nodes: vec![leaf_node],
            algs: Vec::new(),
            end: End::Anchored,
        });
    } else {
        let mut path = Vec::with_capacity(4);
        path.push(leaf_node);
        let mut algs = Vec::with_capacity(4);
        s.walk(&mut path, &mut algs);
    }
    let work = s.work;
    let r = finish(s, leaf_node, leaf, leaf_anchor, opts);
    index.add_work(|w| {
        w.chains += 1;
        w.candidates += work.candidates;
    });
    r
}

impl<'a> Search<'a, '_, '_> {
    /// The search ends when the budget runs out or enough anchored paths are known; dead ends
    /// alone never end it early, so an incomplete answer is always either exhaustive or says
    /// the budget ran out.
    fn done(&self) -> bool {
        self.work.exhausted || self.anchored >= MAX_PATHS
    }

    /// Issuer candidates for `child`, best first: anchors, then AKI/SKI matches, then
    /// certificates valid at the evaluation time, then input order. A candidate whose SKI
    /// contradicts the child's AKI is not an issuer (as OpenSSL's X509_check_issued decides).
    ///
    /// Every certificate with the issuer's name that is not already on the path counts against
    /// the candidate budget as it is ranked, tried or not: thousands of look-alikes with one
    /// subject (cross-signed copies sharing a key are skipped, not tried) otherwise cost a
    /// ranking of thousands at every step without ever using up the budget (issue 16). When
    /// the budget cannot cover the whole list, none of it is tried and the search is exhausted.
    fn candidates(&mut self, child: usize, path: &[usize]) -> Vec<usize> {
        let nodes = self.nodes;
        let c = nodes[child].cert;
        let named = c.issuer.der.as_slice();
        let at = self.opts.at;
        let same_entity = |a: usize, b: usize| {
            nodes[a].key == nodes[b].key && nodes[a].cert.subject.der == nodes[b].cert.subject.der
        };
        let rank = |i: usize| {
            if path.iter().any(|&p| p == i || same_entity(p, i)) {
                return None;
            }
            let cand = nodes[i].cert;
            let id_rank = match (&c.authority_key_id, &cand.subject_key_id) {
                (Some(a), Some(s)) if a == s => 0,
                (Some(_), Some(_)) => return None,
                _ => 1,
            };
            Some((!nodes[i].is_anchor(), id_rank, !cand.is_valid_at(at), i))
        };
        // The candidates with the issuer's name, in index order: from the subject map, or by
        // scanning the few nodes there are.
        let index = self.index;
        let listed: &[usize] = match &index.by_subject {
            Some(map) => map.get(named).map_or(&[][..], Vec::as_slice),
            None => &[],
        };
        let named_nodes = || {
            let scanned = index.by_subject.is_none().then(|| {
                (index.first..nodes.len()).filter(move |&i| nodes[i].cert.subject.der == named)
            });
            listed.iter().copied().chain(scanned.into_iter().flatten())
        };
        let examined = named_nodes().filter(|i| !path.contains(i)).count();
        if self.work.candidates + examined > self.opts.budget.candidates {
            self.work.candidates = self.opts.budget.candidates;
            self.work.exhausted = true;
            return Vec::new();
        }
        self.work.candidates += examined;
        let mut out: Vec<(bool, u8, bool, usize)> = named_nodes().filter_map(rank).collect();
        out.sort();
        out.into_iter().map(|t| t.3).collect()
    }

    fn verify(
        &mut self,
        child: usize,
        issuer: usize,
    ) -> Option<Result<SignatureAlgorithm, VerifyError>> {
        // Each distinct child/key pair counts once against this search's budget, whether the
        // index already holds its result (from another leaf of the file) or not.
        let k = (child, self.nodes[issuer].key);
        if self.counted.get(&k).is_none() {
            if self.work.signatures >= self.opts.budget.signatures {
                self.work.exhausted = true;
                return None;
            }
            self.work.signatures += 1;
            self.counted.insert_new(k, ());
        }
        let (c, i) = (self.nodes[child].cert, self.nodes[issuer].cert);
        let verify_signatures = self.opts.verify_signatures;
        Some(self.index.signature(child, issuer, || {
            if verify_signatures {
                verify::cert_signed_by(c, i)
            } else {
                verify::algorithm(&i.public_key, &c.signature)
            }
        }))
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
        let candidates = if self.done() {
            Vec::new()
        } else {
            self.candidates(cur, path)
        };
        for cand in candidates {
            if self.done() {
                break;
            }
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
    s: Search<'a, '_, '_>,
    leaf_node: usize,
    leaf: &Cert,
    leaf_anchor: Option<AnchorSource>,
    opts: &ChainOptions,
) -> (ChainReport, Vec<&'a Cert>) {
    let index = s.index;
    let given = index.given.as_slice();
    let mut judged: Vec<Judged> = s
        .paths
        .into_iter()
        .map(|raw| {
            let problems = problems::path_problems(s.nodes, &raw, opts);
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
                nodes: vec![leaf_node],
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

    let nodes = s.nodes;
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
            source: if pos == 0 {
                Source::Leaf
            } else {
                nodes[i].source
            },
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

    let last_cert = nodes[*chosen.raw.nodes.last().unwrap_or(&leaf_node)].cert;
    let end = match (chosen.raw.end, anchor_source) {
        (End::Anchored, Some(source)) => PathEnd::Anchor { source },
        (End::Anchored, None) => PathEnd::Anchor {
            source: AnchorSource::Roots, // unreachable: an anchored path has a source
        },
        (End::UntrustedRoot, _) => PathEnd::UntrustedRoot {
            root: crate::name::render_windows(&last_cert.subject),
        },
        (End::MissingIssuer, _) => PathEnd::MissingIssuer {
            issuer: crate::name::render_windows(&last_cert.issuer),
        },
        (End::TooLong, _) => PathEnd::TooLong,
        (End::Exhausted, _) => PathEnd::BudgetExhausted,
    };
    let mut diags: Vec<Diagnostic> = Vec::new();
    // Why the chosen path is not complete, or what is wrong with it.
    diags.extend(chosen.problems.iter().map(|p| p.to_diagnostic(nodes)));
    let last = *chosen.raw.nodes.last().unwrap_or(&leaf_node);
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
            if last == leaf_node {
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

    // Input order, duplicates, strays: looked up in the index (positions of the given
    // certificates and their duplicates are found once per input), so the work per leaf
    // depends on its paths and the strays listed, not on the size of the input.
    let first_given = |der: &[u8]| index.first_given(der);
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
    let duplicates = index.duplicates.clone();
    for d in &duplicates {
        diags.push(Diagnostic::Duplicate {
            cert: d.cert.clone(),
            count: d.origins.len(),
        });
    }
    // Given certificates on the chosen path, and those only on an alternative (not needed).
    let mut on_path: Vec<usize> = positions.clone();
    on_path.sort_unstable();
    on_path.dedup();
    let mut on_alternative: Vec<usize> = rest
        .iter()
        .flat_map(|(_, j)| j.raw.nodes.iter())
        .filter_map(|&n| first_given(&nodes[n].cert.der))
        .filter(|p| on_path.binary_search(p).is_err())
        .collect();
    on_alternative.sort_unstable();
    on_alternative.dedup();
    for &p in &on_alternative {
        diags.push(Diagnostic::NotNeeded {
            cert: CertRef::of(given[p]),
        });
    }
    // The rest are strays: the first `max_strays` listed (each with its diagnostic), the others
    // counted. In a file of many leaves every other leaf is a stray of each one; listing them
    // all for every leaf made the output grow with the square of the file (issue 16).
    let stray_count = index.distinct_given.len() - on_path.len() - on_alternative.len();
    let mut strays = Vec::with_capacity(stray_count.min(opts.max_strays));
    let mut visited = 0;
    if opts.max_strays > 0 {
        for &i in &index.distinct_given {
            visited += 1;
            if on_path.binary_search(&i).is_ok() || on_alternative.binary_search(&i).is_ok() {
                continue;
            }
            strays.push(CertRef::of(given[i]));
            diags.push(Diagnostic::Unrelated {
                cert: CertRef::of(given[i]),
                leaf: CertRef::of(leaf),
            });
            if strays.len() >= opts.max_strays {
                break;
            }
        }
    }
    index.add_work(|w| w.given_visited += visited);
    let more_strays = stray_count - strays.len();
    if more_strays > 0 {
        diags.push(Diagnostic::MoreUnrelated {
            count: more_strays,
            leaf: CertRef::of(leaf),
        });
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
                let end = *j.raw.nodes.last().unwrap_or(&leaf_node);
                match j.raw.end {
                    End::MissingIssuer => {
                        problems.push(Diagnostic::missing_issuer(nodes[end].cert))
                    }
                    End::UntrustedRoot if end != leaf_node => {
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
        more_strays,
        work: s.work,
        certs: Vec::new(),
        given_on_path: positions,
    };
    (report, path_certs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::index::ALWAYS_MANY;
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
                let r = super::super::assemble_borrowed(
                    leaf,
                    &given,
                    &pool,
                    roots,
                    embedded,
                    &ChainOptions::at(at),
                );
                ALWAYS_MANY.with(|m| m.set(false));
                format!("{:?} {:?}", r.report, r.path)
            };
            assert_eq!(report(false), report(true), "{}", leaf.origin);
            compared += 1;
        }
        assert!(compared > 20, "only {compared} cases");
    }
}

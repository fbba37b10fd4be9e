//! The verdict on a finished search: judge every path found, choose the best, and report it —
//! its links and end, what is wrong with it, the given certificates' order, duplicates and
//! strays, and why each other path was not chosen. Each step below is one part of the report.

use super::diagnose::Diagnostic;
use super::index::{Candidates, Node};
use super::problems::{self, Problem};
use super::search::{End, Found, RawPath, Rejection};
use super::{
    Alternative, AnchorSource, CertRef, ChainOptions, ChainReport, Duplicate, Link, NotChosen,
    PathEnd, Source, WindowsName,
};
use crate::model::Cert;

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

    fn anchored(&self) -> bool {
        self.raw.end == End::Anchored
    }

    /// The last node of the path (the leaf's, `leaf_node`, for an empty one).
    fn last(&self, leaf_node: usize) -> usize {
        *self.raw.nodes.last().unwrap_or(&leaf_node)
    }

    /// Smaller is better: valid first, then anchored, then fewer errors; among anchored paths
    /// the shorter, among unanchored ones the longer (more of the chain is there); then the
    /// search order, which is deterministic.
    fn rank(&self, order: usize) -> (bool, bool, usize, usize, usize) {
        let anchored = self.anchored();
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

/// The case judged: the index searched, the leaf and its node, the options.
struct Case<'i, 'a> {
    index: &'i Candidates<'a>,
    nodes: &'i [Node<'a>],
    leaf_node: usize,
    leaf: &'i Cert,
    opts: &'i ChainOptions,
}

/// Judge, choose and report the paths `found` from the certificate at node `leaf_node`
/// (`leaf`): the report (its owned `certs` left empty) and the chosen path, borrowed from the
/// inputs.
pub(super) fn finish<'a>(
    index: &Candidates<'a>,
    found: Found,
    leaf_node: usize,
    leaf: &Cert,
    leaf_anchor: Option<AnchorSource>,
    opts: &ChainOptions,
) -> (ChainReport, Vec<&'a Cert>) {
    let nodes = index.nodes.as_slice();
    let at = Case {
        index,
        nodes,
        leaf_node,
        leaf,
        opts,
    };
    let (chosen, rest) = choose(
        judge(found.paths, nodes, opts),
        leaf_node,
        found.work.exhausted,
    );
    let complete = chosen.valid();
    let path_certs: Vec<&'a Cert> = chosen.raw.nodes.iter().map(|&i| nodes[i].cert).collect();
    let (anchor, anchor_source) = anchor_of(&chosen, nodes, leaf_anchor);
    let end = path_end(&at, &chosen, anchor_source);

    let mut diags = chosen_diagnostics(&at, &chosen, &found.rejections);
    if found.work.exhausted {
        diags.push(Diagnostic::BudgetExhausted {
            budget: opts.budget,
            found_complete: complete,
        });
    }
    if leaf.is_ca() {
        diags.push(Diagnostic::no_end_entity(leaf, index.given.len()));
    }
    let given = given_facts(&at, &chosen, &rest, &path_certs, &mut diags);
    let alternatives = alternatives(&at, &rest, &chosen);

    let mut diagnostics: Vec<_> = diags.into_iter().map(Diagnostic::into_diagnosis).collect();
    // Most severe first; the order within a level is the order found (stable sort).
    diagnostics.sort_by_key(|d| std::cmp::Reverse(d.severity));

    let report = ChainReport {
        at: opts.at,
        leaf: CertRef::of(leaf),
        complete,
        path: links(&chosen, nodes),
        anchor,
        anchor_source,
        end,
        diagnostics,
        alternatives,
        input_order_ok: given.input_order_ok,
        duplicates: given.duplicates,
        strays: given.strays,
        more_strays: given.more_strays,
        work: found.work,
        certs: Vec::new(),
        given_on_path: given.positions,
    };
    (report, path_certs)
}

/// Every path with its problems, in search order.
fn judge(paths: Vec<RawPath>, nodes: &[Node<'_>], opts: &ChainOptions) -> Vec<Judged> {
    paths
        .into_iter()
        .map(|raw| {
            let problems = problems::path_problems(nodes, &raw, opts);
            let errors = problems.iter().filter(|p| p.is_error()).count();
            Judged {
                raw,
                problems,
                errors,
            }
        })
        .collect()
}

/// The best path (the leaf alone when none was found), and the others best first, each with
/// its position in search order.
fn choose(
    mut judged: Vec<Judged>,
    leaf_node: usize,
    exhausted: bool,
) -> (Judged, Vec<(usize, Judged)>) {
    let best = (0..judged.len()).min_by_key(|&i| judged[i].rank(i));
    let chosen = match best {
        Some(b) => judged.swap_remove(b),
        None => Judged {
            raw: RawPath {
                nodes: vec![leaf_node],
                algs: Vec::new(),
                end: if exhausted {
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
    (chosen, rest)
}

/// The chosen path's links, leaf first.
fn links(chosen: &Judged, nodes: &[Node<'_>]) -> Vec<Link> {
    chosen
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
        .collect()
}

/// The anchor the chosen path ends at and where it came from (`leaf_anchor` when the leaf is
/// the anchor itself).
fn anchor_of(
    chosen: &Judged,
    nodes: &[Node<'_>],
    leaf_anchor: Option<AnchorSource>,
) -> (Option<CertRef>, Option<AnchorSource>) {
    match (chosen.anchored(), chosen.raw.nodes.last()) {
        (true, Some(&i)) => (
            Some(CertRef::of(nodes[i].cert)),
            match nodes[i].source {
                Source::Anchor(a) => Some(a),
                _ => leaf_anchor,
            },
        ),
        _ => (None, None),
    }
}

/// Where the chosen path ends.
fn path_end(at: &Case<'_, '_>, chosen: &Judged, anchor_source: Option<AnchorSource>) -> PathEnd {
    let last_cert = at.nodes[chosen.last(at.leaf_node)].cert;
    match (chosen.raw.end, anchor_source) {
        (End::Anchored, Some(source)) => PathEnd::Anchor { source },
        (End::Anchored, None) => PathEnd::Anchor {
            source: AnchorSource::Roots, // unreachable: an anchored path has a source
        },
        (End::UntrustedRoot, _) => PathEnd::UntrustedRoot {
            root: WindowsName::subject(last_cert),
        },
        (End::MissingIssuer, _) => PathEnd::MissingIssuer {
            issuer: WindowsName::issuer(last_cert),
        },
        (End::TooLong, _) => PathEnd::TooLong,
        (End::Exhausted, _) => PathEnd::BudgetExhausted,
    }
}

/// What is wrong with the chosen path, and why it is not complete.
fn chosen_diagnostics(
    at: &Case<'_, '_>,
    chosen: &Judged,
    rejections: &[Rejection],
) -> Vec<Diagnostic> {
    let nodes = at.nodes;
    let mut diags: Vec<Diagnostic> = chosen
        .problems
        .iter()
        .map(|p| p.to_diagnostic(nodes))
        .collect();
    let last = chosen.last(at.leaf_node);
    match chosen.raw.end {
        End::Anchored | End::Exhausted => {}
        End::MissingIssuer => {
            let bad: Vec<&Rejection> = rejections.iter().filter(|r| r.child == last).collect();
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
            if last == at.leaf_node {
                diags.push(Diagnostic::self_signed_leaf(at.leaf));
            } else {
                diags.push(Diagnostic::untrusted_root(nodes[last].cert));
            }
        }
        End::TooLong => diags.push(Diagnostic::TooLong {
            max_intermediates: at.opts.max_intermediates,
        }),
    }
    diags
}

/// What the verdict says about the given certificates.
struct GivenFacts {
    /// First positions among the given certificates of those on the chosen path, path order.
    positions: Vec<usize>,
    input_order_ok: bool,
    duplicates: Vec<Duplicate>,
    strays: Vec<CertRef>,
    more_strays: usize,
}

/// Input order, duplicates, certificates not needed and strays, each with its diagnostics
/// (pushed to `diags` in that order), and a root given in the input.
///
/// Looked up in the index (positions of the given certificates and their duplicates are found
/// once per input), so the work per leaf depends on its paths and the strays listed, not on
/// the size of the input.
fn given_facts(
    at: &Case<'_, '_>,
    chosen: &Judged,
    rest: &[(usize, Judged)],
    path_certs: &[&Cert],
    diags: &mut Vec<Diagnostic>,
) -> GivenFacts {
    let (index, nodes, leaf, opts) = (at.index, at.nodes, at.leaf, at.opts);
    let given = index.given.as_slice();
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
    if chosen.anchored() && chosen.raw.nodes.len() > 1 {
        if let Some(p) = path_certs.last().and_then(|c| first_given(&c.der)) {
            diags.push(Diagnostic::RootInInput {
                cert: CertRef::of(given[p]),
            });
        }
    }
    GivenFacts {
        positions,
        input_order_ok,
        duplicates,
        strays,
        more_strays,
    }
}

/// The paths not chosen, best first, each with why.
fn alternatives(at: &Case<'_, '_>, rest: &[(usize, Judged)], chosen: &Judged) -> Vec<Alternative> {
    let nodes = at.nodes;
    let complete = chosen.valid();
    let chosen_len = chosen.raw.nodes.len();
    rest.iter()
        .map(|(_, j)| Alternative {
            certs: j
                .raw
                .nodes
                .iter()
                .map(|&i| CertRef::of(nodes[i].cert))
                .collect(),
            anchored: j.anchored(),
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
                NotChosen::Problems {
                    problems: alternative_problems(at, j)
                        .into_iter()
                        .map(Diagnostic::into_diagnosis)
                        .collect(),
                }
            },
        })
        .collect()
}

/// What is wrong with a path not chosen: its errors and how it ends.
fn alternative_problems(at: &Case<'_, '_>, j: &Judged) -> Vec<Diagnostic> {
    let nodes = at.nodes;
    let mut problems: Vec<Diagnostic> = j
        .problems
        .iter()
        .filter(|p| p.is_error())
        .map(|p| p.to_diagnostic(nodes))
        .collect();
    let end = j.last(at.leaf_node);
    match j.raw.end {
        End::MissingIssuer => problems.push(Diagnostic::missing_issuer(nodes[end].cert)),
        End::UntrustedRoot if end != at.leaf_node => {
            problems.push(Diagnostic::untrusted_root(nodes[end].cert))
        }
        End::TooLong => problems.push(Diagnostic::TooLong {
            max_intermediates: at.opts.max_intermediates,
        }),
        _ => {}
    }
    problems
}

//! Problems of one path: validity at the evaluation time, CA constraints (cA, keyCertSign,
//! pathLenConstraint), unknown critical extensions, weak signatures below the root. Found for
//! every path so the best one can be chosen and the others explained.

use super::diagnose::{Diagnostic, Role};
use super::search::{End, Node, RawPath};
use super::{CertRef, ChainOptions};
use crate::verify::SignatureAlgorithm;

/// A problem of one path (node indices into the search's nodes).
#[derive(Clone, Debug)]
pub(super) enum Problem {
    Expired {
        node: usize,
        role: Role,
        below: usize,
    },
    NotYetValid {
        node: usize,
        role: Role,
    },
    NotCa {
        node: usize,
    },
    NoKeyCertSign {
        node: usize,
    },
    PathLen {
        node: usize,
        limit: u32,
        below: usize,
    },
    UnknownCritical {
        node: usize,
        oids: Vec<String>,
    },
    Weak {
        node: usize,
        alg: SignatureAlgorithm,
    },
}

impl Problem {
    pub(super) fn is_error(&self) -> bool {
        !matches!(self, Problem::Weak { .. })
    }

    pub(super) fn to_diagnostic(&self, nodes: &[Node<'_>]) -> Diagnostic {
        let r = |i: usize| CertRef::of(nodes[i].cert);
        match self {
            Problem::Expired { node, role, below } => Diagnostic::Expired {
                cert: r(*node),
                role: *role,
                ca_issuers: if *role == Role::Leaf {
                    Vec::new()
                } else {
                    nodes[*below].cert.ca_issuers.clone()
                },
            },
            Problem::NotYetValid { node, role } => Diagnostic::NotYetValid {
                cert: r(*node),
                role: *role,
            },
            Problem::NotCa { node } => Diagnostic::NotCa { cert: r(*node) },
            Problem::NoKeyCertSign { node } => Diagnostic::NoKeyCertSign { cert: r(*node) },
            Problem::PathLen { node, limit, below } => Diagnostic::PathLenExceeded {
                cert: r(*node),
                path_len: *limit,
                below: *below,
            },
            Problem::UnknownCritical { node, oids } => Diagnostic::UnknownCriticalExtension {
                cert: r(*node),
                oids: oids.clone(),
            },
            Problem::Weak { node, alg } => Diagnostic::WeakSignature {
                cert: r(*node),
                algorithm: *alg,
            },
        }
    }
}

/// Everything wrong with `raw` (validity at `opts.at`, CA constraints, path length, unknown
/// critical extensions, weak signatures below the root).
pub(super) fn path_problems(
    nodes: &[Node<'_>],
    raw: &RawPath,
    opts: &ChainOptions,
) -> Vec<Problem> {
    let mut out = Vec::new();
    let anchored = raw.end == End::Anchored;
    let len = raw.nodes.len();
    // Validity has one-second granularity (RFC 5280 §4.1.2.5 encodes whole seconds, and
    // notAfter is inclusive): compare at the whole second, as the Web PKI reads it.
    let at = opts.at.replace_nanosecond(0).unwrap_or(opts.at);
    for (pos, &n) in raw.nodes.iter().enumerate() {
        let c = nodes[n].cert;
        let role = if pos == 0 {
            Role::Leaf
        } else if anchored && pos == len - 1 {
            Role::Root
        } else {
            Role::Intermediate
        };
        if c.not_after < at {
            out.push(Problem::Expired {
                node: n,
                role,
                below: raw.nodes[pos.saturating_sub(1)],
            });
        } else if c.not_before > at {
            out.push(Problem::NotYetValid { node: n, role });
        }
        if pos > 0 {
            if !c.is_ca() {
                out.push(Problem::NotCa { node: n });
            }
            if c.key_usage
                .as_ref()
                .is_some_and(|ku| !ku.has("keyCertSign"))
            {
                out.push(Problem::NoKeyCertSign { node: n });
            }
            if let Some(limit) = c.basic_constraints.and_then(|b| b.path_len) {
                // RFC 5280 §4.2.1.9: non-self-issued intermediates that follow this CA,
                // not counting the leaf.
                let below = raw.nodes[1..pos]
                    .iter()
                    .filter(|&&m| !nodes[m].cert.is_self_issued())
                    .count();
                if below > limit as usize {
                    out.push(Problem::PathLen {
                        node: n,
                        limit,
                        below,
                    });
                }
            }
        }
        // Recognised critical extensions (name constraints, policy constraints …) are
        // accepted: certprep assembles chains for servers, it does not decide name or policy
        // validity for a relying party.
        if !c.unknown_critical.is_empty() {
            out.push(Problem::UnknownCritical {
                node: n,
                oids: c.unknown_critical.clone(),
            });
        }
    }
    // Signatures on certificates below the root (the root's own signature does not matter).
    for (pos, alg) in raw.algs.iter().enumerate() {
        if alg.is_weak() {
            out.push(Problem::Weak {
                node: raw.nodes[pos],
                alg: *alg,
            });
        }
    }
    out
}

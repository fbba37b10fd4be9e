//! The refusals of the new certificate before anything is planned: a PFX the servers' Windows
//! cannot import, and an ECC or CNG key where Exchange or Edge cannot use it (the guards and
//! their sources are in `guards.rs`).

use super::{PfxFacts, PlanOptions};
use crate::model::{Cert, KeyAlgorithm};
use crate::runbook::guards::{self, Refusal};
use crate::state::{Server, State};

/// The refusals for the new certificate (guards.rs).
pub(super) fn refuse(
    new: &Cert,
    pfx: Option<PfxFacts>,
    state: &State,
    mailbox: &[&Server],
    edge: &[&Server],
    opts: &PlanOptions,
) -> Result<(), Refusal> {
    for s in mailbox.iter().chain(edge) {
        match (pfx, s.os_build) {
            (Some(p), Some(b)) if p.aes && b < guards::FIRST_AES_PFX_BUILD => {
                return Err(Refusal::AesPfx {
                    server: s.name.clone(),
                    build: b,
                })
            }
            (Some(p), None) if p.aes => {
                return Err(Refusal::PfxUnknown {
                    server: s.name.clone(),
                    what: "the Windows build",
                })
            }
            (None, b) if b.is_none_or(|b| b < guards::FIRST_AES_PFX_BUILD) => {
                return Err(Refusal::PfxUnknown {
                    server: s.name.clone(),
                    what: "the PFX's encryption",
                })
            }
            _ => {}
        }
    }
    // Edge servers in the plan, or EdgeSync from Mailbox servers whose internal transport
    // certificate becomes the new one, need a CAPI RSA key (event 1035).
    let edge_sync = !state.edge_subscriptions.is_empty() && opts.replace_internal_transport;
    let edge_user = edge
        .first()
        .map(|s| s.name.clone())
        .or_else(|| edge_sync.then(|| mailbox[0].name.clone()));
    if let KeyAlgorithm::Ec { .. } = &new.public_key.algorithm {
        if let Some(server) = edge_user {
            return Err(Refusal::EccEdge { server });
        }
        for s in mailbox {
            let supported = s.exchange_build().is_some_and(|b| {
                guards::exchange_build_supports_ecc([b.major, b.minor, b.build, b.revision])
            });
            let version = s
                .exchange_build()
                .map(|b| b.to_string())
                .unwrap_or_else(|| "build not known".to_owned());
            if !supported {
                return Err(Refusal::EccBuild {
                    server: s.name.clone(),
                    version,
                });
            }
            if s.ecc_certificate_support != Some(true) {
                return Err(Refusal::EccSettings {
                    server: s.name.clone(),
                    known: s.ecc_certificate_support.is_some(),
                });
            }
        }
    } else if let Some(server) = edge_user {
        match pfx {
            Some(p) if p.cng => return Err(Refusal::CngEdge { server }),
            None => {
                return Err(Refusal::PfxUnknown {
                    server,
                    what: "the PFX's key provider (CAPI or CNG, which Edge/EdgeSync cannot use)",
                })
            }
            _ => {}
        }
    }
    Ok(())
}

//! Host-name facts the name rules share; they live in [`crate::name::host`] so that request
//! matching, state and the runbook use them without importing the rule engine.

pub use crate::name::host::*;

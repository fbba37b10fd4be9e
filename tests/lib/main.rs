//! Library-level oracle, property and registry tests.
mod chain;
mod check;
mod check_chain;
mod csr;
mod dn;
mod fuzz_seeds;
mod hierarchy;
mod input;
mod limbo;
mod pkcs12;
mod runbook;
mod runbook_plan;
mod scan_cache;
mod state;
mod verify;

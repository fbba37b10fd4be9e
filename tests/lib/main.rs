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
mod linear;
mod pkcs12;
mod runbook;
mod scan_cache;
mod verify;

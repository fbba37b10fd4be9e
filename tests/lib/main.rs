//! Library-level oracle, property and registry tests.
mod check;
mod csr;
mod dn;
mod pkcs12;
mod runbook;

//! Library-level oracle, property and registry tests.
mod check;
mod dn;
mod runbook;

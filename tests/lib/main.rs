//! Library-level oracle, property and registry tests.
mod chain;
mod check;
mod dn;
mod hierarchy;
mod limbo;
mod runbook;
mod verify;

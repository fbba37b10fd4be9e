//! Library-level oracle, property and registry tests.
mod chain;
mod hierarchy;
mod limbo;
mod verify;

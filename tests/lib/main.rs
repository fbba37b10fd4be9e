//! Library-level oracle, property and registry tests.
mod limbo;
mod chain;
mod hierarchy;
mod verify;

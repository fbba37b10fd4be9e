//! Library-level oracle, property and registry tests.

mod input;
mod fuzz_seeds;

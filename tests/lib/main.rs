//! Library-level oracle, property and registry tests.

mod fuzz_seeds;
mod input;

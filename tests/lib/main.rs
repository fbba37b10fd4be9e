//! Library-level oracle, property and registry tests.

mod dn;
mod pkcs12;

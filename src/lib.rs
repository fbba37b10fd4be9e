//! certprep: the file-side work of renewing TLS certificates for Exchange Server and Windows.
//!
//! The library reads certificate material by content ([`input`]), parses it once into owned
//! types ([`model`]), and offers pure operations over them: thumbprints ([`thumbprint`]),
//! names, Windows-style, and host names ([`name`]), the connector TLS name ([`tls_name`]). It never prints, never reads the
//! clock or the environment, and never imports clap: the `certprep` binary does those.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod budget;
pub mod chain;
pub mod check;
pub mod config;
pub mod csr;
pub mod csr_error;
pub mod csr_match;
pub mod der_reader;
pub mod dn;
pub mod error;
pub mod input;
pub mod input_error;
pub mod inspect;
pub mod keygen;
pub mod model;
pub mod name;
pub mod oid;
pub mod origin;
pub mod pfx;
pub mod pkcs12;
pub mod powershell;
pub mod probe;
pub mod report;
pub mod roots;
pub mod runbook;
pub mod scan;
pub mod secret;
pub mod selfsigned;
pub mod severity;
pub mod state;
pub mod thumbprint;
pub mod tls_name;
pub mod verify;
pub mod windows;

#[cfg(test)]
mod testing;

pub use error::{Error, InputError, Result};

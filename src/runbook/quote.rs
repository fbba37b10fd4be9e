//! The runbook's names for the crate's one PowerShell quoter: every value that comes from a
//! certificate or from the command line reaches the script through [`ps_literal`] (or, in
//! comments, [`comment_text`]). Both live in [`crate::powershell`], which explains the rules
//! (PowerShell language specification §2.3.5.2); nothing is quoted here.

pub use crate::powershell::{comment_text, ps_quote, ps_quote as ps_literal, SINGLE_QUOTES};

//! Integration tests that run the real `certprep` binary.

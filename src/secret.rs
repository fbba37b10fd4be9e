//! Passwords. A [`Secret`] zeroes its memory on drop and never shows its text in `Debug` or
//! `Display`, so it cannot leak into logs, errors or reports by accident.

use zeroize::Zeroizing;

/// A password or passphrase.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wrap a password.
    pub fn new(text: String) -> Self {
        Secret(Zeroizing::new(text))
    }

    /// The password text. Call only where it is used for cryptography.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether it contains characters outside ASCII (PKCS#12 readers disagree on those).
    pub fn is_non_ascii(&self) -> bool {
        !self.0.is_ascii()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_never_shows_the_password() {
        let s = Secret::new("hunter2".into());
        assert!(!format!("{s:?}").contains("hunter2"));
        assert_eq!(s.expose(), "hunter2");
    }
}

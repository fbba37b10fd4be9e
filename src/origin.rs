//! Where a detected object came from: a path, an optional archive entry, and the position
//! inside the file (PEM block, certificate in a bundle, PKCS#12 bag).

use std::fmt;
use std::sync::Arc;

/// A position inside one file, 1-based as users count.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// The n-th PEM block of a text file.
    Block(usize),
    /// The n-th certificate of a PKCS#7 bundle.
    Cert(usize),
    /// The n-th bag of a PKCS#12 file.
    Bag(usize),
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Part::Block(n) => write!(f, "PEM block {n}"),
            Part::Cert(n) => write!(f, "certificate {n}"),
            Part::Bag(n) => write!(f, "bag {n}"),
        }
    }
}

/// Where an object came from. Orders by path, entry, then position (what `scan` sorts by).
///
/// Its parts are shared (`Arc`): a scan copies a certificate's origin into its row, its chain
/// report and its findings, and a copy costs reference counts, not allocations.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Origin {
    /// The path as the user gave it (`-` for standard input).
    pub path: Arc<str>,
    /// The entry inside a ZIP archive, if any.
    pub entry: Option<Arc<str>>,
    /// Positions inside the file, outermost first (a PEM block, then a certificate in it).
    pub parts: Arc<[Part]>,
}

impl Origin {
    /// An origin for a whole file.
    pub fn file(path: impl Into<Arc<str>>) -> Self {
        Origin {
            path: path.into(),
            entry: None,
            parts: Arc::default(),
        }
    }

    /// This origin, inside the ZIP entry `name`.
    pub fn in_entry(&self, name: impl Into<Arc<str>>) -> Self {
        Origin {
            path: self.path.clone(),
            entry: Some(name.into()),
            parts: Arc::default(),
        }
    }

    /// This origin, one level deeper at `part`.
    pub fn with(&self, part: Part) -> Self {
        Origin {
            path: self.path.clone(),
            entry: self.entry.clone(),
            parts: self.parts.iter().cloned().chain([part]).collect(),
        }
    }

    /// The file (and entry) without positions: `archive.zip!cert.crt`.
    pub fn file_name(&self) -> String {
        match &self.entry {
            Some(e) => format!("{}!{}", self.path, e),
            None => self.path.to_string(),
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        if let Some(e) = &self.entry {
            write!(f, "!{e}")?;
        }
        for (i, p) in self.parts.iter().enumerate() {
            f.write_str(if i == 0 { " (" } else { ", " })?;
            write!(f, "{p}")?;
        }
        if !self.parts.is_empty() {
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl serde::Serialize for Origin {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_display_nests_entry_and_parts() {
        let o = Origin::file("ca.zip")
            .in_entry("bundle.pem")
            .with(Part::Block(2))
            .with(Part::Cert(1));
        assert_eq!(
            o.to_string(),
            "ca.zip!bundle.pem (PEM block 2, certificate 1)"
        );
        assert_eq!(o.file_name(), "ca.zip!bundle.pem");
        assert_eq!(Origin::file("a.pem").to_string(), "a.pem");
    }
}

//! Errors from walking a tree in `scan`, and from its setup. [`crate::error`] gathers them.

/// Errors from walking a tree in `scan` (per path; the scan goes on), and from its setup.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// A directory or file could not be listed or examined (permissions, vanished, dangling link).
    #[error("{path}: cannot read; check that it exists and that you may read it")]
    Walk {
        /// The path as walked.
        path: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// Following symbolic links led back to a directory already being walked.
    #[error("{path}: symbolic link loop (it leads back to {ancestor}); not followed")]
    LinkLoop {
        /// The link.
        path: String,
        /// The directory it leads back to.
        ancestor: String,
    },
    /// An `--exclude` pattern that is not a valid glob.
    #[error("--exclude {pattern}: not a valid glob pattern")]
    BadGlob {
        /// The pattern as given.
        pattern: String,
        /// globset's error.
        #[source]
        source: globset::Error,
    },
    /// The worker threads could not be started.
    #[error("cannot start {jobs} worker threads")]
    Threads {
        /// How many were asked for.
        jobs: usize,
        /// rayon's error.
        #[source]
        source: rayon::ThreadPoolBuildError,
    },
}

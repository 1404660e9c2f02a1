//! The library's error type. Messages say what to do next.

use std::path::PathBuf;

/// Result alias of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read corpus {path}: {reason}")]
    Corpus { path: PathBuf, reason: String },

    #[error("no index at {path}; build one with `jiansuo index CORPUS_DIR --index {path}`")]
    NoIndex { path: PathBuf },

    #[error("{path} is not a jiansuo index ({reason}); choose another --index directory")]
    NotAnIndex { path: PathBuf, reason: String },

    #[error(
        "the index at {path} has schema version {found}, this jiansuo reads version {expected}{}; \
         rebuild it with `jiansuo index`",
        if *found < 10 {
            " (version 10 changed the matching form: traditional characters match simplified \
             ones, numbers keep their decimal points, Latin words match whole)"
        } else {
            ""
        }
    )]
    SchemaVersion {
        path: PathBuf,
        found: u32,
        expected: u32,
    },

    #[error("the index at {path} is damaged ({reason}); rebuild it with `jiansuo index`")]
    Corrupt { path: PathBuf, reason: String },

    /// The query was stopped by its caller ([`crate::cancel`]): past its time budget, or its
    /// client went away.
    #[error(
        "the query was stopped before it finished (past its time budget, or no one waits for it)"
    )]
    Cancelled,

    #[error("index {path} is being updated by another process{}", pid_note(*.pid))]
    Locked { path: PathBuf, pid: Option<u32> },

    #[error("{0}")]
    Query(String),

    /// A document or line that the index does not hold (the server's 404).
    #[error("{0}")]
    NotFound(String),

    #[error("speaker table {path}: {reason}")]
    Speakers { path: PathBuf, reason: String },

    #[error("theme lexicon {path}: {reason}")]
    Themes { path: PathBuf, reason: String },

    #[error("manifest {path}: {reason}")]
    Manifest { path: PathBuf, reason: String },

    #[error("user dictionary {path}: {reason}")]
    UserDict { path: PathBuf, reason: String },

    /// Shown as `context: cause`; the cause is part of the message, not a `source`, so that a
    /// printed chain never repeats it.
    #[error("{context}: {cause}")]
    Io {
        context: String,
        cause: std::io::Error,
    },

    #[error("index engine: {0}")]
    Tantivy(tantivy::TantivyError),

    /// tantivy could not write the index files (a full disk, a file-size limit).
    #[error("writing the index: {reason} (is the disk full, or a file-size limit set?)")]
    IndexWrite { reason: String },

    /// A passage of the index has no stored text.
    #[error(
        "the index is damaged (passage {doc} of segment {segment} has no text); rebuild it with \
         `jiansuo index`"
    )]
    NoPassageText { segment: u32, doc: u32 },
}

fn pid_note(pid: Option<u32>) -> String {
    pid.map_or_else(String::new, |p| format!(" (pid {p})"))
}

impl Error {
    /// Wrap an I/O error with what was being done.
    pub fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
        let context = context.into();
        move |cause| Error::Io { context, cause }
    }
}

impl From<tantivy::TantivyError> for Error {
    fn from(e: tantivy::TantivyError) -> Error {
        Error::Tantivy(e)
    }
}

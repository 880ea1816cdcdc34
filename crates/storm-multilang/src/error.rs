//! Errors of the protocol core.

use std::fmt;
use std::io;

/// Why a runner stopped.
///
/// A clean end of input between two messages is not an error: the runners return `Ok(())`.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Reading stdin or writing stdout failed, e.g. Storm closed the pipe under us.
    Io(io::Error),
    /// The input ended in the middle of a message: `read` bytes of it had arrived.
    Truncated {
        /// How many bytes of the unfinished message were read.
        read: usize,
    },
    /// The first message was not a usable setup message (`conf`, `context`, `pidDir`),
    /// or the pid file could not be written.
    Handshake(String),
    /// The component's own start-up code (`prepare` / `open`) returned an error.
    Component(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "I/O error on the pipe to Storm: {e}"),
            Error::Truncated { read } => write!(
                f,
                "input ended in the middle of a message ({read} bytes read, no `end` line)"
            ),
            Error::Handshake(msg) => write!(f, "handshake failed: {msg}"),
            Error::Component(msg) => write!(f, "component failed to start: {msg}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

/// A message that arrived whole but could not be understood: bad JSON or SMB1, invalid UTF-8,
/// a missing or mistyped field, an unknown command.
///
/// Runners report it (Storm's `error` command and stderr), fail the tuple when its id can be
/// recovered, and go on with the next message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageError {
    reason: String,
}

impl MessageError {
    pub(crate) fn new(reason: impl Into<String>) -> Self {
        MessageError {
            reason: reason.into(),
        }
    }

    /// What was wrong with the message.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for MessageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for MessageError {}

/// A tuple value that is not of the type the component asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    index: usize,
    expected: &'static str,
    found: String,
}

impl FieldError {
    pub(crate) fn new(index: usize, expected: &'static str, found: &str) -> Self {
        // Keep error messages short even when the value is megabytes long.
        let mut shown: String = found.chars().take(60).collect();
        if shown.len() < found.len() {
            shown.push('…');
        }
        FieldError {
            index,
            expected,
            found: shown,
        }
    }

    /// The position of the offending value in the tuple.
    pub fn index(&self) -> usize {
        self.index
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.found.is_empty() {
            write!(
                f,
                "tuple field {} is missing (expected {})",
                self.index, self.expected
            )
        } else {
            write!(
                f,
                "tuple field {} should be {}, found {}",
                self.index, self.expected, self.found
            )
        }
    }
}

impl std::error::Error for FieldError {}

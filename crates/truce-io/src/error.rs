//! Read errors that point at the spot: file, line, column, field, and what was expected.

use std::fmt;
use std::path::PathBuf;

/// An error in an input file. Line and column are 1-based; column counts fields (CSV) or
/// characters (where noted).
#[derive(Debug, Clone, PartialEq)]
pub struct ReadError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub field: Option<String>,
    pub message: String,
}

impl ReadError {
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        ReadError { path: path.into(), line: None, column: None, field: None, message: message.into() }
    }
    pub fn at(mut self, line: usize, column: Option<usize>) -> Self {
        self.line = Some(line);
        self.column = column;
        self
    }
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        write!(f, ": ")?;
        if let Some(fl) = &self.field {
            write!(f, "field `{fl}`: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for ReadError {}

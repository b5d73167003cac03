//! What the generator reports: errors that stop generation and warnings that do not.
//!
//! Each diagnostic says what is wrong, where (a JSON pointer, plus line and column when the
//! document did not parse) and, where there is one, what to do about it.

use std::fmt;

use crate::pointer::Pointer;

/// How many errors one run collects before it stops looking for more.
pub const ERROR_LIMIT: usize = 50;

/// Whether a diagnostic stops generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Something the generator supports only partly; the client is still generated.
    Warning,
    /// Something that stops generation.
    Error,
}

/// A line and column in the document's text, both starting at 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1.
    pub column: usize,
}

/// One thing the generator reports about the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Whether it stops generation.
    pub severity: Severity,
    /// What is wrong, in a sentence.
    pub message: String,
    /// Where in the document (or in the overlay or names file, for their own errors).
    pub pointer: Option<Pointer>,
    /// Where in the text, for a document that does not parse.
    pub location: Option<Location>,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error saying `message`.
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            pointer: None,
            location: None,
            hint: None,
        }
    }

    /// A warning saying `message`.
    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// The diagnostic, at `pointer`.
    pub fn at(mut self, pointer: &Pointer) -> Self {
        self.pointer = Some(pointer.clone());
        self
    }

    /// The diagnostic, at a line and column of the text.
    pub fn at_location(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// The diagnostic, with what to do about it.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Whether it stops generation.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: {}", self.message)?;
        match (&self.pointer, self.location) {
            (Some(pointer), Some(loc)) => write!(
                f,
                "\n  at {pointer} (line {}, column {})",
                loc.line, loc.column
            )?,
            (Some(pointer), None) => write!(f, "\n  at {pointer}")?,
            (None, Some(loc)) => write!(f, "\n  at line {}, column {}", loc.line, loc.column)?,
            (None, None) => {}
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  help: {hint}")?;
        }
        Ok(())
    }
}

/// The diagnostics of one run, in the order they were found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Adds a diagnostic, unless the same one is already there or the error limit is reached.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        if diagnostic.is_error() && self.error_count() >= ERROR_LIMIT
            || self.items.contains(&diagnostic)
        {
            return;
        }
        self.items.push(diagnostic);
    }

    /// Adds every diagnostic of `other`, as [`Diagnostics::push`] does.
    pub fn extend(&mut self, other: Diagnostics) {
        for diagnostic in other.items {
            self.push(diagnostic);
        }
    }

    /// How many errors there are.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Whether there is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Whether the error limit is reached, so further work only finds errors nobody will see.
    pub fn is_full(&self) -> bool {
        self.error_count() >= ERROR_LIMIT
    }

    /// The warnings, in order.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| !d.is_error())
    }

    /// The errors, in order.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.is_error())
    }

    /// Every diagnostic, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The same diagnostics with every warning made an error (`--deny-warnings`).
    pub fn denied(self) -> Diagnostics {
        let mut denied = Diagnostics::default();
        for mut diagnostic in self.items {
            diagnostic.severity = Severity::Error;
            denied.push(diagnostic);
        }
        denied
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(diagnostic);
        diagnostics
    }
}

/// Generation failed: the errors (and the warnings found along the way).
#[derive(Debug, Clone)]
pub struct Failure {
    /// The errors, and the warnings found along the way.
    pub diagnostics: Diagnostics,
}

impl From<Diagnostic> for Failure {
    fn from(diagnostic: Diagnostic) -> Self {
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(diagnostic);
        Failure { diagnostics }
    }
}

impl From<Diagnostics> for Failure {
    fn from(diagnostics: Diagnostics) -> Self {
        Failure { diagnostics }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for diagnostic in self.diagnostics.errors().chain(self.diagnostics.warnings()) {
            if !first {
                writeln!(f)?;
            }
            first = false;
            write!(f, "{diagnostic}")?;
        }
        let errors = self.diagnostics.error_count();
        if errors >= ERROR_LIMIT {
            write!(f, "\n(stopped after {ERROR_LIMIT} errors)")?;
        }
        Ok(())
    }
}

impl std::error::Error for Failure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_place_and_the_fix() {
        let d = Diagnostic::error("dangling $ref `#/components/schemas/Nope`")
            .at(&Pointer::root().push("paths").push("/a").push("get"))
            .hint("define the schema or fix the reference");
        assert_eq!(
            d.to_string(),
            "error: dangling $ref `#/components/schemas/Nope`\n  at #/paths/~1a/get\n  help: define the schema or fix the reference"
        );
    }

    #[test]
    fn errors_stop_at_the_limit_but_warnings_do_not() {
        let mut all = Diagnostics::default();
        for i in 0..ERROR_LIMIT + 5 {
            all.push(Diagnostic::error(format!("e{i}")));
            all.push(Diagnostic::warning(format!("w{i}")));
        }
        assert_eq!(all.error_count(), ERROR_LIMIT);
        assert_eq!(all.warnings().count(), ERROR_LIMIT + 5);
        assert!(all.is_full());
    }
}

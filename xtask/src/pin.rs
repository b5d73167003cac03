//! `spec/pin.json`: which document the committed crate was generated from.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pin {
    pub title: String,
    pub api_version: String,
    pub openapi_version: String,
    /// The file name (not the path: that differs between machines).
    pub file: String,
    /// SHA-256 of the file's bytes.
    pub file_sha256: String,
    /// SHA-256 of the document's canonical JSON form: one value for its JSON and YAML files.
    pub content_sha256: String,
}

pub fn path() -> PathBuf {
    crate::root().join("spec/pin.json")
}

pub fn read(path: &Path) -> Result<Option<Pin>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| format!("{} is not a valid pin file: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

pub fn to_text(pin: &Pin) -> String {
    let mut text = serde_json::to_string_pretty(pin).unwrap_or_default();
    text.push('\n');
    text
}

impl Pin {
    pub fn describe(&self) -> String {
        format!(
            "{} {} ({}, file SHA-256 {}, content SHA-256 {})",
            self.title, self.api_version, self.file, self.file_sha256, self.content_sha256
        )
    }
}

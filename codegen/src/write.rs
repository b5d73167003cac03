//! Stage 6, write: files onto disk, only where their content changed, or a comparison with
//! what is on disk (`--check`).
//!
//! Everything under the crate's `src/` and `examples/` belongs to the generator: a file there
//! that the generator no longer writes is stale, and writing removes it.
//!
//! Line endings do not count: a checkout that turned `\n` into `\r\n` (git's `autocrlf` on
//! Windows) holds the same crate, and is neither stale nor rewritten.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::format::OutputFile;

/// What writing did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// Files written (new or changed), relative to the crate's root.
    pub written: Vec<String>,
    /// How many files were right already.
    pub unchanged: usize,
    /// Files removed: under the generated folders, but no longer generated.
    pub removed: Vec<String>,
}

/// How a file on disk differs from the generator's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// On disk, with other content.
    Differs(String),
    /// Not on disk.
    Missing(String),
    /// On disk under `src/`, but no longer generated.
    Extra(String),
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stale::Differs(path) => write!(f, "{path} differs from what the generator writes"),
            Stale::Missing(path) => write!(f, "{path} is missing"),
            Stale::Extra(path) => write!(f, "{path} is not written by the generator"),
        }
    }
}

/// Writes `files` under `root`, skipping files whose content is already right.
pub fn write(root: &Path, files: &[OutputFile]) -> io::Result<WriteReport> {
    let mut report = WriteReport::default();
    for file in files {
        let path = root.join(&file.path);
        if fs::read(&path).is_ok_and(|existing| same_text(&existing, &file.contents)) {
            report.unchanged += 1;
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, &file.contents)?;
        report.written.push(file.path.clone());
    }
    for extra in extra_files(root, files)? {
        fs::remove_file(root.join(&extra))?;
        report.removed.push(extra);
    }
    Ok(report)
}

/// Every way the crate under `root` differs from `files`; empty when it is up to date.
pub fn check(root: &Path, files: &[OutputFile]) -> io::Result<Vec<Stale>> {
    let mut stale = Vec::new();
    for file in files {
        match fs::read(root.join(&file.path)) {
            Ok(existing) if same_text(&existing, &file.contents) => {}
            Ok(_) => stale.push(Stale::Differs(file.path.clone())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                stale.push(Stale::Missing(file.path.clone()))
            }
            Err(e) => return Err(e),
        }
    }
    stale.extend(extra_files(root, files)?.into_iter().map(Stale::Extra));
    Ok(stale)
}

/// Whether the bytes on disk hold `expected`, line endings aside.
fn same_text(existing: &[u8], expected: &str) -> bool {
    let expected = expected.as_bytes();
    existing == expected
        || without_carriage_returns(existing).eq(without_carriage_returns(expected))
}

/// The bytes with every `\r\n` read as `\n`.
fn without_carriage_returns(bytes: &[u8]) -> impl Iterator<Item = u8> + '_ {
    bytes.iter().enumerate().filter_map(|(i, &byte)| {
        let line_end = byte == b'\r' && bytes.get(i + 1) == Some(&b'\n');
        (!line_end).then_some(byte)
    })
}

/// The folders of a generated crate that hold nothing but generated files.
const GENERATED_FOLDERS: &[&str] = &["src", "examples"];

/// Files under the generated folders of `root` that are not among `files`, sorted.
fn extra_files(root: &Path, files: &[OutputFile]) -> io::Result<Vec<String>> {
    let generated: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut found = Vec::new();
    for folder in GENERATED_FOLDERS {
        let folder = root.join(folder);
        if folder.is_dir() {
            walk(&folder, &mut found)?;
        }
    }
    let mut extra: Vec<String> = found
        .into_iter()
        .filter_map(|path| {
            let relative = path.strip_prefix(root).ok()?;
            let relative = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            (!generated.contains(relative.as_str())).then_some(relative)
        })
        .collect();
    extra.sort();
    Ok(extra)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, found)?;
        } else {
            found.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            contents: contents.into(),
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("codegen-write-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn writes_only_changes_and_removes_stale_sources() {
        let root = scratch("changes");
        let first = [
            file("Cargo.toml", "a"),
            file("src/lib.rs", "b"),
            file("src/old.rs", "c"),
        ];
        let report = write(&root, &first).unwrap();
        assert_eq!(report.written.len(), 3);

        let second = [file("Cargo.toml", "a"), file("src/lib.rs", "B")];
        let report = write(&root, &second).unwrap();
        assert_eq!(report.written, ["src/lib.rs"]);
        assert_eq!(report.unchanged, 1);
        assert_eq!(report.removed, ["src/old.rs"]);
        assert!(check(&root, &second).unwrap().is_empty());
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn crlf_line_endings_are_not_a_difference() {
        let root = scratch("crlf");
        let wanted = [file("src/lib.rs", "//! A\n\npub fn a() {}\n")];
        fs::create_dir_all(root.join("src")).unwrap();
        fs::write(root.join("src/lib.rs"), "//! A\r\n\r\npub fn a() {}\r\n").unwrap();
        assert!(check(&root, &wanted).unwrap().is_empty());
        let report = write(&root, &wanted).unwrap();
        assert_eq!((report.written.len(), report.unchanged), (0, 1));
        // Other differences still count, and a lone `\r` is one.
        fs::write(root.join("src/lib.rs"), "//! A\r\n\r\npub fn b() {}\r\n").unwrap();
        assert_eq!(
            check(&root, &wanted).unwrap(),
            [Stale::Differs("src/lib.rs".into())]
        );
        fs::write(root.join("src/lib.rs"), "//! A\r\rpub fn a() {}\n").unwrap();
        assert_eq!(check(&root, &wanted).unwrap().len(), 1);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn check_names_every_stale_file() {
        let root = scratch("check");
        write(
            &root,
            &[file("src/lib.rs", "old"), file("src/gone.rs", "x")],
        )
        .unwrap();
        let wanted = [
            file("src/lib.rs", "new"),
            file("src/gone.rs", "x"),
            file("README.md", "r"),
        ];
        fs::remove_file(root.join("src/gone.rs")).unwrap();
        fs::write(root.join("src/extra.rs"), "e").unwrap();
        let stale = check(&root, &wanted).unwrap();
        assert_eq!(
            stale,
            [
                Stale::Differs("src/lib.rs".into()),
                Stale::Missing("src/gone.rs".into()),
                Stale::Missing("README.md".into()),
                Stale::Extra("src/extra.rs".into()),
            ]
        );
        fs::remove_dir_all(&root).unwrap();
    }
}

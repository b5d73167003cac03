//! `cargo xtask diff [OLD] NEW`: what a new API document changes for users of the generated
//! crate (see `codegen::diff`), and the crate's `CHANGELOG.md`, which each upgrade extends.

use std::path::{Path, PathBuf};
use std::time::Instant;

use codegen::diff::{self, Input, Report};

use crate::pin::{self, Pin};
use crate::{Args, root};

pub fn run(args: &[String]) -> Result<(), String> {
    let with_value = ["--overlay", "--names", "--always-sent"];
    let mut documents = Vec::new();
    let mut flags = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if with_value.contains(&arg.as_str()) {
            flags.push(arg.clone());
            flags.extend(iter.next().cloned());
        } else if arg.starts_with("--") {
            flags.push(arg.clone());
        } else {
            documents.push(PathBuf::from(arg));
        }
    }
    let args = Args::parse(&flags, &with_value, &["--markdown", "--changelog"])?;
    let (old, new) = match documents.as_slice() {
        [new] => {
            let pin = pin::read(&pin::path())?.ok_or(
                "spec/pin.json is missing: name the old document too (`cargo xtask diff OLD NEW`)",
            )?;
            let old = pinned_document(&pin).ok_or_else(|| {
                format!(
                    "the pinned document ({}) is not in spec/upstream/: name it (`cargo xtask diff OLD NEW`)",
                    pin.describe()
                )
            })?;
            (old, new.clone())
        }
        [old, new] => (old.clone(), new.clone()),
        _ => {
            return Err(format!(
                "usage: cargo xtask diff [OLD] NEW [--markdown] [--changelog] [--overlay PATH] [--names PATH] [--always-sent PATH]\n\n{}",
                crate::USAGE
            ));
        }
    };
    let config = codegen::Config {
        operation_names: crate::codegen::read_names(args.value("--names"))?,
        groups: crate::codegen::read_groups(None)?,
        overlay: crate::codegen::read_overlay(args.value("--overlay"))?,
        always_sent: crate::codegen::read_always_sent(args.value("--always-sent"))?,
        ..codegen::Config::default()
    };
    let started = Instant::now();
    let report = compare(&old, &new, &config)?;
    let elapsed = started.elapsed();
    let out = root().join("generated");
    let version = crate_version(&out);
    if args.has("--markdown") {
        say!("{}", report.markdown(&version));
    } else {
        say!("{}", report.summary(&version).trim_end());
        say!("  compared in {:.0} ms", elapsed.as_secs_f64() * 1000.0);
    }
    if args.has("--changelog") {
        let path = prepend_changelog(&out, &report.markdown(&version))?;
        say!("{} extended", path.display());
    }
    Ok(())
}

/// The report between two documents on disk.
pub fn compare(old: &Path, new: &Path, config: &codegen::Config) -> Result<Report, String> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let (old_bytes, new_bytes) = (read(old)?, read(new)?);
    let (old_origin, new_origin) = (old.display().to_string(), new.display().to_string());
    diff::documents(
        Input {
            bytes: &old_bytes,
            origin: &old_origin,
        },
        Input {
            bytes: &new_bytes,
            origin: &new_origin,
        },
        config,
    )
    .map_err(|failure| {
        format!("{failure}\n\ndiff failed: a document does not go through the pipeline")
    })
}

/// Where `cargo xtask codegen` keeps a copy of the document it generated from (git-ignored,
/// like everything in `spec/upstream/`), so the next upgrade can be compared with it.
const PINNED_COPIES: &[&str] = &["spec/upstream/pinned.yaml", "spec/upstream/pinned.json"];

/// The document `spec/pin.json` names, if a file here has its content: the copy codegen
/// keeps, or the document in the default place.
pub fn pinned_document(pin: &Pin) -> Option<PathBuf> {
    PINNED_COPIES
        .iter()
        .chain(crate::DEFAULT_SPECS)
        .map(|p| root().join(p))
        .filter(|p| p.is_file())
        .find(|path| {
            std::fs::read(path).is_ok_and(|bytes| {
                codegen::load::load(&bytes, "")
                    .is_ok_and(|document| document.content_sha256 == pin.content_sha256)
            })
        })
}

/// Keeps a copy of the document the crate was generated from (see [`PINNED_COPIES`]).
pub fn keep_pinned_copy(bytes: &[u8], format: codegen::load::Format) -> Result<(), String> {
    let keep = match format {
        codegen::load::Format::Yaml => PINNED_COPIES[0],
        codegen::load::Format::Json => PINNED_COPIES[1],
    };
    for copy in PINNED_COPIES {
        let path = root().join(copy);
        if *copy == keep {
            if std::fs::read(&path).is_ok_and(|existing| existing == bytes) {
                continue;
            }
            std::fs::write(&path, bytes)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        } else if path.is_file() {
            std::fs::remove_file(&path)
                .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// The `version` of the crate in `out` (`0.0.0` when it cannot be read).
pub fn crate_version(out: &Path) -> String {
    std::fs::read_to_string(out.join("Cargo.toml"))
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|line| line.strip_prefix("version = \""))
                .and_then(|rest| rest.strip_suffix('"'))
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "0.0.0".to_owned())
}

const CHANGELOG_HEADER: &str = "# Changelog

What each new PeerTube API document changed in this crate, newest first. `cargo xtask codegen`
adds an entry when it generates the crate from a document other than the last one (breaking
changes follow Rust's semver rules; see the generator's README).
";

/// Starts the crate's `CHANGELOG.md` if it has none, with an entry for the document it is
/// generated from.
pub fn start_changelog(out: &Path, pin: &Pin, version: &str) -> Result<(), String> {
    if out.join("CHANGELOG.md").is_file() {
        return Ok(());
    }
    let entry = format!(
        "## {} API {}: the first version ({version})\n\nGenerated from the {} API document {} (content SHA-256 `{}`).\n",
        pin.title, pin.api_version, pin.title, pin.api_version, pin.content_sha256
    );
    prepend_changelog(out, &entry).map(|_| ())
}

/// Puts `entry` at the top of the crate's `CHANGELOG.md`, which is created if need be.
pub fn prepend_changelog(out: &Path, entry: &str) -> Result<PathBuf, String> {
    let path = out.join("CHANGELOG.md");
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => CHANGELOG_HEADER.to_owned(),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let (header, entries) = match existing.find("\n## ") {
        Some(at) => existing.split_at(at + 1),
        None => (existing.as_str(), ""),
    };
    let text = format!("{}\n\n{}\n\n{entries}", header.trim_end(), entry.trim_end());
    let text = format!("{}\n", text.trim_end());
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_go_on_top_under_the_header() {
        let dir = std::env::temp_dir().join(format!("xtask-changelog-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let _ = std::fs::remove_file(dir.join("CHANGELOG.md"));
        prepend_changelog(&dir, "## A\n\nfirst\n").unwrap();
        prepend_changelog(&dir, "## B\n\nsecond\n").unwrap();
        let text = std::fs::read_to_string(dir.join("CHANGELOG.md")).unwrap();
        assert!(text.starts_with("# Changelog\n"), "{text}");
        let b = text.find("## B").unwrap();
        let a = text.find("## A").unwrap();
        assert!(b < a, "{text}");
        assert!(text.ends_with("## A\n\nfirst\n"), "{text}");
        assert!(
            text.contains("README).\n\n## B\n\nsecond\n\n## A"),
            "{text}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_crate_version_is_read_from_its_manifest() {
        let version = crate_version(&root().join("generated"));
        let parts: Vec<&str> = version.split('.').collect();
        assert_eq!(parts.len(), 3, "{version}");
        assert!(parts.iter().all(|p| p.parse::<u64>().is_ok()), "{version}");
        assert_eq!(crate_version(Path::new("/nonexistent")), "0.0.0");
    }
}

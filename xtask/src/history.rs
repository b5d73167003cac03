//! `cargo xtask history --dir DIR`: generates a crate from every API document in DIR (as
//! PeerTube published them over its releases) with no overlay and no names file, then checks
//! all the crates in one cargo workspace (one target directory), and prints one line per
//! document: whether it generates and compiles, its operations, warnings and first error.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::Config;

use crate::{Args, root};

/// One document's crate, once generated.
struct Generated {
    operations: usize,
    warnings: usize,
    /// The crate's package name (unique in the workspace).
    package: String,
}

/// What the compiler said about one crate.
#[derive(Default)]
struct Compiled {
    warnings: usize,
    errors: usize,
    first_error: Option<String>,
}

pub fn run(args: &[String]) -> Result<(), String> {
    let args = Args::parse(args, &["--dir"], &["--no-check"])?;
    let dir = PathBuf::from(args.value("--dir").ok_or("history needs --dir DIR")?);
    let documents = documents(&dir)?;
    if documents.is_empty() {
        return Err(format!(
            "no .yaml, .yml or .json document in {}",
            dir.display()
        ));
    }
    let workspace = root().join("target/history");
    let crates = workspace.join("crates");
    let _ = std::fs::remove_dir_all(&crates);

    let mut results: Vec<(String, Result<Generated, String>)> = Vec::new();
    for path in &documents {
        let name = stem(path);
        let result = generate(path, &name, &crates);
        results.push((name, result));
    }
    let compiled = if args.has("--no-check") {
        None
    } else {
        let members: Vec<&str> = results
            .iter()
            .filter(|(_, r)| r.is_ok())
            .map(|(name, _)| name.as_str())
            .collect();
        Some(check(&workspace, &members)?)
    };

    let width = results.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    let (mut generates, mut compiles) = (0, 0);
    for (name, result) in &results {
        let line = match result {
            Err(error) => format!("FAIL generate: {error}"),
            Ok(generated) => {
                generates += 1;
                let head = format!(
                    "{} operations, {} warnings",
                    generated.operations, generated.warnings
                );
                match compiled.as_ref().map(|c| c.get(&generated.package)) {
                    None => format!("ok   {head}"),
                    Some(None) => {
                        compiles += 1;
                        format!("ok   {head}; compiles")
                    }
                    Some(Some(c)) if c.errors == 0 => {
                        compiles += 1;
                        format!("ok   {head}; compiles ({} rustc warnings)", c.warnings)
                    }
                    Some(Some(c)) => format!(
                        "FAIL compile: {head}; {} rustc errors, the first: {}",
                        c.errors,
                        c.first_error.as_deref().unwrap_or("?")
                    ),
                }
            }
        };
        say!("{name:width$}  {line}");
    }
    let total = results.len();
    match compiled {
        Some(_) => say!("\n{generates} of {total} generate, {compiles} of {total} compile"),
        None => say!("\n{generates} of {total} generate (not compiled: --no-check)"),
    }
    if generates == total && (compiled.is_none() || compiles == total) {
        Ok(())
    } else {
        Err("some documents do not generate or compile".to_owned())
    }
}

/// The documents in `dir`, in version order (`v2.10.0` after `v2.9.0`).
fn documents(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut documents: Vec<PathBuf> = entries
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| {
            path.is_file()
                && path
                    .extension()
                    .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        })
        .collect();
    documents.sort_by(|a, b| version_order(&stem(a), &stem(b)));
    Ok(documents)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Compares names piece by piece, runs of digits as numbers.
fn version_order(a: &str, b: &str) -> Ordering {
    fn pieces(s: &str) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        let mut rest = s;
        while !rest.is_empty() {
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let (piece, after) = if digits > 0 {
                rest.split_at(digits)
            } else {
                let text =
                    rest.len() - rest.trim_start_matches(|c: char| !c.is_ascii_digit()).len();
                rest.split_at(text)
            };
            match piece.parse::<u64>() {
                Ok(number) => out.push((number, String::new())),
                Err(_) => out.push((u64::MAX, piece.to_owned())),
            }
            rest = after;
        }
        out
    }
    pieces(a).cmp(&pieces(b))
}

/// Generates the crate of the document at `path` into `crates/{name}`.
fn generate(path: &Path, name: &str, crates: &Path) -> Result<Generated, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
    let package: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let config = Config {
        crate_name: format!("history-{package}"),
        ..Config::default()
    };
    let generated =
        codegen::generate(&bytes, &path.display().to_string(), &config).map_err(|failure| {
            let count = failure.diagnostics.error_count();
            let first = failure
                .diagnostics
                .errors()
                .next()
                .map(|e| e.to_string().replace('\n', " "))
                .unwrap_or_default();
            format!("{count} errors, the first: {first}")
        })?;
    codegen::write::write(&crates.join(name), &generated.files)
        .map_err(|e| format!("cannot write its crate: {e}"))?;
    Ok(Generated {
        operations: generated.operation_count,
        warnings: generated.warnings.warnings().count(),
        package: config.crate_name,
    })
}

/// Checks the crates `members` (under `workspace/crates`) in one cargo run, and gathers what
/// the compiler said about each, by package name.
fn check(workspace: &Path, members: &[&str]) -> Result<BTreeMap<String, Compiled>, String> {
    let list: Vec<String> = members.iter().map(|m| format!("\"crates/{m}\"")).collect();
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        list.join(", ")
    );
    std::fs::write(workspace.join("Cargo.toml"), manifest)
        .and_then(|()| std::fs::copy(root().join("Cargo.lock"), workspace.join("Cargo.lock")))
        .map_err(|e| format!("cannot write {}: {e}", workspace.display()))?;
    say!(
        "checking {} crates in {} (one target directory; this takes a while)",
        members.len(),
        workspace.display()
    );
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "check",
            "--workspace",
            "--keep-going",
            "--offline",
            "--message-format=json",
        ])
        .current_dir(workspace)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let mut compiled: BTreeMap<String, Compiled> = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-message" {
            continue;
        }
        let Some(package) = message["package_id"]
            .as_str()
            .and_then(|id| id.rsplit_once('#'))
            .and_then(|(_, rest)| rest.split_once('@'))
            .map(|(name, _)| name.to_owned())
        else {
            continue;
        };
        let text = message["message"]["message"].as_str().unwrap_or_default();
        if text.starts_with("aborting due to") || text.contains("warnings emitted") {
            continue;
        }
        let entry = compiled.entry(package).or_default();
        match message["message"]["level"].as_str() {
            Some("warning") => entry.warnings += 1,
            Some("error") => {
                entry.errors += 1;
                if entry.first_error.is_none() {
                    let at = message["message"]["spans"]
                        .get(0)
                        .map(|s| {
                            format!(
                                " ({}:{})",
                                s["file_name"].as_str().unwrap_or("?"),
                                s["line_start"]
                            )
                        })
                        .unwrap_or_default();
                    entry.first_error = Some(format!("{text}{at}"));
                }
            }
            _ => {}
        }
    }
    if !output.status.success() && compiled.values().all(|c| c.errors == 0) {
        return Err(format!(
            "cargo check failed before compiling the crates:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(compiled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_sort_by_number() {
        let mut names = [
            "v2.10.0",
            "v2.9.0",
            "v10.0.0",
            "v7.1.0-rc.1",
            "v7.0.1",
            "v1.4.0",
        ];
        names.sort_by(|a, b| version_order(a, b));
        assert_eq!(
            names,
            [
                "v1.4.0",
                "v2.9.0",
                "v2.10.0",
                "v7.0.1",
                "v7.1.0-rc.1",
                "v10.0.0"
            ]
        );
    }
}

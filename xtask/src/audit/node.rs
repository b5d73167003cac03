//! The Node side of the audit: TypeScript (pinned by `xtask/audit/package-lock.json`,
//! installed with `npm ci` into the git-ignored `xtask/audit/node_modules`), the tarballs of
//! `@peertube/peertube-types` (fetched with `npm pack` into the git-ignored `xtask/audit/cache`)
//! and `models.mjs`, which reads them with the type checker.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::models::Models;
use crate::root;

pub const PACKAGE: &str = "@peertube/peertube-types";

fn dir() -> PathBuf {
    root().join("xtask/audit")
}

fn npm() -> Command {
    crate::node::npm(&dir())
}

fn run_with_retries(make: impl FnMut() -> Command) -> Result<Vec<u8>, String> {
    crate::node::run_with_retries("the audit", make)
}

/// Installs the pinned TypeScript unless `node_modules` already holds what the lockfile says.
pub fn install() -> Result<(), String> {
    crate::node::install(&dir(), "TypeScript for the audit")
}

/// The tarball of `@peertube/peertube-types` at `version`, fetched once into the cache.
pub fn tarball(version: &str) -> Result<PathBuf, String> {
    let cache = dir().join("cache");
    let file = cache.join(format!("peertube-peertube-types-{version}.tgz"));
    if file.is_file() {
        return Ok(file);
    }
    std::fs::create_dir_all(&cache)
        .map_err(|e| format!("cannot create {}: {e}", cache.display()))?;
    say!("    fetching {PACKAGE}@{version}");
    run_with_retries(|| {
        let mut command = npm();
        command
            .args(["pack", &format!("{PACKAGE}@{version}"), "--silent"])
            .arg("--pack-destination")
            .arg(&cache);
        command
    })?;
    if file.is_file() {
        Ok(file)
    } else {
        Err(format!(
            "npm pack {PACKAGE}@{version} did not write {}",
            file.display()
        ))
    }
}

/// The versions of `@peertube/peertube-types` the registry has.
pub fn published_versions() -> Result<Vec<String>, String> {
    let out = run_with_retries(|| {
        let mut command = npm();
        command.args(["view", PACKAGE, "versions", "--json"]);
        command
    })?;
    serde_json::from_slice(&out).map_err(|e| format!("npm view {PACKAGE} versions: {e}"))
}

/// What the type checker says about the types `names` and `exprs` of `version`. When
/// `integrity` is given (`sha512-...`), the tarball must have it.
pub fn models(
    version: &str,
    integrity: Option<&str>,
    names: &[String],
    exprs: &[String],
) -> Result<Models, String> {
    install()?;
    let tarball = tarball(version)?;
    let unpacked = dir().join("cache").join(version);
    let mut command = Command::new(if cfg!(windows) { "node.exe" } else { "node" });
    command
        .arg(dir().join("models.mjs"))
        .arg("--tarball")
        .arg(&tarball)
        .arg("--dir")
        .arg(&unpacked);
    if let Some(integrity) = integrity {
        command.args(["--integrity", integrity]);
    }
    let request = serde_json::json!({ "names": names, "exprs": exprs }).to_string();
    let output = run_node(command, &request)?;
    serde_json::from_slice(&output)
        .map_err(|e| format!("models.mjs printed something that is not its JSON: {e}"))
}

fn run_node(mut command: Command, stdin: &str) -> Result<Vec<u8>, String> {
    let shown = format!("{command:?}");
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {shown}: {e} (the audit needs Node.js 20)"))?;
    if let Some(mut input) = child.stdin.take() {
        input
            .write_all(stdin.as_bytes())
            .map_err(|e| format!("cannot write to {shown}: {e}"))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|e| format!("{shown}: {e}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(format!(
            "{shown} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// Where the tarball of `version` is unpacked, for a maintainer who wants to read a model.
pub fn unpacked(version: &str) -> PathBuf {
    dir().join("cache").join(version).join("package")
}

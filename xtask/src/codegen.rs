//! `cargo xtask codegen`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use codegen::{Config, Generated, write};

use crate::diff;
use crate::pin::{self, Pin};
use crate::{Args, root, spec_path};

/// How many warnings the summary lists before it only counts them.
const WARNINGS_SHOWN: usize = 12;

pub fn run(args: &[String]) -> Result<(), String> {
    let args = Args::parse(
        args,
        &[
            "--spec",
            "--out",
            "--names",
            "--overlay",
            "--always-sent",
            "--groups",
            "--emit-document",
        ],
        &["--check", "--deny-warnings"],
    )?;
    let spec = spec_path(args.value("--spec"))?;
    let default_out = args.value("--out").is_none();
    let out = args
        .value("--out")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("generated"));
    let check = args.has("--check");

    let started = Instant::now();
    let bytes = std::fs::read(&spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let origin = spec.display().to_string();
    let config = Config {
        operation_names: read_names(args.value("--names"))?,
        overlay: read_overlay(args.value("--overlay"))?,
        always_sent: read_always_sent(args.value("--always-sent"))?,
        groups: read_groups(args.value("--groups"))?,
        deny_warnings: args.has("--deny-warnings"),
        keep_document: args.value("--emit-document").is_some(),
        // The sweep calls the crate in generated/, so it goes with that crate only.
        contract_sweep: default_out,
        ..Config::default()
    };
    let generated = codegen::generate(&bytes, &origin, &config).map_err(|failure| {
        let errors = failure.diagnostics.error_count();
        let overlay_failed = failure.diagnostics.errors().any(|e| e.message.starts_with("overlay "));
        let note = if overlay_failed && args.value("--overlay").is_none() {
            "\nspec/overlay.yaml corrects PeerTube's document: for another document, pass `--overlay none`; \
             `cargo xtask diff <document>` tells which actions drifted."
        } else if config.deny_warnings {
            "\n(warnings are errors under --deny-warnings)"
        } else {
            ""
        };
        format!("{failure}\n\ncodegen failed: {errors} error(s) in {origin}{note}")
    })?;
    if let (Some(path), Some(document)) = (args.value("--emit-document"), &generated.document) {
        emit_document(std::path::Path::new(path), document)?;
    }
    let file_name = spec
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let new_pin = Pin {
        title: generated.api.title.clone(),
        api_version: generated.api.version.clone(),
        openapi_version: generated.api.openapi_version.clone(),
        file: file_name,
        file_sha256: generated.file_sha256.clone(),
        content_sha256: generated.api.content_sha256.clone(),
    };

    // A document other than the pinned one: what the upgrade changes for users.
    let upgrade = if default_out {
        upgrade_report(&spec, &new_pin, &config)?
    } else {
        None
    };
    if check {
        if let Some(upgrade) = &upgrade {
            say!("{}", upgrade.summary(&diff::crate_version(&out)).trim_end());
        }
        check_contract_sweep(&generated)?;
        return check_crate(&generated, &new_pin, &out, default_out);
    }

    let write_started = Instant::now();
    let version = diff::crate_version(&out);
    let report = write::write(&out, &generated.files)
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    if let Some(sweep) = &generated.contract_sweep {
        let path = root().join(&sweep.path);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(sweep.contents.as_str()) {
            std::fs::write(&path, &sweep.contents)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            say!("  wrote {}", sweep.path);
        }
    }
    if default_out {
        let pin_path = pin::path();
        if pin::read(&pin_path)?.as_ref() != Some(&new_pin) {
            std::fs::write(&pin_path, pin::to_text(&new_pin))
                .map_err(|e| format!("cannot write {}: {e}", pin_path.display()))?;
        }
        diff::keep_pinned_copy(&bytes, generated.format)?;
        if upgrade.is_none() {
            diff::start_changelog(&out, &new_pin, &version)?;
        }
    }
    let mut timings = generated.timings.clone();
    timings.push(("write", write_started.elapsed()));
    let overlay = config.overlay.as_ref().map(|o| o.origin.as_str());
    print_summary(
        &generated,
        overlay,
        &out,
        &report,
        &timings,
        started.elapsed(),
    );
    if let Some(upgrade) = upgrade {
        say!("{}", upgrade.summary(&version).trim_end());
        let changelog = diff::prepend_changelog(&out, &upgrade.markdown(&version))?;
        say!(
            "  the upgrade's entry is at the top of {}",
            changelog.display()
        );
    }
    Ok(())
}

/// The upgrade report when `new_pin` is not the pinned document; `None` when it is, or when
/// nothing is pinned yet. Without the pinned document at hand, a note says how to compare.
fn upgrade_report(
    spec: &std::path::Path,
    new_pin: &Pin,
    config: &Config,
) -> Result<Option<codegen::diff::Report>, String> {
    let Some(pinned) = pin::read(&pin::path())? else {
        return Ok(None);
    };
    if pinned.content_sha256 == new_pin.content_sha256 {
        return Ok(None);
    }
    match diff::pinned_document(&pinned) {
        Some(old) => diff::compare(&old, spec, config).map(Some),
        None => {
            say!(
                "A new document: the pinned one ({} {}) is not in spec/upstream/, so there is no upgrade report.\n\
                 `cargo xtask diff OLD NEW --changelog` writes one.",
                pinned.title,
                pinned.api_version
            );
            Ok(None)
        }
    }
}

/// The overlay: `--overlay PATH` (`none` for no overlay), else `spec/overlay.yaml` when it
/// exists.
pub(crate) fn read_overlay(
    given: Option<&str>,
) -> Result<Option<codegen::overlay::Overlay>, String> {
    let path = match given {
        Some("none") => return Ok(None),
        Some(path) => PathBuf::from(path),
        None => {
            let default = root().join("spec/overlay.yaml");
            if !default.is_file() {
                return Ok(None);
            }
            default
        }
    };
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let origin = path
        .strip_prefix(root())
        .unwrap_or(&path)
        .display()
        .to_string();
    codegen::overlay::parse(&bytes, &origin)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// The evidence of response properties servers always send: `--always-sent PATH` (`none` for
/// none), else `spec/always-sent.yaml` (written by `cargo xtask audit --evidence`) when it exists.
pub(crate) fn read_always_sent(
    given: Option<&str>,
) -> Result<std::collections::BTreeMap<String, std::collections::BTreeSet<String>>, String> {
    let path = match given {
        Some("none") => return Ok(Default::default()),
        Some(path) => PathBuf::from(path),
        None => {
            let default = root().join(crate::audit::EVIDENCE);
            if !default.is_file() {
                return Ok(Default::default());
            }
            default
        }
    };
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    codegen::read_always_sent(&bytes, &path.display().to_string()).map_err(|e| e.to_string())
}

/// The groups file: `--groups PATH` (`none` for the document's groups as they are), else
/// `spec/groups.yaml` when it exists.
pub(crate) fn read_groups(given: Option<&str>) -> Result<codegen::GroupTable, String> {
    let path = match given {
        Some("none") => return Ok(Default::default()),
        Some(path) => PathBuf::from(path),
        None => {
            let default = root().join("spec/groups.yaml");
            if !default.is_file() {
                return Ok(Default::default());
            }
            default
        }
    };
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    codegen::read_groups(&bytes, &path.display().to_string()).map_err(|e| e.to_string())
}

/// The names file: `--names PATH` (`none` for none), else `spec/names.yaml` when it exists.
pub(crate) fn read_names(
    given: Option<&str>,
) -> Result<std::collections::BTreeMap<String, String>, String> {
    let path = match given {
        Some("none") => return Ok(Default::default()),
        Some(path) => PathBuf::from(path),
        None => {
            let default = root().join("spec/names.yaml");
            if !default.is_file() {
                return Ok(Default::default());
            }
            default
        }
    };
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    codegen::read_names(&bytes, &path.display().to_string()).map_err(|e| e.to_string())
}

/// Writes the document the crate was generated from (overlay applied) as JSON, for a
/// validator to check the client against exactly that.
fn emit_document(path: &std::path::Path, document: &serde_json::Value) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(document)
        .map_err(|e| format!("cannot write the document as JSON: {e}"))?;
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    say!("  the document, overlay applied: {}", path.display());
    Ok(())
}

/// The contract sweep in `tests/` must be the one the generator writes, like `generated/`.
fn check_contract_sweep(generated: &Generated) -> Result<(), String> {
    let Some(sweep) = &generated.contract_sweep else {
        return Ok(());
    };
    let path = root().join(&sweep.path);
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    if on_disk.replace("\r\n", "\n") == sweep.contents {
        return Ok(());
    }
    Err(format!(
        "{} is stale.\nRun `cargo xtask codegen` (with the same --spec) and commit the result.",
        sweep.path
    ))
}

fn check_crate(
    generated: &Generated,
    new_pin: &Pin,
    out: &std::path::Path,
    default_out: bool,
) -> Result<(), String> {
    if default_out
        && let Some(pinned) = pin::read(&pin::path())?
        && pinned.content_sha256 != new_pin.content_sha256
    {
        return Err(format!(
            "generated/ was generated from {}\nbut this document is {}.\n\
             Run `cargo xtask codegen --spec <that document>` to regenerate, or check with the pinned document.",
            pinned.describe(),
            new_pin.describe()
        ));
    }
    let stale = write::check(out, &generated.files)
        .map_err(|e| format!("cannot read {}: {e}", out.display()))?;
    if stale.is_empty() {
        say!(
            "{} is up to date with {} {} ({} files)",
            out.display(),
            generated.api.title,
            generated.api.version,
            generated.files.len()
        );
        return Ok(());
    }
    let mut message = format!("{} is stale:\n", out.display());
    for file in &stale {
        message.push_str(&format!("  {file}\n"));
    }
    message.push_str("Run `cargo xtask codegen` (with the same --spec) and commit the result.");
    Err(message)
}

fn print_summary(
    generated: &Generated,
    overlay: Option<&str>,
    out: &std::path::Path,
    report: &write::WriteReport,
    timings: &[(&str, Duration)],
    total: Duration,
) {
    let api = &generated.api;
    let format = match generated.format {
        codegen::load::Format::Json => "JSON",
        codegen::load::Format::Yaml => "YAML",
    };
    say!(
        "{} {} (OpenAPI {}, {format}, content SHA-256 {}…)",
        api.title,
        api.version,
        api.openapi_version,
        &api.content_sha256[..12.min(api.content_sha256.len())]
    );
    let warnings: Vec<_> = generated.warnings.warnings().collect();
    say!(
        "  {} types, {} operations, {} warnings",
        generated.type_count,
        generated.operation_count,
        warnings.len()
    );
    if let (Some(applied), Some(overlay)) = (generated.overlay, overlay) {
        say!(
            "  overlay {}: {} actions applied, {} nodes changed",
            overlay,
            applied.actions,
            applied.nodes
        );
    }
    let mut wrote = format!(
        "  {}: {} written, {} unchanged",
        out.display(),
        report.written.len(),
        report.unchanged
    );
    if !report.removed.is_empty() {
        wrote.push_str(&format!(
            ", {} removed ({})",
            report.removed.len(),
            report.removed.join(", ")
        ));
    }
    say!("{wrote}");
    let stages: Vec<String> = timings
        .iter()
        .map(|(stage, time)| format!("{stage} {}", millis(*time)))
        .collect();
    say!("  {} · total {}", stages.join(" · "), millis(total));
    for warning in warnings.iter().take(WARNINGS_SHOWN) {
        say!("{warning}");
    }
    if warnings.len() > WARNINGS_SHOWN {
        say!("… and {} more warnings", warnings.len() - WARNINGS_SHOWN);
    }
}

fn millis(duration: Duration) -> String {
    format!("{:.0} ms", duration.as_secs_f64() * 1000.0)
}

//! A generator of Rust API clients from OpenAPI 3.0 documents, built for PeerTube's.
//!
//! The pipeline is the architecture (`ARCHITECTURE.md` at the repository's root walks through
//! it); each stage is a module with one job:
//!
//! 1. [`load`]: bytes (JSON or YAML) into a JSON value, and the document's digests;
//!    then [`overlay`]: the maintainers' corrections, applied to that value;
//! 2. `resolve`: the resolved document: operations with their `$ref`s followed, and every
//!    schema they reach normalized (refs checked, `allOf` merged);
//! 3. `model`: plain data about the Rust items to generate (names from [`naming`]);
//! 4. `emit`: the model into tokens (the only user of `quote!`);
//! 5. `format`: tokens into text with `prettyplease`;
//! 6. [`write`](mod@write): text onto disk, only where it changed, or a comparison (`--check`).
//!
//! [`generate`] runs stages 1 to 5; the caller decides whether to write or to check. The
//! stages in between are private: [`generate`] is their interface.

#![deny(missing_docs)]
// Document data must never make the generator panic: a bad document gets an error naming the
// place. Tests may unwrap.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented,
        clippy::string_slice
    )
)]

pub mod diagnostic;
pub mod diff;
mod emit;
mod format;
pub mod load;
mod model;
pub mod naming;
pub mod overlay;
pub mod pointer;
mod resolve;
pub mod write;

// The runtime and the examples are compiled as part of each generated crate, not here; these
// declarations only let `cargo fmt` format their sources (rustfmt follows module
// declarations, whatever their `cfg`).
#[cfg(any())]
#[path = "../examples/login.rs"]
mod example_login;
#[cfg(any())]
#[path = "../examples/resume.rs"]
mod example_resume;
#[cfg(any())]
#[path = "../examples/upload.rs"]
mod example_upload;
#[cfg(any())]
#[path = "../runtime/mod.rs"]
mod runtime;
#[cfg(any())]
#[path = "../runtime/upload/families.rs"]
mod runtime_upload_families;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub use diagnostic::{Diagnostic, Diagnostics, Failure};
pub use format::OutputFile;
pub use model::{ApiInfo, Conventions, GroupTable};

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The package name of the generated crate.
    pub crate_name: String,
    /// The package version of the generated crate.
    pub crate_version: String,
    /// Method names that override the generated ones, keyed by `METHOD /path`
    /// (`GET /api/v1/videos/{id}/captions`): see [`read_names`].
    pub operation_names: BTreeMap<String, String>,
    /// Corrections to apply to the document before it is read (see [`overlay`]).
    pub overlay: Option<overlay::Overlay>,
    /// Response properties the server always sends, which become plain fields (not `Option`):
    /// by the pointer of the object schema a type comes from, the property names. See
    /// [`read_always_sent`].
    pub always_sent: BTreeMap<String, BTreeSet<String>>,
    /// Changes to the document's groups of tags, which are the crate's modules and features:
    /// see [`read_groups`].
    pub groups: GroupTable,
    /// Fail, before emitting anything, when the document gives any warning.
    pub deny_warnings: bool,
    /// Which of PeerTube's conventions to follow (all, by default).
    pub conventions: Conventions,
    /// Keep the document as the generator read it, overlay applied ([`Generated::document`]):
    /// what an independent validator should check the client against.
    pub keep_document: bool,
    /// Also write the contract sweep ([`Generated::contract_sweep`]).
    pub contract_sweep: bool,
}

impl Config {
    fn model_inputs(&self) -> model::Inputs<'_> {
        model::Inputs {
            operation_names: &self.operation_names,
            conventions: &self.conventions,
            always_sent: &self.always_sent,
            groups: &self.groups,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            crate_name: "peertube-client".to_owned(),
            crate_version: "0.1.0".to_owned(),
            operation_names: BTreeMap::new(),
            overlay: None,
            always_sent: BTreeMap::new(),
            groups: Vec::new(),
            deny_warnings: false,
            conventions: Conventions::default(),
            keep_document: false,
            contract_sweep: false,
        }
    }
}

/// Reads a names file (YAML or JSON): method names for operations, pinned or overridden.
///
/// ```yaml
/// operations:
///   GET /api/v1/videos/{id}/captions: list_video_captions
/// ```
pub fn read_names(bytes: &[u8], origin: &str) -> Result<BTreeMap<String, String>, Diagnostic> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct NamesFile {
        #[serde(default)]
        operations: BTreeMap<String, String>,
    }
    let value = load::load(bytes, origin)?.value;
    let file: NamesFile = serde_json::from_value(value).map_err(|e| {
        Diagnostic::error(format!("{origin} is not a valid names file: {e}"))
            .hint("it holds `operations:`, a map from `METHOD /path` to a snake_case method name")
    })?;
    Ok(file.operations)
}

/// Reads a groups file (YAML or JSON): changes to the document's groups of tags
/// (`x-tagGroups`), each of which becomes a module of the crate and a Cargo feature. Each
/// entry takes the tags it lists from the groups that had them, and joins the group of its
/// name or starts a new one after the group its first tag came from.
///
/// ```yaml
/// groups:
///   Channels: [Video Channels, Channels Sync]
/// ```
pub fn read_groups(bytes: &[u8], origin: &str) -> Result<GroupTable, Diagnostic> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct GroupsFile {
        #[serde(default)]
        groups: serde_json::Map<String, serde_json::Value>,
    }
    let value = load::load(bytes, origin)?.value;
    let invalid = |e: &dyn std::fmt::Display| {
        Diagnostic::error(format!("{origin} is not a valid groups file: {e}"))
            .hint("it holds `groups:`, a map from a group's name to the list of its tags")
    };
    let file: GroupsFile = serde_json::from_value(value).map_err(|e| invalid(&e))?;
    file.groups
        .into_iter()
        .map(|(name, tags)| {
            let tags: Vec<String> = serde_json::from_value(tags).map_err(|e| invalid(&e))?;
            Ok((name, tags))
        })
        .collect()
}

/// Reads the evidence of response properties the server always sends (YAML or JSON, written
/// by `cargo xtask audit --evidence`): its `types` map, from the pointer of an object schema to
/// the properties every supported server sends, never `null`.
///
/// ```yaml
/// types:
///   '#/components/schemas/Video': [id, uuid, name]
/// ```
pub fn read_always_sent(
    bytes: &[u8],
    origin: &str,
) -> Result<BTreeMap<String, BTreeSet<String>>, Diagnostic> {
    #[derive(serde::Deserialize)]
    struct Evidence {
        #[serde(default)]
        types: BTreeMap<String, BTreeSet<String>>,
    }
    let value = load::load(bytes, origin)?.value;
    let evidence: Evidence = serde_json::from_value(value).map_err(|e| {
        Diagnostic::error(format!("{origin} is not a valid evidence file: {e}"))
            .hint("it holds `types:`, a map from an object schema's pointer to property names")
    })?;
    Ok(evidence.types)
}

/// The generated crate and what is worth reporting about it.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Every file of the crate.
    pub files: Vec<OutputFile>,
    /// What the document says about the API.
    pub api: ApiInfo,
    /// The form the document was written in.
    pub format: load::Format,
    /// SHA-256 of the input file's bytes.
    pub file_sha256: String,
    /// How many types the crate has.
    pub type_count: usize,
    /// How many operations (methods of `Client`) the crate has.
    pub operation_count: usize,
    /// What the generator supports only partly in this document.
    pub warnings: Diagnostics,
    /// What the overlay did, if there was one.
    pub overlay: Option<overlay::Applied>,
    /// Wall time of each stage, in pipeline order.
    pub timings: Vec<(&'static str, Duration)>,
    /// The document the crate was generated from, overlay applied, when
    /// [`Config::keep_document`] asks for it.
    pub document: Option<serde_json::Value>,
    /// The contract sweep, a test of the `tests` crate that calls every operation once (its
    /// path is from the repository's root), when [`Config::contract_sweep`] asks for it.
    pub contract_sweep: Option<OutputFile>,
}

/// Stages 4 and 5, file by file on two threads: they are most of a run, and the two big files
/// (types and operations) take about as long each. A file is emitted on the thread that
/// formats it, as tokens cannot move between threads. The times returned are each stage's,
/// summed over the threads.
fn emit_and_format(
    model: &model::Model,
    package: emit::Package<'_>,
    preamble: &str,
) -> Result<(Vec<OutputFile>, Duration, Duration), Diagnostic> {
    let mut kinds: Vec<(usize, emit::FileKind)> =
        emit::files(model).into_iter().enumerate().collect();
    // The big files first, so that the small ones fill in behind them.
    kinds.sort_by_key(|(_, kind)| {
        !matches!(
            kind,
            emit::FileKind::Operations
                | emit::FileKind::Types
                | emit::FileKind::GroupOperations(_)
                | emit::FileKind::GroupTypes(_)
                | emit::FileKind::SharedTypes
        )
    });
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        let (mut emit_time, mut format_time) = (Duration::ZERO, Duration::ZERO);
        while let Some(&(index, kind)) = kinds.get(next.fetch_add(1, Ordering::Relaxed)) {
            let started = Instant::now();
            let emitted = emit::emit_file(model, package, kind);
            let emitted_at = Instant::now();
            let formatted = format::format_file(emitted, preamble);
            emit_time += emitted_at - started;
            format_time += emitted_at.elapsed();
            done.push((index, formatted));
        }
        (done, emit_time, format_time)
    };
    let (mine, theirs) = std::thread::scope(|scope| {
        let other = scope.spawn(work);
        let mine = work();
        (mine, other.join())
    });
    let theirs = theirs.unwrap_or_else(|payload| std::panic::resume_unwind(payload));
    let mut files: Vec<(usize, Result<OutputFile, Diagnostic>)> = mine.0;
    files.extend(theirs.0);
    files.sort_by_key(|(index, _)| *index);
    let files = files
        .into_iter()
        .map(|(_, file)| file)
        .collect::<Result<_, _>>()?;
    Ok((files, mine.1 + theirs.1, mine.2 + theirs.2))
}

/// Runs the pipeline up to the model on a loaded document: `config`'s overlay, then resolve
/// and model. Warnings come back with the model.
pub(crate) fn build_model(
    mut document: load::Document,
    config: &Config,
) -> Result<(model::Model, Diagnostics), Failure> {
    if let Some(overlay) = &config.overlay {
        overlay::apply(&mut document.value, overlay)?;
    }
    let resolved = resolve::resolve(document.value)?;
    model::build(&resolved, &document.content_sha256, &config.model_inputs())
}

/// Runs the pipeline up to formatted files. `origin` names the document in messages.
pub fn generate(bytes: &[u8], origin: &str, config: &Config) -> Result<Generated, Failure> {
    let mut timings = Vec::new();
    let mut clock = Instant::now();
    let mut lap = |stage: &'static str| {
        let now = Instant::now();
        timings.push((stage, now - clock));
        clock = now;
    };

    let mut document = load::load(bytes, origin)?;
    lap("load");
    let overlay = match &config.overlay {
        Some(overlay) => Some(overlay::apply(&mut document.value, overlay)?),
        None => None,
    };
    lap("overlay");
    let kept = config.keep_document.then(|| document.value.clone());
    let resolved = resolve::resolve(document.value)?;
    lap("resolve");
    let (model, warnings) =
        model::build(&resolved, &document.content_sha256, &config.model_inputs())?;
    lap("model");
    if config.deny_warnings && !warnings.is_empty() {
        return Err(Failure::from(warnings.denied()));
    }
    let preamble = format::preamble(
        &model.api.title,
        &model.api.version,
        &model.api.content_sha256,
    );
    let package = emit::Package {
        name: &config.crate_name,
        version: &config.crate_version,
    };
    let (files, emit_time, format_time) = emit_and_format(&model, package, &preamble)?;
    timings.push(("emit", emit_time));
    timings.push(("format", format_time));
    let contract_sweep = match config.contract_sweep {
        true => Some(format::format_file(
            emit::contract_sweep_file(&model),
            &preamble,
        )?),
        false => None,
    };

    Ok(Generated {
        files,
        type_count: model.types.len(),
        operation_count: model.operations.len(),
        api: model.api,
        format: document.format,
        file_sha256: document.file_sha256,
        warnings,
        overlay,
        timings,
        document: kept,
        contract_sweep,
    })
}

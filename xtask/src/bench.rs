//! `cargo xtask bench`: how long generation takes, stage by stage, against the floor (the time
//! to parse the document into `serde_json::Value` and nothing more).
//!
//! Each stage's time is the work that stage does: `resolve` follows every reference and
//! merges every `allOf` of the document, `model` only converts what resolve produced. `emit`
//! and `format` run file by file on two threads: their rows are summed over the threads, and
//! a row of their own gives the wall time the two take together.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use codegen::{Config, write};

use crate::codegen::{read_groups, read_names, read_overlay};
use crate::{Args, spec_path};

/// The rows of the table: the stages `codegen::generate` times (by name), the wall time of
/// the two that share the threads, then `write`.
const STAGES: &[(&str, &str)] = &[
    ("load", "load"),
    ("overlay", "overlay"),
    ("resolve", "resolve"),
    ("model", "model"),
    ("emit", "emit (both threads)"),
    ("format", "format (both threads)"),
    (EMIT_AND_FORMAT, "emit + format (wall)"),
    ("write", "write"),
];

/// The stages that run on two threads, overlapping.
const THREADED: &[&str] = &["emit", "format"];
const EMIT_AND_FORMAT: &str = "emit + format";

pub fn run(args: &[String]) -> Result<(), String> {
    let args = Args::parse(args, &["--spec", "--runs"], &["--release"])?;
    if args.has("--release") && cfg!(debug_assertions) {
        return rerun_in_release(&args);
    }
    let runs: usize = match args.value("--runs") {
        Some(text) => text
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| format!("--runs takes a positive number, not `{text}`"))?,
        None => 20,
    };
    let spec = spec_path(args.value("--spec"))?;
    let config = Config {
        operation_names: read_names(None)?,
        groups: read_groups(None)?,
        overlay: read_overlay(None)?,
        always_sent: crate::codegen::read_always_sent(None)?,
        ..Config::default()
    };
    let profile = if cfg!(debug_assertions) {
        "dev profile (what `cargo xtask codegen` runs)"
    } else {
        "release profile"
    };
    say!("cargo xtask bench: {runs} runs after 2 warm-up runs, {profile}");
    for document in documents(&spec) {
        bench_document(&document, &config, runs)?;
    }
    Ok(())
}

/// Builds the xtask in release and runs the benchmark there.
fn rerun_in_release(args: &Args) -> Result<(), String> {
    let mut command = crate::cargo();
    command.args([
        "run",
        "--quiet",
        "--release",
        "--package",
        "xtask",
        "--",
        "bench",
    ]);
    for flag in ["--spec", "--runs"] {
        if let Some(value) = args.value(flag) {
            command.args([flag, value]);
        }
    }
    crate::run_command(command)
}

/// The document given, and its JSON or YAML twin beside it (`x.json` and `x.yaml`).
fn documents(spec: &Path) -> Vec<PathBuf> {
    let mut documents = vec![spec.to_path_buf()];
    let twin = match spec.extension().and_then(|e| e.to_str()) {
        Some("json") => Some(spec.with_extension("yaml")),
        Some("yaml" | "yml") => Some(spec.with_extension("json")),
        _ => None,
    };
    documents.extend(twin.filter(|path| path.is_file()));
    documents.sort_by_key(|path| path.extension().map(|e| e != "yaml"));
    documents
}

/// One row of the table: what it times, its label and its samples.
struct Row {
    stage: &'static str,
    label: &'static str,
    samples: Vec<Duration>,
}

impl Row {
    fn new(stage: &'static str, label: &'static str) -> Row {
        Row {
            stage,
            label,
            samples: Vec::new(),
        }
    }

    fn min(&self) -> Duration {
        self.samples.iter().copied().min().unwrap_or_default()
    }

    fn median(&self) -> Duration {
        let mut sorted = self.samples.clone();
        sorted.sort();
        match sorted.len() {
            0 => Duration::ZERO,
            n if n % 2 == 1 => sorted[n / 2],
            n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
        }
    }
}

fn bench_document(path: &Path, config: &Config, runs: usize) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let origin = path.display().to_string();
    let out = std::env::temp_dir().join(format!("peertube-bench-{}", std::process::id()));

    let mut floor = Row::new("floor", "floor: parse to serde_json::Value");
    let mut stages: Vec<Row> = STAGES
        .iter()
        .map(|&(stage, label)| Row::new(stage, label))
        .collect();
    let mut whole = Row::new("whole", "whole run");
    let mut format = None;
    for run in 0..runs + 2 {
        let started = Instant::now();
        parse_only(&bytes, &origin)?;
        let floor_time = started.elapsed();

        // Writing starts from an empty directory each time: every file is written.
        let _ = std::fs::remove_dir_all(&out);
        let started = Instant::now();
        let generated = codegen::generate(&bytes, &origin, config).map_err(|f| f.to_string())?;
        let write_started = Instant::now();
        // The threaded stages' wall time: what the run took besides the stages before them.
        let before_threads: Duration = (generated.timings.iter())
            .filter(|(stage, _)| !THREADED.contains(stage))
            .map(|(_, time)| *time)
            .sum();
        let threaded_time = (write_started - started).saturating_sub(before_threads);
        write::write(&out, &generated.files)
            .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        let write_time = write_started.elapsed();
        let whole_time = started.elapsed();

        format = Some(generated.format);
        if run < 2 {
            continue;
        }
        floor.samples.push(floor_time);
        whole.samples.push(whole_time);
        for row in &mut stages {
            let time = match row.stage {
                "write" => Some(write_time),
                EMIT_AND_FORMAT => Some(threaded_time),
                name => generated
                    .timings
                    .iter()
                    .find(|(stage, _)| *stage == name)
                    .map(|(_, time)| *time),
            };
            row.samples.extend(time);
        }
    }
    let _ = std::fs::remove_dir_all(&out);

    let format = match format {
        Some(codegen::load::Format::Json) => "JSON",
        Some(codegen::load::Format::Yaml) => "YAML",
        None => "?",
    };
    say!(
        "\n{} ({format}, {:.2} MB)",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
        bytes.len() as f64 / 1e6
    );
    say!("  {:<36} {:>10} {:>10}", "", "min", "median");
    for row in std::iter::once(&floor).chain(&stages).chain([&whole]) {
        say!(
            "  {:<36} {:>10} {:>10}",
            row.label,
            millis(row.min()),
            millis(row.median())
        );
    }
    say!(
        "  {:<36} {:>10.1} {:>10.1}",
        "whole / floor",
        ratio(whole.min(), floor.min()),
        ratio(whole.median(), floor.median())
    );
    Ok(())
}

/// The floor: the document parsed into `serde_json::Value`, the way the load stage parses it.
fn parse_only(bytes: &[u8], origin: &str) -> Result<serde_json::Value, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("{origin}: {e}"))?;
    match codegen::load::detect_format(text) {
        codegen::load::Format::Json => serde_json::from_str(text).map_err(|e| e.to_string()),
        codegen::load::Format::Yaml => {
            codegen::load::parse_yaml(text, origin).map_err(|e| e.to_string())
        }
    }
}

fn millis(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1e3)
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(f64::MIN_POSITIVE)
}

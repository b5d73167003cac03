//! `cargo xtask build-cost`: what the generated crate costs its users to compile: its size,
//! and timed `cargo build` / `cargo check` runs in a target directory of its own.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::{Args, root, run_command};

const PACKAGE: &str = "peertube-client";

pub fn run(args: &[String]) -> Result<(), String> {
    let args = Args::parse(args, &[], &["--cold", "--timings"])?;
    let crate_dir = root().join("generated");
    let size = measure_size(&crate_dir.join("src"))?;
    say!("{PACKAGE}: generated code under generated/src (runtime included)");
    say!(
        "  {} files, {} lines, {:.0} KiB",
        size.files,
        size.lines,
        size.bytes as f64 / 1024.0
    );
    say!(
        "  items: {} structs, {} enums, {} impl blocks, {} functions and methods, {} consts and statics, {} other",
        size.structs,
        size.enums,
        size.impls,
        size.functions,
        size.constants,
        size.other
    );

    let target = root().join("target/build-cost");
    let cargo = Cargo {
        target: target.clone(),
        timings: args.has("--timings"),
    };
    say!(
        "\nTimings (dev profile, target directory {}):",
        target.display()
    );
    if args.has("--cold") {
        let _ = std::fs::remove_dir_all(&target);
        report("cold build, dependencies included", cargo.time(&["build"])?);
    } else {
        cargo.time(&["build"])?;
    }
    // `check` builds its own metadata for the dependencies: prepare it untimed.
    cargo.time(&["check"])?;

    cargo.clean()?;
    report(
        "build of the crate alone (dependencies built)",
        cargo.time(&["build"])?,
    );
    let operations = operations_file(&crate_dir);
    touch(&operations)?;
    report(
        "build after touching an operations file",
        cargo.time(&["build"])?,
    );
    cargo.clean()?;
    report(
        "check of the crate alone (dependencies checked)",
        cargo.time(&["check"])?,
    );
    touch(&operations)?;
    report(
        "check after touching an operations file",
        cargo.time(&["check"])?,
    );
    if cargo.timings {
        say!(
            "\ncargo's timing reports: {}",
            target.join("cargo-timings").display()
        );
    }
    Ok(())
}

fn report(what: &str, time: Duration) {
    say!("  {what:<50} {:>7.1} s", time.as_secs_f64());
}

struct Cargo {
    target: PathBuf,
    timings: bool,
}

impl Cargo {
    /// Runs `cargo <command> -p peertube-client` and returns how long it took.
    fn time(&self, command: &[&str]) -> Result<Duration, String> {
        let mut cmd = self.command();
        cmd.args(command).args(["--package", PACKAGE, "--quiet"]);
        if self.timings {
            cmd.arg("--timings");
        }
        let started = Instant::now();
        run_command(cmd)?;
        Ok(started.elapsed())
    }

    /// Removes the crate's own artifacts, keeping its dependencies'.
    fn clean(&self) -> Result<(), String> {
        let mut cmd = self.command();
        cmd.args(["clean", "--package", PACKAGE, "--quiet"]);
        run_command(cmd)
    }

    fn command(&self) -> Command {
        let mut cmd = crate::cargo();
        cmd.env("CARGO_TARGET_DIR", &self.target)
            // The figures are the crate's, not those of flags set for this shell.
            .env_remove("RUSTFLAGS");
        cmd
    }
}

/// A file of methods: the operations module, or (split by group) its `mod.rs`.
fn operations_file(crate_dir: &Path) -> PathBuf {
    let single = crate_dir.join("src/operations.rs");
    match single.is_file() {
        true => single,
        false => crate_dir.join("src/operations/mod.rs"),
    }
}

/// Marks a file changed, as an edit would, without changing it.
fn touch(path: &Path) -> Result<(), String> {
    let file = std::fs::File::options()
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    file.set_modified(std::time::SystemTime::now())
        .map_err(|e| format!("cannot touch {}: {e}", path.display()))
}

#[derive(Default)]
struct Size {
    files: usize,
    lines: usize,
    bytes: usize,
    structs: usize,
    enums: usize,
    impls: usize,
    functions: usize,
    constants: usize,
    other: usize,
}

fn measure_size(dir: &Path) -> Result<Size, String> {
    let mut size = Size::default();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries =
            std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            size.files += 1;
            size.lines += text.lines().count();
            size.bytes += text.len();
            let file = syn::parse_file(&text)
                .map_err(|e| format!("{} does not parse: {e}", path.display()))?;
            count_items(&file.items, &mut size);
        }
    }
    Ok(size)
}

fn count_items(items: &[syn::Item], size: &mut Size) {
    for item in items {
        match item {
            syn::Item::Struct(_) => size.structs += 1,
            syn::Item::Enum(_) => size.enums += 1,
            syn::Item::Fn(_) => size.functions += 1,
            syn::Item::Const(_) | syn::Item::Static(_) => size.constants += 1,
            syn::Item::Impl(block) => {
                size.impls += 1;
                for item in &block.items {
                    match item {
                        syn::ImplItem::Fn(_) => size.functions += 1,
                        syn::ImplItem::Const(_) => size.constants += 1,
                        _ => {}
                    }
                }
            }
            syn::Item::Mod(module) => {
                if let Some((_, items)) = &module.content {
                    count_items(items, size);
                }
            }
            syn::Item::Use(_) => {}
            _ => size.other += 1,
        }
    }
}

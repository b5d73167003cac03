//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure.

use std::process::Command;
use std::time::Instant;

use crate::{Args, root, spec_path};

pub fn run(args: &[String]) -> Result<(), String> {
    let args = Args::parse(args, &["--spec"], &[])?;
    let spec = spec_path(args.value("--spec"))?;
    let spec =
        std::fs::canonicalize(&spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let spec_arg = spec.display().to_string();

    step("formatting", || cargo(&["fmt", "--all", "--", "--check"]))?;
    step("generated crate is up to date", || {
        crate::codegen::run(&["--check".to_owned(), "--spec".to_owned(), spec_arg.clone()])
    })?;
    step("clippy", || {
        cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])
    })?;
    step("docs", || {
        let mut command = cargo_command(&["doc", "--no-deps", "-p", "peertube-client"]);
        command.env("RUSTDOCFLAGS", "-D warnings");
        status(command)
    })?;
    step("tests", || {
        let mut command = cargo_command(&["nextest", "run", "--workspace", "--no-fail-fast"]);
        command.env("PEERTUBE_SPEC", &spec_arg);
        status(command)
    })?;
    say!("all checks passed");
    Ok(())
}

fn step(name: &str, check: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    say!("==> {name}");
    let started = Instant::now();
    check().map_err(|e| format!("check failed: {name}\n{e}"))?;
    say!("    {name}: ok ({:.1} s)", started.elapsed().as_secs_f64());
    Ok(())
}

fn cargo_command(args: &[&str]) -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command.args(args).current_dir(root());
    command
}

fn cargo(args: &[&str]) -> Result<(), String> {
    status(cargo_command(args))
}

fn status(mut command: Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} exited with {status}"))
    }
}

//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure.

use std::process::Command;

use crate::{Args, root, spec_path};

pub fn run(args: &[String]) -> Result<(), String> {
    let args = Args::parse(args, &["--spec"], &[])?;
    let spec = spec_path(args.value("--spec"))?;
    let spec =
        std::fs::canonicalize(&spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let spec_arg = spec.display().to_string();

    step("formatting", cargo(&["fmt", "--all", "--", "--check"]))?;
    step("generated crate is up to date", {
        crate::codegen::run(&["--check".to_owned(), "--spec".to_owned(), spec_arg.clone()])
    })?;
    step(
        "clippy",
        cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    step("docs", {
        let mut command = Command::new(cargo_bin());
        command
            .args(["doc", "--no-deps", "-p", "peertube-client"])
            .env("RUSTDOCFLAGS", "-D warnings")
            .current_dir(root());
        status(command)
    })?;
    step("tests", {
        let mut command = Command::new(cargo_bin());
        command
            .args(["nextest", "run", "--workspace", "--no-fail-fast"])
            .env("PEERTUBE_SPEC", &spec_arg)
            .current_dir(root());
        status(command)
    })?;
    say!("all checks passed");
    Ok(())
}

fn step(name: &str, result: Result<(), String>) -> Result<(), String> {
    say!("==> {name}");
    result.map_err(|e| format!("check failed: {name}\n{e}"))
}

fn cargo_bin() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

fn cargo(args: &[&str]) -> Result<(), String> {
    let mut command = Command::new(cargo_bin());
    command.args(args).current_dir(root());
    status(command)
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

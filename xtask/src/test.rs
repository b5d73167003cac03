//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure.

use std::time::Instant;

use crate::{Args, run_command, spec_path};

pub fn run(args: &[String]) -> Result<(), String> {
    let args = Args::parse(args, &["--spec"], &[])?;
    let spec = spec_path(args.value("--spec"))?;
    let spec =
        std::fs::canonicalize(&spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let spec_arg = spec.display().to_string();

    step("formatting", || cargo(&["fmt", "--all", "--", "--check"]))?;
    // The contract sweep (tests/tests/contract.rs) checks the client against exactly the
    // document it was generated from: the check writes it.
    let document = crate::root().join("target/contract/openapi.json");
    step("generated crate is up to date", || {
        crate::codegen::run(&[
            "--check".to_owned(),
            "--spec".to_owned(),
            spec_arg.clone(),
            "--emit-document".to_owned(),
            document.display().to_string(),
        ])
    })?;
    step("Prism for the contract sweep", || {
        crate::node::install(&crate::root().join("tests/contract"), "Prism")
    })?;
    // The document against the server's own models (on the pinned release): a finding that
    // neither the overlay corrects nor spec/server-models.yaml reviews fails here.
    step("audit against PeerTube's models", || {
        crate::audit::run(&["--spec".to_owned(), spec_arg.clone()])
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
        let mut command = crate::cargo();
        command
            .args(["doc", "--no-deps", "-p", "peertube-client"])
            .env("RUSTDOCFLAGS", "-D warnings");
        run_command(command)
    })?;
    // Each group compiles on its own, warning-free: what a user who turns features off gets.
    step("each group of the generated crate alone", || {
        for feature in group_features()? {
            let mut command = crate::cargo();
            command.args([
                "rustc",
                "--quiet",
                "-p",
                "peertube-client",
                "--lib",
                "--profile",
                "check",
                "--no-default-features",
                "--features",
                &feature,
                "--",
                "-D",
                "warnings",
            ]);
            run_command(command).map_err(|e| format!("with only the `{feature}` group: {e}"))?;
        }
        Ok(())
    })?;
    step("tests", || {
        let mut command = crate::cargo();
        command
            .args(["nextest", "run", "--workspace", "--no-fail-fast"])
            .env("PEERTUBE_SPEC", &spec_arg)
            .env("PEERTUBE_CONTRACT_DOCUMENT", &document);
        run_command(command)
    })?;
    // The guide on the crate's front page and the examples in the runtime's docs: nextest
    // does not run doctests (edition 2024 compiles them into one binary, in about 2 s).
    step("doctests", || {
        cargo(&["test", "--doc", "-p", "peertube-client"])
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

fn cargo(args: &[&str]) -> Result<(), String> {
    let mut command = crate::cargo();
    command.args(args);
    run_command(command)
}

/// The features of the generated crate's groups (its `[features]`, but `default`).
fn group_features() -> Result<Vec<String>, String> {
    let path = crate::root().join("generated/Cargo.toml");
    let manifest = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let features = manifest
        .lines()
        .skip_while(|line| line.trim() != "[features]")
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .filter_map(|line| line.split_once(" = ").map(|(name, _)| name.trim()))
        .filter(|name| !matches!(*name, "default" | "full"))
        .map(str::to_owned)
        .collect();
    Ok(features)
}

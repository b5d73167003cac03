//! The crate generated for every fixture document compiles, with its tests, without a
//! warning. All the crates build in one cargo invocation, in one workspace and target
//! directory, with the project's lock file (no new downloads).

use std::path::Path;
use std::process::Command;

#[test]
fn every_fixture_crate_compiles_without_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let workspace = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-crates");
    let _ = std::fs::remove_dir_all(workspace.join("crates"));
    std::fs::create_dir_all(&workspace).unwrap();

    // The fixtures, and the two sides of the diff fixture (`diff/old`, `diff/new`).
    let mut fixtures: Vec<String> = ["spec/fixtures", "spec/fixtures/diff"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(root.join(dir)).unwrap())
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .filter(|path| path.file_stem().is_some_and(|s| s != "overlay"))
        .map(|path| {
            let relative = path.strip_prefix(root.join("spec/fixtures")).unwrap();
            relative.with_extension("").to_string_lossy().into_owned()
        })
        .collect();
    fixtures.sort();
    assert!(fixtures.len() >= 11, "{fixtures:?}");

    let mut members = Vec::new();
    for fixture in &fixtures {
        let bytes =
            std::fs::read(root.join("spec/fixtures").join(format!("{fixture}.yaml"))).unwrap();
        let fixture = &fixture.replace('/', "_");
        // A fixture's evidence of properties always sent, if it has one.
        let evidence = root
            .join("spec/fixtures/always-sent")
            .join(format!("{fixture}.yaml"));
        let always_sent = match std::fs::read(&evidence) {
            Ok(bytes) => codegen::read_always_sent(&bytes, fixture).unwrap(),
            Err(_) => Default::default(),
        };
        let config = codegen::Config {
            crate_name: format!("fixture-{}", fixture.replace('_', "-")),
            always_sent,
            ..codegen::Config::default()
        };
        let generated = codegen::generate(&bytes, fixture, &config)
            .unwrap_or_else(|f| panic!("{fixture}: {f}"));
        let dir = workspace.join("crates").join(fixture);
        codegen::write::write(&dir, &generated.files).unwrap();
        members.push(format!("\"crates/{fixture}\""));
    }
    std::fs::write(
        workspace.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .unwrap();
    std::fs::copy(root.join("Cargo.lock"), workspace.join("Cargo.lock")).unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "check",
            "--workspace",
            "--all-targets",
            "--offline",
            "--message-format=short",
        ])
        .env("RUSTFLAGS", "-D warnings")
        .current_dir(&workspace)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the fixture crates do not compile:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

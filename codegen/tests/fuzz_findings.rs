//! Inputs the fuzzer (`codegen/fuzz/`) found panicking, kept as they were found in
//! `codegen/fuzz/regressions/`: each now gives a result (code or errors), which is a snapshot.
//! The minimal document for each finding is a fixture of its own in `spec/fixtures/`.

use std::path::Path;

fn outcome(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(file);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match codegen::generate(&bytes, file, &codegen::Config::default()) {
        Ok(generated) => {
            let mut out = format!(
                "generated: {} types, {} operations\n",
                generated.type_count, generated.operation_count
            );
            for warning in generated.warnings.warnings() {
                out.push_str(&format!("{warning}\n"));
            }
            out
        }
        Err(failure) => format!("failed:\n{failure}"),
    }
}

#[test]
fn enum_label_of_punctuation() {
    insta::assert_snapshot!(outcome("enum-label-of-punctuation.yaml"));
}

/// Every finding has its test above.
#[test]
fn every_finding_is_tested() {
    let source = include_str!("fuzz_findings.rs");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            source.contains(&format!("outcome(\"{name}\")")),
            "{name} has no test in fuzz_findings.rs"
        );
    }
}

//! Bad documents: each fixture in `spec/fixtures/errors/` stops the generator with errors a
//! maintainer can act on (what is wrong, where, what to do), never a panic. The messages are
//! snapshots.

use std::path::{Path, PathBuf};

fn errors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/fixtures/errors")
}

fn message(file: &str) -> String {
    let bytes = std::fs::read(errors_dir().join(file)).unwrap();
    match codegen::generate(&bytes, file, &codegen::Config::default()) {
        Ok(_) => panic!("{file} generated, but it should fail"),
        Err(failure) => failure.to_string(),
    }
}

/// `--deny-warnings`: a document that generates with warnings fails, each warning an error.
#[test]
fn deny_warnings_makes_warnings_errors() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/fixtures/partly_supported.yaml");
    let bytes = std::fs::read(path).unwrap();
    let generated =
        codegen::generate(&bytes, "partly_supported.yaml", &codegen::Config::default()).unwrap();
    let warnings = generated.warnings.warnings().count();
    assert!(warnings >= 6, "{warnings} warnings");
    let config = codegen::Config {
        deny_warnings: true,
        ..codegen::Config::default()
    };
    let failure = match codegen::generate(&bytes, "partly_supported.yaml", &config) {
        Ok(_) => panic!("generated despite deny_warnings"),
        Err(failure) => failure,
    };
    assert_eq!(failure.diagnostics.error_count(), warnings);
    assert_eq!(failure.diagnostics.warnings().count(), 0);
    insta::assert_snapshot!(failure.to_string());
}

macro_rules! bad_documents {
    ($($name:ident: $file:literal,)*) => {
        $(
            #[test]
            fn $name() {
                insta::assert_snapshot!(message($file));
            }
        )*

        #[test]
        fn every_bad_document_has_a_test() {
            let tested = [$($file),*];
            let mut files: Vec<String> = std::fs::read_dir(errors_dir())
                .unwrap()
                .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            files.sort();
            for file in &files {
                assert!(tested.contains(&file.as_str()), "{file} has no test");
            }
        }
    };
}

bad_documents! {
    yaml_syntax: "yaml_syntax.yaml",
    json_syntax: "json_syntax.json",
    swagger2: "swagger2.yaml",
    openapi31: "openapi31.yaml",
    dangling_refs: "dangling_refs.yaml",
    external_ref: "external_ref.yaml",
    ref_cycle: "ref_cycle.yaml",
    allof_cycle: "allof_cycle.yaml",
    allof_conflict: "allof_conflict.yaml",
    discriminator_missing_schema: "discriminator_missing_schema.yaml",
    discriminator_missing_property: "discriminator_missing_property.yaml",
    duplicate_operation_id: "duplicate_operation_id.yaml",
    name_collision: "name_collision.yaml",
    parameter_without_schema: "parameter_without_schema.yaml",
    empty_paths: "empty_paths.yaml",
    missing_paths: "missing_paths.yaml",
    several_errors: "several_errors.yaml",
    object_in_path: "object_in_path.yaml",
}

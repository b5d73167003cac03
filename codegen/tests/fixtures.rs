//! Snapshots of the generated types for the project's fixture documents (`spec/fixtures/`),
//! one feature each.

use std::path::Path;

fn render(fixture: &str) -> String {
    render_file(fixture, "src/types.rs")
}

/// The generated `file` of the fixture, then its warnings.
fn render_file(fixture: &str, file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../spec/fixtures")
        .join(format!("{fixture}.yaml"));
    let bytes =
        std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let generated = codegen::generate(&bytes, &format!("{fixture}.yaml"), &config(fixture))
        .unwrap_or_else(|failure| panic!("{fixture} does not generate:\n{failure}"));
    let types = generated
        .files
        .iter()
        .find(|f| f.path == file)
        .unwrap_or_else(|| panic!("no {file}"));
    // Skip the preamble: it holds the document's digest, which is not what these tests are about.
    let body = types
        .contents
        .split_once("\n\n")
        .map_or(types.contents.as_str(), |(_, body)| body);
    let mut out = body.to_owned();
    for warning in generated.warnings.warnings() {
        out.push_str(&format!(
            "// {}\n",
            warning.to_string().replace('\n', "\n// ")
        ));
    }
    out
}

/// The generator's configuration for a fixture: the default, with the evidence of properties
/// always sent that `spec/fixtures/always-sent/<fixture>.yaml` holds, if there is one.
fn config(fixture: &str) -> codegen::Config {
    let evidence = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../spec/fixtures/always-sent")
        .join(format!("{fixture}.yaml"));
    let always_sent = match std::fs::read(&evidence) {
        Ok(bytes) => codegen::read_always_sent(&bytes, fixture).unwrap(),
        Err(_) => Default::default(),
    };
    codegen::Config {
        always_sent,
        ..codegen::Config::default()
    }
}

macro_rules! fixtures {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                insta::assert_snapshot!(render(stringify!($name)));
            }
        )*
    };
}

fixtures!(
    allof_required,
    oneof_discriminator,
    oneof_untagged,
    anyof,
    nullable,
    integer_enum,
    ref_into_properties,
    recursion,
    keywords_and_collisions,
    partly_supported,
    unnamable_values,
    callback_ref,
    read_and_sent,
);

/// Fixtures about operations: their methods are the snapshot.
macro_rules! operation_fixtures {
    ($($name:ident: $fixture:literal),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                insta::assert_snapshot!(render_file($fixture, "src/operations.rs"));
            }
        )*
    };
}

operation_fixtures!(
    ref_anywhere: "ref_anywhere",
    undeclared_path_parameter: "undeclared_path_parameter",
    unused_path_parameter: "unused_path_parameter",
    read_and_sent_operations: "read_and_sent",
);

fn generate_with_names(
    fixture: &str,
    names: &[(&str, &str)],
) -> Result<codegen::Generated, codegen::Failure> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../spec/fixtures")
        .join(format!("{fixture}.yaml"));
    let bytes = std::fs::read(&path).unwrap();
    let config = codegen::Config {
        operation_names: names
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        ..codegen::Config::default()
    };
    codegen::generate(&bytes, fixture, &config)
}

#[test]
fn a_names_file_pins_method_names() {
    let generated = generate_with_names("nullable", &[("PUT /videos/{id}", "save_video")]).unwrap();
    let operations = &generated
        .files
        .iter()
        .find(|f| f.path == "src/operations.rs")
        .unwrap()
        .contents;
    assert!(operations.contains("pub fn save_video("), "{operations}");
    assert!(!operations.contains("fn update_video("));
    assert!(operations.contains("pub fn get_video("));
}

#[test]
fn a_names_file_entry_without_an_operation_is_a_warning() {
    let generated = generate_with_names("nullable", &[("GET /gone", "gone")]).unwrap();
    let warnings: Vec<String> = generated
        .warnings
        .warnings()
        .map(ToString::to_string)
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("`GET /gone`, but the document has no such operation")),
        "{warnings:?}"
    );
    let failure =
        generate_with_names("nullable", &[("GET /videos/{id}", "Not-Snake")]).unwrap_err();
    assert!(
        failure.to_string().contains("not a snake_case identifier"),
        "{failure}"
    );
}

#[test]
fn an_operation_the_names_file_misses_is_named_with_a_warning() {
    let warnings = |names: &[(&str, &str)]| -> Vec<String> {
        let generated = generate_with_names("nullable", names).unwrap();
        generated
            .warnings
            .warnings()
            .map(ToString::to_string)
            .filter(|w| w.contains("names file"))
            .collect()
    };
    // A new operation in a new document: it still generates, and the maintainer is told.
    let missed = warnings(&[("PUT /videos/{id}", "save_video")]);
    assert_eq!(missed.len(), 1, "{missed:?}");
    assert!(
        missed[0].contains(
            "`GET /videos/{id}` has no name in the names file; its method is `get_video` for now"
        ),
        "{missed:?}"
    );
    assert!(
        warnings(&[
            ("PUT /videos/{id}", "save_video"),
            ("GET /videos/{id}", "fetch_video")
        ])
        .is_empty()
    );
    // Without a names file, no operation is expected in one.
    assert!(warnings(&[]).is_empty());
}

//! Snapshots of the generated types for the project's fixture documents (`spec/fixtures/`),
//! one feature each.

use std::path::Path;

fn render(fixture: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../spec/fixtures")
        .join(format!("{fixture}.yaml"));
    let bytes =
        std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let generated = codegen::generate(
        &bytes,
        &format!("{fixture}.yaml"),
        &codegen::Config::default(),
    )
    .unwrap_or_else(|failure| panic!("{fixture} does not generate:\n{failure}"));
    let types = generated
        .files
        .iter()
        .find(|f| f.path == "src/types.rs")
        .expect("a types module");
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
);

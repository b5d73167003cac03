//! The `ErrorCode` enum: codes from response descriptions, then from `x-error-codes`.

use std::path::Path;

fn generate(fixture: &str) -> codegen::Generated {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../spec/fixtures")
        .join(format!("{fixture}.yaml"));
    let bytes = std::fs::read(&path).unwrap();
    codegen::generate(&bytes, fixture, &codegen::Config::default())
        .unwrap_or_else(|failure| panic!("{fixture} does not generate:\n{failure}"))
}

fn file<'a>(generated: &'a codegen::Generated, path: &str) -> &'a str {
    &generated
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .contents
}

#[test]
fn codes_come_from_descriptions_then_from_the_declared_list() {
    let generated = generate("error_codes");
    let module = file(&generated, "src/error_code.rs");
    let variants: Vec<&str> = module
        .lines()
        .filter_map(|line| line.trim().strip_prefix("/// `"))
        .collect();
    assert_eq!(
        variants,
        [
            "quota_reached`: for quota limits whether daily or global",
            "account_blocked`: for a blocked account",
            "video_requires_password`: for a video that needs a password",
        ],
        "{module}"
    );
    assert!(!module.contains("not a code"), "{module}");
    // The runtime keeps codes as text; the generated module types them.
    assert!(module.contains("impl crate::Error {"), "{module}");
}

#[test]
fn a_malformed_declared_list_is_a_warning() {
    let document = br#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "x-error-codes": ["quota_reached"],
        "paths": {"/a": {"get": {"operationId": "getA", "responses": {"204": {"description": "ok"}}}}}}"#;
    let generated = codegen::generate(document, "inline", &codegen::Config::default()).unwrap();
    let warnings: Vec<String> = generated
        .warnings
        .warnings()
        .map(|w| w.to_string())
        .collect();
    assert!(
        warnings.iter().any(|w| w.contains("x-error-codes")),
        "{warnings:?}"
    );
}

#[test]
fn credentials_are_secrets() {
    let generated = generate("credentials");
    let types = file(&generated, "src/types.rs");
    for secret in [
        "pub stream_key: Option<crate::Secret>",
        "pub private_download_url: Option<crate::Secret>",
        "pub otp_uri: Option<crate::Secret>",
        "pub type VideoPasswords = Vec<crate::Secret>;",
    ] {
        assert!(types.contains(secret), "{secret} in\n{types}");
    }
    for plain in [
        "pub rtmp_url: Option<String>",
        "pub password_id: Option<i64>",
        "pub two_factor_enabled: Option<bool>",
    ] {
        assert!(types.contains(plain), "{plain} in\n{types}");
    }
}

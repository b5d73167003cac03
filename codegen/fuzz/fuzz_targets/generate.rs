//! Any bytes given to the generator end in generated files or in diagnostics: never a panic,
//! never a hang.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = codegen::generate(data, "fuzz", &codegen::Config::default());
});

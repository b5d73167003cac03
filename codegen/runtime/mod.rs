//! Support code the generated modules share. Written by hand (in the generator's
//! `codegen/runtime/`) and copied into every generated crate.

pub(crate) mod double_option;
#[cfg(test)]
pub(crate) mod examples;
pub mod file;
pub(crate) mod open_enum;
pub(crate) mod untagged;

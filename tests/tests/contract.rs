//! The contract sweep: every operation of the document, called once through the generated
//! client with valid arguments, against Stoplight Prism serving the document the client was
//! generated from (overlay applied) as a validating mock. The cases are written by
//! `cargo xtask codegen` from the model (`contract/cases.rs`); the harness is
//! `support/prism.rs`.

mod support;

// Written by the generator, formatted by prettyplease.
#[rustfmt::skip]
#[path = "contract/cases.rs"]
mod cases;

#[test]
fn every_operation_sends_a_request_the_document_accepts() {
    let cases = cases::cases();
    assert_eq!(cases.len(), cases::OPERATIONS, "one case per operation");
    support::prism::sweep(cases);
}

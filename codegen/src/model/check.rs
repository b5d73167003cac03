//! The model's last check: every name in it is a Rust identifier. The naming rules should
//! guarantee it; if a document finds a gap in them, the maintainer gets an error that names the
//! place instead of a panic in the emit stage.

use super::visit;
use super::{Model, Returns};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::naming::RustName;
use crate::pointer::Pointer;

pub fn identifiers(model: &Model) -> Diagnostics {
    let mut diagnostics = Diagnostics::default();
    let mut check = |name: &RustName, what: &str, at: &Pointer| {
        if !name.is_identifier() {
            diagnostics.push(
                Diagnostic::error(format!(
                    "the {what} here would be named `{name}`, which is not a Rust identifier"
                ))
                .at(at)
                .hint(
                    "this is a gap in the generator's naming rules: please report it with the \
                     document; `spec/names.yaml` or an overlay can rename around it meanwhile",
                ),
            );
        }
    };
    for def in model.types_in_order() {
        visit::for_each_name(def, |name, what| check(name, what, &def.origin));
    }
    for operation in &model.operations {
        let at = &operation.pointer;
        check(&operation.name, "method", at);
        check(&operation.stem, "operation's type", at);
        for parameter in &operation.parameters {
            check(&parameter.name, "parameter", &parameter.pointer);
        }
        if let Returns::Outcome(outcome) = &operation.returns {
            check(&outcome.name, "outcome type", at);
            for variant in &outcome.variants {
                check(&variant.name, "outcome variant", at);
                variant
                    .headers
                    .iter()
                    .for_each(|h| check(&h.name, "header field", at));
            }
        }
    }
    let error_codes = Pointer::root();
    for code in &model.error_codes {
        check(&code.name, "error code", &error_codes);
    }
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ApiInfo, Docs, EnumVariant, OpenEnum, TypeDef, TypeId, TypeKind, Usage};

    fn model_with_variant(name: &str) -> Model {
        Model {
            api: ApiInfo::default(),
            types: vec![TypeDef {
                id: TypeId(0),
                name: "State".into(),
                origin: Pointer::root()
                    .push("components")
                    .push("schemas")
                    .push("State"),
                docs: Docs::default(),
                about: String::new(),
                kind: TypeKind::IntEnum(OpenEnum {
                    variants: vec![EnumVariant {
                        name: name.into(),
                        value: 1,
                        description: None,
                    }],
                    other: "Other".into(),
                }),
                usage: Usage::default(),
                split: None,
            }],
            order: vec![TypeId(0)],
            operations: vec![],
            groups: vec![],
            type_groups: vec![],
            error_codes: vec![],
            oauth: None,
            examples: vec![],
        }
    }

    #[test]
    fn a_name_that_is_no_identifier_is_an_error_at_its_schema() {
        assert_eq!(
            identifiers(&model_with_variant("Published")).error_count(),
            0
        );
        for bad in ["", "2", "a-b", "é"] {
            let diagnostics = identifiers(&model_with_variant(bad));
            let message = diagnostics.errors().next().map(ToString::to_string);
            assert!(
                message
                    .as_deref()
                    .is_some_and(|m| m.contains("#/components/schemas/State")),
                "{bad:?}: {message:?}"
            );
        }
    }
}

//! Local `$ref`s (JSON Reference): the place in the document a reference names. Any JSON
//! pointer may be one, not only a component: `#/paths/~1users~1me/put/responses/204`, or a
//! way that passes through another `$ref` (`#/components/schemas/Tree/properties/comment/
//! properties/id`, where `comment` is a `$ref` to `Comment`), which leads to where the value is
//! written (`#/components/schemas/Comment/properties/id`).

use serde_json::Value;

use super::operations::METHODS;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::pointer::Pointer;

/// How many `$ref`s one lookup follows before it calls the chain a cycle.
const MAX_HOPS: usize = 64;

/// Where the value `reference` names is written, checked to exist. `at` is where the
/// reference is written, and `what` what it should name (`schema`), for the error.
pub(super) fn target(
    raw: &Value,
    reference: &str,
    at: &Pointer,
    what: &str,
) -> Result<Pointer, Diagnostic> {
    let pointer = Pointer::from_ref(reference).ok_or_else(|| external(reference, at))?;
    let mut hops = Vec::new();
    locate(raw, &pointer, &mut hops).map_err(|problem| problem.diagnostic(reference, at, what))
}

/// Follows `reference`, and the `$ref` it leads to while the value there is one, to the value
/// written at the end of the chain: where it is, and the value.
pub(super) fn follow_chain<'v>(
    raw: &'v Value,
    reference: &str,
    at: &Pointer,
    what: &str,
) -> Result<(Pointer, &'v Value), Diagnostic> {
    let mut reference = reference.to_owned();
    let mut hops = Vec::new();
    loop {
        let pointer = Pointer::from_ref(&reference).ok_or_else(|| external(&reference, at))?;
        let found = locate(raw, &pointer, &mut hops)
            .map_err(|problem| problem.diagnostic(&reference, at, what))?;
        let value = raw
            .pointer(found.as_value_pointer())
            .ok_or_else(|| Problem::Dangling.diagnostic(&reference, at, what))?;
        match value.get("$ref").and_then(Value::as_str) {
            Some(next) => {
                if hops.contains(&found) || hops.len() >= MAX_HOPS {
                    return Err(Problem::Cycle.diagnostic(&reference, at, what));
                }
                hops.push(found);
                reference = next.to_owned();
            }
            None => return Ok((found, value)),
        }
    }
}

/// Puts in place of each operation's callback written as a `$ref` the callback it names:
/// `openapiv3` reads a callback only as written in place. Callbacks are not generated, but the
/// document must read; a reference that leads nowhere is an error at the reference.
pub(super) fn inline_callbacks(raw: &mut Value) -> Diagnostics {
    let mut errors = Diagnostics::default();
    let mut found: Vec<(Pointer, Value)> = Vec::new();
    let paths = raw
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten();
    for (path, item) in paths {
        let operations = item.as_object().into_iter().flatten();
        for (method, operation) in operations.filter(|(m, _)| METHODS.contains(&m.as_str())) {
            let callbacks = operation.get("callbacks").and_then(Value::as_object);
            for (name, callback) in callbacks.into_iter().flatten() {
                let Some(reference) = callback.get("$ref").and_then(Value::as_str) else {
                    continue;
                };
                let at = Pointer::root()
                    .push("paths")
                    .push(path)
                    .push(method)
                    .push("callbacks")
                    .push(name);
                match follow_chain(raw, reference, &at, "callback") {
                    Ok((_, value)) => found.push((at, value.clone())),
                    Err(error) => errors.push(error),
                }
            }
        }
    }
    for (at, value) in found {
        if let Some(slot) = raw.pointer_mut(at.as_value_pointer()) {
            *slot = value;
        }
    }
    errors
}

fn external(reference: &str, at: &Pointer) -> Diagnostic {
    Diagnostic::error(format!(
        "external `$ref` `{reference}`: only references inside the document (`#/...`) are supported"
    ))
    .at(at)
    .hint("bundle the document into one file first (for example with `redocly bundle`)")
}

/// Why a reference does not lead to a value.
#[derive(Debug, PartialEq)]
enum Problem {
    Dangling,
    Cycle,
}

impl Problem {
    fn diagnostic(&self, reference: &str, at: &Pointer, what: &str) -> Diagnostic {
        match self {
            Problem::Dangling => Diagnostic::error(format!(
                "`$ref` `{reference}` points to nothing in the document"
            ))
            .at(at)
            .hint(format!(
                "define the {what} it names, or correct the reference"
            )),
            Problem::Cycle => Diagnostic::error(format!(
                "`$ref` `{reference}` never reaches a value: its `$ref`s form a cycle"
            ))
            .at(at),
        }
    }
}

/// Where the value at `pointer` is written. Where the way down meets an object without the
/// next key but with a `$ref`, it continues from the place that `$ref` names; `hops` are the
/// places whose `$ref` was followed, so that a cycle ends.
fn locate(raw: &Value, pointer: &Pointer, hops: &mut Vec<Pointer>) -> Result<Pointer, Problem> {
    if raw.pointer(pointer.as_value_pointer()).is_some() {
        return Ok(pointer.clone());
    }
    let mut at = Pointer::root();
    let mut value = raw;
    for token in pointer.tokens() {
        loop {
            if let Some(next) = child(value, &token) {
                at = at.push(&token);
                value = next;
                break;
            }
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                return Err(Problem::Dangling);
            };
            if hops.contains(&at) || hops.len() >= MAX_HOPS {
                return Err(Problem::Cycle);
            }
            hops.push(at);
            let Some(target) = Pointer::from_ref(reference) else {
                return Err(Problem::Dangling);
            };
            at = locate(raw, &target, hops)?;
            value = raw
                .pointer(at.as_value_pointer())
                .ok_or(Problem::Dangling)?;
        }
    }
    Ok(at)
}

fn child<'v>(value: &'v Value, token: &str) -> Option<&'v Value> {
    match value {
        Value::Object(object) => object.get(token),
        Value::Array(items) => items.get(token.parse::<usize>().ok()?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn document() -> Value {
        json!({
            "components": {"schemas": {
                "Tree": {"properties": {
                    "comment": {"$ref": "#/components/schemas/Comment"},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}}
                }},
                "Comment": {"properties": {"id": {"type": "integer"}}},
                "Alias": {"$ref": "#/components/schemas/Comment"},
                "Loop": {"$ref": "#/components/schemas/Loop2"},
                "Loop2": {"$ref": "#/components/schemas/Loop"}
            }},
            "paths": {"/a": {"put": {"responses": {"204": {"description": "done"}}}}}
        })
    }

    fn target_of(reference: &str) -> Result<String, String> {
        let at = Pointer::root().push("here");
        target(&document(), reference, &at, "schema")
            .map(|p| p.to_string())
            .map_err(|e| e.message)
    }

    #[test]
    fn a_pointer_anywhere_in_the_document_is_a_target() {
        assert_eq!(
            target_of("#/paths/~1a/put/responses/204").as_deref(),
            Ok("#/paths/~1a/put/responses/204")
        );
        assert_eq!(
            target_of("#/components/schemas/Tree/properties/children/items").as_deref(),
            Ok("#/components/schemas/Tree/properties/children/items")
        );
    }

    #[test]
    fn a_way_through_a_ref_leads_where_the_value_is_written() {
        assert_eq!(
            target_of("#/components/schemas/Tree/properties/comment/properties/id").as_deref(),
            Ok("#/components/schemas/Comment/properties/id")
        );
        assert_eq!(
            target_of("#/components/schemas/Alias/properties/id").as_deref(),
            Ok("#/components/schemas/Comment/properties/id")
        );
    }

    #[test]
    fn dangling_external_and_cyclic_references_are_errors() {
        let dangling = target_of("#/components/schemas/Tree/properties/comment/properties/x");
        assert!(dangling.unwrap_err().contains("points to nothing"));
        assert!(target_of("other.yaml#/X").unwrap_err().contains("external"));
        let cycle = target_of("#/components/schemas/Loop/properties/id");
        assert!(cycle.unwrap_err().contains("cycle"));
    }

    #[test]
    fn a_callback_written_as_a_ref_is_put_in_place() {
        let mut raw = json!({
            "paths": {"/search": {"get": {"callbacks": {
                "index": {"$ref": "#/components/callbacks/index"},
                "gone": {"$ref": "#/components/callbacks/gone"}
            }}}},
            "components": {"callbacks": {"index": {"https://x": {"post": {}}}}}
        });
        let errors = inline_callbacks(&mut raw);
        let callbacks = &raw["paths"]["/search"]["get"]["callbacks"];
        assert_eq!(callbacks["index"], json!({"https://x": {"post": {}}}));
        let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            [
                "error: `$ref` `#/components/callbacks/gone` points to nothing in the document\n  at #/paths/~1search/get/callbacks/gone\n  help: define the callback it names, or correct the reference"
            ]
        );
    }

    #[test]
    fn a_chain_of_refs_ends_at_a_value_or_in_a_cycle() {
        let raw = document();
        let at = Pointer::root();
        let (found, value) =
            follow_chain(&raw, "#/components/schemas/Alias", &at, "schema").unwrap();
        assert_eq!(found.as_str(), "#/components/schemas/Comment");
        assert!(value.get("properties").is_some());
        let cycle = follow_chain(&raw, "#/components/schemas/Loop", &at, "schema").unwrap_err();
        assert!(cycle.message.contains("cycle"), "{}", cycle.message);
    }
}

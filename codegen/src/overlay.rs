//! Stage 1b, overlay: corrections to the upstream document, recorded as an OpenAPI Overlay 1.0
//! document and applied to its JSON value before resolution.
//!
//! Each action selects nodes with a JSONPath (RFC 9535) `target`, then either removes them or
//! merges its `update` into them: objects merge key by key (recursively), arrays are extended,
//! and a scalar replaces a scalar; any other combination is an error. An action whose target
//! selects nothing is an error too: the upstream document changed (maybe fixing what the
//! action corrected), and the overlay needs a look.

use serde::Deserialize;
use serde_json::Value;
use serde_json_path::JsonPath;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load;
use crate::pointer::Pointer;

/// An overlay document.
#[derive(Debug, Clone, PartialEq)]
pub struct Overlay {
    /// Where the overlay came from (for messages).
    pub origin: String,
    /// Its `info.title`.
    pub title: String,
    /// Its `info.version`.
    pub version: String,
    /// Its actions, applied in order.
    pub actions: Vec<Action>,
}

/// One correction: nodes selected by a JSONPath, updated or removed.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// The JSONPath (RFC 9535) that selects the nodes.
    pub target: String,
    /// What the action corrects, and the evidence for it.
    pub description: Option<String>,
    /// What to merge into each node.
    pub update: Option<Value>,
    /// Whether to remove the nodes instead.
    pub remove: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawOverlay {
    overlay: String,
    info: RawInfo,
    actions: Vec<RawAction>,
}

#[derive(Deserialize)]
struct RawInfo {
    title: String,
    version: String,
}

#[derive(Deserialize)]
struct RawAction {
    target: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    update: Option<Value>,
    #[serde(default)]
    remove: bool,
}

/// What applying an overlay did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    /// Actions applied.
    pub actions: usize,
    /// Nodes updated or removed, over all actions.
    pub nodes: usize,
}

/// Reads an overlay document (YAML or JSON).
pub fn parse(bytes: &[u8], origin: &str) -> Result<Overlay, Diagnostic> {
    let value = load::load(bytes, origin)?.value;
    let raw: RawOverlay = serde_path_to_error::deserialize(&value).map_err(|e| {
        Diagnostic::error(format!(
            "{origin} is not an Overlay 1.0 document: {}",
            e.inner()
        ))
        .at(&Pointer::root().join_serde_path(e.path()))
    })?;
    if !raw.overlay.starts_with("1.0.") {
        return Err(Diagnostic::error(format!(
            "{origin} is an Overlay {} document; this generator reads Overlay 1.0.x",
            raw.overlay
        ))
        .at(&Pointer::root().push("overlay")));
    }
    let actions = raw
        .actions
        .into_iter()
        .map(|a| Action {
            target: a.target,
            description: a.description,
            update: a.update,
            remove: a.remove,
        })
        .collect();
    Ok(Overlay {
        origin: origin.to_owned(),
        title: raw.info.title,
        version: raw.info.version,
        actions,
    })
}

/// Applies every action in order. Errors name the action (`#/actions/3` in the overlay) and
/// what went wrong; every action is tried, so one run reports them all.
pub fn apply(document: &mut Value, overlay: &Overlay) -> Result<Applied, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let mut applied = Applied::default();
    for (index, action) in overlay.actions.iter().enumerate() {
        match apply_action(document, action) {
            Ok(nodes) => {
                applied.actions += 1;
                applied.nodes += nodes;
            }
            Err(message) => {
                // The description's first sentence names the action well enough.
                let described = action
                    .description
                    .as_deref()
                    .and_then(|d| d.split(". ").next())
                    .map(|d| format!(" ({})", d.trim().trim_end_matches('.')))
                    .unwrap_or_default();
                diagnostics.push(
                    Diagnostic::error(format!(
                        "overlay {}, action {index}{described}: {message}",
                        overlay.origin
                    ))
                    .at(&Pointer::root().push("actions").push(index))
                    .hint(hint(&message)),
                );
            }
        }
    }
    if diagnostics.has_errors() {
        Err(diagnostics)
    } else {
        Ok(applied)
    }
}

fn hint(message: &str) -> &'static str {
    if message.contains("selects nothing") {
        "the upstream document changed here: if it now says what the action corrected, remove the action; if the node moved, update the target"
    } else {
        "correct the action in the overlay"
    }
}

/// Applies one action; returns how many nodes it changed.
fn apply_action(document: &mut Value, action: &Action) -> Result<usize, String> {
    let path = JsonPath::parse(&action.target)
        .map_err(|e| format!("`{}` is not a valid JSONPath: {e}", action.target))?;
    let mut pointers: Vec<String> = path
        .query_located(document)
        .locations()
        .map(|location| location.to_json_pointer())
        .collect();
    if pointers.is_empty() {
        return Err(format!(
            "the target `{}` selects nothing in the document",
            action.target
        ));
    }
    match (&action.update, action.remove) {
        (_, true) => {
            // Last first, so that removing an array item does not shift the next pointer.
            pointers.sort();
            pointers.dedup();
            for pointer in pointers.iter().rev() {
                remove(document, pointer)?;
            }
        }
        (Some(update), false) => {
            for pointer in &pointers {
                let target = document
                    .pointer_mut(pointer)
                    .ok_or_else(|| format!("`{pointer}` is not in the document"))?;
                merge(target, update, pointer)?;
            }
        }
        (None, false) => {
            return Err("the action has neither `update` nor `remove: true`".to_owned());
        }
    }
    Ok(pointers.len())
}

fn remove(document: &mut Value, pointer: &str) -> Result<(), String> {
    let (parent, last) = pointer
        .rsplit_once('/')
        .ok_or_else(|| "the document itself cannot be removed".to_owned())?;
    let key = last.replace("~1", "/").replace("~0", "~");
    match document.pointer_mut(parent) {
        Some(Value::Object(object)) => {
            object.shift_remove(&key);
            Ok(())
        }
        Some(Value::Array(items)) => {
            let index: usize = key
                .parse()
                .map_err(|_| format!("`{pointer}` is not an array item"))?;
            if index < items.len() {
                items.remove(index);
            }
            Ok(())
        }
        _ => Err(format!("`{pointer}` has no parent to remove it from")),
    }
}

/// Merges `update` into `target`, as Overlay 1.0 says.
fn merge(target: &mut Value, update: &Value, at: &str) -> Result<(), String> {
    match (target, update) {
        (Value::Object(target), Value::Object(update)) => {
            for (key, value) in update {
                match target.get_mut(key) {
                    Some(existing) => merge(existing, value, &format!("{at}/{key}"))?,
                    None => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
            Ok(())
        }
        (Value::Array(target), Value::Array(update)) => {
            target.extend(update.iter().cloned());
            Ok(())
        }
        (Value::Array(target), update) => {
            target.push(update.clone());
            Ok(())
        }
        (target, update) if !target.is_object() && !update.is_object() && !update.is_array() => {
            *target = update.clone();
            Ok(())
        }
        (target, update) => Err(format!(
            "cannot merge {} into the {} at `{at}`",
            kind(update),
            kind(target)
        )),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn overlay(actions: &str) -> Overlay {
        let text =
            format!("overlay: 1.0.0\ninfo: {{title: test, version: '1'}}\nactions:\n{actions}");
        parse(text.as_bytes(), "test.yaml").unwrap()
    }

    fn document() -> Value {
        json!({
            "components": {"schemas": {
                "Video": {"properties": {"id": {"type": "integer"}, "name": {"type": "string", "pattern": "/x/"}}},
                "Channel": {"properties": {"id": {"type": "integer"}}, "required": ["id"]}
            }}
        })
    }

    #[test]
    fn update_merges_objects_extends_arrays_and_replaces_scalars() {
        let mut doc = document();
        let overlay = overlay(
            "  - target: $.components.schemas.Video.properties\n    description: servers send url\n    update: {url: {type: string}, id: {nullable: true}}\n  - target: $.components.schemas.Channel.required\n    update: [name]\n  - target: $.components.schemas.Video.properties.name.pattern\n    update: '^x$'\n",
        );
        let applied = apply(&mut doc, &overlay).unwrap();
        assert_eq!(
            applied,
            Applied {
                actions: 3,
                nodes: 3
            }
        );
        assert_eq!(
            doc["components"]["schemas"]["Video"]["properties"],
            json!({"id": {"type": "integer", "nullable": true}, "name": {"type": "string", "pattern": "^x$"}, "url": {"type": "string"}})
        );
        assert_eq!(
            doc["components"]["schemas"]["Channel"]["required"],
            json!(["id", "name"])
        );
    }

    #[test]
    fn remove_deletes_every_selected_node() {
        let mut doc = document();
        let overlay = overlay(
            "  - target: $..pattern\n    remove: true\n  - target: $.components.schemas.Channel\n    remove: true\n",
        );
        let applied = apply(&mut doc, &overlay).unwrap();
        assert_eq!(applied.nodes, 2);
        assert_eq!(
            doc["components"]["schemas"]["Video"]["properties"]["name"],
            json!({"type": "string"})
        );
        assert!(doc["components"]["schemas"].get("Channel").is_none());
    }

    #[test]
    fn a_target_that_selects_nothing_is_an_error_naming_the_action() {
        let mut doc = document();
        let overlay = overlay(
            "  - target: $.components.schemas.Gone\n    description: Gone lacks a field\n    update: {x: 1}\n",
        );
        let errors = apply(&mut doc, &overlay).unwrap_err();
        let error = errors.errors().next().unwrap();
        assert_eq!(
            error.message,
            "overlay test.yaml, action 0 (Gone lacks a field): the target `$.components.schemas.Gone` selects nothing in the document"
        );
        assert_eq!(
            error.pointer.as_ref().map(Pointer::as_str),
            Some("#/actions/0")
        );
    }

    #[test]
    fn a_bad_jsonpath_and_an_incompatible_update_are_errors() {
        let mut doc = document();
        let overlay = overlay(
            "  - target: $.components[\n    update: {}\n  - target: $.components.schemas.Video.properties.id.type\n    update: {a: 1}\n",
        );
        let errors = apply(&mut doc, &overlay).unwrap_err();
        let messages: Vec<&str> = errors.errors().map(|e| e.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[0].contains("is not a valid JSONPath"),
            "{}",
            messages[0]
        );
        assert!(
            messages[1].contains("cannot merge object into the string"),
            "{}",
            messages[1]
        );
    }

    #[test]
    fn only_overlay_1_0_documents_are_read() {
        let err = parse(
            b"overlay: 2.0.0\ninfo: {title: t, version: '1'}\nactions: []\n",
            "x.yaml",
        )
        .unwrap_err();
        assert!(
            err.message.contains("reads Overlay 1.0.x"),
            "{}",
            err.message
        );
        let err = parse(b"info: {title: t, version: '1'}\n", "x.yaml").unwrap_err();
        assert!(
            err.message.contains("not an Overlay 1.0 document"),
            "{}",
            err.message
        );
    }
}

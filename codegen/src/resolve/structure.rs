//! Where a document that does not read as OpenAPI 3.0 goes wrong.
//!
//! `openapiv3` reads the document in one go, and serde cannot say where it was inside the
//! flattened and untagged types it uses (a parameter without `schema` reads as "no variant of
//! enum ParameterSchemaOrContent found in flattened data" at `#/paths`). This walks the
//! document part by part instead, reading each part alone, and reports every part that does
//! not read, as deep as it can be found.

use openapiv3::{
    Info, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response, SecurityScheme,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::pointer::Pointer;

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every part of the document that does not read, where it is.
pub fn locate(raw: &Value) -> Diagnostics {
    let mut found = Diagnostics::default();
    let root = Pointer::root();
    if let Some(info) = raw.get("info") {
        check::<Info>(info, &root.push("info"), "`info`", &mut found, |_, _, _| {});
    }
    if let Some(paths) = raw.get("paths") {
        let at = root.push("paths");
        match paths.as_object() {
            Some(paths) => {
                for (path, item) in paths {
                    check::<ReferenceOr<PathItem>>(
                        item,
                        &at.push(path),
                        "path item",
                        &mut found,
                        path_item,
                    );
                }
            }
            None => found.push(Diagnostic::error("`paths` is not an object").at(&at)),
        }
    }
    if let Some(components) = raw.get("components").and_then(Value::as_object) {
        let at = root.push("components");
        for (kind, entries) in components {
            let Some(entries) = entries.as_object() else {
                continue;
            };
            let kind_at = at.push(kind);
            for (name, entry) in entries {
                let entry_at = kind_at.push(name);
                match kind.as_str() {
                    "parameters" => check::<ReferenceOr<Parameter>>(
                        entry,
                        &entry_at,
                        "parameter",
                        &mut found,
                        parameter,
                    ),
                    "requestBodies" => check::<ReferenceOr<RequestBody>>(
                        entry,
                        &entry_at,
                        "request body",
                        &mut found,
                        |_, _, _| {},
                    ),
                    "responses" => check::<ReferenceOr<Response>>(
                        entry,
                        &entry_at,
                        "response",
                        &mut found,
                        |_, _, _| {},
                    ),
                    "securitySchemes" => check::<ReferenceOr<SecurityScheme>>(
                        entry,
                        &entry_at,
                        "security scheme",
                        &mut found,
                        |_, _, _| {},
                    ),
                    _ => {}
                }
            }
        }
    }
    found
}

/// Reads `value` as a `T`; when it does not read, looks deeper with `descend`, and reports
/// the failure here if nothing deeper explains it.
fn check<T: DeserializeOwned>(
    value: &Value,
    at: &Pointer,
    what: &str,
    found: &mut Diagnostics,
    descend: fn(&Value, &Pointer, &mut Diagnostics),
) {
    let Err(e) = serde_path_to_error::deserialize::<_, T>(value) else {
        return;
    };
    let before = found.error_count();
    descend(value, at, found);
    if found.error_count() > before {
        return;
    }
    found.push(
        Diagnostic::error(format!("invalid {what}: {}", e.inner()))
            .at(&at.join_serde_path(e.path())),
    );
}

fn path_item(item: &Value, at: &Pointer, found: &mut Diagnostics) {
    if let Some(parameters) = item.get("parameters").and_then(Value::as_array) {
        for (i, p) in parameters.iter().enumerate() {
            check::<ReferenceOr<Parameter>>(
                p,
                &at.push("parameters").push(i),
                "parameter",
                found,
                parameter,
            );
        }
    }
    for method in METHODS {
        if let Some(operation) = item.get(method) {
            check::<Operation>(
                operation,
                &at.push(method),
                "operation",
                found,
                self::operation,
            );
        }
    }
}

fn operation(operation: &Value, at: &Pointer, found: &mut Diagnostics) {
    if let Some(parameters) = operation.get("parameters").and_then(Value::as_array) {
        for (i, p) in parameters.iter().enumerate() {
            check::<ReferenceOr<Parameter>>(
                p,
                &at.push("parameters").push(i),
                "parameter",
                found,
                parameter,
            );
        }
    }
    if let Some(body) = operation.get("requestBody") {
        check::<ReferenceOr<RequestBody>>(
            body,
            &at.push("requestBody"),
            "request body",
            found,
            |_, _, _| {},
        );
    }
    match operation.get("responses").and_then(Value::as_object) {
        Some(responses) => {
            for (status, response) in responses {
                let response_at = at.push("responses").push(status);
                check::<ReferenceOr<Response>>(
                    response,
                    &response_at,
                    "response",
                    found,
                    |_, _, _| {},
                );
            }
        }
        None => found.push(
            Diagnostic::error("the operation has no `responses`")
                .at(at)
                .hint("list at least the success response"),
        ),
    }
}

/// A parameter must say what its value is: with `schema` or with `content`.
fn parameter(parameter: &Value, at: &Pointer, found: &mut Diagnostics) {
    let Some(object) = parameter.as_object() else {
        return;
    };
    if object.contains_key("$ref")
        || object.contains_key("schema")
        || object.contains_key("content")
    {
        return;
    }
    let name = object.get("name").and_then(Value::as_str).unwrap_or("?");
    found.push(
        Diagnostic::error(format!(
            "parameter `{name}` has neither `schema` nor `content`"
        ))
        .at(at)
        .hint("give it a `schema` (`schema: {type: string}` for a plain string)"),
    );
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn each_broken_part_is_reported_where_it_is() {
        let document = json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "paths": {
                "/a": {"get": {
                    "parameters": [{"name": "count", "in": "query"}],
                    "responses": {"200": {"description": "ok"}}
                }},
                "/b": {"post": {"requestBody": {"content": 5}, "responses": {"200": {"description": "ok"}}}},
                "/c": {"get": {"summary": "no responses"}}
            }
        });
        let found = locate(&document);
        let reported: Vec<(String, String)> = found
            .errors()
            .map(|d| {
                (
                    d.pointer
                        .as_ref()
                        .map(|p| p.to_string())
                        .unwrap_or_default(),
                    d.message.clone(),
                )
            })
            .collect();
        assert_eq!(reported.len(), 3, "{reported:?}");
        assert_eq!(reported[0].0, "#/paths/~1a/get/parameters/0");
        assert_eq!(
            reported[0].1,
            "parameter `count` has neither `schema` nor `content`"
        );
        assert!(
            reported[1].0.starts_with("#/paths/~1b/post/requestBody"),
            "{reported:?}"
        );
        assert_eq!(
            reported[2],
            (
                "#/paths/~1c/get".to_owned(),
                "the operation has no `responses`".to_owned()
            )
        );
    }
}

//! Overlay actions that add what the document lacks, written from the server's models: a
//! draft for the maintainer, who checks each one (the models say nothing of integers against
//! fractions, or of what a property means) before copying it into `spec/overlay.yaml`.

use std::collections::BTreeMap;

use codegen::pointer::Pointer;
use serde_json::{Map, Value, json};

use super::compare::{Finding, FindingKind};
use super::models::{Models, Ts};
use super::schema::Document;

/// A JSON schema for a model type. `components` maps model names to the component schemas
/// that stand for them (written as `$ref`s); other named types are written out.
pub fn schema_for(
    models: &Models,
    ty: &Ts,
    components: &BTreeMap<String, String>,
    property: &str,
    depth: usize,
) -> Value {
    if depth > 8 {
        return json!({});
    }
    match ty {
        Ts::Any | Ts::Unknown | Ts::Never | Ts::Function | Ts::Undefined | Ts::Tuple { .. } => {
            json!({})
        }
        Ts::Null => json!({"nullable": true}),
        Ts::String => json!({"type": "string"}),
        Ts::Date => json!({"type": "string", "format": "date-time"}),
        Ts::Number => number_schema(property),
        Ts::Boolean => json!({"type": "boolean"}),
        Ts::Literal { value } => literal_schema(std::slice::from_ref(value)),
        Ts::Array { items } => json!({
            "type": "array",
            "items": schema_for(models, items, components, property, depth + 1),
        }),
        Ts::Ref { name } => match components.get(name) {
            Some(component) => json!({"$ref": format!("#/components/schemas/{component}")}),
            None => match models.types.get(name) {
                Some(target) => schema_for(models, target, components, property, depth + 1),
                None => json!({}),
            },
        },
        Ts::Object { properties, index } => {
            let mut schema = Map::new();
            schema.insert("type".into(), json!("object"));
            if !properties.is_empty() {
                let properties: Map<String, Value> = properties
                    .iter()
                    .map(|(name, p)| {
                        (
                            name.clone(),
                            schema_for(models, &p.ty, components, name, depth + 1),
                        )
                    })
                    .collect();
                schema.insert("properties".into(), Value::Object(properties));
            }
            if let Some(index) = index {
                schema.insert(
                    "additionalProperties".into(),
                    schema_for(models, index, components, property, depth + 1),
                );
            }
            Value::Object(schema)
        }
        Ts::Union { of } => {
            let nullable = of.iter().any(|m| matches!(m, Ts::Null));
            let members: Vec<&Ts> = of
                .iter()
                .filter(|m| !matches!(m, Ts::Null | Ts::Undefined))
                .collect();
            let mut schema = if members.iter().all(|m| matches!(m, Ts::String | Ts::Date))
                && members.iter().any(|m| matches!(m, Ts::Date))
            {
                json!({"type": "string", "format": "date-time"})
            } else if members.iter().all(|m| matches!(m, Ts::Literal { .. })) {
                let values: Vec<Value> = members
                    .iter()
                    .filter_map(|m| match m {
                        Ts::Literal { value } => Some(value.clone()),
                        _ => None,
                    })
                    .collect();
                literal_schema(&values)
            } else if let [only] = members.as_slice() {
                schema_for(models, only, components, property, depth + 1)
            } else {
                json!({
                    "oneOf": members
                        .iter()
                        .map(|m| schema_for(models, m, components, property, depth + 1))
                        .collect::<Vec<_>>()
                })
            };
            if nullable && let Value::Object(object) = &mut schema {
                if let Some(reference) = object.remove("$ref") {
                    object.insert("allOf".into(), json!([{"$ref": reference}]));
                }
                object.insert("nullable".into(), json!(true));
            }
            schema
        }
    }
}

fn literal_schema(values: &[Value]) -> Value {
    let kind = if values.iter().all(Value::is_string) {
        "string"
    } else if values.iter().all(|v| v.is_i64()) {
        "integer"
    } else if values.iter().all(Value::is_boolean) {
        "boolean"
    } else {
        return json!({"enum": values});
    };
    json!({"type": kind, "enum": values})
}

/// TypeScript has one `number`; a property named like a count, an id or a size holds whole
/// numbers, anything else may hold fractions.
fn number_schema(property: &str) -> Value {
    let whole = [
        "id", "size", "position", "width", "height", "port", "priority", "attempts",
    ]
    .contains(&property)
        || [
            "Id",
            "Count",
            "Size",
            "Errors",
            "Successes",
            "Length",
            "Quota",
            "Daily",
        ]
        .iter()
        .any(|suffix| property.ends_with(suffix))
        || ["total", "max", "min", "count"]
            .iter()
            .any(|prefix| property.starts_with(prefix));
    if whole {
        json!({"type": "integer"})
    } else {
        json!({"type": "number"})
    }
}

/// The missing properties as overlay actions, one per object schema, in YAML.
pub fn actions(document: &Document, findings: &[(&Finding, Value)], version: &str) -> String {
    let mut by_target: BTreeMap<String, (Vec<String>, Map<String, Value>)> = BTreeMap::new();
    for (finding, schema) in findings {
        if finding.kind != FindingKind::Missing {
            continue;
        }
        let (Some(parent), Some(name)) = (finding.at.parent(), finding.at.last()) else {
            continue;
        };
        let entry = by_target.entry(json_path(document, &parent)).or_default();
        entry.0.push(finding.model.clone());
        entry.1.insert(name, schema.clone());
    }
    let actions: Vec<Value> = by_target
        .into_iter()
        .map(|(target, (models, update))| {
            json!({
                "target": target,
                "description": format!(
                    "In PeerTube's models (@peertube/peertube-types {version}): {}.",
                    models.join(", ")
                ),
                "update": update,
            })
        })
        .collect();
    let mut text = String::new();
    write_yaml(&Value::Array(actions), 0, &mut text);
    text
}

/// Writes `value` as block-style YAML at `indent` spaces; strings are written as JSON strings
/// (YAML reads them alike), so nothing needs quoting rules of its own.
fn write_yaml(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    let scalar = |value: &Value| match value {
        Value::String(text) => serde_json::to_string(text).unwrap_or_default(),
        other => other.to_string(),
    };
    let nested = |value: &Value| match value {
        Value::Object(map) => !map.is_empty(),
        Value::Array(items) => !items.is_empty(),
        _ => false,
    };
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, value) in map {
                out.push_str(&format!("{pad}{}:", scalar(&Value::String(key.clone()))));
                if nested(value) {
                    out.push('\n');
                    write_yaml(value, indent + 2, out);
                } else {
                    out.push_str(&format!(" {}\n", scalar(value)));
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                out.push_str(&format!("{pad}-"));
                if nested(item) {
                    let mut inner = String::new();
                    write_yaml(item, indent + 2, &mut inner);
                    // The item's first line goes after the dash.
                    out.push_str(&format!(" {}", inner.trim_start()));
                } else {
                    out.push_str(&format!(" {}\n", scalar(item)));
                }
            }
        }
        Value::Object(_) => out.push_str(&format!("{pad}{{}}\n")),
        Value::Array(_) => out.push_str(&format!("{pad}[]\n")),
        other => out.push_str(&format!("{pad}{}\n", scalar(other))),
    }
}

/// `#/components/schemas/A-B/allOf/1/properties` ->
/// `$.components.schemas['A-B'].allOf[1].properties`.
pub fn json_path(document: &Document, pointer: &Pointer) -> String {
    let mut path = "$".to_owned();
    let mut at = Pointer::root();
    for token in pointer.tokens() {
        let in_array = document.value(&at).is_some_and(Value::is_array);
        at = at.push(&token);
        if in_array {
            path.push_str(&format!("[{token}]"));
        } else if !token.is_empty()
            && token.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !token.starts_with(|c: char| c.is_ascii_digit())
        {
            path.push('.');
            path.push_str(&token);
        } else {
            path.push_str(&format!("['{}']", token.replace('\'', "\\'")));
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths_quote_what_is_not_an_identifier_and_index_arrays() {
        let root = json!({"components": {"schemas": {"A-B": {"allOf": [{}, {"properties": {}}]}}}});
        let pointer = Pointer::from_ref("#/components/schemas/A-B/allOf/1/properties").unwrap();
        assert_eq!(
            json_path(&Document::new(&root), &pointer),
            "$.components.schemas['A-B'].allOf[1].properties"
        );
    }

    #[test]
    fn model_types_become_schemas() {
        let models: Models = serde_json::from_value(json!({
            "version": "8.1.3", "typescript": "5.9.3", "requested": {},
            "types": {"Label": {"kind": "object", "properties": {}}}
        }))
        .unwrap();
        let ty: Ts = serde_json::from_value(json!({"kind": "object", "properties": {
            "videosCount": {"optional": false, "type": {"kind": "number"}},
            "ratio": {"optional": false, "type": {"kind": "number"}},
            "at": {"optional": false, "type": {"kind": "union", "of": [{"kind": "string"}, {"kind": "date"}]}},
            "level": {"optional": false, "type": {"kind": "union", "of": [
                {"kind": "literal", "value": "info"}, {"kind": "literal", "value": "error"}]}},
            "label": {"optional": false, "type": {"kind": "union", "of": [
                {"kind": "ref", "name": "Label"}, {"kind": "null"}]}}
        }}))
        .unwrap();
        let components = BTreeMap::from([("Label".to_owned(), "ConstantLabel".to_owned())]);
        assert_eq!(
            schema_for(&models, &ty, &components, "", 0),
            json!({"type": "object", "properties": {
                "videosCount": {"type": "integer"},
                "ratio": {"type": "number"},
                "at": {"type": "string", "format": "date-time"},
                "level": {"type": "string", "enum": ["info", "error"]},
                "label": {"allOf": [{"$ref": "#/components/schemas/ConstantLabel"}], "nullable": true}
            }})
        );
    }

    #[test]
    fn yaml_written_reads_back_as_the_same_value() {
        let value = json!([
            {"target": "$.a['b: c']", "update": {"x": {"type": "integer", "enum": [1, 2]},
             "empty": {}, "none": [], "text": "it's \"quoted\"\nand long", "flag": true}},
            {"target": "$", "remove": true}
        ]);
        let mut text = String::new();
        write_yaml(&value, 0, &mut text);
        assert_eq!(
            codegen::load::parse_yaml(&text, "test").unwrap(),
            value,
            "{text}"
        );
    }
}

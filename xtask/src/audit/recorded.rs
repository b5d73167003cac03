//! What recorded responses show: for each property of each object schema, how often a body
//! had it, had it `null`, or left it out. The bodies are the corpus of real responses
//! (`../shared/corpus`, listed in its `INDEX.tsv`) and the document's own response examples.

use std::collections::BTreeMap;
use std::path::Path;

use codegen::pointer::Pointer;
use serde_json::Value;

use super::schema::{Document, Kind};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seen {
    pub present: usize,
    pub null: usize,
    pub absent: usize,
}

/// Observations, by (object schema, property).
#[derive(Debug, Default)]
pub struct Recorded {
    pub seen: BTreeMap<(Pointer, String), Seen>,
    /// Where each property was `null` or absent first: `npe20_....json` or a pointer.
    pub first_miss: BTreeMap<(Pointer, String), String>,
    pub bodies: usize,
    pub examples: usize,
    /// What recorded bodies hold that the schema does not describe: (a value, its source),
    /// by (object schema, property).
    pub unmodeled: BTreeMap<(Pointer, String), (String, String)>,
    /// Values of another kind than their schema says: (the value, its source), by schema.
    pub mismatched: BTreeMap<Pointer, (String, String)>,
}

impl Recorded {
    pub fn get(&self, owner: &Pointer, name: &str) -> Seen {
        self.seen
            .get(&(owner.clone(), name.to_owned()))
            .copied()
            .unwrap_or_default()
    }

    /// Reads every corpus body listed in `corpus/INDEX.tsv` and every JSON response example
    /// of the document, each against the schema of the response it is.
    pub fn read(document: &Document, root: &Value, corpus: &Path) -> Result<Recorded, String> {
        let mut recorded = Recorded::default();
        let index = corpus.join("INDEX.tsv");
        let text = std::fs::read_to_string(&index)
            .map_err(|e| format!("cannot read {}: {e}", index.display()))?;
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
        let column = |name: &str| {
            header
                .iter()
                .position(|h| *h == name)
                .ok_or_else(|| format!("{} has no `{name}` column", index.display()))
        };
        let (file, method, api_path) = (column("file")?, column("method")?, column("api_path")?);
        for line in lines.filter(|l| !l.trim().is_empty()) {
            let cells: Vec<&str> = line.split('\t').collect();
            let cell = |i: usize| cells.get(i).copied().unwrap_or_default();
            let at = Pointer::root()
                .push("paths")
                .push(cell(api_path))
                .push(cell(method).to_ascii_lowercase())
                .push("responses")
                .push("200")
                .push("content")
                .push("application/json")
                .push("schema");
            if document.value(&at).is_none() {
                return Err(format!(
                    "{}: the document has no JSON response 200 for {} {}",
                    cell(file),
                    cell(method),
                    cell(api_path)
                ));
            }
            let path = corpus.join(cell(file));
            let body: Value = std::fs::read(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))
                .and_then(|bytes| {
                    serde_json::from_slice(&bytes)
                        .map_err(|e| format!("{} is not JSON: {e}", path.display()))
                })?;
            recorded.walk(document, &at, &body, cell(file), 0);
            recorded.bodies += 1;
        }
        for (at, example) in response_examples(root) {
            recorded.walk(document, &at, &example.1, example.0.as_str(), 0);
            recorded.examples += 1;
        }
        Ok(recorded)
    }

    fn walk(
        &mut self,
        document: &Document,
        at: &Pointer,
        value: &Value,
        source: &str,
        depth: usize,
    ) {
        if depth > 64 {
            return;
        }
        let Some(schema) = document.schema(at) else {
            return;
        };
        // Items of a list without the list around them (a corpus body trimmed so) are read below.
        let trimmed_list = matches!(
            (&schema.kind, value),
            (Kind::Object(object), Value::Array(_)) if object.property("data").is_some()
        );
        if !value.is_null() && !trimmed_list && !fits(&schema.kind, value) {
            self.mismatched
                .entry(schema.at.clone())
                .or_insert_with(|| (truncate(value), source.to_owned()));
        }
        match (&schema.kind, value) {
            (Kind::Object(object), Value::Object(fields)) => {
                if object.additional.is_none() && !object.properties.is_empty() {
                    for (name, inner) in fields {
                        if object.property(name).is_none() {
                            self.unmodeled
                                .entry((schema.at.clone(), name.clone()))
                                .or_insert_with(|| (truncate(inner), source.to_owned()));
                        }
                    }
                }
                for property in &object.properties {
                    let key = (schema.at.clone(), property.name.clone());
                    let seen = self.seen.entry(key.clone()).or_default();
                    match fields.get(&property.name) {
                        None => seen.absent += 1,
                        Some(Value::Null) => seen.null += 1,
                        Some(_) => seen.present += 1,
                    }
                    match fields.get(&property.name) {
                        Some(Value::Null) | None => {
                            self.first_miss
                                .entry(key)
                                .or_insert_with(|| source.to_owned());
                        }
                        Some(inner) => self.walk(document, &property.at, inner, source, depth + 1),
                    }
                }
                if let Some(additional) = &object.additional {
                    for (name, inner) in fields {
                        if object.property(name).is_none() {
                            self.walk(document, additional, inner, source, depth + 1);
                        }
                    }
                }
            }
            (Kind::Object(object), Value::Array(items)) => {
                if let Some(data) = object.property("data")
                    && let Some(list) = document.schema(&data.at)
                    && let Kind::Array(item) = list.kind
                {
                    for inner in items {
                        self.walk(document, &item, inner, source, depth + 1);
                    }
                }
            }
            (Kind::Array(item), Value::Array(items)) => {
                for inner in items {
                    self.walk(document, item, inner, source, depth + 1);
                }
            }
            _ => {}
        }
    }
}

/// Whether a (non-null) value is of the kind its schema says.
fn fits(kind: &Kind, value: &Value) -> bool {
    match (kind, value) {
        (_, Value::Null) => false,
        (Kind::Any | Kind::Union(_), _) => true,
        (Kind::Object(_), Value::Object(_))
        | (Kind::Array(_), Value::Array(_))
        | (Kind::String { .. }, Value::String(_))
        | (Kind::Number, Value::Number(_))
        | (Kind::Boolean, Value::Bool(_)) => true,
        (Kind::Integer { .. }, Value::Number(n)) => n.is_i64() || n.is_u64(),
        _ => false,
    }
}

fn truncate(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((end, _)) => format!("{}…", text.get(..end).unwrap_or_default()),
        None => text,
    }
}

/// The document's JSON response examples: (where, (value's pointer, value)), by the pointer
/// of the schema they are examples of.
fn response_examples(root: &Value) -> Vec<(Pointer, (String, Value))> {
    let mut found = Vec::new();
    let Some(paths) = root.get("paths").and_then(Value::as_object) else {
        return found;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, operation) in item {
            let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
                continue;
            };
            for (status, response) in responses {
                let Some(content) = response.get("content").and_then(Value::as_object) else {
                    continue;
                };
                for (media_type, media) in content {
                    if !is_json(media_type) {
                        continue;
                    }
                    let at = Pointer::root()
                        .push("paths")
                        .push(path)
                        .push(method)
                        .push("responses")
                        .push(status)
                        .push("content")
                        .push(media_type);
                    if let Some(example) = media.get("example") {
                        found.push((
                            at.push("schema"),
                            (at.push("example").to_string(), example.clone()),
                        ));
                    }
                    for (name, example) in media
                        .get("examples")
                        .and_then(Value::as_object)
                        .into_iter()
                        .flatten()
                    {
                        if let Some(value) = example.get("value") {
                            let where_ = at.push("examples").push(name).push("value");
                            found.push((at.push("schema"), (where_.to_string(), value.clone())));
                        }
                    }
                }
            }
        }
    }
    found
}

fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn presence_null_and_absence_are_counted_per_object_schema() {
        let root = json!({"paths": {"/v": {"get": {"responses": {"200": {"content": {"application/json": {
            "schema": {"type": "array", "items": {"$ref": "#/components/schemas/V"}},
            "examples": {"one": {"value": [{"id": 1, "name": null}, {"id": 2}]}}
        }}}}}}},
        "components": {"schemas": {"V": {"properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}}}}}});
        let document = Document::new(&root);
        let mut recorded = Recorded::default();
        for (at, (source, value)) in response_examples(&root) {
            recorded.walk(&document, &at, &value, &source, 0);
        }
        let owner = Pointer::from_ref("#/components/schemas/V").unwrap();
        assert_eq!(
            recorded.get(&owner, "id"),
            Seen {
                present: 2,
                null: 0,
                absent: 0
            }
        );
        assert_eq!(
            recorded.get(&owner, "name"),
            Seen {
                present: 0,
                null: 1,
                absent: 1
            }
        );
        assert_eq!(
            recorded.first_miss[&(owner, "name".to_owned())],
            "#/paths/~1v/get/responses/200/content/application~1json/examples/one/value"
        );
    }
}

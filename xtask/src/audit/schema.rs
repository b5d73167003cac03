//! The (overlaid) document's schemas, one level at a time: what the audit compares with the
//! server's models. `$ref`s are followed and `allOf` members merged, as the generator does,
//! and every property keeps the pointer where it is written.

use std::collections::BTreeSet;

use codegen::pointer::Pointer;
use serde_json::Value;

/// A schema, read one level deep.
#[derive(Debug, Clone)]
pub struct Schema {
    /// Where the schema is written (a `$ref`'s target, not the `$ref`).
    pub at: Pointer,
    /// The component schema a `$ref` names, if the schema is one.
    pub component: Option<String>,
    pub nullable: bool,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Object(Object),
    /// The schema of the items.
    Array(Pointer),
    String {
        values: Option<Vec<String>>,
    },
    Integer {
        values: Option<Vec<i64>>,
    },
    Number,
    Boolean,
    /// `oneOf`/`anyOf` members.
    Union(Vec<Pointer>),
    /// No type information.
    Any,
}

#[derive(Debug, Clone, Default)]
pub struct Object {
    pub properties: Vec<Property>,
    /// The schema of `additionalProperties`, or `None` when there is none or it is `true`.
    pub additional: Option<Pointer>,
    /// Where a property missing from the schema belongs: the `properties` of the last inline
    /// object of an `allOf`, or of the schema itself.
    pub add_at: Pointer,
}

#[derive(Debug, Clone)]
pub struct Property {
    pub name: String,
    /// Where the property's schema is written.
    pub at: Pointer,
    pub required: bool,
}

impl Object {
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.name == name)
    }
}

/// The document, for reading schemas.
pub struct Document<'a> {
    root: &'a Value,
}

impl<'a> Document<'a> {
    pub fn new(root: &'a Value) -> Self {
        Document { root }
    }

    pub fn value(&self, at: &Pointer) -> Option<&'a Value> {
        self.root.pointer(at.as_value_pointer())
    }

    /// The names of the component schemas, in document order.
    pub fn components(&self) -> Vec<String> {
        self.root
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|schemas| schemas.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The schema at `at`. `None` when nothing is there (a broken `$ref`: codegen reports it).
    pub fn schema(&self, at: &Pointer) -> Option<Schema> {
        self.read(at, 0)
    }

    fn read(&self, at: &Pointer, depth: usize) -> Option<Schema> {
        // A chain of `$ref`s or `allOf`s this long is a cycle.
        if depth > 32 {
            return None;
        }
        let value = self.value(at)?;
        let nullable = value.get("nullable").and_then(Value::as_bool) == Some(true);
        if let Some(reference) = value.get("$ref").and_then(Value::as_str) {
            let target = Pointer::from_ref(reference)?;
            let mut schema = self.read(&target, depth + 1)?;
            schema.nullable |= nullable;
            if schema.component.is_none() {
                schema.component = target.component_schema_name();
            }
            return Some(schema);
        }
        if let Some(members) = value.get("allOf").and_then(Value::as_array) {
            return self.merge(at, value, members.len(), nullable, depth);
        }
        for union in ["oneOf", "anyOf"] {
            let is_object = value.get("type").and_then(Value::as_str) == Some("object")
                || value.get("properties").is_some();
            if let Some(members) = value.get(union).and_then(Value::as_array)
                && is_object
            {
                // An object with a choice of groups of properties: each group's properties may
                // be there.
                let mut object = own_object(at, value);
                for i in 0..members.len() {
                    let member = self.read(&at.push(union).push(i), depth + 1);
                    if let Some(Schema {
                        kind: Kind::Object(member),
                        ..
                    }) = member
                    {
                        for mut property in member.properties {
                            property.required = false;
                            merge_property(&mut object.properties, property);
                        }
                    }
                }
                return Some(Schema {
                    at: at.clone(),
                    component: None,
                    nullable,
                    kind: Kind::Object(object),
                });
            }
            if let Some(members) = value.get(union).and_then(Value::as_array) {
                let members = (0..members.len()).map(|i| at.push(union).push(i)).collect();
                return Some(Schema {
                    at: at.clone(),
                    component: None,
                    nullable,
                    kind: Kind::Union(members),
                });
            }
        }
        let kind = match value.get("type").and_then(Value::as_str) {
            Some("array") => Kind::Array(at.push("items")),
            Some("string") => Kind::String {
                values: enum_values(value, |v| v.as_str().map(str::to_owned)),
            },
            Some("integer") => Kind::Integer {
                values: enum_values(value, Value::as_i64),
            },
            Some("number") => Kind::Number,
            Some("boolean") => Kind::Boolean,
            Some("object") => Kind::Object(own_object(at, value)),
            _ if value.get("properties").is_some() => Kind::Object(own_object(at, value)),
            _ if value.get("enum").is_some() => Kind::String {
                values: enum_values(value, |v| v.as_str().map(str::to_owned)),
            },
            _ => Kind::Any,
        };
        Some(Schema {
            at: at.clone(),
            component: None,
            nullable,
            kind,
        })
    }

    /// An `allOf`: the members' properties, later ones winning, with every `required` list.
    fn merge(
        &self,
        at: &Pointer,
        value: &Value,
        members: usize,
        nullable: bool,
        depth: usize,
    ) -> Option<Schema> {
        let mut merged = own_object(at, value);
        let own = std::mem::take(&mut merged.properties);
        // `allOf` of one member and nothing else (a `$ref` with `nullable` beside it): that
        // member.
        if members == 1 && own.is_empty() {
            let mut schema = self.read(&at.push("allOf").push(0), depth + 1)?;
            schema.nullable |= nullable;
            return Some(schema);
        }
        let mut add_at = None;
        let mut objects = 0;
        let mut last = None;
        for i in 0..members {
            let member_at = at.push("allOf").push(i);
            let Some(member) = self.read(&member_at, depth + 1) else {
                continue;
            };
            let inline = self
                .value(&member_at)
                .is_some_and(|v| v.get("$ref").is_none());
            if let Kind::Object(object) = &member.kind {
                objects += 1;
                if inline {
                    add_at = Some(object.add_at.clone());
                }
                for property in &object.properties {
                    merge_property(&mut merged.properties, property.clone());
                }
                if object.additional.is_some() {
                    merged.additional = object.additional.clone();
                }
            }
            last = Some(member);
        }
        // Members that are not objects: the last one says what the value is.
        if objects == 0 && own.is_empty() {
            let mut schema = last?;
            schema.nullable |= nullable;
            return Some(schema);
        }
        for property in own {
            merge_property(&mut merged.properties, property);
        }
        let required = required_list(value);
        for property in &mut merged.properties {
            property.required |= required.contains(&property.name.as_str());
        }
        if value.get("properties").is_none()
            && let Some(add_at) = add_at
        {
            merged.add_at = add_at;
        }
        Some(Schema {
            at: at.clone(),
            component: None,
            nullable,
            kind: Kind::Object(merged),
        })
    }
}

/// Which way values of a schema travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// In responses the client reads.
    Response,
    /// In requests the client sends (bodies and parameters).
    Request,
}

impl Document<'_> {
    /// Every schema (by where it is written) reachable from the operations' responses or from
    /// their requests, through `$ref`s, properties, items and union members.
    pub fn reachable(&self, direction: Direction) -> BTreeSet<Pointer> {
        let mut stack = Vec::new();
        let paths = self.root.get("paths").and_then(Value::as_object);
        for (path, item) in paths.into_iter().flatten() {
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, operation) in item {
                let at = Pointer::root().push("paths").push(path).push(method);
                match direction {
                    Direction::Response => {
                        let responses = operation.get("responses").and_then(Value::as_object);
                        for (status, response) in responses.into_iter().flatten() {
                            let at = at.push("responses").push(status);
                            let content = response.get("content").and_then(Value::as_object);
                            for media_type in content.into_iter().flatten().map(|(k, _)| k) {
                                stack.push(at.push("content").push(media_type).push("schema"));
                            }
                        }
                    }
                    Direction::Request => {
                        let content = operation
                            .pointer("/requestBody/content")
                            .and_then(Value::as_object);
                        for media_type in content.into_iter().flatten().map(|(k, _)| k) {
                            stack.push(
                                at.push("requestBody")
                                    .push("content")
                                    .push(media_type)
                                    .push("schema"),
                            );
                        }
                    }
                }
            }
        }
        let mut seen = BTreeSet::new();
        while let Some(at) = stack.pop() {
            let Some(schema) = self.schema(&at) else {
                continue;
            };
            if !seen.insert(schema.at.clone()) {
                continue;
            }
            match schema.kind {
                Kind::Object(object) => {
                    stack.extend(object.properties.into_iter().map(|p| p.at));
                    stack.extend(object.additional);
                }
                Kind::Array(items) => stack.push(items),
                Kind::Union(members) => stack.extend(members),
                _ => {}
            }
        }
        seen
    }
}

fn merge_property(properties: &mut Vec<Property>, property: Property) {
    match properties.iter_mut().find(|p| p.name == property.name) {
        Some(existing) => {
            let required = existing.required || property.required;
            *existing = property;
            existing.required = required;
        }
        None => properties.push(property),
    }
}

fn required_list(value: &Value) -> Vec<&str> {
    value
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn own_object(at: &Pointer, value: &Value) -> Object {
    let required = required_list(value);
    let properties = value
        .get("properties")
        .and_then(Value::as_object)
        .map(|properties| {
            properties
                .keys()
                .map(|name| Property {
                    name: name.clone(),
                    at: at.push("properties").push(name),
                    required: required.contains(&name.as_str()),
                })
                .collect()
        })
        .unwrap_or_default();
    let additional = match value.get("additionalProperties") {
        Some(Value::Object(_)) => Some(at.push("additionalProperties")),
        _ => None,
    };
    Object {
        properties,
        additional,
        add_at: at.push("properties"),
    }
}

fn enum_values<T>(value: &Value, read: impl Fn(&Value) -> Option<T>) -> Option<Vec<T>> {
    let values = value.get("enum")?.as_array()?;
    Some(values.iter().filter_map(read).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pointer(text: &str) -> Pointer {
        Pointer::from_ref(text).unwrap()
    }

    #[test]
    fn all_of_merges_properties_and_required_lists_keeping_where_each_is_written() {
        let document = json!({"components": {"schemas": {
            "Base": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"}}},
            "Details": {"allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"type": "object", "required": ["name"], "properties": {
                    "name": {"type": "string", "nullable": true}, "extra": {"type": "boolean"}}}
            ]}
        }}});
        let document = Document::new(&document);
        let schema = document
            .schema(&pointer("#/components/schemas/Details"))
            .unwrap();
        let Kind::Object(object) = schema.kind else {
            panic!("an object: {schema:?}")
        };
        let found: Vec<(&str, &str, bool)> = object
            .properties
            .iter()
            .map(|p| (p.name.as_str(), p.at.as_str(), p.required))
            .collect();
        assert_eq!(
            found,
            [
                ("id", "#/components/schemas/Base/properties/id", true),
                (
                    "name",
                    "#/components/schemas/Details/allOf/1/properties/name",
                    true
                ),
                (
                    "extra",
                    "#/components/schemas/Details/allOf/1/properties/extra",
                    false
                ),
            ]
        );
        assert_eq!(
            object.add_at.as_str(),
            "#/components/schemas/Details/allOf/1/properties"
        );
    }

    #[test]
    fn a_nullable_ref_in_all_of_is_its_target_made_nullable() {
        let document = json!({"components": {"schemas": {
            "Id": {"type": "integer", "enum": [1, 2]},
            "Holder": {"properties": {"id": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/Id"}]}}}
        }}});
        let document = Document::new(&document);
        let schema = document
            .schema(&pointer("#/components/schemas/Holder/properties/id"))
            .unwrap();
        assert!(schema.nullable);
        assert_eq!(schema.component.as_deref(), Some("Id"));
        assert!(matches!(schema.kind, Kind::Integer { values: Some(ref v) } if v == &[1, 2]));
    }

    #[test]
    fn a_ref_cycle_reads_as_nothing() {
        let document = json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"$ref": "#/components/schemas/A"}
        }}});
        assert!(
            Document::new(&document)
                .schema(&pointer("#/components/schemas/A"))
                .is_none()
        );
    }
}

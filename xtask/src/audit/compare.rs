//! The document's schemas side by side with the server's models: what differs, and, for
//! every property both have, whether each says it is always there.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use codegen::pointer::Pointer;

use super::models::{Models, ObjectModel, Shape, Ts, describe};
use super::schema::{Document, Kind, Object, Schema};

/// What differs between a schema and its model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingKind {
    /// The model has a property the schema lacks.
    Missing,
    /// The schema has a property the model lacks.
    Extra,
    /// The kinds of value differ (array and object, string and number, ...).
    Type,
    /// The enum values differ.
    Enum,
    /// The schema requires a property the model may leave out.
    Required,
    /// The model allows `null` where the schema does not.
    Nullable,
    /// A recorded body has a property the schema lacks.
    Recorded,
    /// A recorded body has a value of another kind than the schema says.
    RecordedType,
}

impl FindingKind {
    pub const ALL: [FindingKind; 8] = [
        FindingKind::Missing,
        FindingKind::Extra,
        FindingKind::Type,
        FindingKind::Enum,
        FindingKind::Required,
        FindingKind::Nullable,
        FindingKind::Recorded,
        FindingKind::RecordedType,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FindingKind::Missing => "missing",
            FindingKind::Extra => "extra",
            FindingKind::Type => "type",
            FindingKind::Enum => "enum",
            FindingKind::Required => "required",
            FindingKind::Nullable => "nullable",
            FindingKind::Recorded => "recorded",
            FindingKind::RecordedType => "recorded-type",
        }
    }

    pub fn parse(text: &str) -> Option<FindingKind> {
        FindingKind::ALL.into_iter().find(|k| k.name() == text)
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub kind: FindingKind,
    /// Where in the document: the property's schema, or, for a missing property, where it
    /// belongs.
    pub at: Pointer,
    /// The model's property: `ServerConfig.client.videos`.
    pub model: String,
    pub detail: String,
}

/// A property both the schema and the model have.
#[derive(Debug, Clone)]
pub struct Pair {
    /// The component schema whose comparison met the property.
    pub component: String,
    /// The object schema the property belongs to (the Rust type's origin).
    pub owner: Pointer,
    pub name: String,
    /// Where the property's schema is written.
    pub at: Pointer,
    pub model: String,
    pub model_optional: bool,
    pub model_nullable: bool,
    pub required: bool,
    pub nullable: bool,
}

impl Pair {
    /// The server's model says the property is always there, and never `null`.
    pub fn always_sent(&self) -> bool {
        !self.model_optional && !self.model_nullable
    }
}

#[derive(Default)]
pub struct Comparison {
    pub findings: Vec<Finding>,
    pub pairs: Vec<Pair>,
    /// The model's type of each missing property, by where it belongs.
    pub missing: BTreeMap<Pointer, Ts>,
    seen: BTreeSet<(FindingKind, Pointer)>,
    visited: BTreeSet<(Pointer, String)>,
}

impl Comparison {
    pub fn find(&mut self, kind: FindingKind, at: Pointer, model: &str, detail: String) {
        if self.seen.insert((kind, at.clone())) {
            self.findings.push(Finding {
                kind,
                at,
                model: model.to_owned(),
                detail,
            });
        }
    }
}

pub struct Comparer<'a> {
    pub document: &'a Document<'a>,
    pub models: &'a Models,
    pub out: Comparison,
    component: String,
}

impl<'a> Comparer<'a> {
    pub fn new(document: &'a Document<'a>, models: &'a Models) -> Self {
        Comparer {
            document,
            models,
            out: Comparison::default(),
            component: String::new(),
        }
    }

    /// Compares the component schema `component` with the model `ty`, named `path` in the
    /// report.
    pub fn compare(&mut self, component: &str, ty: &Ts, path: &str) {
        self.component = component.to_owned();
        let at = Pointer::root()
            .push("components")
            .push("schemas")
            .push(component);
        let Some(schema) = self.document.schema(&at) else {
            return;
        };
        let (shape, _) = self.models.shape(ty);
        self.value(&schema, &shape, ty, path, true);
    }

    fn value(&mut self, schema: &Schema, shape: &Shape, ty: &Ts, path: &str, top: bool) {
        match (&schema.kind, shape) {
            (Kind::Any, _) | (_, Shape::Any) | (Kind::Union(_), _) => {}
            (Kind::Object(object), Shape::Object(model)) => {
                // A component met through a `$ref` is compared on its own.
                if top || schema.component.is_none() {
                    self.object(schema, object, model, path);
                }
            }
            (Kind::Array(items), Shape::Array(model_items)) => {
                if let Some(items) = self.document.schema(items) {
                    let (shape, _) = self.models.shape(model_items);
                    self.value(&items, &shape, model_items, &format!("{path}[]"), false);
                }
            }
            // A shared enum used where the model allows fewer of its values is fine: only
            // values the enum lacks are worth a line there.
            (Kind::String { values }, Shape::Strings(model_values)) => {
                if let Some(values) = values {
                    let narrower_use = !top && schema.component.is_some();
                    self.enum_values(schema, values, model_values, path, narrower_use);
                }
            }
            (Kind::Integer { values }, Shape::Numbers(model_values)) => {
                if let Some(values) = values {
                    let narrower_use = !top && schema.component.is_some();
                    self.enum_values(schema, values, model_values, path, narrower_use);
                }
            }
            (Kind::String { .. }, Shape::String)
            | (Kind::Integer { .. } | Kind::Number, Shape::Number | Shape::Numbers(_))
            | (Kind::Boolean, Shape::Boolean) => {}
            _ => {
                let detail = format!(
                    "the document has {}, the server's model {}",
                    schema_kind(schema),
                    describe(ty)
                );
                self.out
                    .find(FindingKind::Type, schema.at.clone(), path, detail);
            }
        }
    }

    fn object(&mut self, schema: &Schema, object: &Object, model: &ObjectModel, path: &str) {
        // A schema reached twice (a model property and its `allOf` twin) is compared once.
        if !self
            .out
            .visited
            .insert((schema.at.clone(), path.to_owned()))
        {
            return;
        }
        for (name, property) in &model.properties {
            let here = format!("{path}.{name}");
            let Some(schema_property) = object.property(name) else {
                let at = object.add_at.push(name);
                let optional = if property.optional {
                    "optional"
                } else {
                    "always sent"
                };
                let detail = format!("{} ({optional})", describe(&property.ty));
                self.out.missing.insert(at.clone(), property.ty.clone());
                self.out.find(FindingKind::Missing, at, &here, detail);
                continue;
            };
            let Some(property_schema) = self.document.schema(&schema_property.at) else {
                continue;
            };
            let (shape, model_nullable) = self.models.shape(&property.ty);
            self.out.pairs.push(Pair {
                component: self.component.clone(),
                owner: schema.at.clone(),
                name: name.clone(),
                at: schema_property.at.clone(),
                model: here.clone(),
                model_optional: property.optional,
                model_nullable,
                required: schema_property.required,
                nullable: property_schema.nullable,
            });
            if schema_property.required && property.optional {
                self.out.find(
                    FindingKind::Required,
                    schema_property.at.clone(),
                    &here,
                    "the document requires it, the server's model makes it optional".to_owned(),
                );
            }
            if model_nullable && !property_schema.nullable {
                self.out.find(
                    FindingKind::Nullable,
                    schema_property.at.clone(),
                    &here,
                    format!("the server's model says {}", describe(&property.ty)),
                );
            }
            self.value(&property_schema, &shape, &property.ty, &here, false);
        }
        if model.index.is_none() {
            for property in &object.properties {
                if !model
                    .properties
                    .iter()
                    .any(|(name, _)| *name == property.name)
                {
                    let here = format!("{path}.{}", property.name);
                    let detail = format!(
                        "the server's model {} has no such property",
                        model.name.as_deref().unwrap_or(path)
                    );
                    self.out
                        .find(FindingKind::Extra, property.at.clone(), &here, detail);
                }
            }
        }
        if let (Some(index), Some(additional)) = (&model.index, &object.additional)
            && let Some(values) = self.document.schema(additional)
        {
            let (shape, _) = self.models.shape(index);
            self.value(&values, &shape, index, &format!("{path}[key]"), false);
        }
    }

    fn enum_values<T: PartialEq + fmt::Display>(
        &mut self,
        schema: &Schema,
        values: &[T],
        model_values: &[T],
        path: &str,
        narrower_use: bool,
    ) {
        let lacking: Vec<String> = model_values
            .iter()
            .filter(|v| !values.contains(v))
            .map(ToString::to_string)
            .collect();
        let unknown: Vec<String> = values
            .iter()
            .filter(|v| !model_values.contains(v))
            .map(ToString::to_string)
            .collect();
        let mut detail = Vec::new();
        if !lacking.is_empty() {
            detail.push(format!("the document lacks {}", lacking.join(", ")));
        }
        if !unknown.is_empty() && !narrower_use {
            detail.push(format!(
                "the server's model does not have {}",
                unknown.join(", ")
            ));
        }
        if !detail.is_empty() {
            self.out.find(
                FindingKind::Enum,
                schema.at.clone(),
                path,
                detail.join("; "),
            );
        }
    }
}

fn schema_kind(schema: &Schema) -> String {
    match &schema.kind {
        Kind::Object(o) if o.properties.is_empty() && o.additional.is_some() => "a map".to_owned(),
        Kind::Object(o) if o.properties.is_empty() => "an object".to_owned(),
        Kind::Object(o) => format!(
            "an object {{ {} }}",
            o.properties
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Kind::Array(_) => "an array".to_owned(),
        Kind::String { values: Some(_) } => "a string enum".to_owned(),
        Kind::String { values: None } => "a string".to_owned(),
        Kind::Integer { values: Some(_) } => "an integer enum".to_owned(),
        Kind::Integer { values: None } => "an integer".to_owned(),
        Kind::Number => "a number".to_owned(),
        Kind::Boolean => "a boolean".to_owned(),
        Kind::Union(_) => "a union".to_owned(),
        Kind::Any => "any value".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn compare(document: serde_json::Value, model: serde_json::Value) -> Comparison {
        let models: Models = serde_json::from_value(json!({
            "version": "8.1.3", "typescript": "5.9.3",
            "types": {"Thing": model}, "requested": {}
        }))
        .unwrap();
        let document = Document::new(&document);
        let mut comparer = Comparer::new(&document, &models);
        comparer.compare(
            "Thing",
            &Ts::Ref {
                name: "Thing".into(),
            },
            "Thing",
        );
        comparer.out
    }

    fn lines(comparison: &Comparison) -> Vec<String> {
        comparison
            .findings
            .iter()
            .map(|f| format!("{} {} {}: {}", f.kind, f.at, f.model, f.detail))
            .collect()
    }

    #[test]
    fn every_kind_of_difference_is_found_with_its_pointer() {
        let document = json!({"components": {"schemas": {"Thing": {
            "type": "object",
            "required": ["label"],
            "properties": {
                "list": {"type": "array", "items": {"type": "string"}},
                "label": {"type": "string"},
                "privacy": {"type": "integer", "enum": [1, 2, 9]},
                "old": {"type": "string"},
                "nested": {"type": "object", "properties": {"a": {"type": "string"}}}
            }
        }}}});
        let number = json!({"kind": "number"});
        let model = json!({"kind": "object", "properties": {
            "list": {"optional": false, "type": {"kind": "object", "properties": {}, "index": {"kind": "string"}}},
            "label": {"optional": true, "type": {"kind": "union", "of": [{"kind": "string"}, {"kind": "null"}]}},
            "privacy": {"optional": false, "type": {"kind": "union", "of": [
                {"kind": "literal", "value": 1}, {"kind": "literal", "value": 2}, {"kind": "literal", "value": 3}]}},
            "nested": {"optional": false, "type": {"kind": "object", "properties": {
                "a": {"optional": false, "type": {"kind": "string"}},
                "b": {"optional": false, "type": number}}}},
            "views": {"optional": false, "type": number}
        }});
        let comparison = compare(document, model);
        assert_eq!(
            lines(&comparison),
            [
                "type #/components/schemas/Thing/properties/list Thing.list: the document has an array, the server's model { [key]: string }",
                "required #/components/schemas/Thing/properties/label Thing.label: the document requires it, the server's model makes it optional",
                "nullable #/components/schemas/Thing/properties/label Thing.label: the server's model says string | null",
                "enum #/components/schemas/Thing/properties/privacy Thing.privacy: the document lacks 3; the server's model does not have 9",
                "missing #/components/schemas/Thing/properties/nested/properties/b Thing.nested.b: number (always sent)",
                "missing #/components/schemas/Thing/properties/views Thing.views: number (always sent)",
                "extra #/components/schemas/Thing/properties/old Thing.old: the server's model Thing has no such property",
            ]
        );
        let always: Vec<&str> = comparison
            .pairs
            .iter()
            .filter(|p| p.always_sent() && !p.required)
            .map(|p| p.model.as_str())
            .collect();
        assert_eq!(
            always,
            [
                "Thing.list",
                "Thing.privacy",
                "Thing.nested",
                "Thing.nested.a"
            ]
        );
    }
}

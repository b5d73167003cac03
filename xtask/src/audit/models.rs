//! PeerTube's TypeScript models as `models.mjs` describes them, and the few shapes the audit
//! tells apart.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

/// What `models.mjs` prints.
#[derive(Debug, Deserialize)]
pub struct Models {
    pub version: String,
    pub typescript: String,
    /// Named types (interfaces, aliases), those asked for and those they refer to.
    pub types: BTreeMap<String, Ts>,
    /// Types written as expressions (`ConstantLabel<number>`); `null` when the package has no
    /// such type.
    pub requested: BTreeMap<String, Option<Ts>>,
}

/// A TypeScript type, as the type checker resolves it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Ts {
    Any,
    Unknown,
    Never,
    Undefined,
    Null,
    Literal {
        value: Value,
    },
    String,
    Number,
    Boolean,
    Date,
    Function,
    Union {
        of: Vec<Ts>,
    },
    Array {
        items: Box<Ts>,
    },
    Tuple {
        items: Vec<Ts>,
    },
    /// A type with a name of its own, described in [`Models::types`].
    Ref {
        name: String,
    },
    Object {
        properties: IndexMap<String, TsProperty>,
        /// The values' type of an index signature (`Record<string, T>`, `{ [id: number]: T }`).
        #[serde(default)]
        index: Option<Box<Ts>>,
    },
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TsProperty {
    pub optional: bool,
    #[serde(rename = "type")]
    pub ty: Ts,
}

/// A model's type, reduced to what a JSON schema can say.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// `any`, `unknown`: anything goes.
    Any,
    String,
    /// String literals (an enum).
    Strings(Vec<String>),
    Number,
    /// Number literals (an enum).
    Numbers(Vec<i64>),
    Boolean,
    Array(Box<Ts>),
    Object(ObjectModel),
    /// Members of different kinds (`string | string[]`).
    Mixed(Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectModel {
    /// The model's name, for named types.
    pub name: Option<String>,
    pub properties: Vec<(String, TsProperty)>,
    pub index: Option<Box<Ts>>,
}

impl Models {
    /// `ty` with references followed and `null` taken out: its shape, and whether it may be
    /// `null`.
    pub fn shape(&self, ty: &Ts) -> (Shape, bool) {
        self.shape_named(ty, None)
    }

    fn shape_named(&self, ty: &Ts, name: Option<&str>) -> (Shape, bool) {
        match ty {
            Ts::Any | Ts::Unknown | Ts::Never | Ts::Function | Ts::Undefined => (Shape::Any, false),
            Ts::Null => (Shape::Any, true),
            Ts::String | Ts::Date => (Shape::String, false),
            Ts::Number => (Shape::Number, false),
            Ts::Boolean => (Shape::Boolean, false),
            Ts::Literal { value } => (literal_shape(value), false),
            Ts::Array { items } => (Shape::Array(items.clone()), false),
            Ts::Tuple { .. } => (Shape::Array(Box::new(Ts::Any)), false),
            Ts::Ref { name } => match self.types.get(name) {
                Some(target) => self.shape_named(target, Some(name)),
                None => (Shape::Any, false),
            },
            Ts::Object { properties, index } => (
                Shape::Object(ObjectModel {
                    name: name.map(str::to_owned),
                    properties: properties
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                    index: index.clone(),
                }),
                false,
            ),
            Ts::Union { of } => {
                let nullable = of.iter().any(|m| matches!(m, Ts::Null));
                let shapes: Vec<Shape> = of
                    .iter()
                    .filter(|m| !matches!(m, Ts::Null | Ts::Undefined))
                    .map(|m| {
                        let (shape, _) = self.shape_named(m, None);
                        shape
                    })
                    .collect();
                (union_shape(shapes), nullable)
            }
        }
    }
}

fn literal_shape(value: &Value) -> Shape {
    match value {
        Value::String(s) => Shape::Strings(vec![s.clone()]),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Shape::Numbers(vec![i]),
            None => Shape::Number,
        },
        Value::Bool(_) => Shape::Boolean,
        _ => Shape::Any,
    }
}

/// The members of a union (without `null`) as one shape: literals of one kind are an enum; a
/// plain type beside literals of its kind absorbs them; objects merge; else the union is
/// mixed.
fn union_shape(shapes: Vec<Shape>) -> Shape {
    let mut shapes = shapes.into_iter();
    let Some(first) = shapes.next() else {
        return Shape::Any;
    };
    shapes.fold(first, |a, b| match (a, b) {
        (Shape::Any, _) | (_, Shape::Any) => Shape::Any,
        (Shape::Strings(mut a), Shape::Strings(b)) => {
            for value in b {
                if !a.contains(&value) {
                    a.push(value);
                }
            }
            Shape::Strings(a)
        }
        (Shape::Numbers(mut a), Shape::Numbers(b)) => {
            for value in b {
                if !a.contains(&value) {
                    a.push(value);
                }
            }
            Shape::Numbers(a)
        }
        (Shape::String, Shape::String | Shape::Strings(_)) | (Shape::Strings(_), Shape::String) => {
            Shape::String
        }
        (Shape::Number, Shape::Number | Shape::Numbers(_)) | (Shape::Numbers(_), Shape::Number) => {
            Shape::Number
        }
        (Shape::Boolean, Shape::Boolean) => Shape::Boolean,
        (Shape::Array(a), Shape::Array(_)) => Shape::Array(a),
        (Shape::Object(mut a), Shape::Object(b)) => {
            // Either of two object types: a property present in both is as the first says;
            // one only one of them has may be absent.
            let in_both: Vec<String> = a
                .properties
                .iter()
                .filter(|(name, _)| b.properties.iter().any(|(other, _)| other == name))
                .map(|(name, _)| name.clone())
                .collect();
            for (name, property) in &mut a.properties {
                property.optional |= !in_both.contains(name);
            }
            for (name, property) in b.properties {
                if !a.properties.iter().any(|(n, _)| *n == name) {
                    let mut property = property;
                    property.optional = true;
                    a.properties.push((name, property));
                }
            }
            a.name = None;
            Shape::Object(a)
        }
        (a, b) => {
            let mut kinds = match a {
                Shape::Mixed(kinds) => kinds,
                other => vec![other.kind().to_owned()],
            };
            let b = b.kind().to_owned();
            if !kinds.contains(&b) {
                kinds.push(b);
            }
            Shape::Mixed(kinds)
        }
    })
}

impl Shape {
    /// The kind of JSON value, in a word.
    pub fn kind(&self) -> &'static str {
        match self {
            Shape::Any => "any",
            Shape::String | Shape::Strings(_) => "string",
            Shape::Number | Shape::Numbers(_) => "number",
            Shape::Boolean => "boolean",
            Shape::Array(_) => "array",
            Shape::Object(o) if o.properties.is_empty() && o.index.is_some() => "map",
            Shape::Object(_) => "object",
            Shape::Mixed(_) => "union",
        }
    }
}

/// A model type written the way a maintainer reads it: `string`, `number[]`, `VideoChannel`,
/// `{ id, label }`, `1 | 2 | 3`.
pub fn describe(ty: &Ts) -> String {
    match ty {
        Ts::Any => "any".to_owned(),
        Ts::Unknown => "unknown".to_owned(),
        Ts::Never => "never".to_owned(),
        Ts::Undefined => "undefined".to_owned(),
        Ts::Null => "null".to_owned(),
        Ts::Literal { value } => value.to_string(),
        Ts::String => "string".to_owned(),
        Ts::Number => "number".to_owned(),
        Ts::Boolean => "boolean".to_owned(),
        Ts::Date => "Date".to_owned(),
        Ts::Function => "function".to_owned(),
        Ts::Union { of } => of.iter().map(describe).collect::<Vec<_>>().join(" | "),
        Ts::Array { items } => match **items {
            Ts::Union { .. } => format!("({})[]", describe(items)),
            _ => format!("{}[]", describe(items)),
        },
        Ts::Tuple { items } => format!(
            "[{}]",
            items.iter().map(describe).collect::<Vec<_>>().join(", ")
        ),
        Ts::Ref { name } => name.clone(),
        Ts::Object { properties, index } => {
            let mut parts: Vec<String> = properties
                .iter()
                .map(|(name, p)| format!("{name}{}", if p.optional { "?" } else { "" }))
                .collect();
            if let Some(index) = index {
                parts.push(format!("[key]: {}", describe(index)));
            }
            format!("{{ {} }}", parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn models(types: Value) -> Models {
        serde_json::from_value(serde_json::json!({
            "version": "8.1.3", "typescript": "5.9.3", "types": types, "requested": {}
        }))
        .unwrap()
    }

    fn ts(value: Value) -> Ts {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn literal_unions_are_enums_and_null_makes_nullable() {
        let models = models(serde_json::json!({}));
        let privacy = ts(serde_json::json!({"kind": "union", "of": [
            {"kind": "literal", "value": 1}, {"kind": "literal", "value": 2}, {"kind": "null"}]}));
        assert_eq!(models.shape(&privacy), (Shape::Numbers(vec![1, 2]), true));
        let date =
            ts(serde_json::json!({"kind": "union", "of": [{"kind": "string"}, {"kind": "date"}]}));
        assert_eq!(models.shape(&date), (Shape::String, false));
        let mixed = ts(serde_json::json!({"kind": "union", "of": [
            {"kind": "string"}, {"kind": "array", "items": {"kind": "string"}}]}));
        assert_eq!(
            models.shape(&mixed).0,
            Shape::Mixed(vec!["string".into(), "array".into()])
        );
    }

    #[test]
    fn references_resolve_to_named_objects() {
        let models = models(
            serde_json::json!({"Label": {"kind": "object", "properties": {
            "id": {"optional": false, "type": {"kind": "number"}}}}}),
        );
        let (shape, nullable) =
            models.shape(&ts(serde_json::json!({"kind": "ref", "name": "Label"})));
        assert!(!nullable);
        let Shape::Object(object) = shape else {
            panic!("an object")
        };
        assert_eq!(object.name.as_deref(), Some("Label"));
        assert_eq!(object.properties.len(), 1);
    }

    #[test]
    fn descriptions_read_like_typescript() {
        let ty = ts(
            serde_json::json!({"kind": "array", "items": {"kind": "union", "of": [
            {"kind": "literal", "value": "a"}, {"kind": "null"}]}}),
        );
        assert_eq!(describe(&ty), "(\"a\" | null)[]");
    }
}

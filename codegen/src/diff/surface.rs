//! The generated crate's public surface, read from the model: each method's signature and
//! each type's shape, with types spelled as the crate spells them. Two surfaces compare
//! without knowing about type ids, so models of different documents can be compared.
//!
//! This is the one place that reads the model for the diff: a change to the model's shape
//! only touches this file.

use std::collections::BTreeMap;

use crate::model::{
    FieldRepr, Model, OpenEnum, Operation, ParamRole, ResponseBody, Returns, TypeDef, TypeExpr,
    TypeKind,
};

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Surface {
    pub methods: Vec<Method>,
    pub types: BTreeMap<String, Type>,
}

/// A method of `Client`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Method {
    pub name: String,
    /// `GET /api/v1/videos/{id}`.
    pub route: String,
    /// The route with its parameters' names left out (`GET /api/v1/videos/{}`): what stays when
    /// a parameter is renamed, so the method can be followed.
    pub key: String,
    /// Name and type of each argument, in order (the body last, as `body`).
    pub arguments: Vec<(String, String)>,
    /// The request builder's setters (optional inputs): none means the method sends at once.
    pub options: BTreeMap<String, String>,
    pub returns: String,
    /// The item type of the `_stream` method, for lists read page by page.
    pub stream: Option<String>,
    pub body_media_type: Option<String>,
    pub deprecated: bool,
}

/// A public type.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Type {
    /// Where its schema is written (`#/components/schemas/Video`), to follow a renamed type.
    pub origin: String,
    pub deprecated: bool,
    pub shape: Shape,
}

/// A type's shape: its members by name, each with what users see of it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Shape {
    Struct(Vec<(String, Field)>),
    /// Variants: name → the value it stands for; an open enum keeps unlisted values.
    Enum(Vec<(String, String)>),
    /// Associated constants: name → value (adding one breaks nothing).
    Flags(Vec<(String, String)>),
    /// Variants: name → what the variant holds.
    Variants(Vec<(String, String)>),
    Alias(String),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Field {
    /// The Rust type.
    pub ty: String,
    /// The JSON property.
    pub wire: String,
}

impl Shape {
    pub fn kind(&self) -> &'static str {
        match self {
            Shape::Struct(_) => "a struct",
            Shape::Enum(_) => "an enum of values",
            Shape::Flags(_) => "a set of flags",
            Shape::Variants(_) => "an enum",
            Shape::Alias(_) => "a type alias",
        }
    }

    /// What each member is called in sentences ("field", "value", ...).
    pub fn member(&self) -> &'static str {
        match self {
            Shape::Struct(_) => "field",
            Shape::Enum(_) => "value",
            Shape::Flags(_) => "flag",
            Shape::Variants(_) => "variant",
            Shape::Alias(_) => "target",
        }
    }
}

pub(super) fn surface(model: &Model) -> Surface {
    let mut types: BTreeMap<String, Type> = model
        .types
        .iter()
        .map(|def| (def.name.to_string(), type_surface(model, def)))
        .collect();
    for op in &model.operations {
        if let Returns::Outcome(outcome) = &op.returns {
            let variants = outcome
                .variants
                .iter()
                .map(|v| {
                    let mut held = format!("status {}", v.status);
                    if let Some(body) = &v.body {
                        held.push_str(&format!(", body `{}`", response_body(model, body)));
                    }
                    for header in &v.headers {
                        held.push_str(&format!(
                            ", header `{}: {}`",
                            header.name,
                            rust_type(model, &header.ty)
                        ));
                    }
                    (v.name.to_string(), held)
                })
                .collect();
            types.insert(
                outcome.name.to_string(),
                Type {
                    origin: format!("{}/responses", op.pointer.as_str()),
                    deprecated: op.deprecated,
                    shape: Shape::Variants(variants),
                },
            );
        }
    }
    if !model.error_codes.is_empty() {
        types.insert(
            "ErrorCode".to_owned(),
            Type {
                origin: "error responses".to_owned(),
                deprecated: false,
                shape: Shape::Enum(
                    model
                        .error_codes
                        .iter()
                        .map(|v| (v.name.to_string(), format!("`{}`", v.value)))
                        .collect(),
                ),
            },
        );
    }
    let mut methods: Vec<Method> = model
        .operations
        .iter()
        .map(|op| method(model, op))
        .collect();
    if model.oauth.is_some() {
        methods.push(Method {
            name: "login".to_owned(),
            route: "OAuth 2.0 password flow".to_owned(),
            key: "login".to_owned(),
            arguments: Vec::new(),
            options: BTreeMap::new(),
            returns: "Session".to_owned(),
            stream: None,
            body_media_type: None,
            deprecated: false,
        });
    }
    Surface { methods, types }
}

fn method(model: &Model, op: &Operation) -> Method {
    let route = format!("{} {}", op.method.to_uppercase(), op.path);
    let mut key = String::new();
    let mut in_parameter = false;
    for c in route.chars() {
        match c {
            '{' => {
                in_parameter = true;
                key.push_str("{}");
            }
            '}' => in_parameter = false,
            _ if in_parameter => {}
            _ => key.push(c),
        }
    }
    let mut arguments: Vec<(String, String)> = op
        .parameters
        .iter()
        .filter(|p| p.role == ParamRole::Argument)
        .map(|p| (p.name.to_string(), rust_type(model, &p.ty)))
        .collect();
    if let Some(body) = &op.body {
        let ty = match &body.ty {
            Some(ty) => rust_type(model, ty),
            None => "Bytes".to_owned(),
        };
        arguments.push(("body".to_owned(), ty));
    }
    let options = op
        .parameters
        .iter()
        .filter(|p| p.role == ParamRole::Setter)
        .map(|p| (p.name.to_string(), rust_type(model, &p.ty)))
        .collect();
    let returns = match &op.returns {
        Returns::Unit => "()".to_owned(),
        Returns::Json(ty) => rust_type(model, ty),
        Returns::Text => "String".to_owned(),
        Returns::Binary => "Download".to_owned(),
        Returns::Outcome(outcome) => outcome.name.to_string(),
    };
    Method {
        name: op.name.as_str().to_owned(),
        route,
        key,
        arguments,
        options,
        returns,
        stream: op.pagination.as_ref().map(|p| rust_type(model, &p.item)),
        body_media_type: op.body.as_ref().map(|b| b.content_type.clone()),
        deprecated: op.deprecated,
    }
}

fn type_surface(model: &Model, def: &TypeDef) -> Type {
    let shape = match &def.kind {
        TypeKind::Struct(s) => Shape::Struct(
            s.fields
                .iter()
                .map(|field| {
                    let ty = rust_type(model, &field.ty);
                    let ty = if field.boxed {
                        format!("Box<{ty}>")
                    } else {
                        ty
                    };
                    let ty = match field.repr {
                        FieldRepr::Required => ty,
                        FieldRepr::Flatten => format!("{ty} (flattened)"),
                        FieldRepr::Nullable | FieldRepr::Optional => format!("Option<{ty}>"),
                        FieldRepr::OptionalNullable => format!("Option<Option<{ty}>>"),
                    };
                    let name = field.name.as_str().to_owned();
                    (
                        name,
                        Field {
                            ty,
                            wire: field.wire_name.clone(),
                        },
                    )
                })
                .collect(),
        ),
        TypeKind::StringEnum(e) => open_enum(e, |value| format!("`{value:?}`")),
        TypeKind::IntEnum(e) => open_enum(e, |value| format!("`{value}`")),
        TypeKind::Flags(flags) => Shape::Flags(
            flags
                .iter()
                .map(|v| (v.name.to_string(), format!("`{}`", v.value)))
                .collect(),
        ),
        TypeKind::Tagged(tagged) => Shape::Variants(
            tagged
                .variants
                .iter()
                .map(|v| {
                    let payload = v
                        .payload
                        .as_ref()
                        .map(|payload| format!(" with `{}`", rust_type(model, payload)))
                        .unwrap_or_default();
                    (
                        v.name.to_string(),
                        format!("`{}: {:?}`{payload}", tagged.tag, v.tag_value),
                    )
                })
                .collect(),
        ),
        TypeKind::Untagged(variants) => Shape::Variants(
            variants
                .iter()
                .map(|v| (v.name.to_string(), format!("`{}`", rust_type(model, &v.ty))))
                .collect(),
        ),
        TypeKind::Alias(target) => Shape::Alias(rust_type(model, target)),
    };
    Type {
        origin: def.origin.as_str().to_owned(),
        deprecated: def.docs.deprecated,
        shape,
    }
}

/// An enum's values, and the variant that holds the values it does not list.
fn open_enum<T>(e: &OpenEnum<T>, show: impl Fn(&T) -> String) -> Shape {
    Shape::Enum(
        e.variants
            .iter()
            .map(|v| (v.name.to_string(), show(&v.value)))
            .chain(std::iter::once((
                e.other.to_string(),
                "any other".to_owned(),
            )))
            .collect(),
    )
}

fn response_body(model: &Model, body: &ResponseBody) -> String {
    match body {
        ResponseBody::Json(ty) => rust_type(model, ty),
        ResponseBody::Text => "String".to_owned(),
        ResponseBody::Binary => "Download".to_owned(),
    }
}

/// The Rust type of an expression, as a user of the crate reads it (module paths left out).
pub(super) fn rust_type(model: &Model, expr: &TypeExpr) -> String {
    match expr {
        TypeExpr::Named(id) => model
            .ty(*id)
            .map_or_else(|| "Value".to_owned(), |def| def.name.to_string()),
        TypeExpr::String => "String".to_owned(),
        TypeExpr::Boolean => "bool".to_owned(),
        TypeExpr::Integer => "i64".to_owned(),
        TypeExpr::Int32 => "i32".to_owned(),
        TypeExpr::Number => "f64".to_owned(),
        TypeExpr::DateTime => "DateTime<Utc>".to_owned(),
        TypeExpr::Uuid => "Uuid".to_owned(),
        TypeExpr::Binary => "FilePart".to_owned(),
        TypeExpr::Secret => "Secret".to_owned(),
        TypeExpr::OAuthClient => "OAuthClient".to_owned(),
        TypeExpr::Json => "Value".to_owned(),
        TypeExpr::JsonObject => "Map<String, Value>".to_owned(),
        TypeExpr::List(inner) => format!("Vec<{}>", rust_type(model, inner)),
        TypeExpr::Map(inner) => format!("BTreeMap<String, {}>", rust_type(model, inner)),
        TypeExpr::Option(inner) => format!("Option<{}>", rust_type(model, inner)),
    }
}

//! The contract sweep: one call of each operation through the generated client, with
//! arguments built from the model (the document's examples of scalars, else the smallest
//! values its schema allows), for an independent validator to judge on the wire. It is a
//! module of a test of the `tests` crate (`tests/tests/contract/cases.rs`), covering every
//! operation by construction; the test and its harness (`tests/tests/contract.rs`,
//! `tests/tests/support/prism.rs`) are hand-written.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use super::calls::body_input;
use super::ident;
use crate::model::{BodyFormat, Docs, FieldRepr, Model, Operation, ParamRole, TypeExpr, TypeKind};

/// How deep a value is built: deeper required fields than this would be a cycle of required
/// types, which no value satisfies.
const MAX_DEPTH: usize = 12;

/// The module of cases: `cases()` lists one call per operation, in document order.
pub fn contract_sweep(model: &Model) -> TokenStream {
    let cases = model.operations.iter().map(|op| case(model, op));
    let count = Literal::usize_unsuffixed(model.operations.len());
    quote! {
        //! The cases of the contract sweep (`../contract.rs`): every operation of the
        //! document, called once through the generated client with valid arguments. Written
        //! by `cargo xtask codegen` from the model.

        #![allow(deprecated)]

        use peertube_client::types;

        use crate::support::prism::Case;

        /// How many operations the document has.
        pub const OPERATIONS: usize = #count;

        /// One call per operation, in the document's order.
        pub fn cases() -> Vec<Case> {
            Vec::from([#(#cases),*])
        }
    }
}

fn case(model: &Model, op: &Operation) -> TokenStream {
    let method_name = ident(&op.name);
    let name = op.name.as_str();
    let http = op.method.to_uppercase();
    let path = op.path.as_str();
    let arguments = op
        .parameters
        .iter()
        .filter(|p| p.role == ParamRole::Argument)
        .map(|p| value(model, &p.ty, Some(&p.docs), 0));
    let body = body_input(model, op).map(|(_, format)| match (format, &op.body) {
        (BodyFormat::Binary | BodyFormat::Text, _) => {
            quote!(bytes::Bytes::from_static(b"contract sweep"))
        }
        (_, Some(body)) => match &body.ty {
            Some(ty) => value(model, ty, None, 0),
            None => quote!(bytes::Bytes::from_static(b"contract sweep")),
        },
        (_, None) => quote!(()),
    });
    let setters = op
        .parameters
        .iter()
        .filter(|p| p.role == ParamRole::Setter)
        .map(|p| {
            let setter = ident(&p.name);
            let value = value(model, &p.ty, Some(&p.docs), 0);
            quote!(.#setter(#value))
        });
    let args = arguments.chain(body);
    let unchecked = unchecked_parts(model, op);
    quote! {
        Case {
            name: #name,
            method: #http,
            path: #path,
            unchecked: &[#(#unchecked),*],
            call: |client| Box::pin(async move {
                client.#method_name(#(#args),*)#(#setters)*.await.map(drop)
            }),
        }
    }
}

/// The properties of a multipart body that Prism cannot see, as the case sends them: those
/// written as nested parts (`tasks[0][name]`: Prism reads flat parts only) and those of a
/// `oneOf` (Prism decodes only the properties the schema lists outside it).
fn unchecked_parts(model: &Model, op: &Operation) -> Vec<String> {
    let Some(body) = op
        .body
        .as_ref()
        .filter(|b| b.format == BodyFormat::Multipart)
    else {
        return Vec::new();
    };
    let Some(TypeKind::Struct(s)) = body
        .ty
        .as_ref()
        .map(|ty| model.follow_aliases(ty))
        .and_then(|ty| ty.named())
        .and_then(|id| model.ty(id))
        .map(|def| &def.kind)
    else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for field in &s.fields {
        match field.repr {
            FieldRepr::Flatten => {
                let members = model
                    .follow_aliases(&field.ty)
                    .named()
                    .and_then(|id| model.ty(id));
                let variants: Vec<&TypeExpr> = match members.map(|def| &def.kind) {
                    Some(TypeKind::Untagged(variants)) => variants.iter().map(|v| &v.ty).collect(),
                    Some(TypeKind::Tagged(tagged)) => tagged
                        .variants
                        .iter()
                        .filter_map(|v| v.payload.as_ref())
                        .collect(),
                    _ => Vec::new(),
                };
                for variant in variants {
                    let def = variant.named().and_then(|id| model.ty(id));
                    if let Some(TypeKind::Struct(member)) = def.map(|d| &d.kind) {
                        names.extend(member.fields.iter().map(|f| f.wire_name.clone()));
                    }
                }
            }
            FieldRepr::Required | FieldRepr::Nullable => {
                if !model.is_single_value(&field.ty)
                    && !matches!(model.follow_aliases(&field.ty), TypeExpr::Binary)
                {
                    names.push(field.wire_name.clone());
                }
            }
            FieldRepr::Optional | FieldRepr::OptionalNullable => {}
        }
    }
    names
}

/// A valid value of `ty`, as a Rust expression of exactly that type.
fn value(model: &Model, ty: &TypeExpr, docs: Option<&Docs>, depth: usize) -> TokenStream {
    if depth > MAX_DEPTH {
        return quote!(Default::default());
    }
    match ty {
        TypeExpr::Named(id) => {
            let Some(def) = model.ty(*id) else {
                return quote!(Default::default());
            };
            let name = ident(&def.name);
            match &def.kind {
                TypeKind::Alias(target) => {
                    // The place's own example or constraints first, then the alias's.
                    let docs = docs.filter(|d| informative(d)).or(Some(&def.docs));
                    value(model, target, docs, depth + 1)
                }
                TypeKind::Struct(s) => {
                    let fields = s.fields.iter().map(|field| {
                        let field_name = ident(&field.name);
                        let inner = || {
                            let v = value(model, &field.ty, Some(&field.docs), depth + 1);
                            if field.boxed { quote!(Box::new(#v)) } else { v }
                        };
                        let v = match field.repr {
                            FieldRepr::Required | FieldRepr::Flatten => inner(),
                            FieldRepr::Nullable => {
                                let v = inner();
                                quote!(Some(#v))
                            }
                            FieldRepr::Optional | FieldRepr::OptionalNullable => quote!(None),
                        };
                        quote!(#field_name: #v)
                    });
                    quote!(types::#name { #(#fields),* })
                }
                // An empty value would make an empty path segment.
                TypeKind::StringEnum(open) => {
                    match open.variants.iter().find(|v| !v.value.is_empty()) {
                        Some(variant) => {
                            let variant = ident(&variant.name);
                            quote!(types::#name::#variant)
                        }
                        None => {
                            let other = ident(&open.other);
                            quote!(types::#name::#other("a".to_owned()))
                        }
                    }
                }
                TypeKind::IntEnum(open) => match open.variants.first() {
                    Some(variant) => {
                        let variant = ident(&variant.name);
                        quote!(types::#name::#variant)
                    }
                    None => {
                        let other = ident(&open.other);
                        quote!(types::#name::#other(1))
                    }
                },
                TypeKind::Flags(flags) => match flags.first() {
                    Some(flag) => {
                        let flag = ident(&flag.name);
                        quote!(types::#name::#flag)
                    }
                    None => quote!(types::#name(0)),
                },
                TypeKind::Tagged(tagged) => match tagged.variants.first() {
                    Some(variant) => {
                        let variant_name = ident(&variant.name);
                        match &variant.payload {
                            Some(payload) => {
                                let v = value(model, payload, None, depth + 1);
                                let v = if variant.boxed {
                                    quote!(Box::new(#v))
                                } else {
                                    v
                                };
                                quote!(types::#name::#variant_name(#v))
                            }
                            None => quote!(types::#name::#variant_name),
                        }
                    }
                    None => quote!(Default::default()),
                },
                TypeKind::Untagged(variants) => match variants.first() {
                    Some(variant) => {
                        let variant_name = ident(&variant.name);
                        let v = value(model, &variant.ty, docs, depth + 1);
                        let v = if variant.boxed {
                            quote!(Box::new(#v))
                        } else {
                            v
                        };
                        quote!(types::#name::#variant_name(#v))
                    }
                    None => quote!(Default::default()),
                },
            }
        }
        TypeExpr::String => {
            let text = string(docs);
            quote!(String::from(#text))
        }
        TypeExpr::Secret => {
            let text = string(docs);
            quote!(peertube_client::Secret::new(#text))
        }
        TypeExpr::Boolean => match docs.and_then(|d| d.example.as_ref()) {
            Some(Value::Bool(false)) => quote!(false),
            _ => quote!(true),
        },
        TypeExpr::Integer => {
            let n = Literal::i64_suffixed(integer(docs));
            quote!(#n)
        }
        TypeExpr::Int32 => {
            let n = integer(docs);
            let n = Literal::i32_suffixed(i32::try_from(n).unwrap_or(1));
            quote!(#n)
        }
        TypeExpr::Number => {
            let n = Literal::f64_suffixed(integer(docs) as f64);
            quote!(#n)
        }
        TypeExpr::DateTime => quote!(
            "2024-01-02T03:04:05Z"
                .parse::<chrono::DateTime<chrono::Utc>>()
                .expect("a date-time")
        ),
        TypeExpr::Uuid => {
            quote!(uuid::Uuid::parse_str("9c9de5e8-0a1e-484a-b099-e80766180a6d").expect("a UUID"))
        }
        TypeExpr::Binary => quote!(
            peertube_client::FilePart::from_bytes(bytes::Bytes::from_static(b"contract sweep"))
                .file_name("file.bin")
        ),
        TypeExpr::OAuthClient => quote!(peertube_client::OAuthClient {
            client_id: String::from("client"),
            client_secret: peertube_client::Secret::new("secret"),
        }),
        TypeExpr::Json => quote!(serde_json::json!({})),
        TypeExpr::JsonObject => quote!(serde_json::Map::new()),
        TypeExpr::List(item) => {
            if docs.and_then(|d| d.constraints.max_items) == Some(0) {
                return quote!(Vec::new());
            }
            let v = value(model, item, None, depth + 1);
            quote!(vec![#v])
        }
        TypeExpr::Map(_) => quote!(std::collections::BTreeMap::new()),
        TypeExpr::Option(inner) => {
            let v = value(model, inner, docs, depth + 1);
            quote!(Some(#v))
        }
    }
}

/// Whether the place says something about its values (an example, a format, a pattern).
fn informative(docs: &Docs) -> bool {
    docs.example.is_some()
        || docs.constraints.format.is_some()
        || docs.constraints.pattern.is_some()
        || docs.constraints.min_length.is_some()
}

/// A string the place allows: its example, else one its format or length asks for.
fn string(docs: Option<&Docs>) -> String {
    let Some(docs) = docs else {
        return "a".to_owned();
    };
    if let Some(Value::String(example)) = &docs.example {
        return example.clone();
    }
    let c = &docs.constraints;
    let text = match c.format.as_deref() {
        Some("email") => "user@example.com".to_owned(),
        Some("uri" | "url") => "https://peertube.example/".to_owned(),
        Some("date") => "2024-01-02".to_owned(),
        Some("hostname") => "peertube.example".to_owned(),
        Some("ipv4") => "192.0.2.1".to_owned(),
        _ => "a".to_owned(),
    };
    let min = usize::try_from(c.min_length.unwrap_or(0)).unwrap_or(0);
    if text.len() < min {
        return "a".repeat(min);
    }
    text
}

/// An integer the place allows: its example, else its minimum, else 1 (within its maximum).
fn integer(docs: Option<&Docs>) -> i64 {
    let Some(docs) = docs else {
        return 1;
    };
    if let Some(n) = docs.example.as_ref().and_then(Value::as_i64) {
        return n;
    }
    let c = &docs.constraints;
    let minimum = c.minimum.as_ref().and_then(serde_json::Number::as_i64);
    let maximum = c.maximum.as_ref().and_then(serde_json::Number::as_i64);
    match (minimum, maximum) {
        (Some(min), _) if min > 1 => min,
        (_, Some(max)) if max < 1 => max,
        _ => 1,
    }
}

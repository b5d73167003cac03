//! The `types` module: one Rust item (with its impls) per named type of the model.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use super::docs::{code_span, doc_lines};
use super::{cfg_groups, doc_attrs, ident, literal};
use crate::model::{
    EnumVariant, Field, FieldRepr, Model, OpenEnum, Struct, Tagged, TypeDef, TypeExpr, TypeGroups,
    TypeKind, UntaggedVariant,
};
use crate::naming::RustName;

pub fn types_module(model: &Model) -> TokenStream {
    let about = quote! {
        //! Every schema of the API document as a Rust type.
        //!
        //! Fields the document marks optional are `Option`s; values a server sends that the
        //! document does not list still decode (enums keep them in their `Other` variant),
        //! and unknown properties are ignored.
        //!
        //! Every type is `Serialize`; the types a response can hold are also `Deserialize`,
        //! from any self-describing format (JSON, YAML, ...), through an intermediate tree
        //! of the value: that keeps the crate's build small. JSON kept from earlier decodes
        //! faster with [`crate::from_slice`], the way the client reads responses.
    };
    if !model.has_features() {
        let items = model.types_in_order().map(|def| type_item(model, def));
        return quote! {
            #about
            #(#items)*
        };
    }
    let groups = model
        .groups
        .iter()
        .enumerate()
        .filter(|(index, _)| has_group_types(model, *index));
    let modules = groups.map(|(index, group)| {
        let module = ident(&group.module);
        let cfg = cfg_groups(model, &[index]);
        quote! {
            #cfg
            mod #module;
            #cfg
            pub use #module::*;
        }
    });
    quote! {
        #about
        //!
        //! The types only one group of operations uses are compiled with that group's Cargo
        //! feature; those several groups use, with any of them.

        mod shared;
        pub use shared::*;
        #(#modules)*
    }
}

/// Whether some types are only this group's (and so have a module of their own).
pub fn has_group_types(model: &Model, group: usize) -> bool {
    model
        .types_in_order()
        .any(|def| home(model, def) == Some(group))
}

/// The group whose module holds the type: the one group that uses it, if only one does.
fn home(model: &Model, def: &TypeDef) -> Option<usize> {
    match model.groups_of(def.id) {
        TypeGroups::Any(groups) => match groups.as_slice() {
            [group] => Some(*group),
            _ => None,
        },
        TypeGroups::Always => None,
    }
}

/// `types/shared.rs`: the types several groups use (each compiled when any of them is on),
/// and those always compiled.
pub fn shared_types_module(model: &Model) -> TokenStream {
    let items = model
        .types_in_order()
        .filter(|def| home(model, def).is_none())
        .map(|def| {
            let cfg = match model.groups_of(def.id) {
                TypeGroups::Any(groups) if !groups.is_empty() => cfg_groups(model, groups),
                _ => None,
            };
            with_cfg(cfg, type_item(model, def))
        });
    quote! {
        //! The types several groups of operations use, and those the document only declares.

        #(#items)*
    }
}

/// `types/<group>.rs`: the types only this group's operations use.
pub fn group_types_module(model: &Model, group: usize) -> TokenStream {
    let defs: Vec<&TypeDef> = model
        .types_in_order()
        .filter(|def| home(model, def) == Some(group))
        .collect();
    let name = model
        .groups
        .get(group)
        .map(|g| g.name.as_str())
        .unwrap_or_default();
    let about = format!(" The types only the operations of the {name} group use.");
    // The types of other modules, where these name any.
    let outside = defs.iter().any(|def| {
        let mut outside = false;
        for_each_named(def, &mut |id| {
            outside |= model.ty(id).is_some_and(|t| home(model, t) != Some(group));
        });
        outside
    });
    let import = outside.then(|| {
        quote!(
            use super::*;
        )
    });
    let items = defs.iter().map(|def| type_item(model, def));
    quote! {
        #![doc = #about]

        #import

        #(#items)*
    }
}

/// Every named type a type's fields, variants or alias mention, and the read type a sent
/// type converts from.
fn for_each_named(def: &TypeDef, f: &mut impl FnMut(crate::model::TypeId)) {
    if let Some(crate::model::SplitHalf::Sent { read }) = def.split {
        f(read);
    }
    match &def.kind {
        TypeKind::Struct(s) => s.fields.iter().for_each(|field| field.ty.visit_named(f)),
        TypeKind::Tagged(t) => t
            .variants
            .iter()
            .filter_map(|v| v.payload.as_ref())
            .for_each(|ty| ty.visit_named(f)),
        TypeKind::Untagged(variants) => variants.iter().for_each(|v| v.ty.visit_named(f)),
        TypeKind::Alias(expr) => expr.visit_named(f),
        TypeKind::StringEnum(_) | TypeKind::IntEnum(_) | TypeKind::Flags(_) => {}
    }
}

/// Each item of `items` under `cfg` (a type comes with its impls, which need the same).
fn with_cfg(cfg: Option<TokenStream>, items: TokenStream) -> TokenStream {
    let Some(cfg) = cfg else {
        return items;
    };
    match syn::parse2::<syn::File>(items.clone()) {
        Ok(file) => {
            let items = file.items.iter();
            quote!(#(#cfg #items)*)
        }
        Err(_) => items,
    }
}

fn type_item(model: &Model, def: &TypeDef) -> TokenStream {
    let mut lines = doc_lines(&def.docs);
    if def.docs.title.is_none() && def.docs.description.is_none() {
        // The document says nothing about the type: say where it comes from.
        if !lines.is_empty() {
            lines.insert(0, String::new());
        }
        lines.insert(0, def.about.clone());
    }
    lines.extend(super::convert::split_docs(model, def));
    let docs = doc_attrs(&lines);
    let deprecated = def.docs.deprecated.then(|| quote!(#[deprecated]));
    let name = ident(&def.name);
    let from_read = super::convert::from_read(model, def);
    let item = match &def.kind {
        TypeKind::Struct(s) => struct_item(model, def, s, docs, deprecated),
        TypeKind::StringEnum(e) => string_enum(&name, e, docs, deprecated),
        TypeKind::IntEnum(e) => int_enum(&name, e, docs, deprecated),
        TypeKind::Flags(flags) => flags_item(&name, flags, docs, deprecated),
        TypeKind::Tagged(t) => tagged(model, def, t, docs, deprecated),
        TypeKind::Untagged(variants) => untagged(model, def, variants, docs, deprecated),
        TypeKind::Alias(expr) => {
            let ty = type_tokens(model, expr);
            quote! {
                #docs
                #deprecated
                pub type #name = #ty;
            }
        }
    };
    quote!(#item #from_read)
}

/// `ErrorCode`: the codes the document says PeerTube puts in error responses.
pub fn error_code_module(model: &Model) -> TokenStream {
    let name = ident(&RustName::new("ErrorCode"));
    let codes = OpenEnum {
        variants: model.error_codes.clone(),
        other: RustName::new(
            if model.error_codes.iter().any(|c| c.name.as_str() == "Other") {
                "Unknown"
            } else {
                "Other"
            },
        ),
    };
    let docs = doc_attrs(&[
        "The `code` of an error response: what tells apart errors with one status.".to_owned(),
        String::new(),
        "The variants are the codes the API document lists; any other code is kept as it came."
            .to_owned(),
    ]);
    let item = string_enum(&name, &codes, docs, None);
    quote! {
        //! The codes of PeerTube's error responses.

        #item

        impl crate::ApiError {
            /// The code of the server's problem document (`invalid_token`, ...), if any.
            pub fn code(&self) -> Option<#name> {
                self.raw_code().map(#name::from)
            }
        }

        impl crate::Error {
            /// The code of the server's problem document (`invalid_token`, ...), if any.
            pub fn code(&self) -> Option<#name> {
                self.api_error()?.code()
            }
        }
    }
}

/// The tests that every example of the document decodes into the type generated for it: a
/// component schema's example encodes back to an equal value; a response's (a recording from
/// a running server) encodes back to every value it holds, a `null` reading as an absent field
/// (response types omit fields they do not have).
pub fn examples_module(model: &Model) -> TokenStream {
    let (responses, components): (Vec<_>, Vec<_>) = model
        .examples
        .iter()
        .partition(|example| example.pointer.as_str().starts_with("#/paths/"));
    // A type the client only sends does not decode: its examples cannot be read back.
    let checks = |examples: Vec<&crate::model::Example>, check: TokenStream| {
        let checks = examples
            .into_iter()
            .filter(|example| decodable(model, &example.ty))
            .map(|example| {
                let pointer = example.pointer.as_str();
                let ty = type_tokens(model, &example.ty);
                let json = example.value.to_string();
                quote!((#pointer, #check::<#ty>, #json),)
            });
        quote!(#(#checks)*)
    };
    let component_checks = checks(components, quote!(round_trip));
    let response_test = (!responses.is_empty()).then(|| {
        let response_checks = checks(responses, quote!(decodes));
        quote! {
            #[test]
            fn every_response_example_decodes() {
                let checks: &[Check] = &[
                    #response_checks
                ];
                check_all(checks);
            }

            /// Decodes `json` as a `T` and encodes it back: every value comes back, but a
            /// `null` may come back absent.
            fn decodes<T: serde::de::DeserializeOwned + serde::Serialize>(json: &str) -> Result<(), String> {
                let sent: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("is not JSON: {e}"))?;
                let typed: T = serde_json::from_value(sent.clone()).map_err(|e| format!("does not decode: {e}"))?;
                let back = serde_json::to_value(&typed).map_err(|e| format!("does not encode: {e}"))?;
                let mut lost = Vec::new();
                compare(&sent, &back, "", &mut lost);
                if lost.is_empty() {
                    Ok(())
                } else {
                    Err(format!("does not encode back: {}", lost.join(", ")))
                }
            }

            fn compare(sent: &serde_json::Value, back: &serde_json::Value, path: &str, lost: &mut Vec<String>) {
                use serde_json::Value;
                match (sent, back) {
                    (Value::Object(sent), Value::Object(back)) => {
                        for (key, value) in sent {
                            match back.get(key) {
                                Some(other) => compare(value, other, &format!("{path}.{key}"), lost),
                                None if value.is_null() => {}
                                None => lost.push(format!("{path}.{key} is dropped")),
                            }
                        }
                        for key in back.keys().filter(|key| !sent.contains_key(*key)) {
                            lost.push(format!("{path}.{key} is added"));
                        }
                    }
                    (Value::Array(sent), Value::Array(back)) if sent.len() == back.len() => {
                        for (i, (a, b)) in sent.iter().zip(back).enumerate() {
                            compare(a, b, &format!("{path}[{i}]"), lost);
                        }
                    }
                    (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
                    (a, b) if a == b => {}
                    (a, b) => lost.push(format!("{path}: {a} comes back as {b}")),
                }
            }
        }
    });
    quote! {
        //! The API document's examples, checked against the generated types.

        use crate::runtime::examples::{Check, check_all, round_trip};
        #[allow(unused_imports)]
        use crate::types::*;

        #[test]
        fn every_component_example_round_trips() {
            let checks: &[Check] = &[
                #component_checks
            ];
            check_all(checks);
        }

        #response_test
    }
}

/// The Rust type for a type expression, as written inside the `types` module.
pub fn type_tokens(model: &Model, expr: &TypeExpr) -> TokenStream {
    tokens_for(model, expr, false)
}

/// The Rust type for a type expression, as written outside the `types` module (`types::X`).
pub fn qualified_type_tokens(model: &Model, expr: &TypeExpr) -> TokenStream {
    tokens_for(model, expr, true)
}

fn tokens_for(model: &Model, expr: &TypeExpr, qualify: bool) -> TokenStream {
    match expr {
        TypeExpr::Named(id) => {
            let Some(def) = model.ty(*id) else {
                return quote!(serde_json::Value);
            };
            let name = ident(&def.name);
            if qualify {
                quote!(types::#name)
            } else {
                quote!(#name)
            }
        }
        TypeExpr::String => quote!(String),
        TypeExpr::Boolean => quote!(bool),
        TypeExpr::Integer => quote!(i64),
        TypeExpr::Int32 => quote!(i32),
        TypeExpr::Number => quote!(f64),
        TypeExpr::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        TypeExpr::Uuid => quote!(uuid::Uuid),
        TypeExpr::Binary => quote!(crate::FilePart),
        TypeExpr::Secret => quote!(crate::Secret),
        TypeExpr::OAuthClient => quote!(crate::OAuthClient),
        TypeExpr::Json => quote!(serde_json::Value),
        TypeExpr::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
        TypeExpr::List(inner) => {
            let inner = tokens_for(model, inner, qualify);
            quote!(Vec<#inner>)
        }
        TypeExpr::Map(inner) => {
            let inner = tokens_for(model, inner, qualify);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeExpr::Option(inner) => {
            let inner = tokens_for(model, inner, qualify);
            quote!(Option<#inner>)
        }
    }
}

/// `T`, or `Box<T>` (inside any `Option`) when the field closes a cycle of types.
fn boxed_tokens(model: &Model, expr: &TypeExpr, boxed: bool) -> TokenStream {
    match (expr, boxed) {
        (TypeExpr::Option(inner), true) => {
            let inner = boxed_tokens(model, inner, true);
            quote!(Option<#inner>)
        }
        (_, true) => {
            let inner = type_tokens(model, expr);
            quote!(Box<#inner>)
        }
        (_, false) => type_tokens(model, expr),
    }
}

/// serde's `rename_all = "camelCase"` rule, to know which fields it covers.
fn serde_camel_case(field: &RustName) -> String {
    let field = field.as_str();
    let mut out = String::with_capacity(field.len());
    let mut capitalize = false;
    for (i, c) in field.chars().enumerate() {
        if c == '_' {
            capitalize = true;
        } else if capitalize {
            out.push(c.to_ascii_uppercase());
            capitalize = false;
        } else if i == 0 {
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn struct_item(
    model: &Model,
    def: &TypeDef,
    s: &Struct,
    docs: TokenStream,
    deprecated: Option<TokenStream>,
) -> TokenStream {
    let name = ident(&def.name);
    let named_fields: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| f.repr != FieldRepr::Flatten)
        .collect();
    let as_is = named_fields
        .iter()
        .filter(|f| f.name.as_str() == f.wire_name)
        .count();
    let camel = named_fields
        .iter()
        .filter(|f| serde_camel_case(&f.name) == f.wire_name)
        .count();
    // serde's derive is kept only where a member is flattened into the struct: it knows how to
    // merge the members of both. Everywhere else `Serialize` is written out (`struct_serialize`).
    let derived = s.fields.iter().any(|f| f.repr == FieldRepr::Flatten);
    let rename_all = derived && camel > as_is;
    let container = rename_all.then(|| quote!(#[serde(rename_all = "camelCase")]));
    let all_optional = s.fields.iter().all(|f| {
        matches!(
            f.repr,
            FieldRepr::Optional | FieldRepr::OptionalNullable | FieldRepr::Nullable
        )
    });
    let mut derives = vec![quote!(Debug), quote!(Clone), quote!(PartialEq)];
    if all_optional {
        derives.push(quote!(Default));
    }
    if derived {
        derives.push(quote!(serde::Serialize));
    }
    let fields = s.fields.iter().map(|field| {
        let expected = if rename_all {
            serde_camel_case(&field.name)
        } else {
            field.name.as_str().to_owned()
        };
        let rename = (field.repr != FieldRepr::Flatten && expected != field.wire_name).then(|| {
            let wire = &field.wire_name;
            quote!(rename = #wire,)
        });
        let inner = boxed_tokens(model, &field.ty, field.boxed);
        let (serde, ty) = match field.repr {
            FieldRepr::Required => (rename.map(|r| quote!(#[serde(#r)])), inner),
            FieldRepr::Nullable => (rename.map(|r| quote!(#[serde(#r)])), quote!(Option<#inner>)),
            FieldRepr::Optional => (
                Some(quote!(#[serde(#rename default, skip_serializing_if = "Option::is_none")])),
                quote!(Option<#inner>),
            ),
            FieldRepr::OptionalNullable => (
                Some(quote!(#[serde(#rename default, skip_serializing_if = "Option::is_none")])),
                quote!(Option<Option<#inner>>),
            ),
            FieldRepr::Flatten => (Some(quote!(#[serde(flatten)])), inner),
        };
        let serde = serde.filter(|_| derived);
        let mut lines = doc_lines(&field.docs);
        if field.repr == FieldRepr::OptionalNullable {
            if !lines.is_empty() {
                lines.push(String::new());
            }
            lines.push(
                "`None` leaves the value as it is; `Some(None)` sends `null` to clear it."
                    .to_owned(),
            );
        }
        let docs = doc_attrs(&lines);
        let deprecated = field.docs.deprecated.then(|| quote!(#[deprecated]));
        let field_name = ident(&field.name);
        quote! {
            #docs
            #deprecated
            #serde
            pub #field_name: #ty,
        }
    });
    // Past a handful of arguments a constructor reads worse than the struct literal.
    let required = s
        .fields
        .iter()
        .filter(|f| matches!(f.repr, FieldRepr::Required | FieldRepr::Flatten))
        .count();
    let constructor =
        (def.usage.request && !all_optional && required <= 6).then(|| constructor(model, &name, s));
    let decoding = decodes(def).then(|| struct_from_json(def, s));
    let serialize = (!derived).then(|| struct_serialize(def, s));
    quote! {
        #docs
        #deprecated
        #[derive(#(#derives),*)]
        #container
        pub struct #name {
            #(#fields)*
        }

        #constructor

        #serialize

        #decoding
    }
}

/// `#[allow(deprecated)]` for code that names every field of `s`, when one is deprecated: the
/// crate's own use of them is no use a warning is for.
fn allow_deprecated(s: &Struct) -> Option<TokenStream> {
    s.fields
        .iter()
        .any(|f| f.docs.deprecated)
        .then(|| quote!(#[allow(deprecated)]))
}

/// A struct's `Serialize`, what serde's derive would write, through the runtime's `Fields`:
/// each field in order, an absent optional one skipped.
fn struct_serialize(def: &TypeDef, s: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let wire_name = def.name.as_str();
    let always = s
        .fields
        .iter()
        .filter(|f| matches!(f.repr, FieldRepr::Required | FieldRepr::Nullable))
        .count();
    let optional: Vec<TokenStream> = s
        .fields
        .iter()
        .filter(|f| matches!(f.repr, FieldRepr::Optional | FieldRepr::OptionalNullable))
        .map(|f| {
            let field = ident(&f.name);
            quote!(self.#field.is_some())
        })
        .collect();
    let present = quote!(crate::runtime::ser::present(&[#(#optional),*]));
    let (len, count) = match (always, optional.is_empty()) {
        (always, true) => (
            proc_macro2::Literal::usize_unsuffixed(always).to_token_stream(),
            None,
        ),
        (0, false) => (quote!(len), Some(quote!(let len = #present;))),
        (always, false) => {
            let always = proc_macro2::Literal::usize_unsuffixed(always);
            (quote!(len), Some(quote!(let len = #always + #present;)))
        }
    };
    let calls = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        let wire = &f.wire_name;
        match f.repr {
            FieldRepr::Optional | FieldRepr::OptionalNullable => {
                quote!(.optional(#wire, &self.#field))
            }
            _ => quote!(.field(#wire, &self.#field)),
        }
    });
    let allow = allow_deprecated(s);
    quote! {
        impl serde::Serialize for #name {
            #allow
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #count
                crate::runtime::ser::Fields::new(serializer, #wire_name, #len)
                    #(#calls)*
                    .end()
            }
        }
    }
}

/// A struct's `FromJson`: its members read in the order they come, each into the local of
/// its field (unknown ones skipped, or kept for a flattened field), then the struct built from
/// the locals. And the `Deserialize` that goes through it.
fn struct_from_json(def: &TypeDef, s: &Struct) -> TokenStream {
    let expected = format!("an object (`{}`)", def.name.as_str());
    let (flattened, named): (Vec<&Field>, Vec<&Field>) =
        s.fields.iter().partition(|f| f.repr == FieldRepr::Flatten);
    let locals = named.iter().map(|field| {
        let name = ident(&field.name);
        quote!(let mut #name = None;)
    });
    let arms = named.iter().map(|field| {
        let name = ident(&field.name);
        let wire = &field.wire_name;
        quote!(#wire => p.field(&mut #name, #wire),)
    });
    let (rest, other) = match flattened.is_empty() {
        true => (None, quote!(_ => p.unknown(),)),
        false => (
            Some(quote!(let mut rest = crate::runtime::json::Rest::default();)),
            quote!(_ => rest.keep(key, p),),
        ),
    };
    let fields = named.iter().chain(&flattened).map(|field| {
        let name = ident(&field.name);
        let wire = &field.wire_name;
        let value = match field.repr {
            FieldRepr::Required => quote!(crate::runtime::json::required(#name, #wire)?),
            FieldRepr::Nullable | FieldRepr::Optional => {
                quote!(crate::runtime::json::optional(#name))
            }
            FieldRepr::OptionalNullable => return quote!(#name,),
            FieldRepr::Flatten => quote!(rest.decode(p)?),
        };
        quote!(#name: #value,)
    });
    // A key is only matched against when a field reads it.
    let key = match named.is_empty() && flattened.is_empty() {
        true => quote!(_key),
        false => quote!(key),
    };
    let matched = match named.is_empty() && flattened.is_empty() {
        true => quote!(p.unknown()?;),
        false => quote! {
            match &*key {
                #(#arms)*
                #other
            }?;
        },
    };
    let allow = allow_deprecated(s);
    from_json_impl(
        &def.name,
        quote! {
            #allow
            fn from_json(p: &mut crate::runtime::json::Parser<'_>) -> Result<Self, crate::runtime::json::JsonError> {
                #(#locals)*
                #rest
                let mut members = p.object(#expected)?;
                while let Some(#key) = members.next_key(p)? {
                    #matched
                }
                Ok(Self {
                    #(#fields)*
                })
            }
        },
    )
}

/// `impl FromJson` with the function `body`, and the `Deserialize` that goes through it.
fn from_json_impl(name: &RustName, body: TokenStream) -> TokenStream {
    let name = ident(name);
    quote! {
        impl crate::runtime::json::FromJson for #name {
            #body
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::json::deserialize(deserializer)
            }
        }
    }
}

/// `impl FromJson` for a type that brings its own `Deserialize`.
fn from_json_only(name: &proc_macro2::Ident, body: TokenStream) -> TokenStream {
    quote! {
        impl crate::runtime::json::FromJson for #name {
            fn from_json(p: &mut crate::runtime::json::Parser<'_>) -> Result<Self, crate::runtime::json::JsonError> {
                #body
            }
        }
    }
}

/// Whether a struct or a union decodes (`FromJson` and `Deserialize`): where the client reads
/// it, or the document only declares it. A type the client only sends has no use for it.
/// (`Serialize` is kept everywhere: users store and forward what they read.)
fn decodes(def: &TypeDef) -> bool {
    def.usage.response || def.usage.declared
}

/// Whether values of the type decode (every named type in it derives or implements
/// `Deserialize`).
fn decodable(model: &Model, expr: &TypeExpr) -> bool {
    fn check(model: &Model, expr: &TypeExpr, depth: usize) -> bool {
        let mut all = true;
        expr.visit_named(&mut |id| {
            all &= match model.ty(id) {
                Some(def) => match &def.kind {
                    TypeKind::Struct(_) | TypeKind::Tagged(_) | TypeKind::Untagged(_) => {
                        decodes(def)
                    }
                    TypeKind::Alias(inner) => depth < 8 && check(model, inner, depth + 1),
                    TypeKind::StringEnum(_) | TypeKind::IntEnum(_) | TypeKind::Flags(_) => true,
                },
                None => true,
            }
        });
        all
    }
    check(model, expr, 0)
}

/// `new(required fields)` for a type the client sends that has required fields: the others
/// start out `None`, so building a body takes one call and the fields that matter.
fn constructor(model: &Model, type_name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let mut arguments = Vec::new();
    let mut values = Vec::new();
    let mut names = Vec::new();
    for field in &s.fields {
        let name = ident(&field.name);
        match field.repr {
            FieldRepr::Required | FieldRepr::Flatten => {
                let ty = boxed_tokens(model, &field.ty, field.boxed);
                let copy = matches!(
                    model.follow_aliases(&field.ty),
                    TypeExpr::Integer | TypeExpr::Int32 | TypeExpr::Number | TypeExpr::Boolean
                );
                if copy || field.boxed {
                    arguments.push(quote!(#name: #ty));
                    values.push(quote!(#name));
                } else {
                    arguments.push(quote!(#name: impl Into<#ty>));
                    values.push(quote!(#name: #name.into()));
                }
                names.push(format!("`{}`", field.name.as_str()));
            }
            FieldRepr::Nullable | FieldRepr::Optional | FieldRepr::OptionalNullable => {
                values.push(quote!(#name: None))
            }
        }
    }
    let docs = doc_attrs(&[format!(
        "A value with {}, and every optional field `None`.",
        names.join(", ")
    )]);
    // Setting a deprecated field to `None` is no use of it.
    let allow = allow_deprecated(s);
    quote! {
        impl #type_name {
            #docs
            #allow
            pub fn new(#(#arguments),*) -> Self {
                Self {
                    #(#values,)*
                }
            }
        }
    }
}

fn variant_docs<T>(variant: &EnumVariant<T>, wire: &str) -> TokenStream {
    let mut first = code_span(wire);
    let mut rest = Vec::new();
    if let Some(description) = variant
        .description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
    {
        first.push_str(": ");
        let mut described = super::docs::markdown(description).into_iter();
        first.push_str(&described.next().unwrap_or_default());
        rest.extend(described);
    }
    let lines: Vec<String> = std::iter::once(first).chain(rest).collect();
    doc_attrs(&lines)
}

fn string_enum(
    name: &proc_macro2::Ident,
    e: &OpenEnum<String>,
    docs: TokenStream,
    deprecated: Option<TokenStream>,
) -> TokenStream {
    let other = ident(&e.other);
    let variants = e.variants.iter().map(|v| {
        let docs = variant_docs(v, &v.value);
        let variant = ident(&v.name);
        quote! { #docs #variant, }
    });
    let to_str = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = &v.value;
        quote!(Self::#variant => #value,)
    });
    let from_str = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = &v.value;
        quote!(#value => Self::#variant,)
    });
    let from_bool = e.boolean_variants().map(|(yes, no)| {
        let (yes, no) = (ident(yes), ident(no));
        quote! {
            impl From<bool> for #name {
                fn from(value: bool) -> Self {
                    if value { Self::#yes } else { Self::#no }
                }
            }
        }
    });
    let from_json = from_json_only(
        name,
        quote!(
            <String as crate::runtime::json::FromJson>::from_json(p)
                .map(|value| Self::from(value.as_str()))
        ),
    );
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the API document does not list.
            #other(String),
        }

        #from_bool

        impl #name {
            /// The value as the API writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::#other(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::#other(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::open_enum::deserialize_str(deserializer).map(|value| Self::from(value.as_ref()))
            }
        }

        #from_json

        impl crate::runtime::call::ToParam for #name {
            fn to_param(&self) -> String {
                self.as_str().to_owned()
            }
        }
    }
}

fn int_enum(
    name: &proc_macro2::Ident,
    e: &OpenEnum<i64>,
    docs: TokenStream,
    deprecated: Option<TokenStream>,
) -> TokenStream {
    let other = ident(&e.other);
    let variants = e.variants.iter().map(|v| {
        let docs = variant_docs(v, &v.value.to_string());
        let variant = ident(&v.name);
        quote! { #docs #variant, }
    });
    let to_int = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = literal(v.value);
        quote!(Self::#variant => #value,)
    });
    let from_int = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = literal(v.value);
        quote!(#value => Self::#variant,)
    });
    let from_json = from_json_only(
        name,
        quote!(<i64 as crate::runtime::json::FromJson>::from_json(p).map(Self::from)),
    );
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the API document does not list.
            #other(i64),
        }

        impl #name {
            /// The value as the API writes it.
            pub fn value(self) -> i64 {
                match self {
                    #(#to_int)*
                    Self::#other(value) => value,
                }
            }
        }

        impl From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #(#from_int)*
                    other => Self::#other(other),
                }
            }
        }

        impl From<#name> for i64 {
            fn from(value: #name) -> Self {
                value.value()
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <i64 as serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }

        #from_json

        impl crate::runtime::call::ToParam for #name {
            fn to_param(&self) -> String {
                self.value().to_string()
            }
        }
    }
}

fn flags_item(
    name: &proc_macro2::Ident,
    flags: &[EnumVariant<i64>],
    docs: TokenStream,
    deprecated: Option<TokenStream>,
) -> TokenStream {
    let consts = flags.iter().map(|flag| {
        let docs = variant_docs(flag, &flag.value.to_string());
        let constant = ident(&flag.name);
        let value = literal(flag.value);
        quote! {
            #docs
            pub const #constant: Self = Self(#value);
        }
    });
    let from_json = from_json_only(
        name,
        quote!(<i64 as crate::runtime::json::FromJson>::from_json(p).map(Self)),
    );
    quote! {
        #docs
        ///
        /// Bit flags: combine them with `|`; values the document does not list are kept.
        #deprecated
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct #name(pub i64);

        impl #name {
            #(#consts)*

            /// The flags as the API writes them.
            pub const fn bits(self) -> i64 {
                self.0
            }

            /// Whether every flag of `other` is set in `self`.
            pub const fn contains(self, other: Self) -> bool {
                self.0 & other.0 == other.0
            }
        }

        impl std::ops::BitOr for #name {
            type Output = Self;

            fn bitor(self, other: Self) -> Self {
                Self(self.0 | other.0)
            }
        }

        impl std::ops::BitOrAssign for #name {
            fn bitor_assign(&mut self, other: Self) {
                self.0 |= other.0;
            }
        }

        impl crate::runtime::call::ToParam for #name {
            fn to_param(&self) -> String {
                self.0.to_string()
            }
        }

        #from_json
    }
}

fn tagged(
    model: &Model,
    def: &TypeDef,
    t: &Tagged,
    docs: TokenStream,
    deprecated: Option<TokenStream>,
) -> TokenStream {
    let tag = &t.tag;
    let variants = t.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = &v.tag_value;
        let docs = doc_attrs(&[format!("`{tag}` is {}.", code_span(value))]);
        match &v.payload {
            Some(payload) => {
                let ty = boxed_tokens(model, payload, v.boxed);
                quote! {
                    #docs
                    #[serde(rename = #value)]
                    #variant(#ty),
                }
            }
            None => quote! {
                #docs
                #[serde(rename = #value)]
                #variant,
            },
        }
    });
    let name = ident(&def.name);
    // Rare in responses (PeerTube's tagged unions are request bodies): serde's derive, read
    // through it.
    let (derives, from_json) = match decodes(def) {
        true => (
            quote!(serde::Serialize, serde::Deserialize),
            Some(from_json_only(
                &name,
                quote!(crate::runtime::json::via_serde(p)),
            )),
        ),
        false => (quote!(serde::Serialize), None),
    };
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq, #derives)]
        #[serde(tag = #tag)]
        pub enum #name {
            #(#variants)*
        }

        #from_json
    }
}

fn untagged(
    model: &Model,
    def: &TypeDef,
    variants: &[UntaggedVariant],
    docs: TokenStream,
    deprecated: Option<TokenStream>,
) -> TokenStream {
    let name = ident(&def.name);
    let type_name = def.name.as_str();
    let declarations = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let ty = boxed_tokens(model, &v.ty, v.boxed);
        quote!(#variant(#ty),)
    });
    // `From` each variant's type, where no other variant holds the same type.
    let resolved: Vec<TypeExpr> = variants
        .iter()
        .map(|v| model.follow_aliases(&v.ty))
        .collect();
    let unique = |ty: &TypeExpr| resolved.iter().filter(|r| *r == ty).count() == 1;
    let conversions = variants
        .iter()
        .zip(&resolved)
        .filter(|(_, ty)| unique(ty))
        .map(|(v, resolved)| {
            let variant = ident(&v.name);
            let ty = type_tokens(model, &v.ty);
            let wrap = if v.boxed {
                quote!(Box::new(value))
            } else {
                quote!(value)
            };
            let from_str = (*resolved == TypeExpr::String).then(|| {
                let wrap = if v.boxed {
                    quote!(Box::new(value.to_owned()))
                } else {
                    quote!(value.to_owned())
                };
                quote! {
                    impl From<&str> for #name {
                        fn from(value: &str) -> Self {
                            Self::#variant(#wrap)
                        }
                    }
                }
            });
            quote! {
                impl From<#ty> for #name {
                    fn from(value: #ty) -> Self {
                        Self::#variant(#wrap)
                    }
                }

                #from_str
            }
        });
    let to_param = model.is_single_value(&TypeExpr::Named(def.id)).then(|| {
        let arms = variants.iter().map(|v| {
            let variant = ident(&v.name);
            quote!(Self::#variant(value) => value.to_param(),)
        });
        quote! {
            impl crate::runtime::call::ToParam for #name {
                fn to_param(&self) -> String {
                    match self {
                        #(#arms)*
                    }
                }
            }
        }
    });
    let attempts = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let variant_name = v.name.as_str();
        let ty = type_tokens(model, &v.ty);
        if v.boxed {
            quote!(.variant::<#ty>(#variant_name, |value| Self::#variant(Box::new(value))))
        } else {
            quote!(.variant::<#ty>(#variant_name, Self::#variant))
        }
    });
    let deserialize = decodes(def).then(|| {
        from_json_impl(
            &def.name,
            quote! {
                fn from_json(p: &mut crate::runtime::json::Parser<'_>) -> Result<Self, crate::runtime::json::JsonError> {
                    crate::runtime::untagged::BestMatch::new(#type_name, p)
                        #(#attempts)*
                        .finish()
                }
            },
        )
    });
    let decoding = deserialize.is_some().then(|| {
        quote! {
            ///
            /// Decoding tries each variant and keeps the one that fits the value best (the fewest
            /// properties it would ignore); on a tie, the one listed first.
        }
    });
    quote! {
        #docs
        #decoding
        #deprecated
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#declarations)*
        }

        #deserialize

        #(#conversions)*

        #to_param
    }
}

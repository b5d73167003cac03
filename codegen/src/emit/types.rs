//! The `types` module: one Rust item (with its impls) per named type of the model.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{code_span, doc_lines};
use super::{doc_attrs, ident, literal};
use crate::model::{
    EnumVariant, Field, FieldRepr, Model, OpenEnum, Struct, Tagged, TypeDef, TypeExpr, TypeKind,
    UntaggedVariant,
};

pub fn types_module(model: &Model) -> TokenStream {
    let items = model.types.iter().map(|def| type_item(model, def));
    quote! {
        //! Every schema of the API document as a Rust type.
        //!
        //! Fields the document marks optional are `Option`s; values a server sends that the
        //! document does not list still decode (enums keep them in their `Other` variant),
        //! and unknown properties are ignored.
        #(#items)*
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
    let docs = doc_attrs(&lines);
    let deprecated = def.docs.deprecated.then(|| quote!(#[deprecated]));
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct(s) => struct_item(model, def, s, docs, deprecated),
        TypeKind::StringEnum(e) => string_enum(&name, e, docs, deprecated),
        TypeKind::IntEnum(e) => int_enum(&name, e, docs, deprecated),
        TypeKind::Flags(flags) => flags_item(&name, flags, docs, deprecated),
        TypeKind::Tagged(t) => tagged(model, &name, t, docs, deprecated),
        TypeKind::Untagged(variants) => untagged(model, def, variants, docs, deprecated),
        TypeKind::Alias(expr) => {
            let ty = type_tokens(model, expr);
            quote! {
                #docs
                #deprecated
                pub type #name = #ty;
            }
        }
    }
}

/// The test that every example of the document's component schemas decodes into the type
/// generated for its schema and encodes back to an equal value.
pub fn examples_module(model: &Model) -> TokenStream {
    let checks = model.examples.iter().map(|example| {
        let pointer = example.pointer.as_str();
        let ty = type_tokens(model, &example.ty);
        let json = example.value.to_string();
        quote!((#pointer, round_trip::<#ty>, #json),)
    });
    quote! {
        //! The API document's examples, checked against the generated types.

        use crate::runtime::examples::{Check, check_all, round_trip};
        #[allow(unused_imports)]
        use crate::types::*;

        #[test]
        fn every_component_example_round_trips() {
            let checks: &[Check] = &[
                #(#checks)*
            ];
            check_all(checks);
        }
    }
}

/// The Rust type for a type expression, as written inside the `types` module.
pub fn type_tokens(model: &Model, expr: &TypeExpr) -> TokenStream {
    match expr {
        TypeExpr::Named(id) => {
            let name = ident(&model.ty(*id).name);
            quote!(#name)
        }
        TypeExpr::String => quote!(String),
        TypeExpr::Boolean => quote!(bool),
        TypeExpr::Integer => quote!(i64),
        TypeExpr::Int32 => quote!(i32),
        TypeExpr::Number => quote!(f64),
        TypeExpr::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        TypeExpr::Uuid => quote!(uuid::Uuid),
        TypeExpr::Binary => quote!(crate::FilePart),
        TypeExpr::Json => quote!(serde_json::Value),
        TypeExpr::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
        TypeExpr::List(inner) => {
            let inner = type_tokens(model, inner);
            quote!(Vec<#inner>)
        }
        TypeExpr::Map(inner) => {
            let inner = type_tokens(model, inner);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeExpr::Option(inner) => {
            let inner = type_tokens(model, inner);
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
fn serde_camel_case(field: &str) -> String {
    let field = field.trim_start_matches("r#");
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
        .filter(|f| f.name.trim_start_matches("r#") == f.wire_name)
        .count();
    let camel = named_fields
        .iter()
        .filter(|f| serde_camel_case(&f.name) == f.wire_name)
        .count();
    let rename_all = camel > as_is;
    let container = rename_all.then(|| quote!(#[serde(rename_all = "camelCase")]));
    let all_optional = s.fields.iter().all(|f| {
        matches!(
            f.repr,
            FieldRepr::Optional | FieldRepr::OptionalNullable | FieldRepr::Nullable
        )
    });
    let default = all_optional.then(|| quote!(Default,));
    let fields = s.fields.iter().map(|field| {
        let expected = if rename_all { serde_camel_case(&field.name) } else { field.name.trim_start_matches("r#").to_owned() };
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
                Some(quote!(#[serde(#rename default, skip_serializing_if = "Option::is_none", with = "crate::runtime::double_option")])),
                quote!(Option<Option<#inner>>),
            ),
            FieldRepr::Flatten => (Some(quote!(#[serde(flatten)])), inner),
        };
        let mut lines = doc_lines(&field.docs);
        if field.repr == FieldRepr::OptionalNullable {
            if !lines.is_empty() {
                lines.push(String::new());
            }
            lines.push("`None` leaves the value as it is; `Some(None)` sends `null` to clear it.".to_owned());
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
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq, #default serde::Serialize, serde::Deserialize)]
        #container
        pub struct #name {
            #(#fields)*
        }
    }
}

fn variant_docs<T>(variant: &EnumVariant<T>, wire: &str) -> TokenStream {
    let mut lines = vec![code_span(wire)];
    if let Some(description) = variant
        .description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
    {
        lines[0].push_str(": ");
        let mut described = super::docs::markdown(description);
        if let Some(first) = described.first_mut() {
            lines[0].push_str(first);
            described.remove(0);
        }
        lines.extend(described);
    }
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
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the API document does not list.
            #other(String),
        }

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
    }
}

fn tagged(
    model: &Model,
    name: &proc_macro2::Ident,
    t: &Tagged,
    docs: TokenStream,
    deprecated: Option<TokenStream>,
) -> TokenStream {
    let tag = &t.tag;
    let variants = t.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = &v.tag_value;
        let docs = doc_attrs(&[format!("`{tag}` is {}.", code_span(value))]);
        match v.payload {
            Some(payload) => {
                let ty = boxed_tokens(model, &TypeExpr::Named(payload), v.boxed);
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
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(tag = #tag)]
        pub enum #name {
            #(#variants)*
        }
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
    let type_name = &def.name;
    let declarations = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let ty = boxed_tokens(model, &v.ty, v.boxed);
        quote!(#variant(#ty),)
    });
    let attempts = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let variant_name = &v.name;
        let ty = type_tokens(model, &v.ty);
        if v.boxed {
            quote!(.variant::<#ty>(#variant_name, |value| Self::#variant(Box::new(value))))
        } else {
            quote!(.variant::<#ty>(#variant_name, Self::#variant))
        }
    });
    quote! {
        #docs
        ///
        /// Decoding tries each variant and keeps the one that fits the value best (the fewest
        /// properties it would ignore); on a tie, the one listed first.
        #deprecated
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#declarations)*
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                crate::runtime::untagged::BestMatch::new(#type_name, &value)
                    #(#attempts)*
                    .finish()
                    .map_err(serde::de::Error::custom)
            }
        }
    }
}

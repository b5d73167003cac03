//! Which schemas are reached only as variants of discriminated unions: the one question
//! about the document that needs every `$ref` in it counted, schemas or not.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::pointer::Pointer;

/// Schemas that are variants of a discriminated `oneOf`/`anyOf` (a member or a target of its
/// mapping) and that no other `$ref` in the document names, with the union's tag property.
pub(super) fn variant_only_schemas(document: &Value) -> HashMap<Pointer, String> {
    let mut variants: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut refs: BTreeMap<String, usize> = BTreeMap::new();
    collect_refs(document, &mut variants, &mut refs);
    variants
        .into_iter()
        .filter(|(target, (_, as_variant))| refs.get(target).copied().unwrap_or(0) <= *as_variant)
        .filter_map(|(target, (tag, _))| Pointer::from_ref(&target).map(|p| (p, tag)))
        .collect()
}

fn collect_refs(
    value: &Value,
    variants: &mut BTreeMap<String, (String, usize)>,
    refs: &mut BTreeMap<String, usize>,
) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref") {
                *refs.entry(reference.clone()).or_default() += 1;
            }
            let discriminator = object.get("discriminator");
            if let Some(tag) = discriminator
                .and_then(|d| d.get("propertyName"))
                .and_then(Value::as_str)
            {
                let members = object
                    .get("oneOf")
                    .or_else(|| object.get("anyOf"))
                    .and_then(Value::as_array);
                for target in members
                    .into_iter()
                    .flatten()
                    .filter_map(|m| m.get("$ref").and_then(Value::as_str))
                {
                    variants
                        .entry(target.to_owned())
                        .or_insert((tag.to_owned(), 0))
                        .1 += 1;
                }
                let mapping = discriminator
                    .and_then(|d| d.get("mapping"))
                    .and_then(Value::as_object);
                for target in mapping
                    .into_iter()
                    .flat_map(|m| m.values())
                    .filter_map(Value::as_str)
                {
                    variants
                        .entry(target.to_owned())
                        .or_insert((tag.to_owned(), 0));
                }
            }
            for child in object.values() {
                collect_refs(child, variants, refs);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_refs(item, variants, refs);
            }
        }
        _ => {}
    }
}

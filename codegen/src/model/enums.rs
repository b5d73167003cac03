//! String and integer enums: variants named from the values (or `x-enum-varnames`), open to
//! values the document does not list; integer enums named from their description, or bit
//! flags, where PeerTube's conventions say so.

use std::rc::Rc;

use super::types::TypeBuilder;
use super::{EnumVariant, OpenEnum, TypeKind};
use crate::naming::{self, RustName, Scope};
use crate::resolve::{Enumeration, Node};

impl TypeBuilder<'_> {
    pub(super) fn string_enum(&mut self, node: &Rc<Node>, e: &Enumeration<String>) -> TypeKind {
        let mut scope = Scope::new();
        let variants = e
            .values
            .iter()
            .enumerate()
            .map(|(i, value)| {
                let wanted = match &e.names {
                    Some(names) => naming::variant_name(names.get(i).unwrap_or(value)),
                    None => naming::variant_name(value),
                };
                let wanted = if wanted.is_empty() {
                    format!("Value{}", i + 1)
                } else {
                    wanted
                };
                EnumVariant {
                    name: self.claim_in(&mut scope, &wanted, &node.pointer, "enum variant"),
                    value: value.clone(),
                    description: e.descriptions.as_ref().and_then(|d| d.get(i).cloned()),
                }
            })
            .collect();
        TypeKind::StringEnum(open_enum(variants))
    }

    pub(super) fn int_enum(
        &mut self,
        node: &Rc<Node>,
        e: &Enumeration<i64>,
        type_name: &str,
    ) -> TypeKind {
        let description = node.docs.description.as_deref();
        let labels = match &e.names {
            Some(names) => names.iter().cloned().map(Some).collect(),
            None => self.conventions.enum_labels(description, &e.values),
        };
        let flags = self
            .conventions
            .is_bit_flags(type_name, description, &e.values);
        let mut scope = Scope::new();
        let variants = e
            .values
            .iter()
            .zip(labels)
            .enumerate()
            .map(|(i, (value, label))| {
                let named = label.as_deref().map(|label| match flags {
                    true => naming::const_name(label),
                    false => naming::variant_name(label),
                });
                // A label of punctuation alone names nothing: name by value.
                let wanted = match named.filter(|n| !n.is_empty()) {
                    Some(name) => name,
                    None if flags => format!("FLAG_{value}"),
                    None => format!("V{value}").replace('-', "Minus"),
                };
                EnumVariant {
                    name: self.claim_in(&mut scope, &wanted, &node.pointer, "enum variant"),
                    value: *value,
                    description: e
                        .descriptions
                        .as_ref()
                        .and_then(|d| d.get(i).cloned())
                        .or(label),
                }
            })
            .collect();
        if flags {
            TypeKind::Flags(variants)
        } else {
            TypeKind::IntEnum(open_enum(variants))
        }
    }
}

/// Names the catch-all variant `Other`, or, if a listed value took that name, `Unknown`.
fn open_enum<T>(variants: Vec<EnumVariant<T>>) -> OpenEnum<T> {
    let other = ["Other", "Unknown", "OtherValue"]
        .into_iter()
        .find(|candidate| variants.iter().all(|v| v.name.as_str() != *candidate))
        .unwrap_or("UnlistedValue");
    OpenEnum {
        variants,
        other: RustName::new(other),
    }
}

//! `oneOf`/`anyOf` into Rust enums: tagged by a discriminator (or by a property whose single
//! value differs in each member, a PeerTube convention), else untagged, variants tried most
//! specific first.

use std::rc::Rc;

use super::types::TypeBuilder;
use super::{Tagged, TaggedVariant, TypeExpr, TypeId, TypeKind, UntaggedVariant};
use crate::diagnostic::Diagnostic;
use crate::naming::{self, Scope};
use crate::resolve::{Node, NodeKind, UnionNode};

impl TypeBuilder<'_> {
    pub(super) fn union(
        &mut self,
        node: &Rc<Node>,
        union: &UnionNode,
        type_name: &str,
    ) -> TypeKind {
        if let Some(discriminator) = &union.discriminator {
            return self.tagged_explicit(node, discriminator, type_name);
        }
        if let Some(tag) = self.conventions.implicit_tag(union) {
            return self.tagged_implicit(union, &tag, type_name);
        }
        self.untagged(node, union, type_name)
    }

    fn tagged_explicit(
        &mut self,
        node: &Rc<Node>,
        discriminator: &crate::resolve::Discriminator,
        type_name: &str,
    ) -> TypeKind {
        let mut scope = Scope::new();
        let mut variants = Vec::new();
        for (value, target) in &discriminator.mapping {
            let Some(target_node) = self.node(target) else {
                continue;
            };
            let Ok(target_node) = self.resolved.schemas.deref(&target_node) else {
                continue;
            };
            let NodeKind::Object(object) = &target_node.kind else {
                self.error(
                    Diagnostic::error(format!(
                        "discriminator value `{value}` maps to `{target}`, which is not an object"
                    ))
                    .at(&node.pointer),
                );
                continue;
            };
            let has_tag = object
                .properties
                .iter()
                .any(|p| p.name == discriminator.property)
                || object.extra_required.contains(&discriminator.property);
            if !has_tag {
                self.error(
                    Diagnostic::error(format!(
                        "discriminator property `{}` is not a property of `{target}`",
                        discriminator.property
                    ))
                    .at(&node.pointer)
                    .hint("every schema a discriminator selects must define the tag property"),
                );
                continue;
            }
            // A value of punctuation alone (`"+"`) names nothing: use the variant's schema.
            let wanted = match naming::variant_name(value) {
                name if name.is_empty() => target
                    .component_schema_name()
                    .map(|schema| naming::type_name(&schema))
                    .unwrap_or_default(),
                name => name,
            };
            let name = self.claim_in(&mut scope, &wanted, &node.pointer, "variant");
            let others = object
                .properties
                .iter()
                .filter(|p| p.name != discriminator.property)
                .count();
            let payload = if others == 0 && object.unions.is_empty() {
                None
            } else if self.strip_tag.get(target) == Some(&discriminator.property) {
                self.component(target)
                    .or_else(|| Some(self.named(&target_node, None)))
            } else {
                // The schema is also used on its own, with its tag: the variant gets a copy
                // without it.
                Some(self.stripped_copy(
                    &target_node,
                    &discriminator.property,
                    format!("{type_name}{name}"),
                ))
            };
            variants.push(TaggedVariant {
                name,
                tag_value: value.clone(),
                payload: payload.map(TypeExpr::Named),
                boxed: false,
            });
        }
        TypeKind::Tagged(Tagged {
            tag: discriminator.property.clone(),
            variants,
        })
    }

    /// A copy of an object's type without its tag property, for a tagged union's variant.
    fn stripped_copy(&mut self, node: &Rc<Node>, tag: &str, name: String) -> TypeId {
        let claimed = self.names.claim(name).name;
        let about = self.describe_origin(&node.pointer);
        // The schema's own type, if it has one, stays the one its pointer leads to.
        let id = self.add_type(node.pointer.clone(), claimed.clone());
        let previous = self.strip_tag.insert(node.pointer.clone(), tag.to_owned());
        let kind = match &node.kind {
            NodeKind::Object(object) => {
                TypeKind::Struct(self.object(node, object, claimed.as_str()))
            }
            _ => TypeKind::Alias(TypeExpr::Json),
        };
        match previous {
            Some(previous) => self.strip_tag.insert(node.pointer.clone(), previous),
            None => self.strip_tag.remove(&node.pointer),
        };
        self.complete(id, node.docs.clone(), about, kind);
        id
    }

    fn tagged_implicit(&mut self, union: &UnionNode, tag: &str, type_name: &str) -> TypeKind {
        let mut scope = Scope::new();
        let mut variants = Vec::new();
        for member in &union.members {
            let NodeKind::Object(object) = &member.kind else {
                continue;
            };
            let value = object
                .properties
                .iter()
                .find(|p| p.name == tag)
                .and_then(|p| match &p.node.kind {
                    NodeKind::String {
                        enumeration: Some(e),
                        ..
                    } => e.values.first().cloned(),
                    _ => None,
                })
                .unwrap_or_default();
            let name = self.claim_in(
                &mut scope,
                naming::variant_name(&value),
                &member.pointer,
                "variant",
            );
            let payload = if object.properties.len() == 1 {
                None
            } else {
                self.strip_tag
                    .insert(member.pointer.clone(), tag.to_owned());
                Some(self.named(member, Some(format!("{type_name}{name}"))))
            };
            variants.push(TaggedVariant {
                name,
                tag_value: value,
                payload: payload.map(TypeExpr::Named),
                boxed: false,
            });
        }
        TypeKind::Tagged(Tagged {
            tag: tag.to_owned(),
            variants,
        })
    }

    fn untagged(&mut self, node: &Rc<Node>, union: &UnionNode, type_name: &str) -> TypeKind {
        let mut scope = Scope::new();
        let mut variants = Vec::new();
        let mut shapes: Vec<(String, String)> = Vec::new();
        for member in &union.members {
            let resolved = self
                .resolved
                .schemas
                .deref(member)
                .unwrap_or_else(|_| member.clone());
            let wanted = self.variant_name_for(member, &resolved);
            let name = self.claim_in(&mut scope, &wanted, &member.pointer, "variant");
            let ty = match &member.kind {
                NodeKind::Object(_) | NodeKind::Union(_) => {
                    TypeExpr::Named(self.named(member, Some(format!("{type_name}{name}"))))
                }
                NodeKind::String {
                    enumeration: Some(_),
                    ..
                }
                | NodeKind::Integer {
                    enumeration: Some(_),
                    ..
                } => TypeExpr::Named(self.named(member, Some(format!("{type_name}{name}")))),
                _ => self.type_of(member),
            };
            let rank = specificity(&resolved);
            let shape = self.shape(&resolved, 4);
            if let Some((_, first)) = shapes.iter().find(|(other, _)| *other == shape) {
                self.diagnostics.push(
                    Diagnostic::warning(format!(
                        "variants `{first}` and `{name}` of `{type_name}` have the same shape, so a value decodes as `{first}`"
                    ))
                    .at(&member.pointer)
                    .hint("give the variants a property that tells them apart, or a discriminator"),
                );
            }
            shapes.push((shape, name.to_string()));
            variants.push((
                rank,
                UntaggedVariant {
                    name,
                    ty,
                    boxed: false,
                },
            ));
        }
        if variants.is_empty() {
            self.error(Diagnostic::error("`oneOf`/`anyOf` without members").at(&node.pointer));
        }
        // Most specific first, so a value that fits several variants lands in the narrowest.
        variants.sort_by_key(|(rank, _)| *rank);
        TypeKind::Untagged(variants.into_iter().map(|(_, v)| v).collect())
    }

    /// What values a schema accepts, as text: two schemas with one shape cannot be told apart.
    fn shape(&self, node: &Rc<Node>, depth: usize) -> String {
        let node = self
            .resolved
            .schemas
            .deref(node)
            .unwrap_or_else(|_| node.clone());
        if depth == 0 {
            return "…".to_owned();
        }
        match &node.kind {
            NodeKind::Object(object) => {
                let mut properties: Vec<String> = object
                    .properties
                    .iter()
                    .map(|p| {
                        format!(
                            "{}{}:{}",
                            p.name,
                            if p.required { "!" } else { "" },
                            self.shape(&p.node, depth - 1)
                        )
                    })
                    .collect();
                properties.sort();
                let unions: Vec<String> = object
                    .unions
                    .iter()
                    .map(|u| self.shape(u, depth - 1))
                    .collect();
                format!("{{{}|{}}}", properties.join(","), unions.join(","))
            }
            NodeKind::Array(items) => format!("[{}]", self.shape(items, depth - 1)),
            NodeKind::Union(union) => {
                let members: Vec<String> = union
                    .members
                    .iter()
                    .map(|m| self.shape(m, depth - 1))
                    .collect();
                format!("({})", members.join("|"))
            }
            NodeKind::String {
                format,
                enumeration,
            } => {
                format!(
                    "string {format:?} {:?}",
                    enumeration.as_ref().map(|e| &e.values)
                )
            }
            NodeKind::Integer { enumeration, .. } => {
                format!("integer {:?}", enumeration.as_ref().map(|e| &e.values))
            }
            NodeKind::Number { .. } => "number".to_owned(),
            NodeKind::Boolean => "boolean".to_owned(),
            NodeKind::Any | NodeKind::Ref(_) => "any".to_owned(),
        }
    }

    fn variant_name_for(&self, member: &Rc<Node>, resolved: &Rc<Node>) -> String {
        if let NodeKind::Ref(target) = &member.kind {
            return match target.component_schema_name() {
                Some(name) => naming::type_name(&name),
                None => naming::type_name(&target.last().unwrap_or_default()),
            };
        }
        if let Some(title) = &member.docs.title {
            let name = naming::variant_name(title);
            if !name.is_empty() {
                return name;
            }
        }
        match &resolved.kind {
            NodeKind::Object(object) => {
                let required: Vec<&str> = object
                    .properties
                    .iter()
                    .filter(|p| p.required)
                    .map(|p| p.name.as_str())
                    .collect();
                match required.as_slice() {
                    [] => "Object".to_owned(),
                    [single] => naming::type_name(single),
                    several => several.iter().map(|n| naming::type_name(n)).collect(),
                }
            }
            NodeKind::Array(_) => "List".to_owned(),
            NodeKind::String { format, .. } => match format.as_deref() {
                Some("uuid") => "Uuid".to_owned(),
                Some("date-time") => "DateTime".to_owned(),
                _ => "String".to_owned(),
            },
            NodeKind::Integer { .. } => "Integer".to_owned(),
            NodeKind::Number { .. } => "Number".to_owned(),
            NodeKind::Boolean => "Boolean".to_owned(),
            NodeKind::Union(_) => "Union".to_owned(),
            NodeKind::Any | NodeKind::Ref(_) => "Value".to_owned(),
        }
    }
}

/// Sort key for untagged variants: JSON kinds never overlap, so only the order within one
/// kind matters: UUIDs and dates before other strings, integers before numbers, objects with
/// more required properties first and, among those, smaller objects first.
fn specificity(node: &Node) -> (u8, i64, i64) {
    match &node.kind {
        NodeKind::Boolean => (0, 0, 0),
        NodeKind::Integer { .. } => (1, 0, 0),
        NodeKind::Number { .. } => (1, 1, 0),
        NodeKind::String {
            format,
            enumeration,
        } => {
            let rank = match (format.as_deref(), enumeration) {
                (Some("uuid" | "date-time"), _) => 0,
                (_, Some(_)) => 1,
                _ => 2,
            };
            (2, rank, 0)
        }
        NodeKind::Array(_) => (3, 0, 0),
        NodeKind::Object(object) => {
            let required = object.properties.iter().filter(|p| p.required).count() as i64;
            (4, -required, object.properties.len() as i64)
        }
        NodeKind::Union(_) => (5, 0, 0),
        NodeKind::Any | NodeKind::Ref(_) => (6, 0, 0),
    }
}

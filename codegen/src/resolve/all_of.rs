//! `allOf`, merged: one object with every member's properties and `required` gathered from
//! every level, or the single member it wraps.

use std::rc::Rc;

use super::normalize::SchemaResolver;
use super::raw::{RawSchema, SchemaType};
use super::schema::{Additional, Docs, Node, NodeKind, ObjectNode};
use crate::diagnostic::Diagnostic;
use crate::pointer::Pointer;

impl SchemaResolver<'_> {
    /// `allOf`: one object with every member's properties, or the single member it wraps.
    pub(super) fn merge_all_of(
        &mut self,
        raw: &RawSchema,
        at: &Pointer,
    ) -> Result<Node, Diagnostic> {
        let own_structure = !raw.properties.is_empty()
            || !raw.one_of.is_empty()
            || !raw.any_of.is_empty()
            || raw.ty.is_some_and(|t| t != SchemaType::Object);
        let members_at = at.push("allOf");
        let mut members = Vec::with_capacity(raw.all_of.len() + 1);
        for (i, member) in raw.all_of.iter().enumerate() {
            members.push(self.build(member, &members_at.push(i))?);
        }
        // `allOf: [$ref]` only attaches a description or `nullable` to a reference: keep the
        // reference, so the named type is reused rather than copied.
        if let [member] = members.as_slice()
            && !own_structure
            && raw.required.is_empty()
        {
            let mut docs = member.docs.clone();
            let outer = raw.docs.clone();
            if outer.description.is_some() {
                docs.description = outer.description;
            }
            docs.deprecated |= outer.deprecated;
            docs.example = outer.example.or(docs.example);
            docs.default = outer.default.or(docs.default);
            return Ok(Node {
                pointer: at.clone(),
                docs,
                nullable: raw.nullable || member.nullable,
                kind: member.kind.clone(),
            });
        }
        if own_structure {
            let mut own = raw.clone();
            own.all_of.clear();
            own.required.clear();
            own.docs.description = None;
            members.push(Rc::new(Node {
                pointer: at.clone(),
                docs: Docs::default(),
                nullable: false,
                kind: self.kind_of(&own, at)?,
            }));
        }

        if self.merging.contains(at) {
            return Err(self.merge_cycle(at));
        }
        self.merging.push(at.clone());
        let merged = self.merge_members(&members, at);
        self.merging.pop();
        let mut kind = merged?;

        if let NodeKind::Object(object) = &mut kind {
            for name in &raw.required {
                match object.properties.iter_mut().find(|p| &p.name == name) {
                    Some(property) => property.required = true,
                    None if !object.unions.is_empty() => {}
                    None => self.warn(
                        Diagnostic::warning(format!(
                            "`required` names `{name}`, which no member of the `allOf` defines; it is ignored"
                        ))
                        .at(&at.push("required")),
                    ),
                }
            }
        }
        let mut docs = raw.docs.clone();
        if docs.description.is_none() {
            // Only an inline member describes this schema; a referenced one describes itself.
            docs.description = raw
                .all_of
                .iter()
                .filter(|m| m.reference.is_none())
                .find_map(|m| m.docs.description.clone());
        }
        Ok(Node {
            pointer: at.clone(),
            docs,
            nullable: raw.nullable,
            kind,
        })
    }

    fn merge_cycle(&self, at: &Pointer) -> Diagnostic {
        let stack = &self.merging;
        let start = stack.iter().position(|p| p == at).unwrap_or(0);
        let mut members: Vec<&Pointer> = stack.iter().skip(start).collect();
        if members.is_empty() {
            members.push(at);
        }
        // The same cycle met from any of its members reads the same, and is reported once.
        let first = members
            .iter()
            .enumerate()
            .min_by_key(|(_, p)| p.as_str())
            .map_or(0, |(i, _)| i);
        members.rotate_left(first);
        let head = members.first().copied().unwrap_or(at);
        let cycle: Vec<&str> = members
            .iter()
            .copied()
            .chain([head])
            .map(Pointer::as_str)
            .collect();
        Diagnostic::error(format!(
            "`allOf` includes itself ({}): no Rust type can contain itself by value",
            cycle.join(" -> ")
        ))
        .at(head)
        .hint("break the cycle with a property (an object can refer to itself through a property)")
    }

    fn merge_members(
        &mut self,
        members: &[Rc<Node>],
        at: &Pointer,
    ) -> Result<NodeKind, Diagnostic> {
        let mut object: Option<ObjectNode> = None;
        let mut scalar: Option<Rc<Node>> = None;
        let mut required: Vec<String> = Vec::new();
        for member in members {
            let resolved = match &member.kind {
                NodeKind::Ref(target) => {
                    if self.merging.contains(target) {
                        return Err(self.merge_cycle(target));
                    }
                    self.deref(member)?
                }
                _ => member.clone(),
            };
            match &resolved.kind {
                NodeKind::Any => {}
                NodeKind::Object(part) => {
                    let target = object.get_or_insert_with(ObjectNode::default);
                    for property in &part.properties {
                        if property.required {
                            required.push(property.name.clone());
                        }
                        match target
                            .properties
                            .iter_mut()
                            .find(|p| p.name == property.name)
                        {
                            None => target.properties.push(property.clone()),
                            Some(existing) => {
                                existing.node = self.merge_property(
                                    &existing.node,
                                    &property.node,
                                    &property.name,
                                    at,
                                )?;
                            }
                        }
                    }
                    required.extend(part.extra_required.iter().cloned());
                    target.unions.extend(part.unions.iter().cloned());
                    if let Additional::Schema(schema) = &part.additional {
                        target.additional = Additional::Schema(schema.clone());
                    }
                }
                NodeKind::Union(_) => {
                    object
                        .get_or_insert_with(ObjectNode::default)
                        .unions
                        .push(resolved.clone());
                }
                _ => {
                    if let Some(previous) = &scalar
                        && !same_shape(previous, &resolved)
                    {
                        return Err(Diagnostic::error(format!(
                            "`allOf` members have incompatible types ({} at {}, {} at {})",
                            shape_name(previous),
                            previous.pointer,
                            shape_name(&resolved),
                            resolved.pointer
                        ))
                        .at(at));
                    }
                    scalar = Some(resolved.clone());
                }
            }
        }
        match (object, scalar) {
            (Some(mut object), None) => {
                for property in &mut object.properties {
                    if required.contains(&property.name) {
                        property.required = true;
                    }
                }
                Ok(NodeKind::Object(object))
            }
            (None, Some(scalar)) => Ok(scalar.kind.clone()),
            (None, None) => Ok(NodeKind::Any),
            (Some(_), Some(scalar)) => Err(Diagnostic::error(format!(
                "`allOf` mixes an object with a {} ({}): no value can be both",
                shape_name(&scalar),
                scalar.pointer
            ))
            .at(at)),
        }
    }

    /// Two `allOf` members define one property: the value must satisfy both definitions.
    fn merge_property(
        &mut self,
        earlier: &Rc<Node>,
        later: &Rc<Node>,
        name: &str,
        at: &Pointer,
    ) -> Result<Rc<Node>, Diagnostic> {
        let a = self.deref(earlier)?;
        let b = self.deref(later)?;
        if a.pointer == b.pointer {
            return Ok(later.clone());
        }
        match (&a.kind, &b.kind) {
            (_, NodeKind::Any) => Ok(earlier.clone()),
            (NodeKind::Any, _) => Ok(later.clone()),
            (NodeKind::Object(x), NodeKind::Object(y)) => {
                // The later member refines the earlier one (VideoDetails.channel: the full
                // VideoChannel where Video has the VideoChannelSummary): keep the later type
                // when it has every property of the earlier one, else merge the two.
                if x.properties.iter().all(|p| y.properties.iter().any(|q| q.name == p.name)) {
                    return Ok(later.clone());
                }
                let kind = self.merge_members(&[a.clone(), b.clone()], &later.pointer)?;
                Ok(Rc::new(Node {
                    pointer: later.pointer.clone(),
                    docs: later.docs.clone(),
                    nullable: earlier.nullable && later.nullable,
                    kind,
                }))
            }
            _ if same_shape(&a, &b) => Ok(later.clone()),
            _ => Err(Diagnostic::error(format!(
                "`allOf` members give property `{name}` two incompatible types: {} at {} and {} at {}",
                shape_name(&a),
                a.pointer,
                shape_name(&b),
                b.pointer
            ))
            .at(at)
            .hint("make the definitions agree, or correct the document with an overlay")),
        }
    }
}

fn shape_name(node: &Node) -> &'static str {
    match &node.kind {
        NodeKind::Ref(_) => "reference",
        NodeKind::Any => "any value",
        NodeKind::Boolean => "boolean",
        NodeKind::Integer { .. } => "integer",
        NodeKind::Number { .. } => "number",
        NodeKind::String { .. } => "string",
        NodeKind::Array(_) => "array",
        NodeKind::Object(_) => "object",
        NodeKind::Union(_) => "oneOf/anyOf",
    }
}

fn same_shape(a: &Node, b: &Node) -> bool {
    shape_name(a) == shape_name(b)
        || matches!(
            (&a.kind, &b.kind),
            (NodeKind::Integer { .. }, NodeKind::Number { .. })
                | (NodeKind::Number { .. }, NodeKind::Integer { .. })
        )
}

//! Schemas normalized into [`Node`]s: `$ref`s checked and kept as edges, typeless schemas
//! classified, enums read, `oneOf`/`anyOf` gathered into unions (`allOf` is merged in
//! [`super::all_of`]).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use serde::Deserialize as _;
use serde_json::Value;

use super::raw::{self, AdditionalProperties, RawSchema, SchemaType};
use super::schema::{
    self, Additional, Discriminator, Docs, Enumeration, Node, NodeKind, ObjectNode, Property,
    Schemas, UnionNode,
};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::pointer::Pointer;

/// Builds the nodes of the schemas asked for, and of every schema they refer to.
pub(super) struct SchemaResolver<'a> {
    raw: &'a Value,
    /// Every node built, at the pointer where it is written (nodes inside others included).
    nodes: HashMap<Pointer, Rc<Node>>,
    /// Schemas asked for, or referred to, that do not resolve.
    failed: HashMap<Pointer, Diagnostic>,
    /// Schemas whose references are followed already.
    followed: HashSet<Pointer>,
    /// Pointers whose `allOf` is being merged: meeting one again is a cycle no type can hold.
    pub(super) merging: Vec<Pointer>,
    warnings: Diagnostics,
    /// Where `xml` is used (reported once per schema).
    xml: BTreeSet<Pointer>,
}

impl<'a> SchemaResolver<'a> {
    pub(super) fn new(raw: &'a Value) -> Self {
        SchemaResolver {
            raw,
            nodes: HashMap::new(),
            failed: HashMap::new(),
            followed: HashSet::new(),
            merging: Vec::new(),
            warnings: Diagnostics::default(),
            xml: BTreeSet::new(),
        }
    }

    /// The schema at `pointer`, after resolving it and every schema it refers to (through
    /// `$ref`s and discriminator mappings, transitively). A failure is kept in the table too.
    pub(super) fn resolve(&mut self, pointer: &Pointer) -> Result<Rc<Node>, Diagnostic> {
        if !self.followed.insert(pointer.clone())
            && let Some(node) = self.nodes.get(pointer)
        {
            // Resolved already (a path item's parameter, met again in its next operation).
            return Ok(node.clone());
        }
        let resolved = self.node(pointer);
        match &resolved {
            Ok(node) => self.follow_references(node.clone()),
            Err(error) => {
                self.failed.insert(pointer.clone(), error.clone());
            }
        }
        resolved
    }

    /// Resolves every schema the tree under `root` refers to.
    fn follow_references(&mut self, root: Rc<Node>) {
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            let mut targets: Vec<&Pointer> = Vec::new();
            match &node.kind {
                NodeKind::Ref(target) => targets.push(target),
                NodeKind::Array(items) => stack.push(items.clone()),
                NodeKind::Object(object) => {
                    stack.extend(object.properties.iter().map(|p| p.node.clone()));
                    stack.extend(object.unions.iter().cloned());
                    if let Additional::Schema(values) = &object.additional {
                        stack.push(values.clone());
                    }
                }
                NodeKind::Union(union) => {
                    stack.extend(union.members.iter().cloned());
                    let mapping = union.discriminator.iter().flat_map(|d| &d.mapping);
                    targets.extend(mapping.map(|(_, target)| target));
                }
                NodeKind::Any
                | NodeKind::Boolean
                | NodeKind::Integer { .. }
                | NodeKind::Number { .. }
                | NodeKind::String { .. } => {}
            }
            for target in targets {
                if !self.followed.insert(target.clone()) {
                    continue;
                }
                match self.node(target) {
                    Ok(found) => stack.push(found),
                    Err(error) => {
                        self.failed.insert(target.clone(), error);
                    }
                }
            }
        }
    }

    /// The table of every schema resolved, and the warnings found on the way.
    pub(super) fn finish(self) -> (Schemas, Diagnostics) {
        let mut warnings = self.warnings;
        // One warning per schema that uses `xml`, not one per property.
        let mut by_schema: BTreeMap<Vec<String>, Vec<Pointer>> = BTreeMap::new();
        for pointer in self.xml {
            let schema: Vec<String> = pointer.tokens().take(3).collect();
            by_schema.entry(schema).or_default().push(pointer);
        }
        for pointers in by_schema.into_values() {
            // The outermost place: the schema itself when it has `xml`.
            let Some(first) = pointers.iter().min_by_key(|p| p.tokens().count()).cloned() else {
                continue;
            };
            let more = match pointers.len() - 1 {
                0 => String::new(),
                1 => " (here and in 1 more place in this schema)".to_owned(),
                n => format!(" (here and in {n} more places in this schema)"),
            };
            warnings.push(
                Diagnostic::warning(format!(
                    "`xml` is ignored{more}: the generated client reads and writes JSON"
                ))
                .at(&first),
            );
        }
        (Schemas::new(self.nodes, self.failed), warnings)
    }

    pub(super) fn warn(&mut self, diagnostic: Diagnostic) {
        self.warnings.push(diagnostic);
    }

    /// The schema node at `pointer`, built on first use.
    pub(super) fn node(&mut self, pointer: &Pointer) -> Result<Rc<Node>, Diagnostic> {
        if let Some(node) = self.nodes.get(pointer) {
            return Ok(node.clone());
        }
        let value = self
            .raw
            .pointer(pointer.as_value_pointer())
            .ok_or_else(|| Diagnostic::error(format!("no schema at `{pointer}`")).at(pointer))?;
        let parsed = RawSchema::deserialize(value)
            .or_else(|_| serde_path_to_error::deserialize::<_, RawSchema>(value));
        let raw: RawSchema = parsed.map_err(|e| {
            Diagnostic::error(format!("invalid schema: {}", e.inner()))
                .at(&pointer.join_serde_path(e.path()))
        })?;
        self.build(&raw, pointer)
    }

    /// Follows `Ref` edges until a node that is not a reference, building targets on the way.
    pub(super) fn deref(&mut self, node: &Rc<Node>) -> Result<Rc<Node>, Diagnostic> {
        schema::deref(node, |target| self.node(target))
    }

    /// The pointer a local `$ref` names, checked to exist.
    fn ref_target(&self, reference: &str, at: &Pointer) -> Result<Pointer, Diagnostic> {
        let target = Pointer::from_ref(reference).ok_or_else(|| {
            Diagnostic::error(format!(
                "external `$ref` `{reference}`: only references inside the document (`#/...`) are supported"
            ))
            .at(at)
            .hint("bundle the document into one file first (for example with `redocly bundle`)")
        })?;
        if self.raw.pointer(target.as_value_pointer()).is_none() {
            return Err(Diagnostic::error(format!(
                "`$ref` `{reference}` points to nothing in the document"
            ))
            .at(at)
            .hint("define the schema it names, or correct the reference"));
        }
        Ok(target)
    }

    pub(super) fn build(&mut self, raw: &RawSchema, at: &Pointer) -> Result<Rc<Node>, Diagnostic> {
        self.warn_unsupported(raw, at);
        let node = if let Some(reference) = &raw.reference {
            // Siblings of `$ref` are ignored by OpenAPI 3.0, but `nullable` and `description`
            // beside a `$ref` say what the author meant, and real servers send the nulls.
            Node {
                pointer: at.clone(),
                docs: raw.docs.clone(),
                nullable: raw.nullable,
                kind: NodeKind::Ref(self.ref_target(reference, at)?),
            }
        } else if !raw.all_of.is_empty() {
            self.merge_all_of(raw, at)?
        } else {
            Node {
                pointer: at.clone(),
                docs: raw.docs.clone(),
                nullable: raw.nullable,
                kind: self.kind_of(raw, at)?,
            }
        };
        let node = Rc::new(node);
        self.nodes.insert(at.clone(), node.clone());
        Ok(node)
    }

    fn warn_unsupported(&mut self, raw: &RawSchema, at: &Pointer) {
        if raw.not.is_some() {
            self.warn(
                Diagnostic::warning(
                    "`not` is not checked by the generated code; the schema is used without it",
                )
                .at(&at.push("not")),
            );
        }
        if raw.xml.is_some() {
            self.xml.insert(at.push("xml"));
        }
    }

    /// The kind of a schema without `$ref` or `allOf`.
    pub(super) fn kind_of(
        &mut self,
        raw: &RawSchema,
        at: &Pointer,
    ) -> Result<NodeKind, Diagnostic> {
        let (members, exclusive) = match raw.one_of.is_empty() {
            false => (&raw.one_of, true),
            true => (&raw.any_of, false),
        };
        let union = match members.is_empty() {
            true => None,
            false => {
                let members_at = union_pointer(raw, at);
                Some(self.union(members, exclusive, raw.discriminator.as_ref(), &members_at)?)
            }
        };
        let is_object = raw.ty == Some(SchemaType::Object)
            || !raw.properties.is_empty()
            || (raw.ty.is_none()
                && (raw.additional_properties.is_some() || !raw.required.is_empty()));
        if is_object && (!raw.properties.is_empty() || union.is_none()) {
            let mut object = self.object(raw, at)?;
            if let Some(union) = union {
                let union_at = union_pointer(raw, at);
                object.unions.push(Rc::new(Node {
                    pointer: union_at,
                    docs: Docs::default(),
                    nullable: false,
                    kind: union,
                }));
            }
            return Ok(NodeKind::Object(object));
        }
        if let Some(union) = union {
            return Ok(union);
        }
        let ty = raw.ty.or_else(|| infer_type(raw)).or_else(|| {
            // No type at all, but an example (PeerTube's `displayName`): its JSON type is the
            // best evidence there is, and "any JSON value" would help no one.
            let inferred = example_type(raw)?;
            self.warn(
                Diagnostic::warning(format!(
                    "the schema has no `type`; it is taken as `{inferred:?}` from its example"
                ))
                .at(at)
                .hint("give the schema a `type` (an overlay can)"),
            );
            Some(inferred)
        });
        Ok(match ty {
            None => NodeKind::Any,
            Some(SchemaType::Boolean) => NodeKind::Boolean,
            Some(SchemaType::Number) => NodeKind::Number {
                format: raw.docs.constraints.format.clone(),
            },
            Some(SchemaType::Integer) => NodeKind::Integer {
                format: raw.docs.constraints.format.clone(),
                enumeration: self.enumeration(raw, at, |v| v.as_i64(), "integer")?,
            },
            Some(SchemaType::String) => NodeKind::String {
                format: raw.docs.constraints.format.clone(),
                enumeration: self.enumeration(
                    raw,
                    at,
                    |v| v.as_str().map(str::to_owned),
                    "string",
                )?,
            },
            Some(SchemaType::Array) => {
                let items = match &raw.items {
                    Some(items) => self.build(items, &at.push("items"))?,
                    None => {
                        self.warn(
                            Diagnostic::warning(
                                "array without `items`: its items can be any JSON value",
                            )
                            .at(at),
                        );
                        Rc::new(Node {
                            pointer: at.push("items"),
                            docs: Docs::default(),
                            nullable: false,
                            kind: NodeKind::Any,
                        })
                    }
                };
                NodeKind::Array(items)
            }
            Some(SchemaType::Object) => NodeKind::Object(self.object(raw, at)?),
        })
    }

    fn enumeration<T>(
        &mut self,
        raw: &RawSchema,
        at: &Pointer,
        read: impl Fn(&Value) -> Option<T>,
        type_name: &str,
    ) -> Result<Option<Enumeration<T>>, Diagnostic> {
        let Some(values) = &raw.enumeration else {
            return Ok(None);
        };
        let mut read_values = Vec::with_capacity(values.len());
        for (i, value) in values.iter().enumerate() {
            match read(value) {
                Some(v) => read_values.push(v),
                // `null` in an enum only restates `nullable`.
                None if value.is_null() => {}
                None => {
                    return Err(Diagnostic::error(format!(
                        "enum value {value} is not a {type_name}, as the schema's type says"
                    ))
                    .at(&at.push("enum").push(i)));
                }
            }
        }
        if read_values.is_empty() {
            return Ok(None);
        }
        let names = raw.x_enum_varnames.clone();
        if let Some(names) = &names
            && names.len() != values.len()
        {
            return Err(Diagnostic::error(format!(
                "`x-enum-varnames` has {} names for {} enum values",
                names.len(),
                values.len()
            ))
            .at(&at.push("x-enum-varnames")));
        }
        Ok(Some(Enumeration {
            values: read_values,
            names,
            descriptions: raw.x_enum_descriptions.clone(),
        }))
    }

    fn object(&mut self, raw: &RawSchema, at: &Pointer) -> Result<ObjectNode, Diagnostic> {
        let properties_at = at.push("properties");
        let mut properties = Vec::with_capacity(raw.properties.len());
        for (name, schema) in &raw.properties {
            properties.push(Property {
                name: name.clone(),
                node: self.build(schema, &properties_at.push(name))?,
                required: raw.required.iter().any(|r| r == name),
            });
        }
        let extra_required = raw
            .required
            .iter()
            .filter(|r| !raw.properties.contains_key(*r))
            .cloned()
            .collect();
        let additional = match &raw.additional_properties {
            None | Some(AdditionalProperties::Allowed(true)) => Additional::Allowed,
            Some(AdditionalProperties::Allowed(false)) => Additional::Denied,
            Some(AdditionalProperties::Schema(schema)) => {
                Additional::Schema(self.build(schema, &at.push("additionalProperties"))?)
            }
        };
        Ok(ObjectNode {
            properties,
            extra_required,
            additional,
            unions: Vec::new(),
        })
    }

    fn union(
        &mut self,
        members: &[RawSchema],
        exclusive: bool,
        discriminator: Option<&raw::Discriminator>,
        at: &Pointer,
    ) -> Result<NodeKind, Diagnostic> {
        let members = members
            .iter()
            .enumerate()
            .map(|(i, member)| self.build(member, &at.push(i)))
            .collect::<Result<Vec<_>, _>>()?;
        let discriminator = match discriminator {
            None => None,
            Some(d) => {
                let discriminator_at = at.parent().unwrap_or_default().push("discriminator");
                let mut mapping = Vec::new();
                for (value, reference) in &d.mapping {
                    let target =
                        self.ref_target(reference, &discriminator_at.push("mapping").push(value))?;
                    mapping.push((value.clone(), target));
                }
                if mapping.is_empty() {
                    // Without a mapping, the tag is the name of each member's component schema.
                    for member in &members {
                        let NodeKind::Ref(target) = &member.kind else {
                            return Err(Diagnostic::error(
                                "a discriminator without `mapping` needs every member to be a `$ref` to a component schema",
                            )
                            .at(&member.pointer));
                        };
                        let Some(name) = target.component_schema_name() else {
                            return Err(Diagnostic::error(
                                "a discriminator without `mapping` needs every member to be a `$ref` to a component schema",
                            )
                            .at(&member.pointer));
                        };
                        mapping.push((name, target.clone()));
                    }
                }
                Some(Discriminator {
                    property: d.property_name.clone(),
                    mapping,
                })
            }
        };
        Ok(NodeKind::Union(UnionNode {
            members,
            exclusive,
            discriminator,
        }))
    }
}

fn union_pointer(raw: &RawSchema, at: &Pointer) -> Pointer {
    if raw.one_of.is_empty() {
        at.push("anyOf")
    } else {
        at.push("oneOf")
    }
}

/// The type a schema without `type` has, judging by its other keywords.
fn infer_type(raw: &RawSchema) -> Option<SchemaType> {
    if raw.items.is_some() {
        return Some(SchemaType::Array);
    }
    let values = raw.enumeration.as_ref()?;
    let non_null = || values.iter().filter(|v| !v.is_null());
    if non_null().all(Value::is_string) {
        Some(SchemaType::String)
    } else if non_null().all(Value::is_i64) {
        Some(SchemaType::Integer)
    } else {
        None
    }
}

/// The type of a typeless schema's scalar example.
fn example_type(raw: &RawSchema) -> Option<SchemaType> {
    let structural = !raw.properties.is_empty()
        || raw.items.is_some()
        || raw.additional_properties.is_some()
        || !raw.one_of.is_empty()
        || !raw.any_of.is_empty()
        || !raw.all_of.is_empty();
    if structural {
        return None;
    }
    match raw.docs.example.as_ref()? {
        Value::String(_) => Some(SchemaType::String),
        Value::Bool(_) => Some(SchemaType::Boolean),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(SchemaType::Integer),
        Value::Number(_) => Some(SchemaType::Number),
        _ => None,
    }
}

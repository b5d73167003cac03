//! Stage 2, resolve: the document's JSON value into a checked OpenAPI 3.0 skeleton plus a graph
//! of normalized schema nodes.
//!
//! Resolution answers "what does this schema mean", independent of Rust: `$ref`s are checked
//! and kept as edges to the node they name (refs into another schema's `properties` included),
//! `allOf` is merged into one object with `required` gathered from every level, `nullable`
//! beside `$ref`/`allOf` is kept, and typeless schemas are classified. Naming and Rust types
//! are the model stage's job.

mod raw;
mod structure;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use serde::Deserialize as _;
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::pointer::Pointer;
pub use raw::{AdditionalProperties, RawSchema, SchemaType};

/// A schema after resolution.
#[derive(Debug, Clone)]
pub struct Node {
    /// Where the schema is written. Two nodes at one pointer are one type.
    pub pointer: Pointer,
    pub docs: Docs,
    pub nullable: bool,
    pub kind: NodeKind,
}

/// What a schema says about its values beyond their type: the documentation keywords,
/// read once here and carried unchanged to the generated doc comments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Docs {
    pub title: Option<String>,
    pub description: Option<String>,
    pub example: Option<Value>,
    pub default: Option<Value>,
    pub deprecated: bool,
    /// Validation keywords, kept as documentation only: real servers break them (see
    /// `../shared/corpus`), so the client never rejects a response over them.
    pub constraints: Constraints,
}

/// A schema's validation keywords (and `format`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    pub format: Option<String>,
    pub pattern: Option<String>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub minimum: Option<serde_json::Number>,
    pub maximum: Option<serde_json::Number>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
}

#[derive(Debug, Clone)]
pub enum NodeKind {
    /// An edge to the node at another pointer (resolved lazily, so recursion is fine).
    Ref(Pointer),
    /// No type information: any JSON value.
    Any,
    Boolean,
    Integer {
        format: Option<String>,
        enumeration: Option<Enumeration<i64>>,
    },
    Number {
        format: Option<String>,
    },
    String {
        format: Option<String>,
        enumeration: Option<Enumeration<String>>,
    },
    Array(Rc<Node>),
    Object(ObjectNode),
    Union(UnionNode),
}

/// The values of an `enum`, with names and descriptions when the document gives them
/// (`x-enum-varnames`, `x-enum-descriptions`).
#[derive(Debug, Clone, PartialEq)]
pub struct Enumeration<T> {
    pub values: Vec<T>,
    pub names: Option<Vec<String>>,
    pub descriptions: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct ObjectNode {
    pub properties: Vec<Property>,
    /// Names in `required` that no property of this node defines (an `allOf` member may).
    pub extra_required: Vec<String>,
    pub additional: Additional,
    /// `oneOf`/`anyOf` groups that sit beside properties (or inside an `allOf` member): the
    /// object holds one of their variants in addition to its own properties.
    pub unions: Vec<Rc<Node>>,
}

#[derive(Debug, Clone)]
pub struct Property {
    pub name: String,
    pub node: Rc<Node>,
    pub required: bool,
}

#[derive(Debug, Clone, Default)]
pub enum Additional {
    /// Not stated, or `true`: unknown properties are allowed and ignored.
    #[default]
    Allowed,
    /// `additionalProperties: false`.
    Denied,
    /// Every other property has this schema.
    Schema(Rc<Node>),
}

#[derive(Debug, Clone)]
pub struct UnionNode {
    pub members: Vec<Rc<Node>>,
    /// `oneOf` (exactly one member matches) rather than `anyOf`.
    pub exclusive: bool,
    pub discriminator: Option<Discriminator>,
}

#[derive(Debug, Clone)]
pub struct Discriminator {
    pub property: String,
    /// Tag value and the schema it selects, in the document's order.
    pub mapping: Vec<(String, Pointer)>,
}

/// The resolved document: the OpenAPI skeleton and a lazily built, cached graph of schema nodes.
pub struct Resolved {
    pub api: openapiv3::OpenAPI,
    raw: Value,
    nodes: RefCell<HashMap<Pointer, Rc<Node>>>,
    /// Pointers whose `allOf` is being merged: meeting one again is a cycle no type can hold.
    merging: RefCell<Vec<Pointer>>,
    warnings: RefCell<Diagnostics>,
    /// Where `xml` is used (reported once per schema).
    xml: RefCell<BTreeSet<Pointer>>,
}

/// The OpenAPI versions this generator reads.
pub const SUPPORTED_VERSIONS: &str = "OpenAPI 3.0.0 to 3.0.4";

pub fn resolve(raw: Value) -> Result<Resolved, Diagnostics> {
    check_version(&raw)?;
    if raw.get("paths").is_none() {
        return Err(Diagnostic::error(
            "the document has no `paths`, so there is nothing to generate",
        )
        .at(&Pointer::root())
        .hint("an OpenAPI document for a client needs at least one operation under `paths`")
        .into());
    }
    // Plain serde first: tracking the path costs a quarter of the time, and only a failure
    // needs it.
    let parsed = openapiv3::OpenAPI::deserialize(&raw)
        .or_else(|_| serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&raw));
    let api: openapiv3::OpenAPI = match parsed {
        Ok(api) => api,
        Err(e) => {
            // serde loses track of where it was inside flattened and untagged types: look
            // for the culprits part by part, and report each one where it is.
            let found = structure::locate(&raw);
            if found.has_errors() {
                return Err(found);
            }
            let pointer = Pointer::root().join_serde_path(e.path());
            return Err(Diagnostic::error(format!(
                "the document is not a valid OpenAPI 3.0 document: {}",
                e.inner()
            ))
            .at(&pointer)
            .into());
        }
    };
    if api.paths.paths.is_empty() {
        return Err(Diagnostic::error(
            "the document has no paths, so there is nothing to generate",
        )
        .at(&Pointer::root().push("paths"))
        .hint("an OpenAPI document for a client needs at least one operation under `paths`")
        .into());
    }
    Ok(Resolved {
        api,
        raw,
        nodes: RefCell::default(),
        merging: RefCell::default(),
        warnings: RefCell::default(),
        xml: RefCell::default(),
    })
}

fn check_version(raw: &Value) -> Result<(), Diagnostic> {
    let root = Pointer::root();
    if !raw.is_object() {
        return Err(Diagnostic::error("the document is not a JSON/YAML object").at(&root));
    }
    if let Some(swagger) = raw.get("swagger") {
        return Err(Diagnostic::error(format!(
            "this is a Swagger {} document; this generator reads {SUPPORTED_VERSIONS}",
            swagger.as_str().unwrap_or("2.0")
        ))
        .at(&root.push("swagger"))
        .hint("convert it to OpenAPI 3.0 first (for example with swagger2openapi)"));
    }
    let Some(version) = raw.get("openapi") else {
        return Err(Diagnostic::error(format!(
            "the document has no `openapi` field; this generator reads {SUPPORTED_VERSIONS}"
        ))
        .at(&root));
    };
    let at = root.push("openapi");
    let Some(version) = version.as_str() else {
        return Err(Diagnostic::error(format!(
            "`openapi` must be a string such as \"3.0.3\", found {version}"
        ))
        .at(&at));
    };
    if version.starts_with("3.1") {
        return Err(Diagnostic::error(format!(
            "OpenAPI {version} is not supported: its schemas are JSON Schema 2020-12; this generator reads {SUPPORTED_VERSIONS}"
        ))
        .at(&at)
        .hint("use the 3.0 form of the document if the API publishes one"));
    }
    if !version.starts_with("3.0.") {
        return Err(Diagnostic::error(format!(
            "OpenAPI version `{version}` is not supported; this generator reads {SUPPORTED_VERSIONS}"
        ))
        .at(&at));
    }
    Ok(())
}

impl Resolved {
    /// The raw JSON value at `pointer`, if there is one.
    pub fn raw_at(&self, pointer: &Pointer) -> Option<&Value> {
        self.raw.pointer(pointer.as_value_pointer())
    }

    /// Warnings found while resolving (taken once, by the model stage).
    pub fn take_warnings(&self) -> Diagnostics {
        let mut warnings = std::mem::take(&mut *self.warnings.borrow_mut());
        // One warning per schema that uses `xml`, not one per property.
        let xml = std::mem::take(&mut *self.xml.borrow_mut());
        let mut by_schema: BTreeMap<Vec<String>, Vec<Pointer>> = BTreeMap::new();
        for pointer in xml {
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
        warnings
    }

    fn warn(&self, diagnostic: Diagnostic) {
        self.warnings.borrow_mut().push(diagnostic);
    }

    /// The schema node at `pointer`.
    pub fn node(&self, pointer: &Pointer) -> Result<Rc<Node>, Diagnostic> {
        if let Some(node) = self.nodes.borrow().get(pointer) {
            return Ok(node.clone());
        }
        let value = self
            .raw_at(pointer)
            .ok_or_else(|| Diagnostic::error(format!("no schema at `{pointer}`")).at(pointer))?;
        let parsed = RawSchema::deserialize(value)
            .or_else(|_| serde_path_to_error::deserialize::<_, RawSchema>(value));
        let raw: RawSchema = parsed.map_err(|e| {
            Diagnostic::error(format!("invalid schema: {}", e.inner()))
                .at(&pointer.join_serde_path(e.path()))
        })?;
        self.build(&raw, pointer)
    }

    /// Follows `Ref` edges until a node that is not a reference.
    pub fn deref(&self, node: &Rc<Node>) -> Result<Rc<Node>, Diagnostic> {
        let mut current = node.clone();
        let mut seen: Vec<Pointer> = Vec::new();
        while let NodeKind::Ref(target) = &current.kind {
            if seen.contains(target) {
                seen.push(target.clone());
                let cycle: Vec<&str> = seen.iter().map(Pointer::as_str).collect();
                return Err(Diagnostic::error(format!(
                    "`$ref` cycle with no schema in it: {}",
                    cycle.join(" -> ")
                ))
                .at(&node.pointer));
            }
            seen.push(target.clone());
            current = self.node(target)?;
        }
        Ok(current)
    }

    /// The pointer a local `$ref` names, checked to exist.
    pub fn ref_target(&self, reference: &str, at: &Pointer) -> Result<Pointer, Diagnostic> {
        let target = Pointer::from_ref(reference).ok_or_else(|| {
            Diagnostic::error(format!(
                "external `$ref` `{reference}`: only references inside the document (`#/...`) are supported"
            ))
            .at(at)
            .hint("bundle the document into one file first (for example with `redocly bundle`)")
        })?;
        if self.raw_at(&target).is_none() {
            return Err(Diagnostic::error(format!(
                "`$ref` `{reference}` points to nothing in the document"
            ))
            .at(at)
            .hint("define the schema it names, or correct the reference"));
        }
        Ok(target)
    }

    fn build(&self, raw: &RawSchema, at: &Pointer) -> Result<Rc<Node>, Diagnostic> {
        self.warn_unsupported(raw, at);
        let node = if let Some(reference) = &raw.reference {
            // Siblings of `$ref` are ignored by OpenAPI 3.0, but `nullable` and `description`
            // beside a `$ref` say what the author meant, and real servers send the nulls.
            Node {
                pointer: at.clone(),
                docs: docs_of(raw),
                nullable: raw.nullable,
                kind: NodeKind::Ref(self.ref_target(reference, at)?),
            }
        } else if !raw.all_of.is_empty() {
            self.merge_all_of(raw, at)?
        } else {
            Node {
                pointer: at.clone(),
                docs: docs_of(raw),
                nullable: raw.nullable,
                kind: self.kind_of(raw, at)?,
            }
        };
        let node = Rc::new(node);
        self.nodes.borrow_mut().insert(at.clone(), node.clone());
        Ok(node)
    }

    fn warn_unsupported(&self, raw: &RawSchema, at: &Pointer) {
        if raw.not.is_some() {
            self.warn(
                Diagnostic::warning(
                    "`not` is not checked by the generated code; the schema is used without it",
                )
                .at(&at.push("not")),
            );
        }
        if raw.xml.is_some() {
            self.xml.borrow_mut().insert(at.push("xml"));
        }
    }

    /// The kind of a schema without `$ref` or `allOf`.
    fn kind_of(&self, raw: &RawSchema, at: &Pointer) -> Result<NodeKind, Diagnostic> {
        let union = if !raw.one_of.is_empty() {
            Some(self.union(
                &raw.one_of,
                true,
                raw.discriminator.as_ref(),
                &at.push("oneOf"),
            )?)
        } else if !raw.any_of.is_empty() {
            Some(self.union(
                &raw.any_of,
                false,
                raw.discriminator.as_ref(),
                &at.push("anyOf"),
            )?)
        } else {
            None
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
                format: raw.format.clone(),
            },
            Some(SchemaType::Integer) => NodeKind::Integer {
                format: raw.format.clone(),
                enumeration: self.enumeration(raw, at, |v| v.as_i64(), "integer")?,
            },
            Some(SchemaType::String) => NodeKind::String {
                format: raw.format.clone(),
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
        &self,
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

    fn object(&self, raw: &RawSchema, at: &Pointer) -> Result<ObjectNode, Diagnostic> {
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
        &self,
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

    /// `allOf`: one object with every member's properties, or the single member it wraps.
    fn merge_all_of(&self, raw: &RawSchema, at: &Pointer) -> Result<Node, Diagnostic> {
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
            let outer = docs_of(raw);
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
            own.description = None;
            members.push(Rc::new(Node {
                pointer: at.clone(),
                docs: Docs::default(),
                nullable: false,
                kind: self.kind_of(&own, at)?,
            }));
        }

        if self.merging.borrow().contains(at) {
            return Err(self.merge_cycle(at));
        }
        self.merging.borrow_mut().push(at.clone());
        let merged = self.merge_members(&members, at);
        self.merging.borrow_mut().pop();
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
        let mut docs = docs_of(raw);
        if docs.description.is_none() {
            // Only an inline member describes this schema; a referenced one describes itself.
            docs.description = raw
                .all_of
                .iter()
                .filter(|m| m.reference.is_none())
                .find_map(|m| m.description.clone());
        }
        Ok(Node {
            pointer: at.clone(),
            docs,
            nullable: raw.nullable,
            kind,
        })
    }

    fn merge_cycle(&self, at: &Pointer) -> Diagnostic {
        let stack = self.merging.borrow();
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

    fn merge_members(&self, members: &[Rc<Node>], at: &Pointer) -> Result<NodeKind, Diagnostic> {
        let mut object: Option<ObjectNode> = None;
        let mut scalar: Option<Rc<Node>> = None;
        let mut required: Vec<String> = Vec::new();
        for member in members {
            let resolved = match &member.kind {
                NodeKind::Ref(target) => {
                    if self.merging.borrow().contains(target) {
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
        &self,
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
    match raw.example.as_ref()? {
        Value::String(_) => Some(SchemaType::String),
        Value::Bool(_) => Some(SchemaType::Boolean),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(SchemaType::Integer),
        Value::Number(_) => Some(SchemaType::Number),
        _ => None,
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

fn docs_of(raw: &RawSchema) -> Docs {
    Docs {
        title: raw.title.clone(),
        description: raw.description.clone(),
        example: raw.example.clone(),
        default: raw.default.clone(),
        deprecated: raw.deprecated,
        constraints: Constraints {
            format: raw.format.clone(),
            pattern: raw.pattern.clone(),
            min_length: raw.min_length,
            max_length: raw.max_length,
            minimum: raw.minimum.clone(),
            maximum: raw.maximum.clone(),
            min_items: raw.min_items,
            max_items: raw.max_items,
        },
    }
}

#[cfg(test)]
mod tests;

//! Schema nodes into named Rust types.
//!
//! As in typify's type space, every component schema gets its id and name before any schema
//! is converted, so forward and cyclic references resolve to an id. Other schemas that need a
//! name (objects, enums, unions written inline) get one the first time they are met, keyed by
//! the pointer where they are written: a `$ref` into another schema's `properties` therefore
//! reaches the same type as the schema that owns the property.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use super::enums::{is_bit_flags, labels_from_description};
use super::{
    Constraints, Docs, EnumVariant, Example, Field, FieldRepr, OpenEnum, Struct, Tagged,
    TaggedVariant, TypeDef, TypeExpr, TypeId, TypeKind, UntaggedVariant, Usage,
};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::naming::{self, Scope};
use crate::pointer::Pointer;
use crate::resolve::{Additional, Node, NodeDocs, NodeKind, ObjectNode, Resolved, UnionNode};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Pending,
    Building,
    Built,
}

struct Slot {
    def: TypeDef,
    state: State,
}

/// Names for schemas written inside operations, keyed by (path, method).
#[derive(Debug, Default)]
pub struct OperationStems {
    pub stems: HashMap<(String, String), String>,
}

pub struct TypeBuilder<'a> {
    resolved: &'a Resolved,
    stems: &'a OperationStems,
    slots: Vec<Slot>,
    by_pointer: HashMap<Pointer, TypeId>,
    names: Scope,
    pub diagnostics: Diagnostics,
    /// Schemas used only as variants of a tagged union: their tag property is left out.
    strip_tag: HashMap<Pointer, String>,
    /// Type aliases being converted (a type alias cannot refer to itself).
    alias_stack: Vec<Pointer>,
    /// Examples in component schemas, with the type of the schema they sit on.
    examples: BTreeMap<Pointer, (serde_json::Value, TypeExpr)>,
}

impl<'a> TypeBuilder<'a> {
    pub fn new(
        resolved: &'a Resolved,
        stems: &'a OperationStems,
        strip_tag: HashMap<Pointer, String>,
    ) -> Self {
        TypeBuilder {
            resolved,
            stems,
            slots: Vec::new(),
            by_pointer: HashMap::new(),
            names: Scope::new(),
            diagnostics: Diagnostics::default(),
            strip_tag,
            alias_stack: Vec::new(),
            examples: BTreeMap::new(),
        }
    }

    pub fn resolved(&self) -> &'a Resolved {
        self.resolved
    }

    /// Reserves ids and names for all component schemas, in document order.
    pub fn declare_components(&mut self, names: &[String]) {
        let mut first_claim: BTreeMap<String, Pointer> = BTreeMap::new();
        for name in names {
            let pointer = Pointer::root()
                .push("components")
                .push("schemas")
                .push(name);
            let rust_name = naming::type_name(name);
            if let Some(previous) = first_claim.get(&rust_name) {
                self.diagnostics.push(
                    Diagnostic::error(format!(
                        "component schemas `{}` and `{name}` both become the Rust type `{rust_name}`",
                        previous.last().unwrap_or_default()
                    ))
                    .at(&pointer)
                    .hint("rename one of the schemas (an overlay can do it without editing the upstream document)"),
                );
                continue;
            }
            first_claim.insert(rust_name.clone(), pointer.clone());
            self.names.claim(&rust_name);
            self.allocate(pointer, rust_name);
        }
    }

    fn allocate(&mut self, origin: Pointer, name: String) -> TypeId {
        let id = TypeId(self.slots.len());
        self.by_pointer.insert(origin.clone(), id);
        self.slots.push(Slot {
            def: TypeDef {
                id,
                name,
                origin,
                docs: Docs::default(),
                about: String::new(),
                kind: TypeKind::Struct(Struct::default()),
                usage: Usage::default(),
            },
            state: State::Pending,
        });
        id
    }

    pub fn finish(self) -> (Vec<TypeDef>, Vec<Example>, Diagnostics) {
        let examples = self
            .examples
            .into_iter()
            .map(|(pointer, (value, ty))| Example { pointer, value, ty })
            .collect();
        (
            self.slots.into_iter().map(|s| s.def).collect(),
            examples,
            self.diagnostics,
        )
    }

    /// Records an example written outside the schemas (a response's), with the type it has.
    pub fn add_example(&mut self, pointer: Pointer, value: serde_json::Value, ty: TypeExpr) {
        self.examples.insert(pointer, (value, ty));
    }

    /// Records the example of a component schema's node, with the node's (non-null) type.
    fn record_example(&mut self, node: &Node, expr: &TypeExpr) {
        if let Some(example) = &node.docs.example
            && node.pointer.as_str().starts_with("#/components/schemas/")
            && !self.examples.contains_key(&node.pointer)
        {
            let (ty, _) = split_option(expr.clone());
            self.examples
                .insert(node.pointer.clone(), (example.clone(), ty));
        }
    }

    fn error(&mut self, diagnostic: Diagnostic) -> TypeExpr {
        self.diagnostics.push(diagnostic);
        TypeExpr::Json
    }

    fn node(&mut self, pointer: &Pointer) -> Option<Rc<Node>> {
        match self.resolved.node(pointer) {
            Ok(node) => Some(node),
            Err(e) => {
                self.diagnostics.push(e);
                None
            }
        }
    }

    /// The Rust type of a component schema, converting it if that has not happened yet.
    pub fn component(&mut self, pointer: &Pointer) -> Option<TypeId> {
        let id = *self.by_pointer.get(pointer)?;
        if self
            .slots
            .get(id.0)
            .is_none_or(|slot| slot.state != State::Pending)
        {
            return Some(id);
        }
        let node = self.node(pointer)?;
        self.set_state(id, State::Building);
        let kind = if needs_name(&node) {
            // A named type breaks any chain of aliases: it may refer to them freely.
            let aliases = std::mem::take(&mut self.alias_stack);
            let kind = self.kind_of(&node, id);
            self.alias_stack = aliases;
            kind
        } else {
            self.alias_stack.push(pointer.clone());
            let mut non_null = (*node).clone();
            non_null.nullable = false;
            let expr = self.type_of(&Rc::new(non_null));
            self.alias_stack.pop();
            TypeKind::Alias(expr)
        };
        if let Some(example) = &node.docs.example {
            // Checked against the component's own type (an alias included).
            self.examples
                .insert(pointer.clone(), (example.clone(), TypeExpr::Named(id)));
        }
        let about = self.describe_origin(pointer);
        self.complete(id, docs_of(&node.docs), about, kind);
        Some(id)
    }

    /// The Rust type for a schema node (with `Option` when the node is nullable).
    pub fn type_of(&mut self, node: &Rc<Node>) -> TypeExpr {
        let expr = match &node.kind {
            NodeKind::Ref(target) => {
                let target = target.clone();
                let expr = self.type_at(&target, node);
                self.record_example(node, &expr);
                return expr;
            }
            NodeKind::Any => TypeExpr::Json,
            NodeKind::Boolean => TypeExpr::Boolean,
            NodeKind::Integer {
                enumeration: Some(_),
                ..
            }
            | NodeKind::String {
                enumeration: Some(_),
                ..
            } => TypeExpr::Named(self.named(node, None)),
            NodeKind::Integer { format, .. } => match format.as_deref() {
                Some("int32") => TypeExpr::Int32,
                _ => TypeExpr::Integer,
            },
            NodeKind::Number { .. } => TypeExpr::Number,
            NodeKind::String { format, .. } => match format.as_deref() {
                Some("date-time") => TypeExpr::DateTime,
                Some("uuid") => TypeExpr::Uuid,
                Some("binary") => TypeExpr::Binary,
                Some("password") => TypeExpr::Secret,
                _ => TypeExpr::String,
            },
            NodeKind::Array(items) => TypeExpr::List(Box::new(self.type_of(items))),
            NodeKind::Object(object)
                if object.properties.is_empty() && object.unions.is_empty() =>
            {
                match &object.additional {
                    Additional::Schema(values) => TypeExpr::Map(Box::new(self.type_of(values))),
                    Additional::Allowed | Additional::Denied => TypeExpr::JsonObject,
                }
            }
            NodeKind::Object(_) | NodeKind::Union(_) => TypeExpr::Named(self.named(node, None)),
        };
        self.record_example(node, &expr);
        if node.nullable { optional(expr) } else { expr }
    }

    /// The type a `$ref` names. `from` is the referring node (its `nullable` applies too).
    fn type_at(&mut self, target: &Pointer, from: &Rc<Node>) -> TypeExpr {
        if self.alias_stack.contains(target) {
            return self.error(
                Diagnostic::error(format!(
                    "`{target}` refers to itself without an object in between, so no Rust type can express it"
                ))
                .at(&from.pointer),
            );
        }
        let Some(node) = self.node(target) else {
            return TypeExpr::Json;
        };
        let expr = if target.component_schema_name().is_some() {
            match self.component(target) {
                Some(id) => TypeExpr::Named(id),
                None => return TypeExpr::Json,
            }
        } else {
            // A reference into another schema (`#/components/schemas/User/properties/username`):
            // the same type as the schema written there.
            self.alias_stack.push(target.clone());
            let mut non_null = (*node).clone();
            non_null.nullable = false;
            let expr = self.type_of(&Rc::new(non_null));
            self.alias_stack.pop();
            expr
        };
        if from.nullable || node.nullable {
            optional(expr)
        } else {
            expr
        }
    }

    /// The named type for a node that needs one, created on first use.
    fn named(&mut self, node: &Rc<Node>, name: Option<String>) -> TypeId {
        if let Some(id) = self.by_pointer.get(&node.pointer) {
            return *id;
        }
        // A `title` names an inline schema's type; otherwise, where it is written does.
        let titled = node
            .docs
            .title
            .as_deref()
            .map(naming::type_name)
            .filter(|t| naming::is_identifier(t));
        let wanted = name
            .or(titled)
            .unwrap_or_else(|| self.name_for(&node.pointer));
        let role = if self.is_parameter_schema(&node.pointer) {
            naming::TypeRole::Parameter
        } else {
            match &node.kind {
                NodeKind::Union(_) => naming::TypeRole::Union,
                NodeKind::String { .. } | NodeKind::Integer { .. } => naming::TypeRole::Enum,
                _ => naming::TypeRole::Object,
            }
        };
        let claimed = self
            .names
            .claim_or(&wanted, &naming::alternative_type_name(&wanted, role));
        if let Some(collided) = &claimed.collided_with {
            self.diagnostics.push(
                Diagnostic::warning(format!(
                    "the type name `{collided}` is taken; this schema's type is named `{}`",
                    claimed.name
                ))
                .at(&node.pointer)
                .hint("an overlay can give the schema a `title` or move it to a component with a name of its own"),
            );
        }
        let id = self.allocate(node.pointer.clone(), claimed.name);
        self.record_example(node, &TypeExpr::Named(id));
        self.set_state(id, State::Building);
        let aliases = std::mem::take(&mut self.alias_stack);
        let kind = self.kind_of(node, id);
        self.alias_stack = aliases;
        let about = self.describe_origin(&node.pointer);
        let mut docs = docs_of(&node.docs);
        if docs.description.is_none() {
            docs.description = self.parameter_description(&node.pointer);
        }
        self.complete(id, docs, about, kind);
        id
    }

    fn set_state(&mut self, id: TypeId, state: State) {
        if let Some(slot) = self.slots.get_mut(id.0) {
            slot.state = state;
        }
    }

    /// Fills in a type whose conversion is done.
    fn complete(&mut self, id: TypeId, docs: Docs, about: String, kind: TypeKind) {
        if let Some(slot) = self.slots.get_mut(id.0) {
            slot.def.docs = docs;
            slot.def.about = about;
            slot.def.kind = kind;
            slot.state = State::Built;
        }
    }

    fn type_name(&self, id: TypeId) -> String {
        self.slots
            .get(id.0)
            .map(|slot| slot.def.name.clone())
            .unwrap_or_default()
    }

    fn kind_of(&mut self, node: &Rc<Node>, id: TypeId) -> TypeKind {
        let name = self.type_name(id);
        match &node.kind {
            NodeKind::Object(object) => TypeKind::Struct(self.object(node, object, &name)),
            NodeKind::String {
                enumeration: Some(e),
                ..
            } => {
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
            NodeKind::Integer {
                enumeration: Some(e),
                ..
            } => {
                let description = node.docs.description.as_deref();
                let labels = match &e.names {
                    Some(names) => names.iter().cloned().map(Some).collect(),
                    None => labels_from_description(description.unwrap_or_default(), &e.values),
                };
                let flags = is_bit_flags(&name, description, &e.values);
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
            NodeKind::Union(union) => self.union(node, union, &name),
            _ => TypeKind::Alias(TypeExpr::Json),
        }
    }

    fn claim_in(&mut self, scope: &mut Scope, wanted: &str, at: &Pointer, what: &str) -> String {
        let claimed = scope.claim(wanted);
        if let Some(collided) = &claimed.collided_with {
            self.diagnostics.push(
                Diagnostic::warning(format!(
                    "two {what}s are named `{collided}` in Rust; the second is `{}`",
                    claimed.name
                ))
                .at(at),
            );
        }
        claimed.name
    }

    fn object(&mut self, node: &Rc<Node>, object: &ObjectNode, type_name: &str) -> Struct {
        let strip = self.strip_tag.get(&node.pointer).cloned();
        let mut scope = Scope::new();
        let mut fields = Vec::with_capacity(object.properties.len());
        for property in &object.properties {
            if strip.as_deref() == Some(property.name.as_str()) {
                continue;
            }
            let (ty, nullable) = split_option(self.type_of(&property.node));
            let ty = if naming::is_secret_name(&property.name) {
                secret(ty)
            } else {
                ty
            };
            let repr = match (property.required, nullable) {
                (true, false) => FieldRepr::Required,
                (true, true) => FieldRepr::Nullable,
                (false, false) => FieldRepr::Optional,
                (false, true) => FieldRepr::OptionalNullable,
            };
            let wanted = naming::snake_name(&property.name);
            let name = self.claim_in(&mut scope, &wanted, &property.node.pointer, "field");
            let docs = self.field_docs(&property.node);
            fields.push(Field {
                name,
                wire_name: property.name.clone(),
                ty,
                repr,
                docs,
                boxed: false,
            });
        }
        for union in &object.unions {
            let suffix = match &union.kind {
                NodeKind::Union(u) if !u.exclusive => "AnyOf",
                _ => "OneOf",
            };
            let id = self.named(union, Some(format!("{type_name}{suffix}")));
            let wanted = naming::snake_name(suffix);
            fields.push(Field {
                name: self.claim_in(&mut scope, &wanted, &union.pointer, "field"),
                wire_name: String::new(),
                ty: TypeExpr::Named(id),
                repr: FieldRepr::Flatten,
                docs: Docs::default(),
                boxed: false,
            });
        }
        if let Additional::Schema(values) = &object.additional
            && !object.properties.is_empty()
        {
            let ty = TypeExpr::Map(Box::new(self.type_of(values)));
            fields.push(Field {
                name: self.claim_in(
                    &mut scope,
                    "additional_properties",
                    &values.pointer,
                    "field",
                ),
                wire_name: String::new(),
                ty,
                repr: FieldRepr::Flatten,
                docs: docs_of(&values.docs),
                boxed: false,
            });
        }
        Struct { fields }
    }

    /// A field's documentation: its own, or, for a reference into another schema's
    /// properties, the documentation written there.
    fn field_docs(&mut self, node: &Rc<Node>) -> Docs {
        let own = docs_of(&node.docs);
        if own.description.is_some() {
            return own;
        }
        if let NodeKind::Ref(target) = &node.kind
            && target.component_schema_name().is_none()
            && let Ok(target_node) = self.resolved.node(target)
        {
            let mut docs = docs_of(&target_node.docs);
            docs.deprecated |= own.deprecated;
            return docs;
        }
        own
    }

    fn union(&mut self, node: &Rc<Node>, union: &UnionNode, type_name: &str) -> TypeKind {
        if let Some(discriminator) = &union.discriminator {
            return self.tagged_explicit(node, discriminator, type_name);
        }
        if let Some(tag) = self.implicit_tag(union) {
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
            let Ok(target_node) = self.resolved.deref(&target_node) else {
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
                payload,
                boxed: false,
            });
        }
        TypeKind::Tagged(Tagged {
            tag: discriminator.property.clone(),
            variants,
        })
    }

    fn stripped_copy(&mut self, node: &Rc<Node>, tag: &str, name: String) -> TypeId {
        let claimed = self.names.claim(&name).name;
        let id = TypeId(self.slots.len());
        self.slots.push(Slot {
            def: TypeDef {
                id,
                name: claimed.clone(),
                origin: node.pointer.clone(),
                docs: docs_of(&node.docs),
                about: self.describe_origin(&node.pointer),
                kind: TypeKind::Struct(Struct::default()),
                usage: Usage::default(),
            },
            state: State::Building,
        });
        let previous = self.strip_tag.insert(node.pointer.clone(), tag.to_owned());
        let kind = match &node.kind {
            NodeKind::Object(object) => TypeKind::Struct(self.object(node, object, &claimed)),
            _ => TypeKind::Alias(TypeExpr::Json),
        };
        match previous {
            Some(previous) => self.strip_tag.insert(node.pointer.clone(), previous),
            None => self.strip_tag.remove(&node.pointer),
        };
        if let Some(slot) = self.slots.get_mut(id.0) {
            slot.def.kind = kind;
            slot.state = State::Built;
        }
        id
    }

    /// A property every member has with a single string value, different in each member: a
    /// discriminator the document does not declare (PeerTube's studio tasks are told apart
    /// by `name`).
    fn implicit_tag(&mut self, union: &UnionNode) -> Option<String> {
        if union.members.len() < 2 {
            return None;
        }
        let objects: Vec<&ObjectNode> = union
            .members
            .iter()
            .map(|m| match &m.kind {
                NodeKind::Object(object) if object.unions.is_empty() => Some(object),
                _ => None,
            })
            .collect::<Option<_>>()?;
        // Required or not: a property whose only allowed value differs in every member is
        // what tells the members apart (studio tasks do not mark `name` required).
        let single_value = |object: &ObjectNode, name: &str| -> Option<String> {
            let property = object.properties.iter().find(|p| p.name == name)?;
            match &property.node.kind {
                NodeKind::String {
                    enumeration: Some(e),
                    ..
                } => match e.values.as_slice() {
                    [only] => Some(only.clone()),
                    _ => None,
                },
                _ => None,
            }
        };
        objects
            .first()?
            .properties
            .iter()
            .map(|p| p.name.clone())
            .find(|candidate| {
                let values: Option<Vec<String>> =
                    objects.iter().map(|o| single_value(o, candidate)).collect();
                values.is_some_and(|values| {
                    let mut unique = values.clone();
                    unique.sort();
                    unique.dedup();
                    unique.len() == values.len()
                })
            })
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
                &naming::variant_name(&value),
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
                payload,
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
            shapes.push((shape, name.clone()));
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
        let node = self.resolved.deref(node).unwrap_or_else(|_| node.clone());
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

    /// The name of a schema written inline, from where it is written.
    fn name_for(&self, pointer: &Pointer) -> String {
        let tokens: Vec<String> = pointer.tokens().collect();
        let ancestor = self.named_ancestor(&tokens);
        let (stem, rest): (String, &[String]) = match (ancestor, tokens.as_slice()) {
            (Some((depth, id)), _) => (self.type_name(id), tokens.get(depth..).unwrap_or_default()),
            (None, tokens) => match tokens {
                [c, s, name, rest @ ..] if c == "components" && s == "schemas" => {
                    (naming::type_name(name), rest)
                }
                [c, p, name, s, rest @ ..]
                    if c == "components" && p == "parameters" && s == "schema" =>
                {
                    (naming::type_name(name), rest)
                }
                [p, path, kind, i, s, rest @ ..]
                    if p == "paths" && kind == "parameters" && s == "schema" =>
                {
                    let param = self.param_name(pointer, path, None, i);
                    (naming::type_name(&param), rest)
                }
                [p, path, method, kind, rest @ ..] if p == "paths" => {
                    let stem = self
                        .stems
                        .stems
                        .get(&(path.clone(), method.clone()))
                        .cloned()
                        .unwrap_or_else(|| naming::type_name(&format!("{method} {path}")));
                    match (kind.as_str(), rest) {
                        ("parameters", [i, s, rest @ ..]) if s == "schema" => {
                            let param = self.param_name(pointer, path, Some(method), i);
                            (format!("{stem}{}", naming::type_name(&param)), rest)
                        }
                        ("requestBody", [c, _, s, rest @ ..])
                            if c == "content" && s == "schema" =>
                        {
                            (format!("{stem}Body"), rest)
                        }
                        ("responses", [code, c, _, s, rest @ ..])
                            if c == "content" && s == "schema" =>
                        {
                            let suffix = if code.starts_with('2') {
                                "Response".to_owned()
                            } else {
                                format!("Response{code}")
                            };
                            (format!("{stem}{suffix}"), rest)
                        }
                        ("responses", [_, h, header, s, rest @ ..])
                            if h == "headers" && s == "schema" =>
                        {
                            (format!("{stem}{}Header", naming::type_name(header)), rest)
                        }
                        (_, rest) => (stem, rest),
                    }
                }
                _ => ("Inline".to_owned(), tokens),
            },
        };
        let mut name = stem;
        let mut rest = rest.iter();
        while let Some(token) = rest.next() {
            match token.as_str() {
                "properties" => {
                    if let Some(property) = rest.next() {
                        name.push_str(&naming::type_name(property));
                    }
                }
                "items" => name.push_str("Item"),
                "additionalProperties" => name.push_str("Value"),
                "allOf" => {
                    rest.next();
                }
                "oneOf" | "anyOf" => match rest.next().and_then(|i| i.parse::<usize>().ok()) {
                    Some(i) => name.push_str(&format!("Variant{}", i + 1)),
                    None => name.push_str(if token == "oneOf" { "OneOf" } else { "AnyOf" }),
                },
                other => name.push_str(&naming::type_name(other)),
            }
        }
        name
    }

    /// A sentence saying where a schema is written, for types the document does not describe.
    fn describe_origin(&self, pointer: &Pointer) -> String {
        let tokens: Vec<String> = pointer.tokens().collect();
        let ancestor = self.named_ancestor(&tokens);
        let (base, rest): (String, &[String]) = match (ancestor, tokens.as_slice()) {
            (Some((depth, id)), _) => (
                format!("[`{}`]", self.type_name(id)),
                tokens.get(depth..).unwrap_or_default(),
            ),
            (None, tokens) => match tokens {
                [c, s, name, rest @ ..] if c == "components" && s == "schemas" => {
                    (format!("the `{name}` schema"), rest)
                }
                [c, p, name, s, rest @ ..]
                    if c == "components" && p == "parameters" && s == "schema" =>
                {
                    (format!("the shared parameter `{name}`"), rest)
                }
                [p, path, kind, i, s, rest @ ..]
                    if p == "paths" && kind == "parameters" && s == "schema" =>
                {
                    let param = self.param_name(pointer, path, None, i);
                    (
                        format!("the parameter `{param}` of the operations on `{path}`"),
                        rest,
                    )
                }
                [p, path, method, kind, rest @ ..] if p == "paths" => {
                    let operation = format!("`{} {path}`", method.to_ascii_uppercase());
                    match (kind.as_str(), rest) {
                        ("parameters", [i, s, rest @ ..]) if s == "schema" => {
                            let param = self.param_name(pointer, path, Some(method), i);
                            (format!("the parameter `{param}` of {operation}"), rest)
                        }
                        ("requestBody", [c, _, s, rest @ ..])
                            if c == "content" && s == "schema" =>
                        {
                            (format!("the request body of {operation}"), rest)
                        }
                        ("responses", [code, c, _, s, rest @ ..])
                            if c == "content" && s == "schema" =>
                        {
                            (format!("the response of {operation} (status {code})"), rest)
                        }
                        ("responses", [code, h, header, s, rest @ ..])
                            if h == "headers" && s == "schema" =>
                        {
                            (
                                format!(
                                    "the `{header}` header of the response of {operation} (status {code})"
                                ),
                                rest,
                            )
                        }
                        (_, rest) => (operation, rest),
                    }
                }
                _ => (format!("the schema at `{pointer}`"), &[]),
            },
        };
        let mut property = String::new();
        let mut variant = None;
        let mut rest = rest.iter();
        while let Some(token) = rest.next() {
            match token.as_str() {
                "properties" => {
                    if let Some(name) = rest.next() {
                        if !property.is_empty() {
                            property.push('.');
                        }
                        property.push_str(name);
                    }
                }
                "items" => property.push_str("[]"),
                "additionalProperties" => property.push_str("{}"),
                "oneOf" | "anyOf" => variant = rest.next().and_then(|i| i.parse::<usize>().ok()),
                _ => {}
            }
        }
        let (element, property) = match (property.strip_suffix("[]"), property.strip_suffix("{}")) {
            (Some(rest), _) => (Some("an item of"), rest.to_owned()),
            (_, Some(rest)) => (Some("a value of"), rest.to_owned()),
            _ => (None, property),
        };
        let owner = if property.is_empty() {
            base
        } else {
            format!("the `{property}` property of {base}")
        };
        let described = match element {
            Some(element) => format!("{element} {owner}"),
            None => owner,
        };
        let sentence = match variant {
            Some(i) => format!("variant {} of {described}", i + 1),
            None => described,
        };
        let mut chars = sentence.chars();
        match chars.next() {
            Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
            None => String::new(),
        }
    }

    /// Whether `pointer` is the `schema` of a parameter.
    fn is_parameter_schema(&self, pointer: &Pointer) -> bool {
        pointer.last().as_deref() == Some("schema")
            && pointer
                .parent()
                .and_then(|parameter| self.resolved.raw_at(&parameter))
                .is_some_and(|parameter| parameter.get("in").is_some())
    }

    /// The description of the parameter whose `schema` is at `pointer`: a parameter's schema
    /// rarely has one of its own, and its enum values are named in the parameter's.
    fn parameter_description(&self, pointer: &Pointer) -> Option<String> {
        if pointer.last().as_deref() != Some("schema") {
            return None;
        }
        let parameter = self.resolved.raw_at(&pointer.parent()?)?;
        parameter.get("in")?;
        parameter.get("description")?.as_str().map(str::to_owned)
    }

    /// The closest enclosing schema (not `tokens` itself) that already has a named type, and
    /// how many tokens lead to it: inline types inside it are named after it.
    fn named_ancestor(&self, tokens: &[String]) -> Option<(usize, TypeId)> {
        let mut prefixes = Vec::with_capacity(tokens.len());
        let mut pointer = Pointer::root();
        for token in tokens.iter().take(tokens.len().saturating_sub(1)) {
            pointer = pointer.push(token);
            prefixes.push(pointer.clone());
        }
        prefixes
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, prefix)| self.by_pointer.get(prefix).map(|id| (i + 1, *id)))
    }

    fn param_name(
        &self,
        pointer: &Pointer,
        path: &str,
        method: Option<&String>,
        index: &str,
    ) -> String {
        let mut at = Pointer::root().push("paths").push(path);
        if let Some(method) = method {
            at = at.push(method);
        }
        let at = at.push("parameters").push(index);
        let raw = self.resolved.raw_at(&at);
        let declared = match raw.and_then(|v| v.get("$ref")).and_then(|r| r.as_str()) {
            Some(reference) => Pointer::from_ref(reference).and_then(|p| self.resolved.raw_at(&p)),
            None => raw,
        };
        declared
            .and_then(|v| v.get("name"))
            .and_then(|n| n.as_str())
            .map(str::to_owned)
            .unwrap_or_else(|| pointer.last().unwrap_or_default())
    }
}

/// Whether a component schema becomes a type of its own (rather than an alias).
fn needs_name(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Object(object) => !(object.properties.is_empty() && object.unions.is_empty()),
        NodeKind::Union(_) => true,
        NodeKind::String { enumeration, .. } => enumeration.is_some(),
        NodeKind::Integer { enumeration, .. } => enumeration.is_some(),
        _ => false,
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

/// A credential's type: strings (and lists of strings) become `Secret`s.
pub fn secret(ty: TypeExpr) -> TypeExpr {
    match ty {
        TypeExpr::String => TypeExpr::Secret,
        TypeExpr::List(inner) => TypeExpr::List(Box::new(secret(*inner))),
        TypeExpr::Option(inner) => TypeExpr::Option(Box::new(secret(*inner))),
        other => other,
    }
}

/// Names the catch-all variant `Other`, or, if a listed value took that name, `Unknown`.
fn open_enum<T>(variants: Vec<EnumVariant<T>>) -> OpenEnum<T> {
    let other = ["Other", "Unknown", "OtherValue"]
        .into_iter()
        .find(|candidate| variants.iter().all(|v| v.name != *candidate))
        .unwrap_or("UnlistedValue")
        .to_owned();
    OpenEnum { variants, other }
}

fn optional(expr: TypeExpr) -> TypeExpr {
    match expr {
        TypeExpr::Option(_) => expr,
        other => TypeExpr::Option(Box::new(other)),
    }
}

fn split_option(expr: TypeExpr) -> (TypeExpr, bool) {
    match expr {
        TypeExpr::Option(inner) => (*inner, true),
        other => (other, false),
    }
}

pub fn docs_of(docs: &NodeDocs) -> Docs {
    Docs {
        title: docs.title.clone(),
        description: docs.description.clone(),
        example: docs.example.clone(),
        default: docs.default.clone(),
        deprecated: docs.deprecated,
        constraints: Constraints {
            format: docs.format.clone(),
            pattern: docs.pattern.clone(),
            min_length: docs.min_length,
            max_length: docs.max_length,
            minimum: docs.minimum.as_ref().map(ToString::to_string),
            maximum: docs.maximum.as_ref().map(ToString::to_string),
            min_items: docs.min_items,
            max_items: docs.max_items,
        },
    }
}

//! Schema nodes into named Rust types.
//!
//! As in typify's type space, every component schema gets its id and name before any schema
//! is converted, so forward and cyclic references resolve to an id. Other schemas that need a
//! name (objects, enums, unions written inline) get one the first time they are met, keyed by
//! the pointer where they are written: a `$ref` into another schema's `properties` therefore
//! reaches the same type as the schema that owns the property.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use super::conventions::Conventions;
use super::methods::OperationStems;
use super::{Docs, Example, Field, FieldRepr, Struct, TypeDef, TypeExpr, TypeId, TypeKind, Usage};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::naming::{self, RustName, Scope};
use crate::pointer::Pointer;
use crate::resolve::{Additional, Node, NodeKind, ObjectNode, Resolved};

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

/// The types of the model as they are met: ids, names, and the conversion of schemas.
pub struct TypeBuilder<'a> {
    pub(super) resolved: &'a Resolved,
    pub(super) conventions: &'a Conventions,
    pub(super) stems: &'a OperationStems,
    slots: Vec<Slot>,
    /// The type of the schema at each pointer that has one.
    pub(super) by_pointer: HashMap<Pointer, TypeId>,
    /// The names of all types.
    pub(super) names: Scope,
    pub diagnostics: Diagnostics,
    /// Schemas used only as variants of a tagged union: their tag property is left out.
    pub(super) strip_tag: HashMap<Pointer, String>,
    /// Type aliases being converted (a type alias cannot refer to itself).
    alias_stack: Vec<Pointer>,
    /// Examples in component schemas, with the type of the schema they sit on.
    examples: BTreeMap<Pointer, (serde_json::Value, TypeExpr)>,
}

impl<'a> TypeBuilder<'a> {
    pub fn new(
        resolved: &'a Resolved,
        conventions: &'a Conventions,
        stems: &'a OperationStems,
    ) -> Self {
        TypeBuilder {
            resolved,
            conventions,
            stems,
            slots: Vec::new(),
            by_pointer: HashMap::new(),
            names: Scope::new(),
            diagnostics: Diagnostics::default(),
            strip_tag: resolved.variant_only_schemas.clone(),
            alias_stack: Vec::new(),
            examples: BTreeMap::new(),
        }
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
            self.allocate(pointer, RustName::new(rust_name));
        }
    }

    /// A new type for the schema at `origin`, which that pointer leads to from now on.
    fn allocate(&mut self, origin: Pointer, name: RustName) -> TypeId {
        let id = self.add_type(origin.clone(), name);
        self.by_pointer.insert(origin, id);
        id
    }

    /// A new type, to be completed.
    pub(super) fn add_type(&mut self, origin: Pointer, name: RustName) -> TypeId {
        let id = TypeId(self.slots.len());
        self.slots.push(Slot {
            def: TypeDef {
                id,
                name,
                origin,
                docs: Docs::default(),
                about: String::new(),
                kind: TypeKind::Struct(Struct::default()),
                usage: Usage::default(),
                split: None,
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

    pub(super) fn error(&mut self, diagnostic: Diagnostic) -> TypeExpr {
        self.diagnostics.push(diagnostic);
        TypeExpr::Json
    }

    /// The part of the resolved document, or `None` once its error is reported.
    pub fn reported<'x, T>(&mut self, part: &'x Result<T, Diagnostic>) -> Option<&'x T> {
        match part {
            Ok(part) => Some(part),
            Err(error) => {
                self.diagnostics.push(error.clone());
                None
            }
        }
    }

    pub(super) fn node(&mut self, pointer: &Pointer) -> Option<Rc<Node>> {
        match self.resolved.schemas.get(pointer) {
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
            let name = pointer.component_schema_name().unwrap_or_default();
            if naming::is_credential(&name, node.docs.description.as_deref()) {
                TypeKind::Alias(secret(expr))
            } else {
                TypeKind::Alias(expr)
            }
        };
        if let Some(example) = &node.docs.example {
            // Checked against the component's own type (an alias included).
            self.examples
                .insert(pointer.clone(), (example.clone(), TypeExpr::Named(id)));
        }
        let about = self.describe_origin(pointer);
        self.complete(id, node.docs.clone(), about, kind);
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
    pub(super) fn named(&mut self, node: &Rc<Node>, name: Option<String>) -> TypeId {
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
            .claim_or(&wanted, naming::alternative_type_name(&wanted, role));
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
        let mut docs = node.docs.clone();
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
    pub(super) fn complete(&mut self, id: TypeId, docs: Docs, about: String, kind: TypeKind) {
        if let Some(slot) = self.slots.get_mut(id.0) {
            slot.def.docs = docs;
            slot.def.about = about;
            slot.def.kind = kind;
            slot.state = State::Built;
        }
    }

    pub(super) fn type_name(&self, id: TypeId) -> String {
        self.slots
            .get(id.0)
            .map(|slot| slot.def.name.as_str().to_owned())
            .unwrap_or_default()
    }

    fn kind_of(&mut self, node: &Rc<Node>, id: TypeId) -> TypeKind {
        let name = self.type_name(id);
        match &node.kind {
            NodeKind::Object(object) => TypeKind::Struct(self.object(node, object, &name)),
            NodeKind::String {
                enumeration: Some(e),
                ..
            } => self.string_enum(node, e),
            NodeKind::Integer {
                enumeration: Some(e),
                ..
            } => self.int_enum(node, e, &name),
            NodeKind::Union(union) => self.union(node, union, &name),
            _ => TypeKind::Alias(TypeExpr::Json),
        }
    }

    pub(super) fn claim_in(
        &mut self,
        scope: &mut Scope,
        wanted: impl Into<RustName>,
        at: &Pointer,
        what: &str,
    ) -> RustName {
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

    pub(super) fn object(
        &mut self,
        node: &Rc<Node>,
        object: &ObjectNode,
        type_name: &str,
    ) -> Struct {
        let strip = self.strip_tag.get(&node.pointer).cloned();
        let mut scope = Scope::new();
        let mut fields = Vec::with_capacity(object.properties.len());
        for property in &object.properties {
            if strip.as_deref() == Some(property.name.as_str()) {
                continue;
            }
            let (ty, nullable) = split_option(self.type_of(&property.node));
            let ty =
                if naming::is_credential(&property.name, property.node.docs.description.as_deref())
                {
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
                docs: values.docs.clone(),
                boxed: false,
            });
        }
        Struct { fields }
    }

    /// A field's documentation: its own, or, for a reference into another schema's
    /// properties, the documentation written there.
    fn field_docs(&mut self, node: &Rc<Node>) -> Docs {
        let own = node.docs.clone();
        if own.description.is_some() {
            return own;
        }
        if let NodeKind::Ref(target) = &node.kind
            && target.component_schema_name().is_none()
            && let Ok(target_node) = self.resolved.schemas.get(target)
        {
            let mut docs = target_node.docs.clone();
            docs.deprecated |= own.deprecated;
            return docs;
        }
        own
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

/// A credential's type: strings (and lists of strings) become `Secret`s.
pub fn secret(ty: TypeExpr) -> TypeExpr {
    match ty {
        TypeExpr::String => TypeExpr::Secret,
        TypeExpr::List(inner) => TypeExpr::List(Box::new(secret(*inner))),
        TypeExpr::Option(inner) => TypeExpr::Option(Box::new(secret(*inner))),
        other => other,
    }
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

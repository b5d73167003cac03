//! Schemas after resolution: nodes that say what a schema means, independent of Rust, and
//! the table that holds every node the document's components and operations reach.

use std::collections::HashMap;
use std::rc::Rc;

use serde::Deserialize;
use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::pointer::Pointer;

/// A schema after resolution.
#[derive(Debug, Clone)]
pub struct Node {
    /// Where the schema is written. Two nodes at one pointer are one type.
    pub pointer: Pointer,
    pub docs: Docs,
    pub nullable: bool,
    pub kind: NodeKind,
}

/// What a schema says about its values beyond their type: the documentation keywords, the
/// one place they are named. Read with the schema, carried unchanged to the doc comments.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Docs {
    pub title: Option<String>,
    pub description: Option<String>,
    pub example: Option<Value>,
    pub default: Option<Value>,
    #[serde(default)]
    pub deprecated: bool,
    /// Validation keywords, kept as documentation only: real servers break them (see
    /// `../shared/corpus`), so the client never rejects a response over them.
    #[serde(flatten)]
    pub constraints: Constraints,
}

/// A schema's validation keywords (and `format`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
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
    /// An edge to the node at another pointer (looked up in [`Schemas`], so recursion is
    /// fine).
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

/// Every schema node the document's components and operations reach, by the pointer where it
/// is written, including the nodes inside them. A schema that does not resolve (a `$ref` to
/// nothing, an `allOf` cycle, ...) keeps its error here, for the stage that meets it to report
/// where it meets it.
#[derive(Debug, Default)]
pub struct Schemas {
    nodes: HashMap<Pointer, Rc<Node>>,
    failed: HashMap<Pointer, Diagnostic>,
}

impl Schemas {
    pub(super) fn new(
        nodes: HashMap<Pointer, Rc<Node>>,
        failed: HashMap<Pointer, Diagnostic>,
    ) -> Self {
        Schemas { nodes, failed }
    }

    /// The schema at `pointer`, or why it does not resolve.
    pub fn get(&self, pointer: &Pointer) -> Result<Rc<Node>, Diagnostic> {
        if let Some(node) = self.nodes.get(pointer) {
            return Ok(node.clone());
        }
        Err(match self.failed.get(pointer) {
            Some(error) => error.clone(),
            None => Diagnostic::error(format!("no schema at `{pointer}`")).at(pointer),
        })
    }

    /// Follows `Ref` edges until a node that is not a reference.
    pub fn deref(&self, node: &Rc<Node>) -> Result<Rc<Node>, Diagnostic> {
        deref(node, |target| self.get(target))
    }
}

/// Follows `Ref` edges from `node`, looking targets up with `lookup`, until a node that is not
/// a reference; a cycle of references alone is an error.
pub(super) fn deref(
    node: &Rc<Node>,
    mut lookup: impl FnMut(&Pointer) -> Result<Rc<Node>, Diagnostic>,
) -> Result<Rc<Node>, Diagnostic> {
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
        current = lookup(target)?;
    }
    Ok(current)
}

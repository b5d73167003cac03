//! The names and descriptions of inline types, from where they are written (see
//! [`super::site`]): inside a schema that has a named type, they are named after it.

use super::TypeId;
use super::site::{self, Located, Site, Step};
use super::types::TypeBuilder;
use crate::naming;
use crate::pointer::Pointer;
use crate::resolve::DeclaredParameter;

impl<'a> TypeBuilder<'a> {
    /// Where the schema with these pointer tokens is written: inside the closest enclosing
    /// schema that has a named type already (inline types are named after it), else at its
    /// site in the document; and the tokens from there to the schema.
    fn origin<'t>(&self, tokens: &'t [String]) -> (Origin<'t>, &'t [String]) {
        if let Some((depth, id)) = self.named_ancestor(tokens) {
            return (Origin::Inside(id), tokens.get(depth..).unwrap_or_default());
        }
        let Located { site, rest } = site::locate(tokens);
        (Origin::Site(site), rest)
    }

    /// The name of a schema written inline, from where it is written.
    pub(super) fn name_for(&self, pointer: &Pointer) -> String {
        let tokens: Vec<String> = pointer.tokens().collect();
        let (origin, rest) = self.origin(&tokens);
        let stem = |path: &str, method: &str| {
            let key = (path.to_owned(), method.to_owned());
            (self.stems.stems.get(&key).cloned())
                .unwrap_or_else(|| naming::type_name(&format!("{method} {path}")))
        };
        let parameter =
            |path, method, index| naming::type_name(&self.param_name(pointer, path, method, index));
        let mut name = match origin {
            Origin::Inside(id) => self.type_name(id),
            Origin::Site(site) => match site {
                Site::ComponentSchema(name) | Site::ComponentParameter(name) => {
                    naming::type_name(name)
                }
                Site::PathParameter { path, index } => parameter(path, None, index),
                Site::OperationParameter {
                    path,
                    method,
                    index,
                } => stem(path, method) + &parameter(path, Some(method), index),
                Site::RequestBody { path, method } => stem(path, method) + "Body",
                Site::Response {
                    path,
                    method,
                    status,
                } if status.starts_with('2') => stem(path, method) + "Response",
                Site::Response {
                    path,
                    method,
                    status,
                } => format!("{}Response{status}", stem(path, method)),
                Site::ResponseHeader {
                    path,
                    method,
                    header,
                    ..
                } => format!("{}{}Header", stem(path, method), naming::type_name(header)),
                Site::Operation { path, method } => stem(path, method),
                Site::Elsewhere => "Inline".to_owned(),
            },
        };
        for step in site::steps(rest) {
            match step {
                Step::Property(property) => name.push_str(&naming::type_name(property)),
                Step::Item => name.push_str("Item"),
                Step::Value => name.push_str("Value"),
                Step::Variant { index: Some(i), .. } => name.push_str(&format!("Variant{}", i + 1)),
                Step::Variant { exclusive, .. } => {
                    name.push_str(if exclusive { "OneOf" } else { "AnyOf" })
                }
                Step::Other(token) => name.push_str(&naming::type_name(token)),
            }
        }
        name
    }

    /// A sentence saying where a schema is written, for types the document does not describe.
    pub(super) fn describe_origin(&self, pointer: &Pointer) -> String {
        let tokens: Vec<String> = pointer.tokens().collect();
        let (origin, mut rest) = self.origin(&tokens);
        let operation =
            |path: &str, method: &str| format!("`{} {path}`", method.to_ascii_uppercase());
        let base = match origin {
            Origin::Inside(id) => format!("[`{}`]", self.type_name(id)),
            Origin::Site(site) => match site {
                Site::ComponentSchema(name) => format!("the `{name}` schema"),
                Site::ComponentParameter(name) => format!("the shared parameter `{name}`"),
                Site::PathParameter { path, index } => {
                    let parameter = self.param_name(pointer, path, None, index);
                    format!("the parameter `{parameter}` of the operations on `{path}`")
                }
                Site::OperationParameter {
                    path,
                    method,
                    index,
                } => {
                    let parameter = self.param_name(pointer, path, Some(method), index);
                    format!("the parameter `{parameter}` of {}", operation(path, method))
                }
                Site::RequestBody { path, method } => {
                    format!("the request body of {}", operation(path, method))
                }
                Site::Response {
                    path,
                    method,
                    status,
                } => format!(
                    "the response of {} (status {status})",
                    operation(path, method)
                ),
                Site::ResponseHeader {
                    path,
                    method,
                    status,
                    header,
                } => format!(
                    "the `{header}` header of the response of {} (status {status})",
                    operation(path, method)
                ),
                Site::Operation { path, method } => operation(path, method),
                Site::Elsewhere => {
                    rest = &[];
                    format!("the schema at `{pointer}`")
                }
            },
        };
        let mut property = String::new();
        let mut variant = None;
        for step in site::steps(rest) {
            match step {
                Step::Property(name) => {
                    if !property.is_empty() {
                        property.push('.');
                    }
                    property.push_str(name);
                }
                Step::Item => property.push_str("[]"),
                Step::Value => property.push_str("{}"),
                Step::Variant { index, .. } => variant = index,
                Step::Other(_) => {}
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

    /// The parameter whose `schema` is at `pointer`, if it is one.
    fn parameter_of(&self, pointer: &Pointer) -> Option<&'a DeclaredParameter> {
        if pointer.last().as_deref() != Some("schema") {
            return None;
        }
        self.resolved.declared_parameters.get(&pointer.parent()?)
    }

    /// Whether `pointer` is the `schema` of a parameter.
    pub(super) fn is_parameter_schema(&self, pointer: &Pointer) -> bool {
        self.parameter_of(pointer).is_some()
    }

    /// The description of the parameter whose `schema` is at `pointer`: a parameter's schema
    /// rarely has one of its own, and its enum values are named in the parameter's.
    pub(super) fn parameter_description(&self, pointer: &Pointer) -> Option<String> {
        self.parameter_of(pointer)?.description.clone()
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

    /// The name of the parameter at `index` of a path item or operation.
    fn param_name(
        &self,
        pointer: &Pointer,
        path: &str,
        method: Option<&str>,
        index: &str,
    ) -> String {
        let mut at = Pointer::root().push("paths").push(path);
        if let Some(method) = method {
            at = at.push(method);
        }
        let at = at.push("parameters").push(index);
        match self.resolved.declared_parameters.get(&at) {
            Some(parameter) => parameter.name.clone(),
            None => pointer.last().unwrap_or_default(),
        }
    }
}

/// What an inline schema is named and described after.
enum Origin<'t> {
    /// The closest enclosing schema with a named type.
    Inside(TypeId),
    Site(Site<'t>),
}

//! Paths and operations as the document states them, with every `$ref` of a parameter,
//! request body or response followed to the component it names and every schema they hold
//! resolved. A reference that cannot be followed stays in its place as an error, for the
//! model stage to report where it meets it.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use indexmap::IndexMap;
use openapiv3::{ParameterSchemaOrContent, ReferenceOr};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::normalize::SchemaResolver;
use super::refs;
use super::schema::{Node, NodeKind};
use crate::diagnostic::Diagnostic;
use crate::pointer::Pointer;

/// The HTTP methods a path item may hold, as OpenAPI names them.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A path of the document.
#[derive(Debug)]
pub struct PathItem {
    pub path: String,
    /// Its operations, in the document's order of methods; an error for a path item that is
    /// a `$ref`.
    pub operations: Result<Vec<Operation>, Diagnostic>,
}

/// An operation, its references followed.
#[derive(Debug)]
pub struct Operation {
    /// The method, lowercase as the document writes it (`get`).
    pub method: String,
    pub pointer: Pointer,
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub tags: Vec<String>,
    /// The path item's parameters, then the operation's own, as listed (less those the path
    /// does not use, plus those it uses undeclared); an error for a `$ref` that leads to no
    /// parameter.
    pub parameters: Vec<Result<Parameter, Diagnostic>>,
    /// The path, split at `/` into segments of literal text and `{parameter}` names.
    pub template: Vec<Vec<TemplatePart>>,
    /// What is wrong with the path template: an unclosed `{` (an error); a `{name}` that no
    /// path parameter declares (a warning: it is added to `parameters`); a path parameter the
    /// path does not use (a warning: it is left out of `parameters`).
    pub template_problems: Vec<Diagnostic>,
    pub request_body: Option<Result<RequestBody, Diagnostic>>,
    /// The documented responses by status, in the document's order, then `default`.
    pub responses: Vec<Result<Response, Diagnostic>>,
    /// Whether the operation declares `callbacks`.
    pub has_callbacks: bool,
    /// The security requirements that apply: the operation's, else the document's.
    pub security: Option<Vec<SecurityRequirement>>,
}

/// One way to be authorized: each security scheme it needs, with the scopes it needs.
pub type SecurityRequirement = Vec<(String, Vec<String>)>;

/// A piece of a path segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplatePart {
    Literal(String),
    /// `{name}`: the value of the path parameter `name`.
    Parameter(String),
}

/// A parameter, where it is used and where it is declared.
#[derive(Debug)]
pub struct Parameter {
    pub name: String,
    /// Where the operation or path item lists it.
    pub used_at: Pointer,
    /// Where it is written: `used_at`, or the component parameter a `$ref` names.
    pub declared_at: Pointer,
    pub location: ParameterLocation,
    pub explode: Option<bool>,
    pub description: Option<String>,
    pub required: bool,
    pub deprecated: bool,
    pub example: Option<Value>,
    pub value: SchemaOrContent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterLocation {
    Path,
    Query {
        style: QueryStyle,
        allow_reserved: bool,
    },
    Header,
    Cookie,
}

/// The `style` of a query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

/// How a parameter's or a header's value is described.
#[derive(Debug)]
pub enum SchemaOrContent {
    Schema(Result<Rc<Node>, Diagnostic>),
    /// By `content`: its media types.
    Content(Vec<String>),
}

#[derive(Debug)]
pub struct RequestBody {
    pub description: Option<String>,
    pub required: bool,
    pub content: Vec<Content>,
}

/// A media type of a body, and its schema when it has one.
#[derive(Debug)]
pub struct Content {
    pub media_type: String,
    pub schema: Option<Result<Rc<Node>, Diagnostic>>,
    /// Its `example` and the values of its `examples`, where each is written (a `$ref` to a
    /// component example is not followed).
    pub examples: Vec<(Pointer, Value)>,
}

#[derive(Debug)]
pub struct Response {
    /// `200`, `4XX` or `default`.
    pub status: String,
    /// Where it is written (a component response when the operation refers to one).
    pub pointer: Pointer,
    pub description: String,
    /// `x-summary`: the response in a few words.
    pub summary: Option<String>,
    pub has_links: bool,
    pub content: Vec<Content>,
    /// An error (a warning) for a header that is a `$ref`.
    pub headers: Vec<Result<Header, Diagnostic>>,
}

#[derive(Debug)]
pub struct Header {
    pub name: String,
    pub description: Option<String>,
    pub value: SchemaOrContent,
}

/// A kind of component an operation may refer to with a `$ref`.
struct ComponentKind<T: 'static> {
    /// The key under `components`.
    key: &'static str,
    /// What it is, in messages.
    what: &'static str,
    /// The components of this kind.
    all: fn(&openapiv3::Components) -> &IndexMap<String, ReferenceOr<T>>,
}

const PARAMETERS: ComponentKind<openapiv3::Parameter> = ComponentKind {
    key: "parameters",
    what: "parameter",
    all: |components| &components.parameters,
};
const REQUEST_BODIES: ComponentKind<openapiv3::RequestBody> = ComponentKind {
    key: "requestBodies",
    what: "request body",
    all: |components| &components.request_bodies,
};
const RESPONSES: ComponentKind<openapiv3::Response> = ComponentKind {
    key: "responses",
    what: "response",
    all: |components| &components.responses,
};

/// A parameter object as written, for naming and describing the schema inside it.
#[derive(Debug, Clone)]
pub struct DeclaredParameter {
    pub name: String,
    pub description: Option<String>,
}

/// Reads the operations of the document, resolving every schema they hold with `schemas`.
pub(super) struct Reader<'a, 'r> {
    pub api: &'a openapiv3::OpenAPI,
    pub raw: &'a Value,
    pub schemas: &'a mut SchemaResolver<'r>,
    /// Every parameter object met (and every component parameter), where it is written.
    pub declared: HashMap<Pointer, DeclaredParameter>,
    /// The path template problems reported so far, as printed.
    pub reported: HashSet<String>,
}

impl Reader<'_, '_> {
    /// Records the component parameters, used or not.
    pub fn component_parameters(&mut self) {
        let parameters = self.api.components.iter().flat_map(|c| &c.parameters);
        for (name, parameter) in parameters {
            if let ReferenceOr::Item(parameter) = parameter {
                let at = Pointer::root()
                    .push("components")
                    .push("parameters")
                    .push(name);
                self.declare(at, parameter.parameter_data_ref());
            }
        }
    }

    fn declare(&mut self, at: Pointer, data: &openapiv3::ParameterData) {
        let declared = DeclaredParameter {
            name: data.name.clone(),
            description: data.description.clone(),
        };
        self.declared.insert(at, declared);
    }

    /// Every path in document order.
    pub fn paths(&mut self) -> Vec<PathItem> {
        let api = self.api;
        api.paths
            .paths
            .iter()
            .map(|(path, item)| {
                let pointer = Pointer::root().push("paths").push(path);
                let operations = match item {
                    ReferenceOr::Item(item) => Ok(self.operations(path, &pointer, item)),
                    ReferenceOr::Reference { reference } => Err(Diagnostic::error(format!(
                        "path item `$ref` `{reference}` is not supported"
                    ))
                    .at(&pointer)
                    .hint("write the operations under the path itself")),
                };
                PathItem {
                    path: path.clone(),
                    operations,
                }
            })
            .collect()
    }

    /// The operations of a path item, in the document's order of methods (`openapiv3` keeps
    /// a fixed one).
    fn operations(
        &mut self,
        path: &str,
        path_at: &Pointer,
        item: &openapiv3::PathItem,
    ) -> Vec<Operation> {
        let order: Vec<&String> = match self.raw.pointer(path_at.as_value_pointer()) {
            Some(Value::Object(object)) => object
                .keys()
                .filter(|k| METHODS.contains(&k.as_str()))
                .collect(),
            _ => Vec::new(),
        };
        let mut operations = Vec::with_capacity(order.len());
        for method in order {
            if let Some((_, operation)) = item.iter().find(|(m, _)| *m == method) {
                operations.push(self.operation(path, path_at, method, item, operation));
            }
        }
        operations
    }

    fn operation(
        &mut self,
        path: &str,
        path_at: &Pointer,
        method: &str,
        item: &openapiv3::PathItem,
        operation: &openapiv3::Operation,
    ) -> Operation {
        let pointer = path_at.push(method);
        let listed = (item.parameters.iter().enumerate())
            .map(|(i, p)| (p, path_at.push("parameters").push(i)))
            .chain(
                (operation.parameters.iter().enumerate())
                    .map(|(i, p)| (p, pointer.push("parameters").push(i))),
            );
        let mut parameters: Vec<Result<Parameter, Diagnostic>> = listed
            .map(|(parameter, used_at)| self.parameter(parameter, used_at))
            .collect();
        let (template, mut template_problems) = template(path, &pointer, &mut parameters, self.raw);
        // A path item's parameter is reported once, not in each of its operations.
        template_problems.retain(|problem| self.reported.insert(problem.to_string()));
        let request_body = operation
            .request_body
            .as_ref()
            .map(|body| self.request_body(body, pointer.push("requestBody")));
        let responses_at = pointer.push("responses");
        let mut responses: Vec<Result<Response, Diagnostic>> = operation
            .responses
            .responses
            .iter()
            .map(|(status, response)| {
                let status = status.to_string();
                let at = responses_at.push(&status);
                self.response(status, response, at)
            })
            .collect();
        if let Some(default) = &operation.responses.default {
            let at = responses_at.push("default");
            responses.push(self.response("default".to_owned(), default, at));
        }
        let security = operation
            .security
            .as_ref()
            .or(self.api.security.as_ref())
            .map(|requirements| {
                requirements
                    .iter()
                    .map(|r| r.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                    .collect()
            });
        Operation {
            method: method.to_owned(),
            pointer,
            operation_id: operation.operation_id.clone(),
            summary: operation.summary.clone(),
            description: operation.description.clone(),
            deprecated: operation.deprecated,
            tags: operation.tags.clone(),
            parameters,
            template,
            template_problems,
            request_body,
            responses,
            has_callbacks: !operation.callbacks.is_empty(),
            security,
        }
    }

    fn parameter(
        &mut self,
        parameter: &ReferenceOr<openapiv3::Parameter>,
        used_at: Pointer,
    ) -> Result<Parameter, Diagnostic> {
        let (declared_at, parameter) =
            follow(self.api, self.raw, parameter, &used_at, &PARAMETERS)?;
        let data = parameter.parameter_data_ref();
        self.declare(declared_at.clone(), data);
        let location = match parameter.as_ref() {
            openapiv3::Parameter::Path { .. } => ParameterLocation::Path,
            openapiv3::Parameter::Header { .. } => ParameterLocation::Header,
            openapiv3::Parameter::Cookie { .. } => ParameterLocation::Cookie,
            openapiv3::Parameter::Query {
                style,
                allow_reserved,
                ..
            } => ParameterLocation::Query {
                style: match style {
                    openapiv3::QueryStyle::Form => QueryStyle::Form,
                    openapiv3::QueryStyle::SpaceDelimited => QueryStyle::SpaceDelimited,
                    openapiv3::QueryStyle::PipeDelimited => QueryStyle::PipeDelimited,
                    openapiv3::QueryStyle::DeepObject => QueryStyle::DeepObject,
                },
                allow_reserved: *allow_reserved,
            },
        };
        let value = self.schema_or_content(&data.format, &declared_at);
        Ok(Parameter {
            name: data.name.clone(),
            used_at,
            declared_at,
            location,
            explode: data.explode,
            description: data.description.clone(),
            required: data.required,
            deprecated: data.deprecated.unwrap_or(false),
            example: data.example.clone(),
            value,
        })
    }

    fn schema_or_content(
        &mut self,
        format: &ParameterSchemaOrContent,
        at: &Pointer,
    ) -> SchemaOrContent {
        match format {
            ParameterSchemaOrContent::Schema(_) => {
                SchemaOrContent::Schema(self.schemas.resolve(&at.push("schema")))
            }
            ParameterSchemaOrContent::Content(content) => {
                SchemaOrContent::Content(content.keys().cloned().collect())
            }
        }
    }

    fn content(
        &mut self,
        content: &IndexMap<String, openapiv3::MediaType>,
        at: &Pointer,
    ) -> Vec<Content> {
        content
            .iter()
            .map(|(media_type, media)| {
                let content_at = at.push("content").push(media_type);
                let named = media
                    .examples
                    .iter()
                    .filter_map(|(name, example)| match example {
                        ReferenceOr::Item(example) => Some((
                            content_at.push("examples").push(name).push("value"),
                            example.value.clone()?,
                        )),
                        ReferenceOr::Reference { .. } => None,
                    });
                Content {
                    media_type: media_type.clone(),
                    schema: media
                        .schema
                        .as_ref()
                        .map(|_| self.schemas.resolve(&content_at.push("schema"))),
                    examples: (media.example.clone())
                        .map(|value| (content_at.push("example"), value))
                        .into_iter()
                        .chain(named)
                        .collect(),
                }
            })
            .collect()
    }

    fn request_body(
        &mut self,
        body: &ReferenceOr<openapiv3::RequestBody>,
        at: Pointer,
    ) -> Result<RequestBody, Diagnostic> {
        let (pointer, body) = follow(self.api, self.raw, body, &at, &REQUEST_BODIES)?;
        Ok(RequestBody {
            content: self.content(&body.content, &pointer),
            description: body.description.clone(),
            required: body.required,
        })
    }

    fn response(
        &mut self,
        status: String,
        response: &ReferenceOr<openapiv3::Response>,
        at: Pointer,
    ) -> Result<Response, Diagnostic> {
        let (pointer, response) = follow(self.api, self.raw, response, &at, &RESPONSES)?;
        let headers = (response.headers.iter())
            .map(|(name, header)| {
                let header_at = pointer.push("headers").push(name);
                match header {
                    ReferenceOr::Item(header) => Ok(Header {
                        name: name.clone(),
                        description: header.description.clone(),
                        value: self.schema_or_content(&header.format, &header_at),
                    }),
                    ReferenceOr::Reference { .. } => Err(Diagnostic::warning(format!(
                        "response header `{name}` is a `$ref`; it is not returned"
                    ))
                    .at(&header_at)),
                }
            })
            .collect();
        Ok(Response {
            status,
            description: response.description.clone(),
            summary: (response.extensions.get("x-summary"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            has_links: !response.links.is_empty(),
            content: self.content(&response.content, &pointer),
            headers,
            pointer,
        })
    }
}

/// The part of the document `item` is: itself, or what its `$ref` names, with where that is
/// written. A component written in place is read already; any other place in the document
/// (another operation's response, a component that is a `$ref` itself) is read here.
fn follow<'a, T: Clone + DeserializeOwned>(
    api: &'a openapiv3::OpenAPI,
    raw: &Value,
    item: &'a ReferenceOr<T>,
    at: &Pointer,
    kind: &ComponentKind<T>,
) -> Result<(Pointer, Cow<'a, T>), Diagnostic> {
    let reference = match item {
        ReferenceOr::Item(item) => return Ok((at.clone(), Cow::Borrowed(item))),
        ReferenceOr::Reference { reference } => reference,
    };
    let component = reference
        .strip_prefix("#/components/")
        .and_then(|rest| rest.strip_prefix(kind.key))
        .and_then(|rest| rest.strip_prefix('/'))
        .and_then(|name| (kind.all)(api.components.as_ref()?).get_key_value(name));
    if let Some((name, ReferenceOr::Item(item))) = component {
        let pointer = Pointer::root().push("components").push(kind.key).push(name);
        return Ok((pointer, Cow::Borrowed(item)));
    }
    let (pointer, value) = refs::follow_chain(raw, reference, at, kind.what)?;
    let parsed = T::deserialize(value).or_else(|_| serde_path_to_error::deserialize::<_, T>(value));
    match parsed {
        Ok(item) => Ok((pointer, Cow::Owned(item))),
        Err(e) => Err(Diagnostic::error(format!(
            "`$ref` `{reference}` names no valid {}: {}",
            kind.what,
            e.inner()
        ))
        .at(&pointer.join_serde_path(e.path()))),
    }
}

/// The path split into segments, and what is wrong with it. Where the meaning is clear the
/// path wins, with a warning: a `{name}` no path parameter declares becomes a required string
/// parameter (added to `parameters`), and a path parameter the path does not use is dropped.
/// Each warning names the overlay action that would silence it; `raw` is the document, for
/// the action's target.
fn template(
    path: &str,
    operation: &Pointer,
    parameters: &mut Vec<Result<Parameter, Diagnostic>>,
    raw: &Value,
) -> (Vec<Vec<TemplatePart>>, Vec<Diagnostic>) {
    let mut segments = Vec::new();
    let mut problems = Vec::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let mut parts = Vec::new();
        let mut rest = segment;
        while !rest.is_empty() {
            let Some((literal, template)) = rest.split_once('{') else {
                parts.push(TemplatePart::Literal(rest.to_owned()));
                break;
            };
            if !literal.is_empty() {
                parts.push(TemplatePart::Literal(literal.to_owned()));
            }
            let name = template
                .split_once('}')
                .filter(|(name, _)| !name.is_empty());
            let Some((name, after)) = name else {
                problems.push(
                    Diagnostic::error(format!("path `{path}` has an unclosed or empty `{{}}`"))
                        .at(operation),
                );
                return (segments, problems);
            };
            parts.push(TemplatePart::Parameter(name.to_owned()));
            rest = after;
        }
        segments.push(parts);
    }
    let in_template = |name: &str| {
        segments
            .iter()
            .flatten()
            .any(|part| matches!(part, TemplatePart::Parameter(used) if used == name))
    };

    parameters.retain(|parameter| {
        let Ok(parameter) = parameter else {
            return true;
        };
        if parameter.location != ParameterLocation::Path || in_template(&parameter.name) {
            return true;
        }
        let target = parameter.used_at.to_json_path(raw);
        problems.push(
            Diagnostic::warning(format!(
                "path parameter `{}` is not in the path `{path}`: ignored",
                parameter.name
            ))
            .at(&parameter.used_at)
            .hint(format!(
                "to silence this, an overlay action with `target: \"{target}\"` and `remove: true` (or a path that has `{{{}}}`)",
                parameter.name
            )),
        );
        false
    });

    let mut undeclared: Vec<&str> = Vec::new();
    for part in segments.iter().flatten() {
        let TemplatePart::Parameter(name) = part else {
            continue;
        };
        let declared = parameters.iter().flatten().any(|parameter| {
            parameter.location == ParameterLocation::Path && parameter.name == *name
        });
        if !declared && !undeclared.contains(&name.as_str()) {
            undeclared.push(name);
        }
    }
    for name in undeclared {
        let target = operation.to_json_path(raw);
        problems.push(
            Diagnostic::warning(format!(
                "path parameter `{{{name}}}` is not declared: it is a required string"
            ))
            .at(operation)
            .hint(format!(
                "to silence this, an overlay action with `target: \"{target}\"` and `update: {{parameters: [{{name: {name}, in: path, required: true, schema: {{type: string}}}}]}}`"
            )),
        );
        parameters.push(Ok(undeclared_parameter(name, operation)));
    }
    (segments, problems)
}

/// What a `{name}` of the path that no parameter declares is taken to be: a required string.
fn undeclared_parameter(name: &str, operation: &Pointer) -> Parameter {
    let at = operation.push("parameters");
    let schema = Node {
        pointer: at.clone(),
        docs: Default::default(),
        nullable: false,
        kind: NodeKind::String {
            format: None,
            enumeration: None,
        },
    };
    Parameter {
        name: name.to_owned(),
        used_at: at.clone(),
        declared_at: at,
        location: ParameterLocation::Path,
        explode: None,
        description: None,
        required: true,
        deprecated: false,
        example: None,
        value: SchemaOrContent::Schema(Ok(Rc::new(schema))),
    }
}

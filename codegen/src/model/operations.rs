//! Operations: names, parameters, bodies, responses, and what each method returns.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use openapiv3::{Parameter as ApiParameter, ParameterSchemaOrContent, PathItem, ReferenceOr};

use super::types::{OperationStems, TypeBuilder, docs_of};
use super::{
    Body, BodyFormat, Docs, EnumVariant, FieldRepr, HeaderField, Operation, Outcome,
    OutcomeVariant, Pagination, ParamLocation, ParamRole, ParamShape, Parameter, QueryStyle,
    Response, ResponseBody, Returns, SegmentPart, TypeDef, TypeExpr, TypeKind,
};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::naming::{self, Scope};
use crate::pointer::Pointer;
use crate::resolve::{Node, NodeKind, Resolved};

/// An operation before its types are converted: where it is and what it is called.
pub struct Skeleton<'a> {
    pub name: String,
    pub stem: String,
    pub method: String,
    pub path: String,
    pub pointer: Pointer,
    pub path_item: &'a PathItem,
    pub operation: &'a openapiv3::Operation,
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every operation in document order, named, with the stems for its inline types.
pub fn skeletons<'a>(
    resolved: &'a Resolved,
    overrides: &BTreeMap<String, String>,
    diagnostics: &mut Diagnostics,
) -> (Vec<Skeleton<'a>>, OperationStems) {
    let mut list = Vec::new();
    let mut stems = OperationStems::default();
    let mut unused_overrides: BTreeSet<&String> = overrides.keys().collect();
    // Names a maintainer pinned are taken first, so no generated name can take them.
    let mut pinned = Scope::new();
    for (key, name) in overrides {
        if naming::CLIENT_METHODS.contains(&name.as_str()) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "the method name `{name}` given for `{key}` is a method `Client` already has"
                ))
                .hint(format!("pick another, such as `{name}_operation`")),
            );
        } else if !naming::is_identifier(name) || naming::snake_name(name) != *name {
            diagnostics.push(
                Diagnostic::error(format!(
                    "the method name `{name}` given for `{key}` is not a snake_case identifier"
                ))
                .hint("names look like `get_video_captions`"),
            );
        } else if pinned.claim(name).collided_with.is_some() {
            diagnostics.push(Diagnostic::error(format!(
                "the method name `{name}` is given to two operations"
            )));
        }
    }
    let mut methods = Scope::new();
    for name in naming::CLIENT_METHODS.iter().copied() {
        methods.reserve(name);
    }
    for name in overrides.values() {
        methods.reserve(name);
    }
    let mut operation_ids: BTreeMap<String, Pointer> = BTreeMap::new();
    for (path, item) in &resolved.api.paths.paths {
        let path_at = Pointer::root().push("paths").push(path);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                diagnostics.push(
                    Diagnostic::error(format!("path item `$ref` `{reference}` is not supported"))
                        .at(&path_at)
                        .hint("write the operations under the path itself"),
                );
                continue;
            }
        };
        // The document's own order of methods (openapiv3 keeps a fixed one).
        let order: Vec<String> = match resolved.raw_at(&path_at).and_then(|v| v.as_object()) {
            Some(object) => object
                .keys()
                .filter(|k| METHODS.contains(&k.as_str()))
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        for method in order {
            let Some((_, operation)) = item.iter().find(|(m, _)| *m == method) else {
                continue;
            };
            let pointer = path_at.push(&method);
            let operation_id = operation.operation_id.as_deref();
            if let Some(id) = operation_id {
                if let Some(previous) = operation_ids.get(id) {
                    diagnostics.push(
                        Diagnostic::error(format!(
                            "operationId `{id}` is used twice (first at {previous})"
                        ))
                        .at(&pointer.push("operationId"))
                        .hint("operationIds must be unique; rename one"),
                    );
                    continue;
                }
                operation_ids.insert(id.to_owned(), pointer.clone());
            }
            let key = format!("{} {path}", method.to_ascii_uppercase());
            let pinned_name = overrides.get(&key);
            unused_overrides.remove(&key);
            let claimed = match pinned_name {
                Some(name) => naming::Claimed {
                    name: name.clone(),
                    collided_with: None,
                },
                // On a collision, the name built from the method and path is the next best.
                None => methods.claim_or(
                    &naming::operation_name(&method, path, operation_id),
                    &naming::operation_name(&method, path, None),
                ),
            };
            if let Some(collided) = &claimed.collided_with {
                let (message, hint) = if naming::CLIENT_METHODS.contains(&collided.as_str()) {
                    (
                        "is a method `Client` already has",
                        "pin another name in the names file",
                    )
                } else {
                    (
                        "is the name of another operation",
                        "give the operation an operationId",
                    )
                };
                diagnostics.push(
                    Diagnostic::warning(format!(
                        "`{collided}` {message}; this operation's method is `{}`",
                        claimed.name
                    ))
                    .at(&pointer)
                    .hint(hint),
                );
            }
            let stem = match pinned_name {
                Some(name) => naming::operation_type_stem(name, None),
                None => naming::operation_type_stem(&claimed.name, operation_id),
            };
            stems
                .stems
                .insert((path.clone(), method.clone()), stem.clone());
            list.push(Skeleton {
                name: claimed.name,
                stem,
                method,
                path: path.clone(),
                pointer,
                path_item: item,
                operation,
            });
        }
    }
    for key in unused_overrides {
        diagnostics.push(
            Diagnostic::error(format!("a method name is given for `{key}`, but the document has no such operation"))
                .hint("the operation moved or was removed upstream: update or remove the entry in the names file"),
        );
    }
    (list, stems)
}

/// Converts one operation, creating the types its parameters and bodies need.
pub fn convert(
    skeleton: &Skeleton<'_>,
    types: &mut TypeBuilder<'_>,
    resolved: &Resolved,
) -> Operation {
    let operation = skeleton.operation;
    let path_at = skeleton.pointer.parent().unwrap_or_default();
    let mut parameters: Vec<Parameter> = Vec::new();
    let mut seen: HashMap<(String, ParamLocation), usize> = HashMap::new();
    let mut scope = Scope::new();
    // Names the method and its builder use for themselves.
    for reserved in ["body", "client", "send", "stream"] {
        scope.reserve(reserved);
    }
    let declared = skeleton
        .path_item
        .parameters
        .iter()
        .enumerate()
        .map(|(i, p)| (p, path_at.push("parameters").push(i)))
        .chain(
            operation
                .parameters
                .iter()
                .enumerate()
                .map(|(i, p)| (p, skeleton.pointer.push("parameters").push(i))),
        );
    for (parameter, at) in declared {
        let Some((declared_at, parameter)) =
            deref_parameter(resolved, parameter, &at, &mut types.diagnostics)
        else {
            continue;
        };
        let Some(converted) = convert_parameter(parameter, &declared_at, &at, types, &mut scope)
        else {
            continue;
        };
        // An operation's parameter overrides the path's parameter of the same name and place.
        let key = (converted.wire_name.clone(), converted.location);
        match seen.get(&key).and_then(|&index| parameters.get_mut(index)) {
            Some(slot) => *slot = converted,
            None => {
                seen.insert(key, parameters.len());
                parameters.push(converted);
            }
        }
    }
    // Arguments in the order a caller reads them: path parameters as the path has them,
    // then the others as the document lists them.
    parameters.sort_by_key(|p| match p.location {
        ParamLocation::Path => (
            0,
            skeleton
                .path
                .find(&format!("{{{}}}", p.wire_name))
                .unwrap_or(usize::MAX),
        ),
        _ => (1, 0),
    });
    let segments = path_segments(skeleton, &parameters, &mut types.diagnostics);

    let body = operation.request_body.as_ref().and_then(|body| {
        convert_request_body(body, &skeleton.pointer.push("requestBody"), types, resolved)
    });

    let mut responses = Vec::new();
    let responses_at = skeleton.pointer.push("responses");
    for (status, response) in &operation.responses.responses {
        let status = status.to_string();
        let at = responses_at.push(&status);
        if let Some(response) = convert_response(&status, response, &at, types, resolved) {
            responses.push(response);
        }
    }
    if let Some(default) = &operation.responses.default
        && let Some(response) = convert_response(
            "default",
            default,
            &responses_at.push("default"),
            types,
            resolved,
        )
    {
        responses.push(response);
    }
    if !operation.callbacks.is_empty() {
        types.diagnostics.push(
            Diagnostic::warning("`callbacks` are not generated: the client only makes requests")
                .at(&skeleton.pointer.push("callbacks")),
        );
    }

    let security = operation
        .security
        .as_ref()
        .or(resolved.api.security.as_ref())
        .filter(|requirements| {
            !requirements.is_empty() && requirements.iter().all(|r| !r.is_empty())
        })
        .map(|requirements| match requirements.as_slice() {
            // The document's own order of scopes where there is one requirement.
            [single] => single.values().flatten().cloned().collect(),
            _ => {
                let scopes: BTreeSet<String> = requirements
                    .iter()
                    .flat_map(|r| r.values().flatten().cloned())
                    .collect();
                scopes.into_iter().collect()
            }
        });

    let (returns, accept) = returns(skeleton, &responses);
    Operation {
        name: skeleton.name.clone(),
        stem: skeleton.stem.clone(),
        operation_id: operation.operation_id.clone(),
        method: skeleton.method.clone(),
        path: skeleton.path.clone(),
        segments,
        pointer: skeleton.pointer.clone(),
        summary: operation.summary.clone(),
        description: operation.description.clone(),
        deprecated: operation.deprecated,
        tags: operation.tags.clone(),
        parameters,
        body,
        responses,
        returns,
        accept,
        pagination: None,
        security,
    }
}

fn deref_parameter<'a>(
    resolved: &'a Resolved,
    parameter: &'a ReferenceOr<ApiParameter>,
    at: &Pointer,
    diagnostics: &mut Diagnostics,
) -> Option<(Pointer, &'a ApiParameter)> {
    match parameter {
        ReferenceOr::Item(item) => Some((at.clone(), item)),
        ReferenceOr::Reference { reference } => {
            let found = reference
                .strip_prefix("#/components/parameters/")
                .and_then(|name| {
                    resolved
                        .api
                        .components
                        .as_ref()?
                        .parameters
                        .get_key_value(name)
                });
            match found {
                Some((name, ReferenceOr::Item(item))) => Some((
                    Pointer::root()
                        .push("components")
                        .push("parameters")
                        .push(name),
                    item,
                )),
                _ => {
                    diagnostics.push(
                        Diagnostic::error(format!(
                            "parameter `$ref` `{reference}` does not name a component parameter"
                        ))
                        .at(at)
                        .hint(
                            "refer to `#/components/parameters/{name}`, and define that parameter",
                        ),
                    );
                    None
                }
            }
        }
    }
}

fn convert_parameter(
    parameter: &ApiParameter,
    declared_at: &Pointer,
    used_at: &Pointer,
    types: &mut TypeBuilder<'_>,
    scope: &mut Scope,
) -> Option<Parameter> {
    let data = parameter.parameter_data_ref();
    let (location, style) = match parameter {
        ApiParameter::Path { .. } => (ParamLocation::Path, QueryStyle::Delimited(',')),
        ApiParameter::Header { .. } => (ParamLocation::Header, QueryStyle::Delimited(',')),
        ApiParameter::Cookie { .. } => (ParamLocation::Cookie, QueryStyle::Exploded),
        ApiParameter::Query {
            style,
            allow_reserved,
            ..
        } => {
            // `explode` defaults to true for `form` only.
            let explode = data
                .explode
                .unwrap_or(matches!(style, openapiv3::QueryStyle::Form));
            let style = match style {
                openapiv3::QueryStyle::DeepObject => QueryStyle::Deep,
                _ if explode => QueryStyle::Exploded,
                openapiv3::QueryStyle::Form => QueryStyle::Delimited(','),
                openapiv3::QueryStyle::SpaceDelimited => QueryStyle::Delimited(' '),
                openapiv3::QueryStyle::PipeDelimited => QueryStyle::Delimited('|'),
            };
            if *allow_reserved {
                types.diagnostics.push(
                    Diagnostic::warning(format!(
                        "`allowReserved` on `{}` is ignored: reserved characters are percent-encoded",
                        data.name
                    ))
                    .at(declared_at),
                );
            }
            (ParamLocation::Query, style)
        }
    };
    if location == ParamLocation::Cookie {
        types.diagnostics.push(
            Diagnostic::warning(format!(
                "cookie parameter `{}` is not sent: the client sends no cookies",
                data.name
            ))
            .at(declared_at),
        );
        return None;
    }
    let schema_at = declared_at.push("schema");
    let (ty, schema_node) = match &data.format {
        ParameterSchemaOrContent::Schema(_) => {
            let node = types_node(types, &schema_at)?;
            let ty = match one_or_many(types, &node) {
                // `oneOf: [T, array of T]` in the query: a list, which the query writes the
                // same way (one value is `name=value` either way).
                Some(item) if location == ParamLocation::Query => TypeExpr::List(Box::new(item)),
                _ => types.type_of(&node),
            };
            (ty, Some(node))
        }
        ParameterSchemaOrContent::Content(content) => {
            types.diagnostics.push(
                Diagnostic::warning(format!(
                    "parameter `{}` is described by `content` ({}); it is sent as a string",
                    data.name,
                    content.keys().cloned().collect::<Vec<_>>().join(", ")
                ))
                .at(&declared_at.push("content")),
            );
            (TypeExpr::String, None)
        }
    };
    let mut docs = Docs {
        description: data.description.clone(),
        deprecated: data.deprecated.unwrap_or(false),
        example: data.example.clone(),
        ..Docs::default()
    };
    if let Some(node) = &schema_node {
        let schema_docs = docs_of(&node.docs);
        docs.default = schema_docs.default;
        docs.constraints = schema_docs.constraints;
        if docs.description.is_none() {
            docs.description = schema_docs.description;
        }
    }
    let required = data.required || location == ParamLocation::Path;
    let role =
        if location == ParamLocation::Header && data.name.eq_ignore_ascii_case("content-length") {
            ParamRole::Hidden
        } else if required {
            ParamRole::Argument
        } else {
            ParamRole::Setter
        };
    let wanted = naming::snake_name(&data.name);
    let claimed = scope.claim(&wanted);
    if let Some(collided) = &claimed.collided_with {
        types.diagnostics.push(
            Diagnostic::warning(format!(
                "two parameters are named `{collided}` in Rust; this one is `{}`",
                claimed.name
            ))
            .at(used_at),
        );
    }
    let ty = match ty {
        TypeExpr::Option(inner) => *inner,
        ty => ty,
    };
    let ty = if naming::is_secret_name(&data.name) {
        super::types::secret(ty)
    } else {
        ty
    };
    Some(Parameter {
        name: claimed.name,
        wire_name: data.name.clone(),
        location,
        ty,
        required,
        role,
        style,
        shape: ParamShape::Single,
        docs,
        pointer: declared_at.clone(),
    })
}

/// For `oneOf`/`anyOf` of a value and an array of the same values: the value's type.
fn one_or_many(types: &mut TypeBuilder<'_>, node: &Rc<Node>) -> Option<TypeExpr> {
    let NodeKind::Union(union) = &node.kind else {
        return None;
    };
    let [first, second] = union.members.as_slice() else {
        return None;
    };
    let resolved = types.resolved();
    let (a, b) = (resolved.deref(first).ok()?, resolved.deref(second).ok()?);
    // `single_written` is the member as written: a `$ref` keeps its named type.
    let (single, single_written, items) = match (&a.kind, &b.kind) {
        (NodeKind::Array(items), _) => (b.clone(), second.clone(), items.clone()),
        (_, NodeKind::Array(items)) => (a.clone(), first.clone(), items.clone()),
        _ => return None,
    };
    let items = resolved.deref(&items).ok()?;
    let same = single.pointer == items.pointer
        || std::mem::discriminant(&single.kind) == std::mem::discriminant(&items.kind)
            && !matches!(
                single.kind,
                NodeKind::Object(_) | NodeKind::Union(_) | NodeKind::Array(_)
            );
    if !same {
        return None;
    }
    Some(types.type_of(&single_written))
}

/// The examples of a response's JSON bodies (recordings from a running server, in PeerTube's
/// document), each with the type of its body: the generated crate checks that they decode.
fn record_response_examples(
    response: &openapiv3::Response,
    at: &Pointer,
    types: &mut TypeBuilder<'_>,
) {
    for (content_type, media) in &response.content {
        if body_format(content_type) != BodyFormat::Json || media.schema.is_none() {
            continue;
        }
        let content_at = at.push("content").push(content_type);
        let named = media
            .examples
            .iter()
            .filter_map(|(name, example)| match example {
                ReferenceOr::Item(example) => Some((
                    content_at.push("examples").push(name).push("value"),
                    example.value.as_ref()?,
                )),
                ReferenceOr::Reference { .. } => None,
            });
        let examples: Vec<(Pointer, &serde_json::Value)> = media
            .example
            .iter()
            .map(|value| (content_at.push("example"), value))
            .chain(named)
            .collect();
        if examples.is_empty() {
            continue;
        }
        let Some(node) = types_node(types, &content_at.push("schema")) else {
            continue;
        };
        let ty = types.type_of(&node);
        for (pointer, value) in examples {
            types.add_example(pointer, value.clone(), ty.clone());
        }
    }
}

fn types_node(types: &mut TypeBuilder<'_>, at: &Pointer) -> Option<Rc<Node>> {
    match types.resolved().node(at) {
        Ok(node) => Some(node),
        Err(e) => {
            types.diagnostics.push(e);
            None
        }
    }
}

/// The path split into segments; every `{name}` must be a declared path parameter.
fn path_segments(
    skeleton: &Skeleton<'_>,
    parameters: &[Parameter],
    diagnostics: &mut Diagnostics,
) -> Vec<Vec<SegmentPart>> {
    let mut segments = Vec::new();
    for segment in skeleton.path.split('/').filter(|s| !s.is_empty()) {
        let mut parts = Vec::new();
        let mut rest = segment;
        while !rest.is_empty() {
            let Some((literal, template)) = rest.split_once('{') else {
                parts.push(SegmentPart::Literal(rest.to_owned()));
                break;
            };
            if !literal.is_empty() {
                parts.push(SegmentPart::Literal(literal.to_owned()));
            }
            let Some((name, after)) = template.split_once('}') else {
                diagnostics.push(
                    Diagnostic::error(format!("path `{}` has an unclosed `{{`", skeleton.path))
                        .at(&skeleton.pointer),
                );
                return segments;
            };
            let index = parameters
                .iter()
                .position(|p| p.location == ParamLocation::Path && p.wire_name == name);
            match index {
                Some(index) => parts.push(SegmentPart::Parameter(index)),
                None => diagnostics.push(
                    Diagnostic::error(format!("path parameter `{{{name}}}` is not declared"))
                        .at(&skeleton.pointer.push("parameters"))
                        .hint(format!(
                            "declare a parameter with `name: {name}` and `in: path`"
                        )),
                ),
            }
            rest = after;
        }
        segments.push(parts);
    }
    for parameter in parameters
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
    {
        let used = segments.iter().flatten().any(|part| {
            matches!(part, SegmentPart::Parameter(i)
                if parameters.get(*i).is_some_and(|p| p.wire_name == parameter.wire_name))
        });
        if !used {
            diagnostics.push(
                Diagnostic::error(format!(
                    "path parameter `{}` is not in the path `{}`",
                    parameter.wire_name, skeleton.path
                ))
                .at(&parameter.pointer),
            );
        }
    }
    segments
}

/// The format a media type is read or written in.
pub fn body_format(content_type: &str) -> BodyFormat {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => BodyFormat::Json,
        "application/x-www-form-urlencoded" => BodyFormat::Form,
        "multipart/form-data" => BodyFormat::Multipart,
        e if e.ends_with("+json") => BodyFormat::Json,
        e if e.starts_with("text/") || e.ends_with("xml") => BodyFormat::Text,
        _ => BodyFormat::Binary,
    }
}

/// Among a request body's media types, the one the client sends: JSON first, then forms.
fn preferred<T>(content: &indexmap::IndexMap<String, T>) -> Option<(&String, &T)> {
    let rank = |ct: &str| match body_format(ct) {
        BodyFormat::Json => 0,
        BodyFormat::Form => 1,
        BodyFormat::Multipart => 2,
        BodyFormat::Text => 3,
        BodyFormat::Binary => 4,
    };
    content.iter().min_by_key(|(ct, _)| rank(ct))
}

fn convert_request_body(
    body: &ReferenceOr<openapiv3::RequestBody>,
    at: &Pointer,
    types: &mut TypeBuilder<'_>,
    resolved: &Resolved,
) -> Option<Body> {
    let (at, body) = match body {
        ReferenceOr::Item(body) => (at.clone(), body),
        ReferenceOr::Reference { reference } => {
            let found = reference
                .strip_prefix("#/components/requestBodies/")
                .and_then(|name| {
                    resolved
                        .api
                        .components
                        .as_ref()?
                        .request_bodies
                        .get_key_value(name)
                });
            match found {
                Some((name, ReferenceOr::Item(body))) => (
                    Pointer::root()
                        .push("components")
                        .push("requestBodies")
                        .push(name),
                    body,
                ),
                _ => {
                    types.diagnostics.push(
                        Diagnostic::error(format!(
                            "request body `$ref` `{reference}` does not name a component request body"
                        ))
                        .at(at),
                    );
                    return None;
                }
            }
        }
    };
    let (content_type, media) = preferred(&body.content)?;
    let media_at = at.push("content").push(content_type);
    let format = body_format(content_type);
    let ty = match format {
        BodyFormat::Binary | BodyFormat::Text => None,
        _ if media.schema.is_some() => {
            let node = types_node(types, &media_at.push("schema"))?;
            Some(types.type_of(&node))
        }
        _ => Some(TypeExpr::Json),
    };
    Some(Body {
        content_type: content_type.clone(),
        format,
        ty,
        required: body.required,
        description: body.description.clone(),
    })
}

fn convert_response(
    status: &str,
    response: &ReferenceOr<openapiv3::Response>,
    at: &Pointer,
    types: &mut TypeBuilder<'_>,
    resolved: &Resolved,
) -> Option<Response> {
    let (at, response) = match response {
        ReferenceOr::Item(response) => (at.clone(), response),
        ReferenceOr::Reference { reference } => {
            let found = reference
                .strip_prefix("#/components/responses/")
                .and_then(|name| {
                    resolved
                        .api
                        .components
                        .as_ref()?
                        .responses
                        .get_key_value(name)
                });
            match found {
                Some((name, ReferenceOr::Item(response))) => (
                    Pointer::root()
                        .push("components")
                        .push("responses")
                        .push(name),
                    response,
                ),
                _ => {
                    types.diagnostics.push(
                        Diagnostic::error(format!(
                            "response `$ref` `{reference}` does not name a component response"
                        ))
                        .at(at),
                    );
                    return None;
                }
            }
        }
    };
    if !response.links.is_empty() {
        types
            .diagnostics
            .push(Diagnostic::warning("response `links` are not generated").at(&at.push("links")));
    }
    let formats: BTreeSet<_> = response
        .content
        .keys()
        .map(|ct| body_format(ct) as u8)
        .collect();
    let body = if response.content.is_empty() {
        None
    } else if formats.len() > 1 {
        // A choice of media types (PeerTube's feeds): the server picks, the client reads text.
        Some(ResponseBody::Text)
    } else {
        let (content_type, media) = response.content.first()?;
        match body_format(content_type) {
            BodyFormat::Text => Some(ResponseBody::Text),
            BodyFormat::Binary => Some(ResponseBody::Binary),
            _ if media.schema.is_some() => {
                let node =
                    types_node(types, &at.push("content").push(content_type).push("schema"))?;
                Some(ResponseBody::Json(types.type_of(&node)))
            }
            _ => Some(ResponseBody::Json(TypeExpr::Json)),
        }
    };
    record_response_examples(response, &at, types);
    let mut headers = Vec::new();
    let mut scope = Scope::new();
    for (name, header) in &response.headers {
        let header_at = at.push("headers").push(name);
        let ReferenceOr::Item(header) = header else {
            types.diagnostics.push(
                Diagnostic::warning(format!(
                    "response header `{name}` is a `$ref`; it is not returned"
                ))
                .at(&header_at),
            );
            continue;
        };
        let ty = match &header.format {
            ParameterSchemaOrContent::Schema(_) => {
                let node = types_node(types, &header_at.push("schema"))?;
                match types.type_of(&node) {
                    TypeExpr::Option(inner) => *inner,
                    ty => ty,
                }
            }
            ParameterSchemaOrContent::Content(_) => TypeExpr::String,
        };
        let claimed = scope.claim(&naming::snake_name(name));
        headers.push(HeaderField {
            name: claimed.name,
            wire_name: name.clone(),
            ty,
            docs: Docs {
                description: header.description.clone(),
                ..Docs::default()
            },
        });
    }
    let summary = response
        .extensions
        .get("x-summary")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let meaning = summary.unwrap_or_else(|| {
        response
            .description
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned()
    });
    Some(Response {
        status: status.to_owned(),
        meaning,
        description: response.description.clone(),
        body,
        headers,
    })
}

/// Headers that describe the transport, not the operation's result.
fn is_transport_header(name: &str) -> bool {
    name.eq_ignore_ascii_case("content-length") || name.eq_ignore_ascii_case("cache-control")
}

/// What the method returns, and the media types it accepts. A 2xx without `content` on a
/// GET is a file the document does not describe (static files, downloads): its bytes.
fn returns(skeleton: &Skeleton<'_>, responses: &[Response]) -> (Returns, String) {
    let successes: Vec<&Response> = responses
        .iter()
        .filter(|r| r.code().is_some_and(|c| (200..400).contains(&c)))
        .collect();
    let body_of = |response: &Response| -> Option<ResponseBody> {
        match (&response.body, response.code()) {
            (Some(body), _) => Some(body.clone()),
            (None, Some(204)) => None,
            (None, _) if skeleton.method == "get" => Some(ResponseBody::Binary),
            (None, _) => None,
        }
    };
    let accept = accept(skeleton, &successes);
    let exposed = |response: &Response| -> Vec<HeaderField> {
        response
            .headers
            .iter()
            .filter(|h| !is_transport_header(&h.wire_name))
            .cloned()
            .collect()
    };
    match successes.as_slice() {
        [] => (Returns::Unit, accept),
        [single] if exposed(single).is_empty() => {
            let returns = match body_of(single) {
                None => Returns::Unit,
                Some(ResponseBody::Json(ty)) => Returns::Json(ty),
                Some(ResponseBody::Text) => Returns::Text,
                Some(ResponseBody::Binary) => Returns::Binary,
            };
            (returns, accept)
        }
        several => {
            let mut scope = Scope::new();
            let variants = several
                .iter()
                .map(|response| {
                    let status = response.code().unwrap_or_default();
                    OutcomeVariant {
                        name: scope
                            .claim(&outcome_variant_name(status, &response.description))
                            .name,
                        status,
                        description: response.description.clone(),
                        headers: exposed(response),
                        body: body_of(response),
                    }
                })
                .collect();
            let outcome = Outcome {
                name: format!("{}Outcome", skeleton.stem),
                variants,
            };
            (Returns::Outcome(outcome), accept)
        }
    }
}

fn accept(skeleton: &Skeleton<'_>, successes: &[&Response]) -> String {
    let mut types: Vec<String> = Vec::new();
    for response in successes {
        let documented = skeleton
            .operation
            .responses
            .responses
            .iter()
            .find(|(status, _)| status.to_string() == response.status);
        if let Some((_, ReferenceOr::Item(documented))) = documented {
            for content_type in documented.content.keys() {
                if !types.contains(content_type) {
                    types.push(content_type.clone());
                }
            }
        }
    }
    if types.is_empty() {
        // No documented body: accept anything (a file), JSON first for problem documents.
        return "application/json, */*;q=0.8".to_owned();
    }
    if !types.iter().any(|t| body_format(t) == BodyFormat::Json) {
        types.push("application/problem+json;q=0.5".to_owned());
    }
    types.join(", ")
}

/// An outcome's variant: the response's description when it is a short name for it
/// (`resume incomplete`), else the status's reason phrase.
fn outcome_variant_name(status: u16, description: &str) -> String {
    let description = description.trim().trim_end_matches('.');
    let generic = ["successful operation", "success", "ok", "done"];
    let words = description.split_whitespace().count();
    if (1..=4).contains(&words)
        && !generic.contains(&description.to_ascii_lowercase().as_str())
        && description
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
        && description.chars().any(|c| c.is_ascii_alphanumeric())
    {
        return naming::variant_name(description);
    }
    let reason = match status {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        204 => "NoContent",
        206 => "PartialContent",
        301 => "MovedPermanently",
        302 => "Found",
        303 => "SeeOther",
        304 => "NotModified",
        307 => "TemporaryRedirect",
        308 => "PermanentRedirect",
        _ => return format!("Status{status}"),
    };
    reason.to_owned()
}

/// Lists answered page by page: optional `start` and `count` query parameters, and a body
/// with `total` and `data` (an array).
/// Settles what each parameter's value is, now that every type is known. A value the path
/// or a header cannot hold (an object, a list in a path) is an error.
pub fn shape_parameters(
    operation: &mut Operation,
    defs: &[TypeDef],
    diagnostics: &mut Diagnostics,
) {
    for parameter in &mut operation.parameters {
        let ty = follow_aliases(defs, &parameter.ty);
        parameter.shape = if is_single_value(defs, &ty) {
            ParamShape::Single
        } else if matches!(&ty, TypeExpr::List(item) if is_single_value(defs, item)) {
            ParamShape::List
        } else {
            ParamShape::Serialized
        };
        let allowed = match parameter.location {
            ParamLocation::Query | ParamLocation::Cookie => true,
            ParamLocation::Header => parameter.shape != ParamShape::Serialized,
            ParamLocation::Path => parameter.shape == ParamShape::Single,
        };
        if !allowed {
            let (place, what) = match parameter.location {
                ParamLocation::Path => ("a path", "a single value"),
                _ => ("a header", "a single value or a list of them"),
            };
            diagnostics.push(
                Diagnostic::error(format!(
                    "parameter `{}` cannot be written in {place}: the generator writes {what} there",
                    parameter.wire_name
                ))
                .at(&parameter.pointer.push("schema"))
                .hint("give it a string, number, boolean or enum schema, or send it in the query"),
            );
        }
    }
}

/// The type an expression stands for once aliases are followed.
fn follow_aliases(defs: &[TypeDef], expr: &TypeExpr) -> TypeExpr {
    let mut expr = expr.clone();
    for _ in 0..defs.len() {
        match &expr {
            TypeExpr::Named(id) => match defs.get(id.0).map(|def| &def.kind) {
                Some(TypeKind::Alias(target)) => expr = target.clone(),
                _ => break,
            },
            _ => break,
        }
    }
    expr
}

/// Whether values of the type are written as one piece of text in a path, query or header:
/// strings, numbers, booleans, dates, enums, and unions of those.
pub fn is_single_value(defs: &[TypeDef], expr: &TypeExpr) -> bool {
    fn check(defs: &[TypeDef], expr: &TypeExpr, depth: usize) -> bool {
        match follow_aliases(defs, expr) {
            TypeExpr::String
            | TypeExpr::Boolean
            | TypeExpr::Integer
            | TypeExpr::Int32
            | TypeExpr::Number
            | TypeExpr::Uuid
            | TypeExpr::Secret
            | TypeExpr::DateTime => true,
            TypeExpr::Named(id) => match defs.get(id.0).map(|def| &def.kind) {
                Some(TypeKind::StringEnum(_) | TypeKind::IntEnum(_) | TypeKind::Flags(_)) => true,
                Some(TypeKind::Untagged(variants)) if depth < 8 => {
                    variants.iter().all(|v| check(defs, &v.ty, depth + 1))
                }
                _ => false,
            },
            _ => false,
        }
    }
    check(defs, expr, 0)
}

pub fn pagination(operation: &Operation, defs: &[TypeDef]) -> Option<Pagination> {
    let has = |wire: &str| {
        operation.parameters.iter().any(|p| {
            p.wire_name == wire
                && p.location == ParamLocation::Query
                && p.role == ParamRole::Setter
                && matches!(p.ty, TypeExpr::Integer | TypeExpr::Int32)
        })
    };
    if !has("start") || !has("count") {
        return None;
    }
    let Returns::Json(TypeExpr::Named(id)) = &operation.returns else {
        return None;
    };
    let TypeKind::Struct(list) = &defs.get(id.0)?.kind else {
        return None;
    };
    let total = list
        .fields
        .iter()
        .find(|f| f.wire_name == "total" && matches!(f.ty, TypeExpr::Integer | TypeExpr::Int32))?;
    let data = list.fields.iter().find(|f| f.wire_name == "data")?;
    let TypeExpr::List(item) = &data.ty else {
        return None;
    };
    let optional = |repr: FieldRepr| repr != FieldRepr::Required;
    Some(Pagination {
        item: (**item).clone(),
        total: (total.name.clone(), optional(total.repr)),
        total_int32: total.ty == TypeExpr::Int32,
        data: (data.name.clone(), optional(data.repr)),
    })
}

/// The document's OAuth 2.0 password flow: the operation at its `tokenUrl`, and the operation
/// that hands out the server's own OAuth client (a `GET` answering `client_id` and
/// `client_secret`, PeerTube's `/api/v1/oauth-clients/local`).
pub fn oauth_login(
    resolved: &Resolved,
    operations: &[Operation],
    defs: &[TypeDef],
) -> Option<super::OAuthLogin> {
    let schemes = &resolved.api.components.as_ref()?.security_schemes;
    let token_url = schemes.values().find_map(|scheme| match scheme {
        ReferenceOr::Item(openapiv3::SecurityScheme::OAuth2 { flows, .. }) => {
            flows.password.as_ref().map(|flow| flow.token_url.clone())
        }
        _ => None,
    })?;
    let token_operation = operations
        .iter()
        .position(|o| o.method == "post" && o.path == token_url)?;
    let has_fields = |ty: &TypeExpr, names: &[&str]| match ty {
        TypeExpr::Named(id) => match defs.get(id.0).map(|def| &def.kind) {
            Some(TypeKind::Struct(s)) => names
                .iter()
                .all(|n| s.fields.iter().any(|f| f.wire_name == *n)),
            _ => false,
        },
        _ => false,
    };
    let client_operation = operations.iter().position(|o| {
        o.method == "get"
            && !o.parameters.iter().any(|p| p.role == ParamRole::Argument)
            && matches!(&o.returns, Returns::Json(ty) if has_fields(ty, &["client_id", "client_secret"]))
    });
    let otp_header = operations
        .get(token_operation)?
        .parameters
        .iter()
        .find(|p| p.location == ParamLocation::Header && p.role == ParamRole::Setter)
        .map(|p| p.wire_name.clone());
    Some(super::OAuthLogin {
        token_operation,
        client_operation,
        otp_header,
    })
}

/// The codes the document says PeerTube puts in its error responses, from descriptions that
/// say to "disambiguate via `code`" and list them (`- `invalid_token` for an expired token`).
pub fn error_codes(operations: &[Operation]) -> Vec<EnumVariant<String>> {
    let mut codes: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for response in operations.iter().flat_map(|o| &o.responses) {
        if !response.description.contains("`code`") || response.code().is_none_or(|c| c < 400) {
            continue;
        }
        for line in response.description.lines() {
            let Some(item) = line.trim().strip_prefix("- `") else {
                continue;
            };
            let Some((code, rest)) = item.split_once('`') else {
                continue;
            };
            if code.is_empty()
                || !code
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                continue;
            }
            if !codes.contains_key(code) {
                order.push(code.to_owned());
                let rest = rest.trim();
                codes.insert(code.to_owned(), (!rest.is_empty()).then(|| rest.to_owned()));
            }
        }
    }
    let mut scope = Scope::new();
    order
        .into_iter()
        .map(|code| EnumVariant {
            name: scope.claim(&naming::variant_name(&code)).name,
            description: codes.get(&code).cloned().flatten(),
            value: code,
        })
        .collect()
}

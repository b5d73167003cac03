//! Operations: names, parameters, bodies and responses.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use openapiv3::{Parameter as ApiParameter, ParameterSchemaOrContent, PathItem, ReferenceOr};

use super::types::{OperationStems, TypeBuilder, docs_of};
use super::{Body, BodyFormat, Docs, Operation, ParamLocation, Parameter, Response, TypeExpr};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::naming::{self, Scope};
use crate::pointer::Pointer;
use crate::resolve::Resolved;

/// An operation before its types are converted: where it is and what it is called.
pub struct Skeleton<'a> {
    pub name: String,
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
    diagnostics: &mut Diagnostics,
) -> (Vec<Skeleton<'a>>, OperationStems) {
    let mut list = Vec::new();
    let mut stems = OperationStems::default();
    let mut methods = Scope::new();
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
            let wanted = naming::operation_name(&method, path, operation_id);
            let claimed = methods.claim(&wanted);
            if let Some(collided) = claimed.collided_with {
                diagnostics.push(
                    Diagnostic::warning(format!(
                        "two operations are named `{collided}` in Rust; this one is `{}`",
                        claimed.name
                    ))
                    .at(&pointer)
                    .hint("give the operation an operationId"),
                );
            }
            let stem = naming::operation_type_stem(&claimed.name, operation_id);
            stems.stems.insert((path.clone(), method.clone()), stem);
            list.push(Skeleton {
                name: claimed.name,
                method,
                path: path.clone(),
                pointer,
                path_item: item,
                operation,
            });
        }
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
    let mut parameters = Vec::new();
    let mut seen: HashMap<(String, ParamLocation), usize> = HashMap::new();
    let mut scope = Scope::new();
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
        match seen.get(&key) {
            Some(&index) => parameters[index] = converted,
            None => {
                seen.insert(key, parameters.len());
                parameters.push(converted);
            }
        }
    }
    check_path_template(skeleton, &parameters, &mut types.diagnostics);

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
        .map(|requirements| {
            let scopes: BTreeSet<String> = requirements
                .iter()
                .flat_map(|r| r.values().flatten().cloned())
                .collect();
            // The document's own order of scopes where there is one requirement.
            match requirements.as_slice() {
                [single] => single.values().flatten().cloned().collect(),
                _ => scopes.into_iter().collect(),
            }
        });

    Operation {
        name: skeleton.name.clone(),
        operation_id: operation.operation_id.clone(),
        method: skeleton.method.clone(),
        path: skeleton.path.clone(),
        pointer: skeleton.pointer.clone(),
        summary: operation.summary.clone(),
        description: operation.description.clone(),
        deprecated: operation.deprecated,
        tags: operation.tags.clone(),
        parameters,
        body,
        responses,
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
    let (location, explode) = match parameter {
        ApiParameter::Path { .. } => (ParamLocation::Path, false),
        ApiParameter::Header { .. } => (ParamLocation::Header, false),
        ApiParameter::Cookie { .. } => (ParamLocation::Cookie, data.explode.unwrap_or(true)),
        ApiParameter::Query {
            style,
            allow_reserved,
            ..
        } => {
            if !matches!(style, openapiv3::QueryStyle::Form) {
                types.diagnostics.push(
                    Diagnostic::warning(format!(
                        "query parameter `{}` has style `{style:?}`; it is sent in the default `form` style",
                        data.name
                    ))
                    .at(declared_at),
                );
            }
            if *allow_reserved {
                types.diagnostics.push(
                    Diagnostic::warning(format!(
                        "`allowReserved` on `{}` is ignored: reserved characters are percent-encoded",
                        data.name
                    ))
                    .at(declared_at),
                );
            }
            (ParamLocation::Query, data.explode.unwrap_or(true))
        }
    };
    let ty = match &data.format {
        ParameterSchemaOrContent::Schema(_) => {
            let schema_at = declared_at.push("schema");
            match types_node(types, &schema_at) {
                Some(node) => types.type_of(&node),
                None => return None,
            }
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
            TypeExpr::String
        }
    };
    let mut docs = Docs {
        description: data.description.clone(),
        deprecated: data.deprecated.unwrap_or(false),
        example: data.example.clone(),
        ..Docs::default()
    };
    if let ParameterSchemaOrContent::Schema(_) = &data.format
        && let Some(node) = types_node(types, &declared_at.push("schema"))
    {
        let schema_docs = docs_of(&node.docs);
        docs.default = schema_docs.default;
        docs.constraints = schema_docs.constraints;
        if docs.description.is_none() {
            docs.description = schema_docs.description;
        }
    }
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
    Some(Parameter {
        name: claimed.name,
        wire_name: data.name.clone(),
        location,
        ty,
        required: data.required || location == ParamLocation::Path,
        explode,
        docs,
        pointer: declared_at.clone(),
    })
}

fn types_node(
    types: &mut TypeBuilder<'_>,
    at: &Pointer,
) -> Option<std::rc::Rc<crate::resolve::Node>> {
    match types.resolved().node(at) {
        Ok(node) => Some(node),
        Err(e) => {
            types.diagnostics.push(e);
            None
        }
    }
}

/// Every `{name}` in the path must be a declared path parameter.
fn check_path_template(
    skeleton: &Skeleton<'_>,
    parameters: &[Parameter],
    diagnostics: &mut Diagnostics,
) {
    let mut rest = skeleton.path.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            diagnostics.push(
                Diagnostic::error(format!("path `{}` has an unclosed `{{`", skeleton.path))
                    .at(&skeleton.pointer),
            );
            return;
        };
        let name = &rest[open + 1..open + close];
        let declared = parameters
            .iter()
            .any(|p| p.location == ParamLocation::Path && p.wire_name == name);
        if !declared {
            diagnostics.push(
                Diagnostic::error(format!("path parameter `{{{name}}}` is not declared"))
                    .at(&skeleton.pointer.push("parameters"))
                    .hint(format!(
                        "declare a parameter with `name: {name}` and `in: path`"
                    )),
            );
        }
        rest = &rest[open + close + 1..];
    }
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

/// Among a body's media types, the one the client uses: JSON first, then forms, text, binary.
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
                        Diagnostic::error(format!("request body `$ref` `{reference}` does not name a component request body"))
                            .at(at),
                    );
                    return None;
                }
            }
        }
    };
    let (content_type, media) = preferred(&body.content)?;
    let media_at = at.push("content").push(content_type);
    Some(Body {
        content_type: content_type.clone(),
        format: body_format(content_type),
        ty: media_type(content_type, media.schema.is_some(), &media_at, types),
        required: body.required,
        description: body.description.clone(),
    })
}

fn media_type(
    content_type: &str,
    has_schema: bool,
    at: &Pointer,
    types: &mut TypeBuilder<'_>,
) -> Option<TypeExpr> {
    match body_format(content_type) {
        BodyFormat::Binary | BodyFormat::Text => None,
        BodyFormat::Json | BodyFormat::Form | BodyFormat::Multipart if has_schema => {
            let node = types_node(types, &at.push("schema"))?;
            Some(types.type_of(&node))
        }
        _ => Some(TypeExpr::Json),
    }
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
    let body = preferred(&response.content).map(|(content_type, media)| {
        let media_at = at.push("content").push(content_type);
        Body {
            content_type: content_type.clone(),
            format: body_format(content_type),
            ty: media_type(content_type, media.schema.is_some(), &media_at, types),
            required: true,
            description: None,
        }
    });
    Some(Response {
        status: status.to_owned(),
        description: response.description.clone(),
        body,
    })
}

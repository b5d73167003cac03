//! Operations: names, parameters, bodies, responses, and what each method returns.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::responses::{convert_request_body, convert_response, returns};
use super::types::{OperationStems, TypeBuilder};
use super::{
    Docs, Operation, ParamLocation, ParamRole, ParamShape, Parameter, QueryStyle, SegmentPart,
    TypeDef, TypeExpr,
};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::naming::{self, RustName, Scope};
use crate::pointer::Pointer;
use crate::resolve::{self, Resolved, SchemaOrContent, TemplatePart};

/// An operation before its types are converted: where it is and what it is called.
pub struct Skeleton<'a> {
    pub name: RustName,
    pub stem: RustName,
    pub method: String,
    pub path: String,
    pub pointer: Pointer,
    pub operation: &'a resolve::Operation,
}

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
        } else if !naming::is_identifier(name) || naming::snake_name(name).to_string() != *name {
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
    for item in &resolved.paths {
        let operations = match &item.operations {
            Ok(operations) => operations,
            Err(error) => {
                diagnostics.push(error.clone());
                continue;
            }
        };
        let path = &item.path;
        for operation in operations {
            let method = &operation.method;
            let pointer = operation.pointer.clone();
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
                    name: RustName::new(name.as_str()),
                    collided_with: None,
                },
                // On a collision, the name built from the method and path is the next best.
                None => methods.claim_or(
                    naming::operation_name(method, path, operation_id),
                    naming::operation_name(method, path, None),
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
                Some(name) => naming::operation_type_stem(&RustName::new(name.as_str()), None),
                None => naming::operation_type_stem(&claimed.name, operation_id),
            };
            stems
                .stems
                .insert((path.clone(), method.clone()), stem.to_string());
            list.push(Skeleton {
                name: claimed.name,
                stem,
                method: method.clone(),
                path: path.clone(),
                pointer,
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
pub fn convert(skeleton: &Skeleton<'_>, types: &mut TypeBuilder<'_>) -> Operation {
    let operation = skeleton.operation;
    let mut parameters: Vec<Parameter> = Vec::new();
    let mut seen: HashMap<(String, ParamLocation), usize> = HashMap::new();
    let mut scope = Scope::new();
    // Names the method and its builder use for themselves.
    for reserved in ["body", "client", "send", "stream"] {
        scope.reserve(reserved);
    }
    for parameter in &operation.parameters {
        let Some(parameter) = types.reported(parameter) else {
            continue;
        };
        let Some(converted) = convert_parameter(parameter, types, &mut scope) else {
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
    for problem in &operation.template_problems {
        types.diagnostics.push(problem.clone());
    }
    let segments = path_segments(&operation.template, &parameters);

    let body = match &operation.request_body {
        Some(body) => types
            .reported(body)
            .and_then(|body| convert_request_body(body, types)),
        None => None,
    };

    let mut responses = Vec::new();
    for response in &operation.responses {
        if let Some(response) = types.reported(response)
            && let Some(response) = convert_response(response, types)
        {
            responses.push(response);
        }
    }
    if operation.has_callbacks {
        types.diagnostics.push(
            Diagnostic::warning("`callbacks` are not generated: the client only makes requests")
                .at(&skeleton.pointer.push("callbacks")),
        );
    }

    let security = operation
        .security
        .as_ref()
        .filter(|requirements| {
            !requirements.is_empty() && requirements.iter().all(|r| !r.is_empty())
        })
        .map(|requirements| match requirements.as_slice() {
            // The document's own order of scopes where there is one requirement.
            [single] => single.iter().flat_map(|(_, s)| s).cloned().collect(),
            _ => {
                let scopes: BTreeSet<String> = requirements
                    .iter()
                    .flat_map(|r| r.iter().flat_map(|(_, s)| s).cloned())
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

fn convert_parameter(
    parameter: &resolve::Parameter,
    types: &mut TypeBuilder<'_>,
    scope: &mut Scope,
) -> Option<Parameter> {
    let declared_at = &parameter.declared_at;
    let (location, style) = match parameter.location {
        resolve::ParameterLocation::Path => (ParamLocation::Path, QueryStyle::Delimited(',')),
        resolve::ParameterLocation::Header => (ParamLocation::Header, QueryStyle::Delimited(',')),
        resolve::ParameterLocation::Cookie => (ParamLocation::Cookie, QueryStyle::Exploded),
        resolve::ParameterLocation::Query {
            style,
            allow_reserved,
        } => {
            // `explode` defaults to true for `form` only.
            let explode = parameter
                .explode
                .unwrap_or(style == resolve::QueryStyle::Form);
            let style = match style {
                resolve::QueryStyle::DeepObject => QueryStyle::Deep,
                _ if explode => QueryStyle::Exploded,
                resolve::QueryStyle::Form => QueryStyle::Delimited(','),
                resolve::QueryStyle::SpaceDelimited => QueryStyle::Delimited(' '),
                resolve::QueryStyle::PipeDelimited => QueryStyle::Delimited('|'),
            };
            if allow_reserved {
                types.diagnostics.push(
                    Diagnostic::warning(format!(
                        "`allowReserved` on `{}` is ignored: reserved characters are percent-encoded",
                        parameter.name
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
                parameter.name
            ))
            .at(declared_at),
        );
        return None;
    }
    let (ty, schema_node) = match &parameter.value {
        SchemaOrContent::Schema(schema) => {
            let node = types.reported(schema)?.clone();
            let (conventions, schemas) = (types.conventions, &types.resolved.schemas);
            let single = (conventions.one_or_many(schemas, &node)).map(|one| types.type_of(&one));
            let ty = match single {
                // `oneOf: [T, array of T]` in the query: a list, which the query writes the
                // same way (one value is `name=value` either way).
                Some(item) if location == ParamLocation::Query => TypeExpr::List(Box::new(item)),
                _ => types.type_of(&node),
            };
            (ty, Some(node))
        }
        SchemaOrContent::Content(media_types) => {
            types.diagnostics.push(
                Diagnostic::warning(format!(
                    "parameter `{}` is described by `content` ({}); it is sent as a string",
                    parameter.name,
                    media_types.join(", ")
                ))
                .at(&declared_at.push("content")),
            );
            (TypeExpr::String, None)
        }
    };
    let mut docs = Docs {
        description: parameter.description.clone(),
        deprecated: parameter.deprecated,
        example: parameter.example.clone(),
        ..Docs::default()
    };
    if let Some(node) = &schema_node {
        let schema_docs = node.docs.clone();
        docs.default = schema_docs.default;
        docs.constraints = schema_docs.constraints;
        if docs.description.is_none() {
            docs.description = schema_docs.description;
        }
    }
    let required = parameter.required || location == ParamLocation::Path;
    let role = if location == ParamLocation::Header
        && parameter.name.eq_ignore_ascii_case("content-length")
    {
        ParamRole::Hidden
    } else if required {
        ParamRole::Argument
    } else {
        ParamRole::Setter
    };
    let wanted = naming::snake_name(&parameter.name);
    let claimed = scope.claim(wanted);
    if let Some(collided) = &claimed.collided_with {
        types.diagnostics.push(
            Diagnostic::warning(format!(
                "two parameters are named `{collided}` in Rust; this one is `{}`",
                claimed.name
            ))
            .at(&parameter.used_at),
        );
    }
    let ty = match ty {
        TypeExpr::Option(inner) => *inner,
        ty => ty,
    };
    let ty = if naming::is_secret_name(&parameter.name) {
        super::types::secret(ty)
    } else {
        ty
    };
    Some(Parameter {
        name: claimed.name,
        wire_name: parameter.name.clone(),
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

/// The path's segments, each parameter as its index in `parameters`. A `{name}` with no
/// parameter is left out (resolve reported it, or the parameter did not convert).
fn path_segments(
    template: &[Vec<TemplatePart>],
    parameters: &[Parameter],
) -> Vec<Vec<SegmentPart>> {
    template
        .iter()
        .map(|segment| {
            segment
                .iter()
                .filter_map(|part| match part {
                    TemplatePart::Literal(text) => Some(SegmentPart::Literal(text.clone())),
                    TemplatePart::Parameter(name) => parameters
                        .iter()
                        .position(|p| p.location == ParamLocation::Path && p.wire_name == *name)
                        .map(SegmentPart::Parameter),
                })
                .collect()
        })
        .collect()
}

/// Settles what each parameter's value is, now that every type is known. A value the path
/// or a header cannot hold (an object, a list in a path) is an error.
pub fn shape_parameters(
    operation: &mut Operation,
    defs: &[TypeDef],
    diagnostics: &mut Diagnostics,
) {
    for parameter in &mut operation.parameters {
        let ty = super::follow_aliases(defs, &parameter.ty);
        parameter.shape = if super::is_single_value(defs, &ty) {
            ParamShape::Single
        } else if matches!(&ty, TypeExpr::List(item) if super::is_single_value(defs, item)) {
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

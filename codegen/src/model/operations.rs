//! Operations converted: parameters (each operation's own overriding its path's), the path's
//! segments, the body and responses (see [`super::responses`]), and who may call it.

use std::collections::{BTreeSet, HashMap};

use super::methods::Skeleton;
use super::responses::{convert_request_body, convert_response, returns};
use super::types::TypeBuilder;
use super::{
    Docs, Operation, ParamLocation, ParamRole, ParamShape, Parameter, QueryStyle, SegmentPart,
    TypeDef, TypeExpr,
};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::naming::{self, Scope};
use crate::resolve::{self, SchemaOrContent, TemplatePart};

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
        group: 0,
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

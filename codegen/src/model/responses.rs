//! Bodies and responses: the media type the client sends, what each documented response
//! holds, and what the method returns (one type, or an outcome of several).

use std::collections::BTreeSet;

use super::methods::Skeleton;
use super::types::TypeBuilder;
use super::{
    Body, BodyFormat, Docs, HeaderField, Outcome, OutcomeVariant, Response, ResponseBody, Returns,
    TypeExpr,
};
use crate::diagnostic::Diagnostic;
use crate::naming::{self, RustName, Scope};
use crate::resolve::{self, SchemaOrContent};

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
fn preferred(content: &[resolve::Content]) -> Option<&resolve::Content> {
    let rank = |ct: &str| match body_format(ct) {
        BodyFormat::Json => 0,
        BodyFormat::Form => 1,
        BodyFormat::Multipart => 2,
        BodyFormat::Text => 3,
        BodyFormat::Binary => 4,
    };
    content.iter().min_by_key(|c| rank(&c.media_type))
}

pub(super) fn convert_request_body(
    body: &resolve::RequestBody,
    types: &mut TypeBuilder<'_>,
) -> Option<Body> {
    let content = preferred(&body.content)?;
    let format = body_format(&content.media_type);
    let ty = match (format, &content.schema) {
        (BodyFormat::Binary | BodyFormat::Text, _) => None,
        (_, Some(schema)) => {
            let node = types.reported(schema)?.clone();
            Some(types.type_of(&node))
        }
        (_, None) => Some(TypeExpr::Json),
    };
    Some(Body {
        content_type: content.media_type.clone(),
        format,
        ty,
        required: body.required,
        description: body.description.clone(),
    })
}

pub(super) fn convert_response(
    response: &resolve::Response,
    types: &mut TypeBuilder<'_>,
) -> Option<Response> {
    if response.has_links {
        types.diagnostics.push(
            Diagnostic::warning("response `links` are not generated")
                .at(&response.pointer.push("links")),
        );
    }
    let formats: BTreeSet<_> = response
        .content
        .iter()
        .map(|c| body_format(&c.media_type) as u8)
        .collect();
    let body = if response.content.is_empty() {
        None
    } else if formats.len() > 1 {
        // A choice of media types (PeerTube's feeds): the server picks, the client reads text.
        Some(ResponseBody::Text)
    } else {
        let content = response.content.first()?;
        match (body_format(&content.media_type), &content.schema) {
            (BodyFormat::Text, _) => Some(ResponseBody::Text),
            (BodyFormat::Binary, _) => Some(ResponseBody::Binary),
            (_, Some(schema)) => {
                let node = types.reported(schema)?.clone();
                Some(ResponseBody::Json(types.type_of(&node)))
            }
            (_, None) => Some(ResponseBody::Json(TypeExpr::Json)),
        }
    };
    record_examples(response, types);
    let mut headers = Vec::new();
    let mut scope = Scope::new();
    for header in &response.headers {
        let Some(header) = types.reported(header) else {
            continue;
        };
        let ty = match &header.value {
            SchemaOrContent::Schema(schema) => {
                let node = types.reported(schema)?.clone();
                match types.type_of(&node) {
                    TypeExpr::Option(inner) => *inner,
                    ty => ty,
                }
            }
            SchemaOrContent::Content(_) => TypeExpr::String,
        };
        let claimed = scope.claim(naming::snake_name(&header.name));
        headers.push(HeaderField {
            name: claimed.name,
            wire_name: header.name.clone(),
            ty,
            docs: Docs {
                description: header.description.clone(),
                ..Docs::default()
            },
        });
    }
    let meaning = response.summary.clone().unwrap_or_else(|| {
        response
            .description
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned()
    });
    Some(Response {
        status: response.status.clone(),
        meaning,
        description: response.description.clone(),
        body,
        headers,
    })
}

/// The examples of a response's JSON bodies (recordings from a running server, in PeerTube's
/// document), each with the type of its body: the generated crate checks that they decode.
fn record_examples(response: &resolve::Response, types: &mut TypeBuilder<'_>) {
    for content in &response.content {
        let Some(Ok(node)) = &content.schema else {
            continue;
        };
        if body_format(&content.media_type) != BodyFormat::Json || content.examples.is_empty() {
            continue;
        }
        let ty = types.type_of(node);
        for (pointer, value) in &content.examples {
            types.add_example(pointer.clone(), value.clone(), ty.clone());
        }
    }
}

/// Headers that describe the transport, not the operation's result.
fn is_transport_header(name: &str) -> bool {
    name.eq_ignore_ascii_case("content-length") || name.eq_ignore_ascii_case("cache-control")
}

/// What the method returns, and the media types it accepts. A 2xx without `content` on a
/// GET is a file the document does not describe (static files, downloads): its bytes.
pub(super) fn returns(skeleton: &Skeleton<'_>, responses: &[Response]) -> (Returns, String) {
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
                            .claim(outcome_variant_name(status, &response.description))
                            .name,
                        status,
                        description: response.description.clone(),
                        headers: exposed(response),
                        body: body_of(response),
                    }
                })
                .collect();
            let outcome = Outcome {
                name: RustName::new(format!("{}Outcome", skeleton.stem.as_str())),
                variants,
            };
            (Returns::Outcome(outcome), accept)
        }
    }
}

fn accept(skeleton: &Skeleton<'_>, successes: &[&Response]) -> String {
    let mut types: Vec<String> = Vec::new();
    for response in successes {
        let documented = (skeleton.operation.responses.iter().flatten())
            .find(|documented| documented.status == response.status);
        for content in documented.iter().flat_map(|d| &d.content) {
            if !types.contains(&content.media_type) {
                types.push(content.media_type.clone());
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

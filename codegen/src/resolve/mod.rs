//! Stage 2, resolve: the document's JSON value into the resolved document, everything the
//! later stages read and nothing they must look up in the JSON.
//!
//! Resolution answers "what does the document say", independent of Rust. It reads the
//! document's skeleton (with `openapiv3`, which no other stage sees), follows the `$ref`s of
//! parameters, request bodies and responses to the components they name, and resolves every
//! schema the components and operations reach into a [`Node`]: `$ref`s checked and kept as
//! edges (refs into another schema's `properties` included), `allOf` merged into one object
//! with `required` gathered from every level, `nullable` beside `$ref`/`allOf` kept, and
//! typeless schemas classified. Naming and Rust types are the model stage's job.
//!
//! A broken document stops here when its structure does not read; a broken part (a `$ref` to
//! nothing, an `allOf` cycle) is kept in its place as an error, which the model stage reports
//! where it meets it, among its own errors.

mod all_of;
mod normalize;
mod operations;
mod raw;
mod references;
mod refs;
mod schema;
mod structure;

use std::collections::{HashMap, HashSet};

use openapiv3::ReferenceOr;
use serde::Deserialize as _;
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::pointer::Pointer;
use normalize::SchemaResolver;
pub use operations::{
    Content, DeclaredParameter, Operation, Parameter, ParameterLocation, PathItem, QueryStyle,
    RequestBody, Response, SchemaOrContent, TemplatePart,
};
pub use schema::{
    Additional, Constraints, Discriminator, Docs, Enumeration, Node, NodeKind, ObjectNode, Schemas,
    UnionNode,
};

/// The resolved document.
#[derive(Debug)]
pub struct Resolved {
    pub info: Info,
    /// The names of the component schemas, in document order.
    pub component_schemas: Vec<String>,
    /// Every path, in document order.
    pub paths: Vec<PathItem>,
    /// The `tokenUrl` of the document's OAuth 2.0 password flow, if it has one.
    pub password_token_url: Option<String>,
    /// Every parameter object, where it is written (a parameter's schema is named and
    /// described after it).
    pub declared_parameters: HashMap<Pointer, DeclaredParameter>,
    /// Schemas reached only as variants of discriminated unions, with the union's tag
    /// property.
    pub variant_only_schemas: HashMap<Pointer, String>,
    /// Every schema the components and operations reach.
    pub schemas: Schemas,
    /// What the document uses that the generator supports only partly, found while resolving.
    pub warnings: Diagnostics,
}

/// What the document says about the API.
#[derive(Debug, Clone)]
pub struct Info {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// The OpenAPI version the document is written in.
    pub openapi: String,
    /// The URLs of its `servers`.
    pub servers: Vec<String>,
    /// The URL of its `externalDocs` (where its anchors point).
    pub external_docs: Option<String>,
    /// The error codes its `x-error-codes` declares (code, description), in document order.
    pub error_codes: Vec<(String, String)>,
    /// The groups of tags its `x-tagGroups` declares (name, tags), in document order.
    pub tag_groups: Vec<(String, Vec<String>)>,
}

/// The OpenAPI versions this generator reads.
pub const SUPPORTED_VERSIONS: &str = "OpenAPI 3.0.0 to 3.0.4";

/// Reads the document: an error for a document that is not OpenAPI 3.0, or whose structure
/// does not read.
pub fn resolve(mut raw: Value) -> Result<Resolved, Diagnostics> {
    check_version(&raw)?;
    if raw.get("paths").is_none() {
        return Err(Diagnostic::error(
            "the document has no `paths`, so there is nothing to generate",
        )
        .at(&Pointer::root())
        .hint("an OpenAPI document for a client needs at least one operation under `paths`")
        .into());
    }
    let callback_errors = refs::inline_callbacks(&mut raw);
    if callback_errors.has_errors() {
        return Err(callback_errors);
    }
    // Plain serde first: tracking the path costs a quarter of the time, and only a failure
    // needs it.
    let parsed = openapiv3::OpenAPI::deserialize(&raw)
        .or_else(|_| serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&raw));
    let api: openapiv3::OpenAPI = match parsed {
        Ok(api) => api,
        Err(e) => {
            // serde loses track of where it was inside flattened and untagged types: look
            // for the culprits part by part, and report each one where it is.
            let found = structure::locate(&raw);
            if found.has_errors() {
                return Err(found);
            }
            let pointer = Pointer::root().join_serde_path(e.path());
            return Err(Diagnostic::error(format!(
                "the document is not a valid OpenAPI 3.0 document: {}",
                e.inner()
            ))
            .at(&pointer)
            .into());
        }
    };
    if api.paths.paths.is_empty() {
        return Err(Diagnostic::error(
            "the document has no paths, so there is nothing to generate",
        )
        .at(&Pointer::root().push("paths"))
        .hint("an OpenAPI document for a client needs at least one operation under `paths`")
        .into());
    }
    Ok(read(&api, &raw))
}

/// The document, its operations followed and every schema they reach resolved.
fn read(api: &openapiv3::OpenAPI, raw: &Value) -> Resolved {
    let mut schemas = SchemaResolver::new(raw);
    let component_schemas: Vec<String> = api
        .components
        .as_ref()
        .map(|c| c.schemas.keys().cloned().collect())
        .unwrap_or_default();
    for name in &component_schemas {
        let pointer = Pointer::root()
            .push("components")
            .push("schemas")
            .push(name);
        // A schema that does not resolve keeps its error in the table.
        let _ = schemas.resolve(&pointer);
    }
    let mut reader = operations::Reader {
        api,
        raw,
        schemas: &mut schemas,
        declared: HashMap::new(),
        reported: HashSet::new(),
    };
    reader.component_parameters();
    let paths = reader.paths();
    let declared_parameters = reader.declared;
    let password_token_url = api.components.as_ref().and_then(|components| {
        components
            .security_schemes
            .values()
            .find_map(|scheme| match scheme {
                ReferenceOr::Item(openapiv3::SecurityScheme::OAuth2 { flows, .. }) => {
                    flows.password.as_ref().map(|flow| flow.token_url.clone())
                }
                _ => None,
            })
    });
    let (schemas, mut warnings) = schemas.finish();
    let error_codes = declared_error_codes(api, &mut warnings);
    let tag_groups = declared_tag_groups(api, &mut warnings);
    Resolved {
        info: Info {
            title: api.info.title.clone(),
            version: api.info.version.clone(),
            description: api.info.description.clone(),
            openapi: api.openapi.clone(),
            servers: api.servers.iter().map(|s| s.url.clone()).collect(),
            external_docs: api.external_docs.as_ref().map(|d| d.url.clone()),
            error_codes,
            tag_groups,
        },
        component_schemas,
        paths,
        password_token_url,
        declared_parameters,
        variant_only_schemas: references::variant_only_schemas(raw),
        schemas,
        warnings,
    }
}

fn check_version(raw: &Value) -> Result<(), Diagnostic> {
    let root = Pointer::root();
    if !raw.is_object() {
        return Err(Diagnostic::error("the document is not a JSON/YAML object").at(&root));
    }
    if let Some(swagger) = raw.get("swagger") {
        return Err(Diagnostic::error(format!(
            "this is a Swagger {} document; this generator reads {SUPPORTED_VERSIONS}",
            swagger.as_str().unwrap_or("2.0")
        ))
        .at(&root.push("swagger"))
        .hint("convert it to OpenAPI 3.0 first (for example with swagger2openapi)"));
    }
    let Some(version) = raw.get("openapi") else {
        return Err(Diagnostic::error(format!(
            "the document has no `openapi` field; this generator reads {SUPPORTED_VERSIONS}"
        ))
        .at(&root));
    };
    let at = root.push("openapi");
    let Some(version) = version.as_str() else {
        return Err(Diagnostic::error(format!(
            "`openapi` must be a string such as \"3.0.3\", found {version}"
        ))
        .at(&at));
    };
    if version.starts_with("3.1") {
        return Err(Diagnostic::error(format!(
            "OpenAPI {version} is not supported: its schemas are JSON Schema 2020-12; this generator reads {SUPPORTED_VERSIONS}"
        ))
        .at(&at)
        .hint("use the 3.0 form of the document if the API publishes one"));
    }
    if !version.starts_with("3.0.") {
        return Err(Diagnostic::error(format!(
            "OpenAPI version `{version}` is not supported; this generator reads {SUPPORTED_VERSIONS}"
        ))
        .at(&at));
    }
    Ok(())
}

#[cfg(test)]
mod tests;

/// The document's `x-error-codes`: a map of every error code the server declares to its
/// description (an overlay adds it; PeerTube's document lists only some codes in prose).
fn declared_error_codes(
    api: &openapiv3::OpenAPI,
    warnings: &mut Diagnostics,
) -> Vec<(String, String)> {
    let Some(declared) = api.extensions.get("x-error-codes") else {
        return Vec::new();
    };
    let codes = declared.as_object().and_then(|codes| {
        codes
            .iter()
            .map(|(code, description)| Some((code.clone(), description.as_str()?.to_owned())))
            .collect::<Option<Vec<_>>>()
    });
    codes.unwrap_or_else(|| {
        warnings.push(
            Diagnostic::warning("`x-error-codes` is not a map of codes to descriptions: ignored")
                .at(&Pointer::root().push("x-error-codes")),
        );
        Vec::new()
    })
}

/// The document's `x-tagGroups` (a Redoc extension): named groups of tags, which become the
/// crate's modules and features.
fn declared_tag_groups(
    api: &openapiv3::OpenAPI,
    warnings: &mut Diagnostics,
) -> Vec<(String, Vec<String>)> {
    #[derive(serde::Deserialize)]
    struct TagGroup {
        name: String,
        tags: Vec<String>,
    }
    let Some(declared) = api.extensions.get("x-tagGroups") else {
        return Vec::new();
    };
    match Vec::<TagGroup>::deserialize(declared) {
        Ok(groups) => groups.into_iter().map(|g| (g.name, g.tags)).collect(),
        Err(error) => {
            warnings.push(
                Diagnostic::warning(format!(
                    "`x-tagGroups` is not a list of groups with a `name` and `tags`: ignored ({error})"
                ))
                .at(&Pointer::root().push("x-tagGroups")),
            );
            Vec::new()
        }
    }
}

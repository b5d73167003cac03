//! Stage 4, emit: the model into the files of a client crate. The only stage that builds Rust
//! tokens (with `quote!`); formatting is the next stage's job.

mod calls;
mod contract;
mod convert;
mod docs;
mod operations;
mod types;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use crate::model::Model;
use crate::naming::RustName;

/// What the generated crate's manifest and README say about its package.
#[derive(Debug, Clone, Copy)]
pub struct Package<'a> {
    pub name: &'a str,
    pub version: &'a str,
}

/// A file of the generated crate, before formatting.
pub struct EmittedFile {
    /// Relative to the crate's root, `/`-separated.
    pub path: String,
    pub content: Content,
}

pub enum Content {
    /// Rust code, to be formatted.
    Rust(TokenStream),
    /// Rust code written by hand in `codegen/runtime/`, copied as it is.
    RustSource(&'static str),
    /// Any other text (`Cargo.toml`, `README.md`).
    Text(String),
}

macro_rules! runtime_file {
    ($name:literal) => {
        (
            concat!("src/runtime/", $name),
            include_str!(concat!("../../runtime/", $name)),
        )
    };
}

/// The runtime: hand-written modules every generated crate contains, compiled and tested as
/// part of it.
const RUNTIME: &[(&str, &str)] = &[
    runtime_file!("mod.rs"),
    runtime_file!("call.rs"),
    runtime_file!("client.rs"),
    runtime_file!("download.rs"),
    runtime_file!("error.rs"),
    runtime_file!("examples.rs"),
    runtime_file!("file.rs"),
    runtime_file!("http.rs"),
    runtime_file!("json.rs"),
    runtime_file!("multipart.rs"),
    runtime_file!("open_enum.rs"),
    runtime_file!("pagination.rs"),
    runtime_file!("pending.rs"),
    runtime_file!("response.rs"),
    runtime_file!("secret.rs"),
    runtime_file!("ser.rs"),
    runtime_file!("session.rs"),
    runtime_file!("untagged.rs"),
    runtime_file!("upload.rs"),
    runtime_file!("upload/source.rs"),
];

/// The `Client` methods `UPLOAD_FAMILIES`' code defines (a test checks the list against it).
const UPLOAD_METHODS: &[&str] = &[
    "upload_video",
    "replace_video_source",
    "import_user_archive",
    "resume_upload",
];

/// PeerTube's resumable uploads as methods of `Client`: runtime code written (and declared in
/// `lib.rs`) only for a document that has every route it calls. It finds their operations by
/// role (`info::uploads::VIDEO_INIT`), whatever the names file calls their methods.
const UPLOAD_FAMILIES: (&str, &str, &[(&str, &str, &str)]) = (
    "src/runtime/upload/families.rs",
    include_str!("../../runtime/upload/families.rs"),
    &[
        ("CONFIG", "get", "/api/v1/config"),
        ("VIDEO_INIT", "post", "/api/v1/videos/upload-resumable"),
        ("VIDEO_CHUNK", "put", "/api/v1/videos/upload-resumable"),
        ("VIDEO_CANCEL", "delete", "/api/v1/videos/upload-resumable"),
        (
            "SOURCE_INIT",
            "post",
            "/api/v1/videos/{id}/source/replace-resumable",
        ),
        (
            "SOURCE_CHUNK",
            "put",
            "/api/v1/videos/{id}/source/replace-resumable",
        ),
        (
            "SOURCE_CANCEL",
            "delete",
            "/api/v1/videos/{id}/source/replace-resumable",
        ),
        (
            "USER_IMPORT_INIT",
            "post",
            "/api/v1/users/{userId}/imports/import-resumable",
        ),
        (
            "USER_IMPORT_CHUNK",
            "put",
            "/api/v1/users/{userId}/imports/import-resumable",
        ),
        (
            "USER_IMPORT_CANCEL",
            "delete",
            "/api/v1/users/{userId}/imports/import-resumable",
        ),
    ],
);

/// The operations at `routes` (role, method, path), with their roles, if the model has them all.
fn operations_at<'m>(
    model: &'m Model,
    routes: &[(&'static str, &str, &str)],
) -> Option<Vec<(&'static str, &'m crate::model::Operation)>> {
    routes
        .iter()
        .map(|(role, method, path)| {
            let at = |o: &&crate::model::Operation| o.method == *method && o.path == *path;
            model.operations.iter().find(at).map(|o| (*role, o))
        })
        .collect()
}

/// The groups of the operations the upload runtime calls, in order.
fn upload_groups(operations: &[(&str, &crate::model::Operation)]) -> Vec<usize> {
    let mut groups: Vec<usize> = operations.iter().map(|(_, o)| o.group).collect();
    groups.sort_unstable();
    groups.dedup();
    groups
}

/// `operation_info::uploads`: the operations the upload runtime calls, by role.
fn upload_roles(model: &Model) -> TokenStream {
    let Some(operations) = operations_at(model, UPLOAD_FAMILIES.2) else {
        return TokenStream::new();
    };
    let cfg = cfg_all_groups(model, &upload_groups(&operations));
    let uses = operations.iter().map(|(role, op)| {
        let (role, info) = (
            Ident::new(role, Span::call_site()),
            operations::info_ident(op),
        );
        quote!(pub(crate) use super::#info as #role;)
    });
    quote! {
        /// The operations the resumable uploads call, by role.
        #cfg
        pub(crate) mod uploads {
            #(#uses)*
        }
    }
}

/// Examples shipped with the crate (compiled by `cargo build --examples` and CI's clippy),
/// with the methods each calls: an example is written only for a document that has them all,
/// and an OAuth 2.0 password flow.
const EXAMPLES: &[(&str, &str, &[&str])] = &[
    (
        "examples/login.rs",
        include_str!("../../examples/login.rs"),
        &["list_videos"],
    ),
    (
        "examples/resume.rs",
        include_str!("../../examples/resume.rs"),
        &["get_my_user"],
    ),
    (
        "examples/upload.rs",
        include_str!("../../examples/upload.rs"),
        &["upload_video"],
    ),
    // Shared by the examples below (not an example itself: cargo reads only `examples/*.rs`
    // and `examples/*/main.rs`).
    (
        "examples/common/mod.rs",
        include_str!("../../examples/common/mod.rs"),
        &[],
    ),
    (
        "examples/search.rs",
        include_str!("../../examples/search.rs"),
        &["search_videos", "list_channel_videos"],
    ),
    (
        "examples/video.rs",
        include_str!("../../examples/video.rs"),
        &["get_video", "list_video_captions"],
    ),
    (
        "examples/comment.rs",
        include_str!("../../examples/comment.rs"),
        &[
            "create_comment_thread",
            "reply_to_comment",
            "get_comment_thread",
        ],
    ),
    (
        "examples/rate.rs",
        include_str!("../../examples/rate.rs"),
        &["rate_video", "get_my_video_rating"],
    ),
    (
        "examples/subscribe.rs",
        include_str!("../../examples/subscribe.rs"),
        &[
            "subscribe",
            "unsubscribe",
            "list_my_subscriptions",
            "list_my_subscription_videos",
        ],
    ),
    (
        "examples/playlist.rs",
        include_str!("../../examples/playlist.rs"),
        &[
            "create_playlist",
            "add_playlist_video",
            "list_playlist_videos",
        ],
    ),
    (
        "examples/admin.rs",
        include_str!("../../examples/admin.rs"),
        &["block_video", "list_abuses", "list_users", "list_jobs"],
    ),
];

/// The dependencies of a generated crate, with the features it uses.
const DEPENDENCIES: &[(&str, &str)] = &[
    ("bytes", r#""1.10""#),
    (
        "chrono",
        r#"{ version = "0.4.42", default-features = false, features = ["std", "serde"] }"#,
    ),
    ("futures-core", r#""0.3.31""#),
    ("http", r#""1.3""#),
    (
        "futures-util",
        r#"{ version = "0.3.31", default-features = false, features = ["std"] }"#,
    ),
    ("mime_guess", r#""2.0.5""#),
    (
        "reqwest",
        r#"{ version = "0.13.1", default-features = false, features = ["rustls-no-provider", "multipart", "stream"] }"#,
    ),
    (
        "rustls",
        r#"{ version = "0.23.35", default-features = false, features = ["ring", "std", "tls12"] }"#,
    ),
    ("serde", r#"{ version = "1.0.228", features = ["derive"] }"#),
    (
        "serde_json",
        r#"{ version = "1.0.145", features = ["preserve_order"] }"#,
    ),
    ("serde_urlencoded", r#""0.7.1""#),
    (
        "tokio",
        r#"{ version = "1.48", features = ["fs", "io-util", "time"] }"#,
    ),
    (
        "tokio-util",
        r#"{ version = "0.7.17", default-features = false, features = ["io"] }"#,
    ),
    ("uuid", r#"{ version = "1.18", features = ["serde"] }"#),
];

/// What the generated crate's own tests and examples use (`indicatif`: the upload example's
/// progress bar).
const DEV_DEPENDENCIES: &[(&str, &str)] = &[
    (
        "indicatif",
        r#"{ version = "0.18.6", default-features = false, features = ["unicode-width"] }"#,
    ),
    (
        "tokio",
        r#"{ version = "1.48", features = ["macros", "rt-multi-thread", "test-util"] }"#,
    ),
];

/// A file of the generated crate. Each is emitted on its own ([`emit_file`]), on any thread:
/// tokens cannot move between threads, so a file is emitted where it is formatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Manifest,
    Readme,
    Lib,
    /// The `types` module: every type, or (with groups) the module that gathers them.
    Types,
    /// With groups: the types several groups use (`types/shared.rs`).
    SharedTypes,
    /// With groups: the types only this group uses (`types/<group>.rs`).
    GroupTypes(usize),
    /// The `operations` module: every method, or (with groups) the module that gathers them.
    Operations,
    /// With groups: the group's methods, request builders and outcomes.
    GroupOperations(usize),
    OperationInfo,
    ErrorCodes,
    DocumentExamples,
    /// One of [`EXAMPLES`].
    Example(usize),
    /// One of [`RUNTIME`].
    Runtime(usize),
    /// [`UPLOAD_FAMILIES`].
    UploadFamilies,
}

/// The files the model's crate has, in the order they are written.
pub fn files(model: &Model) -> Vec<FileKind> {
    let mut files = vec![
        FileKind::Manifest,
        FileKind::Readme,
        FileKind::Lib,
        FileKind::Types,
        FileKind::Operations,
        FileKind::OperationInfo,
        FileKind::ErrorCodes,
    ];
    if model.has_features() {
        files.push(FileKind::SharedTypes);
        files.extend(
            (0..model.groups.len())
                .filter(|group| types::has_group_types(model, *group))
                .map(FileKind::GroupTypes),
        );
        files.extend((0..model.groups.len()).map(FileKind::GroupOperations));
    }
    if !model.examples.is_empty() {
        files.push(FileKind::DocumentExamples);
    }
    if model.oauth.is_some() {
        files.extend(
            EXAMPLES
                .iter()
                .enumerate()
                .filter(|(_, (_, _, needs))| has_methods(model, needs))
                .map(|(i, _)| FileKind::Example(i)),
        );
    }
    files.extend((0..RUNTIME.len()).map(FileKind::Runtime));
    if operations_at(model, UPLOAD_FAMILIES.2).is_some() {
        files.push(FileKind::UploadFamilies);
    }
    files
}

/// The feature that turns every group on (the default).
const FULL: &str = "full";

/// The file name of a group's modules (`videos`, for `src/types/videos.rs`).
fn group_file(model: &Model, group: usize) -> String {
    model
        .groups
        .get(group)
        .map(|g| g.module.as_str().trim_start_matches("r#").to_owned())
        .unwrap_or_default()
}

/// The Cargo features of the given groups.
fn group_features<'m>(model: &'m Model, groups: &'m [usize]) -> impl Iterator<Item = &'m str> {
    groups
        .iter()
        .filter_map(|g| model.groups.get(*g))
        .map(|g| g.feature.as_str())
}

/// `#[cfg(feature = "videos")]`, or `#[cfg(any(...))]` for several groups; nothing when the
/// crate has no features or the item is always compiled.
pub fn cfg_groups(model: &Model, groups: &[usize]) -> Option<TokenStream> {
    if !model.has_features() {
        return None;
    }
    let features: Vec<&str> = group_features(model, groups).collect();
    match features.as_slice() {
        [feature] => Some(quote!(#[cfg(feature = #feature)])),
        _ => Some(quote!(#[cfg(any(#(feature = #features),*))])),
    }
}

/// The groups of the named methods, in order: an operation's group, or for a method of the
/// upload runtime, the groups of the operations it calls.
fn groups_of(model: &Model, methods: &[&str]) -> Vec<usize> {
    let uploads = operations_at(model, UPLOAD_FAMILIES.2).unwrap_or_default();
    let mut groups: Vec<usize> = methods
        .iter()
        .flat_map(
            |name| match model.operations.iter().find(|o| o.name.as_str() == *name) {
                Some(operation) => vec![operation.group],
                None => upload_groups(&uploads),
            },
        )
        .collect();
    groups.sort_unstable();
    groups.dedup();
    groups
}

/// `#[cfg(all(...))]` of the given groups: what needs them all.
fn cfg_all_groups(model: &Model, groups: &[usize]) -> Option<TokenStream> {
    if !model.has_features() {
        return None;
    }
    let features = group_features(model, groups);
    Some(quote!(#[cfg(all(#(feature = #features),*))]))
}

/// The features of the groups of the named methods, for an example's `required-features`.
fn features_of(model: &Model, methods: &[&str]) -> Vec<String> {
    group_features(model, &groups_of(model, methods))
        .map(str::to_owned)
        .collect()
}

/// Whether the crate has a method of each name: an operation's, or one the upload runtime
/// defines (written when the document has its routes).
fn has_methods(model: &Model, names: &[&str]) -> bool {
    let uploads = operations_at(model, UPLOAD_FAMILIES.2).is_some();
    names.iter().all(|name| {
        model.operations.iter().any(|o| o.name.as_str() == *name)
            || (uploads && UPLOAD_METHODS.contains(name))
    })
}

/// The contract sweep of the `tests` crate, at its path from the repository's root.
pub fn contract_sweep_file(model: &Model) -> EmittedFile {
    EmittedFile {
        path: CONTRACT_SWEEP_PATH.to_owned(),
        content: Content::Rust(contract::contract_sweep(model)),
    }
}

/// Where the contract sweep goes, from the repository's root.
pub const CONTRACT_SWEEP_PATH: &str = "tests/tests/contract/cases.rs";

pub fn emit_file(model: &Model, package: Package<'_>, file: FileKind) -> EmittedFile {
    let (path, content) = match file {
        FileKind::Manifest => ("Cargo.toml", Content::Text(cargo_toml(model, package))),
        FileKind::Readme => ("README.md", Content::Text(readme(model, package))),
        FileKind::Lib => ("src/lib.rs", Content::Rust(lib_rs(model))),
        FileKind::Types if model.has_features() => (
            "src/types/mod.rs",
            Content::Rust(types::types_module(model)),
        ),
        FileKind::Types => ("src/types.rs", Content::Rust(types::types_module(model))),
        FileKind::SharedTypes => (
            "src/types/shared.rs",
            Content::Rust(types::shared_types_module(model)),
        ),
        FileKind::GroupTypes(group) => {
            return EmittedFile {
                path: format!("src/types/{}.rs", group_file(model, group)),
                content: Content::Rust(types::group_types_module(model, group)),
            };
        }
        FileKind::Operations if model.has_features() => (
            "src/operations/mod.rs",
            Content::Rust(operations::operations_module(model)),
        ),
        FileKind::Operations => (
            "src/operations.rs",
            Content::Rust(operations::operations_module(model)),
        ),
        FileKind::GroupOperations(group) => {
            return EmittedFile {
                path: format!("src/operations/{}.rs", group_file(model, group)),
                content: Content::Rust(operations::group_operations_module(model, group)),
            };
        }
        FileKind::OperationInfo => (
            "src/operation_info.rs",
            Content::Rust({
                let mut module = operations::operation_info_module(model);
                module.extend(upload_roles(model));
                module
            }),
        ),
        FileKind::ErrorCodes => (
            "src/error_code.rs",
            Content::Rust(types::error_code_module(model)),
        ),
        FileKind::DocumentExamples => (
            "src/document_examples.rs",
            Content::Rust(types::examples_module(model)),
        ),
        FileKind::Example(i) => match EXAMPLES.get(i) {
            Some((path, source, _)) => (*path, Content::RustSource(source)),
            None => ("", Content::Text(String::new())),
        },
        FileKind::Runtime(i) => match RUNTIME.get(i) {
            Some((path, source)) => (*path, Content::RustSource(source)),
            None => ("", Content::Text(String::new())),
        },
        FileKind::UploadFamilies => (UPLOAD_FAMILIES.0, Content::RustSource(UPLOAD_FAMILIES.1)),
    };
    EmittedFile {
        path: path.to_owned(),
        content,
    }
}

/// An identifier, raw (`r#type`) where the name is a keyword.
pub fn ident(name: &RustName) -> Ident {
    if name.is_raw() {
        Ident::new_raw(name.as_str(), Span::call_site())
    } else {
        Ident::new(name.as_str(), Span::call_site())
    }
}

/// An unsuffixed integer literal.
pub fn literal(value: i64) -> Literal {
    Literal::i64_unsuffixed(value)
}

/// `#[doc]` attributes for lines of Markdown.
pub fn doc_attrs(lines: &[String]) -> TokenStream {
    let attrs = lines.iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#attrs)*)
}

/// The guide on the crate's front page, in Rust, for PeerTube's document: written only when
/// the document has the methods its examples call (doctests compile them).
const GUIDE: (&str, &[&str]) = (
    include_str!("guide.md"),
    &[
        "list_videos",
        "get_my_user",
        "search_videos",
        "create_playlist",
        "list_channel_videos",
        "get_video",
        "get_custom_config",
        "update_custom_config",
    ],
);

/// The crate's front page, before the document's own description: where the client's
/// behaviour is documented (with the runtime's `Client`).
const USING_THE_CLIENT: &str = "
[`Client::new`] makes a client of one server. [`Client::login`] logs in; later requests \
carry the access token, refreshed when it expires. [`Client::session`] gives the session to \
save and [`Client::restore_session`] resumes it in another process (see the example there).

How the client deals with slow, broken or hostile servers is described with [`Client`]: its \
[timeouts](Client#timeouts) (none waits forever, none cuts a download that makes progress), \
its [redirect policy](Client#redirects) (credentials never reach another origin) and its \
[size limits](Client#limits). Every failure is an [`Error`] that says what was expected and \
what came, and no error or `Debug` output shows a secret.";

fn lib_rs(model: &Model) -> TokenStream {
    let api = &model.api;
    let mut lines = vec![format!(
        "A typed client for the {} API {}.",
        api.title, api.version
    )];
    lines.extend(USING_THE_CLIENT.lines().map(str::to_owned));
    let guide = has_methods(model, GUIDE.1);
    if guide {
        lines.push(String::new());
        lines.extend(GUIDE.0.trim_end().lines().map(str::to_owned));
    }
    if let Some(description) = &api.description {
        lines.push(String::new());
        let description = docs::markdown(description);
        if guide {
            // Below the guide's sections, as one section of its own.
            lines.push(format!("# The {} API", api.title));
            lines.push(String::new());
            lines.extend(docs::demote_headings(description));
        } else {
            lines.extend(description);
        }
    }
    lines.push(String::new());
    lines.push(format!(
        "Generated from the {} API document {} (OpenAPI {}) by `cargo xtask codegen`; the document's content has SHA-256 `{}`.",
        api.title, api.version, api.openapi_version, api.content_sha256
    ));
    let crate_docs = lines.iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#![doc = #line])
    });
    let title = &api.title;
    let version = &api.version;
    let digest = &api.content_sha256;
    // The examples' types are those of every group.
    let examples_cfg = match model.has_features() {
        true => quote!(#[cfg(all(test, feature = #FULL))]),
        false => quote!(#[cfg(test)]),
    };
    let examples = (!model.examples.is_empty()).then(|| {
        quote! {
            #examples_cfg
            #[rustfmt::skip]
            mod document_examples;
        }
    });
    let upload_operations = operations_at(model, UPLOAD_FAMILIES.2);
    let upload_families = upload_operations.map(|operations| {
        let cfg = cfg_all_groups(model, &upload_groups(&operations));
        quote! {
            #cfg
            #[path = "runtime/upload/families.rs"]
            mod upload_families;
        }
    });
    // With some groups off, parts of the runtime serve no method.
    let partial = model
        .has_features()
        .then(|| quote!(#![cfg_attr(not(feature = #FULL), allow(dead_code, unused_imports))]));
    // rustfmt checks this file (it is the crate root), so it stays short and in rustfmt's
    // order; the generated modules are marked `#[rustfmt::skip]`: prettyplease formats them.
    quote! {
        #(#crate_docs)*
        #partial

        #examples
        #[rustfmt::skip]
        mod error_code;
        #[rustfmt::skip]
        mod operation_info;
        #[rustfmt::skip]
        pub mod operations;
        mod runtime;
        #[rustfmt::skip]
        pub mod types;
        #upload_families

        pub use error_code::ErrorCode;
        pub use futures_util::StreamExt;
        pub use runtime::client::{Client, ClientBuilder};
        pub use runtime::download::Download;
        pub use runtime::error::{ApiError, DecodeError, Error, OperationInfo, Problem};
        pub use runtime::file::FilePart;
        pub use runtime::json::{JsonError, from_slice};
        pub use runtime::pagination::ItemStream;
        pub use runtime::pending::Pending;
        pub use runtime::secret::Secret;
        pub use runtime::session::{OAuthClient, SavedSession, Tokens};
        pub use runtime::upload::{RetryPolicy, Upload, UploadError, UploadErrorKind};
        pub use runtime::upload::{UploadEvent, UploadKind, UploadResponse};
        pub use runtime::upload::{UploadSession, UploadSource};

        // The crates whose types this crate's API shows (dates, UUIDs, JSON values, bytes,
        // streams, URLs), so that code using it names them without a dependency of its own,
        // at the same versions (`StreamExt`, above, is for `.next()` on a stream).
        pub use {bytes, chrono, futures_core, futures_util, reqwest, serde_json, uuid};

        /// The title of the API document this crate was generated from.
        pub const API_TITLE: &str = #title;

        /// The version of the API document this crate was generated from.
        pub const API_VERSION: &str = #version;

        /// SHA-256 of the document's content (canonical JSON) this crate was generated from.
        pub const API_SHA256: &str = #digest;
    }
}

fn cargo_toml(model: &Model, package: Package<'_>) -> String {
    let mut out = String::new();
    out.push_str("# @generated by `cargo xtask codegen`. Do not edit by hand.\n");
    out.push_str("[package]\n");
    out.push_str(&format!("name = {}\n", toml_string(package.name)));
    out.push_str(&format!("version = {}\n", toml_string(package.version)));
    out.push_str(&format!(
        "description = {}\n",
        toml_string(&format!(
            "A typed client for the {} API {}",
            model.api.title, model.api.version
        ))
    ));
    out.push_str("edition = \"2024\"\nrust-version = \"1.88\"\nlicense = \"MIT OR Apache-2.0\"\npublish = false\n");
    out.push_str("\n[lib]\n# Doc comments come from the API document: its examples are not Rust tests.\ndoctest = false\n");
    if model.has_features() {
        out.push_str("\n[features]\n");
        out.push_str("# One feature per group of operations (a module of `Client` methods and the types\n# only they use); `full`, the default, turns them all on.\n");
        let features: Vec<String> = model
            .groups
            .iter()
            .map(|g| toml_string(&g.feature))
            .collect();
        out.push_str(&format!("default = [{}]\n", toml_string(FULL)));
        out.push_str(&format!("{FULL} = [{}]\n", features.join(", ")));
        for group in &model.groups {
            out.push_str(&format!("{} = []\n", group.feature));
        }
        if model.oauth.is_some() {
            for (path, _, needs) in EXAMPLES
                .iter()
                .filter(|(_, _, needs)| has_methods(model, needs))
            {
                let name = path.trim_start_matches("examples/").trim_end_matches(".rs");
                if name.contains('/') {
                    // A module the examples share, not an example.
                    continue;
                }
                let features: Vec<String> = features_of(model, needs)
                    .iter()
                    .map(|f| toml_string(f))
                    .collect();
                out.push_str(&format!(
                    "\n[[example]]\nname = {}\nrequired-features = [{}]\n",
                    toml_string(name),
                    features.join(", ")
                ));
            }
        }
    }
    out.push_str("\n[dependencies]\n");
    for (name, spec) in DEPENDENCIES {
        out.push_str(&format!("{name} = {spec}\n"));
    }
    out.push_str("\n[dev-dependencies]\n");
    for (name, spec) in DEV_DEPENDENCIES {
        out.push_str(&format!("{name} = {spec}\n"));
    }
    out
}

fn readme(model: &Model, package: Package<'_>) -> String {
    let api = &model.api;
    let lib = package.name.replace('-', "_");
    let mut out = format!(
        "<!-- @generated by `cargo xtask codegen`. Do not edit by hand. -->\n\
         # {name}\n\n\
         A typed Rust client for the {title} API {version}, generated from its OpenAPI {openapi} document\n\
         (content SHA-256 `{digest}`): {operations} operations as methods of `{lib}::Client`, and\n\
         {types} types in `{lib}::types`.\n\n",
        name = package.name,
        title = api.title,
        version = api.version,
        openapi = api.openapi_version,
        digest = api.content_sha256,
        operations = model.operations.len(),
        types = model.types.len(),
    );
    if model.oauth.is_some() {
        out.push_str(&format!(
            "```rust\n\
             let client = {lib}::Client::new(\"https://peertube.example.com\")?;\n\
             client.login(\"alice\", \"password\").await?;\n\
             let latest = client.list_videos().count(10).await?;\n\
             ```\n\n\
             The examples (`cargo run --example login`, `--example resume`) show the whole quick start.\n\n"
        ));
    }
    out.push_str("This crate is written by `cargo xtask codegen`; change the generator or the document, not these files.\n");
    out
}

fn toml_string(value: &str) -> String {
    serde_json::Value::String(value.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_upload_methods_are_those_the_upload_code_defines() {
        let defined: Vec<&str> = UPLOAD_FAMILIES
            .1
            .split("pub fn ")
            .skip(1)
            .filter_map(|rest| rest.split(['(', '<']).next())
            .collect();
        assert_eq!(defined, UPLOAD_METHODS);
    }
}

//! Tests against the real PeerTube document: `PEERTUBE_SPEC`, or the default place a
//! maintainer fills (`spec/upstream/openapi.yaml` or `.json`). `cargo xtask test --spec PATH`
//! sets `PEERTUBE_SPEC`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use codegen::{Config, Generated, OutputFile};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn spec_path() -> PathBuf {
    if let Some(path) = std::env::var_os("PEERTUBE_SPEC") {
        return PathBuf::from(path);
    }
    ["spec/upstream/openapi.yaml", "spec/upstream/openapi.json"]
        .iter()
        .map(|p| root().join(p))
        .find(|p| p.is_file())
        .expect(
            "these tests need the PeerTube document: set PEERTUBE_SPEC=path/to/openapi.json \
             (or run `cargo xtask test --spec PATH`), or put it in spec/upstream/",
        )
}

/// The configuration `cargo xtask codegen` uses: the names pinned in `spec/names.yaml`, the
/// corrections of `spec/overlay.yaml`, the evidence of `spec/always-sent.yaml` and the groups
/// of `spec/groups.yaml`.
fn config() -> Config {
    let names = std::fs::read(root().join("spec/names.yaml")).expect("spec/names.yaml");
    let groups = std::fs::read(root().join("spec/groups.yaml")).expect("spec/groups.yaml");
    let overlay = std::fs::read(root().join("spec/overlay.yaml")).expect("spec/overlay.yaml");
    let always_sent =
        std::fs::read(root().join("spec/always-sent.yaml")).expect("spec/always-sent.yaml");
    Config {
        operation_names: codegen::read_names(&names, "spec/names.yaml").unwrap(),
        overlay: Some(codegen::overlay::parse(&overlay, "spec/overlay.yaml").unwrap()),
        always_sent: codegen::read_always_sent(&always_sent, "spec/always-sent.yaml").unwrap(),
        groups: codegen::read_groups(&groups, "spec/groups.yaml").unwrap(),
        ..Config::default()
    }
}

fn generate(bytes: &[u8], origin: &str) -> Generated {
    codegen::generate(bytes, origin, &config()).unwrap_or_else(|failure| panic!("{failure}"))
}

/// The real document, generated once for all tests of this file.
fn real() -> &'static Generated {
    static GENERATED: OnceLock<Generated> = OnceLock::new();
    GENERATED.get_or_init(|| {
        let path = spec_path();
        let bytes =
            std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        generate(&bytes, &path.display().to_string())
    })
}

fn file<'a>(generated: &'a Generated, path: &str) -> &'a OutputFile {
    generated
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}"))
}

#[test]
fn generated_crate_is_up_to_date() {
    let stale = codegen::write::check(&root().join("generated"), &real().files).unwrap();
    let stale: Vec<String> = stale.iter().map(ToString::to_string).collect();
    assert!(
        stale.is_empty(),
        "generated/ is stale; run `cargo xtask codegen --spec <document>`:\n{}",
        stale.join("\n")
    );
}

#[test]
fn json_and_yaml_forms_give_the_same_crate() {
    let path = spec_path();
    let text = std::fs::read_to_string(&path).unwrap();
    let value = codegen::load::load(text.as_bytes(), "x").unwrap().value;
    let as_json = serde_json::to_string_pretty(&value).unwrap();
    let as_yaml = to_yaml(&value);
    let from_json = generate(as_json.as_bytes(), "document.json");
    let from_yaml = generate(as_yaml.as_bytes(), "document.yaml");
    assert_eq!(from_json.format, codegen::load::Format::Json);
    assert_eq!(from_yaml.format, codegen::load::Format::Yaml);
    assert!(
        from_json.files == real().files,
        "the JSON rendering generates a different crate"
    );
    assert!(
        from_yaml.files == real().files,
        "the YAML rendering generates a different crate"
    );
}

/// `value` written as block-style YAML, with multi-line strings as literal blocks.
fn to_yaml(value: &serde_json::Value) -> String {
    use saphyr::{Scalar, Yaml};
    use std::borrow::Cow;
    fn node(value: &serde_json::Value) -> Yaml<'_> {
        match value {
            serde_json::Value::Null => Yaml::Value(Scalar::Null),
            serde_json::Value::Bool(b) => Yaml::Value(Scalar::Boolean(*b)),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Yaml::Value(Scalar::Integer(i)),
                None => Yaml::Value(Scalar::FloatingPoint(n.as_f64().unwrap().into())),
            },
            serde_json::Value::String(s) => Yaml::Value(Scalar::String(Cow::Borrowed(s))),
            serde_json::Value::Array(items) => Yaml::Sequence(items.iter().map(node).collect()),
            serde_json::Value::Object(map) => Yaml::Mapping(
                map.iter()
                    .map(|(k, v)| (Yaml::Value(Scalar::String(Cow::Borrowed(k))), node(v)))
                    .collect(),
            ),
        }
    }
    let mut out = String::new();
    let mut emitter = saphyr::YamlEmitter::new(&mut out);
    emitter.multiline(true);
    emitter.dump(&node(value)).unwrap();
    out
}

#[test]
fn generation_is_deterministic() {
    let path = spec_path();
    let bytes = std::fs::read(&path).unwrap();
    let again = generate(&bytes, &path.display().to_string());
    assert!(again.files == real().files, "two runs gave different files");
}

/// The items of every file of a module split by group (`src/types/*.rs`), in one file.
fn module_files(directory: &str) -> syn::File {
    let mut items = Vec::new();
    for output in real()
        .files
        .iter()
        .filter(|f| f.path.starts_with(directory))
    {
        let parsed = syn::parse_file(&output.contents)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", output.path));
        items.extend(parsed.items);
    }
    assert!(!items.is_empty(), "no items under {directory}");
    syn::File {
        shebang: None,
        frontmatter: None,
        attrs: Vec::new(),
        items,
    }
}

fn types_module() -> syn::File {
    module_files("src/types/")
}

fn item_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        _ => None,
    }
}

#[test]
fn every_component_schema_is_a_type() {
    let path = spec_path();
    let value = codegen::load::load(&std::fs::read(&path).unwrap(), "x")
        .unwrap()
        .value;
    let schemas = value["components"]["schemas"]
        .as_object()
        .expect("component schemas");
    let declared: Vec<String> = types_module().items.iter().filter_map(item_name).collect();
    let missing: Vec<String> = schemas
        .keys()
        .map(|name| codegen::naming::type_name(name))
        .filter(|name| !declared.contains(name))
        .collect();
    assert!(
        missing.is_empty(),
        "component schemas without a type: {missing:?}"
    );
    assert_eq!(
        schemas.len(),
        180,
        "PeerTube 8.1.0 has 180 component schemas"
    );
    assert!(declared.contains(&"OAuthTokenPassword".to_owned()));
    assert!(declared.contains(&"VideoDetails".to_owned()));
}

/// The items (with their impls) that make up the named types, formatted.
fn items_named(names: &[&str]) -> String {
    let items: Vec<syn::Item> = types_module()
        .items
        .into_iter()
        .filter(|item| {
            let name = match item {
                syn::Item::Impl(i) => match &*i.self_ty {
                    syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                    _ => None,
                },
                other => item_name(other),
            };
            name.is_some_and(|n| names.contains(&n.as_str()))
        })
        .collect();
    let found: std::collections::BTreeSet<String> = items.iter().filter_map(item_name).collect();
    for name in names {
        assert!(found.contains(*name), "no type {name}");
    }
    prettyplease::unparse(&syn::File {
        shebang: None,
        frontmatter: None,
        attrs: Vec::new(),
        items,
    })
}

#[test]
fn oauth_token_types() {
    insta::assert_snapshot!(items_named(&[
        "OAuthClient",
        "OAuthTokenPassword",
        "OAuthTokenRefreshToken",
        "GetOAuthTokenBody",
        "GetOAuthTokenResponse",
    ]));
}

#[test]
fn key_video_types() {
    insta::assert_snapshot!(items_named(&[
        "VideoStateConstant",
        "VideoStateConstantId",
        "NSFWFlag",
        "GetUserResponse"
    ]));
}

/// A schema the client reads and sends, split by the evidence: the read type, the sent type,
/// and the conversion from one to the other.
#[test]
fn read_and_sent_notification_settings() {
    insta::assert_snapshot!(items_named(&[
        "UserNotificationSettings",
        "UserNotificationSettingsEdit",
    ]));
}

fn operations_module() -> syn::File {
    module_files("src/operations/")
}

/// The `impl Client` methods of the operations module, by name.
fn client_methods() -> Vec<syn::ImplItemFn> {
    operations_module()
        .items
        .into_iter()
        .filter_map(|item| match item {
            syn::Item::Impl(i)
                if i.trait_.is_none()
                    && matches!(&*i.self_ty, syn::Type::Path(p) if p.path.is_ident("Client")) =>
            {
                Some(i)
            }
            _ => None,
        })
        .flat_map(|i| i.items)
        .filter_map(|item| match item {
            syn::ImplItem::Fn(f) => Some(f),
            _ => None,
        })
        .collect()
}

/// `(method, path, name)` of every `static X: OperationInfo` in the operations module.
fn operation_infos() -> Vec<(String, String, String)> {
    syn::parse_file(&file(real(), "src/operation_info.rs").contents)
        .expect("operation_info.rs parses")
        .items
        .into_iter()
        .filter_map(|item| match item {
            syn::Item::Static(s) if matches!(&*s.ty, syn::Type::Path(p) if p.path.is_ident("OperationInfo")) => Some(s),
            _ => None,
        })
        .map(|s| {
            let syn::Expr::Struct(init) = *s.expr else {
                panic!("OperationInfo is a struct literal")
            };
            let field = |name: &str| {
                init.fields
                    .iter()
                    .find(|f| matches!(&f.member, syn::Member::Named(i) if i == name))
                    .map(|f| match &f.expr {
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        }) => s.value(),
                        _ => panic!("{name} is not a string literal"),
                    })
                    .unwrap_or_else(|| panic!("no {name}"))
            };
            (field("method"), field("path"), field("name"))
        })
        .collect()
}

#[test]
fn every_operation_of_the_document_has_exactly_one_method() {
    let path = spec_path();
    let mut value = codegen::load::load(&std::fs::read(&path).unwrap(), "x")
        .unwrap()
        .value;
    // The document as the generator reads it: with the overlay's corrections.
    codegen::overlay::apply(&mut value, config().overlay.as_ref().unwrap()).unwrap();
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in value["paths"].as_object().unwrap() {
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            if item.get(method).is_some() {
                documented.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    documented.sort();
    assert_eq!(documented.len(), 304, "PeerTube 8.1.0 has 304 operations");

    let infos = operation_infos();
    let mut generated: Vec<(String, String)> = infos
        .iter()
        .map(|(m, p, _)| (m.clone(), p.clone()))
        .collect();
    generated.sort();
    assert_eq!(generated, documented, "one operation info per operation");

    let methods: Vec<String> = client_methods()
        .iter()
        .map(|f| f.sig.ident.to_string())
        .collect();
    let unique: std::collections::BTreeSet<&String> = methods.iter().collect();
    assert_eq!(unique.len(), methods.len(), "method names are unique");
    for (method, path, name) in &infos {
        assert!(
            methods.contains(name),
            "{method} {path} has no method `{name}`"
        );
    }
    // Beside the 304, only the `_stream` variants of paginated lists.
    let extra: Vec<&String> = methods
        .iter()
        .filter(|m| !infos.iter().any(|(_, _, n)| n == *m))
        .collect();
    assert!(
        extra.iter().all(|m| m.ends_with("_stream")),
        "unexpected methods: {extra:?}"
    );
}

/// A method of `Client`, and the request builder and outcome type it returns, formatted.
fn operation_items(method: &str) -> String {
    let module = operations_module();
    let function = client_methods()
        .into_iter()
        .find(|f| f.sig.ident == method)
        .unwrap_or_else(|| panic!("no method {method}"));
    let output = match &function.sig.output {
        syn::ReturnType::Type(_, ty) => quote::ToTokens::to_token_stream(ty).to_string(),
        syn::ReturnType::Default => String::new(),
    };
    let related: Vec<syn::Item> = module
        .items
        .into_iter()
        .filter(|item| {
            let name = match item {
                syn::Item::Struct(s) => s.ident.to_string(),
                syn::Item::Enum(e) => e.ident.to_string(),
                syn::Item::Impl(i) => match &*i.self_ty {
                    syn::Type::Path(p) => p
                        .path
                        .segments
                        .last()
                        .map(|s| s.ident.to_string())
                        .unwrap_or_default(),
                    _ => String::new(),
                },
                _ => return false,
            };
            name != "Client"
                && output
                    .split(|c: char| !c.is_alphanumeric() && c != '_')
                    .any(|word| word == name)
        })
        .collect();
    let mut items = vec![syn::Item::Impl(syn::parse_quote! {
        impl Client {
            #function
        }
    })];
    items.extend(related);
    prettyplease::unparse(&syn::File {
        shebang: None,
        frontmatter: None,
        attrs: Vec::new(),
        items,
    })
}

#[test]
fn operation_video_list() {
    insta::assert_snapshot!(operation_items("list_videos"));
}

#[test]
fn operation_upload() {
    insta::assert_snapshot!(operation_items("upload_video_legacy"));
}

#[test]
fn operation_resumable_upload_chunk() {
    insta::assert_snapshot!(operation_items("upload_video_chunk"));
}

#[test]
fn operation_update_custom_config() {
    insta::assert_snapshot!(operation_items("update_custom_config"));
}

#[test]
fn operation_token() {
    insta::assert_snapshot!(operation_items("get_oauth_token"));
}

/// The names people call: every method pinned in `spec/names.yaml`, by its rules (a verb of
/// the list first, no path fragment, at most 40 characters with a `_stream` suffix, unique),
/// and the types named after the operations follow them.
#[test]
fn method_names_follow_the_naming_rules() {
    let unpinned: Vec<String> = real()
        .warnings
        .warnings()
        .map(ToString::to_string)
        .filter(|w| w.contains("names file"))
        .collect();
    assert!(unpinned.is_empty(), "{unpinned:#?}");

    let infos = operation_infos();
    assert_eq!(infos.len(), 304);
    let problems: Vec<String> = infos
        .iter()
        .flat_map(|(_, _, name)| codegen::naming::method_name_problems(name))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    // The derived methods too (`…_stream` beside a list).
    let long: Vec<String> = client_methods()
        .iter()
        .map(|f| f.sig.ident.to_string())
        .filter(|name| name.len() > 40)
        .collect();
    assert!(
        long.is_empty(),
        "methods of more than 40 characters: {long:?}"
    );
    let mut names: Vec<&String> = infos.iter().map(|(_, _, name)| name).collect();
    names.sort();
    let repeated: Vec<&&String> = names
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| &w[0])
        .collect();
    assert!(repeated.is_empty(), "names given twice: {repeated:?}");

    let mut type_names = Vec::new();
    for directory in ["src/types/", "src/operations/"] {
        type_names.extend(module_files(directory).items.iter().filter_map(item_name));
    }
    let path_like: Vec<&String> = type_names
        .iter()
        .filter(|name| {
            ["Put", "Post", "Del"].iter().any(|verb| {
                name.strip_prefix(verb)
                    .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
            }) || ["ById", "ByName", "UsersMe", "ApiV1"]
                .iter()
                .any(|f| name.contains(f))
        })
        .collect();
    assert!(
        path_like.is_empty(),
        "types named after paths: {path_like:?}"
    );
}

/// rustdoc's search finds a method by its route: each method has the path, and the HTTP
/// method with the path, as `#[doc(alias)]`es.
#[test]
fn methods_are_found_by_their_route() {
    let rate = client_methods()
        .into_iter()
        .find(|f| f.sig.ident == "rate_video")
        .expect("rate_video");
    let aliases: Vec<String> = rate
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| {
            let mut alias = None;
            let _ = a.parse_nested_meta(|meta| {
                if meta.path.is_ident("alias") {
                    alias = Some(meta.value()?.parse::<syn::LitStr>()?.value());
                }
                Ok(())
            });
            alias
        })
        .collect();
    assert_eq!(
        aliases,
        ["/api/v1/videos/{id}/rate", "PUT /api/v1/videos/{id}/rate"]
    );
}

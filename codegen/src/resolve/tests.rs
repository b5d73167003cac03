use serde_json::json;

use super::*;

fn first_error(diagnostics: Diagnostics) -> Diagnostic {
    diagnostics.errors().next().cloned().expect("an error")
}

fn document(schemas: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {"/x": {"get": {"responses": {"200": {"description": "ok"}}}}},
        "components": {"schemas": schemas}
    })
}

fn schema(name: &str) -> Pointer {
    Pointer::root()
        .push("components")
        .push("schemas")
        .push(name)
}

fn object(node: &Node) -> &ObjectNode {
    match &node.kind {
        NodeKind::Object(object) => object,
        other => panic!("expected an object, found {other:?}"),
    }
}

fn property_names(node: &Node) -> Vec<(&str, bool)> {
    object(node)
        .properties
        .iter()
        .map(|p| (p.name.as_str(), p.required))
        .collect()
}

#[test]
fn all_of_merges_properties_and_required_from_every_level() {
    let resolved = resolve(document(json!({
        "Client": {"properties": {"client_id": {"type": "string"}, "client_secret": {"type": "string"}}},
        "Password": {
            "allOf": [
                {"$ref": "#/components/schemas/Client"},
                {"type": "object", "properties": {
                    "grant_type": {"type": "string", "enum": ["password"]},
                    "username": {"type": "string"},
                    "password": {"type": "string"}
                }, "required": ["password"]}
            ],
            "required": ["client_id", "grant_type", "username"]
        }
    })))
    .unwrap();
    let node = resolved.schemas.get(&schema("Password")).unwrap();
    assert_eq!(
        property_names(&node),
        [
            ("client_id", true),
            ("client_secret", false),
            ("grant_type", true),
            ("username", true),
            ("password", true)
        ]
    );
}

#[test]
fn single_ref_all_of_stays_a_reference_and_keeps_nullable() {
    let resolved = resolve(document(json!({
        "Update": {"properties": {"at": {"type": "string"}}},
        "Video": {"properties": {
            "scheduled": {"nullable": true, "description": "When", "allOf": [{"$ref": "#/components/schemas/Update"}]},
            "beside": {"nullable": true, "$ref": "#/components/schemas/Update"}
        }}
    })))
    .unwrap();
    let video = resolved.schemas.get(&schema("Video")).unwrap();
    for property in &object(&video).properties {
        assert!(property.node.nullable, "{} keeps nullable", property.name);
        match &property.node.kind {
            NodeKind::Ref(target) => assert_eq!(target, &schema("Update")),
            other => panic!("{} should stay a reference, found {other:?}", property.name),
        }
    }
    assert_eq!(
        object(&video).properties[0]
            .node
            .docs
            .description
            .as_deref(),
        Some("When")
    );
}

#[test]
fn refs_into_properties_reach_the_property_schema() {
    let resolved = resolve(document(json!({
        "User": {"properties": {"username": {"type": "string", "description": "name"}}},
        "Login": {"properties": {"username": {"$ref": "#/components/schemas/User/properties/username"}}}
    })))
    .unwrap();
    let login = resolved.schemas.get(&schema("Login")).unwrap();
    let target = resolved
        .schemas
        .deref(&object(&login).properties[0].node)
        .unwrap();
    assert_eq!(
        target.pointer,
        schema("User").push("properties").push("username")
    );
    assert!(matches!(target.kind, NodeKind::String { .. }));
    assert_eq!(target.docs.description.as_deref(), Some("name"));
}

#[test]
fn a_later_member_that_refines_a_property_wins() {
    let resolved = resolve(document(json!({
        "Summary": {"properties": {"id": {"type": "integer"}}},
        "Full": {"properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
        "Video": {"properties": {"channel": {"$ref": "#/components/schemas/Summary"}}},
        "Details": {"allOf": [
            {"$ref": "#/components/schemas/Video"},
            {"properties": {"channel": {"$ref": "#/components/schemas/Full"}}}
        ]}
    })))
    .unwrap();
    let details = resolved.schemas.get(&schema("Details")).unwrap();
    match &object(&details).properties[0].node.kind {
        NodeKind::Ref(target) => assert_eq!(target, &schema("Full")),
        other => panic!("expected the refined reference, found {other:?}"),
    }
}

#[test]
fn incompatible_property_types_in_all_of_are_an_error() {
    let resolved = resolve(document(json!({
        "A": {"properties": {"x": {"type": "string"}}},
        "B": {"allOf": [{"$ref": "#/components/schemas/A"}, {"properties": {"x": {"type": "integer"}}}]}
    })))
    .unwrap();
    let error = resolved.schemas.get(&schema("B")).unwrap_err();
    assert!(
        error
            .message
            .contains("property `x` two incompatible types"),
        "{}",
        error.message
    );
    assert_eq!(error.pointer, Some(schema("B")));
}

#[test]
fn all_of_cycles_are_an_error() {
    let resolved = resolve(document(json!({
        "A": {"allOf": [{"$ref": "#/components/schemas/B"}, {"properties": {"a": {"type": "string"}}}]},
        "B": {"allOf": [{"$ref": "#/components/schemas/A"}, {"properties": {"b": {"type": "string"}}}]}
    })))
    .unwrap();
    let error = resolved.schemas.get(&schema("A")).unwrap_err();
    assert!(
        error.message.contains("`allOf` includes itself"),
        "{}",
        error.message
    );
}

#[test]
fn recursion_through_properties_is_fine() {
    let resolved = resolve(document(json!({
        "Tree": {"properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}}}}
    })))
    .unwrap();
    assert!(resolved.schemas.get(&schema("Tree")).is_ok());
}

#[test]
fn dangling_and_external_refs_name_their_place() {
    let resolved = resolve(document(json!({
        "A": {"properties": {"x": {"$ref": "#/components/schemas/Nope"}, "y": {"$ref": "other.yaml#/Z"}}}
    })))
    .unwrap();
    let error = resolved.schemas.get(&schema("A")).unwrap_err();
    assert!(
        error.message.contains("points to nothing"),
        "{}",
        error.message
    );
    assert_eq!(
        error.pointer,
        Some(schema("A").push("properties").push("x"))
    );
}

#[test]
fn versions_other_than_3_0_are_refused() {
    let cases = [
        (json!({"swagger": "2.0"}), "Swagger 2.0"),
        (
            json!({"openapi": "3.1.0"}),
            "OpenAPI 3.1.0 is not supported",
        ),
        (json!({"info": {}}), "no `openapi` field"),
        (json!([1]), "not a JSON/YAML object"),
    ];
    for (doc, expected) in cases {
        let error = first_error(resolve(doc).expect_err("refused"));
        assert!(
            error.message.contains(expected),
            "{} should contain {expected}",
            error.message
        );
    }
}

#[test]
fn a_document_without_paths_is_refused() {
    let error = first_error(
        resolve(json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {}}))
            .expect_err("refused"),
    );
    assert_eq!(error.pointer, Some(Pointer::root().push("paths")));
}

#[test]
fn structural_errors_point_into_the_document() {
    let error = resolve(json!({
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {"/x": {"get": {"responses": {"200": {"description": 5}}}}}
    }))
    .expect_err("refused");
    let error = first_error(error);
    assert!(
        error.message.contains("invalid response"),
        "{}",
        error.message
    );
    assert!(
        error
            .pointer
            .as_ref()
            .is_some_and(|p| p.as_str().starts_with("#/paths")),
        "{:?}",
        error.pointer
    );
}

fn with_paths(paths: Value, components: Value) -> Resolved {
    resolve(json!({
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": paths,
        "components": components
    }))
    .unwrap()
}

fn only_operation(resolved: &Resolved) -> &Operation {
    let [item] = resolved.paths.as_slice() else {
        panic!("one path expected")
    };
    match item.operations.as_deref() {
        Ok([operation]) => operation,
        other => panic!("one operation expected, found {other:?}"),
    }
}

#[test]
fn operations_follow_their_refs_to_components() {
    let resolved = with_paths(
        json!({"/videos/{id}": {
            "parameters": [{"$ref": "#/components/parameters/id"}],
            "post": {
                "parameters": [{"$ref": "#/components/parameters/gone"}],
                "requestBody": {"$ref": "#/components/requestBodies/Upload"},
                "responses": {"200": {"$ref": "#/components/responses/Ok"}}
            }
        }}),
        json!({
            "parameters": {"id": {"name": "id", "in": "path", "required": true, "description": "The id", "schema": {"type": "integer"}}},
            "requestBodies": {"Upload": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}}}}},
            "responses": {"Ok": {"description": "done", "x-summary": "Done", "content": {"application/json": {"schema": {"type": "string"}}}}}
        }),
    );
    let operation = only_operation(&resolved);
    assert_eq!(operation.pointer.as_str(), "#/paths/~1videos~1{id}/post");
    let [Ok(id), Err(gone)] = operation.parameters.as_slice() else {
        panic!("{:?}", operation.parameters)
    };
    assert_eq!(id.used_at.as_str(), "#/paths/~1videos~1{id}/parameters/0");
    assert_eq!(id.declared_at.as_str(), "#/components/parameters/id");
    assert_eq!(id.location, ParameterLocation::Path);
    let SchemaOrContent::Schema(Ok(schema)) = &id.value else {
        panic!("{:?}", id.value)
    };
    assert_eq!(schema.pointer.as_str(), "#/components/parameters/id/schema");
    assert_eq!(
        gone.message,
        "parameter `$ref` `#/components/parameters/gone` does not name a component parameter"
    );
    assert_eq!(
        gone.pointer.as_ref().map(Pointer::as_str),
        Some("#/paths/~1videos~1{id}/post/parameters/0")
    );
    assert_eq!(
        resolved
            .declared_parameters
            .get(&id.declared_at)
            .and_then(|p| p.description.as_deref()),
        Some("The id")
    );

    let Some(Ok(body)) = &operation.request_body else {
        panic!("{:?}", operation.request_body)
    };
    assert!(body.required);
    let Some(Ok(body_schema)) = &body.content[0].schema else {
        panic!("{:?}", body.content)
    };
    assert_eq!(
        body_schema.pointer.as_str(),
        "#/components/requestBodies/Upload/content/application~1json/schema"
    );
    let [Ok(response)] = operation.responses.as_slice() else {
        panic!("{:?}", operation.responses)
    };
    assert_eq!(response.pointer.as_str(), "#/components/responses/Ok");
    assert_eq!(
        (response.status.as_str(), response.summary.as_deref()),
        ("200", Some("Done"))
    );
    assert!(operation.template_problems.is_empty());
    assert_eq!(
        operation.template,
        [
            vec![TemplatePart::Literal("videos".into())],
            vec![TemplatePart::Parameter("id".into())]
        ]
    );
}

#[test]
fn path_templates_name_declared_path_parameters_only() {
    let resolved = with_paths(
        json!({"/a/{id}/b{format}": {"get": {
            "parameters": [
                {"name": "format", "in": "query", "schema": {"type": "string"}},
                {"name": "other", "in": "path", "required": true, "schema": {"type": "string"}}
            ],
            "responses": {"200": {"description": "ok"}}
        }}}),
        json!({}),
    );
    let operation = only_operation(&resolved);
    let problems: Vec<String> = operation
        .template_problems
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        problems,
        [
            "error: path parameter `{id}` is not declared\n  at #/paths/~1a~1{id}~1b{format}/get/parameters\n  help: declare a parameter with `name: id` and `in: path`",
            "error: path parameter `{format}` is not declared\n  at #/paths/~1a~1{id}~1b{format}/get/parameters\n  help: declare a parameter with `name: format` and `in: path`",
            "error: path parameter `other` is not in the path `/a/{id}/b{format}`\n  at #/paths/~1a~1{id}~1b{format}/get/parameters/1",
        ]
    );
}

#[test]
fn every_schema_a_schema_refers_to_is_resolved_and_broken_ones_keep_their_error() {
    let resolved = with_paths(
        json!({"/a": {"get": {"responses": {"200": {"description": "ok", "content": {
            "application/json": {"schema": {"properties": {
                "shared": {"$ref": "#/components/parameters/p/schema"},
                "broken": {"$ref": "#/components/schemas/Broken"}
            }}}
        }}}}}}),
        json!({
            "parameters": {"p": {"name": "p", "in": "query", "schema": {"type": "string", "enum": ["a"]}}},
            "schemas": {"Broken": {"properties": {"x": {"$ref": "#/nowhere"}}}}
        }),
    );
    let shared = Pointer::root()
        .push("components")
        .push("parameters")
        .push("p")
        .push("schema");
    assert!(matches!(
        resolved.schemas.get(&shared).map(|n| n.kind.clone()),
        Ok(NodeKind::String { .. })
    ));
    let broken = resolved.schemas.get(&schema("Broken")).unwrap_err();
    assert!(broken.message.contains("points to nothing"), "{broken}");
}

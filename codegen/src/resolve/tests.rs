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
    let node = resolved.node(&schema("Password")).unwrap();
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
    let video = resolved.node(&schema("Video")).unwrap();
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
    let login = resolved.node(&schema("Login")).unwrap();
    let target = resolved.deref(&object(&login).properties[0].node).unwrap();
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
    let details = resolved.node(&schema("Details")).unwrap();
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
    let error = resolved.node(&schema("B")).unwrap_err();
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
    let error = resolved.node(&schema("A")).unwrap_err();
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
    assert!(resolved.node(&schema("Tree")).is_ok());
}

#[test]
fn dangling_and_external_refs_name_their_place() {
    let resolved = resolve(document(json!({
        "A": {"properties": {"x": {"$ref": "#/components/schemas/Nope"}, "y": {"$ref": "other.yaml#/Z"}}}
    })))
    .unwrap();
    let error = resolved.node(&schema("A")).unwrap_err();
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
        let error = first_error(resolve(doc).err().expect("refused"));
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
            .err()
            .expect("refused"),
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
    .err()
    .expect("refused");
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

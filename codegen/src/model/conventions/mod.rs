//! PeerTube's conventions, kept apart from the rules that hold for every document: what the
//! generator reads from the document's prose and patterns rather than from OpenAPI keywords.
//! Each is a switch of [`Conventions`].

mod enum_labels;

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use super::visit::{self, VisitMut};
use super::{
    Docs, EnumVariant, FieldRepr, OAuthLogin, Operation, Pagination, ParamLocation, ParamRole,
    Returns, TypeDef, TypeExpr, TypeKind,
};
use crate::naming::{self, Scope};
use crate::resolve::{Node, NodeKind, ObjectNode, Schemas, UnionNode};

/// Which of PeerTube's conventions the generator follows: what it reads from the document's
/// prose and patterns rather than from OpenAPI keywords. All are on by default; a document
/// without the pattern is not affected by it.
///
/// | switch | reads | gives |
/// | --- | --- | --- |
/// | `enum_labels_from_prose` | `` - `1`: Published `` in an integer enum's description | variant `Published` |
/// | `bit_flags` | "flag"/"bitwise" and powers of two | a flags type combined with `\|` |
/// | `implicit_tags` | union members with one different single value of a property | a tagged enum |
/// | `one_or_many_query` | a query parameter `oneOf: [T, array of T]` | a list parameter |
/// | `pagination` | `start`/`count` query parameters and `{total, data}` | a `_stream` method; both fields plain |
/// | `error_codes` | error descriptions that list `` `code` ``s | `ErrorCode` |
/// | `login` | the OAuth 2.0 password flow, the local OAuth client, the OTP header | `Client::login` |
/// | `redoc_links` | Redoc anchors (`#operation/getVideo`) | intra-doc links |
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conventions {
    /// Integer enum values are named from the list in the enum's description
    /// (`` - `1`: Published ``, `CREATE: 1`, `` Admin = `0` ``).
    pub enum_labels_from_prose: bool,
    /// An integer enum whose name or description says "flag" or "bitwise", and whose values
    /// are powers of two, is a set of bit flags.
    pub bit_flags: bool,
    /// A `oneOf`/`anyOf` without a discriminator whose members each give one property a
    /// different single value is tagged by it (PeerTube's studio tasks, by `name`).
    pub implicit_tags: bool,
    /// A query parameter of `oneOf: [T, array of T]` is a list of `T`.
    pub one_or_many_query: bool,
    /// An operation with `start` and `count` query parameters answering `{total, data: [...]}`
    /// is a list read page by page.
    pub pagination: bool,
    /// Error responses whose description says to "disambiguate via `code`" list the codes.
    pub error_codes: bool,
    /// The OAuth 2.0 password flow logs in, with the operation answering `client_id` and
    /// `client_secret` as the local OAuth client and the token operation's header as the
    /// one-time password.
    pub login: bool,
    /// Redoc anchors in descriptions (`#operation/getVideo`) point to the generated methods
    /// or to the document's `externalDocs`.
    pub redoc_links: bool,
}

impl Default for Conventions {
    fn default() -> Self {
        Conventions::PEERTUBE
    }
}

impl Conventions {
    /// Every convention: PeerTube's document needs them all.
    pub const PEERTUBE: Conventions = Conventions {
        enum_labels_from_prose: true,
        bit_flags: true,
        implicit_tags: true,
        one_or_many_query: true,
        pagination: true,
        error_codes: true,
        login: true,
        redoc_links: true,
    };

    /// No convention: only what OpenAPI keywords say.
    pub const NONE: Conventions = Conventions {
        enum_labels_from_prose: false,
        bit_flags: false,
        implicit_tags: false,
        one_or_many_query: false,
        pagination: false,
        error_codes: false,
        login: false,
        redoc_links: false,
    };

    /// The label the description gives each value of an integer enum, in the order of
    /// `values`.
    pub fn enum_labels(&self, description: Option<&str>, values: &[i64]) -> Vec<Option<String>> {
        if !self.enum_labels_from_prose {
            return vec![None; values.len()];
        }
        enum_labels::labels_from_description(description.unwrap_or_default(), values)
    }

    /// Whether an integer enum is a set of bit flags.
    pub fn is_bit_flags(&self, name: &str, description: Option<&str>, values: &[i64]) -> bool {
        self.bit_flags && enum_labels::is_bit_flags(name, description, values)
    }

    /// A property every member has with a single string value, different in each member: a
    /// discriminator the document does not declare (PeerTube's studio tasks are told apart
    /// by `name`).
    pub fn implicit_tag(&self, union: &UnionNode) -> Option<String> {
        if !self.implicit_tags || union.members.len() < 2 {
            return None;
        }
        let objects: Vec<&ObjectNode> = union
            .members
            .iter()
            .map(|m| match &m.kind {
                NodeKind::Object(object) if object.unions.is_empty() => Some(object),
                _ => None,
            })
            .collect::<Option<_>>()?;
        // Required or not: a property whose only allowed value differs in every member is
        // what tells the members apart (studio tasks do not mark `name` required).
        let single_value = |object: &ObjectNode, name: &str| -> Option<String> {
            let property = object.properties.iter().find(|p| p.name == name)?;
            match &property.node.kind {
                NodeKind::String {
                    enumeration: Some(e),
                    ..
                } => match e.values.as_slice() {
                    [only] => Some(only.clone()),
                    _ => None,
                },
                _ => None,
            }
        };
        objects
            .first()?
            .properties
            .iter()
            .map(|p| p.name.clone())
            .find(|candidate| {
                let values: Option<Vec<String>> =
                    objects.iter().map(|o| single_value(o, candidate)).collect();
                values.is_some_and(|values| {
                    let mut unique = values.clone();
                    unique.sort();
                    unique.dedup();
                    unique.len() == values.len()
                })
            })
    }

    /// A query parameter of `oneOf: [T, array of T]` (or `anyOf`) is a list of `T`, which the
    /// query writes the same way (one value is `name=value` either way): the `T` as written (a
    /// `$ref` keeps its named type).
    pub fn one_or_many(&self, schemas: &Schemas, node: &Rc<Node>) -> Option<Rc<Node>> {
        if !self.one_or_many_query {
            return None;
        }
        let NodeKind::Union(union) = &node.kind else {
            return None;
        };
        let [first, second] = union.members.as_slice() else {
            return None;
        };
        let (a, b) = (schemas.deref(first).ok()?, schemas.deref(second).ok()?);
        // `single_written` is the member as written: a `$ref` keeps its named type.
        let (single, single_written, items) = match (&a.kind, &b.kind) {
            (NodeKind::Array(items), _) => (b.clone(), second.clone(), items.clone()),
            (_, NodeKind::Array(items)) => (a.clone(), first.clone(), items.clone()),
            _ => return None,
        };
        let items = schemas.deref(&items).ok()?;
        let same = single.pointer == items.pointer
            || std::mem::discriminant(&single.kind) == std::mem::discriminant(&items.kind)
                && !matches!(
                    single.kind,
                    NodeKind::Object(_) | NodeKind::Union(_) | NodeKind::Array(_)
                );
        if !same {
            return None;
        }
        Some(single_written)
    }

    /// A list the server answers, `{ total, data: [...] }` in a type only read from responses,
    /// has both fields, always: PeerTube's `ResultList<T>` declares both, and its routes build
    /// lists with `getFormattedObjects(data, total)` or by hand with both. The document leaves
    /// them optional in most of its inline list schemas.
    pub fn require_result_list_fields(&self, defs: &mut [TypeDef]) {
        if !self.pagination {
            return;
        }
        for def in defs.iter_mut() {
            let only_read = def.usage.only_read();
            let TypeKind::Struct(list) = &mut def.kind else {
                continue;
            };
            let is_list =
                list.fields.iter().any(is_list_total) && list.fields.iter().any(is_list_data);
            if !only_read || !is_list {
                continue;
            }
            for field in list
                .fields
                .iter_mut()
                .filter(|f| is_list_total(f) || is_list_data(f))
            {
                if field.repr == FieldRepr::Optional {
                    field.repr = FieldRepr::Required;
                }
            }
        }
    }

    /// Lists answered page by page: optional `start` and `count` query parameters, and a body
    /// with `total` and `data` (an array).
    pub fn pagination(&self, operation: &Operation, defs: &[TypeDef]) -> Option<Pagination> {
        if !self.pagination {
            return None;
        }
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
        let total = list.fields.iter().find(|f| is_list_total(f))?;
        let data = list.fields.iter().find(|f| is_list_data(f))?;
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
    /// `client_secret`, PeerTube's `/api/v1/oauth-clients/local`). The type that operation
    /// answers, when it is just these two, becomes the runtime's `OAuthClient`, the one the
    /// session logs in with: one type for one thing.
    pub fn login(
        &self,
        password_token_url: Option<&str>,
        operations: &[Operation],
        defs: &mut [TypeDef],
    ) -> Option<OAuthLogin> {
        if !self.login {
            return None;
        }
        let token_url = password_token_url?;
        let token_operation = operations
            .iter()
            .position(|o| o.method == "post" && o.path == *token_url)?;
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
        let answer = client_operation.and_then(|i| match &operations.get(i)?.returns {
            Returns::Json(TypeExpr::Named(id)) => defs.get_mut(id.0),
            _ => None,
        });
        if let Some(def) = answer {
            let is_client = |f: &super::Field, name: &str, ty: &TypeExpr| {
                f.wire_name == name && f.ty == *ty && f.repr == FieldRepr::Required
            };
            let just_the_client = matches!(&def.kind, TypeKind::Struct(s) if matches!(
                s.fields.as_slice(),
                [id, secret] if is_client(id, "client_id", &TypeExpr::String)
                    && is_client(secret, "client_secret", &TypeExpr::Secret)
            ));
            if just_the_client {
                def.kind = TypeKind::Alias(TypeExpr::OAuthClient);
            }
        }
        let otp_header = operations
            .get(token_operation)?
            .parameters
            .iter()
            .find(|p| p.location == ParamLocation::Header && p.role == ParamRole::Setter)
            .map(|p| p.wire_name.clone());
        Some(OAuthLogin {
            token_operation,
            client_operation,
            otp_header,
        })
    }

    /// The codes the document says PeerTube puts in its error responses, from descriptions that
    /// say to "disambiguate via `code`" and list them (`- `invalid_token` for an expired token`),
    /// then from `declared` (the document's `x-error-codes`, every code the server declares).
    pub fn error_codes(
        &self,
        operations: &[Operation],
        declared: &[(String, String)],
    ) -> Vec<EnumVariant<String>> {
        if !self.error_codes {
            return Vec::new();
        }
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
                if !is_error_code(code) {
                    continue;
                }
                if !codes.contains_key(code) {
                    order.push(code.to_owned());
                    let rest = rest.trim();
                    codes.insert(code.to_owned(), (!rest.is_empty()).then(|| rest.to_owned()));
                }
            }
        }
        for (code, description) in declared {
            if is_error_code(code) && !codes.contains_key(code) {
                order.push(code.clone());
                codes.insert(
                    code.clone(),
                    (!description.is_empty()).then(|| description.clone()),
                );
            }
        }
        let mut scope = Scope::new();
        order
            .into_iter()
            .map(|code| EnumVariant {
                name: scope.claim(naming::variant_name(&code)).name,
                description: codes.get(&code).cloned().flatten(),
                value: code,
            })
            .collect()
    }

    /// Rewrites the document's links to its own rendered pages (Redoc anchors such as
    /// `#operation/getVideo`): an operation becomes an intra-doc link to its method
    /// (`crate::Client::get_video`); other anchors point into the document's `externalDocs` page.
    /// With a login flow, a link to its token operation ("before [logging in](...)") goes to
    /// `Client::login`, which logs the client in, and the token method says it does not.
    pub fn link_documentation(
        &self,
        defs: &mut [TypeDef],
        operations: &mut [Operation],
        external_docs: Option<&str>,
        login: Option<&OAuthLogin>,
    ) {
        if let Some(token) = login.and_then(|l| operations.get_mut(l.token_operation)) {
            let note = "This method only returns the tokens: the client stays as it was. To log \
                        the client in, and keep its access token fresh, call \
                        [Client::login](crate::Client::login).";
            let description = token.description.get_or_insert_with(String::new);
            if !description.is_empty() {
                description.push_str("\n\n");
            }
            description.push_str(note);
        }
        if !self.redoc_links {
            return;
        }
        let mut methods: HashMap<String, String> = operations
            .iter()
            .filter_map(|o| Some((o.operation_id.clone()?, o.name.as_str().to_owned())))
            .collect();
        let token_id = login.and_then(|l| operations.get(l.token_operation)?.operation_id.clone());
        if let Some(id) = token_id {
            methods.insert(id, "login".to_owned());
        }
        let rewrite = |text: &mut String| {
            if !text.contains("](#") {
                return;
            }
            let mut out = String::with_capacity(text.len());
            let mut rest = text.as_str();
            while let Some((before, after)) = rest.split_once("](#") {
                out.push_str(before);
                out.push_str("](");
                let (anchor, after) = after.split_once(')').unwrap_or((after, ""));
                match anchor
                    .strip_prefix("operation/")
                    .and_then(|id| methods.get(id))
                {
                    Some(method) => out.push_str(&format!("crate::Client::{method}")),
                    None => match external_docs {
                        Some(base) => out.push_str(&format!("{base}#{anchor}")),
                        None => out.push_str(&format!("#{anchor}")),
                    },
                }
                out.push(')');
                rest = after;
            }
            out.push_str(rest);
            *text = out;
        };
        /// Rewrites the descriptions of a type and of its fields and values.
        struct Links<F>(F);
        impl<F: FnMut(&mut String)> VisitMut for Links<F> {
            fn docs(&mut self, docs: &mut Docs) {
                docs.description.iter_mut().for_each(&mut self.0);
            }
            fn description(&mut self, description: &mut Option<String>) {
                description.iter_mut().for_each(&mut self.0);
            }
        }
        let mut links = Links(&rewrite);
        for def in defs.iter_mut() {
            visit::walk_mut(def, &mut links);
        }
        let docs = |docs: &mut Docs| docs.description.iter_mut().for_each(&rewrite);
        for operation in operations.iter_mut() {
            operation.description.iter_mut().for_each(&rewrite);
            operation
                .parameters
                .iter_mut()
                .for_each(|p| docs(&mut p.docs));
            for response in &mut operation.responses {
                rewrite(&mut response.description);
            }
            if let Returns::Outcome(outcome) = &mut operation.returns {
                outcome
                    .variants
                    .iter_mut()
                    .for_each(|v| rewrite(&mut v.description));
            }
        }
    }
}

/// A code as PeerTube writes them: letters, digits, `_` and `-`.
fn is_error_code(code: &str) -> bool {
    !code.is_empty()
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The `total` of a list the server answers: an integer.
fn is_list_total(field: &super::Field) -> bool {
    field.wire_name == "total" && matches!(field.ty, TypeExpr::Integer | TypeExpr::Int32)
}

/// The `data` of a list the server answers: an array.
fn is_list_data(field: &super::Field) -> bool {
    field.wire_name == "data" && matches!(field.ty, TypeExpr::List(_))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::{Model, build};

    /// A document with one instance of each convention.
    fn model(conventions: &Conventions) -> Model {
        let document = json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "components": {
                "securitySchemes": {"OAuth2": {"type": "oauth2", "flows": {
                    "password": {"tokenUrl": "/token", "scopes": {}}
                }}},
                "schemas": {
                    "State": {"type": "integer", "enum": [1, 2], "description": "- `1`: Published\n- `2`: Draft"},
                    "Flags": {"type": "integer", "enum": [0, 1, 2], "description": "Bitwise flags"},
                    "Task": {"oneOf": [
                        {"type": "object", "properties": {"name": {"type": "string", "enum": ["cut"]}, "start": {"type": "integer"}}},
                        {"type": "object", "properties": {"name": {"type": "string", "enum": ["add-intro"]}, "file": {"type": "string"}}}
                    ]},
                    "Credentials": {"type": "object", "required": ["client_id", "client_secret"], "properties": {
                        "client_id": {"type": "string"}, "client_secret": {"type": "string"}
                    }},
                    "List": {"type": "object", "properties": {
                        "total": {"type": "integer"},
                        "data": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}}
                    }}
                }
            },
            "paths": {
                "/token": {"post": {"operationId": "getToken", "responses": {"200": {"description": "ok"}}}},
                "/client": {"get": {"operationId": "getClient", "responses": {"200": {"description": "ok",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Credentials"}}}
                }}}},
                "/videos": {"get": {
                    "operationId": "getVideos",
                    "description": "Log in [first](#operation/getToken).",
                    "parameters": [
                        {"name": "start", "in": "query", "schema": {"type": "integer"}},
                        {"name": "count", "in": "query", "schema": {"type": "integer"}},
                        {"name": "id", "in": "query", "schema": {"oneOf": [
                            {"type": "integer"}, {"type": "array", "items": {"type": "integer"}}
                        ]}}
                    ],
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/List"}}}},
                        "401": {"description": "Disambiguate via `code`:\n- `invalid_token` for an expired token"}
                    }
                }}
            }
        });
        let resolved = crate::resolve::resolve(document).unwrap();
        let inputs = crate::model::Inputs {
            operation_names: &BTreeMap::new(),
            conventions,
            always_sent: &BTreeMap::new(),
            groups: &Vec::new(),
        };
        build(&resolved, "", &inputs).unwrap().0
    }

    fn kind<'m>(model: &'m Model, name: &str) -> &'m TypeKind {
        let def = model.types.iter().find(|d| d.name.as_str() == name);
        &def.unwrap_or_else(|| panic!("no type {name}")).kind
    }

    /// How the `total` and `data` fields of the fixture's list are written.
    fn list_field_reprs(model: &Model) -> Vec<FieldRepr> {
        let TypeKind::Struct(list) = kind(model, "List") else {
            panic!("List is a struct")
        };
        list.fields.iter().map(|f| f.repr).collect()
    }

    #[test]
    fn every_convention_applies_and_switches_off() {
        let on = model(&Conventions::PEERTUBE);
        let TypeKind::IntEnum(state) = kind(&on, "State") else {
            panic!("State is an enum")
        };
        assert_eq!(state.variants[0].name.as_str(), "Published");
        assert!(matches!(kind(&on, "Flags"), TypeKind::Flags(_)));
        assert!(matches!(kind(&on, "Task"), TypeKind::Tagged(t) if t.tag == "name"));
        let videos = &on.operations[2];
        assert!(videos.pagination.is_some());
        assert_eq!(list_field_reprs(&on), [FieldRepr::Required; 2]);
        assert_eq!(
            videos.parameters[2].ty,
            TypeExpr::List(Box::new(TypeExpr::Integer))
        );
        assert_eq!(
            videos.description.as_deref(),
            Some("Log in [first](crate::Client::login).")
        );
        let token = on.operations[0].description.as_deref().unwrap_or_default();
        assert!(
            token.contains("[Client::login](crate::Client::login)"),
            "{token}"
        );
        assert_eq!(on.error_codes[0].value, "invalid_token");
        assert_eq!(on.oauth.as_ref().map(|o| o.token_operation), Some(0));
        assert_eq!(on.oauth.as_ref().and_then(|o| o.client_operation), Some(1));
        assert!(matches!(
            kind(&on, "Credentials"),
            TypeKind::Alias(TypeExpr::OAuthClient)
        ));

        let off = model(&Conventions::NONE);
        let TypeKind::IntEnum(state) = kind(&off, "State") else {
            panic!("State is an enum")
        };
        assert_eq!(state.variants[0].name.as_str(), "V1");
        assert!(matches!(kind(&off, "Flags"), TypeKind::IntEnum(_)));
        assert!(matches!(kind(&off, "Task"), TypeKind::Untagged(_)));
        let videos = &off.operations[2];
        assert!(videos.pagination.is_none());
        assert_eq!(list_field_reprs(&off), [FieldRepr::Optional; 2]);
        assert!(matches!(videos.parameters[2].ty, TypeExpr::Named(_)));
        assert_eq!(
            videos.description.as_deref(),
            Some("Log in [first](#operation/getToken).")
        );
        assert!(off.error_codes.is_empty());
        assert!(off.oauth.is_none());
        assert!(matches!(kind(&off, "Credentials"), TypeKind::Struct(_)));
        assert_eq!(off.operations[0].description, None);
    }
}

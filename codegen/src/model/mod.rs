//! Stage 3, model: the resolved document as plain data about Rust items: named types with
//! their fields and variants, and operations with their inputs and outputs.
//!
//! The model holds no `syn` or `proc_macro2` values; every name in it is final (see
//! [`crate::naming`]), and every decision about representation (which enum, where an `Option`,
//! where a `Box`) is made here so the emit stage only prints.

mod build;
mod check;
mod conventions;
mod enums;
mod groups;
mod methods;
mod operations;
mod origin;
mod responses;
mod site;
mod split;
mod types;
mod unions;
mod visit;

use serde_json::Value;

use crate::naming::RustName;
use crate::pointer::Pointer;
/// Documentation is the schema's, as resolved: one type from the document to the doc comments.
pub use crate::resolve::{Constraints, Docs};
pub use build::{Inputs, build};
pub use conventions::Conventions;
pub use groups::{Group, GroupTable, TypeGroups};

/// Everything the emit stage needs.
#[derive(Debug, Clone)]
pub struct Model {
    pub api: ApiInfo,
    /// Every named type; a [`TypeId`] indexes this list (ids are handed out as types are met,
    /// and never change).
    pub types: Vec<TypeDef>,
    /// The order the types are written in (see [`Model::types_in_order`]).
    pub order: Vec<TypeId>,
    pub operations: Vec<Operation>,
    /// The groups of operations, each a module of the crate and a Cargo feature (see
    /// [`Operation::group`]).
    pub groups: Vec<Group>,
    /// For each type (by [`TypeId`]), the groups that need it compiled.
    pub type_groups: Vec<TypeGroups>,
    /// The codes the document says PeerTube puts in error responses (`invalid_token`, ...).
    pub error_codes: Vec<EnumVariant<String>>,
    /// How to log in, when the document declares an OAuth 2.0 password flow.
    pub oauth: Option<OAuthLogin>,
    /// Every `example` written in a component schema, with the type of its schema: the
    /// generated crate checks that each one decodes and encodes back unchanged.
    pub examples: Vec<Example>,
}

#[derive(Debug, Clone)]
pub struct Example {
    pub pointer: Pointer,
    pub value: Value,
    pub ty: TypeExpr,
}

impl Model {
    /// The type with this id (every id the model hands out has one).
    pub fn ty(&self, id: TypeId) -> Option<&TypeDef> {
        self.types.get(id.0)
    }

    /// Every type in the order the `types` module lists them: each component schema followed
    /// by the types written inside it, then those of shared parameters, then each operation's.
    pub fn types_in_order(&self) -> impl Iterator<Item = &TypeDef> {
        self.order.iter().filter_map(|id| self.ty(*id))
    }

    /// When the type is compiled.
    pub fn groups_of(&self, id: TypeId) -> &TypeGroups {
        self.type_groups.get(id.0).unwrap_or(&TypeGroups::Always)
    }

    /// Whether the crate has a Cargo feature per group (it has more than one).
    pub fn has_features(&self) -> bool {
        self.groups.len() > 1
    }

    /// The type an expression stands for once aliases are followed.
    pub fn follow_aliases(&self, expr: &TypeExpr) -> TypeExpr {
        follow_aliases(&self.types, expr)
    }

    /// Whether values of the type are written as one piece of text (see [`is_single_value`]).
    pub fn is_single_value(&self, expr: &TypeExpr) -> bool {
        is_single_value(&self.types, expr)
    }
}

/// The type an expression stands for once aliases are followed.
pub fn follow_aliases(defs: &[TypeDef], expr: &TypeExpr) -> TypeExpr {
    let mut expr = expr.clone();
    for _ in 0..defs.len() {
        match &expr {
            TypeExpr::Named(id) => match defs.get(id.0).map(|def| &def.kind) {
                Some(TypeKind::Alias(target)) => expr = target.clone(),
                _ => break,
            },
            _ => break,
        }
    }
    expr
}

/// Whether values of the type are written as one piece of text in a path, query or header:
/// strings, numbers, booleans, dates, enums, and unions of those.
pub fn is_single_value(defs: &[TypeDef], expr: &TypeExpr) -> bool {
    fn check(defs: &[TypeDef], expr: &TypeExpr, depth: usize) -> bool {
        match follow_aliases(defs, expr) {
            TypeExpr::String
            | TypeExpr::Boolean
            | TypeExpr::Integer
            | TypeExpr::Int32
            | TypeExpr::Number
            | TypeExpr::Uuid
            | TypeExpr::Secret
            | TypeExpr::DateTime => true,
            TypeExpr::Named(id) => match defs.get(id.0).map(|def| &def.kind) {
                Some(TypeKind::StringEnum(_) | TypeKind::IntEnum(_) | TypeKind::Flags(_)) => true,
                Some(TypeKind::Untagged(variants)) if depth < 8 => {
                    variants.iter().all(|v| check(defs, &v.ty, depth + 1))
                }
                _ => false,
            },
            _ => false,
        }
    }
    check(defs, expr, 0)
}

/// What the document says about the API, and which document it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiInfo {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// The OpenAPI version the document is written in.
    pub openapi_version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// SHA-256 of the document's canonical JSON form (see [`crate::load::content_digest`]).
    pub content_sha256: String,
    /// The URLs of `servers`.
    pub servers: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

#[derive(Debug, Clone)]
pub struct TypeDef {
    pub id: TypeId,
    pub name: RustName,
    /// Where the schema is written.
    pub origin: Pointer,
    pub docs: Docs,
    /// Where the schema is written, in a sentence: the doc comment when `docs` has none.
    pub about: String,
    pub kind: TypeKind,
    pub usage: Usage,
    /// One of the two types of a schema the client both reads and sends, when what servers
    /// always send makes them differ (see `model/split.rs`).
    pub split: Option<SplitHalf>,
}

#[cfg(test)]
impl TypeDef {
    /// The struct of the component schema `name`, with these fields: for tests.
    pub(crate) fn component_struct(
        id: usize,
        name: &str,
        usage: Usage,
        fields: Vec<Field>,
    ) -> Self {
        TypeDef {
            id: TypeId(id),
            name: name.into(),
            origin: Pointer::root()
                .push("components")
                .push("schemas")
                .push(name),
            docs: Docs::default(),
            about: String::new(),
            kind: TypeKind::Struct(Struct { fields }),
            usage,
            split: None,
        }
    }
}

/// Which of a split schema's two types a type is, and the other one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitHalf {
    /// What responses hold: fields the server always sends are plain. Converts into `sent`.
    Read { sent: TypeId },
    /// What requests hold: the document's `required` lists. `read` converts into it.
    Sent { read: TypeId },
}

/// Where values of a type travel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Part of a request the client sends.
    pub request: bool,
    /// Part of a response the client reads.
    pub response: bool,
    /// Part of a type no operation uses (a schema the document only declares): its values may
    /// travel either way.
    pub declared: bool,
}

impl Usage {
    /// Only read from responses, never sent: where the server's habits may tighten the type.
    pub fn only_read(&self) -> bool {
        self.response && !self.request
    }
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    Struct(Struct),
    /// A string enum that also holds values the document does not list.
    StringEnum(OpenEnum<String>),
    /// An integer enum that also holds values the document does not list.
    IntEnum(OpenEnum<i64>),
    /// Integer bit flags: named values that combine with `|`.
    Flags(Vec<EnumVariant<i64>>),
    /// `oneOf`/`anyOf` told apart by a tag property.
    Tagged(Tagged),
    /// `oneOf`/`anyOf` told apart by shape; variants in the order they are tried.
    Untagged(Vec<UntaggedVariant>),
    /// A name for another type (a component schema that is a primitive, an array or a `$ref`).
    Alias(TypeExpr),
}

#[derive(Debug, Clone, Default)]
pub struct Struct {
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: RustName,
    /// The JSON property name (empty for [`FieldRepr::Flatten`]).
    pub wire_name: String,
    /// The field's type without the `Option` that [`FieldRepr`] adds.
    pub ty: TypeExpr,
    pub repr: FieldRepr,
    pub docs: Docs,
    /// Boxed because the field closes a cycle of types.
    pub boxed: bool,
}

/// How presence and `null` map onto the field's Rust type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldRepr {
    /// Required, never null: `T`.
    Required,
    /// Required but nullable: `Option<T>`, always sent (as `null` when `None`).
    Nullable,
    /// Optional (and, in types only read from responses, possibly null): `Option<T>`,
    /// omitted when `None`.
    Optional,
    /// Optional and nullable in a type the client sends: `Option<Option<T>>`, where `None`
    /// omits the field (the server leaves the value alone) and `Some(None)` sends `null`
    /// (the server clears it).
    OptionalNullable,
    /// The properties of `ty` (a `oneOf` group or a map of extra properties) sit inline.
    Flatten,
}

/// An enum whose last variant, `other`, holds any value not listed (a newer server's).
#[derive(Debug, Clone, PartialEq)]
pub struct OpenEnum<T> {
    pub variants: Vec<EnumVariant<T>>,
    /// The name of the variant for unlisted values (`Other`, unless a listed value has it).
    pub other: RustName,
}

impl OpenEnum<String> {
    /// The variants of `true` and `false`, when they are the only values listed: such an
    /// enum is a boolean that the document spells as a string (a query's `nsfw`), and takes a
    /// `bool`.
    pub fn boolean_variants(&self) -> Option<(&RustName, &RustName)> {
        let named = |value: &str| {
            self.variants
                .iter()
                .find(|v| v.value == value)
                .map(|v| &v.name)
        };
        match self.variants.len() {
            2 => Some((named("true")?, named("false")?)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant<T> {
    pub name: RustName,
    pub value: T,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Tagged {
    /// The tag property (`grant_type`).
    pub tag: String,
    pub variants: Vec<TaggedVariant>,
}

#[derive(Debug, Clone)]
pub struct TaggedVariant {
    pub name: RustName,
    pub tag_value: String,
    /// The variant's other properties (a named struct); `None` when the tag is all it has.
    pub payload: Option<TypeExpr>,
    pub boxed: bool,
}

#[derive(Debug, Clone)]
pub struct UntaggedVariant {
    pub name: RustName,
    pub ty: TypeExpr,
    pub boxed: bool,
}

/// The type of a field, variant, parameter or body.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeExpr {
    Named(TypeId),
    String,
    Boolean,
    /// `integer` without format, or `int64`: `i64` (PeerTube's counts can be negative in
    /// real data even where the document says `minimum: 0`).
    Integer,
    /// `integer` with `format: int32`.
    Int32,
    /// `number`: `f64`.
    Number,
    /// `string` with `format: date-time`.
    DateTime,
    /// `string` with `format: uuid`.
    Uuid,
    /// `string` with `format: binary`: a file part.
    Binary,
    /// A string that is a credential (see [`crate::naming::is_secret_name`]): its `Debug`
    /// output hides it.
    Secret,
    /// The runtime's `OAuthClient` (`client_id`, `client_secret`): what the login flow's
    /// client operation answers, and what the session logs in with, as one type.
    OAuthClient,
    /// No type information: any JSON value.
    Json,
    /// An object with no declared properties: any JSON object.
    JsonObject,
    List(Box<TypeExpr>),
    /// An object whose properties all have one schema (`additionalProperties`).
    Map(Box<TypeExpr>),
    Option(Box<TypeExpr>),
}

impl TypeExpr {
    pub fn named(&self) -> Option<TypeId> {
        match self {
            TypeExpr::Named(id) => Some(*id),
            _ => None,
        }
    }

    /// Every named type this expression mentions.
    pub fn visit_named(&self, f: &mut impl FnMut(TypeId)) {
        match self {
            TypeExpr::Named(id) => f(*id),
            TypeExpr::List(inner) | TypeExpr::Map(inner) | TypeExpr::Option(inner) => {
                inner.visit_named(f)
            }
            _ => {}
        }
    }
}

/// An HTTP operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The method name (snake_case).
    pub name: RustName,
    /// The PascalCase stem of the operation's types: its request builder (when it has
    /// optional inputs) and its outcome type.
    pub stem: RustName,
    pub operation_id: Option<String>,
    pub method: String,
    pub path: String,
    /// The path, split into segments (each made of literal text and parameters).
    pub segments: Vec<Vec<SegmentPart>>,
    pub pointer: Pointer,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub tags: Vec<String>,
    /// Its group (an index of [`Model::groups`]).
    pub group: usize,
    pub parameters: Vec<Parameter>,
    pub body: Option<Body>,
    /// Every documented response, in the document's order.
    pub responses: Vec<Response>,
    /// What the method returns on success.
    pub returns: Returns,
    /// The media types the client accepts (the `Accept` header).
    pub accept: String,
    /// For lists answered page by page: how to read a page.
    pub pagination: Option<Pagination>,
    /// OAuth2 scopes when the operation requires authentication (empty: any signed-in user).
    pub security: Option<Vec<String>>,
}

/// The document's OAuth 2.0 password flow, for the client's `login`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthLogin {
    /// The operation at the flow's `tokenUrl` (an index of [`Model::operations`]).
    pub token_operation: usize,
    /// The operation that hands out the server's own OAuth client (`client_id` and
    /// `client_secret`), if the document has one.
    pub client_operation: Option<usize>,
    /// The token operation's optional header (PeerTube's one-time password), if it has one.
    pub otp_header: Option<String>,
}

impl Operation {
    /// Whether the method returns a request builder (it has inputs that may be left out).
    pub fn has_builder(&self) -> bool {
        self.parameters.iter().any(|p| p.role == ParamRole::Setter)
    }

    /// Every type the request mentions (parameters, body).
    pub fn request_types(&self) -> impl Iterator<Item = &TypeExpr> {
        self.parameters
            .iter()
            .map(|p| &p.ty)
            .chain(self.body.iter().filter_map(|b| b.ty.as_ref()))
    }

    /// Every type the responses mention (bodies, headers, the outcome, the page items).
    pub fn response_types(&self) -> impl Iterator<Item = &TypeExpr> {
        fn json(body: &Option<ResponseBody>) -> Option<&TypeExpr> {
            match body {
                Some(ResponseBody::Json(ty)) => Some(ty),
                _ => None,
            }
        }
        let responses = self.responses.iter().flat_map(move |r| {
            json(&r.body)
                .into_iter()
                .chain(r.headers.iter().map(|h| &h.ty))
        });
        let returns: Box<dyn Iterator<Item = &TypeExpr>> = match &self.returns {
            Returns::Json(ty) => Box::new(std::iter::once(ty)),
            Returns::Outcome(outcome) => Box::new(outcome.variants.iter().flat_map(|v| {
                json(&v.body)
                    .into_iter()
                    .chain(v.headers.iter().map(|h| &h.ty))
            })),
            Returns::Unit | Returns::Text | Returns::Binary => Box::new(std::iter::empty()),
        };
        responses
            .chain(returns)
            .chain(self.pagination.iter().map(|p| &p.item))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentPart {
    Literal(String),
    /// The parameter at this index of [`Operation::parameters`].
    Parameter(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

/// How the caller gives a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamRole {
    /// An argument of the method (path parameters and other required ones).
    Argument,
    /// A setter of the request builder (optional parameters).
    Setter,
    /// Not given by the caller: `Content-Length` is the body's own length.
    Hidden,
}

/// How a list or an object is written in the query: the parameter's `style` and `explode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `name=a&name=b`; an object's properties as `key=value` (`form`, exploded: the default).
    Exploded,
    /// `name=a,b`: `,` for `form`, ` ` for `spaceDelimited`, `|` for `pipeDelimited`; an
    /// object as `name=key,value,key,value`.
    Delimited(char),
    /// An object's properties as `name[key]=value` (`deepObject`).
    Deep,
}

/// What a parameter's value is, for writing it in a path, query or header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamShape {
    /// One value written as text: a string, number, boolean, date, or enum.
    Single,
    /// A list of single values.
    List,
    /// Anything else (objects, nested lists): serialized into the query as its style says.
    Serialized,
}

#[derive(Debug, Clone)]
pub struct Parameter {
    /// The Rust name (snake_case).
    pub name: RustName,
    pub wire_name: String,
    pub location: ParamLocation,
    pub ty: TypeExpr,
    pub required: bool,
    pub role: ParamRole,
    /// How a list or an object is written in the query.
    pub style: QueryStyle,
    /// What the value is, for writing it (settled once every type is known).
    pub shape: ParamShape,
    pub docs: Docs,
    /// Where the parameter is declared (a component parameter when shared).
    pub pointer: Pointer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    Json,
    Form,
    Multipart,
    Binary,
    Text,
}

#[derive(Debug, Clone)]
pub struct Body {
    pub content_type: String,
    pub format: BodyFormat,
    /// The body's type; `None` for binary bodies.
    pub ty: Option<TypeExpr>,
    pub required: bool,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Response {
    /// `200`, `4XX` or `default`.
    pub status: String,
    /// What the status means for this operation, in a few words.
    pub meaning: String,
    pub description: String,
    pub body: Option<ResponseBody>,
    pub headers: Vec<HeaderField>,
}

impl Response {
    /// The status as a number, when it is one.
    pub fn code(&self) -> Option<u16> {
        self.status.parse().ok()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    Json(TypeExpr),
    /// Text (feeds in XML, RSS, Atom, or a choice of media types).
    Text,
    /// Bytes (files, downloads).
    Binary,
}

/// A documented response header.
#[derive(Debug, Clone)]
pub struct HeaderField {
    pub name: RustName,
    pub wire_name: String,
    pub ty: TypeExpr,
    pub docs: Docs,
}

/// What a method returns on success.
#[derive(Debug, Clone)]
pub enum Returns {
    /// Nothing the document describes: `()`; any 2xx status is a success.
    Unit,
    Json(TypeExpr),
    Text,
    Binary,
    /// Several documented outcomes, or headers worth returning: a type of its own.
    Outcome(Outcome),
}

#[derive(Debug, Clone)]
pub struct Outcome {
    /// The type's name (in the `operations` module).
    pub name: RustName,
    /// One variant: a struct; several: an enum.
    pub variants: Vec<OutcomeVariant>,
}

#[derive(Debug, Clone)]
pub struct OutcomeVariant {
    pub name: RustName,
    pub status: u16,
    pub description: String,
    pub headers: Vec<HeaderField>,
    pub body: Option<ResponseBody>,
}

/// How to read a page of a list: `{ total, data: [...] }`.
#[derive(Debug, Clone)]
pub struct Pagination {
    pub item: TypeExpr,
    /// The field holding the number of items in the whole list, and whether it is an `Option`.
    pub total: (RustName, bool),
    /// Whether `total` is an `i32` (else an `i64`).
    pub total_int32: bool,
    /// The field holding the page's items, and whether it is an `Option`.
    pub data: (RustName, bool),
}

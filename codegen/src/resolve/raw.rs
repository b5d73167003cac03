//! The schema object as written in an OpenAPI 3.0 document, every keyword kept.
//!
//! `openapiv3` reads the document's skeleton (paths, operations, parameters); schemas are read
//! with this struct instead, because it keeps what `openapiv3` drops: siblings of `$ref`
//! (`nullable` beside a `$ref`, which real PeerTube servers need honoured), keywords combined in
//! one node (`type: object` beside `oneOf`), and the keywords the generator only warns about.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use super::schema::Docs;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SchemaType {
    String,
    Number,
    Integer,
    Boolean,
    Array,
    Object,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum AdditionalProperties {
    Allowed(bool),
    Schema(Box<RawSchema>),
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Discriminator {
    pub property_name: String,
    #[serde(default)]
    pub mapping: IndexMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawSchema {
    #[serde(rename = "$ref")]
    pub reference: Option<String>,
    #[serde(rename = "type")]
    pub ty: Option<SchemaType>,
    /// `title`, `description`, `example`, `default`, `deprecated`, `format` and the
    /// validation keywords.
    #[serde(flatten)]
    pub docs: Docs,
    #[serde(default)]
    pub nullable: bool,
    #[serde(rename = "enum")]
    pub enumeration: Option<Vec<Value>>,
    #[serde(default)]
    pub properties: IndexMap<String, RawSchema>,
    #[serde(default)]
    pub required: Vec<String>,
    pub additional_properties: Option<AdditionalProperties>,
    pub items: Option<Box<RawSchema>>,
    #[serde(default)]
    pub all_of: Vec<RawSchema>,
    #[serde(default)]
    pub one_of: Vec<RawSchema>,
    #[serde(default)]
    pub any_of: Vec<RawSchema>,
    pub not: Option<Box<RawSchema>>,
    pub discriminator: Option<Discriminator>,
    pub xml: Option<Value>,
    /// Variant names for an enum, in the order of `enum` (the convention of openapi-generator).
    #[serde(rename = "x-enum-varnames")]
    pub x_enum_varnames: Option<Vec<String>>,
    /// Descriptions for the values of an enum, in the order of `enum`.
    #[serde(rename = "x-enum-descriptions")]
    pub x_enum_descriptions: Option<Vec<String>>,
}

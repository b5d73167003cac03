//! Decoding JSON into the crate's types: one plain function per type.
//!
//! serde's derived `Deserialize` is generic over the deserializer, so every type's visitors
//! (and serde_json's parser around them) are compiled for each format that reads it, and they
//! were most of the crate's build time. Here a body is parsed once, by one instantiation of
//! serde_json's parser, into a [`Node`] tree that borrows its keys and strings from the body;
//! each type then takes its fields out of it with [`FromJson`], a function that is not generic.
//! The types still implement `Deserialize` (through a `Node`) for users who read them from
//! elsewhere.
//!
//! Decoding knows where it is: an error says which field of which element failed.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::Deserialize;
use serde::de::{DeserializeOwned, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// A type read from JSON.
pub trait FromJson: Sized {
    /// `node` as `Self`. Properties that no field takes are counted in `cx`.
    fn from_json(node: Node<'_>, cx: &mut Context) -> Result<Self, JsonError>;
}

/// A parsed JSON value. Keys and strings borrow from the text when they hold no escape.
#[derive(Debug, Clone, PartialEq)]
pub enum Node<'a> {
    Null,
    Bool(bool),
    Integer(i64),
    Unsigned(u64),
    Float(f64),
    String(Cow<'a, str>),
    Array(Vec<Node<'a>>),
    /// The members in the order of the text.
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
}

impl Node<'_> {
    /// The node as a `serde_json::Value` (for fields that hold any JSON).
    pub fn into_value(self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(b),
            Node::Integer(n) => Value::from(n),
            Node::Unsigned(n) => Value::from(n),
            Node::Float(n) => Value::from(n),
            Node::String(s) => Value::String(s.into_owned()),
            Node::Array(items) => Value::Array(items.into_iter().map(Node::into_value).collect()),
            Node::Object(members) => Value::Object(
                members
                    .into_iter()
                    .map(|(key, value)| (key.into_owned(), value.into_value()))
                    .collect(),
            ),
        }
    }
}

impl<'de> Deserialize<'de> for Node<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Node::deserialize(d)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Self::Value, E> {
        Ok(Node::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Self::Value, E> {
        Ok(Node::Integer(n))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Self::Value, E> {
        Ok(match i64::try_from(n) {
            Ok(n) => Node::Integer(n),
            Err(_) => Node::Unsigned(n),
        })
    }

    fn visit_f64<E>(self, n: f64) -> Result<Self::Value, E> {
        Ok(Node::Float(n))
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Node::String(Cow::Borrowed(s)))
    }

    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Node::String(Cow::Owned(s.to_owned())))
    }

    fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
        Ok(Node::String(Cow::Owned(s)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(16));
        while let Some(Key(key)) = map.next_key()? {
            members.push((key, map.next_value()?));
        }
        Ok(Node::Object(members))
    }
}

/// A key, borrowed from the text when it can be (serde's `Cow<str>` always copies).
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Node::deserialize(deserializer)? {
            Node::String(key) => Ok(Key(key)),
            other => Err(serde::de::Error::custom(format!(
                "expected a key, found {}",
                describe(&other)
            ))),
        }
    }
}

/// What a decoding learns besides the value: how many properties it left unread, which tells
/// apart the variants of a type known only by its shape.
#[derive(Debug, Default)]
pub struct Context {
    pub(crate) ignored: usize,
}

/// Why a value does not fit a type, and where (a JSON path such as `data[3].channel.id`).
#[derive(Debug, Clone, PartialEq)]
pub struct JsonError {
    /// The steps from the root, innermost first (errors gain a step as they leave a level).
    steps: Vec<Step>,
    message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

impl JsonError {
    pub fn new(message: impl Into<String>) -> Self {
        JsonError {
            steps: Vec::new(),
            message: message.into(),
        }
    }

    fn expected(what: &str, found: &Node<'_>) -> Self {
        Self::new(format!("expected {what}, found {}", describe(found)))
    }

    fn at(mut self, step: Step) -> Self {
        self.steps.push(step);
        self
    }

    fn at_key(self, key: &str) -> Self {
        self.at(Step::Key(key.to_owned()))
    }

    /// The JSON path of the value that failed (empty for the root).
    pub fn path(&self) -> String {
        let mut path = String::new();
        for step in self.steps.iter().rev() {
            match step {
                Step::Key(key) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                }
                Step::Index(index) => path.push_str(&format!("[{index}]")),
            }
        }
        path
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.path().as_str() {
            "" => f.write_str(&self.message),
            path => write!(f, "at `{path}`: {}", self.message),
        }
    }
}

impl std::error::Error for JsonError {}

/// A value's kind and, for a scalar, the value itself: what an error says it found.
fn describe(node: &Node<'_>) -> String {
    match node {
        Node::Null => "null".to_owned(),
        Node::Bool(b) => format!("the boolean {b}"),
        Node::Integer(n) => format!("the number {n}"),
        Node::Unsigned(n) => format!("the number {n}"),
        Node::Float(n) => format!("the number {n}"),
        Node::String(s) if s.len() <= 40 => format!("the string {s:?}"),
        Node::String(_) => "a string".to_owned(),
        Node::Array(_) => "an array".to_owned(),
        Node::Object(_) => "an object".to_owned(),
    }
}

/// The value of the field `key` as a `T`; an error says where.
fn decode_at<T: FromJson>(node: Node<'_>, cx: &mut Context, key: &str) -> Result<T, JsonError> {
    match T::from_json(node, cx) {
        Ok(decoded) => Ok(decoded),
        Err(e) => Err(e.at_key(key)),
    }
}

/// `T` from a JSON text.
pub fn from_slice<T: FromJson>(bytes: &[u8]) -> Result<T, FromSliceError> {
    let node: Node<'_> = serde_json::from_slice(bytes).map_err(FromSliceError::Syntax)?;
    from_node(node).map_err(FromSliceError::Shape)
}

/// Why a JSON text does not decode.
#[derive(Debug)]
pub enum FromSliceError {
    /// It is not JSON.
    Syntax(serde_json::Error),
    /// It does not fit the type.
    Shape(JsonError),
}

/// `T` from a whole parsed value.
pub fn from_node<T: FromJson>(node: Node<'_>) -> Result<T, JsonError> {
    T::from_json(node, &mut Context::default())
}

/// `T` through serde, for the leaf types that bring their own `Deserialize`.
pub fn via_serde<T: DeserializeOwned>(node: Node<'_>) -> Result<T, JsonError> {
    serde_json::from_value(node.into_value()).map_err(|e| JsonError::new(e.to_string()))
}

/// The `Deserialize` of the crate's types: any self-describing format, read as a `Node`.
pub fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: FromJson,
{
    let node = Node::deserialize(deserializer)?;
    from_node(node).map_err(serde::de::Error::custom)
}

/// The members of an object, taken out one field at a time.
pub struct Object<'a, 'c> {
    members: Vec<(Cow<'a, str>, Node<'a>)>,
    /// Which members a field took (their value is left `Null`).
    taken: Taken,
    /// Where the next lookup starts: fields usually come in the order they are asked for.
    cursor: usize,
    cx: &'c mut Context,
}

/// A set of member positions, without an allocation for objects of up to 128 members.
enum Taken {
    Few(u128),
    Many(Vec<bool>),
}

impl Taken {
    fn new(len: usize) -> Self {
        match len <= 128 {
            true => Taken::Few(0),
            false => Taken::Many(vec![false; len]),
        }
    }

    fn contains(&self, index: usize) -> bool {
        match self {
            Taken::Few(bits) => bits & (1 << index) != 0,
            Taken::Many(flags) => flags.get(index).copied().unwrap_or(true),
        }
    }

    fn insert(&mut self, index: usize) {
        match self {
            Taken::Few(bits) => *bits |= 1 << index,
            Taken::Many(flags) => {
                if let Some(flag) = flags.get_mut(index) {
                    *flag = true;
                }
            }
        }
    }
}

impl<'a, 'c> Object<'a, 'c> {
    /// The object `node` is; `type_name` is what an error says was expected.
    pub fn new(node: Node<'a>, cx: &'c mut Context, type_name: &str) -> Result<Self, JsonError> {
        match node {
            Node::Object(members) => Ok(Object {
                taken: Taken::new(members.len()),
                members,
                cursor: 0,
                cx,
            }),
            other => Err(JsonError::expected(
                &format!("an object (`{type_name}`)"),
                &other,
            )),
        }
    }

    /// Takes the member `key` out, if it is there.
    fn take(&mut self, key: &str) -> Option<Node<'a>> {
        let start = self.cursor.min(self.members.len());
        let found = (start..self.members.len())
            .chain(0..start)
            .find(|&index| self.members[index].0 == key && !self.taken.contains(index))?;
        self.taken.insert(found);
        self.cursor = found + 1;
        Some(std::mem::replace(&mut self.members[found].1, Node::Null))
    }

    // The generic methods are compiled once per field type: they stay small (a `match`, no
    // closures), and what does not depend on the type is in plain functions.

    /// A field that must be present.
    pub fn required<T: FromJson>(&mut self, key: &'static str) -> Result<T, JsonError> {
        match self.take(key) {
            Some(node) => decode_at(node, self.cx, key),
            None => Err(missing(key)),
        }
    }

    /// A field that may be absent or `null`.
    pub fn optional<T: FromJson>(&mut self, key: &'static str) -> Result<Option<T>, JsonError> {
        match self.take_non_null(key) {
            None => Ok(None),
            Some(node) => match decode_at(node, self.cx, key) {
                Ok(decoded) => Ok(Some(decoded)),
                Err(e) => Err(e),
            },
        }
    }

    /// A field where absent (`None`) and `null` (`Some(None)`) differ.
    pub fn absent_or_null<T: FromJson>(
        &mut self,
        key: &'static str,
    ) -> Result<Option<Option<T>>, JsonError> {
        match self.take(key) {
            None => Ok(None),
            Some(Node::Null) => Ok(Some(None)),
            Some(node) => match decode_at(node, self.cx, key) {
                Ok(decoded) => Ok(Some(Some(decoded))),
                Err(e) => Err(e),
            },
        }
    }

    fn take_non_null(&mut self, key: &'static str) -> Option<Node<'a>> {
        self.take(key).filter(|node| *node != Node::Null)
    }

    /// A flattened field: the members no other field took, which it must take.
    pub fn flattened<T: FromJson>(&mut self) -> Result<T, JsonError> {
        T::from_json(self.rest(), self.cx)
    }

    fn rest(&mut self) -> Node<'a> {
        let members = std::mem::take(&mut self.members)
            .into_iter()
            .enumerate()
            .filter(|(index, _)| !self.taken.contains(*index))
            .map(|(_, member)| member)
            .collect();
        Node::Object(members)
    }

    /// Counts the members no field took.
    pub fn finish(self) {
        self.cx.ignored += (0..self.members.len())
            .filter(|index| !self.taken.contains(*index))
            .count();
    }
}

fn missing(key: &str) -> JsonError {
    JsonError::new(format!("missing field `{key}`"))
}

impl FromJson for Value {
    fn from_json(node: Node<'_>, _: &mut Context) -> Result<Self, JsonError> {
        Ok(node.into_value())
    }
}

impl FromJson for Map<String, Value> {
    fn from_json(node: Node<'_>, _: &mut Context) -> Result<Self, JsonError> {
        match node.into_value() {
            Value::Object(map) => Ok(map),
            other => Err(JsonError::new(format!("expected an object, found {other}"))),
        }
    }
}

impl FromJson for String {
    fn from_json(node: Node<'_>, _: &mut Context) -> Result<Self, JsonError> {
        match node {
            Node::String(s) => Ok(s.into_owned()),
            other => Err(JsonError::expected("a string", &other)),
        }
    }
}

impl FromJson for bool {
    fn from_json(node: Node<'_>, _: &mut Context) -> Result<Self, JsonError> {
        match node {
            Node::Bool(b) => Ok(b),
            other => Err(JsonError::expected("a boolean", &other)),
        }
    }
}

impl FromJson for f64 {
    fn from_json(node: Node<'_>, _: &mut Context) -> Result<Self, JsonError> {
        match node {
            Node::Float(n) => Ok(n),
            Node::Integer(n) => Ok(n as f64),
            Node::Unsigned(n) => Ok(n as f64),
            other => Err(JsonError::expected("a number", &other)),
        }
    }
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            fn from_json(node: Node<'_>, _: &mut Context) -> Result<Self, JsonError> {
                let integer = match &node {
                    Node::Integer(n) => <$t>::try_from(*n).ok(),
                    Node::Unsigned(n) => <$t>::try_from(*n).ok(),
                    _ => None,
                };
                integer.ok_or_else(|| {
                    JsonError::expected(concat!("an integer (", stringify!($t), ")"), &node)
                })
            }
        }
    )*};
}

integers!(i64, i32, u64, u32, u16);

/// A string parsed with `FromStr`, as serde reads dates and UUIDs from JSON.
fn parsed<T: FromStr>(node: Node<'_>, what: &str) -> Result<T, JsonError>
where
    T::Err: fmt::Display,
{
    match node {
        Node::String(s) => s
            .parse()
            .map_err(|e| JsonError::new(format!("expected {what}: {e}"))),
        other => Err(JsonError::expected(what, &other)),
    }
}

impl FromJson for chrono::DateTime<chrono::Utc> {
    fn from_json(node: Node<'_>, _: &mut Context) -> Result<Self, JsonError> {
        parsed::<chrono::DateTime<chrono::FixedOffset>>(node, "a date and time (RFC 3339)")
            .map(|at| at.with_timezone(&chrono::Utc))
    }
}

impl FromJson for uuid::Uuid {
    fn from_json(node: Node<'_>, _: &mut Context) -> Result<Self, JsonError> {
        parsed(node, "a UUID")
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(node: Node<'_>, cx: &mut Context) -> Result<Self, JsonError> {
        match node {
            Node::Null => Ok(None),
            node => match T::from_json(node, cx) {
                Ok(decoded) => Ok(Some(decoded)),
                Err(e) => Err(e),
            },
        }
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn from_json(node: Node<'_>, cx: &mut Context) -> Result<Self, JsonError> {
        match T::from_json(node, cx) {
            Ok(decoded) => Ok(Box::new(decoded)),
            Err(e) => Err(e),
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(node: Node<'_>, cx: &mut Context) -> Result<Self, JsonError> {
        let items = match node {
            Node::Array(items) => items,
            other => return Err(JsonError::expected("an array", &other)),
        };
        let mut decoded = Vec::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            match T::from_json(item, cx) {
                Ok(item) => decoded.push(item),
                Err(e) => return Err(e.at(Step::Index(index))),
            }
        }
        Ok(decoded)
    }
}

impl<T: FromJson> FromJson for std::collections::BTreeMap<String, T> {
    fn from_json(node: Node<'_>, cx: &mut Context) -> Result<Self, JsonError> {
        let members = match node {
            Node::Object(members) => members,
            other => return Err(JsonError::expected("an object", &other)),
        };
        let mut decoded = std::collections::BTreeMap::new();
        for (key, item) in members {
            match T::from_json(item, cx) {
                Ok(item) => {
                    decoded.insert(key.into_owned(), item);
                }
                Err(e) => return Err(e.at_key(&key)),
            }
        }
        Ok(decoded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `T` from a JSON value, through its text.
    fn node<T: FromJson>(value: Value) -> Result<T, JsonError> {
        let text = serde_json::to_vec(&value).unwrap();
        match from_slice(&text) {
            Ok(decoded) => Ok(decoded),
            Err(FromSliceError::Shape(e)) => Err(e),
            Err(FromSliceError::Syntax(e)) => panic!("{e}"),
        }
    }

    #[derive(Debug, PartialEq)]
    struct Channel {
        id: i64,
        name: Option<String>,
        support: Option<Option<String>>,
    }

    impl FromJson for Channel {
        fn from_json(value: Node<'_>, cx: &mut Context) -> Result<Self, JsonError> {
            let mut object = Object::new(value, cx, "Channel")?;
            let channel = Channel {
                id: object.required("id")?,
                name: object.optional("name")?,
                support: object.absent_or_null("support")?,
            };
            object.finish();
            Ok(channel)
        }
    }

    #[test]
    fn fields_absent_null_and_set() {
        let absent: Channel = node(json!({"id": 1})).unwrap();
        assert_eq!((absent.name, absent.support), (None, None));
        let null: Channel = node(json!({"id": 1, "name": null, "support": null})).unwrap();
        assert_eq!((null.name, null.support), (None, Some(None)));
        let set: Channel = node(json!({"id": 1, "name": "a", "support": "b"})).unwrap();
        assert_eq!(
            (set.name.as_deref(), set.support),
            (Some("a"), Some(Some("b".to_owned())))
        );
    }

    #[test]
    fn errors_say_where_and_what() {
        let error = node::<Vec<Channel>>(json!([{"id": 1}, {"id": "x"}])).unwrap_err();
        assert_eq!(error.path(), "[1].id");
        assert_eq!(
            error.to_string(),
            r#"at `[1].id`: expected an integer (i64), found the string "x""#
        );
        let missing = node::<Channel>(json!({"name": "a"})).unwrap_err();
        assert_eq!(missing.to_string(), "missing field `id`");
        let nested = node::<std::collections::BTreeMap<String, Vec<Channel>>>(
            json!({"list": [{"id": 1.5}]}),
        )
        .unwrap_err();
        assert_eq!(nested.path(), "list[0].id");
        let not_object = node::<Channel>(json!(3)).unwrap_err();
        assert_eq!(
            not_object.to_string(),
            "expected an object (`Channel`), found the number 3"
        );
    }

    #[test]
    fn unread_properties_are_counted() {
        let mut cx = Context::default();
        let text = r#"[{"id": 1, "extra": true}, {"id": 2, "more": 1, "again": 2}]"#;
        let value: Node<'_> = serde_json::from_str(text).unwrap();
        Vec::<Channel>::from_json(value, &mut cx).unwrap();
        assert_eq!(cx.ignored, 3);
    }

    #[test]
    fn integers_keep_their_range() {
        assert_eq!(node::<i32>(json!(7)).unwrap(), 7);
        assert!(node::<i32>(json!(1_i64 << 40)).is_err());
        assert!(node::<u16>(json!(-1)).is_err());
        assert_eq!(node::<u64>(json!(u64::MAX)).unwrap(), u64::MAX);
        assert_eq!(node::<f64>(json!(3)).unwrap(), 3.0);
    }

    #[test]
    fn deserialize_reads_any_self_describing_format() {
        let mut de = serde_json::Deserializer::from_str(r#"{"id": 4, "name": "x"}"#);
        let channel: Channel = deserialize(&mut de).unwrap();
        assert_eq!(channel.id, 4);
    }
}

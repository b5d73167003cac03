//! Decoding JSON values into the crate's types: one plain function per type.
//!
//! serde's derived `Deserialize` is generic over the deserializer, so every type's visitors
//! (and serde_json's parser around them) are compiled again for each format that reads it,
//! and they were most of the crate's build time. Here a body is parsed once into a
//! `serde_json::Value`, and each type takes its fields out of it with [`FromJson`], a
//! function that is not generic at all. The types still implement `Deserialize` (through a
//! `Value`) for users who read them from elsewhere.
//!
//! Decoding also knows where it is: an error says which field of which element failed.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize as _;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// A type read from a JSON value.
pub trait FromJson: Sized {
    /// `value` as `Self`. Properties that no field takes are counted in `cx`.
    fn from_json(value: Value, cx: &mut Context) -> Result<Self, JsonError>;
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
    Key(Cow<'static, str>),
    Index(usize),
}

impl JsonError {
    pub fn new(message: impl Into<String>) -> Self {
        JsonError {
            steps: Vec::new(),
            message: message.into(),
        }
    }

    fn expected(what: &str, found: &Value) -> Self {
        Self::new(format!("expected {what}, found {}", describe(found)))
    }

    fn at(mut self, step: Step) -> Self {
        self.steps.push(step);
        self
    }

    fn at_key(self, key: &'static str) -> Self {
        self.at(Step::Key(Cow::Borrowed(key)))
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
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.len() <= 40 => format!("the string {s:?}"),
        Value::String(_) => "a string".to_owned(),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// The value of the field `key` as a `T`; an error says where.
fn decode_at<T: FromJson>(
    value: Value,
    cx: &mut Context,
    key: &'static str,
) -> Result<T, JsonError> {
    match T::from_json(value, cx) {
        Ok(decoded) => Ok(decoded),
        Err(e) => Err(e.at_key(key)),
    }
}

fn missing(key: &str) -> JsonError {
    JsonError::new(format!("missing field `{key}`"))
}

/// `T` from a whole value.
pub fn from_value<T: FromJson>(value: Value) -> Result<T, JsonError> {
    T::from_json(value, &mut Context::default())
}

/// `T` through serde, for the few leaf types that bring their own `Deserialize` (dates, UUIDs).
pub fn via_serde<T: DeserializeOwned>(value: Value) -> Result<T, JsonError> {
    serde_json::from_value(value).map_err(|e| JsonError::new(e.to_string()))
}

/// The `Deserialize` of the crate's types: any self-describing format, read as a `Value`.
pub fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: FromJson,
{
    let value = Value::deserialize(deserializer)?;
    from_value(value).map_err(serde::de::Error::custom)
}

/// The properties of an object, taken out one field at a time.
pub struct Object<'c> {
    map: Map<String, Value>,
    cx: &'c mut Context,
}

impl<'c> Object<'c> {
    /// The object `value` is; `type_name` is what an error says was expected.
    pub fn new(value: Value, cx: &'c mut Context, type_name: &str) -> Result<Self, JsonError> {
        match value {
            Value::Object(map) => Ok(Object { map, cx }),
            other => Err(JsonError::expected(
                &format!("an object (`{type_name}`)"),
                &other,
            )),
        }
    }

    // The generic methods are compiled once per field type: they stay small (a `match`, no
    // closures), and what does not depend on the type is in plain functions.

    /// A field that must be present.
    pub fn required<T: FromJson>(&mut self, key: &'static str) -> Result<T, JsonError> {
        match self.take_required(key) {
            Ok(value) => decode_at(value, self.cx, key),
            Err(e) => Err(e),
        }
    }

    /// A field that may be absent or `null`.
    pub fn optional<T: FromJson>(&mut self, key: &'static str) -> Result<Option<T>, JsonError> {
        match self.take_non_null(key) {
            None => Ok(None),
            Some(value) => match decode_at(value, self.cx, key) {
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
        match self.map.remove(key) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(value) => match decode_at(value, self.cx, key) {
                Ok(decoded) => Ok(Some(Some(decoded))),
                Err(e) => Err(e),
            },
        }
    }

    fn take_required(&mut self, key: &'static str) -> Result<Value, JsonError> {
        self.map.remove(key).ok_or_else(|| missing(key))
    }

    fn take_non_null(&mut self, key: &'static str) -> Option<Value> {
        self.map.remove(key).filter(|value| !value.is_null())
    }

    /// A flattened field: the properties no other field took, which it must take.
    pub fn flattened<T: FromJson>(&mut self) -> Result<T, JsonError> {
        T::from_json(Value::Object(std::mem::take(&mut self.map)), self.cx)
    }

    /// Counts the properties no field took.
    pub fn finish(self) {
        self.cx.ignored += self.map.len();
    }
}

impl FromJson for Value {
    fn from_json(value: Value, _: &mut Context) -> Result<Self, JsonError> {
        Ok(value)
    }
}

impl FromJson for Map<String, Value> {
    fn from_json(value: Value, _: &mut Context) -> Result<Self, JsonError> {
        match value {
            Value::Object(map) => Ok(map),
            other => Err(JsonError::expected("an object", &other)),
        }
    }
}

impl FromJson for String {
    fn from_json(value: Value, _: &mut Context) -> Result<Self, JsonError> {
        match value {
            Value::String(s) => Ok(s),
            other => Err(JsonError::expected("a string", &other)),
        }
    }
}

impl FromJson for bool {
    fn from_json(value: Value, _: &mut Context) -> Result<Self, JsonError> {
        match value {
            Value::Bool(b) => Ok(b),
            other => Err(JsonError::expected("a boolean", &other)),
        }
    }
}

impl FromJson for f64 {
    fn from_json(value: Value, _: &mut Context) -> Result<Self, JsonError> {
        match value.as_f64() {
            Some(n) => Ok(n),
            None => Err(JsonError::expected("a number", &value)),
        }
    }
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            fn from_json(value: Value, _: &mut Context) -> Result<Self, JsonError> {
                let integer = match &value {
                    Value::Number(n) => n
                        .as_i64()
                        .and_then(|n| <$t>::try_from(n).ok())
                        .or_else(|| n.as_u64().and_then(|n| <$t>::try_from(n).ok())),
                    _ => None,
                };
                integer.ok_or_else(|| {
                    JsonError::expected(concat!("an integer (", stringify!($t), ")"), &value)
                })
            }
        }
    )*};
}

integers!(i64, i32, u64, u32, u16);

impl FromJson for chrono::DateTime<chrono::Utc> {
    fn from_json(value: Value, _: &mut Context) -> Result<Self, JsonError> {
        via_serde(value)
    }
}

impl FromJson for uuid::Uuid {
    fn from_json(value: Value, _: &mut Context) -> Result<Self, JsonError> {
        via_serde(value)
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: Value, cx: &mut Context) -> Result<Self, JsonError> {
        match value {
            Value::Null => Ok(None),
            value => match T::from_json(value, cx) {
                Ok(decoded) => Ok(Some(decoded)),
                Err(e) => Err(e),
            },
        }
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn from_json(value: Value, cx: &mut Context) -> Result<Self, JsonError> {
        match T::from_json(value, cx) {
            Ok(decoded) => Ok(Box::new(decoded)),
            Err(e) => Err(e),
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: Value, cx: &mut Context) -> Result<Self, JsonError> {
        let items = match value {
            Value::Array(items) => items,
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
    fn from_json(value: Value, cx: &mut Context) -> Result<Self, JsonError> {
        let entries = match value {
            Value::Object(entries) => entries,
            other => return Err(JsonError::expected("an object", &other)),
        };
        let mut decoded = std::collections::BTreeMap::new();
        for (key, item) in entries {
            match T::from_json(item, cx) {
                Ok(item) => {
                    decoded.insert(key, item);
                }
                Err(e) => return Err(e.at(Step::Key(Cow::Owned(key)))),
            }
        }
        Ok(decoded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq)]
    struct Channel {
        id: i64,
        name: Option<String>,
        support: Option<Option<String>>,
    }

    impl FromJson for Channel {
        fn from_json(value: Value, cx: &mut Context) -> Result<Self, JsonError> {
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
        let absent: Channel = from_value(json!({"id": 1})).unwrap();
        assert_eq!((absent.name, absent.support), (None, None));
        let null: Channel = from_value(json!({"id": 1, "name": null, "support": null})).unwrap();
        assert_eq!((null.name, null.support), (None, Some(None)));
        let set: Channel = from_value(json!({"id": 1, "name": "a", "support": "b"})).unwrap();
        assert_eq!(
            (set.name.as_deref(), set.support),
            (Some("a"), Some(Some("b".to_owned())))
        );
    }

    #[test]
    fn errors_say_where_and_what() {
        let error = from_value::<Vec<Channel>>(json!([{"id": 1}, {"id": "x"}])).unwrap_err();
        assert_eq!(error.path(), "[1].id");
        assert_eq!(
            error.to_string(),
            r#"at `[1].id`: expected an integer (i64), found the string "x""#
        );
        let missing = from_value::<Channel>(json!({"name": "a"})).unwrap_err();
        assert_eq!(missing.to_string(), "missing field `id`");
        let nested = from_value::<std::collections::BTreeMap<String, Vec<Channel>>>(
            json!({"list": [{"id": 1.5}]}),
        )
        .unwrap_err();
        assert_eq!(nested.path(), "list[0].id");
        let not_object = from_value::<Channel>(json!(3)).unwrap_err();
        assert_eq!(
            not_object.to_string(),
            "expected an object (`Channel`), found the number 3"
        );
    }

    #[test]
    fn unread_properties_are_counted() {
        let mut cx = Context::default();
        let value = json!([{"id": 1, "extra": true}, {"id": 2, "more": 1, "again": 2}]);
        Vec::<Channel>::from_json(value, &mut cx).unwrap();
        assert_eq!(cx.ignored, 3);
    }

    #[test]
    fn integers_keep_their_range() {
        assert_eq!(from_value::<i32>(json!(7)).unwrap(), 7);
        assert!(from_value::<i32>(json!(1_i64 << 40)).is_err());
        assert!(from_value::<u16>(json!(-1)).is_err());
        assert_eq!(from_value::<u64>(json!(u64::MAX)).unwrap(), u64::MAX);
        assert_eq!(from_value::<f64>(json!(3)).unwrap(), 3.0);
    }

    #[test]
    fn deserialize_reads_any_self_describing_format() {
        let mut de = serde_json::Deserializer::from_str(r#"{"id": 4, "name": "x"}"#);
        let channel: Channel = deserialize(&mut de).unwrap();
        assert_eq!(channel.id, 4);
    }
}

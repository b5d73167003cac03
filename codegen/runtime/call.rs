//! A request under construction: URL, query, headers and body, kept in a form that can be sent
//! again (a retry after refreshing the access token sends the same request).

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;

use super::error::OperationInfo;
use super::multipart::{self, PartValue};

/// How a parameter value is written in a path, query or header.
pub trait ToParam {
    fn to_param(&self) -> String;
}

impl<T: ToParam + ?Sized> ToParam for &T {
    fn to_param(&self) -> String {
        (**self).to_param()
    }
}

impl ToParam for str {
    fn to_param(&self) -> String {
        self.to_owned()
    }
}

impl ToParam for String {
    fn to_param(&self) -> String {
        self.clone()
    }
}

macro_rules! display_param {
    ($($ty:ty),*) => {
        $(impl ToParam for $ty {
            fn to_param(&self) -> String {
                self.to_string()
            }
        })*
    };
}

display_param!(bool, i32, i64, u64, f64, uuid::Uuid);

impl ToParam for chrono::DateTime<chrono::Utc> {
    fn to_param(&self) -> String {
        self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

/// How a list or an object is written in the query: the parameter's `style` and `explode`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum QueryStyle {
    /// `name=a&name=b`; an object's properties as `key=value`.
    Exploded,
    /// `name=a,b` (with `,`, ` ` or `|`); an object as `name=key,value,key,value`.
    Delimited(char),
    /// An object's properties as `name[key]=value`, and `name[key][inner]=value` deeper down.
    Deep,
}

/// A body, kept so that it can be sent more than once.
#[derive(Clone)]
pub(crate) enum Payload {
    Empty,
    Json(Bytes),
    Form(String),
    Multipart(Vec<(String, PartValue)>),
    Binary(Bytes),
}

/// A request under construction. Errors met while building it (a body that does not encode,
/// a header value HTTP does not allow) are kept and returned when it is sent.
#[derive(Clone)]
pub(crate) struct Call {
    pub(crate) operation: &'static OperationInfo,
    pub(crate) method: reqwest::Method,
    pub(crate) url: reqwest::Url,
    pub(crate) headers: HeaderMap,
    pub(crate) payload: Payload,
    pub(crate) error: Option<String>,
}

impl Call {
    pub(crate) fn new(
        operation: &'static OperationInfo,
        base: &reqwest::Url,
        segments: &[&str],
    ) -> Call {
        let method = reqwest::Method::from_bytes(operation.method.as_bytes())
            .unwrap_or(reqwest::Method::GET);
        let mut url = base.clone();
        let mut error = None;
        match url.path_segments_mut() {
            Ok(mut path) => {
                path.pop_if_empty().extend(segments);
            }
            Err(()) => error = Some(format!("the base URL `{base}` cannot have a path")),
        }
        Call {
            operation,
            method,
            url,
            headers: HeaderMap::new(),
            payload: Payload::Empty,
            error,
        }
    }

    fn fail(&mut self, message: String) {
        if self.error.is_none() {
            self.error = Some(message);
        }
    }

    /// Adds `name=value` to the query.
    pub(crate) fn query(&mut self, name: &str, value: &impl ToParam) {
        self.url
            .query_pairs_mut()
            .append_pair(name, &value.to_param());
    }

    /// Adds `name=value` to the query if there is a value.
    pub(crate) fn query_opt(&mut self, name: &str, value: &Option<impl ToParam>) {
        if let Some(value) = value {
            self.query(name, value);
        }
    }

    /// Adds a list to the query if there is one (see [`Call::query_list`]).
    pub(crate) fn query_list_opt<T: ToParam>(
        &mut self,
        name: &str,
        values: &Option<Vec<T>>,
        style: QueryStyle,
    ) {
        if let Some(values) = values {
            self.query_list(name, values, style);
        }
    }

    /// Adds a list to the query: `name=a&name=b`, or `name=a,b` when delimited.
    pub(crate) fn query_list<T: ToParam>(&mut self, name: &str, values: &[T], style: QueryStyle) {
        if values.is_empty() {
            return;
        }
        match style {
            QueryStyle::Delimited(separator) => {
                let joined: Vec<String> = values.iter().map(ToParam::to_param).collect();
                self.url
                    .query_pairs_mut()
                    .append_pair(name, &joined.join(&separator.to_string()));
            }
            QueryStyle::Exploded | QueryStyle::Deep => {
                let mut pairs = self.url.query_pairs_mut();
                for value in values {
                    pairs.append_pair(name, &value.to_param());
                }
            }
        }
    }

    /// Adds any other value (an object, a list of objects) to the query, as `style` says.
    /// `None` and `null` add nothing.
    pub(crate) fn query_value<T: Serialize>(&mut self, name: &str, value: &T, style: QueryStyle) {
        match serde_json::to_value(value) {
            Ok(value) => {
                let mut pairs = Vec::new();
                query_pairs(name, &value, style, &mut pairs);
                self.url.query_pairs_mut().extend_pairs(pairs);
            }
            Err(e) => self.fail(format!("query parameter `{name}` cannot be written: {e}")),
        }
    }

    pub(crate) fn header(&mut self, name: &'static str, value: &impl ToParam) {
        let text = value.to_param();
        match HeaderValue::from_str(&text) {
            Ok(mut value) => {
                value.set_sensitive(is_sensitive(name));
                self.headers.insert(HeaderName::from_static(name), value);
            }
            Err(_) => self.fail(format!("the value of header `{name}` is not valid in HTTP")),
        }
    }

    pub(crate) fn header_opt(&mut self, name: &'static str, value: &Option<impl ToParam>) {
        if let Some(value) = value {
            self.header(name, value);
        }
    }

    /// A list in a header: `a,b`.
    pub(crate) fn header_list<T: ToParam>(&mut self, name: &'static str, values: &[T]) {
        let joined: Vec<String> = values.iter().map(ToParam::to_param).collect();
        self.header(name, &joined.join(","));
    }

    /// The media types the operation answers with.
    pub(crate) fn accept(&mut self, media_types: &str) {
        match HeaderValue::from_str(media_types) {
            Ok(value) => {
                self.headers.insert(reqwest::header::ACCEPT, value);
            }
            Err(_) => self.fail(format!("`{media_types}` is not a valid Accept header")),
        }
    }

    pub(crate) fn json<T: Serialize>(&mut self, body: &T) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.payload = Payload::Json(Bytes::from(bytes)),
            Err(e) => self.fail(format!("the JSON body cannot be written: {e}")),
        }
    }

    pub(crate) fn form<T: Serialize>(&mut self, body: &T) {
        match serde_urlencoded::to_string(body) {
            Ok(text) => self.payload = Payload::Form(text),
            Err(e) => self.fail(format!("the form body cannot be written: {e}")),
        }
    }

    pub(crate) fn multipart<T: Serialize>(&mut self, body: &T) {
        match multipart::parts(body) {
            Ok(parts) => self.payload = Payload::Multipart(parts),
            Err(e) => self.fail(format!("the multipart body cannot be written: {e}")),
        }
    }

    pub(crate) fn binary(&mut self, body: impl Into<Bytes>) {
        self.payload = Payload::Binary(body.into());
    }
}

/// The query pairs of a serialized value. What OpenAPI leaves undefined (an object inside an
/// exploded or delimited object) is written as JSON text.
fn query_pairs(
    name: &str,
    value: &serde_json::Value,
    style: QueryStyle,
    pairs: &mut Vec<(String, String)>,
) {
    use serde_json::Value;
    match (value, style) {
        (Value::Null, _) => {}
        (Value::Array(items), QueryStyle::Delimited(separator)) => {
            let texts: Vec<String> = items.iter().map(query_text).collect();
            pairs.push((name.to_owned(), texts.join(&separator.to_string())));
        }
        (Value::Array(items), _) => {
            pairs.extend(items.iter().map(|item| (name.to_owned(), query_text(item))));
        }
        (Value::Object(map), QueryStyle::Exploded) => {
            for (key, value) in map {
                match value {
                    Value::Object(_) => pairs.push((key.clone(), query_text(value))),
                    _ => query_pairs(key, value, style, pairs),
                }
            }
        }
        (Value::Object(map), QueryStyle::Delimited(separator)) => {
            let texts: Vec<String> = map
                .iter()
                .filter(|(_, value)| !value.is_null())
                .flat_map(|(key, value)| [key.clone(), query_text(value)])
                .collect();
            pairs.push((name.to_owned(), texts.join(&separator.to_string())));
        }
        (Value::Object(map), QueryStyle::Deep) => {
            for (key, value) in map {
                query_pairs(&format!("{name}[{key}]"), value, style, pairs);
            }
        }
        (scalar, _) => pairs.push((name.to_owned(), query_text(scalar))),
    }
}

/// A JSON value as query text: strings as they are, anything else as JSON.
fn query_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Headers whose values are secrets: reqwest keeps them out of its `Debug` output.
fn is_sensitive(name: &str) -> bool {
    matches!(
        name,
        "authorization" | "x-peertube-otp" | "x-peertube-video-password"
    )
}

/// Parameter values in the query, as a test sees them.
#[cfg(test)]
pub(crate) fn query_of(call: &Call) -> Vec<(String, String)> {
    call.url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    static OP: OperationInfo = OperationInfo {
        name: "get_things",
        method: "GET",
        path: "/api/v1/things/{id}",
        responses: &[],
    };

    #[test]
    fn path_segments_are_percent_encoded_under_the_base_path() {
        let base = reqwest::Url::parse("https://tube.example/peertube/").unwrap();
        let call = Call::new(&OP, &base, &["api", "v1", "things", "a b/c?d#e"]);
        assert_eq!(
            call.url.as_str(),
            "https://tube.example/peertube/api/v1/things/a%20b%2Fc%3Fd%23e"
        );
    }

    #[test]
    fn lists_are_exploded_or_joined() {
        let base = reqwest::Url::parse("https://tube.example").unwrap();
        let mut call = Call::new(&OP, &base, &["x"]);
        call.query_list("tagsOneOf", &["a b", "c&d"], QueryStyle::Exploded);
        call.query_list("ids", &[1i64, 2], QueryStyle::Delimited(','));
        call.query_list("tags", &["a", "b"], QueryStyle::Delimited('|'));
        call.query_list("names", &["a", "b"], QueryStyle::Delimited(' '));
        call.query("nsfw", &"false");
        assert_eq!(
            call.url.query(),
            Some("tagsOneOf=a+b&tagsOneOf=c%26d&ids=1%2C2&tags=a%7Cb&names=a+b&nsfw=false")
        );
    }

    #[test]
    fn objects_are_written_as_their_style_says() {
        let base = reqwest::Url::parse("https://tube.example").unwrap();
        let filter = serde_json::json!({
            "language": "fr",
            "tags": ["a", "b"],
            "range": {"min": 1},
            "gone": null,
        });
        let written = |style| {
            let mut call = Call::new(&OP, &base, &["x"]);
            call.query_value("filter", &filter, style);
            call.query_value("absent", &None::<serde_json::Value>, style);
            query_of(&call)
        };
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        assert_eq!(
            written(QueryStyle::Exploded),
            pairs(&[
                ("language", "fr"),
                ("tags", "a"),
                ("tags", "b"),
                ("range", r#"{"min":1}"#),
            ])
        );
        assert_eq!(
            written(QueryStyle::Delimited(',')),
            pairs(&[("filter", r#"language,fr,tags,["a","b"],range,{"min":1}"#)])
        );
        assert_eq!(
            written(QueryStyle::Deep),
            pairs(&[
                ("filter[language]", "fr"),
                ("filter[tags]", "a"),
                ("filter[tags]", "b"),
                ("filter[range][min]", "1"),
            ])
        );
    }

    #[test]
    fn invalid_header_values_are_kept_as_errors() {
        let base = reqwest::Url::parse("https://tube.example").unwrap();
        let mut call = Call::new(&OP, &base, &["x"]);
        call.header("x-peertube-otp", &"12\n34");
        assert!(
            call.error
                .as_deref()
                .is_some_and(|e| e.contains("x-peertube-otp"))
        );
    }

    #[test]
    fn dates_are_rfc3339() {
        let date = chrono::DateTime::parse_from_rfc3339("2024-05-01T10:00:00.500Z")
            .unwrap()
            .to_utc();
        assert_eq!(date.to_param(), "2024-05-01T10:00:00.500Z");
    }
}

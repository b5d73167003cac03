//! A request under construction: URL, query, headers and body, kept in a form that can be sent
//! again (a retry after refreshing the access token sends the same request).

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;

use super::error::{Error, OperationInfo};
use super::multipart::{self, PartValue};

/// How a parameter value is written in a path, query or header.
pub trait ToParam {
    fn to_param(&self) -> String;

    /// Whether the value is a credential: a query parameter that is one is shown as `***` in
    /// the URLs errors carry.
    fn is_secret(&self) -> bool {
        false
    }
}

impl<T: ToParam + ?Sized> ToParam for &T {
    fn to_param(&self) -> String {
        (**self).to_param()
    }

    fn is_secret(&self) -> bool {
        (**self).is_secret()
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

impl Payload {
    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, Payload::Empty)
    }
}

/// A request under construction. Errors met while building it (a body that does not encode,
/// an argument that cannot be sent) are kept and returned when it is sent, before anything
/// goes out.
#[derive(Clone)]
pub(crate) struct Call {
    pub(crate) operation: &'static OperationInfo,
    pub(crate) method: reqwest::Method,
    pub(crate) url: reqwest::Url,
    pub(crate) headers: HeaderMap,
    pub(crate) payload: Payload,
    /// The query parameters whose values are credentials.
    pub(crate) secret_query: Vec<String>,
    error: Option<Invalid>,
}

/// Why a call cannot be sent.
#[derive(Clone, Debug)]
enum Invalid {
    Argument { argument: String, reason: String },
    Request(String),
}

impl Call {
    /// A call of `operation` at `base` followed by the path's `segments` (one per segment of
    /// the path template, parameters written in).
    pub(crate) fn new(
        operation: &'static OperationInfo,
        base: &reqwest::Url,
        segments: &[&str],
    ) -> Call {
        let method = reqwest::Method::from_bytes(operation.method.as_bytes())
            .unwrap_or(reqwest::Method::GET);
        let mut call = Call {
            operation,
            method,
            url: base.clone(),
            headers: HeaderMap::new(),
            payload: Payload::Empty,
            secret_query: Vec::new(),
            error: None,
        };
        let template: Vec<&str> = operation
            .path
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        for (index, segment) in segments.iter().enumerate() {
            let written = template.get(index).copied().unwrap_or_default();
            if !written.contains('{') {
                continue;
            }
            let argument = written.trim_start_matches('{').trim_end_matches('}');
            if let Some(reason) = unsendable_segment(segment) {
                call.invalid(argument, reason);
            }
        }
        let extended = call.url.path_segments_mut().map(|mut path| {
            path.pop_if_empty().extend(segments);
        });
        if extended.is_err() {
            call.fail("the base URL cannot have a path".to_owned());
        }
        call
    }

    /// The error this call would give if it were sent: an argument or a body that cannot be
    /// sent.
    pub(crate) fn check(&self) -> Result<(), Error> {
        match &self.error {
            None => Ok(()),
            Some(Invalid::Argument { argument, reason }) => Err(Error::InvalidArgument {
                operation: self.operation,
                argument: argument.clone(),
                reason: reason.clone(),
            }),
            Some(Invalid::Request(message)) => Err(Error::Request {
                operation: self.operation,
                message: message.clone(),
            }),
        }
    }

    fn fail(&mut self, message: String) {
        if self.error.is_none() {
            self.error = Some(Invalid::Request(message));
        }
    }

    fn invalid(&mut self, argument: &str, reason: &str) {
        if self.error.is_none() {
            self.error = Some(Invalid::Argument {
                argument: argument.to_owned(),
                reason: reason.to_owned(),
            });
        }
    }

    /// Whether the call carries credentials of its own (not counting the session's access
    /// token): a one-time password, a video password, a token in the query.
    pub(crate) fn has_credentials(&self) -> bool {
        !self.secret_query.is_empty() || self.headers.values().any(HeaderValue::is_sensitive)
    }

    /// Adds `name=value` to the query.
    pub(crate) fn query(&mut self, name: &str, value: &impl ToParam) {
        // The generic part stays a line: the rest is compiled once, not per parameter type.
        self.query_text(name, &value.to_param(), value.is_secret());
    }

    fn query_text(&mut self, name: &str, text: &str, secret: bool) {
        if secret {
            self.note_secret_query(name);
        }
        self.url.query_pairs_mut().append_pair(name, text);
    }

    fn note_secret_query(&mut self, name: &str) {
        if !self.secret_query.iter().any(|n| n == name) {
            self.secret_query.push(name.to_owned());
        }
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
        let mut secret = false;
        let mut texts = Vec::with_capacity(values.len());
        for value in values {
            secret |= value.is_secret();
            texts.push(value.to_param());
        }
        self.query_texts(name, &texts, secret, style);
    }

    fn query_texts(&mut self, name: &str, texts: &[String], secret: bool, style: QueryStyle) {
        if secret {
            self.note_secret_query(name);
        }
        match style {
            QueryStyle::Delimited(separator) => {
                self.url
                    .query_pairs_mut()
                    .append_pair(name, &texts.join(&separator.to_string()));
            }
            QueryStyle::Exploded | QueryStyle::Deep => {
                let mut pairs = self.url.query_pairs_mut();
                for text in texts {
                    pairs.append_pair(name, text);
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
        self.header_text(name, value.to_param(), value.is_secret());
    }

    fn header_text(&mut self, name: &'static str, text: String, secret: bool) {
        if text.chars().any(char::is_control) {
            return self.invalid(
                name,
                "contains a control character (a line break?), which a header cannot carry",
            );
        }
        match HeaderValue::from_str(&text) {
            Ok(mut header) => {
                header.set_sensitive(secret || is_sensitive(name));
                self.headers.insert(HeaderName::from_static(name), header);
            }
            Err(_) => self.invalid(name, "is not a valid HTTP header value"),
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

/// Headers whose values are secrets: reqwest keeps them out of its `Debug` output, and a
/// call that carries one does not follow a redirect to another origin.
fn is_sensitive(name: &str) -> bool {
    matches!(
        name,
        "authorization" | "cookie" | "x-peertube-otp" | "x-peertube-video-password"
    )
}

/// Why a path parameter's value cannot be sent, if it cannot: URL normalisation drops `.`
/// and `..` segments (`..` would name the parent endpoint), an empty one names another
/// endpoint, and control characters would be dropped silently.
fn unsendable_segment(value: &str) -> Option<&'static str> {
    match value {
        "" => Some("is empty: the request would go to another endpoint"),
        "." | ".." => Some("is `.` or `..`: the request would go to another endpoint"),
        _ if value.chars().any(char::is_control) => {
            Some("contains a control character (a line break?), which a URL cannot carry")
        }
        _ => None,
    }
}

/// `url` as it may be shown: the values of the query parameters named in `secret` are
/// replaced by `***`, and any user info is dropped.
pub(crate) fn redact(url: &reqwest::Url, secret: &[String]) -> reqwest::Url {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    if secret.is_empty() || url.query().is_none() {
        return shown;
    }
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(name, value)| {
            let value = if secret.iter().any(|s| *s == name) {
                "***".to_owned()
            } else {
                value.into_owned()
            };
            (name.into_owned(), value)
        })
        .collect();
    shown.query_pairs_mut().clear().extend_pairs(pairs);
    shown
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
        for value in ["12\n34", "123456\n", "123456\r\n", "\u{0}"] {
            let mut call = Call::new(&OP, &base, &["x"]);
            call.header("x-peertube-otp", &value);
            let error = call.check().unwrap_err();
            assert!(
                matches!(&error, Error::InvalidArgument { argument, .. } if argument == "x-peertube-otp"),
                "{value:?}: {error}"
            );
        }
    }

    #[test]
    fn path_parameters_that_would_change_the_endpoint_are_refused() {
        let base = reqwest::Url::parse("https://tube.example/peertube/").unwrap();
        for value in ["", ".", "..", "a\r\nb", "a\tb", "\u{7f}"] {
            let call = Call::new(&OP, &base, &["api", "v1", "things", value]);
            let error = call.check().unwrap_err();
            assert!(
                matches!(&error, Error::InvalidArgument { argument, .. } if argument == "id"),
                "{value:?}: {error}"
            );
        }
        for value in ["...", "a.b", "%2e%2e", "a/..", " "] {
            let call = Call::new(&OP, &base, &["api", "v1", "things", value]);
            assert!(call.check().is_ok(), "{value:?}");
            assert!(
                call.url.path().starts_with("/peertube/api/v1/things/"),
                "{}",
                call.url
            );
            assert_eq!(call.url.path_segments().unwrap().count(), 5, "{}", call.url);
        }
    }

    #[test]
    fn secret_query_values_are_redacted_and_make_credentials() {
        let base = reqwest::Url::parse("https://tube.example").unwrap();
        let mut call = Call::new(&OP, &base, &["x"]);
        call.query("count", &5i64);
        call.query(
            "videoFileToken",
            &super::super::secret::Secret::new("s3cr3t t&ken"),
        );
        assert!(call.has_credentials());
        let shown = redact(&call.url, &call.secret_query).to_string();
        assert_eq!(shown, "https://tube.example/x?count=5&videoFileToken=***");
        let plain = Call::new(&OP, &base, &["x"]);
        assert!(!plain.has_credentials());
        let with_user = reqwest::Url::parse("https://bob:pw@tube.example/a?b=c").unwrap();
        assert_eq!(
            redact(&with_user, &[]).as_str(),
            "https://tube.example/a?b=c"
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

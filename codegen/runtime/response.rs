//! Reading responses: bodies in the documented format, or errors that say what came instead.

use std::str::FromStr;
use std::time::{Duration, SystemTime};

use super::download::Download;
use super::error::{ApiError, DecodeError, Error, OperationInfo, Problem, excerpt, mask_secrets};
use super::http::Response;
use super::json::{self, FromJson};

const EXCERPT: usize = 2048;

fn content_type(response: &Response) -> Option<String> {
    let value = response.headers().get(reqwest::header::CONTENT_TYPE)?;
    Some(String::from_utf8_lossy(value.as_bytes()).into_owned())
}

fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// The response itself when its status is a success, else the error it carries.
async fn success(operation: &'static OperationInfo, response: Response) -> Result<Response, Error> {
    if response.status().is_success() {
        Ok(response)
    } else {
        Err(error(operation, response).await)
    }
}

/// A JSON body of type `T`, from a successful response.
pub(crate) async fn json<T: FromJson>(
    operation: &'static OperationInfo,
    response: Response,
) -> Result<T, Error> {
    json_body(operation, response).await?.decode()
}

/// A successful response's JSON body, not yet decoded.
pub(crate) async fn json_body(
    operation: &'static OperationInfo,
    response: Response,
) -> Result<Received, Error> {
    let response = success(operation, response).await?;
    let status = response.status().as_u16();
    let found = content_type(&response);
    if !found.as_deref().is_some_and(is_json) {
        return Err(Error::UnexpectedContentType {
            operation,
            status,
            expected: "application/json",
            found,
        });
    }
    let secret_fields = response.secret_fields();
    let bytes = response.bytes().await?;
    Ok(Received {
        operation,
        status,
        bytes,
        secret_fields,
    })
}

/// A successful response's body, read.
pub(crate) struct Received {
    pub(crate) operation: &'static OperationInfo,
    pub(crate) status: u16,
    pub(crate) bytes: bytes::Bytes,
    /// The fields whose values an error must not quote.
    pub(crate) secret_fields: &'static [&'static str],
}

impl Received {
    /// The body as JSON of type `T`.
    pub(crate) fn decode<T: FromJson>(self) -> Result<T, Error> {
        decode(self.operation, self.status, &self.bytes, self.secret_fields)
    }
}

/// Decodes a JSON body, saying where it does not fit `T` (and quoting its start, the values of
/// `secret_fields` masked).
pub(crate) fn decode<T: FromJson>(
    operation: &'static OperationInfo,
    status: u16,
    bytes: &[u8],
    secret_fields: &[&str],
) -> Result<T, Error> {
    // Compiled once per `T`: only the call to `from_json`; the rest is in plain functions.
    let failure = Failure {
        operation,
        status,
        bytes,
        secret_fields,
        expected: std::any::type_name::<T>(),
    };
    match json::from_slice(bytes) {
        Ok(decoded) => Ok(decoded),
        Err(json::FromSliceError::Syntax(e)) => Err(failure.not_json(&e)),
        Err(json::FromSliceError::Shape(e)) => Err(failure.does_not_fit(&e)),
    }
}

/// What a decoding error quotes.
struct Failure<'b> {
    operation: &'static OperationInfo,
    status: u16,
    bytes: &'b [u8],
    secret_fields: &'b [&'b str],
    /// The full name of the expected type.
    expected: &'static str,
}

impl Failure<'_> {
    fn not_json(&self, e: &serde_json::Error) -> Error {
        self.error(path_at(self.bytes, e.line(), e.column()), e.to_string())
    }

    fn does_not_fit(&self, e: &json::JsonError) -> Error {
        let path = match e.path() {
            path if path.is_empty() => ".".to_owned(),
            path => path,
        };
        self.error(path, e.message().to_owned())
    }

    fn error(&self, path: String, message: String) -> Error {
        Error::Decode(Box::new(DecodeError {
            operation: self.operation,
            status: self.status,
            expected: short_type_name(self.expected),
            path,
            message,
            body: quote(self.bytes, self.secret_fields),
        }))
    }
}

/// The start of a body, to quote in an error: at most 2 KiB, secrets masked.
fn quote(bytes: &[u8], secret_fields: &[&str]) -> String {
    let text = String::from_utf8_lossy(bytes);
    excerpt(&mask_secrets(&text, secret_fields), EXCERPT)
}

/// The JSON path (`data[3].channel.id`) of the position serde_json reports in a body that is
/// not JSON at all (1-based line, column in bytes), found by scanning the text. (Values that
/// do not fit their type know their own path: see `json::JsonError`.)
fn path_at(text: &[u8], line: usize, column: usize) -> String {
    enum Frame {
        Object(Option<String>),
        Array(usize),
    }
    let line_start = match line {
        0 | 1 => 0,
        n => text
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(n - 2)
            .map_or(text.len(), |(i, _)| i + 1),
    };
    let offset = line_start + column;
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while let Some(&byte) = text.get(i) {
        match byte {
            b'{' | b'[' if i >= offset => break,
            b'{' => stack.push(Frame::Object(None)),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                let at_error = i + 1 >= offset;
                // An error at the end of a container (a missing field) is the container's.
                stack.pop();
                if at_error {
                    break;
                }
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array(index)) => *index += 1,
                Some(Frame::Object(key)) => *key = None,
                None => {}
            },
            b'"' => {
                let end = string_end(text, i);
                let is_key = matches!(stack.last(), Some(Frame::Object(None)))
                    && text
                        .get(end..)
                        .and_then(|rest| rest.iter().find(|b| !b.is_ascii_whitespace()))
                        == Some(&b':');
                if is_key && let Some(Frame::Object(key)) = stack.last_mut() {
                    let raw = text.get(i..end).unwrap_or_default();
                    *key = Some(serde_json::from_slice(raw).unwrap_or_else(|_| {
                        String::from_utf8_lossy(raw).trim_matches('"').to_owned()
                    }));
                }
                if end >= offset {
                    break;
                }
                i = end;
                continue;
            }
            b if b.is_ascii_whitespace() || b == b':' => {}
            _ => {
                // A number, `true`, `false` or `null`.
                let end = text
                    .iter()
                    .skip(i)
                    .position(|b| matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace())
                    .map_or(text.len(), |n| i + n);
                if end >= offset {
                    break;
                }
                i = end;
                continue;
            }
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object(None) => {}
            Frame::Array(index) => path.push_str(&format!("[{index}]")),
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

/// The index just after the string that starts at `start` (a `"`).
fn string_end(text: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while let Some(&byte) = text.get(i) {
        match byte {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    text.len()
}

/// `peertube_client::types::Video` as `Video`, `Vec<peertube_client::types::Video>` as `Vec<Video>`.
fn short_type_name(full: &'static str) -> &'static str {
    full.rsplit("::")
        .next()
        .filter(|_| !full.contains('<'))
        .unwrap_or(full)
}

/// A text body (feeds), from a successful response.
pub(crate) async fn text(
    operation: &'static OperationInfo,
    response: Response,
) -> Result<String, Error> {
    success(operation, response).await?.text().await
}

/// A successful response whose body, if any, carries nothing the document describes.
pub(crate) async fn empty(
    operation: &'static OperationInfo,
    response: Response,
) -> Result<(), Error> {
    success(operation, response).await?.bytes().await.map(drop)
}

/// A successful response's body, to be read by the caller.
pub(crate) async fn download(
    operation: &'static OperationInfo,
    response: Response,
) -> Result<Download, Error> {
    success(operation, response)
        .await
        .map(|response| Download::new(operation, response))
}

/// A documented response header, parsed.
pub(crate) fn header<T: FromStr>(
    operation: &'static OperationInfo,
    response: &Response,
    name: &'static str,
) -> Result<Option<T>, Error>
where
    T::Err: std::fmt::Display,
{
    let Some(value) = response.headers().get(name) else {
        return Ok(None);
    };
    let text = value.to_str().map_err(|_| Error::Header {
        operation,
        name,
        message: "the value is not text".to_owned(),
    })?;
    text.parse().map(Some).map_err(|e: T::Err| Error::Header {
        operation,
        name,
        message: format!("`{text}`: {e}"),
    })
}

/// The error for a response whose status is not the operation's success. Its body is read up
/// to the client's `max_error_body_size`.
pub(crate) async fn error(operation: &'static OperationInfo, response: Response) -> Error {
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| retry_after(value, SystemTime::now()));
    let secret_fields = response.secret_fields();
    let (bytes, cut) = response.error_bytes().await;
    let mut error = api_error(operation, status, &bytes, secret_fields);
    if let Error::Api(e) | Error::UnexpectedStatus(e) = &mut error {
        e.retry_after = retry_after;
        if cut && let Some(body) = &mut e.body {
            body.push_str(" (body cut: longer than the client reads)");
        }
    }
    error
}

/// An error status response: [`Error::Api`] when the body is a problem document or the
/// document lists the status, else [`Error::UnexpectedStatus`].
pub(crate) fn api_error(
    operation: &'static OperationInfo,
    status: u16,
    bytes: &[u8],
    secret_fields: &[&str],
) -> Error {
    let problem = Problem::parse(bytes);
    let body = match problem {
        Some(_) => None,
        None => Some(quote(bytes, secret_fields)),
    };
    let documented = status >= 400 && operation.meaning(status).is_some();
    let is_problem = problem.is_some();
    let error = Box::new(ApiError {
        operation,
        status,
        problem,
        body,
        retry_after: None,
    });
    if (documented || is_problem) && status >= 400 {
        Error::Api(error)
    } else {
        Error::UnexpectedStatus(error)
    }
}

/// A `Retry-After` value: seconds, or an HTTP date (RFC 9110), as a wait from `now`.
fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(at.timestamp()).ok()?);
    Some(at.duration_since(now).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    static OP: OperationInfo = OperationInfo {
        name: "get_video",
        method: "GET",
        path: "/api/v1/videos/{id}",
        responses: &[(200, "ok"), (404, "not found")],
    };

    use crate::runtime::json::{Context, JsonError, Node, Object};

    #[derive(Debug)]
    #[allow(dead_code)]
    struct Video {
        id: i64,
        channel: Channel,
    }

    impl FromJson for Video {
        fn from_json(value: Node<'_>, cx: &mut Context) -> Result<Self, JsonError> {
            let mut object = Object::new(value, cx, "Video")?;
            let video = Video {
                id: object.required("id")?,
                channel: object.required("channel")?,
            };
            object.finish();
            Ok(video)
        }
    }

    #[derive(Debug)]
    #[allow(dead_code)]
    struct Channel {
        id: i64,
        name: Option<String>,
    }

    impl FromJson for Channel {
        fn from_json(value: Node<'_>, cx: &mut Context) -> Result<Self, JsonError> {
            let mut object = Object::new(value, cx, "Channel")?;
            let channel = Channel {
                id: object.required("id")?,
                name: object.optional("name")?,
            };
            object.finish();
            Ok(channel)
        }
    }

    #[derive(Debug)]
    #[allow(dead_code)]
    struct Page {
        total: i64,
        data: Vec<std::collections::BTreeMap<String, Channel>>,
    }

    impl FromJson for Page {
        fn from_json(value: Node<'_>, cx: &mut Context) -> Result<Self, JsonError> {
            let mut object = Object::new(value, cx, "Page")?;
            let page = Page {
                total: object.required("total")?,
                data: object.required("data")?,
            };
            object.finish();
            Ok(page)
        }
    }

    #[test]
    fn decode_errors_carry_the_json_path_and_the_type() {
        let err = decode::<Vec<Video>>(
            &OP,
            200,
            br#"[{"id":1,"channel":{"id":2}},{"id":2,"channel":{"id":"x"}}]"#,
            &[],
        )
        .unwrap_err();
        let Error::Decode(e) = &err else {
            panic!("{err}")
        };
        assert_eq!(e.path, "[1].channel.id");
        assert!(
            e.message == r#"expected an integer (i64), found the string "x""#,
            "{}",
            e.message
        );
        assert!(err.to_string().contains("at `[1].channel.id`"), "{err}");
    }

    #[test]
    fn documented_and_undocumented_statuses_differ() {
        let documented = api_error(
            &OP,
            404,
            br#"{"status":404,"detail":"Video not found"}"#,
            &[],
        );
        assert!(
            matches!(documented, Error::Api(ref e) if e.problem.as_ref().unwrap().detail.as_deref() == Some("Video not found"))
        );
        let undocumented = api_error(&OP, 500, b"<html>oops</html>", &[]);
        assert!(
            matches!(undocumented, Error::UnexpectedStatus(ref e) if e.body.as_deref() == Some("<html>oops</html>"))
        );
    }

    #[test]
    fn paths_of_decoding_errors() {
        let cases: &[(&str, &str)] = &[
            (r#"{"total": "2", "data": []}"#, "total"),
            (
                r#"{"total": 2, "data": [{"a": {"id": 1, "name": "x"}}, {"b \" c": {"id": null, "name": "y"}}]}"#,
                "data[1].b \" c.id",
            ),
            (
                "{\n  \"total\": 1,\n  \"data\": [\n    {\"a\": {\"id\": 1, \"name\": 7}}\n  ]\n}",
                "data[0].a.name",
            ),
            (
                r#"{"total": 1, "data": [{"a": {"name": "x"}}]}"#,
                "data[0].a",
            ),
            ("{\"total\": 1, \"data\": [{\"a\": {\"id\": 1,", "data[0].a"),
            (r#"[]"#, "."),
        ];
        for (body, expected) in cases {
            let err = decode::<Page>(&OP, 200, body.as_bytes(), &[]).unwrap_err();
            let Error::Decode(e) = &err else {
                panic!("{err}")
            };
            assert_eq!(e.path, *expected, "{body}: {}", e.message);
        }
    }

    #[test]
    fn problem_documents_are_api_errors_whatever_the_status() {
        let undocumented = api_error(&OP, 403, br#"{"status":403,"code":"video_requires_password","detail":"Video requires a password"}"#, &[]);
        let Error::Api(e) = &undocumented else {
            panic!("{undocumented}")
        };
        assert_eq!(e.raw_code(), Some("video_requires_password"));
        assert_eq!(e.status, 403);
        let other_json = api_error(&OP, 409, br#"{"id":3}"#, &[]);
        assert!(
            matches!(other_json, Error::UnexpectedStatus(_)),
            "{other_json}"
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_400);
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::from_secs(80))
        );
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        assert_eq!(retry_after("soon", now), None);
    }

    #[test]
    fn quoted_bodies_mask_secrets() {
        let err = decode::<Video>(
            &OP,
            200,
            br#"{"id":"x","streamKey":"stream-key-secret"}"#,
            &["streamKey"],
        )
        .unwrap_err();
        assert!(!format!("{err:?}").contains("stream-key-secret"), "{err:?}");
        let err = api_error(&OP, 500, br#"{"password":"pw-secret"}"#, &["password"]);
        assert!(!format!("{err:?}").contains("pw-secret"), "{err:?}");
    }

    #[test]
    fn json_media_types() {
        assert!(is_json("application/json; charset=utf-8"));
        assert!(is_json("application/problem+json"));
        assert!(!is_json("text/html"));
    }
}

//! Errors of API calls: what was expected, and what came.
//!
//! No error shows a secret: URLs are shown with the values of secret query parameters
//! replaced by `***`, base URLs without their user info, and token responses not at all.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

/// An operation of the API, as errors name it.
#[derive(Debug)]
pub struct OperationInfo {
    /// The method of [`Client`](crate::Client) that calls it.
    pub name: &'static str,
    pub method: &'static str,
    /// The path template, as the API document writes it.
    pub path: &'static str,
    /// Every status the API document lists for the operation, with what it means.
    pub responses: &'static [(u16, &'static str)],
}

impl OperationInfo {
    /// The statuses the document lists, in its order.
    pub fn documented_statuses(&self) -> impl Iterator<Item = u16> + '_ {
        self.responses.iter().map(|(status, _)| *status)
    }

    /// What the document says `status` means for this operation.
    pub fn meaning(&self, status: u16) -> Option<&'static str> {
        self.responses
            .iter()
            .find(|(s, _)| *s == status)
            .map(|(_, meaning)| *meaning)
    }
}

impl fmt::Display for OperationInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} {})", self.name, self.method, self.path)
    }
}

/// Everything that can go wrong with a call.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The base URL given to the client is not usable (shown without any user info).
    InvalidBaseUrl { url: String, reason: String },
    /// Another setting of the client is not usable (a user agent HTTP does not allow, say).
    Settings { message: String },
    /// The server answered with an error status: one the API document lists for the
    /// operation, or any error status with a problem document (PeerTube's error body).
    Api(Box<ApiError>),
    /// The server answered with a status the API document does not list for the operation,
    /// and no problem document (a proxy's error page, say).
    UnexpectedStatus(Box<ApiError>),
    /// The response's media type is not the one the API document describes.
    UnexpectedContentType {
        operation: &'static OperationInfo,
        status: u16,
        expected: &'static str,
        found: Option<String>,
    },
    /// The response's body does not decode into the type the API document describes.
    Decode(Box<DecodeError>),
    /// A response header the API document describes is malformed.
    Header {
        operation: &'static OperationInfo,
        name: &'static str,
        message: String,
    },
    /// An argument cannot be sent as it is: a path parameter that is empty, `.` or `..` (it
    /// would name another endpoint), a value with control characters (a line break, say).
    /// Nothing was sent.
    InvalidArgument {
        operation: &'static OperationInfo,
        /// The parameter or header.
        argument: String,
        reason: String,
    },
    /// The request could not be built: a body that cannot be encoded, a file that cannot be
    /// read.
    Request {
        operation: &'static OperationInfo,
        message: String,
    },
    /// A redirect was not followed: to another origin with a body or credentials, or one
    /// redirect too many (see [`Client`](crate::Client#redirects)).
    Redirect {
        operation: &'static OperationInfo,
        status: u16,
        /// Where the server redirected to (secret query values shown as `***`).
        location: String,
        reason: &'static str,
    },
    /// The server sent nothing for longer than the client's read timeout (or a refresh of
    /// the session took longer than its deadline).
    Timeout {
        operation: &'static OperationInfo,
        /// What the client was waiting for: `the response`, `more of the body`, ...
        waiting_for: &'static str,
        after: Duration,
    },
    /// The response's body is longer than the client reads (see
    /// [`ClientBuilder::max_body_size`](crate::ClientBuilder::max_body_size)).
    BodyTooLarge {
        operation: &'static OperationInfo,
        status: u16,
        limit: u64,
    },
    /// A list read page by page got a page that repeats the one before it: the server
    /// ignores `start`, and the stream would never end.
    PageRepeated {
        operation: &'static OperationInfo,
        start: i64,
    },
    /// Logging in or refreshing the session is not possible (no refresh token, no OAuth flow).
    Auth { message: String },
    /// The session ended: the server refused its refresh token. Log in again (every request
    /// fails with this error until then, or until [`Client::logout`](crate::Client::logout)).
    SessionExpired { cause: Arc<Error> },
    /// The session's access token expired and refreshing it failed for a reason that may pass
    /// (no answer, a server error, a rate limit): the session is kept, and the next call tries
    /// again. Every request that waited for that refresh gets this same error.
    Refresh { cause: Arc<Error> },
    /// The request could not be sent, or the response could not be received (connection,
    /// TLS, connect timeout).
    Transport {
        operation: &'static OperationInfo,
        source: reqwest::Error,
    },
}

/// An error status, with PeerTube's problem document when the server sent one.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub operation: &'static OperationInfo,
    pub status: u16,
    /// The server's problem document (`application/problem+json`), if it sent one.
    pub problem: Option<Problem>,
    /// The body as received when it was not a problem document (at most 2 KiB).
    pub body: Option<String>,
    /// How long the server asks to wait before trying again (`Retry-After`, sent with
    /// `429 Too Many Requests` and `503 Service Unavailable`).
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// What the API document says this status means for the operation.
    pub fn meaning(&self) -> Option<&'static str> {
        self.operation.meaning(self.status)
    }

    /// The `code` of the problem document, as the server wrote it (typed: `code()`).
    pub fn raw_code(&self) -> Option<&str> {
        self.problem.as_ref()?.code.as_deref()
    }
}

/// PeerTube's error body: an RFC 7807 problem document, with `code` where the status alone
/// is ambiguous.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Problem {
    /// A URL naming the kind of problem.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    /// What went wrong, for a person.
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(default)]
    pub status: Option<u16>,
    /// PeerTube's code for the error, as sent (`Error::code` gives it typed).
    #[serde(default)]
    pub code: Option<String>,
    /// The documentation of the operation.
    #[serde(default)]
    pub docs: Option<String>,
    #[serde(default)]
    pub instance: Option<String>,
    /// Any other member (validation errors list the invalid parameters here).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Problem {
    /// The body as a problem document: a JSON object with at least one of the members RFC
    /// 7807 or PeerTube define (any JSON object would decode, all members being optional).
    pub(crate) fn parse(body: &[u8]) -> Option<Problem> {
        let problem: Problem = serde_json::from_slice(body).ok()?;
        let any = problem.kind.is_some()
            || problem.title.is_some()
            || problem.detail.is_some()
            || problem.status.is_some()
            || problem.code.is_some();
        any.then_some(problem)
    }
}

/// A body that does not decode into the documented type.
#[derive(Debug, Clone)]
pub struct DecodeError {
    pub operation: &'static OperationInfo,
    pub status: u16,
    /// The Rust type the body should have decoded into.
    pub expected: &'static str,
    /// Where in the body decoding failed, as a JSON path (`data[3].channel.id`).
    pub path: String,
    pub message: String,
    /// The start of the body (at most 2 KiB).
    pub body: String,
}

impl Error {
    /// The error status response, for [`Error::Api`] and [`Error::UnexpectedStatus`] (and
    /// the cause of [`Error::SessionExpired`] and [`Error::Refresh`]).
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) | Error::UnexpectedStatus(e) => Some(e),
            Error::SessionExpired { cause } | Error::Refresh { cause } => cause.api_error(),
            _ => None,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) | Error::UnexpectedStatus(e) => Some(e.status),
            Error::UnexpectedContentType { status, .. }
            | Error::Redirect { status, .. }
            | Error::BodyTooLarge { status, .. } => Some(*status),
            Error::Decode(e) => Some(e.status),
            Error::SessionExpired { cause } | Error::Refresh { cause } => cause.status(),
            _ => None,
        }
    }

    /// How long the server asks to wait before trying again, if it said (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.api_error()?.retry_after
    }

    /// Whether the request ran out of time: the client's read timeout, or reqwest's connect
    /// or total timeout.
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Timeout { .. } => true,
            Error::Transport { source, .. } => source.is_timeout(),
            Error::Refresh { cause } => cause.is_timeout(),
            _ => false,
        }
    }
}

fn write_statuses(f: &mut fmt::Formatter<'_>, operation: &OperationInfo) -> fmt::Result {
    let statuses: Vec<String> = operation
        .documented_statuses()
        .map(|s| s.to_string())
        .collect();
    if statuses.is_empty() {
        f.write_str("no status listed")
    } else {
        write!(f, "one of {}", statuses.join(", "))
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "status {}", self.status)?;
        if let Some(meaning) = self.meaning() {
            write!(f, " ({meaning})")?;
        }
        match &self.problem {
            Some(problem) => {
                if let Some(code) = &problem.code {
                    write!(f, " [{code}]")?;
                }
                if let Some(text) = problem.detail.as_ref().or(problem.title.as_ref()) {
                    write!(f, ": {text}")?;
                }
            }
            None => {
                if let Some(body) = self.body.as_ref().filter(|b| !b.trim().is_empty()) {
                    write!(f, ": {}", body.trim())?;
                }
            }
        }
        if let Some(wait) = self.retry_after {
            write!(f, " (retry after {} s)", wait.as_secs())?;
        }
        Ok(())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidBaseUrl { url, reason } => {
                write!(f, "invalid base URL `{url}`: {reason}")
            }
            Error::Settings { message } => write!(f, "invalid client settings: {message}"),
            Error::Api(e) => write!(f, "{} failed with {e}", e.operation),
            Error::UnexpectedStatus(e) => {
                write!(f, "{}: expected ", e.operation)?;
                write_statuses(f, e.operation)?;
                write!(f, ", got {e}")
            }
            Error::UnexpectedContentType {
                operation,
                status,
                expected,
                found,
            } => write!(
                f,
                "{operation}: expected a `{expected}` body with status {status}, got {}",
                found
                    .as_deref()
                    .map_or("no Content-Type".to_owned(), |ct| format!("`{ct}`"))
            ),
            Error::Decode(e) => write!(
                f,
                "{}: the body of the status {} response is not a valid `{}`: at `{}`: {}",
                e.operation, e.status, e.expected, e.path, e.message
            ),
            Error::Header {
                operation,
                name,
                message,
            } => write!(f, "{operation}: response header `{name}`: {message}"),
            Error::InvalidArgument {
                operation,
                argument,
                reason,
            } => write!(f, "{operation}: `{argument}` {reason}; nothing was sent"),
            Error::Request { operation, message } => {
                write!(f, "{operation}: cannot build the request: {message}")
            }
            Error::Redirect {
                operation,
                status,
                location,
                reason,
            } => write!(
                f,
                "{operation}: status {status} redirects to `{location}`, not followed: {reason}"
            ),
            Error::Timeout {
                operation,
                waiting_for,
                after,
            } => write!(
                f,
                "{operation}: timed out after {} waiting for {waiting_for}",
                seconds(*after)
            ),
            Error::BodyTooLarge {
                operation,
                status,
                limit,
            } => write!(
                f,
                "{operation}: the body of the status {status} response is longer than the \
                 client reads ({limit} bytes)"
            ),
            Error::PageRepeated { operation, start } => write!(
                f,
                "{operation}: the page from item {start} repeats the page before it (the server \
                 ignores `start`); the list stops here"
            ),
            Error::Auth { message } => write!(f, "cannot authenticate: {message}"),
            Error::SessionExpired { cause } => write!(
                f,
                "the session expired and the server refused to refresh it: log in again ({cause})"
            ),
            Error::Refresh { cause } => {
                write!(f, "the session could not be refreshed: {cause}")
            }
            Error::Transport { operation, source } => write!(f, "{operation}: {source}"),
        }
    }
}

/// `1.5 s`, `30 s`, `250 ms`.
fn seconds(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{} ms", duration.as_millis())
    } else if duration.subsec_millis() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            Error::SessionExpired { cause } | Error::Refresh { cause } => Some(&**cause),
            _ => None,
        }
    }
}

/// `text` with the string values of the JSON members named in `fields` replaced by `***`,
/// whether or not the text is valid JSON (it may be cut, or be what did not decode).
pub(crate) fn mask_secrets(text: &str, fields: &[&str]) -> String {
    let mut masked = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('"') {
        let (before, from_quote) = rest.split_at(start);
        masked.push_str(before);
        let end = string_end(from_quote);
        let (string, after) = from_quote.split_at(end);
        masked.push_str(string);
        rest = after;
        let name = string.trim_start_matches('"').trim_end_matches('"');
        let value = after.trim_start();
        let is_secret = fields.contains(&name) && value.starts_with(':');
        if !is_secret {
            continue;
        }
        let value = value[1..].trim_start();
        if !value.starts_with('"') {
            continue;
        }
        let skipped = after.len() - value.len();
        masked.push_str(&after[..skipped]);
        masked.push_str("\"***\"");
        rest = &value[string_end(value)..];
    }
    masked.push_str(rest);
    masked
}

/// The length of the JSON string at the start of `text` (which starts with `"`), closing
/// quote included; the whole text if it is not closed.
fn string_end(text: &str) -> usize {
    let mut escaped = false;
    for (at, c) in text.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return at + 1,
            _ => {}
        }
    }
    text.len()
}

/// At most `limit` bytes of `text`, cut at a character boundary.
pub(crate) fn excerpt(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_owned();
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    static GET_VIDEO: OperationInfo = OperationInfo {
        name: "get_video",
        method: "GET",
        path: "/api/v1/videos/{id}",
        responses: &[(200, "successful operation"), (404, "video not found")],
    };

    #[test]
    fn messages_say_what_was_expected_and_what_came() {
        let problem: Problem = serde_json::from_str(
            r#"{"type":"https://docs.joinpeertube.org/x","status":404,"title":"Not Found","detail":"Video not found","code":"video_not_found"}"#,
        )
        .unwrap();
        let documented = Error::Api(Box::new(ApiError {
            operation: &GET_VIDEO,
            status: 404,
            problem: Some(problem),
            body: None,
            retry_after: None,
        }));
        assert_eq!(
            documented.to_string(),
            "get_video (GET /api/v1/videos/{id}) failed with status 404 (video not found) [video_not_found]: Video not found"
        );
        let unexpected = Error::UnexpectedStatus(Box::new(ApiError {
            operation: &GET_VIDEO,
            status: 418,
            problem: None,
            body: Some("teapot".into()),
            retry_after: None,
        }));
        assert_eq!(
            unexpected.to_string(),
            "get_video (GET /api/v1/videos/{id}): expected one of 200, 404, got status 418: teapot"
        );
        assert_eq!(unexpected.status(), Some(418));
    }

    #[test]
    fn problem_documents_need_a_member_of_their_own() {
        assert!(Problem::parse(br#"{"detail":"Video not found"}"#).is_some());
        assert!(Problem::parse(br#"{"code":"quota_reached"}"#).is_some());
        assert!(Problem::parse(br#"{"id":1,"name":"a video"}"#).is_none());
        assert!(Problem::parse(b"<html>502</html>").is_none());
        assert!(Problem::parse(b"[]").is_none());
    }

    #[test]
    fn causes_of_session_errors_are_reachable() {
        let refused = Error::Api(Box::new(ApiError {
            operation: &GET_VIDEO,
            status: 400,
            problem: Problem::parse(br#"{"code":"invalid_grant","detail":"Invalid grant"}"#),
            body: None,
            retry_after: None,
        }));
        let expired = Error::SessionExpired {
            cause: Arc::new(refused),
        };
        assert_eq!(expired.status(), Some(400));
        assert_eq!(
            expired.api_error().and_then(ApiError::raw_code),
            Some("invalid_grant")
        );
        assert!(expired.to_string().contains("log in again"), "{expired}");
        assert!(std::error::Error::source(&expired).is_some());
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(seconds(Duration::from_millis(250)), "250 ms");
        assert_eq!(seconds(Duration::from_secs(30)), "30 s");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
    }

    #[test]
    fn secret_values_are_masked_in_quoted_bodies() {
        let fields = ["streamKey", "password"];
        assert_eq!(
            mask_secrets(
                r#"{"streamKey": "k\"ey", "name":"password","password" :"pw","id":1}"#,
                &fields
            ),
            r#"{"streamKey": "***", "name":"password","password" :"***","id":1}"#
        );
        assert_eq!(
            mask_secrets(r#"{"streamKey":"cut off"#, &fields),
            r#"{"streamKey":"***""#
        );
        assert_eq!(
            mask_secrets(r#"{"password":null}"#, &fields),
            r#"{"password":null}"#
        );
        assert_eq!(mask_secrets("not json \"", &fields), "not json \"");
    }

    #[test]
    fn excerpts_cut_at_character_boundaries() {
        assert_eq!(excerpt("héllo", 2), "h…");
        assert_eq!(excerpt("short", 10), "short");
    }
}

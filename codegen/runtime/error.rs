//! Errors of API calls: what was expected, and what came.

use std::fmt;

use serde::Deserialize;

use crate::ErrorCode;

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
    /// The base URL given to the client is not usable.
    InvalidBaseUrl { url: String, reason: String },
    /// The server answered with an error status the API document lists for the operation.
    Api(Box<ApiError>),
    /// The server answered with a status the API document does not list for the operation.
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
    /// The request could not be built: a body that cannot be encoded, a file that cannot be
    /// read, a header value that is not valid in HTTP.
    Request {
        operation: &'static OperationInfo,
        message: String,
    },
    /// Logging in or refreshing the session is not possible (no refresh token, no OAuth flow).
    Auth { message: String },
    /// The request could not be sent, or the response could not be received (connection,
    /// TLS, timeout).
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
}

impl ApiError {
    /// What the API document says this status means for the operation.
    pub fn meaning(&self) -> Option<&'static str> {
        self.operation.meaning(self.status)
    }

    /// The code PeerTube uses to tell errors with one status apart (`invalid_token`, ...).
    pub fn code(&self) -> Option<&ErrorCode> {
        self.problem.as_ref()?.code.as_ref()
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
    #[serde(default)]
    pub code: Option<ErrorCode>,
    /// The documentation of the operation.
    #[serde(default)]
    pub docs: Option<String>,
    #[serde(default)]
    pub instance: Option<String>,
    /// Any other member (validation errors list the invalid parameters here).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
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
    /// The error status response, for [`Error::Api`] and [`Error::UnexpectedStatus`].
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) | Error::UnexpectedStatus(e) => Some(e),
            _ => None,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) | Error::UnexpectedStatus(e) => Some(e.status),
            Error::UnexpectedContentType { status, .. } => Some(*status),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// The code in the server's problem document, if any.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.api_error()?.code()
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
                    write!(f, " [{}]", code.as_str())?;
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
        Ok(())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidBaseUrl { url, reason } => {
                write!(f, "invalid base URL `{url}`: {reason}")
            }
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
            Error::Request { operation, message } => {
                write!(f, "{operation}: cannot build the request: {message}")
            }
            Error::Auth { message } => write!(f, "cannot authenticate: {message}"),
            Error::Transport { operation, source } => write!(f, "{operation}: {source}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            _ => None,
        }
    }
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
        }));
        assert_eq!(
            unexpected.to_string(),
            "get_video (GET /api/v1/videos/{id}): expected one of 200, 404, got status 418: teapot"
        );
        assert_eq!(unexpected.status(), Some(418));
    }

    #[test]
    fn excerpts_cut_at_character_boundaries() {
        assert_eq!(excerpt("héllo", 2), "h…");
        assert_eq!(excerpt("short", 10), "short");
    }
}

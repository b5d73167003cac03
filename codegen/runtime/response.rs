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
    match json::from_slice(bytes) {
        Ok(decoded) => Ok(decoded),
        // Not generic: compiled once, not per `T`.
        Err(e) => Err(decode_error(
            operation,
            status,
            bytes,
            secret_fields,
            std::any::type_name::<T>(),
            &e,
        )),
    }
}

fn decode_error(
    operation: &'static OperationInfo,
    status: u16,
    bytes: &[u8],
    secret_fields: &[&str],
    expected: &'static str,
    e: &json::JsonError,
) -> Error {
    let path = match e.path() {
        path if path.is_empty() => ".".to_owned(),
        path => path,
    };
    Error::Decode(Box::new(DecodeError {
        operation,
        status,
        expected: short_type_name(expected),
        path,
        message: e.message().to_owned(),
        body: quote(bytes, secret_fields),
    }))
}

/// The start of a body, to quote in an error: at most 2 KiB, secrets masked.
fn quote(bytes: &[u8], secret_fields: &[&str]) -> String {
    let text = String::from_utf8_lossy(bytes);
    excerpt(&mask_secrets(&text, secret_fields), EXCERPT)
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

    use crate::runtime::json::test_types::{Page, Video};

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

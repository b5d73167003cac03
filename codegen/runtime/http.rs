//! Sending calls: the one place where requests go out and responses come in, so that every
//! request (generated operations, the session's token requests, uploads) gets the same
//! redirect policy, timeouts, size limits and user agent, and errors that show no secret.
//!
//! - [`Http::send`] sends a [`Call`] with an optional bearer token, follows redirects as the
//!   policy below says, and returns the response once its head has arrived.
//! - [`Response`] reads the body: whole and bounded ([`Response::bytes`],
//!   [`Response::error_bytes`]), or as a stream ([`Response::into_stream`]); every read is
//!   under the read timeout.
//!
//! Redirects are followed here, not by reqwest (its policy strips only `Authorization` and
//! cookies, and would send a body and other credentials to any host): a redirect within the
//! configured server's origin is followed as HTTP says; one to another origin only by a call
//! without a body and without credentials of its own, and then without the session's token
//! and the call's headers.
//!
//! The read timeout is the client's own rather than reqwest's, whose timer for the response
//! head starts with the request and so cuts any upload longer than the timeout: here the
//! timer restarts whenever a piece of the request body goes out, and whenever a piece of the
//! response body comes in.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::{self, Either};
use futures_util::stream::{self, Stream, StreamExt};
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderValue, LOCATION,
    USER_AGENT,
};
use reqwest::{Method, StatusCode, Url};
use tokio::time::Instant;

use super::call::{Call, Payload, redact};
use super::error::{Error, OperationInfo};
use super::file::FilePart;
use super::multipart::PartValue;
use super::secret::Secret;

/// How many redirects one call follows at most.
pub(crate) const MAX_REDIRECTS: usize = 10;

/// Bodies longer than this are sent in pieces of this size, so that the read timeout restarts
/// as they go out.
const PIECE: usize = 64 * 1024;

/// The settings every request gets (see `ClientBuilder` for what each means).
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) connect_timeout: Duration,
    pub(crate) read_timeout: Duration,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_body_size: u64,
    pub(crate) max_error_body_size: u64,
    pub(crate) user_agent: HeaderValue,
    /// The JSON names of the fields that hold credentials.
    pub(crate) secret_fields: &'static [&'static str],
}

/// The HTTP side of a client: the connection pool, the server's base URL and the settings.
/// Cheap to clone.
#[derive(Clone)]
pub(crate) struct Http {
    client: reqwest::Client,
    base: Url,
    settings: Arc<Settings>,
}

impl Http {
    pub(crate) fn new(client: reqwest::Client, base: Url, settings: Settings) -> Http {
        Http {
            client,
            base,
            settings: Arc::new(settings),
        }
    }

    pub(crate) fn base_url(&self) -> &Url {
        &self.base
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Whether `url` is on the configured server (same scheme, host and port).
    pub(crate) fn is_own(&self, url: &Url) -> bool {
        url.origin() == self.base.origin()
    }

    /// A call of `operation` at the path made of `segments` (see [`Call::new`]).
    pub(crate) fn call(&self, operation: &'static OperationInfo, segments: &[&str]) -> Call {
        Call::new(operation, &self.base, segments)
    }

    /// Sends `call` with `token` as its bearer token, following redirects as the module's
    /// policy says, and returns the response, whatever its status, once its head has
    /// arrived. A call that cannot be sent (see [`Call::check`]) is an error before anything
    /// goes out.
    pub(crate) async fn send(
        &self,
        call: &Call,
        token: Option<&Secret>,
    ) -> Result<Response, Error> {
        call.check()?;
        let mut hop = Hop {
            url: call.url.clone(),
            method: call.method.clone(),
            whole: true,
        };
        let mut status = StatusCode::OK;
        for _ in 0..=MAX_REDIRECTS {
            let response = self.send_once(call, &hop, token).await?;
            status = response.status();
            let Some(next) = redirect_target(&response) else {
                return Ok(self.response(call, response));
            };
            let location = redact(&next, &call.secret_query).to_string();
            let refuse = |reason| Error::Redirect {
                operation: call.operation,
                status: status.as_u16(),
                location: location.clone(),
                reason,
            };
            let method = match status {
                StatusCode::SEE_OTHER if hop.method != Method::HEAD => Method::GET,
                StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND if hop.method == Method::POST => {
                    Method::GET
                }
                _ => hop.method.clone(),
            };
            if !self.is_own(&next) {
                if !call.payload.is_empty() {
                    return Err(refuse(
                        "the request has a body, which goes to the configured server only",
                    ));
                }
                if call.has_credentials() {
                    return Err(refuse(
                        "the request carries credentials, which go to the configured server only",
                    ));
                }
            }
            hop = Hop {
                url: next,
                whole: hop.whole && method == hop.method,
                method,
            };
        }
        Err(Error::Redirect {
            operation: call.operation,
            status: status.as_u16(),
            location: redact(&hop.url, &call.secret_query).to_string(),
            reason: "more than 10 redirects",
        })
    }

    /// Sends one request of a call, and waits for the response's head under the read
    /// timeout, which restarts as the request's body goes out.
    async fn send_once(
        &self,
        call: &Call,
        hop: &Hop,
        token: Option<&Secret>,
    ) -> Result<reqwest::Response, Error> {
        let activity = Arc::new(Activity::new());
        let request = self.build(call, hop, token, &activity).await?;
        self.execute(call, request, &activity).await
    }

    /// Sends `call` once with `body` in place of its payload: an upload's chunk, read from its
    /// source as it goes out, which cannot be sent again. A redirect is not followed (the
    /// caller reads a `308` as the upload protocol's answer); the read timeout restarts as the
    /// body goes out, as for any call.
    pub(crate) async fn send_stream<S>(
        &self,
        call: &Call,
        token: Option<&Secret>,
        body: S,
    ) -> Result<Response, Error>
    where
        S: Stream<Item = std::io::Result<Bytes>> + Send + 'static,
    {
        call.check()?;
        let hop = Hop {
            url: call.url.clone(),
            method: call.method.clone(),
            whole: true,
        };
        let activity = Arc::new(Activity::new());
        let mut request = self.build(call, &hop, token, &activity).await?;
        *request.body_mut() = Some(tracked(body, &activity));
        let response = self.execute(call, request, &activity).await?;
        Ok(self.response(call, response))
    }

    /// Executes a built request and waits for the response's head under the read timeout,
    /// which restarts with each piece of the request's body that goes out.
    async fn execute(
        &self,
        call: &Call,
        request: reqwest::Request,
        activity: &Arc<Activity>,
    ) -> Result<reqwest::Response, Error> {
        activity.touch();
        let sent = self.client.execute(request);
        let watchdog = activity.idle(self.settings.read_timeout);
        match future::select(pin!(sent), pin!(watchdog)).await {
            Either::Left((Ok(response), _)) => Ok(response),
            Either::Left((Err(source), _)) => Err(transport(call, source)),
            Either::Right(((), _)) => Err(Error::Timeout {
                operation: call.operation,
                waiting_for: "the response",
                after: self.settings.read_timeout,
            }),
        }
    }

    async fn build(
        &self,
        call: &Call,
        hop: &Hop,
        token: Option<&Secret>,
        activity: &Arc<Activity>,
    ) -> Result<reqwest::Request, Error> {
        let own = self.is_own(&hop.url);
        let mut builder = self.client.request(hop.method.clone(), hop.url.clone());
        if own && hop.whole {
            builder = builder.headers(call.headers.clone());
        }
        if !call.headers.contains_key(ACCEPT) || !own || !hop.whole {
            let accept = call
                .headers
                .get(ACCEPT)
                .cloned()
                .unwrap_or(HeaderValue::from_static("application/json"));
            builder = builder.header(ACCEPT, accept);
        }
        builder = builder.header(USER_AGENT, self.settings.user_agent.clone());
        if let (true, Some(token)) = (own, token) {
            let mut value =
                HeaderValue::try_from(format!("Bearer {}", token.expose())).map_err(|_| {
                    Error::Auth {
                        message: "the access token is not valid in an HTTP header".to_owned(),
                    }
                })?;
            value.set_sensitive(true);
            builder = builder.header(AUTHORIZATION, value);
        }
        if let Some(timeout) = self.settings.timeout {
            builder = builder.timeout(timeout);
        }
        if hop.whole {
            builder = self.body(call, builder, activity).await?;
        }
        builder.build().map_err(|source| transport(call, source))
    }

    async fn body(
        &self,
        call: &Call,
        builder: reqwest::RequestBuilder,
        activity: &Arc<Activity>,
    ) -> Result<reqwest::RequestBuilder, Error> {
        let with_type = |builder: reqwest::RequestBuilder, media_type| {
            builder.header(CONTENT_TYPE, HeaderValue::from_static(media_type))
        };
        Ok(match &call.payload {
            Payload::Empty => builder,
            Payload::Json(bytes) => with_type(builder, "application/json").body(bytes.clone()),
            Payload::Form(text) => {
                with_type(builder, "application/x-www-form-urlencoded").body(text.clone())
            }
            Payload::Binary(bytes) => {
                let builder = if call.headers.contains_key(CONTENT_TYPE) {
                    builder
                } else {
                    with_type(builder, "application/octet-stream")
                };
                builder
                    .header(CONTENT_LENGTH, bytes.len())
                    .body(tracked_bytes(bytes.clone(), activity))
            }
            Payload::Multipart(parts) => {
                let mut form = reqwest::multipart::Form::new();
                for (name, value) in parts {
                    form = match value {
                        PartValue::Text(text) => form.text(name.clone(), text.clone()),
                        PartValue::File(file) => {
                            let part =
                                file_part(file, activity)
                                    .await
                                    .map_err(|e| Error::Request {
                                        operation: call.operation,
                                        message: format!("file for part `{name}` ({file:?}): {e}"),
                                    })?;
                            form.part(name.clone(), part)
                        }
                    };
                }
                builder.multipart(form)
            }
        })
    }

    fn response(&self, call: &Call, inner: reqwest::Response) -> Response {
        Response {
            operation: call.operation,
            inner,
            read_ahead: None,
            secret_query: call.secret_query.clone(),
            settings: self.settings.clone(),
        }
    }
}

/// One request of a call: its own URL and method after redirects.
struct Hop {
    url: Url,
    method: Method,
    /// Whether it carries the call's body and headers (a redirect to `GET` drops them).
    whole: bool,
}

/// Where a redirect response points, if it is one the client follows.
fn redirect_target(response: &reqwest::Response) -> Option<Url> {
    let status = response.status();
    let followed = matches!(
        status,
        StatusCode::MOVED_PERMANENTLY
            | StatusCode::FOUND
            | StatusCode::SEE_OTHER
            | StatusCode::TEMPORARY_REDIRECT
            | StatusCode::PERMANENT_REDIRECT
    );
    if !followed {
        return None;
    }
    let location = response.headers().get(LOCATION)?.to_str().ok()?;
    let next = response.url().join(location).ok()?;
    matches!(next.scheme(), "http" | "https").then_some(next)
}

/// A transport error, with secrets taken out of the URL it shows.
fn transport(call: &Call, source: reqwest::Error) -> Error {
    transport_error(call.operation, &call.secret_query, source)
}

fn transport_error(
    operation: &'static OperationInfo,
    secret_query: &[String],
    source: reqwest::Error,
) -> Error {
    let source = match source.url().map(|url| redact(url, secret_query)) {
        Some(shown) => source.with_url(shown),
        None => source,
    };
    Error::Transport { operation, source }
}

/// When a request or its response last made progress: the read timeout counts from there.
struct Activity {
    start: Instant,
    /// Milliseconds from `start` to the last progress.
    last: AtomicU64,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            start: Instant::now(),
            last: AtomicU64::new(0),
        }
    }

    fn touch(&self) {
        let now = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.fetch_max(now, Ordering::Relaxed);
    }

    /// Completes once nothing happened for `timeout`.
    fn idle(self: &Arc<Self>, timeout: Duration) -> impl Future<Output = ()> + 'static {
        let activity = self.clone();
        async move {
            loop {
                let last =
                    activity.start + Duration::from_millis(activity.last.load(Ordering::Relaxed));
                let deadline = last + timeout;
                if Instant::now() >= deadline {
                    return;
                }
                tokio::time::sleep_until(deadline).await;
            }
        }
    }
}

/// A body sent in pieces, each restarting the read timeout as it goes out.
fn tracked_bytes(bytes: Bytes, activity: &Arc<Activity>) -> reqwest::Body {
    if bytes.len() <= PIECE {
        return reqwest::Body::from(bytes);
    }
    let pieces = (0..bytes.len())
        .step_by(PIECE)
        .map(move |at| Ok::<_, std::io::Error>(bytes.slice(at..(at + PIECE).min(bytes.len()))));
    tracked(stream::iter(pieces), activity)
}

fn tracked<S>(pieces: S, activity: &Arc<Activity>) -> reqwest::Body
where
    S: Stream<Item = std::io::Result<Bytes>> + Send + 'static,
{
    let activity = activity.clone();
    reqwest::Body::wrap_stream(pieces.inspect(move |_| activity.touch()))
}

async fn file_part(
    file: &FilePart,
    activity: &Arc<Activity>,
) -> std::io::Result<reqwest::multipart::Part> {
    let part = match file.bytes() {
        Some(bytes) => {
            let length = bytes.len() as u64;
            reqwest::multipart::Part::stream_with_length(tracked_bytes(bytes, activity), length)
        }
        None => {
            let (stream, length) = file.open().await?;
            reqwest::multipart::Part::stream_with_length(tracked(stream, activity), length)
        }
    };
    let part = match file.name() {
        Some(name) => part.file_name(name.to_owned()),
        None => part,
    };
    part.mime_str(&file.media_type())
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
}

/// A response whose head has arrived. Its body is read under the client's read timeout and,
/// when read whole, its size limits.
pub(crate) struct Response {
    operation: &'static OperationInfo,
    inner: reqwest::Response,
    /// The start of the body when it was read ahead, and whether there was more.
    read_ahead: Option<(Bytes, bool)>,
    secret_query: Vec<String>,
    settings: Arc<Settings>,
}

impl Response {
    pub(crate) fn status(&self) -> StatusCode {
        self.inner.status()
    }

    pub(crate) fn headers(&self) -> &HeaderMap {
        self.inner.headers()
    }

    /// The URL that answered (after redirects).
    pub(crate) fn url(&self) -> &Url {
        self.inner.url()
    }

    /// The JSON names of the fields that hold credentials, to mask in quoted bodies.
    pub(crate) fn secret_fields(&self) -> &'static [&'static str] {
        self.settings.secret_fields
    }

    pub(crate) fn content_length(&self) -> Option<u64> {
        self.inner.content_length()
    }

    /// The whole body, at most the client's `max_body_size` (a longer one is not read, past
    /// the limit or at all when its announced length is longer).
    pub(crate) async fn bytes(self) -> Result<Bytes, Error> {
        let limit = self.settings.max_body_size;
        let too_large = Error::BodyTooLarge {
            operation: self.operation,
            status: self.status().as_u16(),
            limit,
        };
        if self
            .inner
            .content_length()
            .is_some_and(|length| length > limit)
        {
            return Err(too_large);
        }
        match self.read(limit).await? {
            (body, false) => Ok(body),
            (_, true) => Err(too_large),
        }
    }

    /// At most the client's `max_error_body_size` bytes of an error response's body, and
    /// whether there was more (left unread). A body that cannot be read reads as empty: the
    /// status tells what happened.
    pub(crate) async fn error_bytes(self) -> (Bytes, bool) {
        let limit = self.settings.max_error_body_size;
        self.read(limit).await.unwrap_or_default()
    }

    /// Reads an error response's body ahead, as [`Response::error_bytes`] does, and keeps
    /// it: later reads of the body give it again.
    pub(crate) async fn buffer_error_body(&mut self) -> &[u8] {
        if self.read_ahead.is_none() {
            let limit = self.settings.max_error_body_size;
            let read = self.read_body(limit).await.unwrap_or_default();
            self.read_ahead = Some(read);
        }
        self.read_ahead.as_ref().map_or(&[], |(bytes, _)| bytes)
    }

    /// Reads the body up to `limit` bytes; `true` if it is longer (the rest is not read).
    async fn read(mut self, limit: u64) -> Result<(Bytes, bool), Error> {
        if let Some((bytes, cut)) = self.read_ahead.take() {
            return Ok((bytes, cut));
        }
        self.read_body(limit).await
    }

    async fn read_body(&mut self, limit: u64) -> Result<(Bytes, bool), Error> {
        let mut body = Vec::new();
        while let Some(chunk) = self.chunk().await? {
            if (body.len() + chunk.len()) as u64 > limit {
                let room = usize::try_from(limit).unwrap_or(usize::MAX) - body.len();
                body.extend_from_slice(&chunk[..room]);
                return Ok((Bytes::from(body), true));
            }
            body.extend_from_slice(&chunk);
        }
        Ok((Bytes::from(body), false))
    }

    /// The next piece of the body, under the read timeout.
    async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        if let Some((bytes, _)) = self.read_ahead.take() {
            return Ok(Some(bytes));
        }
        let timeout = self.settings.read_timeout;
        match tokio::time::timeout(timeout, self.inner.chunk()).await {
            Ok(Ok(chunk)) => Ok(chunk),
            Ok(Err(source)) => Err(transport_error(self.operation, &self.secret_query, source)),
            Err(_) => Err(Error::Timeout {
                operation: self.operation,
                waiting_for: "more of the body",
                after: timeout,
            }),
        }
    }

    /// The body as a stream of pieces, each under the read timeout (and no size limit: a
    /// download can be as long as it takes, as long as it keeps coming). It ends after an
    /// error.
    pub(crate) fn into_stream(self) -> stream::BoxStream<'static, Result<Bytes, Error>> {
        stream::unfold(Some(self), |response| async move {
            let mut response = response?;
            match response.chunk().await {
                Ok(Some(chunk)) => Some((Ok(chunk), Some(response))),
                Ok(None) => None,
                Err(error) => Some((Err(error), None)),
            }
        })
        .boxed()
    }

    /// The body as text, at most `max_body_size` bytes; invalid UTF-8 is replaced.
    pub(crate) async fn text(self) -> Result<String, Error> {
        let bytes = self.bytes().await?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("operation", &self.operation.name)
            .field("status", &self.status().as_u16())
            .field("url", &redact(self.url(), &self.secret_query).as_str())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_idle_watchdog_restarts_on_progress() {
        let activity = Arc::new(Activity::new());
        let started = Instant::now();
        let toucher = {
            let activity = activity.clone();
            async move {
                for _ in 0..6 {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    activity.touch();
                }
            }
        };
        future::join(toucher, activity.idle(Duration::from_millis(60))).await;
        // Progress every 20 ms for 120 ms kept it waiting past its 60 ms timeout, until 60 ms
        // after the last progress.
        assert_eq!(started.elapsed(), Duration::from_millis(180));
    }

    #[tokio::test(start_paused = true)]
    async fn the_idle_watchdog_fires_without_progress() {
        let activity = Arc::new(Activity::new());
        let started = Instant::now();
        activity.idle(Duration::from_secs(30)).await;
        assert_eq!(started.elapsed(), Duration::from_secs(30));
    }

    #[test]
    fn large_bodies_go_out_in_pieces() {
        let activity = Arc::new(Activity::new());
        let small = tracked_bytes(Bytes::from_static(b"{}"), &activity);
        assert_eq!(small.as_bytes(), Some(&b"{}"[..]));
        let large = tracked_bytes(Bytes::from(vec![0u8; PIECE * 2 + 1]), &activity);
        assert_eq!(large.as_bytes(), None, "streamed");
    }
}

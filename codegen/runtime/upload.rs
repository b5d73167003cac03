//! PeerTube's resumable uploads: a file sent in chunks, resumed from the server's offset after a
//! failure, in constant memory.
//!
//! The protocol (uploadx, as PeerTube 8.1 runs it): a `POST` of the metadata opens a session,
//! whose id comes back in `Location` (`?upload_id=...`); each `PUT` sends a chunk with
//! `Content-Range: bytes start-end/size` and is answered `308` with the bytes the server holds
//! (`Range: bytes=0-{n-1}`), until the last one gets the final answer. A `PUT` with
//! `Content-Range: bytes */size` and no body asks how many bytes the server holds; a `DELETE`
//! cancels. The server keeps the bytes of a chunk cut short, so an upload resumes from the
//! server's offset, not from the chunk's start.

mod source;

pub use source::UploadSource;

use std::fmt;
use std::future::{Future, IntoFuture};
use std::io;
use std::marker::PhantomData;
use std::pin::{Pin, pin};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::json::FromJson;
use futures_util::future::{self, Either};
use serde::{Deserialize, Serialize};

use super::Boxed;
use super::client::{self, Client};
use super::error::{Error, OperationInfo};
use super::http::Response;
use super::response;
use source::{Counted, Opened};

/// The chunk size when neither the caller nor the server sets one. Large enough that a
/// request's round trip costs little; a reader source holds one chunk in memory.
pub(crate) const DEFAULT_CHUNK_SIZE: u64 = 8 * 1024 * 1024;

/// How often a request in flight is looked at, for progress and stalls.
const TICK: Duration = Duration::from_millis(100);

/// The kinds of resumable upload PeerTube has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum UploadKind {
    /// A new video (`/api/v1/videos/upload-resumable`).
    Video,
    /// A new file for an existing video (`/api/v1/videos/{id}/source/replace-resumable`).
    SourceReplacement,
    /// An archive of a user's data (`/api/v1/users/{userId}/imports/import-resumable`).
    UserImport,
}

impl fmt::Display for UploadKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UploadKind::Video => "video upload",
            UploadKind::SourceReplacement => "video source replacement",
            UploadKind::UserImport => "user import",
        })
    }
}

/// The final answer of one kind of upload: it tells which kind a saved session must be to be
/// resumed with this answer type ([`Client::resume_upload`](crate::Client)).
pub trait UploadResponse: FromJson + Send + 'static {
    const KIND: UploadKind;
}

/// An upload session the server opened: what a later process needs to resume the upload
/// (or cancel it). Serialize it to keep it; it holds no secret (the upload id is of use only
/// with the uploader's access token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadSession {
    kind: UploadKind,
    /// The route's path segments under the base URL.
    path: Vec<String>,
    upload_id: String,
    size: u64,
}

impl UploadSession {
    pub fn kind(&self) -> UploadKind {
        self.kind
    }

    /// The id the server gave the upload.
    pub fn upload_id(&self) -> &str {
        &self.upload_id
    }

    /// The size of the file, in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    pub(crate) fn path(&self) -> &[String] {
        &self.path
    }
}

/// A route of resumable uploads, with the operations errors name.
pub(crate) struct Endpoint {
    pub(crate) kind: UploadKind,
    pub(crate) path: Vec<String>,
    pub(crate) init: &'static OperationInfo,
    pub(crate) chunk: &'static OperationInfo,
    pub(crate) cancel: &'static OperationInfo,
}

impl Endpoint {
    fn segments(&self) -> Vec<&str> {
        self.path.iter().map(String::as_str).collect()
    }
}

/// Asks the server for the largest chunk it takes (`None`: it sets none).
pub(crate) type ChunkSizeLookup = fn(Client) -> Boxed<Option<u64>>;

/// How an upload retries after a dropped connection, a stall or a `5xx`: at most `retries`
/// failures in a row without the server's offset moving on, waiting `initial_delay`, then
/// twice as long each time, up to `max_delay` (or what the server's `Retry-After` says, up to
/// `max_delay`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    retries: u32,
    initial_delay: Duration,
    max_delay: Duration,
}

impl RetryPolicy {
    pub const fn new(retries: u32, initial_delay: Duration, max_delay: Duration) -> Self {
        RetryPolicy {
            retries,
            initial_delay,
            max_delay,
        }
    }

    /// No retry: the first failure ends the upload (its session can still be resumed).
    pub const fn none() -> Self {
        RetryPolicy::new(0, Duration::ZERO, Duration::ZERO)
    }

    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// The wait before retry number `failure` (from 1).
    fn delay(&self, failure: u32, retry_after: Option<Duration>) -> Duration {
        let doubled = self
            .initial_delay
            .saturating_mul(1u32 << failure.saturating_sub(1).min(20));
        retry_after.unwrap_or(doubled).min(self.max_delay)
    }
}

impl Default for RetryPolicy {
    /// 10 retries, from 1 s to 60 s apart.
    fn default() -> Self {
        RetryPolicy::new(10, Duration::from_secs(1), Duration::from_secs(60))
    }
}

/// What an upload reports while it runs ([`Upload::on_event`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UploadEvent {
    /// The server opened the session, or found a saved one, and holds `offset` bytes. Keep the
    /// session to resume the upload in a later process.
    Started { session: UploadSession, offset: u64 },
    /// `sent` bytes of `total` have been handed to the connection. It never decreases: after a
    /// resumption it holds until the bytes sent again pass it, and it ends at `total`.
    Progress { sent: u64, total: u64 },
    /// A request failed (`reason`); failure `failure` of the `retries` allowed in a row. The
    /// upload resumes from the server's offset after `delay`.
    Retrying {
        failure: u32,
        retries: u32,
        delay: Duration,
        reason: String,
    },
    /// Asked after a failure, the server holds `offset` bytes.
    Resumed { offset: u64 },
}

/// Why an upload stopped. [`UploadError::session`] gives the server's session when there is
/// one, to resume the upload later or cancel it.
#[derive(Debug)]
pub struct UploadError {
    kind: UploadErrorKind,
    session: Option<UploadSession>,
}

/// What went wrong with an upload.
#[derive(Debug)]
#[non_exhaustive]
pub enum UploadErrorKind {
    /// The file cannot be read, is empty, or is not what the saved session expects.
    Source(io::Error),
    /// A request failed in a way that retrying does not mend: the server refused it (quota,
    /// media type, rights, an unknown upload), or it could not be built.
    Request(Error),
    /// Nothing moved for `after`: no byte taken by the connection, no answer.
    Stalled {
        operation: &'static OperationInfo,
        after: Duration,
    },
    /// The server's answer does not follow the protocol.
    Protocol {
        operation: &'static OperationInfo,
        expected: String,
        found: String,
    },
    /// `retries` failures in a row, with the server holding `offset` bytes: `last` is the last.
    RetriesExhausted {
        retries: u32,
        offset: u64,
        last: Box<UploadErrorKind>,
    },
    /// The server had every byte, then no longer knew the upload (PeerTube deletes it once it
    /// has taken the file in): the upload most likely succeeded, but its answer was lost.
    AnswerLost { last: Box<UploadErrorKind> },
    /// The saved session is of another kind of upload than the answer type asked for.
    WrongKind {
        saved: UploadKind,
        expected: UploadKind,
    },
    /// The upload was cancelled; `delete` is the error of the `DELETE` of its session if that
    /// failed.
    Cancelled { delete: Option<Error> },
}

impl UploadError {
    pub fn kind(&self) -> &UploadErrorKind {
        &self.kind
    }

    /// The server's session, if one was opened: resume it with
    /// [`Client::resume_upload`](crate::Client), or cancel it.
    pub fn session(&self) -> Option<&UploadSession> {
        self.session.as_ref()
    }

    pub fn into_kind(self) -> UploadErrorKind {
        self.kind
    }
}

impl fmt::Display for UploadErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UploadErrorKind::Source(e) => write!(f, "cannot read the file to upload: {e}"),
            UploadErrorKind::Request(e) => write!(f, "{e}"),
            UploadErrorKind::Stalled { operation, after } => write!(
                f,
                "{operation}: nothing sent and no answer for {} ms",
                after.as_millis()
            ),
            UploadErrorKind::Protocol {
                operation,
                expected,
                found,
            } => write!(f, "{operation}: expected {expected}, got {found}"),
            UploadErrorKind::RetriesExhausted {
                retries,
                offset,
                last,
            } => write!(
                f,
                "gave up after {retries} retries in a row, with {offset} bytes on the server; the last failure: {last}"
            ),
            UploadErrorKind::AnswerLost { last } => write!(
                f,
                "the server received the whole file, then no longer knew the upload: it most likely \
                 went through, but its answer was lost ({last})"
            ),
            UploadErrorKind::WrongKind { saved, expected } => {
                write!(f, "the saved session is of a {saved}, not of a {expected}")
            }
            UploadErrorKind::Cancelled { delete: None } => {
                f.write_str("the upload was cancelled and its session deleted")
            }
            UploadErrorKind::Cancelled { delete: Some(e) } => write!(
                f,
                "the upload was cancelled, but deleting its session failed: {e}"
            ),
        }
    }
}

impl fmt::Display for UploadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(session) = &self.session
            && !matches!(self.kind, UploadErrorKind::Cancelled { delete: None })
        {
            write!(f, " (upload id `{}`)", session.upload_id)?;
        }
        Ok(())
    }
}

impl std::error::Error for UploadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            UploadErrorKind::Source(e) => Some(e),
            UploadErrorKind::Request(e) | UploadErrorKind::Cancelled { delete: Some(e) } => Some(e),
            _ => None,
        }
    }
}

/// How an upload begins.
enum Start {
    New(Result<serde_json::Value, String>),
    Resume(UploadSession),
    /// Refused before any request, with the saved session if there is one.
    Refused(UploadErrorKind, Option<UploadSession>),
}

type EventHandler = Box<dyn FnMut(&UploadEvent) + Send>;
type Cancellation = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A resumable upload, to be configured, then awaited: it gives the server's final answer.
///
/// Memory stays constant: a file is streamed from disk chunk by chunk; a reader's current
/// chunk is held in memory. Dropping the future leaves the session on the server (resume it
/// later from [`UploadEvent::Started`]'s session); [`Upload::cancel_when`] deletes it.
#[must_use = "an upload does nothing until it is awaited"]
pub struct Upload<R> {
    client: Client,
    endpoint: Endpoint,
    source: UploadSource,
    start: Start,
    chunk_size: Option<u64>,
    chunk_size_lookup: Option<ChunkSizeLookup>,
    retry: RetryPolicy,
    stall_timeout: Duration,
    answer_timeout: Duration,
    on_event: Option<EventHandler>,
    cancel: Option<Cancellation>,
    answer: PhantomData<fn() -> R>,
}

impl<R> fmt::Debug for Upload<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upload")
            .field("kind", &self.endpoint.kind)
            .field("source", &self.source)
            .field("chunk_size", &self.chunk_size)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl<R> Upload<R> {
    /// A new upload, whose session is opened with `metadata`.
    pub(crate) fn new(
        client: &Client,
        endpoint: Endpoint,
        source: UploadSource,
        metadata: &impl Serialize,
        chunk_size_lookup: Option<ChunkSizeLookup>,
    ) -> Self {
        let metadata = serde_json::to_value(metadata)
            .map_err(|e| format!("the upload's metadata cannot be written as JSON: {e}"));
        Upload::with(
            client,
            endpoint,
            source,
            Start::New(metadata),
            chunk_size_lookup,
        )
    }

    /// The upload of a saved session, checked to be of the kind `expected`.
    pub(crate) fn resume(
        client: &Client,
        endpoint: Endpoint,
        session: UploadSession,
        expected: UploadKind,
        source: UploadSource,
        chunk_size_lookup: Option<ChunkSizeLookup>,
    ) -> Self {
        let start = if session.kind == expected {
            Start::Resume(session)
        } else {
            let kind = UploadErrorKind::WrongKind {
                saved: session.kind,
                expected,
            };
            Start::Refused(kind, Some(session))
        };
        Upload::with(client, endpoint, source, start, chunk_size_lookup)
    }

    fn with(
        client: &Client,
        endpoint: Endpoint,
        source: UploadSource,
        start: Start,
        chunk_size_lookup: Option<ChunkSizeLookup>,
    ) -> Self {
        Upload {
            client: client.clone(),
            endpoint,
            source,
            start,
            chunk_size: None,
            chunk_size_lookup,
            retry: RetryPolicy::default(),
            stall_timeout: Duration::from_secs(60),
            answer_timeout: Duration::from_secs(30 * 60),
            on_event: None,
            cancel: None,
            answer: PhantomData,
        }
    }

    /// The size of each chunk, in bytes (at least 1). By default: the largest the server
    /// takes (`client.videos.resumableUpload.maxChunkSize` of its configuration) when it sets
    /// one, at most 8 MiB for a reader source; else 8 MiB.
    pub fn chunk_size(mut self, bytes: u64) -> Self {
        self.chunk_size = Some(bytes.max(1));
        self
    }

    /// How failures are retried (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How long a request may go without the connection taking a byte, or without an answer
    /// once the chunk is sent, before it is given up and the upload resumed (default: 60 s).
    pub fn stall_timeout(mut self, timeout: Duration) -> Self {
        self.stall_timeout = timeout;
        self
    }

    /// How long to wait for the answer to the last chunk, which comes once the server has
    /// checked the whole file (default: 30 minutes).
    pub fn answer_timeout(mut self, timeout: Duration) -> Self {
        self.answer_timeout = timeout;
        self
    }

    /// Calls `handler` with each [`UploadEvent`]: progress, the session, retries.
    pub fn on_event(mut self, handler: impl FnMut(&UploadEvent) + Send + 'static) -> Self {
        self.on_event = Some(Box::new(handler));
        self
    }

    /// Cancels the upload when `signal` completes: the request in flight is dropped and the
    /// session deleted (`DELETE`); the upload ends with [`UploadErrorKind::Cancelled`].
    pub fn cancel_when(mut self, signal: impl Future<Output = ()> + Send + 'static) -> Self {
        self.cancel = Some(Box::pin(signal));
        self
    }
}

impl<R: FromJson + Send + 'static> IntoFuture for Upload<R> {
    type Output = Result<R, UploadError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(mut self) -> Self::IntoFuture {
        Box::pin(async move {
            let cancel = self.cancel.take();
            let session = Arc::new(Mutex::new(None));
            let client = self.client.clone();
            let (cancel_operation, path) = (self.endpoint.cancel, self.endpoint.path.clone());
            let run = Box::pin(Runner::run::<R>(self, session.clone()));
            let Some(cancel) = cancel else {
                return run.await;
            };
            match future::select(run, cancel).await {
                Either::Left((outcome, _)) => outcome,
                Either::Right(((), run)) => {
                    drop(run);
                    let session = session.lock().ok().and_then(|mut s| s.take());
                    let delete = match &session {
                        Some(session) => {
                            delete(&client, cancel_operation, &path, &session.upload_id)
                                .await
                                .err()
                        }
                        None => None,
                    };
                    Err(UploadError {
                        kind: UploadErrorKind::Cancelled { delete },
                        session,
                    })
                }
            }
        })
    }
}

/// Deletes an upload session.
pub(crate) async fn delete(
    client: &Client,
    operation: &'static OperationInfo,
    path: &[String],
    upload_id: &str,
) -> Result<(), Error> {
    let segments: Vec<&str> = path.iter().map(String::as_str).collect();
    let mut call = client.call(operation, &segments);
    call.query("upload_id", &upload_id);
    let response = client.send(call).await?;
    response::empty(operation, response).await
}

/// What the server said to a chunk or an offset query.
enum Answer<R> {
    /// It holds this many bytes.
    Stored(u64),
    /// The final answer.
    Done(R),
}

/// A failed request: whether to retry, and what the server asked to wait.
struct Failure {
    kind: UploadErrorKind,
    retry: bool,
    retry_after: Option<Duration>,
    /// `404`: the server no longer knows the upload.
    gone: bool,
}

impl Failure {
    fn stop(kind: UploadErrorKind) -> Failure {
        Failure {
            kind,
            retry: false,
            retry_after: None,
            gone: false,
        }
    }

    fn retry(kind: UploadErrorKind) -> Failure {
        Failure {
            retry: true,
            ..Failure::stop(kind)
        }
    }

    /// An error from sending: the connection's are retried, others are not.
    fn of(error: Error) -> Failure {
        if matches!(error, Error::Transport { .. }) {
            Failure::retry(UploadErrorKind::Request(error))
        } else {
            Failure::stop(UploadErrorKind::Request(error))
        }
    }
}

/// Statuses worth another try: the server is busy, overloaded or restarting, or the file is
/// locked by a write that has not yet noticed its connection is gone.
fn is_transient(status: u16) -> bool {
    matches!(status, 408 | 423 | 429 | 500..=599)
}

/// `Retry-After` in seconds (a date is ignored: the back-off applies).
fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get(reqwest::header::RETRY_AFTER)?;
    value
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// The bytes a server holds, from its `Range` header: `bytes=0-{n-1}`; `bytes=0--1` and no
/// header mean none.
fn stored_bytes(range: Option<&str>) -> Option<u64> {
    let Some(range) = range else {
        return Some(0);
    };
    let last = range.trim().strip_prefix("bytes=0-")?;
    if last == "-1" {
        return Some(0);
    }
    last.parse::<u64>().ok()?.checked_add(1)
}

/// The upload id in a `Location` header, a URI reference (`//host/path?upload_id=...`, a path,
/// or an absolute URL) resolved against the request's URL.
fn upload_id(location: &str, request: &reqwest::Url) -> Option<String> {
    let url = request.join(location.trim()).ok()?;
    url.query_pairs()
        .find(|(name, _)| name == "upload_id")
        .map(|(_, value)| value.into_owned())
        .filter(|id| !id.is_empty())
}

fn header<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
    response.headers().get(name)?.to_str().ok()
}

/// An upload under way.
struct Runner {
    client: Client,
    endpoint: Endpoint,
    retry: RetryPolicy,
    stall_timeout: Duration,
    answer_timeout: Duration,
    on_event: Option<EventHandler>,
    total: u64,
    /// The most progress reported.
    reported: u64,
    failures: u32,
}

impl Runner {
    async fn run<R: FromJson>(
        upload: Upload<R>,
        shared: Arc<Mutex<Option<UploadSession>>>,
    ) -> Result<R, UploadError> {
        let Upload {
            client,
            endpoint,
            source,
            start,
            chunk_size,
            chunk_size_lookup,
            retry,
            stall_timeout,
            answer_timeout,
            on_event,
            ..
        } = upload;
        let saved = match &start {
            Start::Resume(session) => Some(session.clone()),
            _ => None,
        };
        let fail = |kind, session: Option<UploadSession>| UploadError { kind, session };
        // The metadata to open a session with, or the saved session.
        let start: Result<serde_json::Value, UploadSession> = match start {
            Start::Refused(kind, session) => return Err(fail(kind, session)),
            Start::New(Err(message)) => {
                return Err(fail(
                    UploadErrorKind::Request(Error::Request {
                        operation: endpoint.init,
                        message,
                    }),
                    None,
                ));
            }
            Start::New(Ok(metadata)) => Ok(metadata),
            Start::Resume(session) => Err(session),
        };
        let is_reader = source.is_reader();
        let content_type = source.media_type();
        let mut opened = source
            .open()
            .await
            .map_err(|e| fail(UploadErrorKind::Source(e), saved.clone()))?;
        let total = opened.len();
        if total == 0 {
            let empty = io::Error::new(
                io::ErrorKind::InvalidInput,
                "the file is empty: a resumable upload sends at least one byte",
            );
            return Err(fail(UploadErrorKind::Source(empty), saved));
        }
        if let Some(saved) = &saved
            && saved.size != total
        {
            let other = io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "the file has {total} bytes, the saved session's has {}: it is not the same file",
                    saved.size
                ),
            );
            return Err(fail(UploadErrorKind::Source(other), Some(saved.clone())));
        }
        let chunk = match (chunk_size, chunk_size_lookup) {
            (Some(size), _) => size,
            (None, Some(lookup)) => match lookup(client.clone()).await {
                Ok(Some(max)) if max > 0 && is_reader => max.min(DEFAULT_CHUNK_SIZE),
                Ok(Some(max)) if max > 0 => max,
                // The configuration is a hint: without it, the default does.
                _ => DEFAULT_CHUNK_SIZE,
            },
            (None, None) => DEFAULT_CHUNK_SIZE,
        };

        let mut runner = Runner {
            client,
            endpoint,
            retry,
            stall_timeout,
            answer_timeout,
            on_event,
            total,
            reported: 0,
            failures: 0,
        };
        let (session, answer) = match start {
            Err(session) => {
                let answer = runner.first_query(&session).await;
                (session, answer)
            }
            Ok(metadata) => match runner.open(&metadata, &content_type).await {
                Ok((session, offset)) => (session, Ok(Answer::Stored(offset))),
                Err(kind) => return Err(fail(kind, None)),
            },
        };
        if let Ok(mut slot) = shared.lock() {
            *slot = Some(session.clone());
        }
        let offset = match answer {
            Ok(Answer::Stored(offset)) => offset,
            Ok(Answer::Done(answer)) => {
                runner.progress(total);
                return Ok(answer);
            }
            Err(kind) => return Err(fail(kind, Some(session))),
        };
        runner.emit(UploadEvent::Started {
            session: session.clone(),
            offset,
        });
        runner.progress(offset);
        match runner.send_all(&session, &mut opened, offset, chunk).await {
            Ok(answer) => {
                runner.progress(total);
                Ok(answer)
            }
            Err(kind) => Err(fail(kind, Some(session))),
        }
    }

    fn emit(&mut self, event: UploadEvent) {
        if let Some(handler) = &mut self.on_event {
            handler(&event);
        }
    }

    fn progress(&mut self, sent: u64) {
        let sent = sent.min(self.total);
        if sent > self.reported {
            self.reported = sent;
            self.emit(UploadEvent::Progress {
                sent,
                total: self.total,
            });
        }
    }

    /// Counts a failure: the wait before the next try, or the error that ends the upload.
    async fn back_off(&mut self, failure: Failure, offset: u64) -> Result<(), UploadErrorKind> {
        if !failure.retry {
            return Err(failure.kind);
        }
        self.failures += 1;
        if self.failures > self.retry.retries {
            return Err(UploadErrorKind::RetriesExhausted {
                retries: self.retry.retries,
                offset,
                last: Box::new(failure.kind),
            });
        }
        let delay = self.retry.delay(self.failures, failure.retry_after);
        self.emit(UploadEvent::Retrying {
            failure: self.failures,
            retries: self.retry.retries,
            delay,
            reason: failure.kind.to_string(),
        });
        tokio::time::sleep(delay).await;
        Ok(())
    }

    /// Opens the session: its upload id and the bytes the server already holds.
    async fn open(
        &mut self,
        metadata: &serde_json::Value,
        content_type: &str,
    ) -> Result<(UploadSession, u64), UploadErrorKind> {
        let operation = self.endpoint.init;
        loop {
            let mut call = self.client.call(operation, &self.endpoint.segments());
            call.header("x-upload-content-length", &self.total);
            call.header("x-upload-content-type", &content_type);
            call.json(metadata);
            let url = call.url.clone();
            let failure = match self.client.send(call).await {
                Err(error) => Failure::of(error),
                Ok(response) => match response.status().as_u16() {
                    status @ (200 | 201) => {
                        let location = header(&response, "location");
                        let Some(id) = location.and_then(|l| upload_id(l, &url)) else {
                            return Err(UploadErrorKind::Protocol {
                                operation,
                                expected: format!(
                                    "a `Location` header with an `upload_id` (status {status})"
                                ),
                                found: location.map_or("no `Location`".to_owned(), |l| {
                                    format!("`Location: {l}`")
                                }),
                            });
                        };
                        let offset = if status == 200 {
                            self.stored(operation, &response)?
                        } else {
                            0
                        };
                        let session = UploadSession {
                            kind: self.endpoint.kind,
                            path: self.endpoint.path.clone(),
                            upload_id: id,
                            size: self.total,
                        };
                        return Ok((session, offset));
                    }
                    status if is_transient(status) => {
                        let retry_after = retry_after(&response);
                        Failure {
                            retry_after,
                            ..Failure::retry(UploadErrorKind::Request(
                                response::error(operation, response).await,
                            ))
                        }
                    }
                    _ => Failure::stop(UploadErrorKind::Request(
                        response::error(operation, response).await,
                    )),
                },
            };
            self.back_off(failure, 0).await?;
        }
    }

    /// The offset from a `308`'s `Range`.
    fn stored(
        &self,
        operation: &'static OperationInfo,
        response: &Response,
    ) -> Result<u64, UploadErrorKind> {
        let range = header(response, "range");
        match stored_bytes(range) {
            Some(stored) if stored <= self.total => Ok(stored),
            _ => Err(UploadErrorKind::Protocol {
                operation,
                expected: format!(
                    "`Range: bytes=0-N` with N below the file's size ({})",
                    self.total
                ),
                found: range.map_or("no `Range`".to_owned(), |r| format!("`Range: {r}`")),
            }),
        }
    }

    /// The meaning of an answer to a chunk or an offset query.
    async fn answer<R: FromJson>(
        &mut self,
        response: Response,
        streamed: bool,
    ) -> Result<Answer<R>, Failure> {
        let operation = self.endpoint.chunk;
        match response.status().as_u16() {
            308 => self
                .stored(operation, &response)
                .map(Answer::Stored)
                .map_err(Failure::stop),
            200 | 201 => response::json(operation, response)
                .await
                .map(Answer::Done)
                .map_err(|e| Failure::stop(UploadErrorKind::Request(e))),
            // Servers that answered without a body.
            204 => response::decode(operation, 204, b"{}", &[])
                .map(Answer::Done)
                .map_err(|e| Failure::stop(UploadErrorKind::Request(e))),
            404 => Err(Failure {
                gone: true,
                ..Failure::stop(UploadErrorKind::Request(
                    response::error(operation, response).await,
                ))
            }),
            // A chunk is sent with the token as it was: the offset query that follows goes
            // through the session, which refreshes an expired token.
            status if is_transient(status) || (streamed && status == 401) => {
                let retry_after = retry_after(&response);
                Err(Failure {
                    retry_after,
                    ..Failure::retry(UploadErrorKind::Request(
                        response::error(operation, response).await,
                    ))
                })
            }
            _ => Err(Failure::stop(UploadErrorKind::Request(
                response::error(operation, response).await,
            ))),
        }
    }

    /// Asks how many bytes the server holds (`Content-Range: bytes */size`, no body). Once the
    /// file is whole, the server answers as to the last chunk.
    async fn query<R: FromJson>(&mut self, session: &UploadSession) -> Result<Answer<R>, Failure> {
        let client = self.client.clone();
        let mut call = client.call(self.endpoint.chunk, &self.endpoint.segments());
        call.query("upload_id", &session.upload_id);
        call.header("content-range", &format!("bytes */{}", self.total));
        let send = client.send(call);
        let response = match self.watch(send, None, self.stall_timeout).await {
            Ok(response) => response,
            Err(failure) => return Err(failure),
        };
        self.answer(response, false).await
    }

    /// The offset query that starts a resumed upload, retried as needed.
    async fn first_query<R: FromJson>(
        &mut self,
        session: &UploadSession,
    ) -> Result<Answer<R>, UploadErrorKind> {
        loop {
            match self.query(session).await {
                Ok(answer) => return Ok(answer),
                Err(failure) => self.back_off(failure, 0).await?,
            }
        }
    }

    /// Sends the chunks from `offset` on, resuming from the server's offset after a failure.
    ///
    /// Bounded: each round either moves the server's offset past the highest seen (at most
    /// `total` times) or counts a failure (at most `retries` in a row).
    async fn send_all<R: FromJson>(
        &mut self,
        session: &UploadSession,
        opened: &mut Opened,
        mut offset: u64,
        chunk: u64,
    ) -> Result<R, UploadErrorKind> {
        let mut highest = offset;
        let mut whole_file_sent = false;
        let mut ask = false;
        loop {
            let outcome = if ask {
                self.query(session).await
            } else {
                let to = offset.saturating_add(chunk).min(self.total);
                self.put(session, opened, offset, to, &mut whole_file_sent)
                    .await
            };
            let failure = match outcome {
                Ok(Answer::Done(answer)) => return Ok(answer),
                Ok(Answer::Stored(stored)) => {
                    if ask {
                        self.emit(UploadEvent::Resumed { offset: stored });
                    }
                    let moved = stored > highest;
                    if moved {
                        highest = stored;
                        self.failures = 0;
                    }
                    self.progress(stored);
                    if moved || (ask && stored < self.total) {
                        offset = stored;
                        ask = false;
                        continue;
                    }
                    Failure::retry(UploadErrorKind::Protocol {
                        operation: self.endpoint.chunk,
                        expected: format!("more than {highest} bytes stored after a chunk"),
                        found: format!("`Range` saying {stored}"),
                    })
                }
                Err(failure) if failure.gone && whole_file_sent => {
                    return Err(UploadErrorKind::AnswerLost {
                        last: Box::new(failure.kind),
                    });
                }
                Err(failure) => failure,
            };
            self.back_off(failure, highest).await?;
            ask = true;
        }
    }

    /// Sends the bytes `from..to`.
    async fn put<R: FromJson>(
        &mut self,
        session: &UploadSession,
        opened: &mut Opened,
        from: u64,
        to: u64,
        whole_file_sent: &mut bool,
    ) -> Result<Answer<R>, Failure> {
        let operation = self.endpoint.chunk;
        let stream = opened
            .chunk(from, to)
            .await
            .map_err(|e| Failure::stop(UploadErrorKind::Source(e)))?;
        let body = Counted::new(stream, to - from);
        let (sent, source_failure) = (body.sent.clone(), body.failure.clone());
        let mut call = self.client.call(operation, &self.endpoint.segments());
        call.query("upload_id", &session.upload_id);
        call.header(
            "content-range",
            &format!("bytes {from}-{}/{}", to - 1, self.total),
        );
        call.header("content-length", &(to - from));
        call.header("content-type", &"application/octet-stream");
        let client = self.client.clone();
        let request = client::send_stream(&client, &call, body);
        let answer_timeout = if to == self.total {
            self.answer_timeout
        } else {
            self.stall_timeout
        };
        let progress = (from, sent.clone(), to - from);
        let result = self.watch(request, Some(progress), answer_timeout).await;
        if to == self.total && sent.load(Ordering::Relaxed) == to - from {
            *whole_file_sent = true;
        }
        if let Some(error) = source_failure.lock().ok().and_then(|mut f| f.take()) {
            return Err(Failure::stop(UploadErrorKind::Source(error)));
        }
        self.answer(result?, true).await
    }

    /// Waits for `request`, reporting the progress of its body (`from`, bytes sent, length),
    /// and gives up when it stalls: no byte taken for `stall_timeout` while sending, no answer
    /// for `answer_timeout` once all is sent.
    async fn watch(
        &mut self,
        request: impl Future<Output = Result<Response, Error>>,
        body: Option<(u64, Arc<std::sync::atomic::AtomicU64>, u64)>,
        answer_timeout: Duration,
    ) -> Result<Response, Failure> {
        let mut request = pin!(request);
        let mut seen = 0;
        let mut quiet_since = Instant::now();
        loop {
            let tick = pin!(tokio::time::sleep(TICK));
            match future::select(request.as_mut(), tick).await {
                Either::Left((result, _)) => return result.map_err(Failure::of),
                Either::Right(((), _)) => {
                    let (sent, all_sent) = match &body {
                        Some((from, sent, length)) => {
                            let sent = sent.load(Ordering::Relaxed);
                            self.progress(from + sent);
                            (sent, sent >= *length)
                        }
                        None => (0, true),
                    };
                    if sent != seen {
                        seen = sent;
                        quiet_since = Instant::now();
                    }
                    let limit = if all_sent {
                        answer_timeout
                    } else {
                        self.stall_timeout
                    };
                    if quiet_since.elapsed() >= limit {
                        return Err(Failure::retry(UploadErrorKind::Stalled {
                            operation: self.endpoint.chunk,
                            after: limit,
                        }));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_give_the_bytes_stored() {
        assert_eq!(stored_bytes(Some("bytes=0-262143")), Some(262_144));
        assert_eq!(stored_bytes(Some("bytes=0--1")), Some(0));
        assert_eq!(stored_bytes(None), Some(0));
        assert_eq!(stored_bytes(Some("bytes=5-9")), None);
        assert_eq!(stored_bytes(Some("bytes=0-")), None);
    }

    #[test]
    fn locations_are_uri_references() {
        let request =
            reqwest::Url::parse("https://tube.example/api/v1/videos/upload-resumable").unwrap();
        for location in [
            "//tube.example/api/v1/videos/upload-resumable?upload_id=abc",
            "/api/v1/videos/upload-resumable?upload_id=abc",
            "http://tube.example/api/v1/videos/upload-resumable?upload_id=abc&x=1",
        ] {
            assert_eq!(
                upload_id(location, &request).as_deref(),
                Some("abc"),
                "{location}"
            );
        }
        assert_eq!(upload_id("/api/v1/videos/upload-resumable", &request), None);
        assert_eq!(upload_id("?upload_id=", &request), None);
    }

    #[test]
    fn back_off_doubles_up_to_the_cap_and_heeds_retry_after() {
        let policy = RetryPolicy::new(5, Duration::from_secs(1), Duration::from_secs(10));
        let delays: Vec<u64> = (1..=6).map(|n| policy.delay(n, None).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 10, 10]);
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(300))),
            Duration::from_secs(10)
        );
        assert_eq!(policy.delay(40, None), Duration::from_secs(10));
    }

    #[test]
    fn sessions_serialize_to_plain_json() {
        let session = UploadSession {
            kind: UploadKind::SourceReplacement,
            path: ["api", "v1", "videos", "42", "source", "replace-resumable"]
                .map(String::from)
                .to_vec(),
            upload_id: "1a-2b".to_owned(),
            size: 10,
        };
        let json = serde_json::to_string(&session).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"source_replacement","path":["api","v1","videos","42","source","replace-resumable"],"upload_id":"1a-2b","size":10}"#
        );
        assert_eq!(
            serde_json::from_str::<UploadSession>(&json).unwrap(),
            session
        );
    }
}

//! Resumable uploads against an in-process server that answers as PeerTube 8.1 does, with
//! faults injected: files arrive whole, uploads resume from the server's offset, retries are
//! bounded, cancel deletes, progress is monotonic, saved sessions resume in a later client.

#[path = "support/upload_server.rs"]
mod upload_server;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use peertube_client::types::{
    UserImportResumable, UserImportUploadResult, VideoReplaceSourceRequestResumable, VideoSource,
    VideoUploadRequestResumable, VideoUploadResponse,
};
use peertube_client::{
    Client, RetryPolicy, UploadErrorKind, UploadEvent, UploadKind, UploadSession, UploadSource,
};
use upload_server::{Fault, Seen, UploadServer, sha256_file};

/// A file in the temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

impl AsRef<std::ffi::OsStr> for TempFile {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.as_os_str()
    }
}

impl AsRef<std::path::Path> for TempFile {
    fn as_ref(&self) -> &std::path::Path {
        &self.0
    }
}

impl std::ops::Deref for TempFile {
    type Target = PathBuf;
    fn deref(&self) -> &PathBuf {
        &self.0
    }
}

/// A server, a client of it, and a file of `size` bytes to upload.
async fn setup(size: usize) -> (UploadServer, Client, TempFile) {
    let server = UploadServer::start().await;
    let client = Client::new(&server.url).unwrap();
    (server, client, file_of(size))
}

/// The server's first finished upload is `file`, byte for byte.
fn assert_arrived(server: &UploadServer, file: &TempFile) {
    let finished = server.finished();
    assert_eq!(sha256_file(&finished[0].file), sha256_file(file));
}

/// A file of `size` bytes that differ from one another (a shifted chunk would not match).
fn file_of(size: usize) -> TempFile {
    static FILES: AtomicU64 = AtomicU64::new(0);
    let path = std::env::temp_dir().join(format!(
        "peertube-upload-test-{}-{}.mp4",
        std::process::id(),
        FILES.fetch_add(1, Ordering::Relaxed)
    ));
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let bytes: Vec<u8> = (0..size)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    std::fs::write(&path, bytes).unwrap();
    TempFile(path)
}

/// Retries in quick succession: tests stay fast.
fn quick(retries: u32) -> RetryPolicy {
    RetryPolicy::new(retries, Duration::from_millis(1), Duration::from_millis(5))
}

fn metadata() -> VideoUploadRequestResumable {
    VideoUploadRequestResumable::new("A test video", 3, "")
}

/// The chunk `PUT`s that carried bytes, as `(start, length)`.
fn chunks(requests: &[Seen]) -> Vec<(u64, u64)> {
    requests
        .iter()
        .filter(|r| r.method == "PUT" && r.content_length.unwrap_or(0) > 0)
        .map(|r| {
            let range = r.content_range.as_deref().unwrap();
            let start = range
                .trim_start_matches("bytes ")
                .split('-')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            (start, r.content_length.unwrap())
        })
        .collect()
}

/// The offset queries (`Content-Range: bytes */size`, no body).
fn queries(requests: &[Seen]) -> usize {
    requests
        .iter()
        .filter(|r| {
            r.method == "PUT"
                && r.content_range
                    .as_deref()
                    .is_some_and(|c| c.starts_with("bytes */"))
        })
        .count()
}

/// Collects every event.
fn recorder() -> (
    Arc<Mutex<Vec<UploadEvent>>>,
    impl FnMut(&UploadEvent) + Send + 'static,
) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    (events, move |event: &UploadEvent| {
        sink.lock().unwrap().push(event.clone())
    })
}

#[tokio::test]
async fn a_file_of_several_chunks_arrives_byte_identical() {
    let (server, client, file) = setup(10_000).await;

    let answer = client
        .upload_video(UploadSource::path(&file), metadata())
        .chunk_size(1000)
        .await
        .unwrap();

    assert_eq!(answer.video.short_uuid.as_str(), "short1");
    let finished = server.finished();
    assert_eq!(finished.len(), 1);
    assert_eq!(sha256_file(&finished[0].file), sha256_file(&file));
    assert_eq!(finished[0].content_type, "video/mp4");
    // The empty file name was taken from the path.
    let name = file.file_name().unwrap().to_str().unwrap();
    assert_eq!(finished[0].metadata["filename"], name);
    assert_eq!(finished[0].metadata["channelId"], 3);
    let requests = server.requests();
    let expected: Vec<(u64, u64)> = (0..10).map(|i| (i * 1000, 1000)).collect();
    assert_eq!(chunks(&requests), expected);
    assert_eq!(
        requests[1].content_range.as_deref(),
        Some("bytes 0-999/10000")
    );
    // An explicit chunk size needs no look at the server's configuration.
    assert!(requests.iter().all(|r| r.path != "/api/v1/config"));
}

#[tokio::test]
async fn a_dropped_connection_and_a_503_are_survived_from_the_servers_offset() {
    let (server, client, file) = setup(5000).await;
    // The first chunk is cut after 300 bytes (which the server keeps); the chunk sent from
    // there gets a 503.
    server.inject(&[Fault::DropAfter(300), Fault::Status(503)]);
    let (events, on_event) = recorder();

    let answer = client
        .upload_video(UploadSource::path(&file), metadata())
        .chunk_size(1000)
        .retry(quick(3))
        .on_event(on_event)
        .await
        .unwrap();

    assert!(answer.video.id > 0);
    assert_arrived(&server, &file);
    let requests = server.requests();
    // Resumed at 300, where the server stopped, not from zero; twice, after asking.
    assert_eq!(
        chunks(&requests),
        [
            (0, 1000),
            (300, 1000),
            (300, 1000),
            (1300, 1000),
            (2300, 1000),
            (3300, 1000),
            (4300, 700)
        ]
    );
    assert_eq!(queries(&requests), 2);
    let events = events.lock().unwrap();
    let resumed: Vec<u64> = events
        .iter()
        .filter_map(|e| match e {
            UploadEvent::Resumed { offset } => Some(*offset),
            _ => None,
        })
        .collect();
    assert_eq!(resumed, [300, 300]);
    let reasons: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            UploadEvent::Retrying { reason, .. } => Some(reason.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons[1].contains("503"), "{reasons:?}");
}

#[tokio::test]
async fn a_stalled_chunk_is_given_up_and_sent_again() {
    let (server, client, file) = setup(3000).await;
    server.inject(&[Fault::Pass, Fault::Stall(Duration::from_secs(30))]);

    let started = std::time::Instant::now();
    client
        .upload_video(UploadSource::path(&file), metadata())
        .chunk_size(1000)
        .retry(quick(2))
        .stall_timeout(Duration::from_millis(300))
        .await
        .unwrap();

    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(
        chunks(&server.requests()),
        [(0, 1000), (1000, 1000), (1000, 1000), (2000, 1000)]
    );
    assert_arrived(&server, &file);
}

#[tokio::test]
async fn a_server_that_keeps_failing_gives_a_clear_error_after_the_retry_budget() {
    let (server, client, file) = setup(3000).await;
    server.always_fail(503);

    let error = client
        .upload_video(UploadSource::path(&file), metadata())
        .chunk_size(1000)
        .retry(quick(3))
        .await
        .unwrap_err();

    let UploadErrorKind::RetriesExhausted {
        retries,
        offset,
        last,
    } = error.kind()
    else {
        panic!("{error}")
    };
    assert_eq!((*retries, *offset), (3, 0));
    assert!(matches!(**last, UploadErrorKind::Request(ref e) if e.status() == Some(503)));
    let message = error.to_string();
    assert!(
        message.starts_with("gave up after 3 retries in a row, with 0 bytes on the server"),
        "{message}"
    );
    assert!(message.contains("status 503"), "{message}");
    // The session is kept for later.
    let session = error.session().unwrap();
    assert!(message.contains(session.upload_id()), "{message}");
    // One try and three retries.
    assert_eq!(chunks(&server.requests()).len(), 4);
}

#[tokio::test]
async fn cancel_deletes_the_session() {
    let (server, client, file) = setup(10_000).await;
    let (cancel, cancelled) = tokio::sync::oneshot::channel::<()>();
    let mut cancel = Some(cancel);

    let error = client
        .upload_video(UploadSource::path(&file), metadata())
        .chunk_size(1000)
        .on_event(move |event| {
            if let UploadEvent::Progress { sent, .. } = event
                && *sent >= 3000
                && let Some(cancel) = cancel.take()
            {
                let _ = cancel.send(());
            }
        })
        .cancel_when(async {
            let _ = cancelled.await;
        })
        .await
        .unwrap_err();

    assert!(
        matches!(error.kind(), UploadErrorKind::Cancelled { delete: None }),
        "{error}"
    );
    let upload_id = error.session().unwrap().upload_id().to_owned();
    let requests = server.requests();
    let delete = requests.iter().find(|r| r.method == "DELETE").unwrap();
    assert_eq!(delete.upload_id.as_deref(), Some(upload_id.as_str()));
    assert_eq!(delete.status, 204);
    assert!(!server.is_open(&upload_id));
    assert!(chunks(&requests).len() < 10);
    assert!(server.finished().is_empty());
}

#[tokio::test]
async fn progress_is_monotonic_and_ends_at_the_file_size() {
    let (server, client, file) = setup(200_000).await;
    server.inject(&[Fault::Pass, Fault::DropAfter(10_000), Fault::Status(500)]);
    let (events, on_event) = recorder();

    client
        .upload_video(UploadSource::path(&file), metadata())
        .chunk_size(64 * 1024)
        .retry(quick(3))
        .on_event(on_event)
        .await
        .unwrap();

    let events = events.lock().unwrap();
    assert!(
        matches!(&events[0], UploadEvent::Started { offset: 0, session } if session.size() == 200_000),
        "{events:?}"
    );
    let progress: Vec<(u64, u64)> = events
        .iter()
        .filter_map(|e| match e {
            UploadEvent::Progress { sent, total } => Some((*sent, *total)),
            _ => None,
        })
        .collect();
    assert!(progress.len() >= 4, "{progress:?}");
    assert!(progress.windows(2).all(|w| w[0].0 < w[1].0), "{progress:?}");
    assert!(progress.iter().all(|(_, total)| *total == 200_000));
    assert_eq!(progress.last().unwrap().0, 200_000);
}

#[tokio::test]
async fn a_saved_session_resumes_in_another_client_and_skips_what_the_server_has() {
    let server = UploadServer::start().await;
    let file = file_of(10_000);
    server.inject(&[Fault::Pass, Fault::Pass, Fault::Pass, Fault::Status(500)]);

    // The first process: the fourth chunk fails, and no retry is allowed.
    let first = Client::new(&server.url).unwrap();
    let error = first
        .upload_video(UploadSource::path(&file), metadata())
        .chunk_size(1000)
        .retry(RetryPolicy::none())
        .await
        .unwrap_err();
    let saved = serde_json::to_string(error.session().unwrap()).unwrap();
    let before = server.requests().len();
    assert_eq!(
        server.stored(error.session().unwrap().upload_id()),
        Some(3000)
    );

    // A later process, from the saved text.
    let session: UploadSession = serde_json::from_str(&saved).unwrap();
    assert_eq!(session.kind(), UploadKind::Video);
    let upload_id = session.upload_id().to_owned();
    let later = Client::new(&server.url).unwrap();
    let (events, on_event) = recorder();
    let answer: VideoUploadResponse = later
        .resume_upload(session, UploadSource::path(&file))
        .chunk_size(1000)
        .on_event(on_event)
        .await
        .unwrap();

    assert!(answer.video.id > 0);
    let finished = server.finished();
    assert_eq!(finished[0].upload_id, upload_id);
    assert_eq!(sha256_file(&finished[0].file), sha256_file(&file));
    let resumed = &server.requests()[before..];
    assert_eq!(
        resumed[0].content_range.as_deref(),
        Some("bytes */10000"),
        "the offset is asked first"
    );
    let expected: Vec<(u64, u64)> = (3..10).map(|i| (i * 1000, 1000)).collect();
    assert_eq!(chunks(resumed), expected);
    assert!(matches!(
        events.lock().unwrap()[0],
        UploadEvent::Started { offset: 3000, .. }
    ));
}

#[tokio::test]
async fn a_reader_resumes_a_saved_session_by_skipping_what_the_server_has() {
    let server = UploadServer::start().await;
    let file = file_of(4000);
    server.inject(&[Fault::Pass, Fault::Status(500)]);
    let client = Client::new(&server.url).unwrap();
    let error = client
        .upload_video(UploadSource::path(&file), metadata())
        .chunk_size(1000)
        .retry(RetryPolicy::none())
        .await
        .unwrap_err();
    let session = error.session().unwrap().clone();

    let reader = tokio::fs::File::open(&file).await.unwrap();
    let _: VideoUploadResponse = client
        .resume_upload(session, UploadSource::reader(reader, 4000))
        .chunk_size(1000)
        .await
        .unwrap();
    assert_arrived(&server, &file);
}

#[tokio::test]
async fn a_session_of_another_kind_is_refused_before_any_request() {
    let server = UploadServer::start().await;
    let file = file_of(3000);
    server.inject(&[Fault::Status(500)]);
    let client = Client::new(&server.url).unwrap();
    let error = client
        .upload_video(UploadSource::path(&file), metadata())
        .chunk_size(1000)
        .retry(RetryPolicy::none())
        .await
        .unwrap_err();
    let before = server.requests().len();

    let error = client
        .resume_upload::<VideoSource>(error.session().unwrap().clone(), UploadSource::path(&file))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "the saved session is of a video upload, not of a video source replacement (upload id `{}`)",
            error.session().unwrap().upload_id()
        )
    );
    assert_eq!(server.requests().len(), before);

    // A saved session can be cancelled on its own.
    client
        .cancel_upload(error.session().unwrap())
        .await
        .unwrap();
    let last = server.requests().pop().unwrap();
    assert_eq!(last.method, "DELETE");
}

#[tokio::test]
async fn the_default_chunk_size_is_the_servers_largest() {
    let server = UploadServer::start().await;
    server.set_max_chunk_size(4096);
    let client = Client::new(&server.url).unwrap();
    let file = file_of(10_000);

    client
        .upload_video(UploadSource::path(&file), metadata())
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(requests[0].path, "/api/v1/config");
    assert_eq!(chunks(&requests), [(0, 4096), (4096, 4096), (8192, 1808)]);
}

#[tokio::test]
async fn an_expired_token_is_refreshed_and_the_upload_goes_on() {
    let server = Arc::new(UploadServer::start().await);
    let client = Client::new(&server.url).unwrap();
    client.login("alice", "secret").await.unwrap();
    let file = file_of(5000);
    let expire = server.clone();

    client
        .upload_video(UploadSource::path(&file), metadata())
        .chunk_size(1000)
        .retry(quick(3))
        .on_event(move |event| {
            if let UploadEvent::Progress { sent: 2000, .. } = event {
                expire.expire_token();
            }
        })
        .await
        .unwrap();

    assert_arrived(&server, &file);
    let requests = server.requests();
    let refused: Vec<&Seen> = requests.iter().filter(|r| r.status == 401).collect();
    assert!(!refused.is_empty());
    let last_chunk = requests
        .iter()
        .rfind(|r| r.method == "PUT" && r.content_length.unwrap_or(0) > 0)
        .unwrap();
    assert_eq!(last_chunk.authorization.as_deref(), Some("Bearer token-2"));
}

#[tokio::test]
async fn an_answer_lost_after_the_last_byte_is_told_apart() {
    let (server, client, file) = setup(2000).await;
    // The last chunk arrives whole, the server takes the upload in, the answer is lost.
    server.inject(&[Fault::Pass, Fault::DropAfter(1000)]);

    let error = client
        .upload_video(UploadSource::path(&file), metadata())
        .chunk_size(1000)
        .retry(quick(3))
        .await
        .unwrap_err();

    assert!(
        matches!(error.kind(), UploadErrorKind::AnswerLost { .. }),
        "{error}"
    );
    assert!(
        error.to_string().contains("it most likely went through"),
        "{error}"
    );
    assert_eq!(server.finished().len(), 1);
}

#[tokio::test]
async fn replace_and_import_answer_their_own_types() {
    let (server, client, file) = setup(2500).await;

    let source: VideoSource = client
        .replace_video_source(
            42,
            UploadSource::path(&file),
            VideoReplaceSourceRequestResumable::default(),
        )
        .chunk_size(1000)
        .await
        .unwrap();
    let name = file.file_name().unwrap().to_str().unwrap();
    assert_eq!(source.input_filename, name);
    assert_eq!(source.size, Some(2500));

    let imported: UserImportUploadResult = client
        .import_user_archive(
            7,
            UploadSource::path(&file).file_name("archive.zip"),
            UserImportResumable::default(),
        )
        .chunk_size(1000)
        .await
        .unwrap();
    assert_eq!(imported.user_import.id, 2);

    let finished = server.finished();
    assert_eq!(finished[1].content_type, "application/zip");
    let paths: Vec<String> = server
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(
        paths,
        [
            "/api/v1/videos/42/source/replace-resumable",
            "/api/v1/users/7/imports/import-resumable"
        ]
    );
}

#[tokio::test]
async fn sources_that_cannot_be_sent_are_errors_before_any_request() {
    let server = UploadServer::start().await;
    let client = Client::new(&server.url).unwrap();
    let missing = client
        .upload_video(UploadSource::path("/nonexistent/clip.mp4"), metadata())
        .await
        .unwrap_err();
    assert!(
        matches!(missing.kind(), UploadErrorKind::Source(_)),
        "{missing}"
    );
    assert!(
        missing.to_string().contains("/nonexistent/clip.mp4"),
        "{missing}"
    );
    let empty = client
        .upload_video(
            UploadSource::reader(tokio::io::empty(), 0).file_name("a.mp4"),
            metadata(),
        )
        .await
        .unwrap_err();
    assert!(empty.to_string().contains("empty"), "{empty}");
    assert!(server.requests().is_empty());
}

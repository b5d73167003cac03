//! An in-process HTTP/1.1 server that answers PeerTube's resumable upload routes as PeerTube 8.1
//! does (uploadx 6 on local disk), with faults to inject: a connection dropped in the middle of
//! a chunk, an error status, a stall. It also answers the public configuration (the largest
//! chunk) and, for the session's refresh, the OAuth routes.
//!
//! What it does as uploadx does: `POST` → `201` with `Location: //host/path?upload_id=...`
//! (`200` with `Range` for an upload that already has bytes); `PUT` with
//! `Content-Range: bytes start-end/size` and `Content-Length` writes the body at `start` and
//! answers `308` with `Range: bytes=0-{n-1}`; `Content-Range: bytes */size` answers the size on
//! disk (`bytes=0--1` for none); the bytes of a chunk cut short are kept; `409` for bytes past
//! the size; the last byte gives the final JSON answer and forgets the upload (a repeat gets
//! `404`); `DELETE` answers `204`, also for an unknown id.

use std::collections::{HashMap, VecDeque};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A fault for the next chunk `PUT` that carries bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// None: the chunk is handled as usual.
    Pass,
    /// Reads (and keeps) this many bytes of the chunk, then closes the connection. When they
    /// complete the file, the upload is taken in first (as PeerTube goes on with a request
    /// whose client left): its answer is lost.
    DropAfter(u64),
    /// Reads the chunk without keeping it, then answers this status (a problem document, with
    /// `Retry-After: 0` for a `503`).
    Status(u16),
    /// Reads nothing and answers nothing for this long, then closes the connection.
    Stall(Duration),
}

/// A request the server saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub upload_id: Option<String>,
    pub content_range: Option<String>,
    pub content_length: Option<u64>,
    pub authorization: Option<String>,
    /// The status answered; 0 when the connection was dropped.
    pub status: u16,
}

/// An upload the server has open.
struct Open {
    file: PathBuf,
    size: u64,
    route: Route,
    metadata: Value,
}

/// A finished upload: its file and what was asked for it.
#[derive(Debug, Clone)]
pub struct Finished {
    pub upload_id: String,
    pub file: PathBuf,
    pub metadata: Value,
    pub content_type: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Video,
    Replace,
    Import,
}

#[derive(Default)]
struct State {
    open: HashMap<String, Open>,
    content_types: HashMap<String, String>,
    finished: Vec<Finished>,
    faults: VecDeque<Fault>,
    /// Every chunk `PUT` with bytes answers this status, forever.
    always: Option<u16>,
    seen: Vec<Seen>,
    max_chunk_size: u64,
    /// The access token required once the token route has issued one; `None` when it
    /// expired (until a refresh).
    token: Option<String>,
    tokens_issued: u32,
}

/// The server. It stops when dropped.
pub struct UploadServer {
    pub url: String,
    state: Arc<Mutex<State>>,
    dir: PathBuf,
    task: tokio::task::JoinHandle<()>,
}

static SERVERS: AtomicU64 = AtomicU64::new(0);

impl UploadServer {
    pub async fn start() -> UploadServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a local port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let dir = std::env::temp_dir().join(format!(
            "peertube-upload-server-{}-{}",
            std::process::id(),
            SERVERS.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("a directory for uploads");
        let state = Arc::new(Mutex::new(State::default()));
        let task = {
            let (state, dir) = (state.clone(), dir.clone());
            tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    // As Node answers: no Nagle delay on small answers.
                    let _ = stream.set_nodelay(true);
                    let (state, dir) = (state.clone(), dir.clone());
                    tokio::spawn(async move {
                        let _ = serve(stream, state, dir).await;
                    });
                }
            })
        };
        UploadServer {
            url,
            state,
            dir,
            task,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("the server state")
    }

    /// Faults for the next chunk `PUT`s that carry bytes, in order.
    pub fn inject(&self, faults: &[Fault]) {
        self.state().faults.extend(faults);
    }

    /// Every chunk `PUT` with bytes answers `status` from now on.
    pub fn always_fail(&self, status: u16) {
        self.state().always = Some(status);
    }

    /// The largest chunk, in the public configuration (0: none).
    pub fn set_max_chunk_size(&self, bytes: u64) {
        self.state().max_chunk_size = bytes;
    }

    /// The access token stops being valid (it "expires"); a refresh gives a new one.
    pub fn expire_token(&self) {
        self.state().token = None;
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.state().seen.clone()
    }

    pub fn finished(&self) -> Vec<Finished> {
        self.state().finished.clone()
    }

    /// The bytes stored for an open upload.
    pub fn stored(&self, upload_id: &str) -> Option<u64> {
        let state = self.state();
        let open = state.open.get(upload_id)?;
        Some(std::fs::metadata(&open.file).map_or(0, |m| m.len()))
    }

    pub fn is_open(&self, upload_id: &str) -> bool {
        self.state().open.contains_key(upload_id)
    }
}

impl Drop for UploadServer {
    fn drop(&mut self) {
        self.task.abort();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// SHA-256 of a file, read in blocks.
pub fn sha256_file(path: &Path) -> String {
    let mut file = std::fs::File::open(path).expect("the file");
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let n = file.read(&mut buffer).expect("a read");
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

struct Request {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

struct Response {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Response {
    fn new(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }

    fn json(status: u16, value: Value) -> Response {
        Response {
            body: value.to_string().into_bytes(),
            ..Response::new(status).header("content-type", "application/json; charset=utf-8")
        }
    }

    /// PeerTube's problem document.
    fn problem(status: u16, detail: &str, code: Option<&str>) -> Response {
        let mut problem =
            json!({"type": "about:blank", "title": detail, "detail": detail, "status": status});
        if let Some(code) = code {
            problem["code"] = json!(code);
        }
        Response {
            body: problem.to_string().into_bytes(),
            ..Response::new(status)
                .header("content-type", "application/problem+json; charset=utf-8")
        }
    }

    /// uploadx's error body.
    fn uploadx(status: u16, code: &str) -> Response {
        Response::json(status, json!({"error": {"code": code, "message": code}}))
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        308 => "Resume Incomplete",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        409 => "Conflict",
        411 => "Length Required",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

async fn write_response(stream: &mut TcpStream, response: &Response) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("content-length: {}\r\n\r\n", response.body.len()));
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(&response.body).await?;
    stream.flush().await
}

/// Reads a request's head; `None` at the end of the connection.
async fn read_head(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
) -> std::io::Result<Option<Request>> {
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
            buffer.drain(..end + 4);
            let mut lines = head.split("\r\n");
            let mut first = lines.next().unwrap_or_default().split(' ');
            let method = first.next().unwrap_or_default().to_owned();
            let target = first.next().unwrap_or_default();
            let url =
                reqwest::Url::parse(&format!("http://server{target}")).expect("a request target");
            let headers = lines
                .filter_map(|line| line.split_once(':'))
                .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
                .collect();
            return Ok(Some(Request {
                method,
                path: url.path().to_owned(),
                query: url
                    .query_pairs()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect(),
                headers,
            }));
        }
        if buffer.len() > 64 * 1024 {
            return Err(std::io::Error::other("request head too long"));
        }
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
}

/// Reads up to `length` body bytes, handing each block to `sink`; the count read (less at the
/// end of the connection).
async fn read_body(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
    length: u64,
    mut sink: impl FnMut(&[u8]),
) -> std::io::Result<u64> {
    let mut read = 0u64;
    let take = buffer
        .len()
        .min(usize::try_from(length).unwrap_or(usize::MAX));
    if take > 0 {
        sink(&buffer[..take]);
        buffer.drain(..take);
        read += take as u64;
    }
    let mut block = vec![0u8; 64 * 1024];
    while read < length {
        let want = block
            .len()
            .min(usize::try_from(length - read).unwrap_or(usize::MAX));
        let n = stream.read(&mut block[..want]).await?;
        if n == 0 {
            break;
        }
        sink(&block[..n]);
        read += n as u64;
    }
    Ok(read)
}

fn route_of(path: &str) -> Option<Route> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        ["api", "v1", "videos", "upload-resumable"] => Some(Route::Video),
        ["api", "v1", "videos", _, "source", "replace-resumable"] => Some(Route::Replace),
        ["api", "v1", "users", _, "imports", "import-resumable"] => Some(Route::Import),
        _ => None,
    }
}

async fn serve(
    mut stream: TcpStream,
    state: Arc<Mutex<State>>,
    dir: PathBuf,
) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    let host = stream.local_addr()?.to_string();
    while let Some(request) = read_head(&mut stream, &mut buffer).await? {
        let length = request
            .header("content-length")
            .and_then(|v| v.parse::<u64>().ok());
        let mut seen = Seen {
            method: request.method.clone(),
            path: request.path.clone(),
            upload_id: request.param("upload_id").map(str::to_owned),
            content_range: request.header("content-range").map(str::to_owned),
            content_length: length,
            authorization: request.header("authorization").map(str::to_owned),
            status: 0,
        };
        let lock = || state.lock().expect("the server state");
        if request.header("transfer-encoding").is_some() {
            // uploadx counts a chunk's bytes with Content-Length.
            seen.status = 411;
            lock().seen.push(seen);
            write_response(
                &mut stream,
                &Response::problem(411, "a Content-Length is required", None),
            )
            .await?;
            return Ok(());
        }
        let is_chunk = request.method == "PUT" && length.unwrap_or(0) > 0;
        let fault = if is_chunk && route_of(&request.path).is_some() {
            let mut state = lock();
            match state.always {
                Some(status) => Some(Fault::Status(status)),
                None => state.faults.pop_front(),
            }
        } else {
            None
        };
        match fault {
            Some(Fault::Stall(duration)) => {
                lock().seen.push(seen);
                tokio::time::sleep(duration).await;
                return Ok(());
            }
            Some(Fault::Status(status)) => {
                read_body(&mut stream, &mut buffer, length.unwrap_or(0), |_| {}).await?;
                seen.status = status;
                lock().seen.push(seen);
                let mut response = Response::problem(status, "injected failure", None);
                if status == 503 {
                    response = response.header("retry-after", "0");
                }
                write_response(&mut stream, &response).await?;
                continue;
            }
            _ => {}
        }
        let drop_after = match fault {
            Some(Fault::DropAfter(bytes)) => Some(bytes),
            _ => None,
        };
        let response = handle(
            &request,
            &mut stream,
            &mut buffer,
            &state,
            &dir,
            &host,
            drop_after,
        )
        .await?;
        let Some(response) = response else {
            lock().seen.push(seen);
            return Ok(()); // the connection is dropped
        };
        seen.status = response.status;
        lock().seen.push(seen);
        write_response(&mut stream, &response).await?;
    }
    Ok(())
}

/// Answers one request; `None` drops the connection.
async fn handle(
    request: &Request,
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
    state: &Arc<Mutex<State>>,
    dir: &Path,
    host: &str,
    drop_after: Option<u64>,
) -> std::io::Result<Option<Response>> {
    let lock = || state.lock().expect("the server state");
    let length = request
        .header("content-length")
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    let mut body = Vec::new();
    if request.method != "PUT" {
        read_body(stream, buffer, length, |b| body.extend_from_slice(b)).await?;
    }
    if request.method == "GET" && request.path == "/api/v1/config" {
        let max = lock().max_chunk_size;
        return Ok(Some(Response::json(
            200,
            json!({"serverVersion": "8.1.0", "client": {"videos": {"resumableUpload": {"maxChunkSize": max}}}}),
        )));
    }
    if request.method == "GET" && request.path == "/api/v1/oauth-clients/local" {
        return Ok(Some(Response::json(
            200,
            json!({"client_id": "id", "client_secret": "secret"}),
        )));
    }
    if request.method == "POST" && request.path == "/api/v1/users/token" {
        let mut state = lock();
        state.tokens_issued += 1;
        let token = format!("token-{}", state.tokens_issued);
        state.token = Some(token.clone());
        return Ok(Some(Response::json(
            200,
            json!({"token_type": "Bearer", "access_token": token, "refresh_token": format!("refresh-{}", state.tokens_issued), "expires_in": 3600}),
        )));
    }
    let Some(route) = route_of(&request.path) else {
        if request.method == "PUT" {
            read_body(stream, buffer, length, |_| {}).await?;
        }
        return Ok(Some(Response::problem(404, "no such route", None)));
    };
    let required = lock().token.clone();
    let tokens_issued = lock().tokens_issued;
    let authorized = match (&required, request.header("authorization")) {
        (None, _) if tokens_issued == 0 => true,
        (Some(token), Some(header)) => header == format!("Bearer {token}"),
        _ => false,
    };
    if !authorized {
        read_body(stream, buffer, length, |_| {}).await?;
        return Ok(Some(Response::problem(
            401,
            "Token is invalid",
            Some("invalid_token"),
        )));
    }
    match request.method.as_str() {
        "POST" => {
            let size = request
                .header("x-upload-content-length")
                .and_then(|v| v.parse::<u64>().ok());
            let content_type = request.header("x-upload-content-type");
            let metadata: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let (Some(size), Some(content_type), Some(name)) = (
                size,
                content_type,
                metadata.get("filename").and_then(Value::as_str),
            ) else {
                return Ok(Some(Response::problem(
                    400,
                    "Incorrect request parameters: filename, X-Upload-Content-Length, X-Upload-Content-Type",
                    Some("invalid-params"),
                )));
            };
            // As uploadx: the id comes from the user, the name and the size, so the same
            // upload opened again finds its bytes.
            let title = metadata.get("name").and_then(Value::as_str).unwrap_or(name);
            let id = format!("{:016x}", fnv(&format!("{route:?}|{title}|{size}")));
            let file = dir.join(&id);
            let mut state = lock();
            state
                .content_types
                .insert(id.clone(), content_type.to_owned());
            let stored = std::fs::metadata(&file).map_or(0, |m| m.len());
            state.open.insert(
                id.clone(),
                Open {
                    file,
                    size,
                    route,
                    metadata,
                },
            );
            let location = format!("//{host}{}?upload_id={id}", request.path);
            Ok(Some(if stored > 0 {
                Response::new(200)
                    .header("location", location)
                    .header("range", format!("bytes=0-{}", stored - 1))
            } else {
                Response::new(201).header("location", location)
            }))
        }
        "DELETE" => {
            if let Some(id) = request.param("upload_id")
                && let Some(open) = lock().open.remove(id)
            {
                let _ = std::fs::remove_file(open.file);
            }
            Ok(Some(Response::new(204)))
        }
        "PUT" => put(request, stream, buffer, state, length, drop_after).await,
        _ => Ok(Some(Response::problem(405, "method not allowed", None))),
    }
}

async fn put(
    request: &Request,
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
    state: &Arc<Mutex<State>>,
    length: u64,
    drop_after: Option<u64>,
) -> std::io::Result<Option<Response>> {
    let lock = || state.lock().expect("the server state");
    let id = request.param("upload_id").unwrap_or_default().to_owned();
    let Some((file, size)) = lock().open.get(&id).map(|o| (o.file.clone(), o.size)) else {
        read_body(stream, buffer, length, |_| {}).await?;
        return Ok(Some(Response::uploadx(404, "FileNotFound")));
    };
    // `bytes start-end/total` or `bytes */total`: uploadx reads `start` and `total` only.
    let range = request.header("content-range").unwrap_or_default();
    let parts: Vec<&str> = range.split([' ', '/']).collect();
    let start = parts
        .get(1)
        .and_then(|p| p.split('-').next())
        .and_then(|s| s.parse::<u64>().ok());
    let total = parts.get(2).and_then(|t| t.parse::<u64>().ok());
    if total.is_some_and(|t| t > size) || start.unwrap_or(0) + length > size {
        read_body(stream, buffer, length, |_| {}).await?;
        return Ok(Some(Response::uploadx(409, "FileConflict")));
    }
    if let Some(start) = start.filter(|_| length > 0) {
        let mut out = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&file)?;
        out.seek(SeekFrom::Start(start))?;
        let limit = drop_after.map_or(length, |d| d.min(length));
        let mut failed = None;
        read_body(stream, buffer, limit, |block| {
            if failed.is_none()
                && let Err(e) = out.write_all(block)
            {
                failed = Some(e);
            }
        })
        .await?;
        if let Some(e) = failed {
            return Err(e);
        }
        let whole = std::fs::metadata(&file).map_or(0, |m| m.len()) >= size;
        if drop_after.is_some() && !whole {
            return Ok(None);
        }
    } else if !file.exists() {
        std::fs::File::create(&file)?;
    }
    let stored = std::fs::metadata(&file).map_or(0, |m| m.len());
    if stored < size {
        return Ok(Some(
            Response::new(308)
                .header("range", format!("bytes=0-{}", stored as i64 - 1))
                .header("cache-control", "no-store"),
        ));
    }
    // Whole: PeerTube takes the file in and forgets the upload.
    let mut state = lock();
    let Some(open) = state.open.remove(&id) else {
        return Ok(Some(Response::uploadx(404, "FileNotFound")));
    };
    let content_type = state.content_types.remove(&id).unwrap_or_default();
    state.finished.push(Finished {
        upload_id: id,
        file: open.file,
        metadata: open.metadata,
        content_type,
    });
    let n = state.finished.len();
    if drop_after.is_some() {
        return Ok(None);
    }
    Ok(Some(match open.route {
        Route::Video => Response::json(
            200,
            json!({"video": {"id": n, "shortUUID": format!("short{n}"), "uuid": "9c9de5e8-0a1e-484a-b099-e80766180a6d"}}),
        ),
        Route::Replace => Response::json(
            200,
            json!({"inputFilename": open_name(&state), "size": size, "createdAt": "2026-01-01T00:00:00.000Z"}),
        ),
        Route::Import => Response::json(200, json!({"userImport": {"id": n}})),
    }))
}

fn open_name(state: &State) -> String {
    state
        .finished
        .last()
        .and_then(|f| f.metadata.get("filename"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// FNV-1a, 64 bits (uploadx's id hash).
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

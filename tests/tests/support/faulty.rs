//! A fault-injecting HTTP/1.1 server of our own, on a local address: it answers each request
//! as the test's handler says, including the ways real servers and networks fail (never
//! answering, stalling mid-body, trickling, sending more than asked), and records what it
//! received. Each connection serves one request and is closed.
//!
//! Every loop is bounded: the accept loop and the connections stop when the server is dropped
//! (their tasks are aborted), a request's head and body are read up to fixed sizes, and a
//! body is written up to its length.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// The longest request head read.
const MAX_HEAD: usize = 64 * 1024;
/// The longest request body read.
const MAX_BODY: usize = 64 * 1024 * 1024;

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// How to answer a request.
pub enum Reply {
    /// A whole response, with `Content-Length`.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Read the request, then never answer (until the server is dropped).
    Hang,
    /// The head, then `pieces` pieces of `piece` bytes, one every `every` (chunked encoding).
    Trickle {
        content_type: &'static str,
        piece: Vec<u8>,
        pieces: usize,
        every: Duration,
    },
    /// The head and `sent` bytes of a body announced `length` long, then nothing more.
    Stall {
        content_type: &'static str,
        length: usize,
        sent: usize,
    },
    /// A body of `length` bytes of `fill`, written as fast as the client reads, with or
    /// without `Content-Length` (chunked).
    Large {
        status: u16,
        content_type: &'static str,
        length: usize,
        announce_length: bool,
    },
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Reply {
        Reply::Full {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    pub fn problem(status: u16, body: serde_json::Value) -> Reply {
        Reply::Full {
            status,
            headers: vec![(
                "content-type".into(),
                "application/problem+json; charset=utf-8".into(),
            )],
            body: body.to_string().into_bytes(),
        }
    }

    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::Full {
            status,
            headers: vec![("location".into(), location.into())],
            body: Vec::new(),
        }
    }

    /// Adds a header to a [`Reply::Full`].
    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Full { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// A running server. Dropping it stops it, and every connection it holds.
pub struct Faulty {
    address: SocketAddr,
    received: Arc<Mutex<Vec<Request>>>,
    accept: JoinHandle<()>,
}

impl Faulty {
    /// Starts a server on a free local port that answers with `handler`.
    pub async fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Faulty {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a local port");
        let address = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = received.clone();
        let accept = tokio::spawn(async move {
            // Aborted with the server: the connections go with the set.
            let mut connections = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                connections.spawn(serve(stream, handler.clone(), log.clone()));
            }
        });
        Faulty {
            address,
            received,
            accept,
        }
    }

    /// `http://127.0.0.1:port` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Request> {
        self.received.lock().unwrap().clone()
    }

    /// How many requests went to `path`.
    pub fn count(&self, path: &str) -> usize {
        self.received().iter().filter(|r| r.path() == path).count()
    }
}

impl Drop for Faulty {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// A local address where nothing listens: connecting to it is refused.
pub async fn closed_port() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}")
}

async fn serve(mut stream: TcpStream, handler: Arc<Handler>, log: Arc<Mutex<Vec<Request>>>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    log.lock().unwrap().push(request.clone());
    let _ = write_reply(&mut stream, handler(&request)).await;
}

async fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = find(&buffer, b"\r\n\r\n") {
            break end;
        }
        if buffer.len() > MAX_HEAD {
            return None;
        }
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, target) = (first.next()?.to_owned(), first.next()?.to_owned());
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let mut body = buffer[head_end + 4..].to_vec();
    if let Some(length) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        let length = length.min(MAX_BODY);
        while body.len() < length {
            let read = stream.read(&mut chunk).await.ok()?;
            if read == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..read]);
        }
    } else if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        body = read_chunked(stream, body).await?;
    }
    Some(Request {
        method,
        target,
        headers,
        body,
    })
}

/// The body of a chunked request, whose start is in `buffer`.
async fn read_chunked(stream: &mut TcpStream, mut buffer: Vec<u8>) -> Option<Vec<u8>> {
    let mut chunk = [0u8; 8192];
    while find(&buffer, b"0\r\n\r\n").is_none() && buffer.len() <= MAX_BODY {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let mut body = Vec::new();
    let mut rest = &buffer[..];
    while let Some(line_end) = find(rest, b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&rest[..line_end]).ok()?, 16).ok()?;
        if size == 0 {
            break;
        }
        let start = line_end + 2;
        body.extend_from_slice(rest.get(start..start + size)?);
        rest = rest.get(start + size + 2..)?;
    }
    Some(body)
}

async fn write_reply(stream: &mut TcpStream, reply: Reply) -> std::io::Result<()> {
    match reply {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                body.len()
            );
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await
        }
        Reply::Hang => std::future::pending::<std::io::Result<()>>().await,
        Reply::Trickle {
            content_type,
            piece,
            pieces,
            every,
        } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await?;
            for _ in 0..pieces {
                tokio::time::sleep(every).await;
                stream
                    .write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                    .await?;
                stream.write_all(&piece).await?;
                stream.write_all(b"\r\n").await?;
            }
            stream.write_all(b"0\r\n\r\n").await
        }
        Reply::Stall {
            content_type,
            length,
            sent,
        } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {length}\r\nconnection: close\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&vec![b'x'; sent]).await?;
            std::future::pending::<std::io::Result<()>>().await
        }
        Reply::Large {
            status,
            content_type,
            length,
            announce_length,
        } => {
            let framing = if announce_length {
                format!("content-length: {length}")
            } else {
                "transfer-encoding: chunked".to_owned()
            };
            let head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\n{framing}\r\nconnection: close\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await?;
            // A JSON string, opened and never closed: whatever the client reads of it is valid
            // so far, and never complete.
            let piece = vec![b'a'; 64 * 1024];
            let mut written = 0;
            while written < length {
                let mut data = Vec::with_capacity(piece.len());
                if written == 0 {
                    data.push(b'"');
                }
                let take = (length - written - data.len()).min(piece.len() - data.len());
                data.extend_from_slice(&piece[..take]);
                written += data.len();
                if announce_length {
                    stream.write_all(&data).await?;
                } else {
                    stream
                        .write_all(format!("{:x}\r\n", data.len()).as_bytes())
                        .await?;
                    stream.write_all(&data).await?;
                    stream.write_all(b"\r\n").await?;
                }
            }
            if !announce_length {
                stream.write_all(b"0\r\n\r\n").await?;
            }
            Ok(())
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

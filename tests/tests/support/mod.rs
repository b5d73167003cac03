//! Helpers for the end-to-end tests: an in-process server and a reader for what it received.

#![allow(dead_code)]

pub mod faulty;
pub mod peertube;
pub mod prism;

use peertube_client::Client;
use wiremock::MockServer;
use wiremock::Request;

/// A server and a client of it.
pub async fn server() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::new(&server.uri()).expect("a client for the mock server");
    (server, client)
}

/// Runs `n` calls at once, each in a task of its own, and returns their outcomes in order.
pub async fn concurrently<T, F, Fut>(n: usize, call: F) -> Vec<T>
where
    F: Fn() -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let tasks: Vec<_> = (0..n).map(|_| tokio::spawn(call())).collect();
    let mut outcomes = Vec::with_capacity(n);
    for task in tasks {
        outcomes.push(task.await.expect("the task ends"));
    }
    outcomes
}

/// The only request the server received.
pub async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(
        requests.len(),
        1,
        "expected exactly one request, got {}",
        requests.len()
    );
    requests.remove(0)
}

pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// A part of a `multipart/form-data` body.
#[derive(Debug, PartialEq)]
pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// The parts of a `multipart/form-data` request body.
pub fn multipart(request: &Request) -> Vec<Part> {
    let content_type = header(request, "content-type").expect("a content type");
    let boundary = content_type
        .split("boundary=")
        .nth(1)
        .expect("a multipart boundary")
        .trim_matches('"');
    let delimiter = format!("--{boundary}");
    let body = &request.body;
    let mut parts = Vec::new();
    let mut positions = Vec::new();
    let mut at = 0;
    while let Some(found) = find(&body[at..], delimiter.as_bytes()) {
        positions.push(at + found);
        at += found + delimiter.len();
    }
    for window in positions.windows(2) {
        let raw = &body[window[0] + delimiter.len()..window[1]];
        let raw = raw.strip_prefix(b"\r\n").unwrap_or(raw);
        let raw = raw.strip_suffix(b"\r\n").unwrap_or(raw);
        let split = find(raw, b"\r\n\r\n").expect("part headers end with a blank line");
        let headers = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut part = Part {
            name: String::new(),
            file_name: None,
            content_type: None,
            body: raw[split + 4..].to_vec(),
        };
        for line in headers.lines() {
            let (key, value) = line.split_once(':').expect("a header line");
            match key.trim().to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    for attribute in value.split(';').map(str::trim) {
                        if let Some(name) = attribute.strip_prefix("name=") {
                            part.name = name.trim_matches('"').to_owned();
                        } else if let Some(file) = attribute.strip_prefix("filename=") {
                            part.file_name = Some(file.trim_matches('"').to_owned());
                        }
                    }
                }
                "content-type" => part.content_type = Some(value.trim().to_owned()),
                _ => {}
            }
        }
        parts.push(part);
    }
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

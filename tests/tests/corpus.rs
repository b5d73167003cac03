//! Every response body recorded from real PeerTube servers (`../shared/corpus/`, listed in its
//! `INDEX.tsv`) decodes through the client method of the operation it answers, and encodes
//! back to the values its type models.
//!
//! No body is skipped: a row whose operation has no entry in `decode` fails the test.

use std::collections::BTreeMap;
use std::path::PathBuf;

use peertube_client::types::{GetOAuthTokenBody, OAuthTokenPassword, Video};
use peertube_client::{Client, Error};
use serde_json::Value;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn corpus() -> PathBuf {
    let dir = std::env::var_os("PEERTUBE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"));
    assert!(
        dir.join("INDEX.tsv").is_file(),
        "the corpus of real responses is not at {} (set PEERTUBE_CORPUS)",
        dir.display()
    );
    dir
}

struct Row {
    file: String,
    method: String,
    api_path: String,
    operation: String,
}

fn rows() -> Vec<Row> {
    let index = std::fs::read_to_string(corpus().join("INDEX.tsv")).unwrap();
    let mut lines = index.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (file, method, api_path, operation) = (
        column("file"),
        column("method"),
        column("api_path"),
        column("operation"),
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            Row {
                file: cells[file].to_owned(),
                method: cells[method].to_owned(),
                api_path: cells[api_path].to_owned(),
                operation: cells[operation].to_owned(),
            }
        })
        .collect()
}

/// Decodes `body` with the response type of the operation at `method api_path`, through the
/// client method that calls it, and encodes the value back.
async fn decode(client: &Client, row: &Row) -> Result<Value, Error> {
    let encoded = |value: &dyn erased::Encode| value.json();
    Ok(
        match (
            row.method.as_str(),
            row.api_path.as_str(),
            row.operation.as_str(),
        ) {
            (_, _, "getVideos (items only)") => {
                // Items of a 2018 list, without the list around them: a list of `Video`.
                let body = std::fs::read(corpus().join(&row.file)).unwrap();
                let items: Vec<Video> =
                    serde_json::from_slice(&body).map_err(|e| decode_error(&e))?;
                encoded(&items)
            }
            ("GET", "/api/v1/accounts/{name}", _) => encoded(&client.get_account("x").await?),
            ("GET", "/api/v1/accounts/{name}/video-channels", _) => {
                encoded(&client.list_account_channels("x").await?)
            }
            ("GET", "/api/v1/accounts/{name}/videos", _) => {
                encoded(&client.list_account_videos("x").await?)
            }
            ("GET", "/api/v1/video-channels/{channelHandle}", _) => {
                encoded(&client.get_channel("x").await?)
            }
            ("GET", "/api/v1/video-channels/{channelHandle}/video-playlists", _) => {
                encoded(&client.list_channel_playlists("x").await?)
            }
            ("GET", "/api/v1/video-channels/{channelHandle}/videos", _) => {
                encoded(&client.list_channel_videos("x").await?)
            }
            ("GET", "/api/v1/videos/{id}/comment-threads", _) => {
                encoded(&client.list_comment_threads(1).await?)
            }
            ("GET", "/api/v1/videos/{id}/comment-threads/{threadId}", _) => {
                encoded(&client.get_comment_thread(1, 2).await?)
            }
            ("GET", "/api/v1/video-playlists/{playlistId}", _) => {
                encoded(&client.get_playlist(1).await?)
            }
            ("GET", "/api/v1/videos/{id}", _) => encoded(&client.get_video(1).await?),
            ("GET", "/api/v1/videos/{id}/captions", _) => {
                encoded(&client.list_video_captions(1).await?)
            }
            ("GET", "/api/v1/search/videos", _) => encoded(&client.search_videos("x").await?),
            ("GET", "/api/v1/videos/{id}/storyboards", _) => {
                encoded(&client.list_video_storyboards(1).await?)
            }
            ("GET", "/api/v1/videos", _) => encoded(&client.list_videos().await?),
            ("GET", "/api/v1/oauth-clients/local", _) => encoded(&client.get_oauth_client().await?),
            ("POST", "/api/v1/users/token", _) => {
                let body =
                    GetOAuthTokenBody::Password(OAuthTokenPassword::new("id", "secret", "user"));
                encoded(&client.get_oauth_token(body).await?)
            }
            (method, path, operation) => {
                panic!("{}: no decoder for {method} {path} ({operation})", row.file)
            }
        },
    )
}

fn decode_error(e: &serde_json::Error) -> Error {
    panic!("a list of Video does not decode: {e}")
}

/// Encoding through a trait object, so `decode` can hold values of every type.
mod erased {
    pub trait Encode {
        fn json(&self) -> serde_json::Value;
    }

    impl<T: serde::Serialize> Encode for T {
        fn json(&self) -> serde_json::Value {
            serde_json::to_value(self).expect("a decoded value encodes")
        }
    }
}

/// Compares what the type encodes with what the server sent: every value the type writes
/// must be the server's (numbers by value, dates by instant); what the server sent and the
/// type does not model is listed in `dropped`.
fn compare(
    sent: &Value,
    encoded: &Value,
    path: &str,
    dropped: &mut BTreeMap<String, usize>,
    mismatches: &mut Vec<String>,
) {
    match (sent, encoded) {
        (Value::Object(sent), Value::Object(encoded)) => {
            for (key, value) in sent {
                let here = format!("{path}.{key}");
                match encoded.get(key) {
                    Some(other) => compare(value, other, &here, dropped, mismatches),
                    None if value.is_null() => {}
                    None => *dropped.entry(strip_indices(&here)).or_default() += 1,
                }
            }
            for (key, value) in encoded {
                if !sent.contains_key(key) && !value.is_null() {
                    mismatches.push(format!("{path}.{key}: not sent, encoded as {value}"));
                }
            }
        }
        (Value::Array(sent), Value::Array(encoded)) if sent.len() == encoded.len() => {
            for (i, (a, b)) in sent.iter().zip(encoded).enumerate() {
                compare(a, b, &format!("{path}[{i}]"), dropped, mismatches);
            }
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        (Value::String(a), Value::String(b)) if a == b || same_instant(a, b) => {}
        (a, b) if a == b => {}
        (a, b) => mismatches.push(format!("{path}: sent {a}, encoded as {b}")),
    }
}

fn same_instant(a: &str, b: &str) -> bool {
    matches!(
        (chrono::DateTime::parse_from_rfc3339(a), chrono::DateTime::parse_from_rfc3339(b)),
        (Ok(x), Ok(y)) if x == y
    )
}

fn strip_indices(path: &str) -> String {
    let mut out = String::new();
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[]");
            }
            ']' => in_index = false,
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

#[tokio::test]
async fn every_recorded_response_decodes_and_encodes_back() {
    let server = MockServer::start().await;
    let client = Client::new(&server.uri()).unwrap();
    let mut failures = Vec::new();
    let mut dropped: BTreeMap<String, usize> = BTreeMap::new();
    let rows = rows();
    assert_eq!(rows.len(), 46, "the corpus lists 46 bodies");
    for row in &rows {
        let body = std::fs::read(corpus().join(&row.file)).unwrap();
        server.reset().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(body.clone(), "application/json; charset=utf-8"),
            )
            .mount(&server)
            .await;
        match decode(&client, row).await {
            Ok(encoded) => {
                let sent: Value = serde_json::from_slice(&body).unwrap();
                let mut mismatches = Vec::new();
                compare(&sent, &encoded, "", &mut dropped, &mut mismatches);
                if !mismatches.is_empty() {
                    failures.push(format!(
                        "{}: encodes differently:\n    {}",
                        row.file,
                        mismatches.join("\n    ")
                    ));
                }
            }
            Err(error) => failures.push(format!("{}: {error}", row.file)),
        }
    }
    let report: Vec<String> = dropped
        .iter()
        .map(|(path, n)| format!("{path} ({n})"))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} bodies fail:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
    // With spec/overlay.yaml, the types model every field the servers sent.
    assert!(
        report.is_empty(),
        "fields the types do not model: {}",
        report.join(", ")
    );
}

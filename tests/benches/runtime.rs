//! What the generated client costs at run time, beside hand-written code doing the same work:
//! a hand-written serde struct, or a direct `reqwest` call.
//!
//! `cargo bench -p peertube-client-tests --bench runtime` (criterion). After criterion's own
//! report, the bench prints each pair's ratio of medians (generated / hand-written).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use criterion::Criterion;
use peertube_client::Client;
use peertube_client::types::{
    GetOAuthTokenBody, OAuthTokenPassword, VideoListResponse, VideosSort,
};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The same data as `types::VideoListResponse` models, written by hand.
// The fields are decoded, never read: decoding them is the work measured.
#[allow(dead_code)]
mod hand {
    use chrono::{DateTime, Utc};
    use serde::Deserialize;

    #[derive(Deserialize)]
    pub struct VideoList {
        pub total: i64,
        pub data: Vec<Video>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Video {
        pub id: Option<i64>,
        pub uuid: uuid::Uuid,
        #[serde(rename = "shortUUID")]
        pub short_uuid: Option<String>,
        pub is_live: Option<bool>,
        pub live_schedules: Option<Vec<LiveSchedule>>,
        pub created_at: Option<DateTime<Utc>>,
        pub published_at: Option<DateTime<Utc>>,
        pub updated_at: Option<DateTime<Utc>>,
        pub originally_published_at: Option<DateTime<Utc>>,
        pub category: Constant<i64>,
        pub licence: Option<Constant<i64>>,
        pub language: Option<Constant<String>>,
        pub privacy: Option<Constant<i64>>,
        pub truncated_description: Option<String>,
        pub duration: Option<i64>,
        pub aspect_ratio: Option<f64>,
        pub is_local: Option<bool>,
        pub name: String,
        pub thumbnail_path: Option<String>,
        pub preview_path: String,
        pub thumbnails: Option<Vec<Thumbnail>>,
        pub embed_path: Option<String>,
        pub views: Option<i64>,
        pub likes: Option<i64>,
        pub dislikes: Option<i64>,
        pub comments: Option<i64>,
        pub nsfw: Option<bool>,
        pub nsfw_flags: Option<i64>,
        pub nsfw_summary: Option<String>,
        pub wait_transcoding: Option<bool>,
        pub state: Option<Constant<i64>>,
        pub scheduled_update: Option<ScheduledUpdate>,
        pub blacklisted: Option<bool>,
        pub blacklisted_reason: Option<String>,
        pub account: Option<Actor>,
        pub channel: Option<Actor>,
        pub user_history: Option<UserHistory>,
        pub url: Option<String>,
        pub description: Option<String>,
        pub viewers: Option<i64>,
        pub score: Option<f64>,
        pub embed_url: Option<String>,
        pub thumbnail_url: Option<String>,
        pub preview_url: Option<String>,
        pub tags: Option<Vec<String>>,
    }

    #[derive(Deserialize)]
    pub struct Constant<T> {
        pub id: Option<T>,
        pub label: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct LiveSchedule {
        pub start_at: Option<DateTime<Utc>>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Thumbnail {
        pub file_url: Option<String>,
        pub width: Option<i64>,
        pub height: Option<i64>,
        pub aspect_ratio: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ScheduledUpdate {
        pub privacy: Option<i64>,
        pub update_at: DateTime<Utc>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct UserHistory {
        pub current_time: Option<i64>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Actor {
        pub id: Option<i64>,
        pub name: Option<String>,
        pub display_name: Option<String>,
        pub url: Option<String>,
        pub host: Option<String>,
        pub avatars: Option<Vec<ActorImage>>,
        pub avatar: Option<ActorImage>,
        pub uuid: Option<uuid::Uuid>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ActorImage {
        pub path: Option<String>,
        pub file_url: Option<String>,
        pub width: Option<i64>,
        pub height: Option<i64>,
        pub created_at: Option<DateTime<Utc>>,
        pub updated_at: Option<DateTime<Utc>>,
        pub url: Option<String>,
    }

    /// The password grant, as a hand-writer would send it.
    #[derive(serde::Serialize)]
    pub struct PasswordGrant<'a> {
        pub grant_type: &'static str,
        pub client_id: &'a str,
        pub client_secret: &'a str,
        pub username: &'a str,
        pub password: &'a str,
    }
}

fn corpus() -> PathBuf {
    std::env::var_os("PEERTUBE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"))
}

/// A page of 100 videos: every video of the corpus's video lists, repeated in turn.
fn video_page() -> Vec<u8> {
    const LISTS: &[&str] = &[
        "/api/v1/videos",
        "/api/v1/search/videos",
        "/api/v1/accounts/{name}/videos",
        "/api/v1/video-channels/{channelHandle}/videos",
    ];
    let dir = corpus();
    let index = std::fs::read_to_string(dir.join("INDEX.tsv"))
        .unwrap_or_else(|e| panic!("the corpus is not at {} ({e})", dir.display()));
    let mut videos = Vec::new();
    for line in index.lines().skip(1) {
        let cells: Vec<&str> = line.split('\t').collect();
        let (Some(file), Some(path)) = (cells.first(), cells.get(2)) else {
            continue;
        };
        if !LISTS.contains(path) {
            continue;
        }
        let body: Value = serde_json::from_slice(&std::fs::read(dir.join(file)).unwrap()).unwrap();
        match body {
            Value::Object(mut page) => {
                if let Some(Value::Array(items)) = page.remove("data") {
                    videos.extend(items);
                }
            }
            // The 2018 recording: a bare array of videos.
            Value::Array(items) => videos.extend(items),
            _ => {}
        }
    }
    assert!(
        videos.len() >= 20,
        "only {} videos in the corpus",
        videos.len()
    );
    let data: Vec<Value> = videos.iter().cycle().take(100).cloned().collect();
    serde_json::to_vec(&serde_json::json!({ "total": 100, "data": data })).unwrap()
}

/// An HTTP/1.1 server that answers every request with `body`, as fast as it can.
async fn serve(body: Bytes) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let body = body.clone();
            // One write per response, without Nagle's delay: the client's side is what is measured.
            let _ = socket.set_nodelay(true);
            tokio::spawn(async move {
                let mut response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                )
                .into_bytes();
                response.extend_from_slice(&body);
                let mut buffer = Vec::with_capacity(4096);
                let mut chunk = [0u8; 4096];
                loop {
                    // GET requests only: a request ends with its head.
                    while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let end = buffer.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
                    buffer.drain(..end);
                    if socket.write_all(&response).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    address
}

/// The filters of one busy video list request (twelve parameters, two of them lists).
const FILTERS: &[(&str, &str)] = &[
    ("start", "0"),
    ("count", "25"),
    ("sort", "-publishedAt"),
    ("nsfw", "false"),
    ("isLive", "false"),
    ("categoryOneOf", "1"),
    ("categoryOneOf", "15"),
    ("languageOneOf", "en"),
    ("languageOneOf", "fr"),
    ("tagsOneOf", "rust"),
    ("tagsOneOf", "open source"),
    ("isLocal", "true"),
    ("hasHLSFiles", "true"),
    ("host", "framatube.org"),
    ("search", "peertube & rust"),
];

fn filtered(client: &Client) -> peertube_client::operations::ListVideos {
    client
        .list_videos()
        .start(0)
        .count(25)
        .sort(VideosSort::PublishedAtDesc)
        .nsfw("false")
        .is_live(false)
        .category_one_of([1, 15])
        .language_one_of(["en", "fr"])
        .tags_one_of(["rust", "open source"])
        .is_local(true)
        .has_hls_files(true)
        .host("framatube.org")
        .search("peertube & rust")
}

fn benches(c: &mut Criterion) {
    let page = video_page();

    // The two decoders must agree before they are compared.
    let generated: VideoListResponse = peertube_client::from_slice(&page).unwrap();
    let written: hand::VideoList = serde_json::from_slice(&page).unwrap();
    let (generated, written) = (generated.data, written.data);
    assert_eq!(generated.len(), 100);
    assert!(
        generated
            .iter()
            .zip(&written)
            .all(|(g, w)| g.name == w.name && g.uuid == w.uuid && g.published_at == w.published_at)
    );

    let mut group = c.benchmark_group("decode 100 videos");
    group.bench_function("generated", |b| {
        b.iter(|| {
            peertube_client::from_slice::<VideoListResponse>(std::hint::black_box(&page)).unwrap()
        })
    });
    group.bench_function("hand-written", |b| {
        b.iter(|| serde_json::from_slice::<hand::VideoList>(std::hint::black_box(&page)).unwrap())
    });
    group.finish();

    // The types' serde `Deserialize`, for users who read them with serde themselves: it goes
    // through a `serde_json::Value`, which keeps the crate's build small.
    let mut group = c.benchmark_group("decode 100 videos with serde");
    group.bench_function("generated", |b| {
        b.iter(|| serde_json::from_slice::<VideoListResponse>(std::hint::black_box(&page)).unwrap())
    });
    group.bench_function("hand-written", |b| {
        b.iter(|| serde_json::from_slice::<hand::VideoList>(std::hint::black_box(&page)).unwrap())
    });
    group.finish();

    let body = GetOAuthTokenBody::Password(OAuthTokenPassword {
        password: Some("s3cret p&ss=word".into()),
        ..OAuthTokenPassword::new("3fcb7f7c5b0c", "AbCdEf0123456789", "alice")
    });
    let grant = hand::PasswordGrant {
        grant_type: "password",
        client_id: "3fcb7f7c5b0c",
        client_secret: "AbCdEf0123456789",
        username: "alice",
        password: "s3cret p&ss=word",
    };
    let expected = serde_urlencoded::to_string(&grant).unwrap();
    assert_eq!(serde_urlencoded::to_string(&body).unwrap(), expected);
    let mut group = c.benchmark_group("encode the token form");
    group.bench_function("generated", |b| {
        b.iter(|| serde_urlencoded::to_string(std::hint::black_box(&body)).unwrap())
    });
    group.bench_function("hand-written", |b| {
        b.iter(|| serde_urlencoded::to_string(std::hint::black_box(&grant)).unwrap())
    });
    group.finish();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let empty = runtime.block_on(serve(Bytes::from_static(br#"{"total":0,"data":[]}"#)));
    let full = runtime.block_on(serve(Bytes::from(page.clone())));
    let client = Client::new(&format!("http://{empty}")).unwrap();
    let client_full = Client::new(&format!("http://{full}")).unwrap();
    // The generated client installed the TLS provider; a plain reqwest client can now be built.
    let http = reqwest::Client::new();
    let list_url = |address: SocketAddr| format!("http://{address}/api/v1/videos");
    let (empty_url, full_url) = (list_url(empty), list_url(full));

    let mut group = c.benchmark_group("list videos with 12 filters (loopback HTTP)");
    group.bench_function("generated", |b| {
        b.to_async(&runtime)
            .iter(|| async { filtered(&client).await.unwrap() })
    });
    group.bench_function("hand-written", |b| {
        b.to_async(&runtime).iter(|| async {
            // reqwest 0.13 has no `query` without its `query` feature: `url` does the same.
            let url = reqwest::Url::parse_with_params(&empty_url, FILTERS).unwrap();
            let response = http.get(url).send().await.unwrap();
            assert!(response.status().is_success());
            let bytes = response.bytes().await.unwrap();
            serde_json::from_slice::<hand::VideoList>(&bytes).unwrap()
        })
    });
    group.finish();

    let mut group = c.benchmark_group("list 100 videos (loopback HTTP)");
    group.bench_function("generated", |b| {
        b.to_async(&runtime)
            .iter(|| async { client_full.list_videos().count(100).await.unwrap() })
    });
    group.bench_function("hand-written", |b| {
        b.to_async(&runtime).iter(|| async {
            let url = reqwest::Url::parse_with_params(&full_url, [("count", "100")]).unwrap();
            let response = http.get(url).send().await.unwrap();
            assert!(response.status().is_success());
            let bytes = response.bytes().await.unwrap();
            serde_json::from_slice::<hand::VideoList>(&bytes).unwrap()
        })
    });
    group.finish();
}

fn output_directory() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
        .join("criterion")
}

/// The median criterion estimated for one benchmark, in nanoseconds.
fn median(group: &str, function: &str) -> Option<f64> {
    // Criterion names directories after the group, with characters file systems reject
    // replaced by `_`.
    let folder: String = group
        .chars()
        .map(|c| match c {
            '?' | '"' | '/' | '\\' | '*' | '<' | '>' | ':' | '|' | '^' => '_',
            c => c,
        })
        .collect();
    let path = output_directory()
        .join(folder)
        .join(function)
        .join("new/estimates.json");
    let estimates: Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    estimates["median"]["point_estimate"].as_f64()
}

fn main() {
    let mut criterion = Criterion::default()
        .output_directory(&output_directory())
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    benches(&mut criterion);
    criterion.final_summary();

    println!("\nratio of medians, generated / hand-written:");
    for group in [
        "decode 100 videos",
        "decode 100 videos with serde",
        "encode the token form",
        "list videos with 12 filters (loopback HTTP)",
        "list 100 videos (loopback HTTP)",
    ] {
        match (median(group, "generated"), median(group, "hand-written")) {
            (Some(generated), Some(hand)) => println!(
                "  {group:<46} {:>10.2} µs / {:>10.2} µs = {:.2}",
                generated / 1e3,
                hand / 1e3,
                generated / hand
            ),
            _ => println!("  {group:<46} (not run)"),
        }
    }
}

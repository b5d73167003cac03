//! The client against hostile servers and bad networks: redirects that would carry credentials
//! away, arguments that would change the endpoint, secrets in error text, refresh storms,
//! servers that never answer, bodies without end, undocumented errors, endless pagination.
//! One test (or a few) per case; servers are local, timeouts short.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use peertube_client::types::{GetOAuthTokenBody, OAuthTokenPassword, VideoDetails};
use peertube_client::{Client, Error, ErrorCode, SavedSession, Tokens};
use serde_json::json;
use support::concurrently;
use support::faulty::{Faulty, Reply, Request, closed_port};
use support::peertube::{self, CLIENT_ID, CLIENT_SECRET, User};

const PASSWORD: &str = "s3cret p&ss=word";
const TOKEN_PATH: &str = "/api/v1/users/token";
const CLIENT_PATH: &str = "/api/v1/oauth-clients/local";

/// A client of `server` with timeouts short enough for tests.
fn client(url: &str) -> Client {
    Client::builder(url)
        .connect_timeout(Duration::from_secs(2))
        .read_timeout(Duration::from_millis(400))
        .build()
        .unwrap()
}

fn oauth_client() -> Reply {
    Reply::json(
        200,
        json!({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}),
    )
}

fn tokens(n: u32) -> Reply {
    Reply::json(
        200,
        json!({
            "token_type": "Bearer",
            "access_token": format!("access-{n}"),
            "refresh_token": format!("refresh-{n}"),
            "expires_in": 86400,
            "refresh_token_expires_in": 1209600
        }),
    )
}

fn video() -> serde_json::Value {
    numbered_video(1, "a video")
}

/// A video as a server sends it: every field the crate requires, as in a listing or alone.
fn numbered_video(id: i64, name: &str) -> serde_json::Value {
    let at = "2024-05-15T09:12:38.684Z";
    json!({
        "id": id,
        "uuid": "9c9de5e8-0a1e-484a-b099-e80766180a6d",
        "shortUUID": "2y84q2MQUMWPbiEcxNXMgC",
        "name": name,
        "isLive": false,
        "createdAt": at,
        "publishedAt": at,
        "updatedAt": at,
        "category": {"id": 1, "label": "Music"},
        "licence": {"id": 1, "label": "Attribution"},
        "language": {"id": "en", "label": "English"},
        "privacy": {"id": 1, "label": "Public"},
        "state": {"id": 1, "label": "Published"},
        "duration": 60,
        "isLocal": true,
        "thumbnailPath": "/lazy-static/thumbnails/1.jpg",
        "previewPath": "/lazy-static/previews/1.jpg",
        "embedPath": "/videos/embed/1",
        "views": 0,
        "viewers": 0,
        "likes": 0,
        "dislikes": 0,
        "nsfw": false,
        "account": {"id": 1, "name": "alice", "displayName": "Alice",
            "url": "https://tube.example/accounts/alice", "host": "tube.example", "avatars": []},
        "channel": {"id": 1, "name": "alice_channel", "displayName": "Alice's channel",
            "url": "https://tube.example/video-channels/alice_channel", "host": "tube.example",
            "avatars": []},
        "url": "https://tube.example/videos/watch/1",
        "tags": [],
        "files": [],
        "streamingPlaylists": [],
        "downloadEnabled": true,
        "trackerUrls": []
    })
}

/// A `reqwest::Client` of the application's own, with reqwest's defaults.
fn plain_reqwest(server: &Faulty) -> reqwest::Client {
    // reqwest is built without a TLS provider: building a client of ours installs one.
    Client::new(&server.url("/")).unwrap();
    reqwest::Client::new()
}

/// A server that behaves like PeerTube for logging in, with one user, alice.
async fn peertube_with_alice() -> (wiremock::MockServer, Arc<Mutex<peertube::State>>) {
    let alice = User {
        username: "alice",
        password: PASSWORD,
        otp: None,
    };
    peertube::start(vec![alice], json!({"total": 1, "data": [video()]})).await
}

/// A server of another origin, which records whatever reaches it.
async fn elsewhere() -> Faulty {
    Faulty::start(|_| tokens(666)).await
}

// 1. Credentials follow redirects.

#[tokio::test]
async fn login_does_not_follow_a_token_redirect_to_another_origin() {
    for status in [302, 303, 307, 308] {
        let other = elsewhere().await;
        let target = other.url(TOKEN_PATH);
        let server = Faulty::start(move |request| match request.path() {
            CLIENT_PATH => oauth_client(),
            _ => Reply::redirect(status, &target),
        })
        .await;
        let client = client(&server.url("/"));

        let error = client.login("alice", PASSWORD).await.unwrap_err();

        match &error {
            Error::Redirect {
                status: got,
                location,
                ..
            } => {
                assert_eq!(*got, status);
                assert_eq!(location, &other.url(TOKEN_PATH));
            }
            other => panic!("{status}: expected a refused redirect, got {other}"),
        }
        assert!(other.received().is_empty(), "{status}: credentials left");
        assert!(!client.is_authenticated());
        assert_eq!(server.count(TOKEN_PATH), 1);
    }
}

#[tokio::test]
async fn otp_and_video_password_headers_do_not_follow_to_another_origin() {
    for status in [302, 307] {
        let other = elsewhere().await;
        let target = other.url("/anywhere");
        let server = Faulty::start(move |request| match request.path() {
            CLIENT_PATH => oauth_client(),
            _ => Reply::redirect(status, &target),
        })
        .await;
        let client = client(&server.url("/"));

        let protected = client
            .get_video("9c9de5e8-0a1e-484a-b099-e80766180a6d")
            .x_peertube_video_password("video password")
            .await
            .unwrap_err();
        let otp = client
            .login_with_otp("bob", PASSWORD, "123456")
            .await
            .unwrap_err();
        let body =
            GetOAuthTokenBody::Password(OAuthTokenPassword::new(CLIENT_ID, CLIENT_SECRET, "bob"));
        let raw_otp = client
            .get_oauth_token(body)
            .x_peertube_otp("123456")
            .await
            .unwrap_err();

        for error in [protected, otp, raw_otp] {
            assert!(
                matches!(error, Error::Redirect { status: s, .. } if s == status),
                "{status}: {error}"
            );
            assert!(error.to_string().contains("/anywhere"), "{error}");
        }
        assert!(other.received().is_empty(), "{status}: credentials left");
    }
}

#[tokio::test]
async fn a_redirect_within_the_server_is_followed_with_body_and_headers() {
    let server = Faulty::start(|request| match request.path() {
        CLIENT_PATH => oauth_client(),
        TOKEN_PATH => Reply::redirect(307, "/api/v1/users/token-moved"),
        "/api/v1/users/token-moved" => tokens(1),
        "/api/v1/videos/1" => Reply::redirect(302, "/api/v1/videos/2"),
        _ => Reply::json(200, video()),
    })
    .await;
    let client = client(&server.url("/"));

    client
        .login_with_otp("bob", PASSWORD, "123456")
        .await
        .unwrap();
    client.get_video(1).await.unwrap();

    let received = server.received();
    let moved = received
        .iter()
        .find(|r| r.path() == "/api/v1/users/token-moved")
        .expect("the redirect was followed");
    let first = received.iter().find(|r| r.path() == TOKEN_PATH).unwrap();
    assert_eq!(moved.body, first.body, "307 keeps the body");
    assert_eq!(moved.header("x-peertube-otp"), Some("123456"));
    let video = received
        .iter()
        .find(|r| r.path() == "/api/v1/videos/2")
        .unwrap();
    assert_eq!(video.header("authorization"), Some("Bearer access-1"));
}

#[tokio::test]
async fn a_public_file_follows_to_another_origin_without_the_token() {
    let storage = Faulty::start(|_| Reply::Full {
        status: 200,
        headers: vec![("content-type".into(), "video/mp4".into())],
        body: b"file".to_vec(),
    })
    .await;
    let target = storage.url("/bucket/clip.mp4");
    let server = Faulty::start(move |_| Reply::redirect(302, &target)).await;
    let client = client(&server.url("/"));
    client.set_access_token("access-token");

    let file = client.get_web_video_file("clip.mp4").await.unwrap();

    assert_eq!(file.bytes().await.unwrap(), &b"file"[..]);
    let fetched = storage.received();
    assert_eq!(fetched.len(), 1);
    assert_eq!(fetched[0].header("authorization"), None);
    assert_eq!(
        server.received()[0].header("authorization"),
        Some("Bearer access-token")
    );
}

#[tokio::test]
async fn tokens_are_not_taken_from_another_origin() {
    // A `reqwest::Client` of the application's own follows redirects itself: the session
    // still refuses what another origin answers.
    let other = elsewhere().await;
    let target = other.url(TOKEN_PATH);
    let server = Faulty::start(move |request| match request.path() {
        CLIENT_PATH => oauth_client(),
        _ => Reply::redirect(307, &target),
    })
    .await;
    let client = Client::builder(&server.url("/"))
        .http_client(plain_reqwest(&server))
        .build()
        .unwrap();

    let error = client.login("alice", PASSWORD).await.unwrap_err();

    assert!(matches!(error, Error::Redirect { .. }), "{error}");
    assert!(!client.is_authenticated());
}

// 2. `.` and `..` path parameters change the endpoint.

#[tokio::test]
async fn path_parameters_that_change_the_endpoint_are_errors_before_sending() {
    let server = Faulty::start(|_| Reply::json(200, json!({}))).await;
    let client = client(&server.url("/"));

    let errors = [
        client.delete_video("..").await.unwrap_err(),
        client.delete_video(".").await.unwrap_err(),
        client.get_account("").await.unwrap_err(),
        client.get_account("a\r\nb").await.unwrap_err(),
        client.get_video("x\ty").await.unwrap_err(),
    ];

    for error in &errors {
        assert!(
            matches!(error, Error::InvalidArgument { argument, .. } if argument == "id" || argument == "name"),
            "{error}"
        );
    }
    assert!(errors[0].to_string().contains("`id`"), "{}", errors[0]);
    assert!(server.received().is_empty());
}

// 3. Secrets in error text.

#[tokio::test]
async fn transport_errors_show_no_secret_of_the_query() {
    let client = client(&closed_port().await);

    let file = client
        .get_private_web_video_file("clip.mp4")
        .video_file_token("file-token-secret")
        .await
        .unwrap_err();
    let feed = client
        .get_subscription_videos_feed("rss", "7", "feed-token-secret")
        .await
        .unwrap_err();

    for error in [&file, &feed] {
        assert!(matches!(error, Error::Transport { .. }), "{error}");
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("token-secret"), "{shown}");
        assert!(shown.contains("=***"), "{shown}");
    }
}

#[tokio::test]
async fn redirect_errors_show_no_secret_of_the_query() {
    let server =
        Faulty::start(|request| Reply::redirect(302, &format!("{}&again=1", request.target))).await;
    let client = client(&server.url("/"));

    let error = client
        .get_private_web_video_file("clip.mp4")
        .video_file_token("file-token-secret")
        .await
        .unwrap_err();

    assert!(
        matches!(&error, Error::Redirect { reason, .. } if reason.contains("more than 10")),
        "{error}"
    );
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("file-token-secret"), "{shown}");
    assert_eq!(server.received().len(), 11);
}

// 4. A password in the base URL.

#[tokio::test]
async fn a_base_url_with_user_info_is_refused_without_showing_it() {
    let server = Faulty::start(|_| Reply::json(200, json!({}))).await;
    let url = server
        .url("/")
        .replace("http://", "http://bob:base-url-secret@");

    let error = Client::new(&url).unwrap_err();

    assert!(matches!(error, Error::InvalidBaseUrl { .. }), "{error}");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("base-url-secret"), "{shown}");
    assert!(server.received().is_empty());
}

// 5. Refresh storm.

#[tokio::test]
async fn a_refused_refresh_is_tried_once_for_fifty_waiters_and_never_again() {
    let (server, state) = peertube_with_alice().await;
    let client = client(&server.uri());
    client.login("alice", PASSWORD).await.unwrap();
    {
        let mut state = state.lock().unwrap();
        state.expire_access_tokens();
        state.refuse_refresh = true;
    }

    let outcomes = concurrently(50, || {
        let client = client.clone();
        async move { client.list_videos().await }
    })
    .await;

    for error in outcomes.iter().map(|outcome| outcome.as_ref().unwrap_err()) {
        assert!(matches!(error, Error::SessionExpired { .. }), "{error}");
        assert_eq!(error.code(), Some(ErrorCode::InvalidGrant), "{error}");
        assert!(error.to_string().contains("log in again"), "{error}");
    }
    let (token_requests, video_requests) = {
        let state = state.lock().unwrap();
        (state.token_requests, state.video_requests)
    };
    assert_eq!(token_requests, 2, "the login, and one refresh");
    assert!(!client.is_authenticated(), "the dead tokens are dropped");

    let next = client.list_videos().await.unwrap_err();
    assert!(matches!(next, Error::SessionExpired { .. }), "{next}");
    let counts = {
        let state = state.lock().unwrap();
        (state.token_requests, state.video_requests)
    };
    assert_eq!(
        counts,
        (2, video_requests),
        "the dead token is not tried again, nothing is sent"
    );

    client.logout();
    let anonymous = client.list_videos().await.unwrap_err();
    assert_eq!(
        anonymous.code(),
        Some(ErrorCode::InvalidToken),
        "{anonymous}"
    );
}

#[tokio::test]
async fn a_hanging_token_endpoint_fails_every_waiter_at_once_and_keeps_the_session() {
    let server = Faulty::start(|request: &Request| match request.path() {
        CLIENT_PATH => oauth_client(),
        TOKEN_PATH => Reply::Hang,
        _ => Reply::json(200, json!({"total": 0, "data": []})),
    })
    .await;
    let client = client(&server.url("/"));
    // An expired access token: every request refreshes it first.
    client.set_tokens(Tokens {
        access_token: "expired".into(),
        refresh_token: Some("refresh".into()),
        expires_at: Some(std::time::SystemTime::now()),
    });

    let outcomes = concurrently(50, || {
        let client = client.clone();
        async move { client.list_videos().await }
    })
    .await;
    for error in outcomes.into_iter().map(Result::unwrap_err) {
        assert!(matches!(error, Error::Refresh { .. }), "{error}");
        assert!(error.is_timeout(), "{error}");
    }

    assert_eq!(
        server.count(TOKEN_PATH),
        1,
        "one refresh for fifty requests"
    );
    assert_eq!(server.count("/api/v1/videos"), 0);
    assert!(
        client.is_authenticated(),
        "a refresh that timed out may succeed later"
    );
    let again = client.list_videos().await.unwrap_err();
    assert!(matches!(again, Error::Refresh { .. }), "{again}");
    assert_eq!(server.count(TOKEN_PATH), 2, "the next call tries again");
}

// 6. No default timeout.

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let server = Faulty::start(|_| Reply::Hang).await;
    let client = client(&server.url("/"));

    let error = client.get_video(1).await.unwrap_err();

    assert!(
        matches!(error, Error::Timeout { waiting_for: "the response", after, .. } if after == Duration::from_millis(400)),
        "{error}"
    );
    assert!(error.is_timeout());
}

#[tokio::test]
async fn a_download_that_stalls_times_out_and_one_that_trickles_does_not() {
    let server = Faulty::start(|request| match request.path() {
        "/static/web-videos/stalled.mp4" => Reply::Stall {
            content_type: "video/mp4",
            length: 1_000_000,
            sent: 1000,
        },
        _ => Reply::Trickle {
            content_type: "video/mp4",
            piece: vec![7; 1000],
            pieces: 16,
            every: Duration::from_millis(50),
        },
    })
    .await;
    let client = client(&server.url("/"));

    // 16 pieces 50 ms apart: twice the 400 ms read timeout in all, never 400 ms of silence.
    let file = client.get_web_video_file("slow.mp4").await.unwrap();
    assert_eq!(file.bytes().await.unwrap().len(), 16_000);

    let mut stream = client
        .get_web_video_file("stalled.mp4")
        .await
        .unwrap()
        .stream();
    let mut read = 0;
    let error = loop {
        match stream.next().await {
            Some(Ok(chunk)) => read += chunk.len(),
            Some(Err(error)) => break error,
            None => panic!("the stalled body ended"),
        }
    };
    assert_eq!(read, 1000);
    assert!(
        matches!(
            error,
            Error::Timeout {
                waiting_for: "more of the body",
                ..
            }
        ),
        "{error}"
    );
}

#[tokio::test]
async fn the_user_agent_survives_a_custom_reqwest_client() {
    let server = Faulty::start(|_| Reply::json(200, video())).await;
    let custom = Client::builder(&server.url("/"))
        .http_client(plain_reqwest(&server))
        .build()
        .unwrap();
    let named = Client::builder(&server.url("/"))
        .http_client(plain_reqwest(&server))
        .user_agent("my-bot/1.0")
        .build()
        .unwrap();

    custom.get_video(1).await.unwrap();
    named.get_video(1).await.unwrap();

    let agents: Vec<Option<String>> = server
        .received()
        .iter()
        .map(|r| r.header("user-agent").map(str::to_owned))
        .collect();
    assert_eq!(
        agents,
        [
            Some(format!("peertube-client/{}", env!("CARGO_PKG_VERSION"))),
            Some("my-bot/1.0".to_owned())
        ]
    );
}

// 7. Restored sessions never refresh.

#[tokio::test]
async fn a_restored_session_refreshes() {
    let (server, state) = peertube_with_alice().await;
    let first = client(&server.uri());
    first.login("alice", PASSWORD).await.unwrap();
    let written = serde_json::to_string(&first.session().unwrap().with_secrets()).unwrap();
    assert!(!format!("{:?}", first.session().unwrap()).contains("access-1"));
    state.lock().unwrap().expire_access_tokens();

    // Another process: the session from its file, no OAuth client set by hand.
    let later = client(&server.uri());
    let saved: SavedSession = serde_json::from_str(&written).unwrap();
    later.restore_session(saved).unwrap();
    let list = later.list_videos().await.unwrap();

    assert_eq!(list.total, 1);
    assert_eq!(state.lock().unwrap().refreshes, 1);
    assert_eq!(later.tokens().unwrap().access_token.expose(), "access-2");
    assert_eq!(later.oauth_client().unwrap().client_id, CLIENT_ID);

    // Tokens alone (no OAuth client): the server's own client is fetched to refresh.
    state.lock().unwrap().expire_access_tokens();
    let bare = client(&server.uri());
    bare.set_tokens(later.tokens().unwrap());
    bare.list_videos().await.unwrap();
    assert_eq!(state.lock().unwrap().refreshes, 2);
}

// 8. An OTP with a trailing newline is silently left out.

#[tokio::test]
async fn an_otp_with_a_line_break_is_an_error_before_sending() {
    let server = Faulty::start(|request| match request.path() {
        CLIENT_PATH => oauth_client(),
        _ => tokens(1),
    })
    .await;
    let client = client(&server.url("/"));

    for otp in ["123456\n", "123456\r\n", "12\n3456"] {
        let error = client
            .login_with_otp("bob", PASSWORD, otp)
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::InvalidArgument { argument, .. } if argument == "x-peertube-otp"),
            "{otp:?}: {error}"
        );
    }
    assert_eq!(server.count(TOKEN_PATH), 0);
}

// 9. No size limits.

#[tokio::test]
async fn bodies_past_the_limit_are_errors_and_are_not_read() {
    let server = Faulty::start(|request| match request.path() {
        "/api/v1/videos/1" => Reply::Large {
            status: 200,
            content_type: "application/json",
            length: 2 << 20,
            announce_length: true,
        },
        "/api/v1/videos/2" => Reply::Large {
            status: 200,
            content_type: "application/json",
            // Much more than the client reads, without a length: it stops reading at 1 MiB.
            length: 256 << 20,
            announce_length: false,
        },
        _ => Reply::Large {
            status: 500,
            content_type: "text/html",
            length: 256 << 20,
            announce_length: false,
        },
    })
    .await;
    let client = Client::builder(&server.url("/"))
        .read_timeout(Duration::from_secs(5))
        .max_body_size(1 << 20)
        .max_error_body_size(4096)
        .build()
        .unwrap();

    for id in [1, 2] {
        let error = client.get_video(id).await.unwrap_err();
        assert!(
            matches!(
                error,
                Error::BodyTooLarge {
                    limit: 1048576,
                    status: 200,
                    ..
                }
            ),
            "{error}"
        );
    }
    let error = client.get_video(3).await.unwrap_err();
    let api = error.api_error().expect("an error status");
    assert_eq!(api.status, 500);
    let body = api.body.as_deref().unwrap();
    assert!(
        body.ends_with("(body cut: longer than the client reads)"),
        "{body}"
    );
    assert!(body.len() < 4096, "{}", body.len());
}

// 10. Errors.

#[tokio::test]
async fn any_problem_document_is_an_api_error_and_retry_after_is_readable() {
    let server = Faulty::start(|request| match request.path() {
        "/api/v1/videos/404" => Reply::problem(
            404,
            json!({"status": 404, "title": "Not Found", "detail": "Video not found"}),
        ),
        "/api/v1/videos/403" => Reply::problem(
            403,
            json!({"status": 403, "detail": "This video requires a password",
                   "code": "video_requires_password"}),
        ),
        "/api/v1/videos/429" => Reply::problem(
            429,
            json!({"status": 429, "detail": "Too many requests, please try again later."}),
        )
        .with_header("retry-after", "30"),
        _ => Reply::Full {
            status: 503,
            headers: vec![("retry-after".into(), "Wed, 21 Oct 2015 07:28:00 GMT".into())],
            body: b"<html>maintenance</html>".to_vec(),
        },
    })
    .await;
    let client = client(&server.url("/"));

    let not_found = client.get_video(404).await.unwrap_err();
    let Error::Api(api) = &not_found else {
        panic!("an undocumented 404 with a problem document: {not_found}")
    };
    assert_eq!(api.status, 404);
    assert_eq!(
        api.problem.as_ref().unwrap().detail.as_deref(),
        Some("Video not found")
    );

    let protected = client.get_video(403).await.unwrap_err();
    assert_eq!(protected.code(), Some(ErrorCode::VideoRequiresPassword));

    let limited = client.get_video(429).await.unwrap_err();
    assert!(matches!(limited, Error::Api(_)), "{limited}");
    assert_eq!(limited.retry_after(), Some(Duration::from_secs(30)));

    let unavailable = client.get_video(503).await.unwrap_err();
    assert!(
        matches!(unavailable, Error::UnexpectedStatus(_)),
        "{unavailable}"
    );
    assert_eq!(
        unavailable.retry_after(),
        Some(Duration::ZERO),
        "a date in the past"
    );
}

// 11. Pagination never ends.

#[tokio::test]
async fn a_server_that_ignores_start_ends_the_stream_with_an_error() {
    let server = Faulty::start(|_| {
        Reply::json(
            200,
            json!({"total": 1_000_000, "data": [video(), numbered_video(2, "another")]}),
        )
    })
    .await;
    let client = client(&server.url("/"));

    let items: Vec<_> = client.list_videos_stream().take(10).collect().await;

    assert_eq!(items.len(), 3, "two items, then the error");
    assert!(
        matches!(items[2], Err(Error::PageRepeated { start: 2, .. })),
        "{:?}",
        items[2]
    );
    assert_eq!(server.count("/api/v1/videos"), 2);
}

// 12. `Debug` shows secrets: see `types.rs`; the client and its errors here.

#[tokio::test]
async fn no_error_or_debug_output_shows_a_credential() {
    let server = Faulty::start(|request| match request.path() {
        CLIENT_PATH => oauth_client(),
        TOKEN_PATH => Reply::problem(
            400,
            json!({"status": 400, "code": "invalid_grant", "detail": "Invalid grant"}),
        ),
        "/api/v1/videos/live/1" => Reply::json(
            200,
            json!({"streamKey": "stream-key-secret", "permanentLive": "not a boolean"}),
        ),
        _ => Reply::json(
            500,
            json!({"error": "oops", "streamKey": "stream-key-secret"}),
        ),
    })
    .await;
    let client = client(&server.url("/"));
    client.set_access_token("access-token-secret");

    let login = client.login("alice", PASSWORD).await.unwrap_err();
    let decode = client.get_live(1).await.unwrap_err();
    let failed = client.get_video(1).await.unwrap_err();
    let video: VideoDetails = serde_json::from_value(video()).unwrap();

    assert!(matches!(decode, Error::Decode(_)), "{decode}");
    for shown in [
        format!("{login} {login:?}"),
        format!("{decode} {decode:?}"),
        format!("{failed} {failed:?}"),
        format!("{client:?} {video:?}"),
    ] {
        for secret in [
            PASSWORD,
            CLIENT_SECRET,
            "access-token-secret",
            "stream-key-secret",
        ] {
            assert!(!shown.contains(secret), "`{secret}` shows in {shown}");
        }
    }
}

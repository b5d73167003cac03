//! PeerTube's REST quick start, end to end: the local OAuth client, the password grant, the
//! bearer token, refresh on expiry, two-factor authentication, and no secret in `Debug`.

mod support;

use peertube_client::types::{
    GetOAuthTokenBody, OAuthTokenPassword, VideoPrivacySet, VideoStateConstantId, VideosSort,
};
use peertube_client::{Client, Error, ErrorCode};
use serde_json::json;
use support::concurrently;
use support::peertube::{self, CLIENT_ID, CLIENT_SECRET, User};

const PASSWORD: &str = "s3cret p&ss=word";

fn alice() -> User {
    User {
        username: "alice",
        password: PASSWORD,
        otp: None,
    }
}

fn bob_with_two_factor() -> User {
    User {
        username: "bob",
        password: "b0b pässword+1",
        otp: Some("123456"),
    }
}

fn videos() -> serde_json::Value {
    json!({"total": 1, "data": [{
        "id": 1,
        "uuid": "9c9de5e8-0a1e-484a-b099-e80766180a6d",
        "name": "First",
        "category": {"id": 1, "label": "Music"},
        "previewPath": "/lazy-static/previews/1.jpg"
    }]})
}

#[tokio::test]
async fn the_quick_start_logs_in_and_lists_videos() {
    let (server, state) = peertube::start(vec![alice()], videos()).await;
    let client = Client::new(&server.uri()).unwrap();

    let tokens = client.login("alice", PASSWORD).await.unwrap();
    let latest = client
        .list_videos()
        .sort(VideosSort::PublishedAtDesc)
        .count(10)
        .await
        .unwrap();

    assert_eq!(latest.data[0].name, "First");
    assert_eq!(tokens.access_token.expose(), "access-1");
    assert_eq!(
        tokens.refresh_token.as_ref().map(|t| t.expose()),
        Some("refresh-1")
    );
    assert!(tokens.expires_at.is_some());
    let state = state.lock().unwrap();
    assert_eq!(state.form_errors, Vec::<String>::new());
    assert_eq!((state.password_grants, state.video_requests), (1, 1));
}

#[tokio::test]
async fn a_wrong_password_is_invalid_grant() {
    let (server, _) = peertube::start(vec![alice()], videos()).await;
    let client = Client::new(&server.uri()).unwrap();

    let error = client
        .login("alice", "s3cret p&ss=wordX")
        .await
        .unwrap_err();

    assert_eq!(error.code(), Some(ErrorCode::InvalidGrant), "{error}");
    assert!(!client.is_authenticated());
}

#[tokio::test]
async fn a_wrong_client_secret_is_invalid_client() {
    let (server, _) = peertube::start(vec![alice()], videos()).await;
    let client = Client::new(&server.uri()).unwrap();
    client.set_oauth_client(CLIENT_ID, "not the secret");

    let error = client.login("alice", PASSWORD).await.unwrap_err();

    assert!(
        matches!(error, Error::Api(ref e) if e.status == 400),
        "{error}"
    );
    assert_eq!(error.code(), Some(ErrorCode::InvalidClient));
}

#[tokio::test]
async fn two_factor_users_need_the_otp_header() {
    let (server, state) = peertube::start(vec![bob_with_two_factor()], videos()).await;
    let client = Client::new(&server.uri()).unwrap();

    let error = client.login("bob", "b0b pässword+1").await.unwrap_err();
    assert_eq!(error.code(), Some(ErrorCode::MissingTwoFactor), "{error}");
    assert_eq!(error.status(), Some(401));

    let error = client
        .login_with_otp("bob", "b0b pässword+1", "000000")
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some(ErrorCode::InvalidGrant), "{error}");

    client
        .login_with_otp("bob", "b0b pässword+1", "123456")
        .await
        .unwrap();
    client.list_videos().await.unwrap();
    assert_eq!(state.lock().unwrap().form_errors, Vec::<String>::new());
}

#[tokio::test]
async fn an_invalid_token_is_refreshed_once_and_the_request_retried() {
    let (server, state) = peertube::start(vec![alice()], videos()).await;
    let client = Client::new(&server.uri()).unwrap();
    client.login("alice", PASSWORD).await.unwrap();
    state.lock().unwrap().expire_access_tokens();

    let list = client.list_videos().await.unwrap();

    assert_eq!(list.total, 1);
    let state = state.lock().unwrap();
    assert_eq!(state.refreshes, 1);
    assert_eq!(
        state.video_requests, 2,
        "the first answered invalid_token, the retry succeeded"
    );
    assert_eq!(client.tokens().unwrap().access_token.expose(), "access-2");
    assert_eq!(state.form_errors, Vec::<String>::new());
}

#[tokio::test]
async fn twenty_requests_with_an_expired_token_refresh_it_once() {
    let (server, state) = peertube::start(vec![alice()], videos()).await;
    // Tokens that expire within the client's margin: every request finds them expired.
    state.lock().unwrap().expires_in = 1;
    let client = Client::new(&server.uri()).unwrap();
    client.login("alice", PASSWORD).await.unwrap();
    state.lock().unwrap().expires_in = 86400;

    list_videos_twenty_times_at_once(&client).await;

    let state = state.lock().unwrap();
    assert_eq!(state.refreshes, 1);
    assert_eq!(state.video_requests, 20);
}

#[tokio::test]
async fn twenty_requests_answered_invalid_token_refresh_it_once() {
    let (server, state) = peertube::start(vec![alice()], videos()).await;
    let client = Client::new(&server.uri()).unwrap();
    client.login("alice", PASSWORD).await.unwrap();
    state.lock().unwrap().expire_access_tokens();

    list_videos_twenty_times_at_once(&client).await;

    let state = state.lock().unwrap();
    assert_eq!(state.refreshes, 1);
    assert_eq!(
        state.video_requests, 40,
        "each request was answered 401 once, then retried"
    );
}

#[tokio::test]
async fn a_session_resumes_from_a_refresh_token() {
    let (server, state) = peertube::start(vec![alice()], videos()).await;
    let first = Client::new(&server.uri()).unwrap();
    let kept = first
        .login("alice", PASSWORD)
        .await
        .unwrap()
        .refresh_token
        .unwrap();

    let later = Client::new(&server.uri()).unwrap();
    let tokens = later.login_with_refresh_token(kept.clone()).await.unwrap();
    later.list_videos().await.unwrap();

    assert_ne!(
        tokens.refresh_token.as_ref(),
        Some(&kept),
        "refresh tokens rotate"
    );
    {
        let state = state.lock().unwrap();
        assert_eq!((state.password_grants, state.refreshes), (1, 1));
    }
    let error = later.login_with_refresh_token(kept).await.unwrap_err();
    assert_eq!(
        error.code(),
        Some(ErrorCode::InvalidGrant),
        "a used refresh token is spent"
    );
}

#[tokio::test]
async fn unknown_enum_values_and_fields_still_decode() {
    let body = json!({"total": 1, "data": [{
        "id": 7,
        "uuid": "9c9de5e8-0a1e-484a-b099-e80766180a6d",
        "name": "From a newer server",
        "category": {"id": 1, "label": "Music"},
        "previewPath": "/lazy-static/previews/7.jpg",
        "privacy": {"id": 42, "label": "Members only"},
        "state": {"id": 99, "label": "Future state"},
        "fieldFromTheFuture": {"nested": [1, 2]}
    }]});
    let (server, _) = peertube::start(vec![alice()], body).await;
    let client = Client::new(&server.uri()).unwrap();
    client.login("alice", PASSWORD).await.unwrap();

    let video = client.list_videos().await.unwrap().data.remove(0);

    assert_eq!(video.privacy.unwrap().id, VideoPrivacySet::Other(42));
    assert_eq!(video.state.unwrap().id, VideoStateConstantId::Other(99));
}

#[tokio::test]
async fn no_secret_appears_in_debug_output() {
    let (server, _) = peertube::start(vec![alice()], videos()).await;
    let client = Client::new(&server.uri()).unwrap();
    let tokens = client.login("alice", PASSWORD).await.unwrap();
    let body = GetOAuthTokenBody::Password(OAuthTokenPassword {
        password: Some(PASSWORD.into()),
        ..OAuthTokenPassword::new(CLIENT_ID, CLIENT_SECRET, "alice")
    });
    let response = client.get_oauth_token(body.clone()).await.unwrap();

    let secrets = [
        PASSWORD,
        CLIENT_SECRET,
        tokens.access_token.expose(),
        tokens.refresh_token.as_ref().unwrap().expose(),
        response.access_token.as_ref().unwrap().expose(),
        response.refresh_token.as_ref().unwrap().expose(),
    ];
    for shown in [
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{tokens:?}"),
        format!("{body:?}"),
        format!("{response:?}"),
    ] {
        for secret in secrets {
            assert!(!shown.contains(secret), "`{secret}` shows in {shown}");
        }
    }
    assert!(
        format!("{client:?}").contains("authenticated") || format!("{client:?}").contains("tokens")
    );
}

async fn list_videos_twenty_times_at_once(client: &Client) {
    let outcomes = concurrently(20, || {
        let client = client.clone();
        async move { client.list_videos().await }
    })
    .await;
    for outcome in outcomes {
        outcome.unwrap();
    }
}

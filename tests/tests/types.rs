//! The generated types against values a real server may send or a client must send.

use peertube_client::types::{
    GetOAuthTokenBody, GetUserResponse, NSFWFlag, OAuthTokenPassword, OAuthTokenRefreshToken,
    Video, VideoStateConstant, VideoStateConstantId, VideosSort,
};
use serde_json::json;

#[test]
fn integer_enums_keep_values_the_document_does_not_list() {
    let state: VideoStateConstant =
        serde_json::from_value(json!({"id": 99, "label": "Future"})).unwrap();
    assert_eq!(state.id, VideoStateConstantId::Other(99));
    assert_eq!(
        serde_json::to_value(&state).unwrap(),
        json!({"id": 99, "label": "Future"})
    );

    let published: VideoStateConstant =
        serde_json::from_value(json!({"id": 1, "label": "Published"})).unwrap();
    assert_eq!(published.id, VideoStateConstantId::Published);
    assert_eq!(
        VideoStateConstantId::from(7),
        VideoStateConstantId::TranscodingFailed
    );
    assert_eq!(i64::from(VideoStateConstantId::TranscodingFailed), 7);
}

#[test]
fn string_enums_keep_values_the_document_does_not_list() {
    let sort: VideosSort = serde_json::from_value(json!("-trending")).unwrap();
    assert_eq!(sort, VideosSort::TrendingDesc);
    assert_eq!(sort.as_str(), "-trending");
    let unknown: VideosSort = serde_json::from_value(json!("-hotness")).unwrap();
    assert_eq!(unknown, VideosSort::Other("-hotness".to_owned()));
    assert_eq!(serde_json::to_value(&unknown).unwrap(), json!("-hotness"));
}

#[test]
fn bit_flags_combine_and_round_trip() {
    let flags = NSFWFlag::VIOLENT | NSFWFlag::EXPLICIT_SEX;
    assert_eq!(flags.bits(), 3);
    assert!(flags.contains(NSFWFlag::VIOLENT));
    assert!(!flags.contains(NSFWFlag::FLAG_4));
    let decoded: NSFWFlag = serde_json::from_value(json!(3)).unwrap();
    assert_eq!(decoded, flags);
    assert_eq!(serde_json::to_value(decoded).unwrap(), json!(3));
}

/// A user as `GET /api/v1/users/{id}` answers one (UserModel.toFormattedJSON).
fn alice() -> serde_json::Value {
    json!({
        "id": 1,
        "username": "alice",
        "email": "alice@tube.example",
        "emailPublic": false,
        "emailVerified": null,
        "pendingEmail": null,
        "nsfwPolicy": "do_not_list",
        "p2pEnabled": true,
        "videosHistoryEnabled": true,
        "autoPlayVideo": true,
        "autoPlayNextVideo": false,
        "autoPlayNextVideoPlaylist": true,
        "videoLanguages": null,
        "role": {"id": 2, "label": "User"},
        "videoQuota": -1,
        "videoQuotaDaily": -1,
        "theme": "instance-default",
        "noInstanceConfigWarningModal": false,
        "noWelcomeModal": false,
        "noAccountSetupWarningModal": false,
        "blocked": false,
        "blockedReason": null,
        "account": {
            "id": 3,
            "name": "alice",
            "displayName": "Alice",
            "url": "https://tube.example/accounts/alice",
            "host": "tube.example",
            "avatars": [],
            "followingCount": 0,
            "followersCount": 0,
            "createdAt": "2024-05-15T09:12:38.684Z",
            "updatedAt": "2024-05-15T09:12:38.684Z"
        },
        "videoChannels": [],
        "createdAt": "2024-05-15T09:12:38.684Z",
        "pluginAuth": null,
        "lastLoginDate": null,
        "twoFactorEnabled": false
    })
}

#[test]
fn untagged_unions_reach_every_variant() {
    let decoded: GetUserResponse = serde_json::from_value(alice()).unwrap();
    assert!(matches!(decoded, GetUserResponse::User(_)), "{decoded:?}");

    let mut with_stats = alice();
    with_stats["videosCount"] = json!(3);
    with_stats["abusesCount"] = json!(0);
    let decoded: GetUserResponse = serde_json::from_value(with_stats).unwrap();
    match decoded {
        GetUserResponse::UserWithStats(user) => assert_eq!(user.videos_count, Some(3)),
        other => panic!("expected the variant with statistics, got {other:?}"),
    }

    let error = serde_json::from_value::<GetUserResponse>(json!(["not", "a", "user"])).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("matches no variant of `GetUserResponse`"),
        "{error}"
    );
}

#[test]
fn unknown_fields_are_ignored() {
    let video: Video = serde_json::from_value(json!({
        "id": 8,
        "uuid": "9c9de5e8-0a1e-484a-b099-e80766180a6d",
        "name": "What is PeerTube?",
        "category": {"id": 15, "label": "Science & Technology"},
        "previewPath": "/lazy-static/previews/8.jpg",
        "fieldFromTheFuture": {"nested": true},
        "state": {"id": 1, "label": "Published"}
    }))
    .unwrap();
    assert_eq!(video.name, "What is PeerTube?");
    assert_eq!(
        video.state.map(|s| s.id),
        Some(VideoStateConstantId::Published)
    );
}

#[test]
fn the_token_body_is_one_enum_that_writes_the_exact_form() {
    let password = GetOAuthTokenBody::Password(OAuthTokenPassword {
        password: Some("s3cret p&ss=word".into()),
        ..OAuthTokenPassword::new(
            "v1ikx5hnfop4mdpnci8nsqh93c45rldf",
            "AjWiOapPltI6EnsWQwlFarRtLh4u8tDt",
            "chocobozzz",
        )
    });
    assert_eq!(
        serde_urlencoded::to_string(&password).unwrap(),
        "grant_type=password&client_id=v1ikx5hnfop4mdpnci8nsqh93c45rldf\
         &client_secret=AjWiOapPltI6EnsWQwlFarRtLh4u8tDt&username=chocobozzz&password=s3cret+p%26ss%3Dword"
    );

    // `+`, `=`, `&`, spaces and non-ASCII are all percent-encoded; `grant_type` comes once.
    let tricky = GetOAuthTokenBody::Password(OAuthTokenPassword {
        password: Some("a+b=c&d e/é€".into()),
        ..OAuthTokenPassword::new("id", "se=cret", "zoé")
    });
    assert_eq!(
        serde_urlencoded::to_string(&tricky).unwrap(),
        "grant_type=password&client_id=id&client_secret=se%3Dcret&username=zo%C3%A9&password=a%2Bb%3Dc%26d+e%2F%C3%A9%E2%82%AC"
    );

    let refresh = GetOAuthTokenBody::RefreshToken(OAuthTokenRefreshToken::new(
        "id",
        "secret",
        "2e0d675df9fc96d2e4ec8a3ebbbf45eca9137bb7",
    ));
    assert_eq!(
        serde_urlencoded::to_string(&refresh).unwrap(),
        "grant_type=refresh_token&client_id=id&client_secret=secret&refresh_token=2e0d675df9fc96d2e4ec8a3ebbbf45eca9137bb7"
    );
}

#[test]
fn credentials_in_types_do_not_show_in_debug() {
    use peertube_client::FilePart;
    use peertube_client::types::{LiveVideoResponse, VideoUploadRequestLegacy};

    let live: LiveVideoResponse = serde_json::from_value(json!({
        "rtmpUrl": "rtmp://tube.example/live",
        "streamKey": "stream-key-secret",
        "saveReplay": false,
        "permanentLive": true,
        "latencyMode": 1
    }))
    .unwrap();
    let upload = VideoUploadRequestLegacy {
        video_passwords: Some(vec!["video-password-secret".into()]),
        ..VideoUploadRequestLegacy::new("clip", 1, FilePart::from_bytes(vec![0]))
    };

    for shown in [
        format!("{live:?}"),
        format!("{upload:?}"),
        format!("{upload:#?}"),
    ] {
        assert!(!shown.contains("stream-key-secret"), "{shown}");
        assert!(!shown.contains("video-password-secret"), "{shown}");
    }
    // They are still sent and read as they are.
    assert_eq!(live.stream_key.unwrap().expose(), "stream-key-secret");
    assert_eq!(
        serde_json::to_value(peertube_client::types::AddVideoPasswords::from(
            ["a".into()]
        ))
        .unwrap(),
        json!(["a"])
    );
}

#[test]
fn every_code_the_server_declares_is_typed() {
    use peertube_client::ErrorCode;
    for (code, typed) in [
        ("video_requires_password", ErrorCode::VideoRequiresPassword),
        (
            "incorrect_video_password",
            ErrorCode::IncorrectVideoPassword,
        ),
        (
            "does_not_respect_follow_constraints",
            ErrorCode::DoesNotRespectFollowConstraints,
        ),
        ("account_blocked", ErrorCode::AccountBlocked),
        ("invalid_two_factor", ErrorCode::InvalidTwoFactor),
        ("unsupported_grant_type", ErrorCode::UnsupportedGrantType),
    ] {
        assert_eq!(ErrorCode::from(code), typed);
        assert_eq!(typed.as_str(), code);
    }
    assert_eq!(
        ErrorCode::from("from_a_newer_server"),
        ErrorCode::Other("from_a_newer_server".to_owned())
    );
}

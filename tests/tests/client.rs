//! The generated client against an in-process HTTP server: the exact requests it sends, and
//! what it makes of the responses it gets.

mod support;

use futures_util::StreamExt;
use peertube_client::operations::UploadVideoChunkOutcome;
use peertube_client::types::{
    GetOAuthTokenBody, GetVideosFeedFormat, OAuthTokenPassword, UpdateMe, VideoUploadRequestLegacy,
    VideosSort,
};
use peertube_client::{Error, ErrorCode, FilePart};
use serde_json::json;
use support::{header, multipart, only_request, server};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

fn video(id: i64) -> serde_json::Value {
    json!({
        "id": id,
        "uuid": "9c9de5e8-0a1e-484a-b099-e80766180a6d",
        "name": format!("video {id}"),
        "category": {"id": 1, "label": "Music"},
        "previewPath": format!("/lazy-static/previews/{id}.jpg")
    })
}

#[tokio::test]
async fn the_video_list_sends_filters_and_arrays_in_the_query() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/videos"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"total": 1, "data": [video(1)]})),
        )
        .mount(&server)
        .await;

    let list = client
        .list_videos()
        .count(5)
        .sort(VideosSort::CreatedAtDesc)
        .tags_one_of(["a b", "c&d"])
        .category_one_of([1, 2])
        .is_local(true)
        .await
        .unwrap();

    assert_eq!(list.total, 1);
    assert_eq!(list.data[0].name, "video 1");
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/api/v1/videos");
    assert_eq!(
        request.url.query(),
        Some(
            "count=5&sort=-createdAt&categoryOneOf=1&categoryOneOf=2&tagsOneOf=a+b&tagsOneOf=c%26d&isLocal=true"
        )
    );
    assert_eq!(header(&request, "accept"), Some("application/json"));
    assert_eq!(header(&request, "authorization"), None);
}

#[tokio::test]
async fn path_parameters_are_percent_encoded() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": 3,
            "name": "my channel",
            "displayName": "My channel",
            "url": "https://tube.example/video-channels/my_channel",
            "host": "tube.example",
            "isLocal": false,
            "followingCount": 0,
            "followersCount": 12,
            "avatars": [],
            "banners": [],
            "createdAt": "2024-05-15T09:12:38.684Z",
            "updatedAt": "2024-05-15T09:12:38.684Z"
        })))
        .mount(&server)
        .await;

    let channel = client
        .get_channel("my channel@tube.example/x?y#z%")
        .await
        .unwrap();

    assert_eq!(channel.name, "my channel");
    let request = only_request(&server).await;
    assert_eq!(
        request.url.path(),
        "/api/v1/video-channels/my%20channel@tube.example%2Fx%3Fy%23z%25"
    );
    assert_eq!(request.url.query(), None);
}

#[tokio::test]
async fn id_or_uuid_parameters_take_numbers_and_strings() {
    let (server, client) = server().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;

    client.delete_video(42).await.unwrap();
    client.delete_video("2y84q2MQUMWPbiEcxNXMgC").await.unwrap();

    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        ["/api/v1/videos/42", "/api/v1/videos/2y84q2MQUMWPbiEcxNXMgC"]
    );
}

#[tokio::test]
async fn a_json_body_is_sent_as_json_with_the_token() {
    let (server, client) = server().await;
    Mock::given(method("PUT"))
        .and(path("/api/v1/users/me"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    client.set_access_token("90286a0bdf0f7315d9d3fe8dabf9e1d2be9c97d0");

    let update = UpdateMe {
        display_name: Some("Alice".to_owned()),
        auto_play_video: Some(false),
        ..UpdateMe::default()
    };
    client.update_my_user(update).await.unwrap();

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "PUT");
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(
        header(&request, "authorization"),
        Some("Bearer 90286a0bdf0f7315d9d3fe8dabf9e1d2be9c97d0")
    );
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        body,
        json!({"displayName": "Alice", "autoPlayVideo": false})
    );
}

#[tokio::test]
async fn the_token_body_is_form_encoded_and_the_otp_is_a_header() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/users/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "Bearer",
            "access_token": "a",
            "refresh_token": "r",
            "expires_in": 86400,
            "refresh_token_expires_in": 1209600
        })))
        .mount(&server)
        .await;

    let body = GetOAuthTokenBody::Password(OAuthTokenPassword {
        password: Some("s3cret p&ss=word".into()),
        ..OAuthTokenPassword::new("client", "secret", "alice")
    });
    let token = client
        .get_oauth_token(body)
        .x_peertube_otp("123456")
        .await
        .unwrap();

    assert_eq!(token.access_token.as_ref().map(|t| t.expose()), Some("a"));
    let request = only_request(&server).await;
    assert_eq!(
        header(&request, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(header(&request, "x-peertube-otp"), Some("123456"));
    assert_eq!(
        String::from_utf8(request.body).unwrap(),
        "grant_type=password&client_id=client&client_secret=secret&username=alice&password=s3cret+p%26ss%3Dword"
    );
}

#[tokio::test]
async fn a_multipart_upload_streams_the_file_and_writes_typed_fields() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/videos/upload"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "video": {"id": 12, "uuid": "9c9de5e8-0a1e-484a-b099-e80766180a6d", "shortUUID": "2y84q2MQUMWPbiEcxNXMgC"}
        })))
        .mount(&server)
        .await;
    let dir = std::env::temp_dir().join(format!("peertube-client-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("clip.mp4");
    let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&file, &content).unwrap();

    let upload = VideoUploadRequestLegacy {
        tags: Some(vec!["cats".into(), "music & art".into()]),
        nsfw: Some(false),
        thumbnailfile: Some(FilePart::from_bytes(vec![0xff, 0xd8, 0xff]).file_name("thumb.jpg")),
        ..VideoUploadRequestLegacy::new("My video", 3, FilePart::from_path(&file))
    };
    let uploaded = client.upload_video_legacy(upload).await.unwrap();

    assert_eq!(uploaded.video.id, 12);
    let request = only_request(&server).await;
    assert!(
        header(&request, "content-type")
            .unwrap()
            .starts_with("multipart/form-data; boundary=")
    );
    let parts = multipart(&request);
    let summary: Vec<(&str, Option<&str>, Option<&str>)> = parts
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.file_name.as_deref(),
                p.content_type.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("name", None, None),
            ("channelId", None, None),
            ("nsfw", None, None),
            ("tags[0]", None, None),
            ("tags[1]", None, None),
            ("thumbnailfile", Some("thumb.jpg"), Some("image/jpeg")),
            ("videofile", Some("clip.mp4"), Some("video/mp4")),
        ]
    );
    let text = |name: &str| {
        String::from_utf8(parts.iter().find(|p| p.name == name).unwrap().body.clone()).unwrap()
    };
    assert_eq!(text("name"), "My video");
    assert_eq!(text("channelId"), "3");
    assert_eq!(text("nsfw"), "false");
    assert_eq!(text("tags[1]"), "music & art");
    assert_eq!(parts.last().unwrap().body, content);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_missing_file_is_an_error_before_anything_is_sent() {
    let (server, client) = server().await;
    let upload =
        VideoUploadRequestLegacy::new("x", 1, FilePart::from_path("/nonexistent/clip.mp4"));
    let error = client.upload_video_legacy(upload).await.unwrap_err();
    assert!(matches!(error, Error::Request { .. }), "{error}");
    assert!(
        error.to_string().contains("/nonexistent/clip.mp4"),
        "{error}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_download_is_read_whole_or_streamed() {
    let (server, client) = server().await;
    let file: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 256) as u8).collect();
    Mock::given(method("GET"))
        .and(path("/static/web-videos/clip%201.mp4"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(file.clone(), "video/mp4"))
        .mount(&server)
        .await;

    let download = client.get_web_video_file("clip 1.mp4").await.unwrap();
    assert_eq!(download.content_type(), Some("video/mp4"));
    assert_eq!(download.bytes().await.unwrap(), file);

    let mut stream = client
        .get_web_video_file("clip 1.mp4")
        .await
        .unwrap()
        .stream();
    let mut streamed = Vec::new();
    while let Some(chunk) = stream.next().await {
        streamed.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(streamed, file);
}

#[tokio::test]
async fn a_no_content_operation_returns_unit() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/users/7/block"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client.block_user(7, Default::default()).await.unwrap();
}

#[tokio::test]
async fn a_feed_is_text() {
    let (server, client) = server().await;
    let rss = r#"<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Videos</title></channel></rss>"#;
    Mock::given(method("GET"))
        .and(path("/feeds/videos.rss"))
        .and(query_param("sort", "-publishedAt"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(rss, "application/rss+xml"))
        .mount(&server)
        .await;

    let feed = client
        .get_videos_feed(GetVideosFeedFormat::Rss)
        .sort("-publishedAt")
        .await
        .unwrap();

    assert_eq!(feed, rss);
    let request = only_request(&server).await;
    assert!(
        header(&request, "accept")
            .unwrap()
            .contains("application/rss+xml")
    );
}

#[tokio::test]
async fn a_problem_document_gives_a_typed_code() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("content-type", "application/problem+json; charset=utf-8")
                .set_body_string(
                    json!({
                        "type": "https://docs.joinpeertube.org/api-rest-reference.html#section/Errors/invalid_grant",
                        "title": "Bad Request",
                        "detail": "Invalid grant: user credentials are invalid",
                        "status": 400,
                        "code": "invalid_grant"
                    })
                    .to_string(),
                ),
        )
        .mount(&server)
        .await;

    let body = GetOAuthTokenBody::Password(OAuthTokenPassword::new("c", "s", "alice"));
    let error = client.get_oauth_token(body).await.unwrap_err();

    let Error::Api(api) = &error else {
        panic!("expected a documented error, got {error}")
    };
    assert_eq!(api.status, 400);
    assert_eq!(api.code(), Some(ErrorCode::InvalidGrant));
    assert_eq!(api.meaning(), Some("client or credentials are invalid"));
    assert_eq!(error.code(), Some(ErrorCode::InvalidGrant));
    assert_eq!(
        error.to_string(),
        "get_oauth_token (POST /api/v1/users/token) failed with status 400 (client or credentials are invalid) \
         [invalid_grant]: Invalid grant: user credentials are invalid"
    );
}

#[tokio::test]
async fn an_undocumented_status_says_what_was_expected() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(418).set_body_string("I'm a teapot"))
        .mount(&server)
        .await;

    let error = client.get_video(1).await.unwrap_err();

    assert!(
        matches!(error, Error::UnexpectedStatus(ref e) if e.status == 418),
        "{error}"
    );
    assert_eq!(
        error.to_string(),
        "get_video (GET /api/v1/videos/{id}): expected one of 200, 401, 403, got status 418: I'm a teapot"
    );
}

#[tokio::test]
async fn a_wrong_content_type_is_an_error() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("<html>maintenance</html>", "text/html"),
        )
        .mount(&server)
        .await;

    let error = client.get_video(1).await.unwrap_err();

    match &error {
        Error::UnexpectedContentType {
            expected,
            found,
            status,
            ..
        } => {
            assert_eq!(*expected, "application/json");
            assert_eq!(found.as_deref(), Some("text/html"));
            assert_eq!(*status, 200);
        }
        other => panic!("expected a content type error, got {other}"),
    }
}

#[tokio::test]
async fn a_malformed_body_names_the_json_path() {
    let (server, client) = server().await;
    let mut second = video(2);
    second["channel"] = json!({"id": "three"});
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "total": 2,
            "data": [video(1), second]
        })))
        .mount(&server)
        .await;

    let error = client.list_videos().await.unwrap_err();

    let Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error}")
    };
    assert_eq!(decode.path, "data[1].channel.id");
    assert_eq!(decode.expected, "VideoListResponse");
    assert!(
        decode.message == r#"expected an integer (i64), found the string "three""#,
        "{}",
        decode.message
    );
    assert!(
        error.to_string().contains("at `data[1].channel.id`"),
        "{error}"
    );
}

#[tokio::test]
async fn the_video_stream_fetches_pages_until_total() {
    let (server, client) = server().await;
    for (start, ids) in [("0", vec![1, 2]), ("2", vec![3, 4]), ("4", vec![5])] {
        Mock::given(method("GET"))
            .and(path("/api/v1/videos"))
            .and(query_param("start", start))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "total": 5,
                "data": ids.into_iter().map(video).collect::<Vec<_>>()
            })))
            .expect(1)
            .mount(&server)
            .await;
    }

    let ids: Vec<i64> = client
        .list_videos()
        .count(2)
        .sort(VideosSort::PublishedAtDesc)
        .stream()
        .map(|video| video.unwrap().id.unwrap())
        .collect()
        .await;

    assert_eq!(ids, [1, 2, 3, 4, 5]);
    let queries: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        queries,
        [
            "start=0&count=2&sort=-publishedAt",
            "start=2&count=2&sort=-publishedAt",
            "start=4&count=2&sort=-publishedAt"
        ]
    );
}

#[tokio::test]
async fn the_stream_method_reads_lazily() {
    let (server, client) = server().await;
    for (start, ids) in [("0", [1, 2]), ("2", [3, 4]), ("4", [5, 6])] {
        Mock::given(method("GET"))
            .and(path("/api/v1/videos"))
            .and(query_param("start", start))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "total": 1000,
                "data": ids.map(video)
            })))
            .mount(&server)
            .await;
    }

    let first: Vec<i64> = client
        .list_videos_stream()
        .take(3)
        .map(|video| video.unwrap().id.unwrap())
        .collect()
        .await;

    assert_eq!(first, [1, 2, 3]);
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        2,
        "two pages for three items"
    );
}

#[tokio::test]
async fn a_large_chunk_goes_out_in_pieces_with_its_length_and_308_is_an_outcome() {
    let (server, client) = server().await;
    Mock::given(method("PUT"))
        .and(path("/api/v1/videos/upload-resumable"))
        .and(query_param("upload_id", "abc"))
        .respond_with(ResponseTemplate::new(308).insert_header("range", "bytes=0-199999"))
        .mount(&server)
        .await;
    let chunk: Vec<u8> = (0..200_000u32).map(|i| (i % 253) as u8).collect();

    let outcome = client
        .upload_video_chunk("abc", "bytes 0-199999/1000000", chunk.clone())
        .await
        .unwrap();

    assert!(
        matches!(&outcome, UploadVideoChunkOutcome::ResumeIncomplete { range } if range.as_deref() == Some("bytes=0-199999")),
        "{outcome:?}"
    );
    let request = only_request(&server).await;
    assert_eq!(header(&request, "content-length"), Some("200000"));
    assert_eq!(
        header(&request, "content-range"),
        Some("bytes 0-199999/1000000")
    );
    assert_eq!(request.body, chunk);
}

#[tokio::test]
async fn a_true_or_false_query_enum_takes_a_bool() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/videos"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"total": 0, "data": []})))
        .mount(&server)
        .await;

    client
        .list_videos()
        .nsfw(false)
        .skip_count(true)
        .await
        .unwrap();

    let request = only_request(&server).await;
    assert_eq!(request.url.query(), Some("skipCount=true&nsfw=false"));
}

#[tokio::test]
async fn a_list_stream_is_read_with_next_without_pinning() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/videos"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"total": 2, "data": [video(1), video(2)]})),
        )
        .mount(&server)
        .await;

    let mut videos = client.list_videos().stream();
    let mut read = 0;
    while let Some(video) = videos.next().await {
        video.unwrap();
        read += 1;
    }

    assert_eq!(read, 2);
}

#[tokio::test]
async fn a_refused_connection_says_so_in_the_message() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = peertube_client::Client::new(&format!("http://127.0.0.1:{port}")).unwrap();

    let error = client.list_videos().await.unwrap_err();

    assert!(matches!(error, Error::Transport { .. }), "{error}");
    assert!(
        error.to_string().to_lowercase().contains("refused"),
        "the root cause is in the message: {error}"
    );
}

/// The parts of a multipart request as `(name, text)`, files shown by their file name.
fn part_texts(request: &wiremock::Request) -> Vec<(String, String)> {
    multipart(request)
        .into_iter()
        .map(|p| {
            let text = match p.file_name {
                Some(file) => format!("file {file}"),
                None => String::from_utf8(p.body).unwrap(),
            };
            (p.name, text)
        })
        .collect()
}

// The contract sweep cannot have Prism check these two bodies (Prism reads only flat parts,
// and drops the properties of a `oneOf`): the parts are checked here.

#[tokio::test]
async fn an_import_sends_its_source_from_the_one_of_as_a_part_of_its_own() {
    use peertube_client::types::{
        VideoCreateImport, VideoCreateImportOneOf, VideoCreateImportOneOfTargetUrl,
    };
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/videos/imports"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"video": {
            "id": 7, "uuid": "9c9de5e8-0a1e-484a-b099-e80766180a6d", "shortUUID": "2y84q2MQUMWPbiEcxNXMgC"
        }})))
        .mount(&server)
        .await;
    let import = VideoCreateImport::new(
        "Imported",
        3,
        VideoCreateImportOneOf::TargetUrl(VideoCreateImportOneOfTargetUrl::new(
            "https://framatube.org/w/x",
        )),
    );
    client.import_video(import).await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        part_texts(&request),
        [
            ("name".to_owned(), "Imported".to_owned()),
            ("channelId".to_owned(), "3".to_owned()),
            (
                "targetUrl".to_owned(),
                "https://framatube.org/w/x".to_owned()
            ),
        ]
    );
}

#[tokio::test]
async fn studio_tasks_go_as_indexed_parts_with_their_name_and_options() {
    use peertube_client::types::{
        CreateVideoStudioTaskBody, VideoStudioCreateTaskItem, VideoStudioCreateTaskItemCut,
        VideoStudioCreateTaskItemCutOptions,
    };
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/videos/12/studio/edit"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let cut = VideoStudioCreateTaskItemCut {
        options: Some(VideoStudioCreateTaskItemCutOptions {
            start: Some(5),
            end: Some(60),
        }),
    };
    let body = CreateVideoStudioTaskBody::new(vec![VideoStudioCreateTaskItem::Cut(cut)]);
    client
        .create_video_studio_task(peertube_client::types::IdOrUUID::Id(12), body)
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        part_texts(&request),
        [
            ("tasks[0][name]".to_owned(), "cut".to_owned()),
            ("tasks[0][options][start]".to_owned(), "5".to_owned()),
            ("tasks[0][options][end]".to_owned(), "60".to_owned()),
        ]
    );
}

/// `GET /api/v1/config/custom` as a PeerTube 8.1 server with its default configuration answers
/// it: every property of the server's `CustomConfig` model (8.1.3), each value from the
/// configuration file (server/core/controllers/api/config.ts, customConfig), `null` where the
/// default file leaves a setting unset (the theme's colours, the default licence).
fn default_custom_config() -> serde_json::Value {
    let resolutions = |on: bool| {
        json!({"0p": false, "144p": false, "240p": on, "360p": on, "480p": on, "720p": on,
               "1080p": on, "1440p": on, "2160p": on})
    };
    json!({
        "instance": {
            "name": "PeerTube",
            "shortDescription": "A video platform",
            "description": "Welcome to this PeerTube instance!",
            "terms": "No terms for now.",
            "codeOfConduct": "",
            "creationReason": "",
            "moderationInformation": "",
            "administrator": "",
            "maintenanceLifetime": "",
            "businessModel": "",
            "hardwareInformation": "",
            "defaultLanguage": "en",
            "languages": [],
            "categories": [],
            "isNSFW": false,
            "defaultNSFWPolicy": "display",
            "serverCountry": "",
            "support": {"text": ""},
            "social": {"externalLink": "", "mastodonLink": "", "blueskyLink": "", "xLink": ""},
            "defaultClientRoute": "/videos/browse",
            "customizations": {"javascript": "", "css": ""}
        },
        "theme": {
            "default": "default",
            "customization": {
                "primaryColor": null, "onPrimaryColor": null, "foregroundColor": null,
                "backgroundColor": null, "backgroundSecondaryColor": null,
                "menuForegroundColor": null, "menuBackgroundColor": null,
                "menuBorderRadius": null, "headerForegroundColor": null,
                "headerBackgroundColor": null, "inputBorderRadius": null
            }
        },
        "services": {"twitter": {"username": "@Chocobozzz"}},
        "client": {
            "header": {"hideInstanceName": false},
            "videos": {"miniature": {"preferAuthorDisplayName": false}},
            "browseVideos": {"defaultSort": "-publishedAt", "defaultScope": "federated"},
            "menu": {"login": {"redirectOnSingleExternalAuth": false}}
        },
        "signup": {
            "enabled": false, "limit": 10, "requiresApproval": true,
            "requiresEmailVerification": false, "minimumAge": 16
        },
        "admin": {"email": "admin@tube.example"},
        "email": {"body": {"signature": ""}, "subject": {"prefix": "[{{instanceName}}] "}},
        "contactForm": {"enabled": true},
        "user": {
            "history": {"videos": {"enabled": true}},
            "videoQuota": -1,
            "videoQuotaDaily": -1,
            "defaultChannelName": "Main $1 channel"
        },
        "videoChannels": {"maxPerUser": 20},
        "transcoding": {
            "enabled": true,
            "originalFile": {"keep": false},
            "allowAdditionalExtensions": false,
            "allowAudioFiles": false,
            "remoteRunners": {"enabled": false},
            "threads": 1,
            "concurrency": 1,
            "profile": "default",
            "resolutions": resolutions(true),
            "alwaysTranscodeOriginalResolution": true,
            "alwaysTranscodePodcastOptimizedAudio": false,
            "fps": {"max": 60},
            "webVideos": {"enabled": false},
            "hls": {"enabled": true, "splitAudioAndVideo": false}
        },
        "live": {
            "enabled": false,
            "allowReplay": true,
            "latencySetting": {"enabled": true},
            "maxDuration": -1,
            "maxInstanceLives": 20,
            "maxUserLives": 3,
            "transcoding": {
                "enabled": true,
                "remoteRunners": {"enabled": false},
                "threads": 2,
                "profile": "default",
                "resolutions": resolutions(false),
                "alwaysTranscodeOriginalResolution": true,
                "fps": {"max": 60}
            }
        },
        "videoStudio": {"enabled": false, "remoteRunners": {"enabled": false}},
        "videoTranscription": {"enabled": false, "remoteRunners": {"enabled": false}},
        "videoFile": {"update": {"enabled": false}},
        "import": {
            "videos": {"concurrency": 1, "http": {"enabled": false}, "torrent": {"enabled": false}},
            "videoChannelSynchronization": {"enabled": false, "maxPerUser": 10},
            "users": {"enabled": true}
        },
        "export": {
            "users": {"enabled": true, "maxUserVideoQuota": 10737418240_i64, "exportExpiration": 172800000}
        },
        "trending": {
            "videos": {"algorithms": {"enabled": ["hot", "most-viewed", "most-liked"], "default": "most-viewed"}}
        },
        "autoBlacklist": {"videos": {"ofUsers": {"enabled": false}}},
        "followers": {
            "instance": {"enabled": true, "manualApproval": false},
            "channels": {"enabled": true}
        },
        "followings": {
            "instance": {
                "autoFollowBack": {"enabled": false},
                "autoFollowIndex": {"enabled": false, "indexUrl": ""}
            }
        },
        "broadcastMessage": {"enabled": false, "message": "", "level": "info", "dismissable": false},
        "search": {
            "remoteUri": {"users": true, "anonymous": false},
            "searchIndex": {"enabled": false, "url": "", "disableLocalSearch": false, "isDefaultSearch": false}
        },
        "storyboards": {"enabled": true, "remoteRunners": {"enabled": false}},
        "defaults": {
            "publish": {"downloadEnabled": true, "commentsPolicy": 1, "privacy": 1, "licence": null},
            "p2p": {"webapp": {"enabled": true}, "embed": {"enabled": true}},
            "player": {"theme": "galaxy", "autoPlay": true}
        },
        "videoComments": {"acceptRemoteComments": true}
    })
}

/// What of `sent` does not come back in `back`: every value must, but a `null` may come back
/// absent (a field the client leaves out rather than clearing); nothing may be added. Lists
/// compare whole.
fn lost(sent: &serde_json::Value, back: &serde_json::Value, at: &str) -> Vec<String> {
    use serde_json::Value;
    match (sent, back) {
        (Value::Object(sent), Value::Object(back)) => {
            let mut lost: Vec<String> = back
                .keys()
                .filter(|key| !sent.contains_key(*key))
                .map(|key| format!("{at}.{key} is added"))
                .collect();
            for (key, value) in sent {
                match back.get(key) {
                    Some(other) => lost.extend(self::lost(value, other, &format!("{at}.{key}"))),
                    None if value.is_null() => {}
                    None => lost.push(format!("{at}.{key} is dropped")),
                }
            }
            lost
        }
        // `1` and `1.0` are one number to the server (JavaScript has no other kind).
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => Vec::new(),
        (a, b) if a == b => Vec::new(),
        (a, b) => vec![format!("{at}: {a} comes back as {b}")],
    }
}

#[tokio::test]
async fn the_custom_configuration_read_goes_back_whole_with_one_change() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/config/custom"))
        .respond_with(ResponseTemplate::new(200).set_body_json(default_custom_config()))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v1/config/custom"))
        .respond_with(ResponseTemplate::new(200).set_body_json(default_custom_config()))
        .mount(&server)
        .await;
    client.set_access_token("90286a0bdf0f7315d9d3fe8dabf9e1d2be9c97d0");

    // What the server always sends is there, without an `Option` in the way.
    let mut config = client.get_custom_config().await.unwrap();
    assert_eq!(config.instance.name, "PeerTube");
    assert!(!config.signup.enabled);
    assert_eq!(config.live.transcoding.fps.max, 60);
    config.signup.enabled = true;
    // The read configuration is what the update takes (it converts into the sent type).
    client.update_custom_config(config.clone()).await.unwrap();
    let sent = peertube_client::types::ServerConfigCustomEdit::from(config);
    assert_eq!(sent.signup.as_ref().and_then(|s| s.enabled), Some(true));

    let requests = server.received_requests().await.unwrap();
    let put = requests
        .iter()
        .find(|r| r.method.as_str() == "PUT")
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&put.body).unwrap();
    let mut expected = default_custom_config();
    expected["signup"]["enabled"] = json!(true);
    // Nothing the server sent is dropped, nothing is added.
    assert_eq!(lost(&expected, &body, ""), Vec::<String>::new());
    assert_eq!(body["signup"]["enabled"], json!(true));
}

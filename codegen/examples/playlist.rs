//! Creates a private playlist, adds videos to it, and lists what it holds.
//!
//! ```sh
//! PEERTUBE_URL=https://peertube.example.com PEERTUBE_SESSION_FILE=session.json \
//!     cargo run --example playlist -- "Watch later" 9c9de5e8-0a1e-484a-b099-e80766180a6d
//! ```
//!
//! The first argument is the playlist's name, the others the videos (UUIDs). Uses the session
//! the `login` example saved.

mod common;

use peertube_client::StreamExt;
use peertube_client::types::{AddPlaylistVideoBody, CreatePlaylistBody, VideoPlaylistPrivacySet};

#[tokio::main]
async fn main() -> common::Result<()> {
    let mut args = std::env::args().skip(1);
    let name = args.next().ok_or("usage: playlist NAME VIDEO-UUID...")?;
    let client = common::logged_in()?;

    // Optional fields of a request body are set on the value `new` gives.
    let playlist = CreatePlaylistBody {
        privacy: Some(VideoPlaylistPrivacySet::Private),
        description: Some("Made with the Rust client".into()),
        ..CreatePlaylistBody::new(name)
    };
    let created = client.create_playlist(playlist).await?;
    let id = created
        .video_playlist
        .and_then(|playlist| playlist.id)
        .ok_or("the server did not return the playlist's id")?;

    for video in args {
        let video: peertube_client::uuid::Uuid = video.parse()?;
        client
            .add_playlist_video(id, AddPlaylistVideoBody::new(video))
            .await?;
    }

    let mut elements = client.list_playlist_videos(id).stream();
    while let Some(element) = elements.next().await {
        let element = element?;
        let name = element.video.map(|video| video.name);
        println!(
            "{:>3}. {}",
            element.position.unwrap_or(0),
            name.unwrap_or_else(|| "(video removed)".into())
        );
    }
    common::save_session(&client)
}

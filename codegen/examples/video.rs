//! Shows one video: its details, its captions and the files a player would read.
//!
//! ```sh
//! PEERTUBE_URL=https://peertube.example.com cargo run --example video -- 9c9de5e8-0a1e-484a-b099-e80766180a6d
//! ```
//!
//! The video is named by its id, its UUID or its short UUID, as in its URL.

mod common;

use peertube_client::ErrorCode;

#[tokio::main]
async fn main() -> common::Result<()> {
    let [id] = common::args("video ID|UUID|SHORT-UUID")?;
    let client = common::client()?;

    let video = match client.get_video(id.as_str()).await {
        Ok(video) => video,
        Err(error) if error.status() == Some(404) => return Err("no such video".into()),
        Err(error) if error.code() == Some(ErrorCode::VideoRequiresPassword) => {
            return Err("this video is protected by a password".into());
        }
        Err(error) => return Err(error.into()),
    };
    println!("{}\n  {}", video.name, video.url);
    println!(
        "  by {} on {}, published {}",
        video.account.display_name.as_deref().unwrap_or("?"),
        video.channel.display_name.as_deref().unwrap_or("?"),
        video.published_at.format("%Y-%m-%d")
    );
    println!(
        "  {} s, {} views, {} likes, {} dislikes",
        video.duration, video.views, video.likes, video.dislikes
    );
    if !video.tags.is_empty() {
        println!("  tags: {}", video.tags.join(", "));
    }
    // Unknown values are kept, not rejected: a newer server's label still shows.
    println!("  category: {}", video.category.label);

    let captions = client.list_video_captions(id.as_str()).await?;
    for caption in captions.data {
        println!(
            "  caption {:?}: {}",
            caption.language.label, caption.file_url
        );
    }
    for file in &video.files {
        println!("  file {:?}: {}", file.resolution.label, file.file_url);
    }
    for playlist in &video.streaming_playlists {
        println!("  HLS playlist: {}", playlist.playlist_url);
    }
    Ok(())
}

//! Searches a server's videos, then reads every video of a channel page by page.
//!
//! ```sh
//! PEERTUBE_URL=https://peertube.example.com cargo run --example search -- "blender" framasoft
//! ```
//!
//! The search is anonymous. The first argument is the text to search, the second a channel's
//! handle (`name` or `name@host`).

mod common;

use peertube_client::StreamExt;
use peertube_client::types::VideosSort;

#[tokio::main]
async fn main() -> common::Result<()> {
    let [text, channel] = common::args("search TEXT CHANNEL")?;
    let client = common::client()?;

    // Optional parameters are methods of the request; `.await` sends it.
    let found = client
        .search_videos(&text)
        .sort(VideosSort::ViewsDesc)
        .nsfw(false)
        .count(10)
        .await?;
    println!("{} videos match {text:?}; the 10 most viewed:", found.total);
    for video in &found.data {
        println!("  {:>8} views  {}", video.views.unwrap_or(0), video.name);
    }

    // `stream()` reads the pages one after the other, as the loop asks for more.
    let mut videos = client.list_channel_videos(&channel).stream();
    let mut seconds = 0;
    while let Some(video) = videos.next().await {
        seconds += video?.duration.unwrap_or(0);
    }
    println!("{channel} publishes {} hours of video", seconds / 3600);
    Ok(())
}

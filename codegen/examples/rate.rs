//! Likes or dislikes a video (or takes the rating back), then reads the rating back.
//!
//! ```sh
//! PEERTUBE_URL=https://peertube.example.com PEERTUBE_SESSION_FILE=session.json \
//!     cargo run --example rate -- 9c9de5e8-0a1e-484a-b099-e80766180a6d like
//! ```
//!
//! The video is named by its id, UUID or short UUID, the rating is `like`, `dislike` or
//! `none`. Uses the session the `login` example saved.

mod common;

use peertube_client::types::{RateVideoBody, RateVideoBodyRating};

#[tokio::main]
async fn main() -> common::Result<()> {
    let [video, rating] = common::args("rate VIDEO-UUID like|dislike|none")?;
    // A value the document does not list is sent as it is.
    let rating = RateVideoBodyRating::from(rating.as_str());
    let client = common::logged_in()?;

    client
        .rate_video(video.as_str(), RateVideoBody::new(rating))
        .await?;
    let mine = client.get_my_video_rating(video.as_str()).await?;
    println!("your rating of video {}: {}", mine.video_id, mine.rating);
    common::save_session(&client)
}

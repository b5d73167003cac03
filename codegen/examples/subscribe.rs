//! Subscribes to a channel, lists the subscriptions, and shows the latest videos of all of
//! them; with `--unsubscribe`, unsubscribes instead.
//!
//! ```sh
//! PEERTUBE_URL=https://peertube.example.com PEERTUBE_SESSION_FILE=session.json \
//!     cargo run --example subscribe -- framasoft@framatube.org
//! ```
//!
//! Uses the session the `login` example saved.

mod common;

use peertube_client::StreamExt;
use peertube_client::types::{SubscribeBody, VideosSort};

#[tokio::main]
async fn main() -> common::Result<()> {
    let client = common::logged_in()?;
    match common::args::<1>("subscribe CHANNEL@HOST | subscribe --unsubscribe CHANNEL@HOST") {
        Ok([handle]) => {
            client.subscribe(SubscribeBody::new(handle.clone())).await?;
            println!("subscribed to {handle}");
        }
        Err(usage) => {
            let [flag, handle] = common::args::<2>(&usage)?;
            if flag != "--unsubscribe" {
                return Err(usage.into());
            }
            client.unsubscribe(&handle).await?;
            println!("unsubscribed from {handle}");
        }
    }

    // Every subscription, page after page.
    let mut subscriptions = client.list_my_subscriptions().stream();
    while let Some(channel) = subscriptions.next().await {
        let channel = channel?;
        println!(
            "  {} ({}@{})",
            channel.display_name, channel.name, channel.host
        );
    }

    let latest = client
        .list_my_subscription_videos()
        .sort(VideosSort::PublishedAtDesc)
        .count(5)
        .await?;
    println!("latest videos of your subscriptions:");
    for video in latest.data {
        let channel = video.channel.map(|channel| channel.display_name);
        println!("  {}  ({})", video.name, channel.unwrap_or_default());
    }
    common::save_session(&client)
}

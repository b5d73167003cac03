//! Logs in to a PeerTube server and lists its latest videos: PeerTube's REST quick start.
//!
//! ```sh
//! PEERTUBE_URL=https://peertube.example.com PEERTUBE_USERNAME=alice PEERTUBE_PASSWORD='...' \
//!     cargo run --example login
//! ```
//!
//! A user with two-factor authentication also sets `PEERTUBE_OTP`. With
//! `PEERTUBE_SESSION_FILE=path`, the session is saved there for the `resume` example.

mod common;

use common::{save_secret, var};
use peertube_client::types::VideosSort;
use peertube_client::{Client, ErrorCode};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new(&var("PEERTUBE_URL")?)?;
    let (username, password) = (var("PEERTUBE_USERNAME")?, var("PEERTUBE_PASSWORD")?);

    // Gets the server's OAuth client, then a token; later requests carry it, and it is
    // refreshed when it expires.
    match client.login(&username, &password).await {
        Ok(_) => {}
        Err(error) if error.code() == Some(ErrorCode::MissingTwoFactor) => {
            let otp = var("PEERTUBE_OTP")?;
            client
                .login_with_otp(&username, &password, otp.trim())
                .await?;
        }
        Err(error) => return Err(error.into()),
    }

    let latest = client
        .list_videos()
        .sort(VideosSort::PublishedAtDesc)
        .count(10)
        .await?;
    for video in latest.data {
        let published = video
            .published_at
            .map(|at| at.format("%Y-%m-%d").to_string());
        println!("{}  {}", published.unwrap_or_default(), video.name);
    }

    if let (Ok(path), Some(session)) = (std::env::var("PEERTUBE_SESSION_FILE"), client.session()) {
        save_secret(&path, &serde_json::to_vec(&session.with_secrets())?)?;
        eprintln!("session saved to {path}");
    }
    Ok(())
}

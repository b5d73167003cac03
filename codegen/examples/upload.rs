//! Uploads a video with PeerTube's resumable protocol, with a progress bar. The session is
//! saved beside the video while the upload runs: run the example again after an interruption
//! (or a crash, or a reboot) and it resumes where the server stopped.
//!
//! ```sh
//! PEERTUBE_URL=https://peertube.example.com PEERTUBE_TOKEN_FILE=token PEERTUBE_CHANNEL_ID=3 \
//!     cargo run --example upload -- holidays.mp4 "Holidays"
//! ```
//!
//! The refresh token comes from the file the `login` example saved it to; the new one is saved
//! back. `PEERTUBE_CANCEL=1` cancels a saved upload instead: the server deletes what it got.

mod common;

use std::path::Path;

use common::{save_secret, var};

use indicatif::{ProgressBar, ProgressStyle};
use peertube_client::types::{VideoUploadRequestResumable, VideoUploadResponse};
use peertube_client::{Client, UploadEvent, UploadSession, UploadSource};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(file), Some(title)) = (args.next(), args.next()) else {
        return Err("usage: upload FILE TITLE".into());
    };
    let client = Client::new(&var("PEERTUBE_URL")?)?;
    let token_file = var("PEERTUBE_TOKEN_FILE")?;
    let tokens = client
        .login_with_refresh_token(std::fs::read_to_string(&token_file)?.trim())
        .await?;
    if let Some(refresh_token) = &tokens.refresh_token {
        save_secret(&token_file, refresh_token.expose().as_bytes())?;
    }

    // Where the session is kept while the upload runs.
    let saved_at = Path::new(&file).with_extension("upload.json");
    let saved: Option<UploadSession> = match std::fs::read_to_string(&saved_at) {
        Ok(text) => Some(serde_json::from_str(&text)?),
        Err(_) => None,
    };
    if std::env::var_os("PEERTUBE_CANCEL").is_some() {
        let session = saved.ok_or("no saved upload to cancel")?;
        client.cancel_upload(&session).await?;
        std::fs::remove_file(&saved_at)?;
        eprintln!("upload {} cancelled", session.upload_id());
        return Ok(());
    }

    let bar = ProgressBar::new(0).with_style(ProgressStyle::with_template(
        "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}",
    )?);
    let on_event = {
        let (bar, saved_at) = (bar.clone(), saved_at.clone());
        move |event: &UploadEvent| match event {
            UploadEvent::Started { session, offset } => {
                if let Ok(json) = serde_json::to_string(session) {
                    // Without the file, an interrupted upload starts again from zero.
                    let _ = std::fs::write(&saved_at, json);
                }
                bar.set_length(session.size());
                bar.set_position(*offset);
            }
            UploadEvent::Progress { sent, .. } => bar.set_position(*sent),
            UploadEvent::Retrying { delay, reason, .. } => {
                bar.set_message(format!("retrying in {delay:?}: {reason}"));
            }
            UploadEvent::Resumed { .. } => bar.set_message(""),
            _ => {}
        }
    };

    let source = UploadSource::path(&file);
    let upload = match saved {
        Some(session) => {
            eprintln!("resuming upload {}", session.upload_id());
            client.resume_upload::<VideoUploadResponse>(session, source)
        }
        None => {
            let channel_id = var("PEERTUBE_CHANNEL_ID")?.parse()?;
            let metadata = VideoUploadRequestResumable::new(title, channel_id, "");
            client.upload_video(source, metadata)
        }
    };
    let answer = upload.on_event(on_event).await;
    bar.finish();
    let answer = match answer {
        Ok(answer) => answer,
        Err(error) => {
            if error.session().is_some() {
                eprintln!("run again to resume from where the server stopped");
            }
            return Err(error.into());
        }
    };
    std::fs::remove_file(&saved_at)?;
    let video = answer.video;
    println!("uploaded: video {} ({})", video.id, video.short_uuid);
    Ok(())
}

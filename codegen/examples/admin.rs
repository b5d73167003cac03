//! A moderator's morning round: the reports waiting, the users blocked, the jobs that failed;
//! with `--block VIDEO REASON`, blocks a video first.
//!
//! ```sh
//! PEERTUBE_URL=https://peertube.example.com PEERTUBE_SESSION_FILE=session.json \
//!     cargo run --example admin
//! ```
//!
//! Uses the session the `login` example saved, of a moderator or an administrator.

mod common;

use peertube_client::StreamExt;
use peertube_client::types::{AbuseStateSet, ListJobsState, VideoBlacklistCreate};

#[tokio::main]
async fn main() -> common::Result<()> {
    let client = common::logged_in()?;
    if let Ok([flag, video, reason]) = common::args::<3>("admin [--block VIDEO REASON]")
        && flag == "--block"
    {
        let block = VideoBlacklistCreate {
            reason: Some(reason),
            unfederate: Some(true),
            ..Default::default()
        };
        match client.block_video(video.as_str(), block).await {
            Ok(()) => println!("video {video} blocked"),
            Err(error) if error.status() == Some(403) => {
                return Err("only moderators and administrators can block videos".into());
            }
            Err(error) => return Err(error.into()),
        }
    }

    let reports = client
        .list_abuses()
        .state(AbuseStateSet::Pending)
        .count(10)
        .await?;
    println!("{} reports waiting", reports.total);
    for report in reports.data {
        println!("  #{}: {}", report.id, report.reason);
    }

    let mut blocked = client.list_users().blocked(true).stream();
    while let Some(user) = blocked.next().await {
        let user = user?;
        let reason = user.blocked_reason.unwrap_or_default();
        println!("  {} is blocked: {reason}", user.username);
    }

    match client.list_jobs(ListJobsState::Failed).count(5).await {
        Ok(jobs) => {
            println!("{} failed jobs", jobs.total);
            for job in jobs.data {
                println!("  {:?} {:?}", job.id, job.error);
            }
        }
        // Jobs are for administrators only.
        Err(error) if error.status() == Some(403) => {}
        Err(error) => return Err(error.into()),
    }
    common::save_session(&client)
}

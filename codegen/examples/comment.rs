//! Comments on a video, answers the comment, and prints the thread.
//!
//! ```sh
//! PEERTUBE_URL=https://peertube.example.com PEERTUBE_SESSION_FILE=session.json \
//!     cargo run --example comment -- 9c9de5e8-0a1e-484a-b099-e80766180a6d "Wonderful!"
//! ```
//!
//! Uses the session the `login` example saved.

mod common;

use peertube_client::types::{CreateCommentThreadBody, ReplyToCommentBody, VideoCommentThreadTree};

#[tokio::main]
async fn main() -> common::Result<()> {
    let [video, text] = common::args("comment VIDEO TEXT")?;
    let client = common::logged_in()?;

    let posted = client
        .create_comment_thread(video.as_str(), CreateCommentThreadBody::new(text))
        .await?;
    let comment = posted.comment;
    println!("commented: {}", comment.url);

    // A reply is a comment on a comment.
    let reply = ReplyToCommentBody::new("And thanks for the subtitles.");
    client
        .reply_to_comment(video.as_str(), comment.id, reply)
        .await?;

    let thread = client
        .get_comment_thread(video.as_str(), comment.thread_id)
        .await?;
    print_thread(&thread, 0);
    common::save_session(&client)
}

fn print_thread(tree: &VideoCommentThreadTree, depth: usize) {
    let author = tree
        .comment
        .account
        .as_ref()
        .map(|account| account.name.as_str());
    println!(
        "{:indent$}{}: {}",
        "",
        author.unwrap_or("?"),
        tree.comment.text,
        indent = depth * 2
    );
    for child in &tree.children {
        print_thread(child, depth + 1);
    }
}

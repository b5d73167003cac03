//! Resumes a session saved earlier (by the `login` example), without the password, and shows
//! who is logged in.
//!
//! ```sh
//! PEERTUBE_URL=https://peertube.example.com PEERTUBE_SESSION_FILE=session.json \
//!     cargo run --example resume
//! ```
//!
//! The session's tokens are refreshed when they expire, and PeerTube replaces the refresh
//! token each time: the session is saved back to the file.

mod common;

use common::{save_secret, var};
use peertube_client::{Client, Error, SavedSession};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new(&var("PEERTUBE_URL")?)?;
    let path = var("PEERTUBE_SESSION_FILE")?;
    let saved: SavedSession = serde_json::from_slice(&std::fs::read(&path)?)?;
    client.restore_session(saved)?;

    let me = match client.get_my_user().await {
        Ok(me) => me,
        Err(Error::SessionExpired { .. }) => {
            return Err("the saved session expired: run the `login` example again".into());
        }
        Err(error) => return Err(error.into()),
    };
    println!("logged in as {}", me.username);

    if let Some(session) = client.session() {
        save_secret(&path, &serde_json::to_vec(&session.with_secrets())?)?;
    }
    Ok(())
}

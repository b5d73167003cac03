//! What the examples share: a client of the server at `PEERTUBE_URL`, anonymous or logged in
//! with the session the `login` example saved to `PEERTUBE_SESSION_FILE`.

// Each example uses only part of this module.
#![allow(dead_code)]

use peertube_client::{Client, SavedSession};

pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// A client of the server at `PEERTUBE_URL`, not logged in: enough for public data.
pub fn client() -> Result<Client> {
    Ok(Client::new(&var("PEERTUBE_URL")?)?)
}

/// A client logged in with the session saved by the `login` example. Call [`save_session`]
/// before the program ends: PeerTube replaces the refresh token each time the session is
/// refreshed.
pub fn logged_in() -> Result<Client> {
    let client = client()?;
    let saved: SavedSession =
        serde_json::from_slice(&std::fs::read(var("PEERTUBE_SESSION_FILE")?)?)
            .map_err(|error| format!("PEERTUBE_SESSION_FILE: {error}"))?;
    client.restore_session(saved)?;
    Ok(client)
}

/// Saves the client's session back to `PEERTUBE_SESSION_FILE`.
pub fn save_session(client: &Client) -> Result<()> {
    if let Some(session) = client.session() {
        save_secret(
            &var("PEERTUBE_SESSION_FILE")?,
            &serde_json::to_vec(&session.with_secrets())?,
        )?;
    }
    Ok(())
}

/// Writes a secret to a file only its owner can read.
pub fn save_secret(path: &str, secret: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    std::io::Write::write_all(&mut options.open(path)?, secret)
}

/// An environment variable the example needs.
pub fn var(name: &str) -> std::result::Result<String, String> {
    std::env::var(name).map_err(|_| format!("set {name}"))
}

/// The program's arguments, or the usage line as the error.
pub fn args<const N: usize>(usage: &str) -> std::result::Result<[String; N], String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    args.try_into().map_err(|_| format!("usage: {usage}"))
}

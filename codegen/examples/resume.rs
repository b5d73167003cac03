//! Starts a session from a refresh token saved earlier (by the `login` example), without the
//! password, and shows who is logged in.
//!
//! ```sh
//! PEERTUBE_URL=https://peertube.example.com PEERTUBE_TOKEN_FILE=token cargo run --example resume
//! ```
//!
//! Refresh tokens are used once: the new one is saved back to the file.

use peertube_client::{Client, ErrorCode};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new(&var("PEERTUBE_URL")?)?;
    let path = var("PEERTUBE_TOKEN_FILE")?;
    let saved = std::fs::read_to_string(&path)?;

    let tokens = match client.login_with_refresh_token(saved.trim()).await {
        Ok(tokens) => tokens,
        Err(error) if error.code() == Some(&ErrorCode::InvalidGrant) => {
            return Err(
                "the saved refresh token expired or was used: run the `login` example again".into(),
            );
        }
        Err(error) => return Err(error.into()),
    };
    if let Some(refresh_token) = &tokens.refresh_token {
        std::fs::write(&path, refresh_token.expose())?;
    }

    let me = client.get_user_info().await?;
    println!("logged in as {}", me.username);
    Ok(())
}

fn var(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("set {name}"))
}

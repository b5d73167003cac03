//! The session: OAuth 2.0 tokens, shared by every clone of the client and refreshed when they
//! expire.
//!
//! Every request carries the access token, if there is one. A request that would start after
//! the token's expiry first refreshes it; a request answered `401` with the code
//! `invalid_token` refreshes it and is sent once more. However many requests find the token
//! expired at once, one refresh happens: the others wait for it and use its token.

use std::fmt;
use std::sync::RwLock;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::StatusCode;

use super::call::Call;
use super::client::Client;
use super::error::{DecodeError, Error, OperationInfo, Problem};
use super::response;
use super::secret::Secret;

/// Where the document's OAuth 2.0 password flow lives (written by the generator).
pub struct OAuthEndpoints {
    /// The token operation (`POST /api/v1/users/token`) and its path.
    pub token: (&'static OperationInfo, &'static [&'static str]),
    /// The operation that hands out the server's own OAuth client, and its path.
    pub local_client: Option<(&'static OperationInfo, &'static [&'static str])>,
    /// The header that carries a one-time password for two-factor authentication.
    pub otp_header: Option<&'static str>,
}

/// A token is refreshed this long before it expires, so that it does not expire in flight.
const EXPIRY_MARGIN: Duration = Duration::from_secs(10);

/// The tokens of a session. `Debug` shows no secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tokens {
    pub access_token: Secret,
    /// Keep it to start a later session without the password
    /// ([`Client::login_with_refresh_token`]).
    pub refresh_token: Option<Secret>,
    /// When the access token expires, as the server said.
    pub expires_at: Option<SystemTime>,
}

/// The OAuth client of a server: PeerTube gives every server one, for its users to log in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthClient {
    pub client_id: String,
    pub client_secret: Secret,
}

#[derive(Default)]
struct State {
    tokens: Option<Tokens>,
    /// The access token's expiry on the monotonic clock.
    expires: Option<Instant>,
    client: Option<OAuthClient>,
    /// Counts token changes: a request that used generation `n` and got `invalid_token`
    /// refreshes only if the tokens are still those of generation `n`.
    generation: u64,
}

#[derive(Default)]
pub(crate) struct Session {
    state: RwLock<State>,
    refreshing: tokio::sync::Mutex<()>,
}

#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: Secret,
    #[serde(default)]
    refresh_token: Option<Secret>,
    #[serde(default)]
    expires_in: Option<i64>,
}

#[derive(serde::Deserialize)]
struct ClientResponse {
    client_id: String,
    client_secret: Secret,
}

enum Grant<'a> {
    Password {
        username: &'a str,
        password: &'a str,
        otp: Option<&'a str>,
    },
    RefreshToken(&'a Secret),
}

impl Session {
    fn read<T>(&self, f: impl FnOnce(&State) -> T) -> T {
        match self.state.read() {
            Ok(state) => f(&state),
            Err(poisoned) => f(&poisoned.into_inner()),
        }
    }

    fn write<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        match self.state.write() {
            Ok(mut state) => f(&mut state),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// The access token and its generation.
    fn current(&self) -> (Option<Secret>, u64) {
        self.read(|s| {
            (
                s.tokens.as_ref().map(|t| t.access_token.clone()),
                s.generation,
            )
        })
    }

    fn can_refresh(&self) -> bool {
        self.read(|s| {
            s.client.is_some() && s.tokens.as_ref().is_some_and(|t| t.refresh_token.is_some())
        })
    }

    fn expired(&self) -> bool {
        self.read(|s| {
            s.expires
                .is_some_and(|at| at <= Instant::now() + EXPIRY_MARGIN)
        })
    }

    fn store(&self, tokens: Option<Tokens>) {
        self.write(|s| {
            s.expires = tokens.as_ref().and_then(|t| {
                let left = t
                    .expires_at?
                    .duration_since(SystemTime::now())
                    .unwrap_or_default();
                Some(Instant::now() + left)
            });
            s.tokens = tokens;
            s.generation += 1;
        });
    }

    pub(crate) async fn send(
        &self,
        client: &Client,
        call: Call,
    ) -> Result<reqwest::Response, Error> {
        let (mut token, mut generation) = self.current();
        if token.is_some() && self.expired() && self.can_refresh() {
            self.refresh(client, generation).await?;
            (token, generation) = self.current();
        }
        let response = client
            .execute(&call, token.as_ref().map(Secret::expose))
            .await?;
        if response.status() != StatusCode::UNAUTHORIZED || token.is_none() || !self.can_refresh() {
            return Ok(response);
        }
        // A 401 may say the token expired: read it, and keep it whole for the caller if not.
        let (head, body) = split(call.operation, response).await?;
        let expired = serde_json::from_slice::<Problem>(&body)
            .ok()
            .and_then(|problem| problem.code)
            .is_some_and(|code| code.as_str() == "invalid_token");
        if !expired {
            return Ok(join(head, body));
        }
        self.refresh(client, generation).await?;
        let (token, _) = self.current();
        client
            .execute(&call, token.as_ref().map(Secret::expose))
            .await
    }

    /// Refreshes the tokens, unless they changed since `generation` (another request
    /// refreshed them while this one waited).
    async fn refresh(&self, client: &Client, generation: u64) -> Result<(), Error> {
        let _only_one = self.refreshing.lock().await;
        if self.read(|s| s.generation) != generation {
            return Ok(());
        }
        let refresh_token = self
            .read(|s| s.tokens.as_ref().and_then(|t| t.refresh_token.clone()))
            .ok_or_else(|| Error::Auth {
                message: "the access token expired and there is no refresh token".to_owned(),
            })?;
        self.grant(client, Grant::RefreshToken(&refresh_token))
            .await
            .map(drop)
    }

    /// Asks the token endpoint for tokens, and keeps them.
    async fn grant(&self, client: &Client, grant: Grant<'_>) -> Result<Tokens, Error> {
        let endpoints = endpoints()?;
        let (operation, path) = endpoints.token;
        let oauth = match self.read(|s| s.client.clone()) {
            Some(oauth) => oauth,
            None => self.fetch_client(client).await?,
        };
        let mut fields: Vec<(&str, &str)> = Vec::with_capacity(6);
        let mut call = client.call(operation, path);
        match &grant {
            Grant::Password {
                username,
                password,
                otp,
            } => {
                fields.push(("grant_type", "password"));
                fields.extend([
                    ("client_id", oauth.client_id.as_str()),
                    ("client_secret", oauth.client_secret.expose()),
                ]);
                fields.extend([("username", *username), ("password", *password)]);
                if let (Some(otp), Some(header)) = (otp, endpoints.otp_header) {
                    call.header(header, otp);
                }
            }
            Grant::RefreshToken(refresh_token) => {
                fields.push(("grant_type", "refresh_token"));
                fields.extend([
                    ("client_id", oauth.client_id.as_str()),
                    ("client_secret", oauth.client_secret.expose()),
                ]);
                fields.push(("refresh_token", refresh_token.expose()));
            }
        }
        call.form(&fields);
        let response = client.execute(&call, None).await?;
        if !response.status().is_success() {
            return Err(response::error(operation, response).await);
        }
        let status = response.status().as_u16();
        let (_, body) = split(operation, response).await?;
        let decoded: TokenResponse = serde_json::from_slice(&body).map_err(|e| {
            Error::Decode(Box::new(DecodeError {
                operation,
                status,
                expected: "TokenResponse",
                path: String::new(),
                message: e.to_string(),
                body: "(not shown: it may hold credentials)".to_owned(),
            }))
        })?;
        let expires_at = decoded
            .expires_in
            .map(|seconds| SystemTime::now() + Duration::from_secs(seconds.max(0).unsigned_abs()));
        let tokens = Tokens {
            access_token: decoded.access_token,
            refresh_token: decoded.refresh_token,
            expires_at,
        };
        self.store(Some(tokens.clone()));
        Ok(tokens)
    }

    /// Gets the server's own OAuth client, and keeps it.
    async fn fetch_client(&self, client: &Client) -> Result<OAuthClient, Error> {
        let (operation, path) = endpoints()?.local_client.ok_or_else(|| Error::Auth {
            message: "the API document has no operation that gives an OAuth client: set one with \
                      `Client::set_oauth_client`"
                .to_owned(),
        })?;
        let response = client.execute(&client.call(operation, path), None).await?;
        if !response.status().is_success() {
            return Err(response::error(operation, response).await);
        }
        let decoded: ClientResponse = response::json(operation, response).await?;
        let oauth = OAuthClient {
            client_id: decoded.client_id,
            client_secret: decoded.client_secret,
        };
        self.write(|s| s.client = Some(oauth.clone()));
        Ok(oauth)
    }
}

fn endpoints() -> Result<&'static OAuthEndpoints, Error> {
    crate::operations::OAUTH
        .as_ref()
        .ok_or_else(|| Error::Auth {
            message: "the API document declares no OAuth 2.0 password flow".to_owned(),
        })
}

/// A response read whole: its head and its body.
async fn split(
    operation: &'static OperationInfo,
    response: reqwest::Response,
) -> Result<(Head, Bytes), Error> {
    let head = Head {
        status: response.status(),
        version: response.version(),
        headers: response.headers().clone(),
    };
    let body = response
        .bytes()
        .await
        .map_err(|source| Error::Transport { operation, source })?;
    Ok((head, body))
}

struct Head {
    status: StatusCode,
    version: reqwest::Version,
    headers: reqwest::header::HeaderMap,
}

/// The response again, from its parts.
fn join(head: Head, body: Bytes) -> reqwest::Response {
    let mut response = http::Response::new(body);
    *response.status_mut() = head.status;
    *response.version_mut() = head.version;
    *response.headers_mut() = head.headers;
    reqwest::Response::from(response)
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.read(|s| {
            f.debug_struct("Session")
                .field("tokens", &s.tokens)
                .field("oauth_client", &s.client)
                .finish()
        })
    }
}

impl Client {
    /// Logs in with a username and password: gets the server's OAuth client (once), then
    /// tokens for the user. Later requests carry the access token and refresh it as needed.
    ///
    /// A user with two-factor authentication gets an error with the code
    /// [`MissingTwoFactor`](crate::ErrorCode::MissingTwoFactor): use
    /// [`Client::login_with_otp`].
    pub async fn login(&self, username: &str, password: &str) -> Result<Tokens, Error> {
        let grant = Grant::Password {
            username,
            password,
            otp: None,
        };
        self.shared.session.grant(self, grant).await
    }

    /// Logs in a user with two-factor authentication, with the one-time password of their
    /// authenticator.
    pub async fn login_with_otp(
        &self,
        username: &str,
        password: &str,
        otp: &str,
    ) -> Result<Tokens, Error> {
        let grant = Grant::Password {
            username,
            password,
            otp: Some(otp),
        };
        self.shared.session.grant(self, grant).await
    }

    /// Starts a session from a refresh token kept from an earlier one ([`Tokens::refresh_token`]).
    pub async fn login_with_refresh_token(
        &self,
        refresh_token: impl Into<Secret>,
    ) -> Result<Tokens, Error> {
        let refresh_token = refresh_token.into();
        self.shared
            .session
            .grant(self, Grant::RefreshToken(&refresh_token))
            .await
    }

    /// Uses this OAuth client to log in, rather than asking the server for its own.
    pub fn set_oauth_client(&self, client_id: impl Into<String>, client_secret: impl Into<Secret>) {
        let oauth = OAuthClient {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        };
        self.shared.session.write(|s| s.client = Some(oauth));
    }

    /// Uses these tokens from now on (a session kept from earlier).
    pub fn set_tokens(&self, tokens: Tokens) {
        self.shared.session.store(Some(tokens));
    }

    /// Sends `token` as `Authorization: Bearer <token>` from now on (it is not refreshed).
    pub fn set_access_token(&self, token: impl Into<Secret>) {
        self.set_tokens(Tokens {
            access_token: token.into(),
            refresh_token: None,
            expires_at: None,
        });
    }

    /// The session's tokens, to keep the refresh token for later. They change when they are
    /// refreshed.
    pub fn tokens(&self) -> Option<Tokens> {
        self.shared.session.read(|s| s.tokens.clone())
    }

    /// Forgets the tokens: requests go out without an access token. (The server forgets them
    /// with [`Client::revoke_oauth_token`](crate::Client).)
    pub fn logout(&self) {
        self.shared.session.store(None);
    }

    /// Whether requests carry an access token.
    pub fn is_authenticated(&self) -> bool {
        self.shared.session.read(|s| s.tokens.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_secret() {
        let session = Session::default();
        session.store(Some(Tokens {
            access_token: Secret::new("access-secret"),
            refresh_token: Some(Secret::new("refresh-secret")),
            expires_at: None,
        }));
        session.write(|s| {
            s.client = Some(OAuthClient {
                client_id: "id".to_owned(),
                client_secret: Secret::new("client-secret"),
            })
        });
        let shown = format!("{session:?}");
        for secret in ["access-secret", "refresh-secret", "client-secret"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[test]
    fn expiry_is_checked_with_a_margin() {
        let session = Session::default();
        session.store(Some(Tokens {
            access_token: Secret::new("a"),
            refresh_token: None,
            expires_at: Some(SystemTime::now() + Duration::from_secs(5)),
        }));
        assert!(session.expired(), "5 s left is within the margin");
        session.store(Some(Tokens {
            access_token: Secret::new("a"),
            refresh_token: None,
            expires_at: Some(SystemTime::now() + Duration::from_secs(3600)),
        }));
        assert!(!session.expired());
    }
}

//! The session: OAuth 2.0 tokens, shared by every clone of the client and refreshed when they
//! expire.
//!
//! Every request carries the access token, if there is one. A request that would start after
//! the token's expiry first refreshes it; a request answered `401` with the code
//! `invalid_token` refreshes it and is sent once more. However many requests need a refresh
//! at once, one refresh happens (under a deadline): the others wait for it, and all get its
//! outcome. When the server refuses the refresh token, the session ends: the token is
//! dropped, and every request fails with [`Error::SessionExpired`] until the user logs in
//! again, so a dead token is never sent twice (PeerTube rate-limits its token endpoint).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

use super::call::Call;
use super::error::{DecodeError, Error, OperationInfo, Problem};
use super::http::{Http, Response};
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
    /// What refreshes the access token when it expires. PeerTube's last two weeks, and each
    /// refresh replaces it.
    pub refresh_token: Option<Secret>,
    /// When the access token expires, as the server said.
    pub expires_at: Option<SystemTime>,
}

/// The OAuth client of a server: PeerTube gives every server one, for its users to log in.
/// [`Client::login`](crate::Client::login) asks the server for it; the operation that hands
/// it out answers this type too (`types::OAuthClient` is this type).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthClient {
    pub client_id: String,
    pub client_secret: Secret,
}

impl super::json::FromJson for OAuthClient {
    fn from_json(p: &mut super::json::Parser<'_>) -> Result<Self, super::json::JsonError> {
        super::json::via_serde(p)
    }
}

/// A session to keep and resume later, in another process: the server it belongs to, its
/// OAuth client and its tokens. From [`Client::session`](crate::Client::session), back with
/// [`Client::restore_session`](crate::Client::restore_session).
///
/// It holds secrets, so it is not `Serialize` itself: [`SavedSession::with_secrets`] is the
/// explicit step that writes them. It is `Deserialize`. `Debug` shows no secret.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(from = "SessionForm")]
pub struct SavedSession {
    /// The base URL of the server the session belongs to: it is restored only into a client
    /// of the same origin.
    pub server: String,
    pub oauth_client: Option<OAuthClient>,
    pub tokens: Tokens,
}

impl SavedSession {
    /// The session, secrets included, to serialize: keep what it writes where only its
    /// owner can read it (see [`Client::session`](crate::Client::session) for an example).
    pub fn with_secrets(&self) -> impl Serialize + '_ {
        SessionForm::from(self)
    }
}

/// How a saved session is written: the secrets as strings, the expiry in seconds since 1970.
#[derive(Serialize, Deserialize)]
struct SessionForm {
    server: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_secret: Option<Secret>,
    access_token: Secret,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<u64>,
}

impl From<&SavedSession> for SessionForm {
    fn from(session: &SavedSession) -> SessionForm {
        SessionForm {
            server: session.server.clone(),
            client_id: session.oauth_client.as_ref().map(|c| c.client_id.clone()),
            client_secret: session
                .oauth_client
                .as_ref()
                .map(|c| c.client_secret.clone()),
            access_token: session.tokens.access_token.clone(),
            refresh_token: session.tokens.refresh_token.clone(),
            expires_at: session.tokens.expires_at.map(|at| {
                at.duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_secs()
            }),
        }
    }
}

impl From<SessionForm> for SavedSession {
    fn from(form: SessionForm) -> SavedSession {
        let oauth_client = match (form.client_id, form.client_secret) {
            (Some(client_id), Some(client_secret)) => Some(OAuthClient {
                client_id,
                client_secret,
            }),
            _ => None,
        };
        SavedSession {
            server: form.server,
            oauth_client,
            tokens: Tokens {
                access_token: form.access_token,
                refresh_token: form.refresh_token,
                expires_at: form
                    .expires_at
                    .map(|seconds| SystemTime::UNIX_EPOCH + Duration::from_secs(seconds)),
            },
        }
    }
}

#[derive(Default)]
struct State {
    tokens: Option<Tokens>,
    /// The access token's expiry on the monotonic clock.
    expires: Option<Instant>,
    client: Option<OAuthClient>,
    /// Why the session ended, when the server refused its refresh token.
    ended: Option<Arc<Error>>,
    /// Counts token changes: a request that used generation `n` and got `invalid_token`
    /// refreshes only if the tokens are still those of generation `n`.
    generation: u64,
}

/// The session of a client (shared by its clones). Cheap to clone.
#[derive(Clone)]
pub(crate) struct Session {
    inner: Arc<Inner>,
}

struct Inner {
    oauth: Option<&'static OAuthEndpoints>,
    state: RwLock<State>,
    /// The refresh in flight, or the last one.
    flight: Mutex<Option<Flight>>,
    attempts: AtomicU64,
}

/// The session's tokens, as a request starts.
struct Current {
    token: Option<Secret>,
    generation: u64,
    refreshable: bool,
}

/// One refresh, awaited by every request that needs it.
struct Flight {
    generation: u64,
    attempt: u64,
    outcome: Shared<BoxFuture<'static, Result<(), Failure>>>,
}

/// Why a refresh failed, shared by everyone who waited for it.
#[derive(Clone)]
enum Failure {
    /// The server refused the refresh token: the session ended.
    Refused(Arc<Error>),
    /// No usable answer (timeout, connection, server error, rate limit): try again later.
    Failed(Arc<Error>),
}

impl Failure {
    fn into_error(self) -> Error {
        match self {
            Failure::Refused(cause) => Error::SessionExpired { cause },
            Failure::Failed(cause) => Error::Refresh { cause },
        }
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Secret,
    #[serde(default)]
    refresh_token: Option<Secret>,
    #[serde(default)]
    expires_in: Option<i64>,
}

/// How to get tokens.
pub(crate) enum Grant<'a> {
    Password {
        username: &'a str,
        password: &'a str,
        otp: Option<&'a str>,
    },
    RefreshToken(&'a Secret),
}

impl Session {
    /// A session without tokens, which logs in at `oauth` (the document's flow, if any).
    pub(crate) fn new(oauth: Option<&'static OAuthEndpoints>) -> Session {
        Session {
            inner: Arc::new(Inner {
                oauth,
                state: RwLock::default(),
                flight: Mutex::default(),
                attempts: AtomicU64::new(0),
            }),
        }
    }

    fn read<T>(&self, f: impl FnOnce(&State) -> T) -> T {
        match self.inner.state.read() {
            Ok(state) => f(&state),
            Err(poisoned) => f(&poisoned.into_inner()),
        }
    }

    fn write<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        match self.inner.state.write() {
            Ok(mut state) => f(&mut state),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// The access token, its generation, and whether it can be refreshed; an error when the
    /// session ended.
    fn current(&self) -> Result<Current, Error> {
        self.read(|s| match &s.ended {
            Some(cause) => Err(Error::SessionExpired {
                cause: cause.clone(),
            }),
            None => Ok(Current {
                token: s.tokens.as_ref().map(|t| t.access_token.clone()),
                generation: s.generation,
                refreshable: self.inner.oauth.is_some()
                    && s.tokens.as_ref().is_some_and(|t| t.refresh_token.is_some()),
            }),
        })
    }

    fn expires_soon(&self) -> bool {
        self.read(|s| {
            s.expires
                .is_some_and(|at| at <= Instant::now() + EXPIRY_MARGIN)
        })
    }

    pub(crate) fn tokens(&self) -> Option<Tokens> {
        self.read(|s| s.tokens.clone())
    }

    pub(crate) fn oauth_client(&self) -> Option<OAuthClient> {
        self.read(|s| s.client.clone())
    }

    pub(crate) fn set_oauth_client(&self, client: OAuthClient) {
        self.write(|s| s.client = Some(client));
    }

    /// Uses these tokens from now on (`None`: none); a session that ended starts again.
    pub(crate) fn store(&self, tokens: Option<Tokens>) {
        self.write(|s| {
            s.expires = tokens.as_ref().and_then(|t| {
                let left = t
                    .expires_at?
                    .duration_since(SystemTime::now())
                    .unwrap_or_default();
                Some(Instant::now() + left)
            });
            s.tokens = tokens;
            s.ended = None;
            s.generation += 1;
        });
    }

    /// Sends a call with the session's access token (refreshing it first if it expired, and
    /// once more if the server says it did), and returns the response, whatever its status.
    pub(crate) async fn send(&self, http: &Http, call: &Call) -> Result<Response, Error> {
        call.check()?;
        let mut current = self.current()?;
        if current.token.is_some() && current.refreshable && self.expires_soon() {
            self.refresh(http, current.generation).await?;
            current = self.current()?;
        }
        let mut response = http.send(call, current.token.as_ref()).await?;
        if response.status() != StatusCode::UNAUTHORIZED || !current.refreshable {
            return Ok(response);
        }
        // A 401 may say the token expired: read its body, which stays for the caller if not.
        let code = Problem::parse(response.buffer_error_body().await).and_then(|p| p.code);
        if code.as_deref() != Some("invalid_token") {
            return Ok(response);
        }
        // Refreshes the token sent, or waits for the refresh under way, or finds it done (or
        // the session ended) meanwhile.
        self.refresh(http, current.generation).await?;
        match self.current()?.token {
            Some(token) => http.send(call, Some(&token)).await,
            // Logged out meanwhile.
            None => Ok(response),
        }
    }

    /// Refreshes the tokens of `generation`, once however many requests ask at the same time
    /// (unless they changed since: another request refreshed them).
    async fn refresh(&self, http: &Http, generation: u64) -> Result<(), Error> {
        let outcome = {
            let mut flight = match self.inner.flight.lock() {
                Ok(flight) => flight,
                Err(poisoned) => poisoned.into_inner(),
            };
            match flight.as_ref() {
                Some(current) if current.generation == generation => current.outcome.clone(),
                _ => {
                    if self.read(|s| s.generation) != generation {
                        return Ok(());
                    }
                    let attempt = self.inner.attempts.fetch_add(1, Ordering::Relaxed);
                    let outcome = self
                        .clone()
                        .refresh_once(http.clone(), attempt)
                        .boxed()
                        .shared();
                    *flight = Some(Flight {
                        generation,
                        attempt,
                        outcome: outcome.clone(),
                    });
                    outcome
                }
            }
        };
        outcome.await.map_err(Failure::into_error)
    }

    /// One refresh, under its deadline. A refused refresh token ends the session; after any
    /// other failure, the next request may try again.
    async fn refresh_once(self, http: Http, attempt: u64) -> Result<(), Failure> {
        let refresh_token = self.read(|s| s.tokens.as_ref().and_then(|t| t.refresh_token.clone()));
        let Some(refresh_token) = refresh_token else {
            return Err(Failure::Failed(Arc::new(Error::Auth {
                message: "the access token expired and there is no refresh token".to_owned(),
            })));
        };
        let settings = http.settings();
        let deadline = settings.connect_timeout + settings.read_timeout;
        let grant = self.grant(&http, Grant::RefreshToken(&refresh_token));
        let outcome = match tokio::time::timeout(deadline, grant).await {
            Ok(Ok(_)) => return Ok(()),
            Ok(Err(error)) => error,
            Err(_) => Error::Timeout {
                operation: self.endpoints().map_or(&NO_OPERATION, |e| e.token.0),
                waiting_for: "the refreshed tokens",
                after: deadline,
            },
        };
        let refused = matches!(
            outcome.status(),
            Some(status) if (400..500).contains(&status) && status != 408 && status != 429
        );
        let cause = Arc::new(outcome);
        if refused {
            self.write(|s| {
                s.tokens = None;
                s.expires = None;
                s.ended = Some(cause.clone());
                s.generation += 1;
            });
            return Err(Failure::Refused(cause));
        }
        // Let the next request try again (those waiting for this attempt get its error).
        if let Ok(mut flight) = self.inner.flight.lock()
            && flight.as_ref().is_some_and(|f| f.attempt == attempt)
        {
            *flight = None;
        }
        Err(Failure::Failed(cause))
    }

    fn endpoints(&self) -> Result<&'static OAuthEndpoints, Error> {
        self.inner.oauth.ok_or_else(|| Error::Auth {
            message: "the API document declares no OAuth 2.0 password flow".to_owned(),
        })
    }

    /// Asks the token endpoint for tokens, and keeps them.
    pub(crate) async fn grant(&self, http: &Http, grant: Grant<'_>) -> Result<Tokens, Error> {
        let endpoints = self.endpoints()?;
        let (operation, path) = endpoints.token;
        let oauth = match self.oauth_client() {
            Some(oauth) => oauth,
            None => self.fetch_client(http).await?,
        };
        let mut fields: Vec<(&str, &str)> = Vec::with_capacity(6);
        let mut call = http.call(operation, path);
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
                if let Some(otp) = otp {
                    let header = endpoints.otp_header.ok_or_else(|| Error::Auth {
                        message: "the API document has no header for a one-time password"
                            .to_owned(),
                    })?;
                    call.header(header, &Secret::new(*otp));
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
        let response = http.send(&call, None).await?;
        own_server(http, operation, &response)?;
        if !response.status().is_success() {
            return Err(response::error(operation, response).await);
        }
        let status = response.status().as_u16();
        let body = response.bytes().await?;
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
    async fn fetch_client(&self, http: &Http) -> Result<OAuthClient, Error> {
        let (operation, path) = self.endpoints()?.local_client.ok_or_else(|| Error::Auth {
            message: "the API document has no operation that gives an OAuth client: set one with \
                      `Client::set_oauth_client`"
                .to_owned(),
        })?;
        let response = http.send(&http.call(operation, path), None).await?;
        own_server(http, operation, &response)?;
        let oauth: OAuthClient = response::json(operation, response).await?;
        self.set_oauth_client(oauth.clone());
        Ok(oauth)
    }
}

/// Credentials are only ever taken from the configured server (a `reqwest::Client` given to
/// the builder may follow redirects on its own).
fn own_server(
    http: &Http,
    operation: &'static OperationInfo,
    response: &Response,
) -> Result<(), Error> {
    if http.is_own(response.url()) {
        return Ok(());
    }
    Err(Error::Redirect {
        operation,
        status: response.status().as_u16(),
        location: response.url().origin().ascii_serialization(),
        reason: "credentials are only taken from the configured server",
    })
}

/// Names the token operation in errors of a document without one (never sent).
static NO_OPERATION: OperationInfo = OperationInfo {
    name: "refresh",
    method: "POST",
    path: "(no token endpoint)",
    responses: &[],
};

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.read(|s| {
            f.debug_struct("Session")
                .field("tokens", &s.tokens)
                .field("oauth_client", &s.client)
                .field("ended", &s.ended.is_some())
                .finish()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(expires_in: Option<u64>) -> Tokens {
        Tokens {
            access_token: Secret::new("access-secret"),
            refresh_token: Some(Secret::new("refresh-secret")),
            expires_at: expires_in.map(|s| SystemTime::now() + Duration::from_secs(s)),
        }
    }

    #[test]
    fn debug_shows_no_secret() {
        let session = Session::new(None);
        session.store(Some(tokens(None)));
        session.set_oauth_client(OAuthClient {
            client_id: "id".to_owned(),
            client_secret: Secret::new("client-secret"),
        });
        let shown = format!("{session:?}");
        for secret in ["access-secret", "refresh-secret", "client-secret"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[test]
    fn expiry_is_checked_with_a_margin() {
        let session = Session::new(None);
        session.store(Some(tokens(Some(5))));
        assert!(session.expires_soon(), "5 s left is within the margin");
        session.store(Some(tokens(Some(3600))));
        assert!(!session.expires_soon());
    }

    #[test]
    fn saved_sessions_round_trip_and_write_secrets_only_when_asked() {
        let saved = SavedSession {
            server: "https://tube.example/".to_owned(),
            oauth_client: Some(OAuthClient {
                client_id: "id".to_owned(),
                client_secret: Secret::new("client-secret"),
            }),
            tokens: Tokens {
                expires_at: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)),
                ..tokens(None)
            },
        };
        let written = serde_json::to_value(saved.with_secrets()).unwrap();
        assert_eq!(
            written,
            serde_json::json!({
                "server": "https://tube.example/",
                "client_id": "id",
                "client_secret": "client-secret",
                "access_token": "access-secret",
                "refresh_token": "refresh-secret",
                "expires_at": 1_700_000_000u64
            })
        );
        let read: SavedSession = serde_json::from_value(written).unwrap();
        assert_eq!(read, saved);
        let shown = format!("{saved:?}");
        for secret in ["access-secret", "refresh-secret", "client-secret"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}

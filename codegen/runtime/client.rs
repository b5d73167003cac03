//! The client: connection pool, base URL and session, shared by every clone.
//!
//! How a request is made (for the generated operations and any hand-written module):
//! [`Client::call`] starts a [`Call`] (path, query, headers, body), [`Client::send`] sends it
//! with the session's token (refreshing it as needed) under the client's redirect policy and
//! timeouts, and the functions of `response` read the answer under its size limits.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use super::call::Call;
use super::error::{Error, OperationInfo};
use super::http::{Http, Response, Settings};
use super::secret::Secret;
use super::session::{Grant, OAuthClient, OAuthEndpoints, SavedSession, Session, Tokens};

/// What the generated code tells the runtime about its API document: implemented for
/// [`Client`] in `operations.rs`, so that the runtime names nothing generated.
pub(crate) trait ApiDocument {
    /// Where the document's OAuth 2.0 password flow lives, if it has one.
    fn oauth_endpoints() -> Option<&'static OAuthEndpoints>;

    /// The JSON names of the fields that hold credentials: errors mask their values in the
    /// bodies they quote.
    fn secret_fields() -> &'static [&'static str];
}

/// A client of one PeerTube server.
///
/// Cheap to clone: clones share the connection pool and the session (the access token), so
/// one login serves every clone, across tasks and threads.
///
/// ```no_run
/// # async fn run() -> Result<(), peertube_client::Error> {
/// let client = peertube_client::Client::new("https://peertube.example.com")?;
/// let videos = client.list_videos().count(5).await?;
/// # Ok(())
/// # }
/// ```
///
/// # Timeouts
///
/// No request waits forever, and none is cut while it makes progress:
///
/// - connecting (DNS, TCP and TLS) may take [`ClientBuilder::DEFAULT_CONNECT_TIMEOUT`]
///   (10 s): a reachable server completes a handshake in well under a second, and 10 s
///   leaves room for a retransmitted SYN on a bad network;
/// - then the server must send something at least every
///   [`ClientBuilder::DEFAULT_READ_TIMEOUT`] (120 s): the response's head once the request's
///   body is sent, then each piece of the body. The timer restarts whenever a piece of an
///   upload goes out or a piece of a download comes in, so a long upload or download is
///   never cut while data flows. PeerTube gives its own outgoing requests at most 60 s (a
///   remote video file; 7 s for most), so a handler that waits on the network answers well
///   within 120 s; a server silent for two minutes is stuck;
/// - there is no total timeout by default ([`ClientBuilder::timeout`] sets one, for calls
///   that must end by a deadline: it also cuts downloads and uploads);
/// - refreshing the session's token has a deadline of both timeouts added (130 s).
///
/// # Redirects
///
/// The client follows up to 10 redirects (`301`, `302`, `303`, `307`, `308`), itself rather
/// than through reqwest, so that credentials never reach another origin (scheme, host and
/// port) than the configured server's:
///
/// - within the server's origin, redirects are followed as HTTP says (`307` and `308` keep
///   the method and body; `303`, and `301`/`302` after a `POST`, become a `GET`);
/// - to another origin, a request with a body or with credentials of its own (a one-time
///   password, a video password, a token in its query) is not followed: it fails with
///   [`Error::Redirect`], which names the `Location`. Any other request is followed without
///   the session's access token and without its headers: that is how a server with object
///   storage serves public video files;
/// - tokens and OAuth client credentials are only ever taken from the configured server.
///
/// # Limits
///
/// A JSON or text body is read whole up to [`ClientBuilder::DEFAULT_MAX_BODY_SIZE`] (32 MiB),
/// an error body up to [`ClientBuilder::DEFAULT_MAX_ERROR_BODY_SIZE`] (64 KiB): a longer
/// body is [`Error::BodyTooLarge`] (an error body is cut), and the rest is not read. A
/// [`Download`](crate::Download) has no limit.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
}

struct Shared {
    http: Http,
    session: Session,
}

impl Client {
    /// A client for the server at `base_url` (`https://peertube.example.com`; a path prefix
    /// such as `https://example.com/peertube` is kept), with default settings.
    pub fn new(base_url: &str) -> Result<Client, Error> {
        Client::builder(base_url).build()
    }

    /// A builder for a client with other timeouts, limits, a user agent or an existing
    /// `reqwest::Client`.
    pub fn builder(base_url: &str) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.to_owned(),
            connect_timeout: ClientBuilder::DEFAULT_CONNECT_TIMEOUT,
            read_timeout: ClientBuilder::DEFAULT_READ_TIMEOUT,
            timeout: None,
            max_body_size: ClientBuilder::DEFAULT_MAX_BODY_SIZE,
            max_error_body_size: ClientBuilder::DEFAULT_MAX_ERROR_BODY_SIZE,
            user_agent: None,
            http: None,
        }
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &reqwest::Url {
        self.shared.http.base_url()
    }

    /// Starts a call of `operation`, at the path made of `segments` (one per segment of the
    /// operation's path template, parameters written in).
    pub(crate) fn call(&self, operation: &'static OperationInfo, segments: &[&str]) -> Call {
        self.shared.http.call(operation, segments)
    }

    /// Sends a call with the session's access token (refreshed as needed), under the client's
    /// redirect policy and timeouts, and returns the response, whatever its status.
    pub(crate) async fn send(&self, call: Call) -> Result<Response, Error> {
        self.shared.session.send(&self.shared.http, &call).await
    }

    /// Logs in with a username and password: gets the server's OAuth client (once), then
    /// tokens for the user. Later requests carry the access token and refresh it as needed.
    ///
    /// A user with two-factor authentication gets an error with the code
    /// `missing_two_factor` ([`Error::code`](crate::Error::code)): use
    /// [`Client::login_with_otp`].
    pub async fn login(&self, username: &str, password: &str) -> Result<Tokens, Error> {
        let grant = Grant::Password {
            username,
            password,
            otp: None,
        };
        self.shared.session.grant(&self.shared.http, grant).await
    }

    /// Logs in a user with two-factor authentication, with the one-time password of their
    /// authenticator. A password with a control character (the line break of a line read
    /// from a terminal: trim it) is [`Error::InvalidArgument`], and nothing is sent.
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
        self.shared.session.grant(&self.shared.http, grant).await
    }

    /// Starts a session from a refresh token kept from an earlier one ([`Tokens::refresh_token`]).
    pub async fn login_with_refresh_token(
        &self,
        refresh_token: impl Into<Secret>,
    ) -> Result<Tokens, Error> {
        let refresh_token = refresh_token.into();
        let grant = Grant::RefreshToken(&refresh_token);
        self.shared.session.grant(&self.shared.http, grant).await
    }

    /// Uses this OAuth client to log in and refresh, rather than asking the server for its
    /// own.
    pub fn set_oauth_client(&self, client_id: impl Into<String>, client_secret: impl Into<Secret>) {
        self.shared.session.set_oauth_client(OAuthClient {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        });
    }

    /// The OAuth client the session logs in and refreshes with, once known.
    pub fn oauth_client(&self) -> Option<OAuthClient> {
        self.shared.session.oauth_client()
    }

    /// Uses these tokens from now on. With a refresh token, they are refreshed when they
    /// expire (with the server's own OAuth client unless one was set). To resume a session
    /// in another process, prefer [`Client::restore_session`].
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

    /// The session's tokens. They change when they are refreshed.
    pub fn tokens(&self) -> Option<Tokens> {
        self.shared.session.tokens()
    }

    /// The session, to resume it later with [`Client::restore_session`] (`None` without
    /// tokens). Its tokens change when they are refreshed (PeerTube replaces the refresh
    /// token each time): save it again after a refresh and before the process ends.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use peertube_client::{Client, SavedSession};
    ///
    /// let client = Client::new("https://peertube.example.com")?;
    /// match std::fs::read("session.json") {
    ///     Ok(saved) => client.restore_session(serde_json::from_slice::<SavedSession>(&saved)?)?,
    ///     Err(_) => {
    ///         client.login("alice", "password").await?;
    ///     }
    /// }
    /// let me = client.get_my_user().await?;
    /// // Later, and before the process ends: the tokens may have been refreshed.
    /// if let Some(session) = client.session() {
    ///     // Secrets are written only through this explicit call; keep the file private.
    ///     std::fs::write("session.json", serde_json::to_vec(&session.with_secrets())?)?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn session(&self) -> Option<SavedSession> {
        Some(SavedSession {
            server: self.base_url().to_string(),
            oauth_client: self.oauth_client(),
            tokens: self.tokens()?,
        })
    }

    /// Resumes a session saved by [`Client::session`]: its tokens and OAuth client are used
    /// from now on, and refreshed when they expire. A session of another server (another
    /// origin) is refused: its tokens are not sent here.
    pub fn restore_session(&self, saved: SavedSession) -> Result<(), Error> {
        let origin = reqwest::Url::parse(&saved.server).map(|url| url.origin());
        if origin.as_ref().ok() != Some(&self.base_url().origin()) {
            return Err(Error::Auth {
                message: format!(
                    "the session belongs to `{}`, not to this client's server `{}`",
                    origin.map_or_else(|_| "?".to_owned(), |o| o.ascii_serialization()),
                    self.base_url().origin().ascii_serialization()
                ),
            });
        }
        if let Some(client) = saved.oauth_client {
            self.shared.session.set_oauth_client(client);
        }
        self.shared.session.store(Some(saved.tokens));
        Ok(())
    }

    /// Forgets the tokens: requests go out without an access token. (The server forgets them
    /// with [`Client::revoke_oauth_token`](crate::Client).)
    pub fn logout(&self) {
        self.shared.session.store(None);
    }

    /// Whether requests carry an access token.
    pub fn is_authenticated(&self) -> bool {
        self.shared.session.tokens().is_some()
    }
}

/// Sends `call` once with `body` in place of its payload, with the session's access token as
/// it is: an upload's chunk, streamed from its source, which cannot be kept to be sent again
/// (the caller deals with a `401`). See [`Http::send_stream`](super::http::Http::send_stream).
pub(crate) async fn send_stream<S>(client: &Client, call: &Call, body: S) -> Result<Response, Error>
where
    S: futures_core::Stream<Item = std::io::Result<bytes::Bytes>> + Send + 'static,
{
    let token = client.tokens().map(|tokens| tokens.access_token);
    client
        .shared
        .http
        .send_stream(call, token.as_ref(), body)
        .await
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url().as_str())
            .field("session", &self.shared.session)
            .finish()
    }
}

/// Settings for a [`Client`]: see [its documentation](Client#timeouts) for what the defaults
/// are and why.
pub struct ClientBuilder {
    base_url: String,
    connect_timeout: Duration,
    read_timeout: Duration,
    timeout: Option<Duration>,
    max_body_size: u64,
    max_error_body_size: u64,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// How long connecting may take, by default.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    /// How long the server may send nothing, by default.
    pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(120);
    /// How long a JSON or text body may be, by default: three times the longest body
    /// PeerTube sends by design (its log endpoint stops at 10 million characters).
    pub const DEFAULT_MAX_BODY_SIZE: u64 = 32 * 1024 * 1024;
    /// How much of an error body is read, by default (PeerTube's are under 1 KiB; a proxy's
    /// error page a few KiB).
    pub const DEFAULT_MAX_ERROR_BODY_SIZE: u64 = 64 * 1024;

    /// The longest connecting (DNS, TCP, TLS) may take.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The longest the server may send nothing: before the response's head (counted from the
    /// last piece of the request's body sent), and between pieces of its body.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// The longest a whole request may take, body included (default: no limit). It cuts
    /// long uploads and downloads: prefer the read timeout, unless calls must end by a
    /// deadline.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The longest JSON or text body read; a longer one is [`Error::BodyTooLarge`].
    pub fn max_body_size(mut self, bytes: u64) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// How much of an error response's body is read (the rest is left).
    pub fn max_error_body_size(mut self, bytes: u64) -> Self {
        self.max_error_body_size = bytes;
        self
    }

    /// The `User-Agent` header of every request (default: `peertube-client/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Sends requests with an existing `reqwest::Client` (to share its connection pool, or
    /// for a proxy). The read timeout, total timeout, limits and user agent of this builder
    /// still apply; connecting is under the `reqwest::Client`'s own settings. Build it with
    /// `.redirect(reqwest::redirect::Policy::none())`: otherwise it follows redirects itself,
    /// under reqwest's policy instead of this client's.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The client.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = parse_base_url(&self.base_url)?;
        let user_agent = self.user_agent.unwrap_or_else(|| {
            concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned()
        });
        let user_agent = HeaderValue::try_from(user_agent).map_err(|_| Error::Settings {
            message: "the user agent is not valid in an HTTP header".to_owned(),
        })?;
        let http = match self.http {
            Some(http) => http,
            None => {
                // reqwest is built with rustls but without a crypto provider: use ring's
                // (an application that installed another one keeps it).
                let _ = rustls::crypto::ring::default_provider().install_default();
                reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|e| Error::Settings {
                        message: format!("cannot build the HTTP client: {e}"),
                    })?
            }
        };
        let settings = Settings {
            connect_timeout: self.connect_timeout,
            read_timeout: self.read_timeout,
            timeout: self.timeout,
            max_body_size: self.max_body_size,
            max_error_body_size: self.max_error_body_size,
            user_agent,
            secret_fields: <Client as ApiDocument>::secret_fields(),
        };
        Ok(Client {
            shared: Arc::new(Shared {
                http: Http::new(http, base_url, settings),
                session: Session::new(<Client as ApiDocument>::oauth_endpoints()),
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &without_user_info(&self.base_url))
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("timeout", &self.timeout)
            .field("max_body_size", &self.max_body_size)
            .field("max_error_body_size", &self.max_error_body_size)
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

fn parse_base_url(text: &str) -> Result<reqwest::Url, Error> {
    let invalid = |reason: &str| Error::InvalidBaseUrl {
        url: without_user_info(text),
        reason: reason.to_owned(),
    };
    let url = reqwest::Url::parse(text.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.host().is_none() || url.cannot_be_a_base() {
        return Err(invalid("it has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "it must not carry a user name or password: log in with `Client::login`",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or a fragment"));
    }
    Ok(url)
}

/// A base URL as it may be shown: any user info (`user:password@`) replaced by `***@`.
fn without_user_info(text: &str) -> String {
    let Some((scheme, rest)) = text.split_once("://") else {
        return text.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked() {
        assert!(Client::new("https://tube.example/").is_ok());
        assert!(Client::new("https://tube.example/peertube").is_ok());
        for bad in [
            "tube.example",
            "ftp://tube.example",
            "https://tube.example/?a=1",
            "mailto:x@y",
            "https://bob:hunter2@tube.example/",
            "https://bob@tube.example/",
        ] {
            let err = Client::new(bad).unwrap_err();
            assert!(matches!(err, Error::InvalidBaseUrl { .. }), "{bad}: {err}");
            assert!(!format!("{err} {err:?}").contains("hunter2"), "{err:?}");
        }
    }

    #[test]
    fn user_info_is_never_shown() {
        assert_eq!(
            without_user_info("https://bob:pw@tube.example/x@y"),
            "https://***@tube.example/x@y"
        );
        assert_eq!(
            without_user_info("https://tube.example/a@b"),
            "https://tube.example/a@b"
        );
        let builder = Client::builder("https://bob:hunter2@tube.example");
        assert!(!format!("{builder:?}").contains("hunter2"));
    }

    #[test]
    fn defaults_never_wait_forever() {
        let builder = Client::builder("https://tube.example");
        assert_eq!(builder.connect_timeout, Duration::from_secs(10));
        assert_eq!(builder.read_timeout, Duration::from_secs(120));
        assert_eq!(
            builder.timeout, None,
            "no total timeout: it would cut downloads"
        );
        assert_eq!(builder.max_body_size, 32 * 1024 * 1024);
        assert_eq!(builder.max_error_body_size, 64 * 1024);
        let client = builder.build().unwrap();
        let settings = client.shared.http.settings();
        assert_eq!(settings.read_timeout, ClientBuilder::DEFAULT_READ_TIMEOUT);
        assert_eq!(
            settings.connect_timeout,
            ClientBuilder::DEFAULT_CONNECT_TIMEOUT
        );
        assert_eq!(
            settings.user_agent,
            concat!("peertube-client/", env!("CARGO_PKG_VERSION"))
        );
    }

    #[test]
    fn debug_shows_no_secret() {
        let client = Client::new("https://tube.example").unwrap();
        client.set_access_token("secret-access-token");
        let shown = format!("{client:?}");
        assert!(!shown.contains("secret-access-token"), "{shown}");
        assert!(shown.contains("tube.example"), "{shown}");
    }

    #[test]
    fn sessions_are_restored_only_into_a_client_of_their_server() {
        let client = Client::new("https://tube.example/").unwrap();
        client.set_tokens(Tokens {
            access_token: Secret::new("a"),
            refresh_token: Some(Secret::new("r")),
            expires_at: None,
        });
        let saved = client.session().unwrap();
        let same = Client::new("https://tube.example").unwrap();
        same.restore_session(saved.clone()).unwrap();
        assert_eq!(same.tokens(), client.tokens());
        let other = Client::new("https://other.example").unwrap();
        let error = other.restore_session(saved).unwrap_err();
        assert!(error.to_string().contains("tube.example"), "{error}");
        assert!(!other.is_authenticated());
    }
}

//! The client: connection pool, base URL and session, shared by every clone.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};

use super::call::{Call, Payload};
use super::error::{Error, OperationInfo};
use super::multipart::PartValue;
use super::session::Session;

/// A client of one PeerTube server.
///
/// Cheap to clone: clones share the connection pool and the session (the access token), so
/// one login serves every clone, across tasks and threads.
///
/// ```no_run
/// # async fn run() -> Result<(), peertube_client::Error> {
/// let client = peertube_client::Client::new("https://peertube.example.com")?;
/// let videos = client.get_videos().count(5).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) shared: Arc<Shared>,
}

pub(crate) struct Shared {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: reqwest::Url,
    pub(crate) session: Session,
}

impl Client {
    /// A client for the server at `base_url` (`https://peertube.example.com`; a path prefix
    /// such as `https://example.com/peertube` is kept), with default settings.
    pub fn new(base_url: &str) -> Result<Client, Error> {
        Client::builder(base_url).build()
    }

    /// A builder for a client with timeouts, a user agent or an existing `reqwest::Client`.
    pub fn builder(base_url: &str) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.to_owned(),
            timeout: None,
            connect_timeout: None,
            user_agent: None,
            http: None,
        }
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &reqwest::Url {
        &self.shared.base_url
    }

    pub(crate) fn call(&self, operation: &'static OperationInfo, segments: &[&str]) -> Call {
        Call::new(operation, &self.shared.base_url, segments)
    }

    /// Sends a call (with the session's access token, if any) and returns the response,
    /// whatever its status.
    pub(crate) async fn send(&self, call: Call) -> Result<reqwest::Response, Error> {
        if let Some(message) = &call.error {
            return Err(Error::Request {
                operation: call.operation,
                message: message.clone(),
            });
        }
        self.shared.session.send(self, call).await
    }

    /// Sends a call once, with `token` as its bearer token.
    pub(crate) async fn execute(
        &self,
        call: &Call,
        token: Option<&str>,
    ) -> Result<reqwest::Response, Error> {
        let request = self.build(call, token).await?;
        self.shared
            .http
            .execute(request)
            .await
            .map_err(|source| Error::Transport {
                operation: call.operation,
                source,
            })
    }

    async fn build(&self, call: &Call, token: Option<&str>) -> Result<reqwest::Request, Error> {
        let request_error = |message: String| Error::Request {
            operation: call.operation,
            message,
        };
        let mut builder = self
            .shared
            .http
            .request(call.method.clone(), call.url.clone())
            .headers(call.headers.clone());
        if !call.headers.contains_key(ACCEPT) {
            builder = builder.header(ACCEPT, HeaderValue::from_static("application/json"));
        }
        if let Some(token) = token {
            builder = builder.bearer_auth(token);
        }
        builder = match &call.payload {
            Payload::Empty => builder,
            Payload::Json(bytes) => builder
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(bytes.clone()),
            Payload::Form(text) => builder
                .header(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/x-www-form-urlencoded"),
                )
                .body(text.clone()),
            Payload::Binary(bytes) => builder
                .header(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/octet-stream"),
                )
                .body(bytes.clone()),
            Payload::Multipart(parts) => {
                let mut form = reqwest::multipart::Form::new();
                for (name, value) in parts {
                    form = match value {
                        PartValue::Text(text) => form.text(name.clone(), text.clone()),
                        PartValue::File(file) => {
                            let part = file.to_part().await.map_err(|e| {
                                request_error(format!("file for part `{name}` ({file:?}): {e}"))
                            })?;
                            form.part(name.clone(), part)
                        }
                    };
                }
                builder.multipart(form)
            }
        };
        builder.build().map_err(|e| request_error(e.to_string()))
    }
}

/// Sends `call` once with `body` in place of its payload and `token` as its bearer token: an
/// upload's chunk, streamed from disk, which cannot be kept to be sent again (the caller deals
/// with a `401`).
pub(crate) async fn execute_streamed(
    client: &Client,
    call: &Call,
    token: Option<&str>,
    body: reqwest::Body,
) -> Result<reqwest::Response, Error> {
    let mut request = client.build(call, token).await?;
    *request.body_mut() = Some(body);
    client
        .shared
        .http
        .execute(request)
        .await
        .map_err(|source| Error::Transport {
            operation: call.operation,
            source,
        })
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.shared.base_url.as_str())
            .field("session", &self.shared.session)
            .finish()
    }
}

/// Settings for a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: String,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// The longest a whole request may take (default: no limit, as uploads can be long).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The longest connecting may take (default: 30 seconds).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header (default: `peertube-client/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Uses an existing `reqwest::Client` (its own settings apply; the timeouts and user
    /// agent of this builder are then ignored).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    pub fn build(self) -> Result<Client, Error> {
        let base_url = parse_base_url(&self.base_url)?;
        let http = match self.http {
            Some(http) => http,
            None => {
                // reqwest is built with rustls but without a crypto provider: use ring's
                // (an application that installed another one keeps it).
                let _ = rustls::crypto::ring::default_provider().install_default();
                let mut builder = reqwest::Client::builder()
                    .user_agent(self.user_agent.unwrap_or_else(|| {
                        concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned()
                    }))
                    .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(30)));
                if let Some(timeout) = self.timeout {
                    builder = builder.timeout(timeout);
                }
                builder.build().map_err(|e| Error::InvalidBaseUrl {
                    url: self.base_url.clone(),
                    reason: format!("cannot build the HTTP client: {e}"),
                })?
            }
        };
        Ok(Client {
            shared: Arc::new(Shared {
                http,
                base_url,
                session: Session::default(),
            }),
        })
    }
}

fn parse_base_url(text: &str) -> Result<reqwest::Url, Error> {
    let invalid = |reason: &str| Error::InvalidBaseUrl {
        url: text.to_owned(),
        reason: reason.to_owned(),
    };
    let url = reqwest::Url::parse(text.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.host().is_none() || url.cannot_be_a_base() {
        return Err(invalid("it has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or a fragment"));
    }
    Ok(url)
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
        ] {
            let err = Client::new(bad).unwrap_err();
            assert!(matches!(err, Error::InvalidBaseUrl { .. }), "{bad}: {err}");
        }
    }

    #[test]
    fn debug_shows_no_secret() {
        let client = Client::new("https://tube.example").unwrap();
        client.set_access_token("secret-access-token");
        let shown = format!("{client:?}");
        assert!(!shown.contains("secret-access-token"), "{shown}");
        assert!(shown.contains("tube.example"), "{shown}");
    }
}

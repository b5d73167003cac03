//! The session: the access token requests carry.

use std::fmt;
use std::sync::RwLock;

use super::call::Call;
use super::client::Client;
use super::error::Error;
use super::secret::Secret;

#[derive(Default)]
pub(crate) struct Session {
    access_token: RwLock<Option<Secret>>,
}

impl Session {
    fn access_token(&self) -> Option<Secret> {
        self.access_token.read().ok()?.clone()
    }

    pub(crate) async fn send(
        &self,
        client: &Client,
        call: Call,
    ) -> Result<reqwest::Response, Error> {
        let token = self.access_token();
        client
            .execute(&call, token.as_ref().map(Secret::expose))
            .await
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("authenticated", &self.access_token().is_some())
            .finish()
    }
}

impl Client {
    /// Sends `token` as `Authorization: Bearer <token>` on every request from now on.
    pub fn set_access_token(&self, token: impl Into<String>) {
        if let Ok(mut slot) = self.shared.session.access_token.write() {
            *slot = Some(Secret::new(token.into()));
        }
    }

    /// Stops sending an access token.
    pub fn clear_access_token(&self) {
        if let Ok(mut slot) = self.shared.session.access_token.write() {
            *slot = None;
        }
    }

    /// Whether requests carry an access token.
    pub fn is_authenticated(&self) -> bool {
        self.shared.session.access_token().is_some()
    }
}

//! [`Pending`]: a request on its way, and the type its answer will be read into.
//!
//! Sending and receiving are the same for every operation, so they are one future that is not
//! generic, compiled once; what differs per operation is a plain function that reads the
//! received body. (A method written as an `async fn` would make the compiler build a state
//! machine for each of the crate's methods.)

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::future::BoxFuture;

use super::call::Call;
use super::client::Client;
use super::error::Error;
use super::json::FromJson;
use super::response::{self, Received};

/// A request on its way: `.await` it for the answer, a `Result<T, Error>`.
///
/// Nothing is sent before it is first polled. It is `Send`, `Unpin` and `'static`: spawn it,
/// put it in a `select!` or a `join!` as it is.
#[must_use = "a request is sent when it is awaited"]
pub struct Pending<T> {
    received: BoxFuture<'static, Result<Received, Error>>,
    read: fn(Received) -> Result<T, Error>,
}

/// What a call's successful response should hold.
#[derive(Clone, Copy)]
enum Expect {
    Json,
    Text,
    Nothing,
}

impl<T> Pending<T> {
    fn new(
        client: &Client,
        call: Call,
        expect: Expect,
        read: fn(Received) -> Result<T, Error>,
    ) -> Self {
        Pending {
            received: Box::pin(receive(client.clone(), call, expect)),
            read,
        }
    }

    /// A request already answered with `received`.
    #[cfg(test)]
    pub(crate) fn ready(
        received: Result<Received, Error>,
        read: fn(Received) -> Result<T, Error>,
    ) -> Self {
        Pending {
            received: Box::pin(std::future::ready(received)),
            read,
        }
    }

    /// Polls for the response's body, before it is read into a `T` (see [`Pending::read`]).
    pub(crate) fn poll_received(&mut self, cx: &mut Context<'_>) -> Poll<Result<Received, Error>> {
        self.received.as_mut().poll(cx)
    }

    /// A received body as a `T`.
    pub(crate) fn read(&self, received: Received) -> Result<T, Error> {
        (self.read)(received)
    }
}

impl<T: FromJson> Pending<T> {
    /// The call's JSON answer, as a `T`.
    pub(crate) fn json(client: &Client, call: Call) -> Self {
        Self::new(client, call, Expect::Json, Received::decode::<T>)
    }
}

impl Pending<()> {
    /// The call's success, whatever its body.
    pub(crate) fn empty(client: &Client, call: Call) -> Self {
        Self::new(client, call, Expect::Nothing, |_| Ok(()))
    }
}

impl Pending<String> {
    /// The call's text answer.
    pub(crate) fn text(client: &Client, call: Call) -> Self {
        Self::new(client, call, Expect::Text, |received| {
            Ok(String::from_utf8_lossy(&received.bytes).into_owned())
        })
    }
}

/// Sends the call and reads a successful response's body (or the error it carries).
async fn receive(client: Client, call: Call, expect: Expect) -> Result<Received, Error> {
    let operation = call.operation;
    let response = client.send(call).await?;
    match expect {
        Expect::Json => response::json_body(operation, response).await,
        Expect::Text => {
            let status = response.status().as_u16();
            let text = response::text(operation, response).await?;
            Ok(Received {
                operation,
                status,
                bytes: text.into(),
                secret_fields: &[],
            })
        }
        Expect::Nothing => {
            let status = response.status().as_u16();
            response::empty(operation, response).await?;
            Ok(Received {
                operation,
                status,
                bytes: bytes::Bytes::new(),
                secret_fields: &[],
            })
        }
    }
}

impl<T> Future for Pending<T> {
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        match this.poll_received(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(received)) => Poll::Ready(this.read(received)),
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
        }
    }
}

impl<T> fmt::Debug for Pending<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pending").finish_non_exhaustive()
    }
}

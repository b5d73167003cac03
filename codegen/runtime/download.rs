//! Binary responses (files, downloads), read whole or as a stream.

use std::fmt;

use bytes::Bytes;
use futures_util::StreamExt;

use super::error::{Error, OperationInfo};
use super::http::Response;

/// A binary response body, not yet read.
///
/// Reading is under the client's read timeout (the server must keep sending), never under a
/// total one: a long download is not cut as long as it makes progress. Prefer
/// [`Download::stream`] for large files: [`Download::bytes`] holds the whole file in memory.
pub struct Download {
    operation: &'static OperationInfo,
    response: Response,
}

impl Download {
    pub(crate) fn new(operation: &'static OperationInfo, response: Response) -> Download {
        Download {
            operation,
            response,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.response.status().as_u16()
    }

    /// The body's media type, as the server gave it.
    pub fn content_type(&self) -> Option<&str> {
        self.header(reqwest::header::CONTENT_TYPE.as_str())
    }

    /// The body's length, when the server gave it.
    pub fn content_length(&self) -> Option<u64> {
        self.response.content_length()
    }

    /// A response header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.response.headers().get(name)?.to_str().ok()
    }

    /// Reads the whole body into memory (no size limit applies: it is the file asked for): as much memory as the file is large (a 4 GiB video
    /// takes 4 GiB), and nothing to show until the last byte. For a video or any file of
    /// unknown size, use [`Download::stream`] and write each chunk where it goes.
    pub async fn bytes(self) -> Result<Bytes, Error> {
        let mut stream = self.stream();
        let mut body = Vec::new();
        while let Some(chunk) = stream.next().await {
            body.extend_from_slice(&chunk?);
        }
        Ok(Bytes::from(body))
    }

    /// Reads the whole body as text, into memory (see [`Download::bytes`]).
    pub async fn text(self) -> Result<String, Error> {
        let bytes = self.bytes().await?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The body as a stream of chunks, read as they arrive: memory stays that of one chunk,
    /// whatever the file's size.
    pub fn stream(
        self,
    ) -> impl futures_core::Stream<Item = Result<Bytes, Error>> + Send + Unpin + 'static {
        self.response.into_stream()
    }
}

impl fmt::Debug for Download {
    /// The operation, status, media type and length (never the URL: it may carry a token).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("operation", &self.operation.name)
            .field("status", &self.status())
            .field("content_type", &self.content_type())
            .field("content_length", &self.content_length())
            .finish()
    }
}

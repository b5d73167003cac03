//! Binary responses (files, downloads), read whole or as a stream.

use bytes::Bytes;
use futures_util::StreamExt;

use super::error::{Error, OperationInfo};

/// A binary response body, not yet read.
#[derive(Debug)]
pub struct Download {
    operation: &'static OperationInfo,
    response: reqwest::Response,
}

impl Download {
    pub(crate) fn new(operation: &'static OperationInfo, response: reqwest::Response) -> Download {
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
        self.response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)?
            .to_str()
            .ok()
    }

    /// The body's length, when the server gave it.
    pub fn content_length(&self) -> Option<u64> {
        self.response.content_length()
    }

    /// A response header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.response.headers().get(name)?.to_str().ok()
    }

    /// Reads the whole body into memory: as much memory as the file is large (a 4 GiB video
    /// takes 4 GiB), and nothing to show until the last byte. For a video or any file of
    /// unknown size, use [`Download::stream`] and write each chunk where it goes.
    pub async fn bytes(self) -> Result<Bytes, Error> {
        let operation = self.operation;
        self.response
            .bytes()
            .await
            .map_err(|source| Error::Transport { operation, source })
    }

    /// Reads the whole body as text, into memory (see [`Download::bytes`]).
    pub async fn text(self) -> Result<String, Error> {
        let operation = self.operation;
        self.response
            .text()
            .await
            .map_err(|source| Error::Transport { operation, source })
    }

    /// The body as a stream of chunks, read as they arrive: memory stays that of one chunk,
    /// whatever the file's size.
    pub fn stream(self) -> impl futures_core::Stream<Item = Result<Bytes, Error>> + Send + 'static {
        let operation = self.operation;
        self.response
            .bytes_stream()
            .map(move |chunk| chunk.map_err(|source| Error::Transport { operation, source }))
    }
}

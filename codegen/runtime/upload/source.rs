//! What an upload reads: a file on disk, read again from any offset the server asks for, or a
//! reader, read once with the current chunk held in memory.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeekExt};

/// The bytes a chunk's body is cut into: progress moves by at most this much.
const BLOCK: usize = 64 * 1024;

/// The file a resumable upload sends: a path, or an async reader and its length.
///
/// A path is opened when the upload starts and read straight from disk for each chunk, from
/// whatever offset the server asks for: memory stays the same whatever the chunk size. A
/// reader is read once, front to back: the current chunk is held in memory so that it can be
/// sent again from the server's offset after a failure.
pub struct UploadSource {
    input: Input,
    file_name: Option<String>,
    mime: Option<String>,
}

enum Input {
    Path(PathBuf),
    Reader {
        reader: Box<dyn AsyncRead + Send + Unpin>,
        length: u64,
    },
}

impl UploadSource {
    /// A file on disk, named after the path's last component unless
    /// [`UploadSource::file_name`] says otherwise.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        UploadSource {
            input: Input::Path(path),
            file_name,
            mime: None,
        }
    }

    /// `length` bytes read from `reader`. The upload fails if the reader ends sooner.
    pub fn reader(reader: impl AsyncRead + Send + Unpin + 'static, length: u64) -> Self {
        UploadSource {
            input: Input::Reader {
                reader: Box::new(reader),
                length,
            },
            file_name: None,
            mime: None,
        }
    }

    /// Sets the file name (it also gives the media type unless [`UploadSource::mime`] is set).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sets the media type sent as `X-Upload-Content-Type` (`video/mp4`, ...).
    pub fn mime(mut self, mime: impl Into<String>) -> Self {
        self.mime = Some(mime.into());
        self
    }

    /// The file name, if any.
    pub fn name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The media type: the one set, else one guessed from the file name, else
    /// `application/octet-stream`.
    pub fn media_type(&self) -> String {
        crate::runtime::file::media_type(self.mime.as_deref(), self.file_name.as_deref())
    }

    pub(super) fn is_reader(&self) -> bool {
        matches!(self.input, Input::Reader { .. })
    }

    /// Opens the source for reading: a file's length is read now.
    pub(super) async fn open(self) -> io::Result<Opened> {
        match self.input {
            Input::Path(path) => {
                let metadata = tokio::fs::metadata(&path)
                    .await
                    .map_err(|e| io::Error::new(e.kind(), format!("`{}`: {e}", path.display())))?;
                if !metadata.is_file() {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        format!("`{}` is not a file", path.display()),
                    ));
                }
                Ok(Opened::File {
                    length: metadata.len(),
                    path,
                })
            }
            Input::Reader { reader, length } => Ok(Opened::Reader {
                reader,
                length,
                held: Bytes::new(),
                held_start: 0,
            }),
        }
    }
}

impl fmt::Debug for UploadSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("UploadSource");
        match &self.input {
            Input::Path(path) => out.field("path", path),
            Input::Reader { length, .. } => out.field("reader_length", length),
        };
        out.field("file_name", &self.file_name)
            .field("mime", &self.mime)
            .finish()
    }
}

/// A source being read.
pub(super) enum Opened {
    File {
        path: PathBuf,
        length: u64,
    },
    /// `held` is the last chunk read, the bytes `held_start..held_start + held.len()`; the
    /// reader stands at its end.
    Reader {
        reader: Box<dyn AsyncRead + Send + Unpin>,
        length: u64,
        held: Bytes,
        held_start: u64,
    },
}

/// A chunk's body, ready to stream.
pub(super) type ChunkStream = Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send>>;

impl Opened {
    pub(super) fn len(&self) -> u64 {
        match self {
            Opened::File { length, .. } | Opened::Reader { length, .. } => *length,
        }
    }

    /// The bytes `from..to`, as a stream. A file is opened and read from `from`; a reader's
    /// bytes are read into memory (those of the previous chunk from `from` on are kept).
    pub(super) async fn chunk(&mut self, from: u64, to: u64) -> io::Result<ChunkStream> {
        match self {
            Opened::File { path, .. } => {
                let mut file = tokio::fs::File::open(&path)
                    .await
                    .map_err(|e| io::Error::new(e.kind(), format!("`{}`: {e}", path.display())))?;
                file.seek(io::SeekFrom::Start(from)).await?;
                let stream =
                    tokio_util::io::ReaderStream::with_capacity(file.take(to - from), BLOCK);
                Ok(Box::pin(stream))
            }
            Opened::Reader {
                reader,
                held,
                held_start,
                ..
            } => {
                let held_end = *held_start + held.len() as u64;
                if from >= *held_start && to <= held_end {
                    let at = |offset: u64| usize::try_from(offset - *held_start).unwrap_or(0);
                    return Ok(blocks(held.slice(at(from)..at(to))));
                }
                if from < *held_start {
                    return Err(io::Error::new(
                        io::ErrorKind::Unsupported,
                        format!(
                            "the server asks for the bytes from {from} on, but the reader is past them \
                             (it can go back to {held_start}): upload from a path to resume from anywhere"
                        ),
                    ));
                }
                let kept = if from < held_end {
                    held.slice(usize::try_from(from - *held_start).unwrap_or(usize::MAX)..)
                } else {
                    // Forward: what lies between is skipped (a resumed upload the server has
                    // part of), and the previous chunk is let go before the next is read.
                    *held = Bytes::new();
                    let skip = from - held_end;
                    let copied =
                        tokio::io::copy(&mut (&mut **reader).take(skip), &mut tokio::io::sink())
                            .await?;
                    if copied < skip {
                        return Err(short(held_end + copied));
                    }
                    Bytes::new()
                };
                let end = from.max(held_end);
                let wanted = usize::try_from(to - from).map_err(|_| {
                    io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "the chunk does not fit in memory",
                    )
                })?;
                let mut buffer = BytesMut::with_capacity(wanted);
                buffer.extend_from_slice(&kept[..kept.len().min(wanted)]);
                *held = Bytes::new();
                let mut limited = (&mut **reader).take(to.saturating_sub(end));
                while buffer.len() < wanted {
                    if limited.read_buf(&mut buffer).await? == 0 {
                        return Err(short(from + buffer.len() as u64));
                    }
                }
                *held = buffer.freeze();
                *held_start = from;
                Ok(blocks(held.clone()))
            }
        }
    }
}

/// Bytes in memory as a stream of blocks.
fn blocks(bytes: Bytes) -> ChunkStream {
    let blocks: Vec<io::Result<Bytes>> = (0..bytes.len())
        .step_by(BLOCK)
        .map(|at| Ok(bytes.slice(at..(at + BLOCK).min(bytes.len()))))
        .collect();
    Box::pin(futures_util::stream::iter(blocks))
}

fn short(at: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("the source ended after {at} bytes, before the length given"),
    )
}

/// A chunk's body that counts the bytes handed to the connection and notes a failure of the
/// source (which must not be mistaken for one of the network, and is not retried).
pub(super) struct Counted {
    inner: ChunkStream,
    expected: u64,
    yielded: u64,
    pub(super) sent: Arc<AtomicU64>,
    pub(super) failure: Arc<Mutex<Option<io::Error>>>,
}

impl Counted {
    pub(super) fn new(inner: ChunkStream, expected: u64) -> Counted {
        Counted {
            inner,
            expected,
            yielded: 0,
            sent: Arc::new(AtomicU64::new(0)),
            failure: Arc::new(Mutex::new(None)),
        }
    }

    fn fail(&mut self, error: io::Error) -> io::Error {
        let copy = io::Error::new(error.kind(), error.to_string());
        if let Ok(mut slot) = self.failure.lock() {
            slot.get_or_insert(error);
        }
        copy
    }
}

impl Stream for Counted {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        match this.inner.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(bytes))) => {
                this.yielded += bytes.len() as u64;
                this.sent.store(this.yielded, Ordering::Relaxed);
                Poll::Ready(Some(Ok(bytes)))
            }
            Poll::Ready(Some(Err(error))) => Poll::Ready(Some(Err(this.fail(error)))),
            Poll::Ready(None) if this.yielded < this.expected => {
                let error = io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "the file is shorter than when the upload started: a chunk ended after {} of {} bytes",
                        this.yielded, this.expected
                    ),
                );
                Poll::Ready(Some(Err(this.fail(error))))
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    async fn collect(stream: ChunkStream) -> Vec<u8> {
        let parts: Vec<io::Result<Bytes>> = stream.collect().await;
        parts
            .into_iter()
            .flat_map(|p| p.unwrap().to_vec())
            .collect()
    }

    #[tokio::test]
    async fn a_reader_keeps_the_current_chunk_and_goes_forward() {
        let data: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let mut opened = UploadSource::reader(io::Cursor::new(data.clone()), 1000)
            .open()
            .await
            .unwrap();
        assert_eq!(
            collect(opened.chunk(0, 300).await.unwrap()).await,
            data[..300]
        );
        // Again from inside the chunk (the server kept part of it), then on.
        assert_eq!(
            collect(opened.chunk(120, 420).await.unwrap()).await,
            data[120..420]
        );
        // Forward past what was read (a resumed upload): the gap is skipped.
        assert_eq!(
            collect(opened.chunk(700, 1000).await.unwrap()).await,
            data[700..]
        );
        let err = opened.chunk(10, 20).await.err().unwrap();
        assert_eq!(err.kind(), io::ErrorKind::Unsupported, "{err}");
    }

    #[tokio::test]
    async fn a_short_reader_is_an_error() {
        let mut opened = UploadSource::reader(io::Cursor::new(vec![1u8; 10]), 20)
            .open()
            .await
            .unwrap();
        let err = opened.chunk(0, 20).await.err().unwrap();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof, "{err}");
    }

    #[tokio::test]
    async fn a_body_that_ends_early_fails_and_says_so() {
        let inner: ChunkStream = Box::pin(futures_util::stream::iter(vec![Ok(
            Bytes::from_static(b"abc"),
        )]));
        let mut counted = Counted::new(inner, 5);
        assert_eq!(counted.next().await.unwrap().unwrap(), "abc");
        assert!(counted.next().await.unwrap().is_err());
        assert_eq!(counted.sent.load(Ordering::Relaxed), 3);
        assert!(counted.failure.lock().unwrap().is_some());
    }

    #[test]
    fn media_types_come_from_names() {
        assert_eq!(UploadSource::path("/v/a.mp4").media_type(), "video/mp4");
        assert_eq!(
            UploadSource::reader(tokio::io::empty(), 0).media_type(),
            "application/octet-stream"
        );
        assert_eq!(
            UploadSource::reader(tokio::io::empty(), 0)
                .file_name("x.webm")
                .mime("video/x")
                .media_type(),
            "video/x"
        );
    }
}

//! Files sent as parts of `multipart/form-data` requests.

use std::cell::RefCell;
use std::fmt;
use std::path::PathBuf;

use bytes::Bytes;

/// A file for a `format: binary` property: bytes in memory, or a file on disk that is read
/// (streamed, not loaded whole) when the request is sent.
#[derive(Clone, PartialEq, Eq)]
pub struct FilePart {
    source: Source,
    file_name: Option<String>,
    mime: Option<String>,
}

#[derive(Clone, PartialEq, Eq)]
enum Source {
    Bytes(Bytes),
    Path(PathBuf),
}

impl FilePart {
    /// A file held in memory.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        FilePart {
            source: Source::Bytes(bytes.into()),
            file_name: None,
            mime: None,
        }
    }

    /// A file on disk, named after the path's last component unless [`FilePart::file_name`]
    /// says otherwise. It is opened when the request is sent.
    pub fn from_path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        FilePart {
            source: Source::Path(path),
            file_name,
            mime: None,
        }
    }

    /// Sets the file name sent with the part.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sets the part's media type (`video/mp4`, `image/jpeg`, ...). Without one, it is guessed
    /// from the file name's extension.
    pub fn mime(mut self, mime: impl Into<String>) -> Self {
        self.mime = Some(mime.into());
        self
    }

    /// The file name sent with the part, if any.
    pub fn name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The media type sent with the part: the one set, or one guessed from the file name.
    pub fn media_type(&self) -> String {
        media_type(self.mime.as_deref(), self.file_name.as_deref())
    }

    /// The bytes of a file held in memory (`None` for a file on disk).
    pub(crate) fn bytes(&self) -> Option<Bytes> {
        match &self.source {
            Source::Bytes(bytes) => Some(bytes.clone()),
            Source::Path(_) => None,
        }
    }

    /// The content of a file on disk, opened, as a stream read as it is sent, and its length.
    /// A file in memory is one piece.
    pub(crate) async fn open(&self) -> std::io::Result<(FileStream, u64)> {
        match &self.source {
            Source::Bytes(bytes) => {
                let length = bytes.len() as u64;
                let piece = futures_util::stream::iter([Ok(bytes.clone())]);
                Ok((Box::pin(piece), length))
            }
            Source::Path(path) => {
                let file = tokio::fs::File::open(path).await?;
                let length = file.metadata().await?.len();
                Ok((Box::pin(tokio_util::io::ReaderStream::new(file)), length))
            }
        }
    }
}

/// The content of a file, read as it is sent.
pub(crate) type FileStream = std::pin::Pin<
    Box<dyn futures_core::Stream<Item = std::io::Result<Bytes>> + Send + Sync + 'static>,
>;

/// A media type: the one given, else one guessed from the file name's extension, else
/// `application/octet-stream`.
pub(crate) fn media_type(mime: Option<&str>, file_name: Option<&str>) -> String {
    mime.or_else(|| file_name.and_then(|name| mime_guess::from_path(name).first_raw()))
        .unwrap_or("application/octet-stream")
        .to_owned()
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("FilePart");
        match &self.source {
            Source::Bytes(bytes) => out.field("bytes", &bytes.len()),
            Source::Path(path) => out.field("path", path),
        };
        out.field("file_name", &self.file_name)
            .field("mime", &self.mime)
            .finish()
    }
}

const NOT_JSON: &str =
    "a file part cannot be written as JSON: send it in a multipart/form-data request";

thread_local! {
    /// The files set aside while a multipart body is encoded (`None` outside of that).
    static SET_ASIDE: RefCell<Option<Vec<FilePart>>> = const { RefCell::new(None) };
}

const PLACEHOLDER: &str = "\u{0}peertube-client-file-part:";

/// Runs `encode`, setting aside every file it serializes: each stands in the encoded value as
/// a placeholder string that [`set_aside_index`] reads back.
pub(crate) fn setting_aside<T>(encode: impl FnOnce() -> T) -> (T, Vec<FilePart>) {
    SET_ASIDE.with(|files| *files.borrow_mut() = Some(Vec::new()));
    let encoded = encode();
    let files = SET_ASIDE
        .with(|files| files.borrow_mut().take())
        .unwrap_or_default();
    (encoded, files)
}

/// The index of the file set aside that `text` stands for, if it is a placeholder.
pub(crate) fn set_aside_index(text: &str) -> Option<usize> {
    text.strip_prefix(PLACEHOLDER)?.parse().ok()
}

impl serde::Serialize for FilePart {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let placeholder = SET_ASIDE.with(|files| {
            let mut files = files.borrow_mut();
            let files = files.as_mut()?;
            files.push(self.clone());
            Some(format!("{PLACEHOLDER}{}", files.len() - 1))
        });
        match placeholder {
            Some(placeholder) => serializer.serialize_str(&placeholder),
            None => Err(serde::ser::Error::custom(NOT_JSON)),
        }
    }
}

impl<'de> serde::Deserialize<'de> for FilePart {
    fn deserialize<D: serde::Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Err(serde::de::Error::custom(
            "a file part cannot be read from JSON",
        ))
    }
}

impl super::json::FromJson for FilePart {
    fn from_json(p: &mut super::json::Parser<'_>) -> Result<Self, super::json::JsonError> {
        super::json::via_serde(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_size_not_bytes() {
        let part = FilePart::from_bytes(vec![1, 2, 3])
            .file_name("a.mp4")
            .mime("video/mp4");
        assert_eq!(
            format!("{part:?}"),
            r#"FilePart { bytes: 3, file_name: Some("a.mp4"), mime: Some("video/mp4") }"#
        );
        assert_eq!(
            FilePart::from_path("/tmp/x/clip.webm").name(),
            Some("clip.webm")
        );
    }

    #[test]
    fn media_type_is_guessed_from_the_name() {
        assert_eq!(FilePart::from_path("/x/a.jpg").media_type(), "image/jpeg");
        assert_eq!(
            FilePart::from_bytes(vec![]).media_type(),
            "application/octet-stream"
        );
        assert_eq!(
            FilePart::from_bytes(vec![])
                .file_name("a.mp4")
                .mime("video/x")
                .media_type(),
            "video/x"
        );
    }

    #[test]
    fn files_are_set_aside_only_while_asked() {
        let file = FilePart::from_bytes(vec![1]);
        let (encoded, files) = setting_aside(|| serde_json::to_value(&file).unwrap());
        assert_eq!(set_aside_index(encoded.as_str().unwrap()), Some(0));
        assert_eq!(files.len(), 1);
        assert_eq!(files[0], file);
        assert!(serde_json::to_value(&file).is_err());
        assert_eq!(set_aside_index("plain text"), None);
    }

    #[test]
    fn json_is_refused_with_a_reason() {
        let err = serde_json::to_string(&FilePart::from_bytes(b"x".to_vec())).unwrap_err();
        assert!(err.to_string().contains("multipart/form-data"), "{err}");
    }
}

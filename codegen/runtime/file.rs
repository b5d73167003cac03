//! Files sent as parts of `multipart/form-data` requests.

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

    /// The part, ready to send: a file on disk is opened and streamed.
    pub(crate) async fn to_part(&self) -> std::io::Result<reqwest::multipart::Part> {
        let part = match &self.source {
            Source::Bytes(bytes) => reqwest::multipart::Part::stream_with_length(
                reqwest::Body::from(bytes.clone()),
                bytes.len() as u64,
            ),
            Source::Path(path) => {
                let file = tokio::fs::File::open(path).await?;
                let length = file.metadata().await?.len();
                let stream = tokio_util::io::ReaderStream::new(file);
                reqwest::multipart::Part::stream_with_length(
                    reqwest::Body::wrap_stream(stream),
                    length,
                )
            }
        };
        let part = match &self.file_name {
            Some(name) => part.file_name(name.clone()),
            None => part,
        };
        part.mime_str(&self.media_type())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
    }
}

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

impl serde::Serialize for FilePart {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match super::multipart::set_aside(self) {
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
    fn json_is_refused_with_a_reason() {
        let err = serde_json::to_string(&FilePart::from_bytes(b"x".to_vec())).unwrap_err();
        assert!(err.to_string().contains("multipart/form-data"), "{err}");
    }
}

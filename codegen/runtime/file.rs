//! Files sent as parts of `multipart/form-data` requests.

use std::fmt;
use std::path::PathBuf;

/// A file for a `format: binary` property: bytes in memory, or a path read when the request
/// is sent.
#[derive(Clone, PartialEq, Eq)]
pub struct FilePart {
    source: Source,
    file_name: Option<String>,
    mime: Option<String>,
}

#[derive(Clone, PartialEq, Eq)]
enum Source {
    Bytes(Vec<u8>),
    Path(PathBuf),
}

impl FilePart {
    /// A file held in memory.
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Self {
        FilePart {
            source: Source::Bytes(bytes.into()),
            file_name: None,
            mime: None,
        }
    }

    /// A file on disk, named after the path's last component unless [`FilePart::file_name`]
    /// says otherwise.
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

    /// Sets the part's media type (`video/mp4`, `image/jpeg`, ...).
    pub fn mime(mut self, mime: impl Into<String>) -> Self {
        self.mime = Some(mime.into());
        self
    }

    /// The file name sent with the part, if any.
    pub fn name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The media type sent with the part, if set.
    pub fn media_type(&self) -> Option<&str> {
        self.mime.as_deref()
    }
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
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom(NOT_JSON))
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
    fn json_is_refused_with_a_reason() {
        let err = serde_json::to_string(&FilePart::from_bytes(b"x".to_vec())).unwrap_err();
        assert!(err.to_string().contains("multipart/form-data"), "{err}");
    }
}

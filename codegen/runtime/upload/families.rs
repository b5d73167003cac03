//! PeerTube's three resumable uploads as methods of [`Client`]: a video, a video's new source
//! file, a user's archive. Written into a crate only when its document has these routes; their
//! operations are found by route, by role (`uploads::VIDEO_INIT`), whatever their methods are
//! named.

use crate::operation_info::uploads;
use crate::runtime::Boxed;
use crate::runtime::call::ToParam as _;
use crate::runtime::upload::{
    self, Endpoint, Upload, UploadKind, UploadResponse, UploadSession, UploadSource,
};
use crate::{Client, Error, types};

impl UploadResponse for types::VideoUploadResponse {
    const KIND: UploadKind = UploadKind::Video;
}

impl UploadResponse for types::VideoSource {
    const KIND: UploadKind = UploadKind::SourceReplacement;
}

impl UploadResponse for types::UserImportUploadResult {
    const KIND: UploadKind = UploadKind::UserImport;
}

/// The route of `kind` at `path`, with its operations.
fn endpoint(kind: UploadKind, path: Vec<String>) -> Endpoint {
    let (init, chunk, cancel) = match kind {
        UploadKind::Video => (
            &uploads::VIDEO_INIT,
            &uploads::VIDEO_CHUNK,
            &uploads::VIDEO_CANCEL,
        ),
        UploadKind::SourceReplacement => (
            &uploads::SOURCE_INIT,
            &uploads::SOURCE_CHUNK,
            &uploads::SOURCE_CANCEL,
        ),
        UploadKind::UserImport => (
            &uploads::USER_IMPORT_INIT,
            &uploads::USER_IMPORT_CHUNK,
            &uploads::USER_IMPORT_CANCEL,
        ),
    };
    Endpoint {
        kind,
        path,
        init,
        chunk,
        cancel,
    }
}

fn path(segments: &[&str]) -> Vec<String> {
    segments.iter().map(|s| (*s).to_owned()).collect()
}

/// The largest chunk the server takes, from its public configuration (0: none set). Only this
/// number is read, as JSON: a configuration that `ServerConfig` does not take (another
/// release's) must not stop an upload.
fn max_chunk_size(client: Client) -> Boxed<Option<u64>> {
    Box::pin(async move {
        let mut call = client.call(&uploads::CONFIG, &["api", "v1", "config"]);
        call.accept("application/json");
        let response = client.send(call).await?;
        let config: serde_json::Value =
            crate::runtime::response::json(&uploads::CONFIG, response).await?;
        Ok(config
            .pointer("/client/videos/resumableUpload/maxChunkSize")
            .and_then(serde_json::Value::as_u64)
            .filter(|size| *size > 0))
    })
}

impl Client {
    /// Uploads a video with PeerTube's resumable protocol: in chunks, resumed from the
    /// server's offset after a dropped connection, a stall or a `5xx`, in constant memory.
    ///
    /// An empty `metadata.filename` is taken from the source. Configure the upload (chunk
    /// size, retries, progress, cancellation) on the [`Upload`], then await it.
    ///
    /// ```no_run
    /// # async fn run(client: peertube_client::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use peertube_client::types::VideoUploadRequestResumable;
    /// use peertube_client::{UploadEvent, UploadSource};
    ///
    /// let metadata = VideoUploadRequestResumable::new("Holidays", 3, "");
    /// let answer = client
    ///     .upload_video(UploadSource::path("holidays.mp4"), metadata)
    ///     .on_event(|event| {
    ///         if let UploadEvent::Progress { sent, total } = event {
    ///             eprintln!("{sent} / {total}");
    ///         }
    ///     })
    ///     .await?;
    /// println!("{:?}", answer.video.uuid);
    /// # Ok(())
    /// # }
    /// ```
    pub fn upload_video(
        &self,
        source: UploadSource,
        mut metadata: types::VideoUploadRequestResumable,
    ) -> Upload<types::VideoUploadResponse> {
        if metadata.filename.is_empty()
            && let Some(name) = source.name()
        {
            metadata.filename = name.to_owned();
        }
        let endpoint = endpoint(
            UploadKind::Video,
            path(&["api", "v1", "videos", "upload-resumable"]),
        );
        Upload::new(self, endpoint, source, &metadata, Some(max_chunk_size))
    }

    /// Replaces the file of video `id` (**PeerTube >= 6.0**), uploaded as
    /// [`Client::upload_video`] does; the answer is the new source. A missing
    /// `metadata.filename` is taken from the source.
    pub fn replace_video_source(
        &self,
        id: impl Into<types::IdOrUUID>,
        source: UploadSource,
        mut metadata: types::VideoReplaceSourceRequestResumable,
    ) -> Upload<types::VideoSource> {
        if metadata.filename.is_none() {
            metadata.filename = source.name().map(str::to_owned);
        }
        let id = id.into().to_param();
        let endpoint = endpoint(
            UploadKind::SourceReplacement,
            path(&["api", "v1", "videos", &id, "source", "replace-resumable"]),
        );
        Upload::new(self, endpoint, source, &metadata, Some(max_chunk_size))
    }

    /// Imports an archive of user `user_id`'s data (**PeerTube >= 6.1**; a `.zip` made by a
    /// user export), uploaded as [`Client::upload_video`] does. A missing `metadata.filename`
    /// is taken from the source.
    pub fn import_user_archive(
        &self,
        user_id: types::Id,
        source: UploadSource,
        mut metadata: types::UserImportResumable,
    ) -> Upload<types::UserImportUploadResult> {
        if metadata.filename.is_none() {
            metadata.filename = source.name().map(str::to_owned);
        }
        let user_id = user_id.to_param();
        let endpoint = endpoint(
            UploadKind::UserImport,
            path(&[
                "api",
                "v1",
                "users",
                &user_id,
                "imports",
                "import-resumable",
            ]),
        );
        Upload::new(self, endpoint, source, &metadata, Some(max_chunk_size))
    }

    /// Resumes an upload from a session saved earlier (by this process or another): asks the
    /// server what it holds and sends the rest of `source`, which must be the same file.
    /// `R` is the upload's answer type (`types::VideoUploadResponse` for a video); a session of
    /// another kind is refused.
    ///
    /// ```no_run
    /// # async fn run(client: peertube_client::Client, saved: String) -> Result<(), Box<dyn std::error::Error>> {
    /// use peertube_client::types::VideoUploadResponse;
    /// use peertube_client::{UploadSession, UploadSource};
    ///
    /// let session: UploadSession = serde_json::from_str(&saved)?;
    /// let answer: VideoUploadResponse = client
    ///     .resume_upload(session, UploadSource::path("holidays.mp4"))
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn resume_upload<R: UploadResponse>(
        &self,
        session: UploadSession,
        source: UploadSource,
    ) -> Upload<R> {
        let endpoint = endpoint(session.kind(), session.path().to_vec());
        Upload::resume(
            self,
            endpoint,
            session,
            R::KIND,
            source,
            Some(max_chunk_size),
        )
    }

    /// Cancels an upload from its saved session: the server deletes what it received.
    pub async fn cancel_upload(&self, session: &UploadSession) -> Result<(), Error> {
        let endpoint = endpoint(session.kind(), session.path().to_vec());
        upload::delete(self, endpoint.cancel, &endpoint.path, session.upload_id()).await
    }
}

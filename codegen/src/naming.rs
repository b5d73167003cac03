//! Every naming rule of the generator: casing, keyword escaping, names derived from paths and
//! enum values, and collision handling. Nothing else in the generator invents a Rust name.
//!
//! Rules, in short (each has a table test below):
//! - Type names keep the document's own capitalisation and join its words:
//!   `OAuthToken-password` -> `OAuthTokenPassword`, `UUIDv4` -> `UUIDv4`, `id` -> `Id`.
//! - Field, parameter and method names are snake_case: `externalAuthToken` ->
//!   `external_auth_token`, `media:group` -> `media_group`, `getOAuthToken` -> `get_oauth_token`
//!   (compound words such as `OAuth` stay whole). Keywords become raw identifiers (`r#type`);
//!   the few that cannot be raw get a trailing underscore (`self_`). A [`RustName`] carries
//!   the difference, so no one else handles `r#`.
//! - Enum variants come from the wire value: `most-views` -> `MostViews`; a leading `-` (a
//!   descending sort) becomes a `Desc` suffix: `-createdAt` -> `CreatedAtDesc`; `""` -> `Empty`.
//! - Names that would start with a digit get a prefix: `_` for snake_case, `V` for PascalCase.
//! - Operation methods are named in `spec/names.yaml` (verb first, [`VERBS`], no path
//!   fragment, at most [`MAX_METHOD_NAME`] characters: [`method_name_problems`]). An operation
//!   missing there is named after its `operationId`, else `{method}_{path}` (the `/api/v1`
//!   prefix dropped, literal segments snake_cased, a `{param}` segment as `by_{param}`:
//!   `GET /api/v1/users/{id}/token-sessions` -> `get_users_by_id_token_sessions`), a stopgap
//!   the generator warns about. Its types and request builder are named after it
//!   (`rate_video` -> `RateVideo`, `RateVideoBody`).
//! - Within one scope (types, fields of a struct, variants of an enum, methods), a name that is
//!   taken gets a numeric suffix (`Name2`), and the caller reports it; no two items share a name.

use std::collections::BTreeSet;
use std::fmt;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words written with inner capitals that are one word, not two (`OAuth` is not `O` + `Auth`).
pub(crate) const COMPOUND_WORDS: &[(&str, &str)] = &[("OAuth", "Oauth")];

/// Rust keywords (strict, reserved, and edition 2024's `gen`), all of which need escaping.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

fn join_compounds(raw: &str) -> String {
    COMPOUND_WORDS
        .iter()
        .fold(raw.to_owned(), |name, (word, joined)| {
            name.replace(word, joined)
        })
}

/// A Rust identifier as generated code writes it. A keyword is raw (`r#type`), and displays
/// so; [`RustName::as_str`] is the name without `r#`, as serde, documentation and the names
/// derived from it (`TYPE`, `type_stream`, `type2`) spell it.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RustName {
    name: String,
    raw: bool,
}

impl RustName {
    /// `name` as an identifier: a keyword becomes raw (`type` is `r#type`), and the few that
    /// cannot be raw get a trailing underscore (`self` is `self_`).
    pub fn new(name: impl Into<String>) -> Self {
        let name = name.into();
        if NOT_RAW.contains(&name.as_str()) {
            return RustName {
                name: format!("{name}_"),
                raw: false,
            };
        }
        let raw = KEYWORDS.contains(&name.as_str());
        RustName { name, raw }
    }

    /// The name without `r#`.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// Whether the name is written `r#name` (it is a keyword).
    pub fn is_raw(&self) -> bool {
        self.raw
    }

    /// Whether the name is a valid Rust identifier.
    pub fn is_identifier(&self) -> bool {
        is_identifier(&self.name)
    }
}

impl fmt::Display for RustName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.raw {
            f.write_str("r#")?;
        }
        f.write_str(&self.name)
    }
}

impl From<&str> for RustName {
    fn from(name: &str) -> Self {
        RustName::new(name)
    }
}

impl From<String> for RustName {
    fn from(name: String) -> Self {
        RustName::new(name)
    }
}

impl From<&String> for RustName {
    fn from(name: &String) -> Self {
        RustName::new(name.as_str())
    }
}

impl From<&RustName> for RustName {
    fn from(name: &RustName) -> Self {
        name.clone()
    }
}

/// Makes a snake_case or PascalCase name an identifier: ASCII only, a prefix before a leading
/// digit, and `_` after a keyword that cannot be raw. (Other keywords are made raw by
/// [`RustName::new`]; PascalCase and SCREAMING_CASE names never are one.)
fn escape(name: String, digit_prefix: &str) -> String {
    // Identifiers stay ASCII: Rust accepts some other letters, but not every character that
    // casing keeps (`²`), and an ASCII name is one every reader can type.
    let name: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if name.is_empty() {
        return format!("{digit_prefix}empty");
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("{digit_prefix}{name}");
    }
    if NOT_RAW.contains(&name.as_str()) {
        return format!("{name}_");
    }
    name
}

/// A type name from a schema or parameter name, keeping the document's capitalisation.
pub fn type_name(raw: &str) -> String {
    let mut name = String::with_capacity(raw.len());
    for part in raw.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            name.push(first.to_ascii_uppercase());
            name.extend(chars);
        }
    }
    escape(name, "V")
}

/// A snake_case name for a field, parameter, method or module.
pub fn snake_name(raw: &str) -> RustName {
    RustName::new(escape(join_compounds(raw).to_snake_case(), "_"))
}

/// A variant name for an enum value (string enums), or for a label found in documentation.
pub fn variant_name(value: &str) -> String {
    let (core, descending) = match value.strip_prefix('-') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_alphanumeric()) => (rest, true),
        _ => (value, false),
    };
    let cased = join_compounds(core).to_upper_camel_case();
    if cased.is_empty() {
        return if value.is_empty() {
            "Empty".to_owned()
        } else {
            String::new()
        };
    }
    let name = if descending {
        format!("{cased}Desc")
    } else {
        cased
    };
    escape(name, "V")
}

/// A constant name (SCREAMING_SNAKE_CASE) for a flag value's label; empty when the label has
/// nothing to name it by (`"!!"`), as with [`variant_name`].
pub fn const_name(label: &str) -> String {
    let name = heck::ToShoutySnakeCase::to_shouty_snake_case(join_compounds(label).as_str());
    if !name.chars().any(|c| c.is_ascii_alphanumeric()) {
        return String::new();
    }
    escape(name, "V")
}

/// The method name of an operation: its `operationId` in snake_case, or, without one, the name
/// derived from the HTTP method and the path.
pub fn operation_name(method: &str, path: &str, operation_id: Option<&str>) -> RustName {
    if let Some(id) = operation_id.filter(|id| !id.trim().is_empty()) {
        return snake_name(id);
    }
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    let mut words = vec![method.to_ascii_lowercase()];
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let whole_param = segment
            .strip_prefix('{')
            .and_then(|s| s.strip_suffix('}'))
            .filter(|inner| !inner.contains(['{', '}']));
        match whole_param {
            Some(param) => words.push(format!("by_{}", join_compounds(param).to_snake_case())),
            None => words.push(join_compounds(&segment.replace(['{', '}'], " ")).to_snake_case()),
        }
    }
    RustName::new(escape(
        words
            .into_iter()
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("_"),
        "_",
    ))
}

/// The PascalCase stem of an operation, for the names of its inline types and request
/// builder: its `operationId` as the document writes it (`getOAuthToken` -> `GetOAuthToken`),
/// else its method name (`rate_video` -> `RateVideo`), compound words whole again
/// (`get_oauth_client` -> `GetOAuthClient`).
pub(crate) fn operation_type_stem(method_name: &RustName, operation_id: Option<&str>) -> RustName {
    RustName::new(match operation_id.filter(|id| !id.trim().is_empty()) {
        Some(id) => type_name(id),
        None => {
            let camel = method_name.as_str().to_upper_camel_case();
            let whole = COMPOUND_WORDS
                .iter()
                .fold(camel, |name, (word, joined)| name.replace(joined, word));
            type_name(&whole)
        }
    })
}

/// The verbs a method name may start with (see `spec/names.yaml` for when each is used).
pub const VERBS: &[&str] = &[
    "abort",
    "accept",
    "add",
    "approve",
    "block",
    "cancel",
    "check",
    "clear",
    "confirm",
    "contact",
    "create",
    "delete",
    "disable",
    "download",
    "follow",
    "generate",
    "get",
    "give",
    "import",
    "install",
    "invite",
    "list",
    "mark",
    "mirror",
    "pause",
    "rate",
    "register",
    "reject",
    "remove",
    "reorder",
    "replace",
    "reply",
    "report",
    "request",
    "resend",
    "reset",
    "resume",
    "retry",
    "revoke",
    "run",
    "search",
    "send",
    "start",
    "subscribe",
    "trigger",
    "unblock",
    "unfollow",
    "uninstall",
    "unregister",
    "unsubscribe",
    "update",
    "upload",
    "verify",
];

/// The longest method name a person should have to type.
pub const MAX_METHOD_NAME: usize = 40;

/// What is wrong with an operation's method name, by the rules of `spec/names.yaml`: it
/// starts with a verb of [`VERBS`], carries no fragment of a path (`_by_`, `api_v1`,
/// `users_me`) and has at most [`MAX_METHOD_NAME`] characters. Empty when nothing is.
pub fn method_name_problems(name: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let verb = name.split('_').next().unwrap_or_default();
    if !VERBS.contains(&verb) {
        problems.push(format!(
            "`{name}` does not start with a verb of the list (`{verb}`)"
        ));
    }
    let words = format!("_{name}_");
    for fragment in ["_by_", "_id_", "_api_v1_", "_users_me_"] {
        if words.contains(fragment) {
            let fragment = fragment.trim_matches('_');
            problems.push(format!("`{name}` carries the path fragment `{fragment}`"));
        }
    }
    if name.len() > MAX_METHOD_NAME {
        problems.push(format!(
            "`{name}` has {} characters (at most {MAX_METHOD_NAME})",
            name.len()
        ));
    }
    problems
}

/// The `#[doc(alias)]`es that let rustdoc's search find an operation's method by its route:
/// the path (`/api/v1/videos/{id}/rate`, which also finds the other methods on it) and the
/// method with the path (`PUT /api/v1/videos/{id}/rate`). rustdoc matches an alias only to the
/// whole query, and rejects one with a quote or with whitespace other than inner spaces: a
/// path with those gets none.
pub fn route_aliases(method: &str, path: &str) -> Vec<String> {
    let accepted =
        !path.is_empty() && !path.contains(|c: char| c == '"' || c == '\'' || c.is_whitespace());
    if !accepted {
        return Vec::new();
    }
    vec![
        path.to_owned(),
        format!("{} {path}", method.to_ascii_uppercase()),
    ]
}

/// Whether a property or parameter with this name holds a credential, to keep out of `Debug`
/// output and logs: a name whose last word is `password`, `secret`, `otp` or `token`
/// (OAuth 2.0's `access_token`, `refresh_token`, `client_secret`; PeerTube's
/// `currentPassword`, `externalAuthToken`, `x-peertube-otp`, ...), or that ends with a key
/// that grants access (`streamKey`: anyone who has it can broadcast). `passwordId` names an
/// id, `publicKey` nothing secret.
pub fn is_secret_name(name: &str) -> bool {
    let snake = join_compounds(name).to_snake_case();
    let mut words = snake.rsplit('_');
    matches!(
        (words.next(), words.next()),
        (
            Some("password" | "passwords" | "secret" | "otp" | "token"),
            _
        ) | (
            Some("key"),
            Some("stream" | "api" | "private" | "secret" | "access")
        )
    )
}

/// Whether a property or schema holds a credential, by its name ([`is_secret_name`]) or by
/// its description: one that speaks of a one-time password (`The OTP URI`: it carries the
/// OTP secret) or of a stream key, or says the value contains a token, secret, password or
/// credentials (`This URL already contains the JWT token`). Only strings (and lists of
/// strings) become `Secret`s: a flag such as `twoFactorEnabled` stays what it is.
pub fn is_credential(name: &str, description: Option<&str>) -> bool {
    is_secret_name(name) || description.is_some_and(describes_credential)
}

fn describes_credential(description: &str) -> bool {
    let lower = description.to_lowercase();
    lower.split(['.', ';', ':', '\n']).any(|sentence| {
        let words: Vec<&str> = sentence
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let credential = |w: &&str| {
            matches!(
                *w,
                "token" | "tokens" | "secret" | "password" | "credential" | "credentials"
            )
        };
        words.contains(&"otp")
            || words.windows(2).any(|pair| pair == ["stream", "key"])
            || words
                .iter()
                .skip_while(|w| !matches!(**w, "contains" | "contain"))
                .any(credential)
    })
}

/// What an inline type is, for the suffix that tells it apart when its name is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TypeRole {
    Parameter,
    Object,
    Enum,
    Union,
}

/// The name to try when `wanted` is taken by another type: `wanted` with a suffix saying
/// what this type is (`ChangeOwnershipState` is a component; the `state` object of
/// `ChangeOwnership` becomes `ChangeOwnershipStateObject`).
pub(crate) fn alternative_type_name(wanted: &str, role: TypeRole) -> String {
    let suffix = match role {
        TypeRole::Parameter => "Param",
        TypeRole::Object => "Object",
        TypeRole::Enum => "Enum",
        TypeRole::Union => "Choice",
    };
    format!("{wanted}{suffix}")
}

/// The name of the type the client sends for a schema it also reads, when the two differ
/// (`model/split.rs`): the read type keeps the schema's name, the sent one is `…Edit`, and
/// `…Input` if that is taken. PeerTube's own models call a body sent both to create and to
/// update a thing `…Edit` (`LiveVideoScheduleEdit`), and the document already names bodies
/// sent only to update `…Update` (`PlayerVideoSettingsUpdate`), which "Edit" cannot meet.
pub(crate) fn sent_type_names(read: &str) -> (String, String) {
    (format!("{read}Edit"), format!("{read}Input"))
}

/// The methods the runtime defines on `Client`, and `clone`: no operation's method may take
/// these names. A test below keeps the list in step with `codegen/runtime/`.
pub(crate) const CLIENT_METHODS: &[&str] = &[
    "base_url",
    "build",
    "builder",
    "call",
    "cancel_upload",
    "clone",
    "execute",
    "import_user_archive",
    "is_authenticated",
    "login",
    "login_with_otp",
    "login_with_refresh_token",
    "logout",
    "new",
    "oauth_client",
    "replace_video_source",
    "restore_session",
    "resume_upload",
    "send",
    "session",
    "set_access_token",
    "set_oauth_client",
    "set_tokens",
    "tokens",
    "upload_video",
];

/// Names in one scope. Claiming a taken name returns it with the smallest free numeric suffix.
#[derive(Debug, Default, Clone)]
pub(crate) struct Scope {
    taken: BTreeSet<String>,
}

/// The result of claiming a name in a [`Scope`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Claimed {
    pub name: RustName,
    /// The name wanted, when it was taken and `name` had to differ.
    pub collided_with: Option<RustName>,
}

impl Scope {
    pub fn new() -> Self {
        Scope::default()
    }

    /// Whether `name` is taken (raw or not: `r#type` and `type` are one name).
    pub fn is_taken(&self, name: &RustName) -> bool {
        self.taken.contains(name.as_str())
    }

    /// Reserves a name that must not be claimed (a name the surrounding code uses).
    pub fn reserve(&mut self, name: impl Into<RustName>) {
        self.taken.insert(name.into().as_str().to_owned());
    }

    /// Claims `wanted`, else `alternative`, else `wanted` with a numeric suffix.
    pub fn claim_or(
        &mut self,
        wanted: impl Into<RustName>,
        alternative: impl Into<RustName>,
    ) -> Claimed {
        let (wanted, alternative) = (wanted.into(), alternative.into());
        if !self.is_taken(&wanted) || self.is_taken(&alternative) {
            return self.claim(wanted);
        }
        self.taken.insert(alternative.as_str().to_owned());
        Claimed {
            name: alternative,
            collided_with: Some(wanted),
        }
    }

    /// Claims `wanted`, else `wanted` with a numeric suffix. An empty `wanted` (a value with
    /// nothing to name it by, such as `"!"`) claims `Unnamed`: callers should pass a better
    /// fallback, but the result is always an identifier.
    pub fn claim(&mut self, wanted: impl Into<RustName>) -> Claimed {
        let wanted = wanted.into();
        let wanted = if wanted.as_str().is_empty() {
            RustName::new("Unnamed")
        } else {
            wanted
        };
        if self.taken.insert(wanted.as_str().to_owned()) {
            return Claimed {
                name: wanted,
                collided_with: None,
            };
        }
        // `r#type` + suffix is `type2`, which needs no escaping.
        let stem = wanted.as_str();
        let separator = if stem.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        let mut n = 2;
        loop {
            let candidate = format!("{stem}{separator}{n}");
            if self.taken.insert(candidate.clone()) {
                return Claimed {
                    name: RustName::new(candidate),
                    collided_with: Some(wanted),
                };
            }
            n += 1;
        }
    }
}

/// Whether `name` (as produced above, without `r#`) is a valid Rust identifier.
pub(crate) fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
        && name != "_"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names() {
        let table = [
            ("VideoDetails", "VideoDetails"),
            ("OAuthToken-password", "OAuthTokenPassword"),
            ("OAuthToken-refresh_token", "OAuthTokenRefreshToken"),
            ("VideoStreamingPlaylists-HLS", "VideoStreamingPlaylistsHLS"),
            ("UUIDv4", "UUIDv4"),
            ("id", "Id"),
            ("shortUUID", "ShortUUID"),
            ("NSFWFlag", "NSFWFlag"),
            ("media:group", "MediaGroup"),
            ("144p", "V144p"),
            ("Self", "Self_"),
            ("", "Vempty"),
        ];
        for (raw, expected) in table {
            assert_eq!(type_name(raw), expected, "type_name({raw:?})");
        }
    }

    #[test]
    fn snake_names() {
        let table = [
            ("externalAuthToken", "external_auth_token"),
            ("refresh_token", "refresh_token"),
            ("hasHLSFiles", "has_hls_files"),
            ("media:group", "media_group"),
            ("dc:creator", "dc_creator"),
            ("getOAuthToken", "get_oauth_token"),
            ("type", "r#type"),
            ("self", "self_"),
            ("gen", "r#gen"),
            ("144p", "_144p"),
            ("x-peertube-otp", "x_peertube_otp"),
            ("videoIdOrUUID", "video_id_or_uuid"),
            ("a²b", "ab"),
            ("名前", "_empty"),
            ("_", "_empty"),
        ];
        for (raw, expected) in table {
            let name = snake_name(raw);
            assert_eq!(name.to_string(), expected, "snake_name({raw:?})");
            assert!(name.is_identifier(), "{expected} is an identifier");
        }
    }

    #[test]
    fn rust_names_know_when_they_are_raw() {
        let table = [
            ("type", "r#type", "type", true),
            ("gen", "r#gen", "gen", true),
            ("self", "self_", "self_", false),
            ("Self", "Self_", "Self_", false),
            ("video_id", "video_id", "video_id", false),
        ];
        for (name, written, bare, raw) in table {
            let name = RustName::new(name);
            assert_eq!(
                (name.to_string().as_str(), name.as_str(), name.is_raw()),
                (written, bare, raw)
            );
        }
    }

    #[test]
    fn variant_names() {
        let table = [
            ("most-views", "MostViews"),
            ("createdAt", "CreatedAt"),
            ("-createdAt", "CreatedAtDesc"),
            ("activitypub-http-broadcast", "ActivitypubHttpBroadcast"),
            ("", "Empty"),
            ("UPDATE_CAPTIONS", "UpdateCaptions"),
            ("Watch Later", "WatchLater"),
            ("1080p", "V1080p"),
            ("password", "Password"),
            ("refresh_token", "RefreshToken"),
            ("Self", "Self_"),
            ("--", ""),
        ];
        for (raw, expected) in table {
            assert_eq!(variant_name(raw), expected, "variant_name({raw:?})");
        }
    }

    #[test]
    fn secret_names() {
        for secret in [
            "password",
            "currentPassword",
            "client_secret",
            "access_token",
            "refresh_token",
            "externalAuthToken",
            "x-peertube-otp",
            "x-peertube-video-password",
            "videoPasswords",
            "feedToken",
            "secret",
            "token",
        ] {
            assert!(is_secret_name(secret), "{secret} is a secret");
        }
        for plain in [
            "token_type",
            "passwordId",
            "tokenSessionId",
            "reinjectVideoFileToken2",
            "username",
            "tokens",
            "key",
            "publicKey",
            "sortKey",
            "streamKeyId",
        ] {
            assert!(!is_secret_name(plain), "{plain} is not a secret");
        }
    }

    #[test]
    fn credentials_by_name_or_description() {
        let table: &[(&str, Option<&str>, bool)] = &[
            ("streamKey", None, true),
            ("stream_key", None, true),
            ("apiKey", None, true),
            ("videoPasswords", None, true),
            ("AddVideoPasswords", None, true),
            ("password", None, true),
            (
                "privateDownloadUrl",
                Some(
                    "This URL already contains the JWT token, so no additional authentication \
                     credentials are required",
                ),
                true,
            ),
            ("uri", Some("The OTP URI"), true),
            ("secret", Some("The OTP secret"), true),
            (
                "key",
                Some("RTMP stream key to use to stream into this live video"),
                true,
            ),
            (
                "rtmpUrl",
                Some("Included in the response if an appropriate token is provided"),
                false,
            ),
            (
                "twoFactorEnabled",
                Some("Whether the user has enabled two-factor authentication or not"),
                false,
            ),
            ("fileUrl", Some("Direct URL of the file"), false),
            (
                "autoTagOneOf",
                Some("filter on videos that contain one of these automatic tags"),
                false,
            ),
            (
                "description",
                Some("Contains the video's description. A token of appreciation"),
                false,
            ),
            ("uri", None, false),
        ];
        for (name, description, expected) in table {
            assert_eq!(
                is_credential(name, *description),
                *expected,
                "{name}: {description:?}"
            );
        }
    }

    #[test]
    fn const_names() {
        assert_eq!(const_name("EXPLICIT_SEX"), "EXPLICIT_SEX");
        assert_eq!(const_name("!!"), "");
        assert_eq!(
            const_name("Bypass video blocklist"),
            "BYPASS_VIDEO_BLOCKLIST"
        );
        assert_eq!(const_name("None"), "NONE");
    }

    #[test]
    fn operation_names() {
        let table = [
            ("GET", "/api/v1/videos", Some("getVideos"), "get_videos"),
            (
                "POST",
                "/api/v1/users/token",
                Some("getOAuthToken"),
                "get_oauth_token",
            ),
            (
                "DELETE",
                "/api/v1/videos/{id}/hls",
                Some("delVideoHLS"),
                "del_video_hls",
            ),
            (
                "GET",
                "/static/web-videos/{filename}",
                None,
                "get_static_web_videos_by_filename",
            ),
            (
                "GET",
                "/api/v1/users/{id}/token-sessions",
                None,
                "get_users_by_id_token_sessions",
            ),
            (
                "POST",
                "/api/v1/config/instance-logo/{logoType}/pick",
                None,
                "post_config_instance_logo_by_logo_type_pick",
            ),
            (
                "GET",
                "/download/videos/generate/{videoIdOrUUID}",
                None,
                "get_download_videos_generate_by_video_id_or_uuid",
            ),
            (
                "GET",
                "/feeds/videos.{format}",
                None,
                "get_feeds_videos_format",
            ),
            ("GET", "/api/v1/videos", Some("  "), "get_videos"),
        ];
        for (method, path, id, expected) in table {
            assert_eq!(
                operation_name(method, path, id).to_string(),
                expected,
                "{method} {path}"
            );
        }
    }

    #[test]
    fn client_methods_list_every_method_of_the_runtime_client() {
        let sources = [
            include_str!("../runtime/client.rs"),
            include_str!("../runtime/session.rs"),
            include_str!("../runtime/upload/families.rs"),
        ];
        let mut found = Vec::new();
        for source in sources {
            let file = syn::parse_file(source).unwrap();
            for item in file.items {
                let syn::Item::Impl(block) = item else {
                    continue;
                };
                let is_client = block.trait_.is_none()
                    && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
                if !is_client {
                    continue;
                }
                for item in block.items {
                    if let syn::ImplItem::Fn(method) = item {
                        found.push(method.sig.ident.to_string());
                    }
                }
            }
        }
        assert!(found.len() >= 10, "{found:?}");
        for method in &found {
            // Private helpers (`fn build`) are listed too: an inherent method of the same
            // name would not compile.
            assert!(
                CLIENT_METHODS.contains(&method.as_str()),
                "`{method}` is missing from CLIENT_METHODS"
            );
        }
    }

    #[test]
    fn operation_type_stems() {
        assert_eq!(
            operation_type_stem(&"get_oauth_token".into(), Some("getOAuthToken")).as_str(),
            "GetOAuthToken"
        );
        assert_eq!(
            operation_type_stem(&"post_users_by_id_block".into(), None).as_str(),
            "PostUsersByIdBlock"
        );
        assert_eq!(
            operation_type_stem(&snake_name("match"), None).as_str(),
            "Match"
        );
        assert_eq!(
            operation_type_stem(&"get_oauth_client".into(), None).as_str(),
            "GetOAuthClient"
        );
        assert_eq!(
            operation_type_stem(&"rate_video".into(), None).as_str(),
            "RateVideo"
        );
    }

    #[test]
    fn method_names_follow_the_rules() {
        for good in [
            "rate_video",
            "subscribe",
            "list_my_subscriptions",
            "delete_account_watched_word_subscription",
            "get_my_user",
        ] {
            assert_eq!(method_name_problems(good), Vec::<String>::new(), "{good}");
        }
        let table = [
            (
                "put_videos_by_id_rate",
                &[
                    "`put_videos_by_id_rate` does not start with a verb of the list (`put`)",
                    "`put_videos_by_id_rate` carries the path fragment `by`",
                    "`put_videos_by_id_rate` carries the path fragment `id`",
                ][..],
            ),
            (
                "get_users_me_subscriptions",
                &["`get_users_me_subscriptions` carries the path fragment `users_me`"],
            ),
            (
                "get_live_id",
                &["`get_live_id` carries the path fragment `id`"],
            ),
            (
                "del_video",
                &["`del_video` does not start with a verb of the list (`del`)"],
            ),
            (
                "subscribed",
                &["`subscribed` does not start with a verb of the list (`subscribed`)"],
            ),
            (
                "delete_instance_watched_word_subscription",
                &["`delete_instance_watched_word_subscription` has 41 characters (at most 40)"],
            ),
        ];
        for (name, expected) in table {
            assert_eq!(method_name_problems(name), expected, "{name}");
        }
    }

    #[test]
    fn route_aliases_are_the_ones_rustdoc_accepts() {
        assert_eq!(
            route_aliases("put", "/api/v1/videos/{id}/rate"),
            ["/api/v1/videos/{id}/rate", "PUT /api/v1/videos/{id}/rate"]
        );
        assert_eq!(
            route_aliases("get", "/feeds/videos.{format}"),
            ["/feeds/videos.{format}", "GET /feeds/videos.{format}"]
        );
        for path in ["/a\"b", "/it's", "/a b", "/tab\t", ""] {
            assert!(route_aliases("get", path).is_empty(), "{path:?}");
        }
    }

    #[test]
    fn sent_type_names_say_what_the_client_sends() {
        let table = [
            (
                "ServerConfigCustom",
                "ServerConfigCustomEdit",
                "ServerConfigCustomInput",
            ),
            (
                "ServerConfigCustomInstanceSocial",
                "ServerConfigCustomInstanceSocialEdit",
                "ServerConfigCustomInstanceSocialInput",
            ),
            ("LiveSchedule", "LiveScheduleEdit", "LiveScheduleInput"),
        ];
        for (read, wanted, alternative) in table {
            assert_eq!(
                sent_type_names(read),
                (wanted.to_owned(), alternative.to_owned()),
                "{read}"
            );
        }
        // A name a schema already has is not taken twice.
        let mut types = Scope::new();
        types.reserve("LiveScheduleEdit");
        let (wanted, alternative) = sent_type_names("LiveSchedule");
        assert_eq!(
            types.claim_or(wanted, alternative).name.as_str(),
            "LiveScheduleInput"
        );
    }

    #[test]
    fn scope_suffixes_collisions_and_reports_them() {
        let mut scope = Scope::new();
        scope.reserve("Client");
        let claim = |scope: &mut Scope, wanted: &str| scope.claim(wanted).name.to_string();
        assert_eq!(scope.claim("Video").collided_with, None);
        let second = scope.claim("Video");
        assert_eq!(second.name.as_str(), "Video2");
        assert_eq!(second.collided_with, Some("Video".into()));
        assert_eq!(claim(&mut scope, "Video"), "Video3");
        assert_eq!(claim(&mut scope, "Client"), "Client2");
        assert_eq!(claim(&mut scope, "V144"), "V144");
        assert_eq!(claim(&mut scope, "V144"), "V144_2");
        let claim_or = |scope: &mut Scope, wanted: &str, alternative: &str| {
            scope.claim_or(wanted, alternative).name.to_string()
        };
        assert_eq!(claim_or(&mut scope, "Video", "VideoObject"), "VideoObject");
        assert_eq!(claim_or(&mut scope, "Video", "VideoObject"), "Video4");
        assert_eq!(claim_or(&mut scope, "Fresh", "FreshObject"), "Fresh");
        assert_eq!(
            alternative_type_name("UserRole", TypeRole::Object),
            "UserRoleObject"
        );
        assert_eq!(
            alternative_type_name("FollowState", TypeRole::Parameter),
            "FollowStateParam"
        );
        let mut fields = Scope::new();
        assert_eq!(fields.claim(snake_name("type")).name.to_string(), "r#type");
        assert_eq!(fields.claim(snake_name("type")).name.to_string(), "type2");
        let mut variants = Scope::new();
        assert_eq!(variants.claim("").name.as_str(), "Unnamed");
        assert_eq!(variants.claim("").name.as_str(), "Unnamed2");
    }
}

//! Every naming rule of the generator: casing, keyword escaping, names derived from paths and
//! enum values, and collision handling. Nothing else in the generator invents a Rust name.
//!
//! Rules, in short (each has a table test below):
//! - Type names keep the document's own capitalisation and join its words:
//!   `OAuthToken-password` -> `OAuthTokenPassword`, `UUIDv4` -> `UUIDv4`, `id` -> `Id`.
//! - Field, parameter and method names are snake_case: `externalAuthToken` ->
//!   `external_auth_token`, `media:group` -> `media_group`, `getOAuthToken` -> `get_oauth_token`
//!   (words in [`COMPOUND_WORDS`] stay whole). Keywords become raw identifiers (`r#type`);
//!   the few that cannot be raw get a trailing underscore (`self_`).
//! - Enum variants come from the wire value: `most-views` -> `MostViews`; a leading `-` (a
//!   descending sort) becomes a `Desc` suffix: `-createdAt` -> `CreatedAtDesc`; `""` -> `Empty`.
//! - Names that would start with a digit get a prefix: `_` for snake_case, `V` for PascalCase.
//! - Operations without an `operationId` are named `{method}_{path}`: the `/api/v1` prefix is
//!   dropped, literal segments are snake_cased and a `{param}` segment becomes `by_{param}`:
//!   `GET /api/v1/users/{id}/token-sessions` -> `get_users_by_id_token_sessions`.
//! - Within one scope (types, fields of a struct, variants of an enum, methods), a name that is
//!   taken gets a numeric suffix (`Name2`), and the caller reports it; no two items share a name.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words written with inner capitals that are one word, not two (`OAuth` is not `O` + `Auth`).
pub const COMPOUND_WORDS: &[(&str, &str)] = &[("OAuth", "Oauth")];

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

/// Escapes a snake_case or PascalCase name that is a keyword or starts with a digit.
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
    if KEYWORDS.contains(&name.as_str()) {
        return format!("r#{name}");
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
pub fn snake_name(raw: &str) -> String {
    escape(join_compounds(raw).to_snake_case(), "_")
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
pub fn operation_name(method: &str, path: &str, operation_id: Option<&str>) -> String {
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
    escape(
        words
            .into_iter()
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("_"),
        "_",
    )
}

/// The PascalCase stem of an operation, for the names of its inline types
/// (`getOAuthToken` -> `GetOAuthToken`, `post_users_by_id_block` -> `PostUsersByIdBlock`).
pub fn operation_type_stem(method_name: &str, operation_id: Option<&str>) -> String {
    match operation_id.filter(|id| !id.trim().is_empty()) {
        Some(id) => type_name(id),
        None => type_name(&method_name.trim_start_matches("r#").to_upper_camel_case()),
    }
}

/// Whether a property or parameter with this name holds a credential, to keep out of `Debug`
/// output and logs: a name whose last word is `password`, `secret`, `otp` or `token`
/// (OAuth 2.0's `access_token`, `refresh_token`, `client_secret`; PeerTube's
/// `currentPassword`, `externalAuthToken`, `x-peertube-otp`, ...). `passwordId` names an id.
pub fn is_secret_name(name: &str) -> bool {
    let snake = join_compounds(name).to_snake_case();
    snake
        .rsplit('_')
        .next()
        .is_some_and(|last| matches!(last, "password" | "passwords" | "secret" | "otp" | "token"))
}

/// What an inline type is, for the suffix that tells it apart when its name is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeRole {
    Parameter,
    Object,
    Enum,
    Union,
}

/// The name to try when `wanted` is taken by another type: `wanted` with a suffix saying
/// what this type is (`ChangeOwnershipState` is a component; the `state` object of
/// `ChangeOwnership` becomes `ChangeOwnershipStateObject`).
pub fn alternative_type_name(wanted: &str, role: TypeRole) -> String {
    let suffix = match role {
        TypeRole::Parameter => "Param",
        TypeRole::Object => "Object",
        TypeRole::Enum => "Enum",
        TypeRole::Union => "Choice",
    };
    format!("{wanted}{suffix}")
}

/// The methods the runtime defines on `Client`, and `clone`: no operation's method may take
/// these names. A test below keeps the list in step with `codegen/runtime/`.
pub const CLIENT_METHODS: &[&str] = &[
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
    "replace_video_source",
    "resume_upload",
    "send",
    "set_access_token",
    "set_oauth_client",
    "set_tokens",
    "tokens",
    "upload_video",
];

/// Names in one scope. Claiming a taken name returns it with the smallest free numeric suffix.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
}

/// The result of claiming a name in a [`Scope`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub name: String,
    /// The name wanted, when it was taken and `name` had to differ.
    pub collided_with: Option<String>,
}

impl Scope {
    pub fn new() -> Self {
        Scope::default()
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Reserves a name that must not be claimed (a name the surrounding code uses).
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    /// Claims `wanted`, else `alternative`, else `wanted` with a numeric suffix.
    pub fn claim_or(&mut self, wanted: &str, alternative: &str) -> Claimed {
        if !self.is_taken(wanted) || self.is_taken(alternative) {
            return self.claim(wanted);
        }
        self.taken.insert(alternative.to_owned());
        Claimed {
            name: alternative.to_owned(),
            collided_with: Some(wanted.to_owned()),
        }
    }

    /// Claims `wanted`, else `wanted` with a numeric suffix. An empty `wanted` (a value with
    /// nothing to name it by, such as `"!"`) claims `Unnamed`: callers should pass a better
    /// fallback, but the result is always an identifier.
    pub fn claim(&mut self, wanted: &str) -> Claimed {
        let wanted = if wanted.is_empty() { "Unnamed" } else { wanted };
        if self.taken.insert(wanted.to_owned()) {
            return Claimed {
                name: wanted.to_owned(),
                collided_with: None,
            };
        }
        // `r#type` + suffix is `type2`, which needs no escaping.
        let stem = wanted.trim_start_matches("r#");
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
                    name: candidate,
                    collided_with: Some(wanted.to_owned()),
                };
            }
            n += 1;
        }
    }
}

/// Whether `name` (as produced above) is a valid Rust identifier, raw identifiers included.
pub fn is_identifier(name: &str) -> bool {
    let bare = name.strip_prefix("r#").unwrap_or(name);
    let mut chars = bare.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
        && bare != "_"
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
            assert_eq!(snake_name(raw), expected, "snake_name({raw:?})");
            assert!(is_identifier(expected), "{expected} is an identifier");
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
        ] {
            assert!(!is_secret_name(plain), "{plain} is not a secret");
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
                operation_name(method, path, id),
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
            operation_type_stem("get_oauth_token", Some("getOAuthToken")),
            "GetOAuthToken"
        );
        assert_eq!(
            operation_type_stem("post_users_by_id_block", None),
            "PostUsersByIdBlock"
        );
    }

    #[test]
    fn scope_suffixes_collisions_and_reports_them() {
        let mut scope = Scope::new();
        scope.reserve("Client");
        assert_eq!(scope.claim("Video").collided_with, None);
        let second = scope.claim("Video");
        assert_eq!(second.name, "Video2");
        assert_eq!(second.collided_with.as_deref(), Some("Video"));
        assert_eq!(scope.claim("Video").name, "Video3");
        assert_eq!(scope.claim("Client").name, "Client2");
        assert_eq!(scope.claim("V144").name, "V144");
        assert_eq!(scope.claim("V144").name, "V144_2");
        assert_eq!(scope.claim_or("Video", "VideoObject").name, "VideoObject");
        assert_eq!(scope.claim_or("Video", "VideoObject").name, "Video4");
        assert_eq!(scope.claim_or("Fresh", "FreshObject").name, "Fresh");
        assert_eq!(
            alternative_type_name("UserRole", TypeRole::Object),
            "UserRoleObject"
        );
        assert_eq!(
            alternative_type_name("FollowState", TypeRole::Parameter),
            "FollowStateParam"
        );
        let mut fields = Scope::new();
        fields.claim("r#type");
        assert_eq!(fields.claim("r#type").name, "type2");
        let mut variants = Scope::new();
        assert_eq!(variants.claim("").name, "Unnamed");
        assert_eq!(variants.claim("").name, "Unnamed2");
    }
}

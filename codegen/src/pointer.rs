//! JSON pointers (RFC 6901) in their URI-fragment form, `#/paths/~1api~1v1~1videos/get`.
//!
//! Every diagnostic and every model item carries one, so a maintainer can find the place in the
//! document that produced it.

use std::fmt;

/// A JSON pointer into the API document, always starting with `#`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pointer(String);

impl Pointer {
    /// The document root, `#`.
    pub fn root() -> Self {
        Pointer("#".to_owned())
    }

    /// Parses the fragment of a local `$ref` (`#/components/schemas/X`). `None` for external refs.
    pub fn from_ref(reference: &str) -> Option<Self> {
        (reference == "#" || reference.starts_with("#/")).then(|| Pointer(reference.to_owned()))
    }

    /// This pointer extended by one reference token, escaped as RFC 6901 requires.
    pub fn push(&self, token: impl fmt::Display) -> Self {
        let token = token.to_string().replace('~', "~0").replace('/', "~1");
        Pointer(format!("{}/{}", self.0, token))
    }

    /// This pointer extended by the path at which serde stopped reading (as
    /// `serde_path_to_error` reports it): where in the document a value does not read.
    pub fn join_serde_path(&self, path: &serde_path_to_error::Path) -> Self {
        use serde_path_to_error::Segment;
        path.iter()
            .fold(self.clone(), |pointer, segment| match segment {
                Segment::Seq { index } => pointer.push(index),
                Segment::Map { key } => pointer.push(key),
                Segment::Enum { .. } | Segment::Unknown => pointer,
            })
    }

    /// The pointer as written in a `$ref`: `#/a/b`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The unescaped reference tokens, root first.
    pub fn tokens(&self) -> impl Iterator<Item = String> + '_ {
        self.0
            .strip_prefix("#/")
            .into_iter()
            .flat_map(|rest| rest.split('/'))
            .map(|token| token.replace("~1", "/").replace("~0", "~"))
    }

    /// The pointer in the form `serde_json::Value::pointer` takes (`/a/b`, no `#`).
    pub fn as_value_pointer(&self) -> &str {
        self.0.strip_prefix('#').unwrap_or(&self.0)
    }

    /// The last reference token, unescaped (`None` at the root).
    pub fn last(&self) -> Option<String> {
        self.tokens().last()
    }

    /// The pointer without its last token (`None` at the root).
    pub fn parent(&self) -> Option<Pointer> {
        let (parent, _) = self.0.rsplit_once('/')?;
        Some(Pointer(parent.to_owned()))
    }

    /// Whether this pointer names a component schema itself: `#/components/schemas/{name}`.
    pub fn component_schema_name(&self) -> Option<String> {
        let mut tokens = self.tokens();
        match (tokens.next(), tokens.next(), tokens.next(), tokens.next()) {
            (Some(a), Some(b), Some(name), None) if a == "components" && b == "schemas" => {
                Some(name)
            }
            _ => None,
        }
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_escapes_slash_and_tilde() {
        let p = Pointer::root()
            .push("paths")
            .push("/api/v1/videos")
            .push("get");
        assert_eq!(p.as_str(), "#/paths/~1api~1v1~1videos/get");
        assert_eq!(Pointer::root().push("a~b").as_str(), "#/a~0b");
        assert_eq!(p.as_value_pointer(), "/paths/~1api~1v1~1videos/get");
    }

    #[test]
    fn tokens_unescape() {
        let p = Pointer::from_ref("#/paths/~1a~1b/x~0y").unwrap();
        assert_eq!(p.tokens().collect::<Vec<_>>(), ["paths", "/a/b", "x~y"]);
        assert_eq!(p.last().as_deref(), Some("x~y"));
        assert_eq!(p.parent().unwrap().as_str(), "#/paths/~1a~1b");
    }

    #[test]
    fn component_schema_name_only_for_whole_components() {
        let p = Pointer::from_ref("#/components/schemas/User").unwrap();
        assert_eq!(p.component_schema_name().as_deref(), Some("User"));
        let deep = p.push("properties").push("username");
        assert_eq!(deep.component_schema_name(), None);
    }

    #[test]
    fn serde_paths_extend_a_pointer() {
        let value = serde_json::json!({"a/b": [{"n": 1}, {"n": "two"}]});
        type Shape =
            std::collections::BTreeMap<String, Vec<std::collections::BTreeMap<String, u8>>>;
        let error = serde_path_to_error::deserialize::<_, Shape>(&value).unwrap_err();
        let at = Pointer::root()
            .push("components")
            .join_serde_path(error.path());
        assert_eq!(at.as_str(), "#/components/a~1b/1/n");
    }

    #[test]
    fn external_refs_are_not_pointers() {
        assert!(Pointer::from_ref("other.yaml#/a").is_none());
        assert!(Pointer::from_ref("https://x/y.json").is_none());
    }
}

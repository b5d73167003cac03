//! Decoding for `oneOf`/`anyOf` types told apart by shape.
//!
//! serde's `#[serde(untagged)]` takes the first variant that decodes, which makes a variant
//! unreachable when an earlier one accepts everything it does (a `User` decodes every
//! `UserWithStats`, ignoring the statistics). [`BestMatch`] decodes every variant and keeps
//! the one that ignores the fewest properties of the value, the first listed on a tie; a
//! variant that ignores nothing ends the search. When no variant decodes, the error names the
//! type and says why each variant failed.

use super::json::{Context, FromJson, JsonError, Node};

pub struct BestMatch<'a, T> {
    type_name: &'static str,
    value: Node<'a>,
    /// The best variant so far, with the number of properties it leaves unread.
    best: Option<(usize, T)>,
    failures: Vec<String>,
}

impl<'a, T> BestMatch<'a, T> {
    pub fn new(type_name: &'static str, value: Node<'a>) -> Self {
        BestMatch {
            type_name,
            value,
            best: None,
            failures: Vec::new(),
        }
    }

    /// Tries the variant `name`, holding a `V`.
    pub fn variant<V: FromJson>(mut self, name: &'static str, wrap: impl FnOnce(V) -> T) -> Self {
        if matches!(self.best, Some((0, _))) {
            return self;
        }
        let mut cx = Context::default();
        match V::from_json(self.value.clone(), &mut cx) {
            Ok(decoded) => {
                if self
                    .best
                    .as_ref()
                    .is_none_or(|(fewest, _)| cx.ignored < *fewest)
                {
                    self.best = Some((cx.ignored, wrap(decoded)));
                }
            }
            Err(error) => self.failures.push(format!("{name}: {error}")),
        }
        self
    }

    /// The best variant; what it left unread counts in the enclosing decoding's `cx`.
    pub fn finish(self, cx: &mut Context) -> Result<T, JsonError> {
        match self.best {
            Some((ignored, value)) => {
                cx.ignored += ignored;
                Ok(value)
            }
            None => Err(JsonError::new(format!(
                "the value matches no variant of `{}` ({})",
                self.type_name,
                self.failures.join("; ")
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::runtime::json::Object;

    #[derive(Debug, PartialEq)]
    struct User {
        id: i64,
    }

    impl FromJson for User {
        fn from_json(value: Node<'_>, cx: &mut Context) -> Result<Self, JsonError> {
            let mut object = Object::new(value, cx, "User")?;
            let user = User {
                id: object.required("id")?,
            };
            object.finish();
            Ok(user)
        }
    }

    #[derive(Debug, PartialEq)]
    struct UserWithStats {
        id: i64,
        videos_count: Option<i64>,
    }

    impl FromJson for UserWithStats {
        fn from_json(value: Node<'_>, cx: &mut Context) -> Result<Self, JsonError> {
            let mut object = Object::new(value, cx, "UserWithStats")?;
            let user = UserWithStats {
                id: object.required("id")?,
                videos_count: object.optional("videos_count")?,
            };
            object.finish();
            Ok(user)
        }
    }

    #[derive(Debug, PartialEq)]
    enum Either {
        User(User),
        WithStats(UserWithStats),
    }

    fn decode(json: &str) -> Result<Either, String> {
        let value: Node<'_> = serde_json::from_str(json).unwrap();
        BestMatch::new("Either", value)
            .variant("User", Either::User)
            .variant("WithStats", Either::WithStats)
            .finish(&mut Context::default())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn every_variant_is_reachable() {
        assert_eq!(decode(r#"{"id":1}"#), Ok(Either::User(User { id: 1 })));
        assert_eq!(
            decode(r#"{"id":1,"videos_count":3}"#),
            Ok(Either::WithStats(UserWithStats {
                id: 1,
                videos_count: Some(3)
            }))
        );
    }

    #[test]
    fn no_match_names_the_type_and_each_failure() {
        let error = decode(r#"{"name":"x"}"#).unwrap_err();
        assert_eq!(
            error,
            "the value matches no variant of `Either` (User: missing field `id`; WithStats: missing field `id`)"
        );
    }
}

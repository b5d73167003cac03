//! Decoding for `oneOf`/`anyOf` types told apart by shape.
//!
//! serde's `#[serde(untagged)]` takes the first variant that decodes, which makes a variant
//! unreachable when an earlier one accepts everything it does (a `User` decodes every
//! `UserWithStats`, ignoring the statistics). [`BestMatch`] decodes every variant and keeps
//! the one that ignores the fewest properties of the value, the first listed on a tie; a
//! variant that ignores nothing ends the search. When no variant decodes, the error names the
//! type and says why each variant failed.

use super::json::{FromJson, JsonError, Parser};

pub struct BestMatch<'p, 'a, T> {
    type_name: &'static str,
    p: &'p mut Parser<'a>,
    /// Where the value starts (position, depth).
    start: (usize, usize),
    /// The best variant so far: properties it leaves unread, the value, where it ended.
    best: Option<(usize, T, usize)>,
    failures: Vec<String>,
}

impl<'p, 'a, T> BestMatch<'p, 'a, T> {
    pub fn new(type_name: &'static str, p: &'p mut Parser<'a>) -> Self {
        let start = p.position();
        BestMatch {
            type_name,
            p,
            start,
            best: None,
            failures: Vec::new(),
        }
    }

    /// Tries the variant `name`, holding a `V`.
    pub fn variant<V: FromJson>(mut self, name: &'static str, wrap: impl FnOnce(V) -> T) -> Self {
        if matches!(self.best, Some((0, _, _))) {
            return self;
        }
        self.p.rewind(self.start);
        let outer = std::mem::take(&mut self.p.ignored);
        match V::from_json(self.p) {
            Ok(decoded) => {
                let ignored = self.p.ignored;
                if self
                    .best
                    .as_ref()
                    .is_none_or(|(fewest, _, _)| ignored < *fewest)
                {
                    self.best = Some((ignored, wrap(decoded), self.p.position().0));
                }
            }
            Err(error) => self.failures.push(format!("{name}: {error}")),
        }
        self.p.ignored = outer;
        self
    }

    /// The best variant; what it left unread counts in the parser.
    pub fn finish(self) -> Result<T, JsonError> {
        match self.best {
            Some((ignored, value, end)) => {
                self.p.rewind((end, self.start.1));
                self.p.ignored += ignored;
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

    use crate::runtime::json::test_types::{User, UserWithStats};

    #[derive(Debug, PartialEq)]
    enum Either {
        User(User),
        WithStats(UserWithStats),
    }

    impl FromJson for Either {
        fn from_json(p: &mut Parser<'_>) -> Result<Self, JsonError> {
            BestMatch::new("Either", p)
                .variant("User", Either::User)
                .variant("WithStats", Either::WithStats)
                .finish()
        }
    }

    fn decode(json: &str) -> Result<Either, String> {
        crate::runtime::json::from_slice(json.as_bytes()).map_err(|e| e.to_string())
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
    fn the_value_is_read_once_whatever_the_variant() {
        let list: Vec<Either> = crate::runtime::json::from_slice(
            br#"[{"id":1,"videos_count":3}, {"id":2}, {"id":3,"x":1}]"#,
        )
        .unwrap();
        assert_eq!(list.len(), 3);
        assert!(matches!(list[0], Either::WithStats(_)));
        assert!(matches!(list[1], Either::User(_)));
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

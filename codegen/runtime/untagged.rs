//! Decoding for `oneOf`/`anyOf` types told apart by shape.
//!
//! serde's `#[serde(untagged)]` takes the first variant that decodes, which makes a variant
//! unreachable when an earlier one accepts everything it does (a `User` decodes every
//! `UserWithStats`, ignoring the statistics). [`BestMatch`] decodes every variant and keeps
//! the one that ignores the fewest properties of the value, the first listed on a tie; a
//! variant that ignores nothing ends the search. When no variant decodes, the error names the
//! type and says why each variant failed.

use serde::de::DeserializeOwned;
use serde_json::Value;

pub struct BestMatch<'v, T> {
    type_name: &'static str,
    value: &'v Value,
    best: Option<(usize, T)>,
    failures: Vec<String>,
}

impl<'v, T> BestMatch<'v, T> {
    pub fn new(type_name: &'static str, value: &'v Value) -> Self {
        BestMatch {
            type_name,
            value,
            best: None,
            failures: Vec::new(),
        }
    }

    /// Tries the variant `name`, holding a `V`.
    pub fn variant<V: DeserializeOwned>(
        mut self,
        name: &'static str,
        wrap: impl FnOnce(V) -> T,
    ) -> Self {
        if matches!(self.best, Some((0, _))) {
            return self;
        }
        let mut ignored = 0;
        match serde_ignored::deserialize(self.value, |_| ignored += 1) {
            Ok(decoded) => {
                if self
                    .best
                    .as_ref()
                    .is_none_or(|(fewest, _)| ignored < *fewest)
                {
                    self.best = Some((ignored, wrap(decoded)));
                }
            }
            Err(error) => self.failures.push(format!("{name}: {error}")),
        }
        self
    }

    pub fn finish(self) -> Result<T, String> {
        match self.best {
            Some((_, value)) => Ok(value),
            None => Err(format!(
                "the value matches no variant of `{}` ({})",
                self.type_name,
                self.failures.join("; ")
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct User {
        id: i64,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct UserWithStats {
        id: i64,
        videos_count: Option<i64>,
    }

    #[derive(Debug, PartialEq)]
    enum Either {
        User(User),
        WithStats(UserWithStats),
    }

    fn decode(json: &str) -> Result<Either, String> {
        let value: Value = serde_json::from_str(json).unwrap();
        BestMatch::new("Either", &value)
            .variant("User", Either::User)
            .variant("WithStats", Either::WithStats)
            .finish()
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

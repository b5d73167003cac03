//! `Serialize` for the generated structs: one call per field, in the runtime rather than a
//! `?` and a branch in every impl as serde's derive writes them (type-checking those for
//! every struct of the API was a sixth of the crate's build). The output is the derive's: a
//! struct of the fields in order, an absent optional field skipped, `Some(None)` of an
//! `Option<Option<T>>` written as `null`.

use serde::ser::{Serialize, SerializeStruct, Serializer};

/// A struct being serialized; the first error stops it and is what [`Fields::end`] returns.
pub(crate) struct Fields<S: Serializer> {
    state: Result<S::SerializeStruct, S::Error>,
}

impl<S: Serializer> Fields<S> {
    /// Starts the struct `name` of `len` fields (those that [`Fields::optional`] does not skip).
    pub(crate) fn new(serializer: S, name: &'static str, len: usize) -> Self {
        Fields {
            state: serializer.serialize_struct(name, len),
        }
    }

    /// A field always written.
    pub(crate) fn field<T: Serialize + ?Sized>(mut self, key: &'static str, value: &T) -> Self {
        if let Ok(state) = &mut self.state
            && let Err(e) = state.serialize_field(key, value)
        {
            self.state = Err(e);
        }
        self
    }

    /// A field written when it is `Some`, skipped when it is `None`.
    pub(crate) fn optional<T: Serialize>(mut self, key: &'static str, value: &Option<T>) -> Self {
        match value {
            Some(value) => self.field(key, value),
            None => {
                if let Ok(state) = &mut self.state
                    && let Err(e) = state.skip_field(key)
                {
                    self.state = Err(e);
                }
                self
            }
        }
    }

    pub(crate) fn end(self) -> Result<S::Ok, S::Error> {
        self.state?.end()
    }
}

/// How many of the optional fields are present (for the length [`Fields::new`] takes).
pub(crate) fn present(fields: &[bool]) -> usize {
    fields.iter().filter(|present| **present).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written as the generator writes it: one required field, one optional, one that can
    /// also be sent as `null`.
    #[derive(Debug, PartialEq)]
    struct Patch {
        id: i64,
        name: Option<String>,
        support: Option<Option<String>>,
    }

    impl Serialize for Patch {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let len = 1 + present(&[self.name.is_some(), self.support.is_some()]);
            Fields::new(serializer, "Patch", len)
                .field("id", &self.id)
                .optional("name", &self.name)
                .optional("support", &self.support)
                .end()
        }
    }

    #[test]
    fn absent_null_and_value_stay_apart() {
        for (support, json) in [
            (None, r#"{"id":1}"#),
            (Some(None), r#"{"id":1,"support":null}"#),
            (Some(Some("x".to_owned())), r#"{"id":1,"support":"x"}"#),
        ] {
            let patch = Patch {
                id: 1,
                name: None,
                support,
            };
            assert_eq!(serde_json::to_string(&patch).unwrap(), json);
        }
    }

    #[test]
    fn fields_keep_their_order_and_form_bodies_skip_what_is_absent() {
        let patch = Patch {
            id: 7,
            name: Some("a b".to_owned()),
            support: None,
        };
        assert_eq!(
            serde_json::to_string(&patch).unwrap(),
            r#"{"id":7,"name":"a b"}"#
        );
        assert_eq!(
            serde_urlencoded::to_string(&patch).unwrap(),
            "id=7&name=a+b"
        );
    }
}

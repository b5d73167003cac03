//! Decoding for enums that keep values the API document does not list.

use std::borrow::Cow;
use std::fmt;

use serde::Deserializer;
use serde::de::{Error, Visitor};

/// Reads a string, borrowing it from the input where the format allows.
pub fn deserialize_str<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Cow<'de, str>, D::Error> {
    struct Text;

    impl<'de> Visitor<'de> for Text {
        type Value = Cow<'de, str>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_borrowed_str<E: Error>(self, value: &'de str) -> Result<Self::Value, E> {
            Ok(Cow::Borrowed(value))
        }

        fn visit_str<E: Error>(self, value: &str) -> Result<Self::Value, E> {
            Ok(Cow::Owned(value.to_owned()))
        }

        fn visit_string<E: Error>(self, value: String) -> Result<Self::Value, E> {
            Ok(Cow::Owned(value))
        }
    }

    deserializer.deserialize_str(Text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrows_from_json_text_and_rejects_non_strings() {
        let mut de = serde_json::Deserializer::from_str(r#""-createdAt""#);
        assert!(matches!(
            deserialize_str(&mut de).unwrap(),
            Cow::Borrowed("-createdAt")
        ));
        let mut de = serde_json::Deserializer::from_str("12");
        let err = deserialize_str(&mut de).unwrap_err();
        assert!(err.to_string().contains("expected a string"), "{err}");
    }
}

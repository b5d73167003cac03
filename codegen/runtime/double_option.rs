//! `Option<Option<T>>` fields: absent (`None`), `null` (`Some(None)`) or a value.
//!
//! Used with `#[serde(default, skip_serializing_if = "Option::is_none", with = ...)]`, so an
//! absent field never reaches these functions.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub fn serialize<T: Serialize, S: Serializer>(
    value: &Option<Option<T>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(inner) => inner.serialize(serializer),
        None => serializer.serialize_none(),
    }
}

pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Patch {
        #[serde(default, skip_serializing_if = "Option::is_none", with = "super")]
        support: Option<Option<String>>,
    }

    #[test]
    fn absent_null_and_value_stay_apart() {
        for (json, value) in [
            ("{}", None),
            (r#"{"support":null}"#, Some(None)),
            (r#"{"support":"x"}"#, Some(Some("x".to_owned()))),
        ] {
            let patch = Patch { support: value };
            assert_eq!(serde_json::to_string(&patch).unwrap(), json);
            assert_eq!(serde_json::from_str::<Patch>(json).unwrap(), patch);
        }
    }
}

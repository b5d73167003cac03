//! Secrets (passwords, client secrets, tokens): kept out of `Debug` output and logs.

use std::fmt;

/// A secret string. `Debug` prints `Secret(***)`; [`Secret::expose`] gives the value.
///
/// It serializes as the plain string (request bodies carry it): a type that holds one and
/// is serializable writes the secret.
#[derive(Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl super::call::ToParam for Secret {
    fn to_param(&self) -> String {
        self.0.clone()
    }

    fn is_secret(&self) -> bool {
        true
    }
}

impl super::json::FromJson for Secret {
    fn from_json(p: &mut super::json::Parser<'_>) -> Result<Self, super::json::JsonError> {
        <String as super::json::FromJson>::from_json(p).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_value_and_serde_keeps_it() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"hunter2\"");
        assert_eq!(
            serde_urlencoded::to_string([("password", &secret)]).unwrap(),
            "password=hunter2"
        );
    }
}

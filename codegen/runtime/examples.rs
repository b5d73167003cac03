//! Test support: the API document's examples, decoded into the generated types and encoded
//! back.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// One example: where it is written, how to check it, and its JSON text.
pub type Check = (&'static str, fn(&str) -> Result<(), String>, &'static str);

/// Decodes `json` as a `T` and encodes it back, expecting an equal value.
pub fn round_trip<T: DeserializeOwned + Serialize>(json: &str) -> Result<(), String> {
    let value: Value = serde_json::from_str(json).map_err(|e| format!("is not JSON: {e}"))?;
    let typed: T =
        serde_json::from_value(value.clone()).map_err(|e| format!("does not decode: {e}"))?;
    let back = serde_json::to_value(&typed).map_err(|e| format!("does not encode: {e}"))?;
    if same(&value, &back) {
        Ok(())
    } else {
        Err(format!("encodes back as {back}"))
    }
}

/// Runs every check and fails with the list of those that did not pass.
pub fn check_all(checks: &[Check]) {
    let failures: Vec<String> = checks
        .iter()
        .filter_map(|(pointer, check, json)| {
            check(json).err().map(|e| format!("{pointer}: {json} {e}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} examples do not round-trip:\n{}",
        failures.len(),
        checks.len(),
        failures.join("\n")
    );
}

/// JSON equality where numbers compare by value (`30` equals `30.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_by_value_and_differences_are_reported() {
        assert_eq!(round_trip::<f64>("30"), Ok(()));
        assert_eq!(round_trip::<Vec<i64>>("[1, 2]"), Ok(()));
        assert_eq!(
            round_trip::<i64>("\"x\""),
            Err("does not decode: invalid type: string \"x\", expected i64".into())
        );
        assert_eq!(
            round_trip::<Option<i64>>("{}").map_err(|e| e.starts_with("does not decode")),
            Err(true)
        );
    }
}

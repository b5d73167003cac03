//! Stage 1, load: bytes of an OpenAPI document (JSON or YAML) into a JSON value, plus the
//! digests that identify the document.
//!
//! The format is detected from the content, not the file name. YAML parsing stays behind
//! [`parse_yaml`] alone, since `serde_yaml` is archived upstream and may have to be replaced.

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::diagnostic::{Diagnostic, Location};

/// The form a document is written in (told apart by content, not by file name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON.
    Json,
    /// YAML.
    Yaml,
}

/// A parsed document and what identifies it.
#[derive(Debug, Clone)]
pub struct Document {
    /// The document as a JSON value (a YAML document too).
    pub value: Value,
    /// The form it was written in.
    pub format: Format,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub file_sha256: String,
    /// SHA-256 of the parsed content in canonical JSON form (object keys sorted, no whitespace),
    /// so the JSON and YAML renderings of one document have the same content digest.
    pub content_sha256: String,
}

/// Parses a document. `origin` names it in error messages (usually the path).
pub fn load(bytes: &[u8], origin: &str) -> Result<Document, Diagnostic> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(format!(
            "{origin} is not UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        ))
        .hint("OpenAPI documents are JSON or YAML text in UTF-8")
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let format = detect_format(text);
    let value = match format {
        Format::Json => parse_json(text, origin)?,
        Format::Yaml => parse_yaml(text, origin)?,
    };
    Ok(Document {
        content_sha256: content_digest(&value),
        file_sha256: hex(&Sha256::digest(bytes)),
        value,
        format,
    })
}

/// JSON documents start with `{`; everything else is read as YAML (a superset of JSON).
pub fn detect_format(text: &str) -> Format {
    match text.trim_start().as_bytes().first() {
        Some(b'{') => Format::Json,
        _ => Format::Yaml,
    }
}

fn parse_json(text: &str, origin: &str) -> Result<Value, Diagnostic> {
    serde_json::from_str(text).map_err(|e| {
        Diagnostic::error(format!(
            "{origin} is not valid JSON: {}",
            strip_position(&e.to_string())
        ))
        .at_location(Location {
            line: e.line(),
            column: e.column(),
        })
    })
}

/// The only place that parses YAML. Mapping keys that are not strings (`200:` unquoted) become
/// their string form, as JSON needs; anchors and `<<` merge keys are applied.
pub fn parse_yaml(text: &str, origin: &str) -> Result<Value, Diagnostic> {
    let mut yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let message = format!(
            "{origin} is not valid YAML: {}",
            strip_position(&e.to_string())
        );
        let diagnostic = Diagnostic::error(message);
        match e.location() {
            Some(loc) => diagnostic.at_location(Location {
                line: loc.line(),
                column: loc.column(),
            }),
            None => diagnostic,
        }
    })?;
    yaml.apply_merge()
        .map_err(|e| Diagnostic::error(format!("{origin}: cannot apply YAML merge keys: {e}")))?;
    yaml_to_json(yaml, origin)
}

fn yaml_to_json(yaml: serde_yaml::Value, origin: &str) -> Result<Value, Diagnostic> {
    use serde_yaml::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| {
                        Diagnostic::error(format!(
                            "{origin} contains the number `{n}`, which JSON cannot represent"
                        ))
                    })?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(|item| yaml_to_json(item, origin))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut object = serde_json::Map::with_capacity(map.len());
            for (key, value) in map {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_owned(),
                    other => {
                        return Err(Diagnostic::error(format!(
                            "{origin} uses a YAML mapping key that is not a scalar ({other:?})"
                        ))
                        .hint("OpenAPI documents only use string keys"));
                    }
                };
                object.insert(key, yaml_to_json(value, origin)?);
            }
            Value::Object(object)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, origin)?,
    })
}

/// serde_json and serde_yaml append " at line X column Y"; the location is reported separately.
fn strip_position(message: &str) -> &str {
    match message.split_once(" at line ") {
        Some((before, _)) => before,
        None => message,
    }
}

/// SHA-256 of the canonical JSON form of `value`: keys sorted, no insignificant whitespace.
pub fn content_digest(value: &Value) -> String {
    let mut hasher = Sha256::new();
    let mut buffer = Vec::with_capacity(1 << 16);
    write_canonical(value, &mut buffer, &mut hasher);
    hasher.update(&buffer);
    hex(&hasher.finalize())
}

/// Writes `value` in canonical form into `buffer`, handing full buffers to the hasher.
fn write_canonical(value: &Value, buffer: &mut Vec<u8>, hasher: &mut Sha256) {
    if buffer.len() >= 1 << 16 {
        hasher.update(&buffer);
        buffer.clear();
    }
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            buffer.push(b'{');
            for (i, (key, value)) in entries.into_iter().enumerate() {
                if i > 0 {
                    buffer.push(b',');
                }
                // Writing a string or a scalar into a `Vec` cannot fail.
                let _ = serde_json::to_writer(&mut *buffer, key);
                buffer.push(b':');
                write_canonical(value, buffer, hasher);
            }
            buffer.push(b'}');
        }
        Value::Array(items) => {
            buffer.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    buffer.push(b',');
                }
                write_canonical(item, buffer, hasher);
            }
            buffer.push(b']');
        }
        scalar => {
            let _ = serde_json::to_writer(&mut *buffer, scalar);
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_is_detected_from_content() {
        assert_eq!(detect_format("  \n{\"openapi\": \"3.0.3\"}"), Format::Json);
        assert_eq!(detect_format("openapi: 3.0.3\n"), Format::Yaml);
        assert_eq!(detect_format("---\n{a: 1}"), Format::Yaml);
    }

    #[test]
    fn json_and_yaml_forms_have_one_content_digest() {
        let json = load(
            br#"{"openapi":"3.0.3","info":{"title":"T","version":"1"},"paths":{}}"#,
            "a.json",
        )
        .unwrap();
        let yaml = load(
            b"info:\n  version: '1'\n  title: T\nopenapi: 3.0.3\npaths: {}\n",
            "a.yaml",
        )
        .unwrap();
        assert_eq!(json.format, Format::Json);
        assert_eq!(yaml.format, Format::Yaml);
        assert_eq!(json.content_sha256, yaml.content_sha256);
        assert_ne!(json.file_sha256, yaml.file_sha256);
    }

    #[test]
    fn yaml_keeps_key_order_and_stringifies_number_keys() {
        let doc = load(
            b"responses:\n  200: {description: ok}\n  404: {description: no}\n",
            "x",
        )
        .unwrap();
        let keys: Vec<&String> = doc.value["responses"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["200", "404"]);
    }

    #[test]
    fn yaml_merge_keys_are_applied() {
        let doc = load(
            b"base: &b {type: string}\nuse:\n  <<: *b\n  format: uuid\n",
            "x",
        )
        .unwrap();
        assert_eq!(doc.value["use"]["type"], "string");
        assert_eq!(doc.value["use"]["format"], "uuid");
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err = load(b"{\n  \"openapi\": 3.0,\n  oops\n}", "bad.json").unwrap_err();
        assert_eq!(err.location, Some(Location { line: 3, column: 3 }));
        assert!(
            err.message
                .starts_with("bad.json is not valid JSON: key must be a string"),
            "{}",
            err.message
        );

        let err = load(b"openapi: 3.0.3\ninfo:\n  title: [unclosed\n", "bad.yaml").unwrap_err();
        assert!(
            err.message.starts_with("bad.yaml is not valid YAML"),
            "{}",
            err.message
        );
        assert!(err.location.is_some());
    }

    #[test]
    fn invalid_utf8_is_an_error_not_a_panic() {
        let err = load(b"openapi: \xff", "x").unwrap_err();
        assert!(err.message.contains("not UTF-8"));
    }
}

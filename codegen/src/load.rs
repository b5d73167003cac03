//! Stage 1, load: bytes of an OpenAPI document (JSON or YAML) into a JSON value, plus the
//! digests that identify the document.
//!
//! The format is detected from the content, not the file name. YAML parsing stays behind
//! [`parse_yaml`] alone.

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

/// The only place that parses YAML, as YAML 1.2 (what PeerTube's own tooling, js-yaml, reads).
///
/// Mapping keys that are not strings (`200:` unquoted) become their string form, as JSON needs;
/// anchors and `<<` merge keys are applied (a key written in the mapping wins over a merged one).
/// Errors give the line and column.
pub fn parse_yaml(text: &str, origin: &str) -> Result<Value, Diagnostic> {
    use saphyr::{LoadableYamlNode, MarkedYaml};

    let documents = MarkedYaml::load_from_str(text).map_err(|e| {
        let marker = e.marker();
        let diagnostic = Diagnostic::error(format!("{origin} is not valid YAML: {}", e.info()))
            .at_location(Location {
                line: marker.line(),
                column: marker.col() + 1,
            });
        // The scanner says "invalid indentation" where the cause is often further up.
        if e.info().contains("indentation") {
            diagnostic.hint(
                "look above this place too: a `{`, `[` or quote left open, or a line indented less than its block",
            )
        } else {
            diagnostic
        }
    })?;
    let mut documents = documents.into_iter();
    let document = documents.next();
    if let Some(second) = documents.next() {
        return Err(Diagnostic::error(format!(
            "{origin} holds more than one YAML document"
        ))
        .at_location(location(&second))
        .hint("an OpenAPI document is one YAML document: remove the `---` that starts another"));
    }
    match document {
        Some(document) => yaml_to_json(document, origin),
        None => Ok(Value::Null),
    }
}

fn location(node: &saphyr::MarkedYaml) -> Location {
    Location {
        line: node.span.start.line(),
        column: node.span.start.col() + 1,
    }
}

fn yaml_to_json(node: saphyr::MarkedYaml, origin: &str) -> Result<Value, Diagnostic> {
    use saphyr::{Scalar, YamlData};

    let at = location(&node);
    let fail = |what: String| Diagnostic::error(format!("{origin}: {what}")).at_location(at);
    Ok(match node.data {
        YamlData::Value(Scalar::Null) => Value::Null,
        YamlData::Value(Scalar::Boolean(b)) => Value::Bool(b),
        YamlData::Value(Scalar::Integer(i)) => Value::from(i),
        YamlData::Value(Scalar::FloatingPoint(f)) => serde_json::Number::from_f64(f.into_inner())
            .map(Value::Number)
            .ok_or_else(|| fail(format!("the number `{f}` cannot be written in JSON")))?,
        YamlData::Value(Scalar::String(s)) => Value::String(s.into_owned()),
        // Only produced for scalars left unparsed, which loading does not do; their text is
        // the safe reading.
        YamlData::Representation(text, ..) => Value::String(text.into_owned()),
        YamlData::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(|item| yaml_to_json(item, origin))
                .collect::<Result<_, _>>()?,
        ),
        YamlData::Mapping(entries) => {
            let explicit: Vec<(String, saphyr::MarkedYaml)> = entries
                .into_iter()
                .map(|(key, value)| Ok((mapping_key(key, origin)?, value)))
                .collect::<Result<_, Diagnostic>>()?;
            let mut object = serde_json::Map::with_capacity(explicit.len());
            let written: std::collections::HashSet<String> = explicit
                .iter()
                .filter(|(key, _)| key != MERGE_KEY)
                .map(|(key, _)| key.clone())
                .collect();
            for (key, value) in explicit {
                if key == MERGE_KEY {
                    merge_into(&mut object, &written, value, origin)?;
                } else {
                    object.insert(key, yaml_to_json(value, origin)?);
                }
            }
            Value::Object(object)
        }
        YamlData::Tagged(_, inner) => yaml_to_json(*inner, origin)?,
        YamlData::Alias(_) => return Err(fail("an alias to an unknown anchor".to_owned())),
        YamlData::BadValue => {
            return Err(fail(
                "a value its tag cannot hold (like `!!int abc`)".to_owned(),
            ));
        }
    })
}

/// The YAML 1.1 merge key, which js-yaml applies too.
const MERGE_KEY: &str = "<<";

/// Applies `<<: *anchor` (or a list of anchors, earlier ones first): the merged mappings' keys
/// that the mapping does not write itself.
fn merge_into(
    object: &mut serde_json::Map<String, Value>,
    written: &std::collections::HashSet<String>,
    merged: saphyr::MarkedYaml,
    origin: &str,
) -> Result<(), Diagnostic> {
    let at = location(&merged);
    let sources = match yaml_to_json(merged, origin)? {
        Value::Array(items) => items,
        single => vec![single],
    };
    for source in sources {
        let Value::Object(source) = source else {
            return Err(Diagnostic::error(format!(
                "{origin}: a `<<` merge key takes a mapping or a list of mappings"
            ))
            .at_location(at));
        };
        for (key, value) in source {
            if !written.contains(&key) && !object.contains_key(&key) {
                object.insert(key, value);
            }
        }
    }
    Ok(())
}

/// A mapping key as JSON needs it: a string, or a scalar's string form.
fn mapping_key(key: saphyr::MarkedYaml, origin: &str) -> Result<String, Diagnostic> {
    use saphyr::{Scalar, YamlData};

    let at = location(&key);
    match key.data {
        YamlData::Tagged(_, inner) => mapping_key(*inner, origin),
        YamlData::Value(Scalar::String(s)) => Ok(s.into_owned()),
        YamlData::Value(Scalar::Integer(i)) => Ok(i.to_string()),
        YamlData::Value(Scalar::FloatingPoint(f)) => Ok(f.to_string()),
        YamlData::Value(Scalar::Boolean(b)) => Ok(b.to_string()),
        YamlData::Value(Scalar::Null) => Ok("null".to_owned()),
        YamlData::Representation(text, ..) => Ok(text.into_owned()),
        _ => Err(Diagnostic::error(format!(
            "{origin} uses a YAML mapping key that is not a scalar"
        ))
        .at_location(at)
        .hint("OpenAPI documents only use string keys")),
    }
}

/// serde_json appends " at line X column Y"; the location is reported separately.
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
    fn a_tab_after_the_indentation_of_a_block_scalar_is_content() {
        // libyaml (serde_yaml) rejects this file; js-yaml reads it as below.
        let text = include_str!("../../spec/fixtures/yaml/tab_in_block_scalar.yaml");
        let doc = load(text.as_bytes(), "tab_in_block_scalar.yaml").unwrap();
        assert_eq!(
            doc.value["components"]["schemas"]["Video"]["properties"]["description"]["example"],
            "\t\"**Take back the control of your videos!**\\r\\n\n **A decentralized video hosting network**\n"
        );
    }

    #[test]
    fn yaml_1_2_scalars_read_as_js_yaml_reads_them() {
        let doc = load(
            b"a: yes\nb: 0o17\nc: 3.0\nd: ~\ne: '200'\nf: !!str 12\ng: 012\n",
            "x",
        )
        .unwrap();
        assert_eq!(
            doc.value,
            serde_json::json!({"a": "yes", "b": 15, "c": 3.0, "d": null, "e": "200", "f": "12", "g": 12})
        );
    }

    #[test]
    fn explicit_keys_win_over_merged_ones() {
        let doc = load(
            b"a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  x: 0\n  <<: [*a, *b]\n",
            "x",
        )
        .unwrap();
        assert_eq!(doc.value["c"], serde_json::json!({"x": 0, "y": 1, "z": 2}));
    }

    #[test]
    fn values_json_cannot_hold_are_errors_at_their_place() {
        let err = load(b"a:\n  b: !!int abc\n", "x.yaml").unwrap_err();
        assert_eq!(err.location, Some(Location { line: 2, column: 6 }));
        let err = load(b"a: .inf\n", "x.yaml").unwrap_err();
        assert!(
            err.message.contains("cannot be written in JSON"),
            "{}",
            err.message
        );
        let err = load(b"? [a, b]\n: c\n", "x.yaml").unwrap_err();
        assert!(err.message.contains("not a scalar"), "{}", err.message);
        let err = load(b"a: 1\n---\nb: 2\n", "x.yaml").unwrap_err();
        assert!(
            err.message.contains("more than one YAML document"),
            "{}",
            err.message
        );
        let err = load(b"a: 1\na: 2\n", "x.yaml").unwrap_err();
        assert_eq!(err.location.map(|l| l.line), Some(2));
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let err = load(text.as_bytes(), "bomb.yaml").unwrap_err();
        assert!(err.message.contains("alias"), "{}", err.message);
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

//! `multipart/form-data` bodies from the generated body types.
//!
//! The body is encoded through serde, then flattened the way PeerTube's server reads forms
//! (multer with `append-field`), which is also how PeerTube's own clients write them: nested
//! objects and arrays use brackets (`scheduleUpdate[updateAt]`, `tags[0]`, `tags[1]`). A
//! repeated plain key would reach the server as a string when it occurs once, so arrays are
//! indexed even where the API document asks for `style: form`.
//!
//! Files cannot be encoded through serde; while a body is encoded here, each [`FilePart`] is
//! set aside (see [`file::setting_aside`]) and stands in the encoded value as a placeholder,
//! which becomes a file part.

use serde::Serialize;
use serde_json::Value;

use super::file::{self, FilePart};

/// A part's value.
#[derive(Clone, Debug)]
pub(crate) enum PartValue {
    Text(String),
    File(FilePart),
}

/// The parts of a multipart body, in the order of its fields.
pub(crate) fn parts<T: Serialize>(body: &T) -> Result<Vec<(String, PartValue)>, String> {
    let (value, files) = file::setting_aside(|| serde_json::to_value(body));
    let value = value.map_err(|e| e.to_string())?;
    let Value::Object(fields) = value else {
        return Err("a multipart body must be an object".to_owned());
    };
    let mut parts = Vec::new();
    for (name, value) in fields {
        flatten(name, value, &files, &mut parts);
    }
    Ok(parts)
}

fn flatten(name: String, value: Value, files: &[FilePart], parts: &mut Vec<(String, PartValue)>) {
    match value {
        Value::Null => {}
        Value::Bool(b) => parts.push((name, PartValue::Text(b.to_string()))),
        Value::Number(n) => parts.push((name, PartValue::Text(n.to_string()))),
        Value::String(s) => {
            let file = file::set_aside_index(&s).and_then(|index| files.get(index));
            match file {
                Some(file) => parts.push((name, PartValue::File(file.clone()))),
                None => parts.push((name, PartValue::Text(s))),
            }
        }
        Value::Array(items) => {
            for (index, item) in items.into_iter().enumerate() {
                flatten(format!("{name}[{index}]"), item, files, parts);
            }
        }
        Value::Object(members) => {
            for (key, member) in members {
                flatten(format!("{name}[{key}]"), member, files, parts);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Schedule {
        #[serde(rename = "updateAt")]
        update_at: String,
    }

    #[derive(Serialize)]
    struct Upload {
        name: String,
        #[serde(rename = "channelId")]
        channel_id: i64,
        nsfw: Option<bool>,
        tags: Vec<String>,
        #[serde(rename = "scheduleUpdate")]
        schedule_update: Schedule,
        videofile: FilePart,
    }

    fn text(parts: &[(String, PartValue)]) -> Vec<(String, String)> {
        parts
            .iter()
            .map(|(name, value)| match value {
                PartValue::Text(t) => (name.clone(), t.clone()),
                PartValue::File(f) => (name.clone(), format!("file {}", f.name().unwrap_or("?"))),
            })
            .collect()
    }

    #[test]
    fn fields_flatten_with_brackets_and_files_become_file_parts() {
        let upload = Upload {
            name: "a & b".into(),
            channel_id: 3,
            nsfw: None,
            tags: vec!["x".into(), "y".into()],
            schedule_update: Schedule {
                update_at: "2024-01-01T00:00:00Z".into(),
            },
            videofile: FilePart::from_bytes(vec![0, 1]).file_name("clip.mp4"),
        };
        let parts = parts(&upload).unwrap();
        assert_eq!(
            text(&parts),
            [
                ("name".into(), "a & b".into()),
                ("channelId".into(), "3".into()),
                ("tags[0]".into(), "x".into()),
                ("tags[1]".into(), "y".into()),
                (
                    "scheduleUpdate[updateAt]".into(),
                    "2024-01-01T00:00:00Z".into()
                ),
                ("videofile".into(), "file clip.mp4".into()),
            ]
        );
    }

    #[test]
    fn only_objects_are_multipart_bodies() {
        assert!(parts(&vec![1, 2]).is_err());
    }
}

//! Overlay drift: how the maintainers' corrections fare on a new document.
//!
//! Code generation stops on an action whose target selects nothing; for a review, the actions
//! are tried one by one instead: those that still apply are applied, and the others are
//! reported, along with the actions that change nothing because upstream now says the same.

use serde_json::Value;
use serde_json_path::JsonPath;

use crate::overlay::{self, Action, Overlay};

/// An overlay action that no longer applies as it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// The action's index in the overlay (`#/actions/{index}`).
    pub index: usize,
    /// The action's JSONPath target.
    pub target: String,
    /// The first sentence of the action's description.
    pub about: Option<String>,
    /// How it drifted.
    pub kind: DriftKind,
}

/// How an overlay action drifted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DriftKind {
    /// The target selects nothing: the document changed there (maybe fixing what the action
    /// corrected); remove the action, or update its target.
    NoMatch,
    /// Every node the target selects already says what the update says: upstream fixed it,
    /// and the action can go.
    Redundant,
    /// The action cannot be applied to this document (the message says why).
    Fails(String),
}

impl Drift {
    /// What to tell the maintainer, in a sentence.
    pub fn sentence(&self) -> String {
        let about = self
            .about
            .as_deref()
            .map(|a| format!(" ({a})"))
            .unwrap_or_default();
        let what = match &self.kind {
            DriftKind::NoMatch => format!(
                "its target `{}` selects nothing: remove the action if upstream now says what it corrected, else update the target",
                self.target
            ),
            DriftKind::Redundant => format!(
                "upstream now says what it sets at `{}`: the action can be removed",
                self.target
            ),
            DriftKind::Fails(message) => format!("it cannot be applied: {message}"),
        };
        format!("action {}{about}: {what}", self.index)
    }
}

/// Applies every action of `overlay` that still applies to `document`, in order, and reports
/// the others.
pub fn apply(document: &mut Value, overlay: &Overlay) -> Vec<Drift> {
    let mut drift = Vec::new();
    for (index, action) in overlay.actions.iter().enumerate() {
        let kind = match check(document, action) {
            Ok(()) => {
                let single = Overlay {
                    actions: vec![action.clone()],
                    ..overlay.clone()
                };
                match overlay::apply(document, &single) {
                    Ok(_) => continue,
                    Err(errors) => DriftKind::Fails(
                        errors
                            .errors()
                            .next()
                            .map(|e| e.message.clone())
                            .unwrap_or_default(),
                    ),
                }
            }
            Err(kind) => kind,
        };
        drift.push(Drift {
            index,
            target: action.target.clone(),
            about: action
                .description
                .as_deref()
                .and_then(|d| d.split(". ").next())
                .map(|d| d.trim().trim_end_matches('.').to_owned()),
            kind,
        });
    }
    drift
}

/// Whether `action` would change `document`.
fn check(document: &Value, action: &Action) -> Result<(), DriftKind> {
    let path = JsonPath::parse(&action.target).map_err(|e| {
        DriftKind::Fails(format!("`{}` is not a valid JSONPath: {e}", action.target))
    })?;
    let nodes = path.query(document).all();
    if nodes.is_empty() {
        return Err(DriftKind::NoMatch);
    }
    match &action.update {
        Some(update) if !action.remove && nodes.iter().all(|node| already_says(node, update)) => {
            Err(DriftKind::Redundant)
        }
        _ => Ok(()),
    }
}

/// Whether merging `update` into `node` would leave it as it is (arrays: every item is there).
fn already_says(node: &Value, update: &Value) -> bool {
    match (node, update) {
        (Value::Object(node), Value::Object(update)) => update
            .iter()
            .all(|(key, value)| node.get(key).is_some_and(|n| already_says(n, value))),
        (Value::Array(node), Value::Array(update)) => update.iter().all(|item| node.contains(item)),
        (node, update) => node == update,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn overlay(actions: &str) -> Overlay {
        let text =
            format!("overlay: 1.0.0\ninfo: {{title: test, version: '1'}}\nactions:\n{actions}");
        overlay::parse(text.as_bytes(), "test.yaml").unwrap()
    }

    #[test]
    fn actions_that_apply_are_applied_and_the_others_reported() {
        let mut document = json!({"components": {"schemas": {
            "Video": {"properties": {"id": {"type": "integer", "nullable": true}}, "required": ["id"]},
            "Channel": {"properties": {"id": {"type": "integer"}}}
        }}});
        let overlay = overlay(concat!(
            "  - target: $.components.schemas.Gone\n    description: Gone lacks a field. Seen on 8.0.\n    update: {x: 1}\n",
            "  - target: $.components.schemas.Video.properties.id\n    update: {nullable: true}\n",
            "  - target: $.components.schemas.Video.required\n    update: [id]\n",
            "  - target: $.components.schemas.Channel.properties.id\n    update: {nullable: true}\n",
            "  - target: $.components.schemas.Channel.properties.id.type\n    update: {a: 1}\n",
        ));
        let drift = apply(&mut document, &overlay);
        let kinds: Vec<(usize, &DriftKind)> = drift.iter().map(|d| (d.index, &d.kind)).collect();
        assert_eq!(
            kinds[..3],
            [
                (0, &DriftKind::NoMatch),
                (1, &DriftKind::Redundant),
                (2, &DriftKind::Redundant)
            ]
        );
        assert!(matches!(kinds[3], (4, DriftKind::Fails(m)) if m.contains("cannot merge")));
        assert_eq!(drift[0].about.as_deref(), Some("Gone lacks a field"));
        assert_eq!(
            document["components"]["schemas"]["Channel"]["properties"]["id"]["nullable"],
            true
        );
        assert_eq!(
            document["components"]["schemas"]["Video"]["required"],
            json!(["id"])
        );
    }
}

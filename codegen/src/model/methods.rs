//! Every operation, named: the method of `Client` and the stem of its types. Names the names
//! file pins are taken first (an entry for an operation the document lacks is a warning); an operation it misses (when it pins any) is named after its
//! `operationId` in snake_case, else after its method and path, with a warning; a name taken
//! already gets the next best, with a warning.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::naming::{self, RustName, Scope};
use crate::pointer::Pointer;
use crate::resolve::{self, Resolved};

/// The stems of the names of types written inside operations, keyed by (path, method).
#[derive(Debug, Default)]
pub struct OperationStems {
    pub stems: HashMap<(String, String), String>,
}

/// An operation before its types are converted: where it is and what it is called.
pub struct Skeleton<'a> {
    pub name: RustName,
    pub stem: RustName,
    pub method: String,
    pub path: String,
    pub pointer: Pointer,
    pub operation: &'a resolve::Operation,
}

/// Every operation in document order, named, with the stems for its inline types.
pub fn skeletons<'a>(
    resolved: &'a Resolved,
    overrides: &BTreeMap<String, String>,
    diagnostics: &mut Diagnostics,
) -> (Vec<Skeleton<'a>>, OperationStems) {
    let mut list = Vec::new();
    let mut stems = OperationStems::default();
    let mut unused_overrides: BTreeSet<&String> = overrides.keys().collect();
    // Names a maintainer pinned are taken first, so no generated name can take them.
    let mut pinned = Scope::new();
    for (key, name) in overrides {
        if naming::CLIENT_METHODS.contains(&name.as_str()) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "the method name `{name}` given for `{key}` is a method `Client` already has"
                ))
                .hint(format!("pick another, such as `{name}_operation`")),
            );
        } else if !naming::is_identifier(name) || naming::snake_name(name).to_string() != *name {
            diagnostics.push(
                Diagnostic::error(format!(
                    "the method name `{name}` given for `{key}` is not a snake_case identifier"
                ))
                .hint("names look like `list_video_captions`"),
            );
        } else if pinned.claim(name).collided_with.is_some() {
            diagnostics.push(Diagnostic::error(format!(
                "the method name `{name}` is given to two operations"
            )));
        }
    }
    let mut methods = Scope::new();
    for name in naming::CLIENT_METHODS.iter().copied() {
        methods.reserve(name);
    }
    for name in overrides.values() {
        methods.reserve(name);
    }
    let mut operation_ids: BTreeMap<String, Pointer> = BTreeMap::new();
    for item in &resolved.paths {
        let operations = match &item.operations {
            Ok(operations) => operations,
            Err(error) => {
                diagnostics.push(error.clone());
                continue;
            }
        };
        let path = &item.path;
        for operation in operations {
            let method = &operation.method;
            let pointer = operation.pointer.clone();
            let operation_id = operation.operation_id.as_deref();
            if let Some(id) = operation_id {
                if let Some(previous) = operation_ids.get(id) {
                    diagnostics.push(
                        Diagnostic::error(format!(
                            "operationId `{id}` is used twice (first at {previous})"
                        ))
                        .at(&pointer.push("operationId"))
                        .hint("operationIds must be unique; rename one"),
                    );
                    continue;
                }
                operation_ids.insert(id.to_owned(), pointer.clone());
            }
            let key = format!("{} {path}", method.to_ascii_uppercase());
            let pinned_name = overrides.get(&key);
            unused_overrides.remove(&key);
            let claimed = match pinned_name {
                Some(name) => naming::Claimed {
                    name: RustName::new(name.as_str()),
                    collided_with: None,
                },
                // On a collision, the name built from the method and path is the next best.
                None => methods.claim_or(
                    naming::operation_name(method, path, operation_id),
                    naming::operation_name(method, path, None),
                ),
            };
            if let Some(collided) = &claimed.collided_with {
                let (message, hint) = if naming::CLIENT_METHODS.contains(&collided.as_str()) {
                    (
                        "is a method `Client` already has",
                        "pin another name in the names file",
                    )
                } else {
                    (
                        "is the name of another operation",
                        "give the operation an operationId",
                    )
                };
                diagnostics.push(
                    Diagnostic::warning(format!(
                        "`{collided}` {message}; this operation's method is `{}`",
                        claimed.name
                    ))
                    .at(&pointer)
                    .hint(hint),
                );
            }
            // With a names file, every operation should be in it: a new one in a new document
            // generates, but under a stopgap name the maintainer is told about.
            if pinned_name.is_none() && !overrides.is_empty() {
                diagnostics.push(
                    Diagnostic::warning(format!(
                        "`{key}` has no name in the names file; its method is `{}` for now",
                        claimed.name
                    ))
                    .at(&pointer)
                    .hint(format!(
                        "add `{key}: verb_noun` to the names file, by the rules at its top"
                    )),
                );
            }
            let stem = match pinned_name {
                Some(name) => naming::operation_type_stem(&RustName::new(name.as_str()), None),
                None => naming::operation_type_stem(&claimed.name, operation_id),
            };
            stems
                .stems
                .insert((path.clone(), method.clone()), stem.to_string());
            list.push(Skeleton {
                name: claimed.name,
                stem,
                method: method.clone(),
                path: path.clone(),
                pointer,
                operation,
            });
        }
    }
    // A warning, not an error: a new document without an operation still generates (and its
    // upgrade report lists the method as removed).
    for key in unused_overrides {
        diagnostics.push(
            Diagnostic::warning(format!("a method name is given for `{key}`, but the document has no such operation"))
                .hint("the operation moved or was removed upstream: update or remove the entry in the names file"),
        );
    }
    (list, stems)
}

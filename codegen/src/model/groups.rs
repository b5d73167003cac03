//! The parts of the crate: operations in groups of tags (the document's `x-tagGroups`, as the
//! groups file changes them), each group a module of methods and a Cargo feature; and, for
//! each type, the groups whose operations use it.

use std::collections::BTreeSet;

use super::{Operation, SplitHalf, TypeDef, TypeId, visit};
use crate::naming::{RustName, snake_name};

/// Groups of tags by name, in order, that change the document's groups: see
/// [`crate::read_groups`].
pub type GroupTable = Vec<(String, Vec<String>)>;

/// The group of operations whose tags are in no group.
const UNGROUPED: &str = "Other";

/// A part of the API: a module of methods and a Cargo feature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// As the document or the groups file names it (`Remote Jobs`).
    pub name: String,
    /// Its module (`remote_jobs`).
    pub module: RustName,
    /// Its Cargo feature (`remote-jobs`).
    pub feature: String,
    /// The tags of its operations, in order.
    pub tags: Vec<String>,
}

/// When a type is compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeGroups {
    /// Always: a schema the document only declares, or a type such a schema holds.
    Always,
    /// When any of these groups (indexes of [`super::Model::groups`], ascending) is on: those
    /// whose operations send or read it.
    Any(Vec<usize>),
}

/// The document's groups of tags changed by `table`: each entry takes the tags it lists from
/// the groups that had them, and joins the group of its name, or is a new group placed after
/// the one its first tag came from (at the end when that tag was in no group). Groups left
/// without tags are dropped.
pub fn group_tags(declared: &[(String, Vec<String>)], table: &GroupTable) -> GroupTable {
    let mut groups: GroupTable = declared.to_vec();
    // Groups made here, with the group their first tag came from: they keep the table's order.
    let mut made: Vec<(String, Option<String>)> = Vec::new();
    for (name, tags) in table {
        let mut first_home = None;
        for tag in tags {
            for (index, (_, group_tags)) in groups.iter_mut().enumerate() {
                if let Some(at) = group_tags.iter().position(|t| t == tag) {
                    group_tags.remove(at);
                    first_home.get_or_insert(index);
                }
            }
        }
        match groups.iter_mut().find(|(existing, _)| existing == name) {
            Some((_, group_tags)) => group_tags.extend(tags.iter().cloned()),
            None => {
                let donor = first_home
                    .and_then(|index| groups.get(index))
                    .map(|(n, _)| n.clone());
                let mut at = first_home.map_or(groups.len(), |index| index + 1);
                // After the groups made before from the same donor.
                while groups.get(at).is_some_and(|(next, _)| {
                    made.iter()
                        .any(|(n, d)| n == next && d.as_ref() == donor.as_ref())
                }) {
                    at += 1;
                }
                made.push((name.clone(), donor));
                groups.insert(at, (name.clone(), tags.clone()));
            }
        }
    }
    groups.retain(|(_, tags)| !tags.is_empty());
    groups
}

/// Puts each operation in the group of its first tag that has one (operations with none go to
/// an `Other` group), and returns the groups that hold operations, in order.
pub fn assign(tag_groups: &GroupTable, operations: &mut [Operation]) -> Vec<Group> {
    let mut groups: Vec<Group> = tag_groups
        .iter()
        .map(|(name, tags)| group(name, tags.clone()))
        .collect();
    let mut used = vec![false; groups.len() + 1];
    for operation in operations.iter_mut() {
        let home = operation
            .tags
            .iter()
            .find_map(|tag| groups.iter().position(|g| g.tags.contains(tag)));
        let index = match home {
            Some(index) => index,
            None => match groups.iter().position(|g| g.name == UNGROUPED) {
                Some(index) => index,
                None => {
                    groups.push(group(UNGROUPED, Vec::new()));
                    groups.len() - 1
                }
            },
        };
        operation.group = index;
        if let Some(flag) = used.get_mut(index) {
            *flag = true;
        }
    }
    // Renumber without the groups that hold no operation.
    let mut renumbered = vec![0; groups.len()];
    let mut kept = Vec::new();
    for (index, group) in groups.into_iter().enumerate() {
        if used.get(index).copied().unwrap_or(false) {
            if let Some(slot) = renumbered.get_mut(index) {
                *slot = kept.len();
            }
            kept.push(group);
        }
    }
    for operation in operations {
        operation.group = renumbered.get(operation.group).copied().unwrap_or(0);
    }
    kept
}

fn group(name: &str, tags: Vec<String>) -> Group {
    let module = snake_name(name);
    let feature = module.as_str().trim_start_matches("r#").replace('_', "-");
    Group {
        name: name.to_owned(),
        module,
        feature,
        tags,
    }
}

/// For each type (by id), when it is compiled: with the groups of the operations that send or
/// read it, or always when a schema no operation uses holds it.
pub fn type_groups(defs: &[TypeDef], operations: &[Operation]) -> Vec<TypeGroups> {
    let mut used: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); defs.len()];
    let mut always = vec![false; defs.len()];
    let reach = |roots: Vec<TypeId>, mut mark: Box<dyn FnMut(usize) -> bool + '_>| {
        let mut stack = roots;
        while let Some(id) = stack.pop() {
            let Some(def) = defs.get(id.0) else {
                continue;
            };
            if !mark(id.0) {
                continue;
            }
            visit::for_each_value(def, |ty, _| ty.visit_named(&mut |next| stack.push(next)));
            // A sent type converts from its read type, which it therefore needs.
            if let Some(SplitHalf::Sent { read }) = def.split {
                stack.push(read);
            }
        }
    };
    for operation in operations {
        let mut roots = Vec::new();
        for ty in operation.request_types().chain(operation.response_types()) {
            ty.visit_named(&mut |id| roots.push(id));
        }
        let group = operation.group;
        reach(
            roots,
            Box::new(|index| used.get_mut(index).is_some_and(|set| set.insert(group))),
        );
    }
    let declared: Vec<TypeId> = defs
        .iter()
        .filter(|def| used.get(def.id.0).is_some_and(BTreeSet::is_empty))
        .map(|def| def.id)
        .collect();
    reach(
        declared,
        Box::new(|index| {
            always
                .get_mut(index)
                .is_some_and(|flag| !std::mem::replace(flag, true))
        }),
    );
    used.into_iter()
        .zip(always)
        .map(|(groups, always)| match always {
            true => TypeGroups::Always,
            false => TypeGroups::Any(groups.into_iter().collect()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(entries: &[(&str, &[&str])]) -> GroupTable {
        entries
            .iter()
            .map(|(name, tags)| {
                (
                    (*name).to_owned(),
                    tags.iter().map(|t| (*t).to_owned()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn the_table_splits_and_completes_the_documents_groups() {
        let declared = table(&[
            ("Accounts", &["Accounts", "Users", "My User"]),
            ("Videos", &["Video", "Video Channels", "Live Videos"]),
            ("Search", &["Search"]),
        ]);
        let changes = table(&[
            ("Users", &["Users", "My User"]),
            ("Channels", &["Video Channels"]),
            ("Live", &["Live Videos"]),
            ("Videos", &["Player Settings"]),
            ("Instance", &["Contact"]),
        ]);
        assert_eq!(
            group_tags(&declared, &changes),
            table(&[
                ("Accounts", &["Accounts"]),
                ("Users", &["Users", "My User"]),
                ("Videos", &["Video", "Player Settings"]),
                ("Channels", &["Video Channels"]),
                ("Live", &["Live Videos"]),
                ("Search", &["Search"]),
                ("Instance", &["Contact"]),
            ])
        );
    }

    #[test]
    fn a_group_gives_a_module_and_a_feature() {
        let group = group("Remote Jobs", Vec::new());
        assert_eq!(group.module.as_str(), "remote_jobs");
        assert_eq!(group.feature, "remote-jobs");
    }
}

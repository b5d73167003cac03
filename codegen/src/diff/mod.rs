//! What an upgrade of the API document changes for users of the generated crate.
//!
//! Each document goes through the pipeline up to the model; each model is reduced to the
//! crate's public surface (the methods of `Client` and the public types, spelled as the crate
//! spells them), and the two surfaces are compared member by member. Every change is marked
//! breaking or not under Rust's semver rules, which gives the version bump the upgrade implies.
//! Generated structs and enums are exhaustive, so a new field or enum value is a breaking
//! change (it breaks struct literals and exhaustive `match`es), as a new flag or a new optional
//! input of a request builder is not.
//!
//! The overlay's drift (actions whose target is gone, or which upstream now makes redundant) is
//! part of the report: see [`drift`].

pub mod drift;
mod render;
mod surface;

use std::collections::{BTreeMap, BTreeSet};

use crate::model::Model;
use surface::{Method, Shape, Surface, Type};

pub use drift::{Drift, DriftKind};

/// The differences between two models, and what they imply.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// `info.title` and `info.version` of the old document.
    pub old_api: (String, String),
    /// `info.title` and `info.version` of the new document.
    pub new_api: (String, String),
    /// Every change to the crate's public API, methods first.
    pub changes: Vec<Change>,
    /// The overlay's actions that no longer apply cleanly to the new document.
    pub drift: Vec<Drift>,
}

/// One change to the crate's public API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The method or type that changed.
    pub item: Item,
    /// The member of the item that changed (an argument, an option, a field, a variant, the
    /// return type ...); `None` for the item itself.
    pub member: Option<Member>,
    /// Added, removed, renamed, changed or deprecated.
    pub kind: Kind,
    /// What changed, in a sentence (Markdown).
    pub text: String,
    /// Whether code using the old crate may stop compiling.
    pub breaking: bool,
}

/// A method of `Client` or a public type, by name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Item {
    /// A method of `Client`.
    Method(String),
    /// A public type.
    Type(String),
}

/// The part of an item that changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Member {
    /// A method's required argument.
    Argument,
    /// A setter of a method's request builder.
    Option,
    /// What a method returns.
    Returns,
    /// The `_stream` method of a paginated list.
    Stream,
    /// The HTTP method and path a method calls.
    Route,
    /// The media type of a method's request body.
    Body,
    /// A field of a struct.
    Field,
    /// An enum's value, a variant, or a flag.
    Value,
    /// What an alias stands for.
    Target,
}

/// What happened to an item or member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// New in the new document.
    Added,
    /// Gone from the new document.
    Removed,
    /// The same operation under another name.
    Renamed,
    /// Its type, route or shape changed.
    Changed,
    /// Newly marked deprecated.
    Deprecated,
}

/// The version bump a set of changes implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Nothing changed.
    None,
    /// Fixes only: nothing added, nothing broken.
    Patch,
    /// Additions (and deprecations): nothing breaks.
    Minor,
    /// Something breaks.
    Major,
}

impl Bump {
    /// The next version after `current` (`MAJOR.MINOR.PATCH`) under Cargo's rules, where a
    /// `0.y.z` version takes breaking changes in `y` and the rest in `z`. `None` if `current`
    /// is not such a version.
    pub fn next_version(self, current: &str) -> Option<String> {
        let mut parts = current.split('.').map(|p| p.parse::<u64>().ok());
        let (Some(Some(major)), Some(Some(minor)), Some(Some(patch)), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        Some(match (self, major) {
            (Bump::None, _) => current.to_owned(),
            (Bump::Major, 0) => format!("0.{}.0", minor + 1),
            (Bump::Major, _) => format!("{}.0.0", major + 1),
            (Bump::Minor, 0) | (Bump::Patch, _) => format!("{major}.{minor}.{}", patch + 1),
            (Bump::Minor, _) => format!("{major}.{}.0", minor + 1),
        })
    }

    /// The bump as the summary words it ("a minor").
    pub fn word(self) -> &'static str {
        match self {
            Bump::None => "no",
            Bump::Patch => "a patch",
            Bump::Minor => "a minor",
            Bump::Major => "a major",
        }
    }
}

impl Report {
    /// Compares the crates two models generate. The drift is left empty (see [`drift`]).
    pub(crate) fn new(old: &Model, new: &Model) -> Report {
        Report {
            old_api: (old.api.title.clone(), old.api.version.clone()),
            new_api: (new.api.title.clone(), new.api.version.clone()),
            changes: compare(&surface::surface(old), &surface::surface(new)),
            drift: Vec::new(),
        }
    }

    /// The version bump the changes imply.
    pub fn bump(&self) -> Bump {
        self.changes
            .iter()
            .map(|c| match (c.breaking, c.kind) {
                (true, _) => Bump::Major,
                (false, Kind::Added | Kind::Deprecated) => Bump::Minor,
                (false, _) => Bump::Patch,
            })
            .max()
            .unwrap_or(Bump::None)
    }

    /// How many changes break code using the old crate.
    pub fn breaking_count(&self) -> usize {
        self.changes.iter().filter(|c| c.breaking).count()
    }

    /// How many changes there are of this kind, to items (`member` `None`) or to one kind of
    /// member; `method` chooses methods or types.
    pub fn count(&self, method: bool, member: Option<Member>, kind: Kind) -> usize {
        self.changes
            .iter()
            .filter(|c| matches!(c.item, Item::Method(_)) == method)
            .filter(|c| c.member == member && c.kind == kind)
            .count()
    }

    /// A one-screen summary for the terminal; `version` is the crate's current version.
    pub fn summary(&self, version: &str) -> String {
        render::summary(self, version)
    }

    /// A changelog entry in Markdown; `version` is the crate's current version.
    pub fn markdown(&self, version: &str) -> String {
        render::markdown(self, version)
    }
}

fn compare(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut changes = Vec::new();
    compare_methods(&old.methods, &new.methods, &mut changes);
    compare_types(&old.types, &new.types, &mut changes);
    changes
}

/// Methods are followed by route (parameter names left out), then by name: a method whose
/// name changed is renamed; one whose route changed keeps its name.
fn compare_methods(old: &[Method], new: &[Method], changes: &mut Vec<Change>) {
    let new_by_key: BTreeMap<&str, &Method> = new.iter().map(|m| (m.key.as_str(), m)).collect();
    let mut matched_new: BTreeSet<&str> = BTreeSet::new();
    let mut unmatched_old = Vec::new();
    for before in old {
        match new_by_key.get(before.key.as_str()) {
            Some(after) => {
                matched_new.insert(after.name.as_str());
                compare_method(before, after, changes);
            }
            None => unmatched_old.push(before),
        }
    }
    let unmatched_new: BTreeMap<&str, &Method> = new
        .iter()
        .filter(|m| !matched_new.contains(m.name.as_str()))
        .map(|m| (m.name.as_str(), m))
        .collect();
    let mut followed = BTreeSet::new();
    for before in unmatched_old {
        match unmatched_new.get(before.name.as_str()) {
            Some(after) => {
                followed.insert(after.name.as_str());
                compare_method(before, after, changes);
            }
            None => changes.push(Change {
                item: Item::Method(before.name.clone()),
                member: None,
                kind: Kind::Removed,
                text: format!("removed (`{}`)", before.route),
                breaking: true,
            }),
        }
    }
    for (name, after) in unmatched_new {
        if !followed.contains(name) {
            changes.push(Change {
                item: Item::Method(name.to_owned()),
                member: None,
                kind: Kind::Added,
                text: format!("added (`{}`)", after.route),
                breaking: false,
            });
        }
    }
}

/// Records the changes to one item.
struct Changes<'a> {
    item: Item,
    list: &'a mut Vec<Change>,
}

impl Changes<'_> {
    fn push(&mut self, member: Option<Member>, kind: Kind, text: String, breaking: bool) {
        self.list.push(Change {
            item: self.item.clone(),
            member,
            kind,
            text,
            breaking,
        });
    }

    /// Deprecating is an addition (a minor change); the reverse is not breaking either.
    fn deprecation(&mut self, was: bool, now: bool) {
        match (was, now) {
            (false, true) => self.push(None, Kind::Deprecated, "deprecated".to_owned(), false),
            (true, false) => self.push(
                None,
                Kind::Changed,
                "no longer deprecated".to_owned(),
                false,
            ),
            _ => {}
        }
    }
}

fn compare_method(old: &Method, new: &Method, changes: &mut Vec<Change>) {
    let mut changes = Changes {
        item: Item::Method(new.name.clone()),
        list: changes,
    };
    let mut push = |member: Option<Member>, kind: Kind, text: String, breaking: bool| {
        changes.push(member, kind, text, breaking)
    };
    if old.name != new.name {
        push(
            None,
            Kind::Renamed,
            format!("renamed from `{}` (`{}`)", old.name, new.route),
            true,
        );
    }
    if old.key != new.key {
        push(
            Some(Member::Route),
            Kind::Changed,
            format!("now calls `{}` (was `{}`)", new.route, old.route),
            false,
        );
    }
    let types = |m: &Method| -> Vec<String> { m.arguments.iter().map(|a| a.1.clone()).collect() };
    if types(old) != types(new) {
        push(
            Some(Member::Argument),
            Kind::Changed,
            format!(
                "arguments are `({})` (were `({})`)",
                signature(&new.arguments),
                signature(&old.arguments)
            ),
            true,
        );
    } else if old.arguments != new.arguments {
        push(
            Some(Member::Argument),
            Kind::Renamed,
            format!(
                "arguments renamed: `({})` (were `({})`)",
                signature(&new.arguments),
                signature(&old.arguments)
            ),
            false,
        );
    }
    match (old.options.is_empty(), new.options.is_empty()) {
        (true, false) => push(
            Some(Member::Returns),
            Kind::Changed,
            "now returns a request builder for its optional inputs: add `.send()` before `.await`"
                .to_owned(),
            true,
        ),
        (false, true) => push(
            Some(Member::Returns),
            Kind::Changed,
            "no longer returns a request builder (no optional inputs left): remove `.send()`"
                .to_owned(),
            true,
        ),
        _ => {}
    }
    for (name, change) in members(&old.options, &new.options) {
        let (kind, text, breaking) = match change {
            MemberChange::Added(ty) => (Kind::Added, format!("option `{name}: {ty}` added"), false),
            MemberChange::Removed(ty) => (
                Kind::Removed,
                format!("option `{name}: {ty}` removed"),
                true,
            ),
            MemberChange::Changed(was, now) => (
                Kind::Changed,
                format!("option `{name}` is `{now}` (was `{was}`)"),
                true,
            ),
        };
        push(Some(Member::Option), kind, text, breaking);
    }
    if old.returns != new.returns {
        push(
            Some(Member::Returns),
            Kind::Changed,
            format!("returns `{}` (was `{}`)", new.returns, old.returns),
            true,
        );
    }
    match (&old.stream, &new.stream) {
        (None, Some(item)) => push(
            Some(Member::Stream),
            Kind::Added,
            format!(
                "`{}_stream` added: every `{item}`, page after page",
                new.name
            ),
            false,
        ),
        (Some(_), None) => push(
            Some(Member::Stream),
            Kind::Removed,
            format!("`{}_stream` removed (no longer paginated)", old.name),
            true,
        ),
        (Some(was), Some(now)) if was != now => push(
            Some(Member::Stream),
            Kind::Changed,
            format!("`{}_stream` yields `{now}` (was `{was}`)", new.name),
            true,
        ),
        _ => {}
    }
    if let (Some(was), Some(now)) = (&old.body_media_type, &new.body_media_type)
        && was != now
    {
        push(
            Some(Member::Body),
            Kind::Changed,
            format!("sends its body as `{now}` (was `{was}`)"),
            false,
        );
    }
    changes.deprecation(old.deprecated, new.deprecated);
}

fn signature(arguments: &[(String, String)]) -> String {
    arguments
        .iter()
        .map(|(name, ty)| format!("{name}: {ty}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Types are followed by name, then by where their schema is written: a type whose name
/// changed but whose schema did not move is renamed.
fn compare_types(
    old: &BTreeMap<String, Type>,
    new: &BTreeMap<String, Type>,
    changes: &mut Vec<Change>,
) {
    let removed: Vec<(&String, &Type)> =
        old.iter().filter(|(n, _)| !new.contains_key(*n)).collect();
    let added: Vec<(&String, &Type)> = new.iter().filter(|(n, _)| !old.contains_key(*n)).collect();
    // A removed type and an added one are one type renamed when exactly one added type has
    // its schema's place, or else exactly one has its shape (and no other removed type does).
    let unique = |removed_type: &Type, same: &dyn Fn(&Type, &Type) -> bool| -> Option<&str> {
        let candidates: Vec<&String> = added
            .iter()
            .filter(|(_, after)| same(removed_type, after))
            .map(|(n, _)| *n)
            .collect();
        let rivals = removed
            .iter()
            .filter(|(_, other)| candidates.first().is_some_and(|c| same(other, &new[*c])))
            .count();
        match candidates.as_slice() {
            [only] if rivals == 1 => Some(only.as_str()),
            _ => None,
        }
    };
    let mut renamed_to: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, before) in &removed {
        let to = unique(before, &|a, b| a.origin == b.origin)
            .or_else(|| unique(before, &|a, b| a.shape == b.shape));
        if let Some(to) = to
            && !renamed_to.values().any(|taken| *taken == to)
        {
            renamed_to.insert(name.as_str(), to);
        }
    }
    let renamed_from: BTreeMap<&str, &str> = renamed_to.iter().map(|(a, b)| (*b, *a)).collect();
    for (name, before) in old {
        if let Some(after) = new.get(name) {
            compare_type(name, before, after, changes);
        } else if let Some(new_name) = renamed_to.get(name.as_str()) {
            changes.push(Change {
                item: Item::Type((*new_name).to_owned()),
                member: None,
                kind: Kind::Renamed,
                text: format!("renamed from `{name}`"),
                breaking: true,
            });
            compare_type(new_name, before, &new[*new_name], changes);
        } else {
            changes.push(Change {
                item: Item::Type(name.clone()),
                member: None,
                kind: Kind::Removed,
                text: "removed".to_owned(),
                breaking: true,
            });
        }
    }
    for (name, after) in added {
        if !renamed_from.contains_key(name.as_str()) {
            changes.push(Change {
                item: Item::Type(name.clone()),
                member: None,
                kind: Kind::Added,
                text: format!("added ({})", after.shape.kind()),
                breaking: false,
            });
        }
    }
}

fn compare_type(name: &str, old: &Type, new: &Type, changes: &mut Vec<Change>) {
    let mut changes = Changes {
        item: Item::Type(name.to_owned()),
        list: changes,
    };
    changes.deprecation(old.deprecated, new.deprecated);
    let mut push = |member: Option<Member>, kind: Kind, text: String, breaking: bool| {
        changes.push(member, kind, text, breaking)
    };
    let (old_members, new_members) = match (&old.shape, &new.shape) {
        (Shape::Alias(was), Shape::Alias(now)) => {
            if was != now {
                push(
                    Some(Member::Target),
                    Kind::Changed,
                    format!("stands for `{now}` (was `{was}`)"),
                    true,
                );
            }
            return;
        }
        (Shape::Struct(was), Shape::Struct(now)) => {
            compare_fields(was, now, &mut push);
            return;
        }
        (Shape::Enum(a), Shape::Enum(b))
        | (Shape::Flags(a), Shape::Flags(b))
        | (Shape::Variants(a), Shape::Variants(b)) => (a, b),
        (was, now) => {
            push(
                None,
                Kind::Changed,
                format!("is {} (was {})", now.kind(), was.kind()),
                true,
            );
            return;
        }
    };
    let shape = &new.shape;
    let word = shape.member();
    let old_members: BTreeMap<String, String> = old_members.iter().cloned().collect();
    let new_members: BTreeMap<String, String> = new_members.iter().cloned().collect();
    for (member, change) in members(&old_members, &new_members) {
        let (kind, text, breaking) = match change {
            // A flag is a constant: a new one breaks nothing. A new variant breaks exhaustive
            // matches.
            MemberChange::Added(is) => (
                Kind::Added,
                format!("{word} `{member}` added: {is}"),
                !matches!(shape, Shape::Flags(_)),
            ),
            MemberChange::Removed(was) => (
                Kind::Removed,
                format!("{word} `{member}` removed (was {was})"),
                true,
            ),
            // An enum value or a flag that stands for another value keeps its Rust name; a
            // variant that holds something else does not keep its type.
            MemberChange::Changed(was, now) => (
                Kind::Changed,
                format!("{word} `{member}` is {now} (was {was})"),
                matches!(shape, Shape::Variants(_)),
            ),
        };
        push(Some(Member::Value), kind, text, breaking);
    }
}

/// A new field breaks struct literals and exhaustive patterns; a field read from another JSON
/// property breaks no code.
fn compare_fields(
    old: &[(String, surface::Field)],
    new: &[(String, surface::Field)],
    push: &mut impl FnMut(Option<Member>, Kind, String, bool),
) {
    let old: BTreeMap<&String, &surface::Field> = old.iter().map(|(n, f)| (n, f)).collect();
    let new: BTreeMap<&String, &surface::Field> = new.iter().map(|(n, f)| (n, f)).collect();
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).copied().collect();
    for name in names {
        let member = Some(Member::Field);
        match (old.get(name), new.get(name)) {
            (None, Some(now)) => push(
                member,
                Kind::Added,
                format!("field `{name}: {}` added", now.ty),
                true,
            ),
            (Some(was), None) => push(
                member,
                Kind::Removed,
                format!("field `{name}: {}` removed", was.ty),
                true,
            ),
            (Some(was), Some(now)) => {
                if was.ty != now.ty {
                    push(
                        member,
                        Kind::Changed,
                        format!("field `{name}` is `{}` (was `{}`)", now.ty, was.ty),
                        true,
                    );
                }
                if was.wire != now.wire {
                    push(
                        member,
                        Kind::Changed,
                        format!(
                            "field `{name}` is the JSON property `{}` (was `{}`)",
                            now.wire, was.wire
                        ),
                        false,
                    );
                }
            }
            (None, None) => {}
        }
    }
}

enum MemberChange {
    Added(String),
    Removed(String),
    Changed(String, String),
}

/// Members added, removed or changed, by name, in name order.
fn members(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> Vec<(String, MemberChange)> {
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    names
        .into_iter()
        .filter_map(|name| {
            let change = match (old.get(name), new.get(name)) {
                (None, Some(now)) => MemberChange::Added(now.clone()),
                (Some(was), None) => MemberChange::Removed(was.clone()),
                (Some(was), Some(now)) if was != now => {
                    MemberChange::Changed(was.clone(), now.clone())
                }
                _ => return None,
            };
            Some((name.clone(), change))
        })
        .collect()
}

/// A document to compare: its bytes and its name in messages.
pub struct Input<'a> {
    /// The document's bytes (YAML or JSON).
    pub bytes: &'a [u8],
    /// Its name in messages (a path).
    pub origin: &'a str,
}

/// Compares the crates two documents generate under `config`. The overlay is applied to each
/// document action by action (see [`drift::apply`]), so the report gives the new document's
/// drift instead of failing on it. The two documents go through the pipeline side by side.
pub fn documents(
    old: Input<'_>,
    new: Input<'_>,
    config: &crate::Config,
) -> Result<Report, crate::Failure> {
    let without_overlay = crate::Config {
        overlay: None,
        deny_warnings: false,
        ..config.clone()
    };
    let model = |input: Input<'_>| -> Result<(Model, Vec<Drift>), crate::Failure> {
        let mut document = crate::load::load(input.bytes, input.origin)?;
        let drift = match &config.overlay {
            Some(overlay) => drift::apply(&mut document.value, overlay),
            None => Vec::new(),
        };
        let (model, _warnings) = crate::build_model(document, &without_overlay)?;
        Ok((model, drift))
    };
    let (old, new) = std::thread::scope(|scope| {
        let old = scope.spawn(|| model(old));
        let new = model(new);
        (old.join(), new)
    });
    let (old, _) = old.unwrap_or_else(|payload| std::panic::resume_unwind(payload))?;
    let (new, drift) = new?;
    Ok(Report {
        drift,
        ..Report::new(&old, &new)
    })
}

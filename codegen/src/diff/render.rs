//! The report as a one-screen summary, and as a changelog entry in Markdown.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Change, Item, Kind, Member, Report};

/// How many breaking changes the summary lists before it only counts them.
const BREAKING_SHOWN: usize = 12;

impl std::fmt::Display for Item {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Item::Method(name) => write!(f, "Client::{name}"),
            Item::Type(name) => f.write_str(name),
        }
    }
}

fn headline(report: &Report, version: &str) -> String {
    let (old_title, old_version) = &report.old_api;
    let (new_title, new_version) = &report.new_api;
    let title = if old_title == new_title {
        format!("{new_title} API {old_version} → {new_version}")
    } else {
        format!("{old_title} {old_version} → {new_title} {new_version}")
    };
    let bump = report.bump();
    let next = bump
        .next_version(version)
        .map(|next| format!(" ({version} → {next})"))
        .unwrap_or_default();
    format!("{title}: {} change to the crate{next}", bump.word())
}

/// Items with at least one change to a member, or changed as a whole.
fn changed_items(report: &Report, method: bool) -> usize {
    let mut items: Vec<&Item> = report
        .changes
        .iter()
        .filter(|c| matches!(c.item, Item::Method(_)) == method)
        .filter(|c| c.member.is_some() || matches!(c.kind, Kind::Changed | Kind::Deprecated))
        .map(|c| &c.item)
        .collect();
    items.sort();
    items.dedup();
    items.len()
}

pub(super) fn summary(report: &Report, version: &str) -> String {
    let mut out = headline(report, version);
    out.push('\n');
    for (method, label) in [(true, "methods"), (false, "types")] {
        let _ = writeln!(
            out,
            "  {label:<8} {} added, {} removed, {} renamed, {} changed",
            report.count(method, None, Kind::Added),
            report.count(method, None, Kind::Removed),
            report.count(method, None, Kind::Renamed),
            changed_items(report, method),
        );
    }
    let _ = writeln!(
        out,
        "  {:<8} {} added, {} removed, {} changed; enum values and variants: {} added, {} removed",
        "fields",
        report.count(false, Some(Member::Field), Kind::Added),
        report.count(false, Some(Member::Field), Kind::Removed),
        report.count(false, Some(Member::Field), Kind::Changed),
        report.count(false, Some(Member::Value), Kind::Added),
        report.count(false, Some(Member::Value), Kind::Removed),
    );
    let breaking = report.breaking_count();
    let _ = writeln!(
        out,
        "  {breaking} breaking change(s), {} other(s)",
        report.changes.len() - breaking
    );
    for drift in &report.drift {
        let _ = writeln!(out, "  overlay {}", drift.sentence());
    }
    let mut listed = report.changes.iter().filter(|c| c.breaking).peekable();
    if listed.peek().is_some() {
        out.push_str("Breaking:\n");
    }
    for change in listed.by_ref().take(BREAKING_SHOWN) {
        let _ = writeln!(out, "  {}: {}", change.item, change.text.replace('`', ""));
    }
    let more = listed.count();
    if more > 0 {
        let _ = writeln!(
            out,
            "  … and {more} more (`cargo xtask diff --markdown` lists every change)"
        );
    }
    out
}

/// The changelog section of a change: breaking, added, or other.
fn section(change: &Change) -> usize {
    match (change.breaking, change.kind) {
        (true, _) => 0,
        (false, Kind::Added) => 1,
        (false, _) => 2,
    }
}

pub(super) fn markdown(report: &Report, version: &str) -> String {
    let mut out = format!("## {}\n", headline(report, version));
    let breaking = report.breaking_count();
    if report.changes.is_empty() {
        out.push_str("\nNothing changes in the crate's API.\n");
    } else {
        let _ = writeln!(
            out,
            "\n{breaking} breaking change(s), {} other(s).",
            report.changes.len() - breaking
        );
    }
    let titles = ["Breaking changes", "Added", "Other changes"];
    for (index, title) in titles.into_iter().enumerate() {
        let mut by_item: BTreeMap<&Item, Vec<&Change>> = BTreeMap::new();
        for change in report.changes.iter().filter(|c| section(c) == index) {
            by_item.entry(&change.item).or_default().push(change);
        }
        if by_item.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {title}\n");
        for (item, changes) in by_item {
            match changes.as_slice() {
                [only] => {
                    let _ = writeln!(out, "- `{item}`: {}", only.text);
                }
                several => {
                    let _ = writeln!(out, "- `{item}`:");
                    for change in several {
                        let _ = writeln!(out, "  - {}", change.text);
                    }
                }
            }
        }
    }
    if !report.drift.is_empty() {
        out.push_str("\n### Overlay\n\n");
        for drift in &report.drift {
            let _ = writeln!(out, "- {}", drift.sentence());
        }
    }
    out
}

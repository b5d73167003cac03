//! Doc comments from the document's Markdown, made safe for rustdoc.
//!
//! Descriptions are written for a web page: rustdoc would warn about bare URLs, read `[x]` as
//! an intra-doc link, take `<field>` for an HTML tag and unlabelled code fences for Rust.
//! [`markdown`] fixes exactly those, leaving the text otherwise as written.

use serde_json::Value;

use crate::model::{Constraints, Docs};

/// HTML tags that rustdoc renders and that descriptions use; any other `<` is escaped.
const ALLOWED_TAGS: &[&str] = &[
    "<sup>", "</sup>", "<sub>", "</sub>", "<br>", "<br/>", "<br />",
];

/// Lines of rustdoc-safe Markdown.
pub fn markdown(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut fence: Option<String> = None;
    for line in text.trim_end().lines() {
        let trimmed = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        match (&fence, marker) {
            (None, Some(marker)) => {
                let info = trimmed.trim_start_matches(marker).trim();
                let indent = line.strip_suffix(trimmed).unwrap_or_default();
                fence = Some(marker.to_owned());
                let label = if info.is_empty() || info == "rust" {
                    "text"
                } else {
                    info
                };
                lines.push(format!("{indent}{marker}{label}"));
            }
            (Some(open), Some(marker)) if open == marker => {
                fence = None;
                lines.push(line.to_owned());
            }
            (Some(_), _) => lines.push(line.to_owned()),
            (None, None) => lines.push(prose(line)),
        }
    }
    if let Some(open) = fence {
        lines.push(open);
    }
    indent_list_continuations(&mut lines);
    // An indented line after a blank one would be a Rust code block to rustdoc.
    let mut previous_blank = true;
    for line in &mut lines {
        let is_blank = line.trim().is_empty();
        if previous_blank && line.starts_with("    ") && !line.trim_start().starts_with(['-', '*'])
        {
            *line = line.trim_start().to_owned();
        }
        previous_blank = is_blank;
    }
    while lines.first().is_some_and(|l| l.trim().is_empty()) {
        lines.remove(0);
    }
    lines
}

/// A line that continues a list item is indented to the item's text, as rustdoc expects
/// (Markdown reads it the same way; rustdoc's linter does not).
/// Markdown lines with each heading one level deeper (`#` → `##`), code blocks untouched:
/// the document's prose under a heading of the crate's own.
pub fn demote_headings(lines: Vec<String>) -> Vec<String> {
    let mut in_fence = false;
    lines
        .into_iter()
        .map(|line| {
            let trimmed = line.trim_start();
            if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
                in_fence = !in_fence;
            }
            let heading = trimmed.trim_start_matches('#');
            let level = trimmed.len() - heading.len();
            if !in_fence && line.starts_with('#') && level < 6 && heading.starts_with(' ') {
                format!("#{line}")
            } else {
                line
            }
        })
        .collect()
}

fn indent_list_continuations(lines: &mut [String]) {
    let mut item_text_column: Option<usize> = None;
    let mut in_fence = false;
    for line in lines.iter_mut() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            item_text_column = None;
            continue;
        }
        if in_fence || trimmed.is_empty() {
            item_text_column = None;
            continue;
        }
        let marker = ["- ", "* ", "+ "].iter().find(|m| trimmed.starts_with(**m));
        match (marker, item_text_column) {
            (Some(marker), _) => item_text_column = Some(indent + marker.len()),
            (None, Some(column)) if indent < column => {
                *line = format!("{}{trimmed}", " ".repeat(column))
            }
            _ => {}
        }
    }
}

/// The length of the code span `rest` starts with (its backticks included; an unclosed one
/// runs to the end of the line).
fn code_span_len(rest: &str) -> usize {
    rest.get(1..)
        .and_then(|inner| inner.find('`'))
        .map_or(rest.len(), |end| end + 2)
}

/// Where the `]` that closes a `[` is in `inner` (the text after the `[`), code spans skipped.
fn closing_bracket(inner: &str) -> Option<usize> {
    let mut at = 0;
    while let Some(c) = inner.get(at..).and_then(|rest| rest.chars().next()) {
        match c {
            ']' => return Some(at),
            '`' => at += code_span_len(inner.get(at..).unwrap_or_default()),
            _ => at += c.len_utf8(),
        }
    }
    None
}

/// One line outside code fences: code spans kept as they are; outside them bare URLs become
/// `<url>`, stray brackets and `<` are escaped.
fn prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    let mut previous = ' ';
    while let Some(c) = rest.chars().next() {
        let consumed = if (rest.starts_with("http://") || rest.starts_with("https://"))
            && !"(<[\"'=".contains(previous)
        {
            let end = rest
                .find(|c: char| {
                    c.is_whitespace() || matches!(c, ')' | '>' | ']' | '"' | '\'' | '<')
                })
                .unwrap_or(rest.len());
            let (url, _) = rest.split_at_checked(end).unwrap_or((rest, ""));
            let url = url.trim_end_matches(['.', ',', ';', ':', '!', '?']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            url.len()
        } else if c == '`' {
            let len = code_span_len(rest);
            out.push_str(rest.get(..len).unwrap_or(rest));
            len
        } else if c == '[' {
            bracket(rest, &mut out)
        } else if c == '<' {
            angle(rest, &mut out)
        } else {
            out.push(c);
            c.len_utf8()
        };
        let (done, left) = rest.split_at_checked(consumed.max(1)).unwrap_or((rest, ""));
        previous = done.chars().last().unwrap_or(previous);
        rest = left;
    }
    out
}

/// At a `[`: a link `[text](url)` or reference `[text][ref]` stays; a lone `[x]` is escaped so
/// rustdoc does not read it as an intra-doc link. Returns the bytes consumed.
fn bracket(rest: &str, out: &mut String) -> usize {
    let inner = rest.get(1..).unwrap_or_default();
    let closed =
        closing_bracket(inner).and_then(|end| Some((inner.get(..end)?, inner.get(end + 1..)?)));
    match closed {
        Some((_, after)) if after.starts_with(['(', '[', ':']) => {
            out.push('[');
            1
        }
        Some((text, _)) => {
            out.push_str("\\[");
            out.push_str(&prose(text));
            out.push_str("\\]");
            text.len() + 2
        }
        None => {
            out.push_str("\\[");
            1
        }
    }
}

/// At a `<`: allowed tags and autolinks stay; any other `<` is escaped. Returns the bytes
/// consumed.
fn angle(rest: &str, out: &mut String) -> usize {
    if let Some(tag) = ALLOWED_TAGS.iter().find(|t| rest.starts_with(**t)) {
        out.push_str(tag);
        return tag.len();
    }
    if rest.starts_with("<http://") || rest.starts_with("<https://") {
        let link = match rest.split_once('>') {
            Some((link, _)) => link,
            None => rest,
        };
        out.push_str(link);
        if link.len() < rest.len() {
            out.push('>');
            return link.len() + 1;
        }
        return link.len();
    }
    out.push_str("&lt;");
    1
}

/// The doc comment of a type, field or parameter: description, then constraints, default
/// and example.
pub fn doc_lines(docs: &Docs) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(title) = docs.title.as_deref().filter(|t| !t.trim().is_empty()) {
        lines.extend(markdown(title));
    }
    if let Some(description) = docs.description.as_deref().filter(|d| !d.trim().is_empty()) {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(markdown(description));
    }
    let facts = facts(&docs.constraints, docs.default.as_ref());
    if !facts.is_empty() {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(facts.join(" "));
    }
    if let Some(example) = &docs.example {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(example_lines(example));
    }
    lines
}

fn facts(constraints: &Constraints, default: Option<&Value>) -> Vec<String> {
    let mut facts = Vec::new();
    if let Some(format) = &constraints.format
        && !matches!(
            format.as_str(),
            "date-time" | "uuid" | "binary" | "int64" | "int32"
        )
    {
        facts.push(format!("Format: `{format}`."));
    }
    let characters = |n: u64| if n == 1 { "character" } else { "characters" };
    match (constraints.min_length, constraints.max_length) {
        (Some(min), Some(max)) if min == max => {
            facts.push(format!("Length: {min} {}.", characters(min)))
        }
        (Some(min), Some(max)) => facts.push(format!("Length: {min} to {max} characters.")),
        (Some(min), None) => facts.push(format!("Length: at least {min} {}.", characters(min))),
        (None, Some(max)) => facts.push(format!("Length: at most {max} {}.", characters(max))),
        (None, None) => {}
    }
    match (&constraints.minimum, &constraints.maximum) {
        (Some(min), Some(max)) => facts.push(format!("Range: {min} to {max}.")),
        (Some(min), None) => facts.push(format!("Minimum: {min}.")),
        (None, Some(max)) => facts.push(format!("Maximum: {max}.")),
        (None, None) => {}
    }
    match (constraints.min_items, constraints.max_items) {
        (Some(min), Some(max)) => facts.push(format!("Items: {min} to {max}.")),
        (Some(min), None) => facts.push(format!("Items: at least {min}.")),
        (None, Some(max)) => facts.push(format!("Items: at most {max}.")),
        (None, None) => {}
    }
    if let Some(pattern) = &constraints.pattern {
        facts.push(format!("Pattern: {}.", code_span(pattern)));
    }
    if let Some(default) = default {
        facts.push(format!("Defaults to {}.", code_span(&default.to_string())));
    }
    facts
}

fn example_lines(example: &Value) -> Vec<String> {
    let compact = example.to_string();
    if compact.len() <= 80 && !compact.contains('\n') {
        return vec![format!("Example: {}", code_span(&compact))];
    }
    let pretty = serde_json::to_string_pretty(example).unwrap_or(compact);
    let mut lines = vec!["Example:".to_owned(), "```json".to_owned()];
    lines.extend(pretty.lines().map(str::to_owned));
    lines.push("```".to_owned());
    lines
}

/// A Markdown code span that holds `text` whatever backticks it contains.
pub fn code_span(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest == 0 {
        format!("`{text}`")
    } else {
        format!("{fence} {text} {fence}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_go_one_level_down_outside_code_blocks() {
        let lines = [
            "# Errors",
            "text #1",
            "```text",
            "# not a heading",
            "```",
            "### Codes",
            "#tag",
            "###### Deepest",
        ];
        let demoted = demote_headings(lines.iter().map(|l| l.to_string()).collect());
        assert_eq!(
            demoted,
            [
                "## Errors",
                "text #1",
                "```text",
                "# not a heading",
                "```",
                "#### Codes",
                "#tag",
                "###### Deepest"
            ]
        );
    }

    #[test]
    fn bare_urls_become_autolinks() {
        assert_eq!(
            markdown(
                "see https://joinpeertube.org. And [docs](https://docs.joinpeertube.org) or <https://x.org>"
            ),
            [
                "see <https://joinpeertube.org>. And [docs](https://docs.joinpeertube.org) or <https://x.org>"
            ]
        );
    }

    #[test]
    fn stray_brackets_and_tags_are_escaped() {
        assert_eq!(
            markdown("click [Generate] then []"),
            ["click \\[Generate\\] then \\[\\]"]
        );
        assert_eq!(
            markdown("a <field> in x<sup>2</sup>"),
            ["a &lt;field> in x<sup>2</sup>"]
        );
        assert_eq!(markdown("`<kept>` and `[kept]`"), ["`<kept>` and `[kept]`"]);
        assert_eq!(
            markdown("see [`Video`](https://x.org/v) and [a `b` c]"),
            ["see [`Video`](https://x.org/v) and \\[a `b` c\\]"]
        );
        assert_eq!(markdown("an unclosed `code [x"), ["an unclosed `code [x"]);
    }

    #[test]
    fn unlabelled_fences_are_text() {
        assert_eq!(
            markdown("Example:\n```\nHTTP 1.1 404\n[x] <y>\n```\nafter [z]"),
            [
                "Example:",
                "```text",
                "HTTP 1.1 404",
                "[x] <y>",
                "```",
                "after \\[z\\]"
            ]
        );
        assert_eq!(markdown("```json\n{}\n```"), ["```json", "{}", "```"]);
        assert_eq!(markdown("```\nunclosed"), ["```text", "unclosed", "```"]);
    }

    #[test]
    fn indented_blocks_are_not_rust_code() {
        assert_eq!(
            markdown("text\n\n    not code\n- list\n    - nested"),
            ["text", "", "not code", "- list", "    - nested"]
        );
    }

    #[test]
    fn list_continuations_are_indented_to_the_item() {
        assert_eq!(
            markdown("- first item\ncontinued\n  * nested\n  more\n\nparagraph"),
            [
                "- first item",
                "  continued",
                "  * nested",
                "    more",
                "",
                "paragraph"
            ]
        );
    }

    #[test]
    fn doc_lines_gather_facts_and_examples() {
        let docs = Docs {
            description: Some("The name.".into()),
            example: Some(Value::from("chocobozzz")),
            default: Some(Value::from(15)),
            constraints: Constraints {
                pattern: Some("/^[a-z0-9._]+$/".into()),
                min_length: Some(1),
                max_length: Some(50),
                ..Constraints::default()
            },
            ..Docs::default()
        };
        assert_eq!(
            doc_lines(&docs),
            [
                "The name.",
                "",
                "Length: 1 to 50 characters. Pattern: `/^[a-z0-9._]+$/`. Defaults to `15`.",
                "",
                "Example: `\"chocobozzz\"`"
            ]
        );
    }

    #[test]
    fn code_spans_hold_backticks() {
        assert_eq!(code_span("a`b"), "`` a`b ``");
        assert_eq!(code_span("plain"), "`plain`");
    }
}

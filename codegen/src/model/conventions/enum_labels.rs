//! Names for integer enum values, read from the schema's description.
//!
//! PeerTube's integer "constant" enums (privacy, state, ...) carry no `x-enum-varnames`; their
//! names are in prose, in three shapes:
//! - list lines `` - `1`: Published`` or `` - `1` NEW_VIDEO_FROM_SUBSCRIPTION``
//! - list lines ``- CREATE: 1``
//! - inline lists ``(Admin = `0`, Moderator = `1`, User = `2`)``
//!
//! A label ends at the first `:` or `(` after it (`` `1` All allowed: anyone can embed`` ->
//! `All allowed`). Values the prose does not name get no label.

/// The label the description gives each value, in the order of `values`.
pub fn labels_from_description(description: &str, values: &[i64]) -> Vec<Option<String>> {
    let mut labels: Vec<Option<String>> = vec![None; values.len()];
    let mut set = |value: i64, label: &str| {
        let label = clean_label(label);
        // "`2`]: ..." leaves `]`: punctuation alone is no label.
        if !label.chars().any(char::is_alphanumeric) {
            return;
        }
        if let Some(slot) = values
            .iter()
            .position(|v| *v == value)
            .and_then(|i| labels.get_mut(i))
            && slot.is_none()
        {
            *slot = Some(label);
        }
    };
    for line in description.lines() {
        let line = line.trim();
        let item = line
            .strip_prefix("- ")
            .or_else(|| line.strip_prefix("* "))
            .map(str::trim);
        let Some(item) = item else { continue };
        if let Some((value, rest)) = backticked_number(item) {
            // "`1`: Published" or "`1` Published"
            set(value, rest.trim_start_matches(':'));
        } else if let Some((label, number)) = item.rsplit_once(':') {
            // "CREATE: 1" (a trailing comma is allowed)
            if let Ok(value) = number.trim().trim_end_matches(',').trim().parse::<i64>() {
                set(value, label);
            }
        }
    }
    // "Label = `N`", typically inside parentheses and separated by commas.
    let mut rest = description;
    while let Some((before, after)) = rest.split_once("= `") {
        let label = before.rsplit(['(', ',', '\n']).next().unwrap_or(before);
        let number = after.split_once('`').map(|(number, _)| number.trim());
        if let Some(value) = number.and_then(|n| n.parse::<i64>().ok()) {
            set(value, label);
        }
        rest = after;
    }
    labels
}

/// Parses a leading `` `N` `` and returns N and the text after it.
fn backticked_number(text: &str) -> Option<(i64, &str)> {
    let (number, rest) = text.strip_prefix('`')?.split_once('`')?;
    let value = number.trim().parse().ok()?;
    Some((value, rest))
}

fn clean_label(label: &str) -> String {
    let label = label.trim();
    label
        .split([':', '('])
        .next()
        .unwrap_or_default()
        .trim()
        .trim_end_matches([',', '.'])
        .trim()
        .to_owned()
}

/// Whether an integer enum is a set of bit flags: the document says so (`flag` in its name or
/// description, or "bitwise"), and every value is zero or a power of two.
pub fn is_bit_flags(name: &str, description: Option<&str>, values: &[i64]) -> bool {
    let mentions = |text: &str| {
        let text = text.to_ascii_lowercase();
        text.contains("flag") || text.contains("bitwise")
    };
    let says_flags = mentions(name) || description.is_some_and(mentions);
    let powers_of_two = values
        .iter()
        .all(|v| *v == 0 || (*v > 0 && (*v & (*v - 1)) == 0));
    says_flags && powers_of_two && values.iter().filter(|v| **v != 0).count() >= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(description: &str, values: &[i64]) -> Vec<Option<String>> {
        labels_from_description(description, values)
    }

    fn some(names: &[&str]) -> Vec<Option<String>> {
        names.iter().map(|n| Some((*n).to_owned())).collect()
    }

    #[test]
    fn backticked_list_with_colon() {
        let d = "The video state:\n- `1`: Published\n- `2`: To transcode\n- `6`: To move to an external storage (object storage...)\n";
        assert_eq!(
            labels(d, &[1, 2, 6]),
            some(&[
                "Published",
                "To transcode",
                "To move to an external storage"
            ])
        );
    }

    #[test]
    fn backticked_list_without_colon() {
        let d = "NSFW flags\n- `0` NONE\n- `1` VIOLENT\n- `2` EXPLICIT_SEX\n";
        assert_eq!(
            labels(d, &[0, 1, 2, 4]),
            vec![
                Some("NONE".into()),
                Some("VIOLENT".into()),
                Some("EXPLICIT_SEX".into()),
                None
            ]
        );
        let d =
            "  - `1` All allowed: anyone can embed the video\n  - `2` Allowlist: only the domains";
        assert_eq!(labels(d, &[1, 2]), some(&["All allowed", "Allowlist"]));
    }

    #[test]
    fn name_colon_number_list() {
        let d = "The activity target:\n  - VIDEO: 1,\n  - PLAYLIST: 2,\n  - CHANNEL_SYNC: 4,\n";
        assert_eq!(
            labels(d, &[1, 2, 4]),
            some(&["VIDEO", "PLAYLIST", "CHANNEL_SYNC"])
        );
    }

    #[test]
    fn inline_equals_list() {
        let d = "The user role (Admin = `0`, Moderator = `1`, User = `2`)";
        assert_eq!(labels(d, &[0, 1, 2]), some(&["Admin", "Moderator", "User"]));
        let d = "Admin flags for the user (None = `0`, Bypass video blocklist = `1`)";
        assert_eq!(
            labels(d, &[0, 1]),
            some(&["None", "Bypass video blocklist"])
        );
    }

    #[test]
    fn prose_without_names_gives_none() {
        let d =
            "privacy id of the video (see [/videos/privacies](#operation/getVideoPrivacyPolicies))";
        assert_eq!(labels(d, &[1, 2]), vec![None, None]);
    }

    #[test]
    fn punctuation_alone_is_no_label() {
        // Found by the fuzzer: `]` became a label, and an empty variant name.
        let d = "- `1`: Published\n- `2`]: To transcode\n- `3`: ?\n";
        assert_eq!(
            labels(d, &[1, 2, 3]),
            vec![Some("Published".into()), None, None]
        );
    }

    #[test]
    fn bit_flags_need_the_word_and_powers_of_two() {
        assert!(is_bit_flags("NSFWFlag", None, &[0, 1, 2, 4]));
        assert!(is_bit_flags("UserAdminFlags", Some("Admin flags"), &[0, 1]));
        assert!(is_bit_flags(
            "Include",
            Some("combine with bitwise or"),
            &[0, 1, 2, 4, 8]
        ));
        assert!(!is_bit_flags(
            "VideoState",
            Some("The video state"),
            &[1, 2, 4]
        ));
        assert!(!is_bit_flags("SomeFlag", None, &[1, 2, 3]));
    }
}

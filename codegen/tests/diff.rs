//! The upgrade report (`cargo xtask diff`): a fixture pair with one change of each kind
//! (`spec/fixtures/diff/`), and the real document against copies of it changed here.

use std::path::{Path, PathBuf};

use codegen::diff::{self, Change, DriftKind, Input, Item, Kind, Member, Report};
use codegen::{Config, overlay};
use serde_json::{Value, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(root().join("spec/fixtures/diff").join(name)).unwrap()
}

fn report(old: &[u8], new: &[u8], config: &Config) -> Report {
    diff::documents(
        Input {
            bytes: old,
            origin: "old",
        },
        Input {
            bytes: new,
            origin: "new",
        },
        config,
    )
    .unwrap_or_else(|failure| panic!("{failure}"))
}

fn fixture_report(with_overlay: bool) -> Report {
    let overlay =
        with_overlay.then(|| overlay::parse(&fixture("overlay.yaml"), "overlay.yaml").unwrap());
    let config = Config {
        overlay,
        ..Config::default()
    };
    report(&fixture("old.yaml"), &fixture("new.yaml"), &config)
}

fn find<'a>(report: &'a Report, item: &Item, member: Option<Member>, kind: Kind) -> &'a Change {
    report
        .changes
        .iter()
        .find(|c| &c.item == item && c.member == member && c.kind == kind)
        .unwrap_or_else(|| {
            panic!(
                "no {kind:?} {member:?} change to {item:?} in:\n{:#?}",
                report.changes
            )
        })
}

fn method(name: &str) -> Item {
    Item::Method(name.to_owned())
}

fn ty(name: &str) -> Item {
    Item::Type(name.to_owned())
}

#[test]
fn each_kind_of_change_is_found_and_classified() {
    let report = fixture_report(false);
    let breaking = |item: Item, member: Option<Member>, kind: Kind| {
        find(&report, &item, member, kind).breaking
    };
    // Methods.
    assert!(!breaking(method("add_view"), None, Kind::Added));
    assert!(breaking(method("get_legacy"), None, Kind::Removed));
    assert!(breaking(method("delete_video"), None, Kind::Renamed));
    assert!(!breaking(
        method("ping"),
        Some(Member::Route),
        Kind::Changed
    ));
    assert!(breaking(
        method("get_video"),
        Some(Member::Returns),
        Kind::Changed
    ));
    assert!(!breaking(
        method("get_video"),
        Some(Member::Argument),
        Kind::Renamed
    ));
    assert!(breaking(
        method("get_channel"),
        Some(Member::Argument),
        Kind::Changed
    ));
    assert!(!breaking(method("get_channel"), None, Kind::Deprecated));
    assert!(!breaking(
        method("get_videos"),
        Some(Member::Option),
        Kind::Added
    ));
    assert!(breaking(
        method("get_videos"),
        Some(Member::Option),
        Kind::Removed
    ));
    assert!(!breaking(
        method("get_videos"),
        Some(Member::Stream),
        Kind::Added
    ));
    assert!(!breaking(
        method("pick_avatar"),
        Some(Member::Body),
        Kind::Changed
    ));
    // Types.
    assert!(!breaking(ty("VideoDetails"), None, Kind::Added));
    assert!(breaking(ty("Abuse"), None, Kind::Removed));
    assert!(breaking(ty("VideoPlaylistElement"), None, Kind::Renamed));
    assert!(breaking(ty("Video"), Some(Member::Field), Kind::Added));
    assert!(breaking(ty("Video"), Some(Member::Field), Kind::Removed));
    assert!(breaking(ty("Video"), Some(Member::Field), Kind::Changed));
    assert!(!breaking(ty("Channel"), Some(Member::Field), Kind::Changed));
    assert!(breaking(ty("VideoSort"), Some(Member::Value), Kind::Added));
    assert!(breaking(ty("Privacy"), Some(Member::Value), Kind::Removed));
    assert!(!breaking(ty("NSFWFlag"), Some(Member::Value), Kind::Added));
    assert!(breaking(ty("Tag"), Some(Member::Target), Kind::Changed));

    assert_eq!(report.bump(), diff::Bump::Major);
    assert_eq!(
        report.bump().next_version("0.1.0").as_deref(),
        Some("0.2.0")
    );
    assert!(report.drift.is_empty());
}

#[test]
fn the_fixture_pair_as_a_changelog_entry() {
    insta::assert_snapshot!(fixture_report(false).markdown("0.1.0"));
}

#[test]
fn the_fixture_pair_as_a_summary_with_overlay_drift() {
    let report = fixture_report(true);
    let drift: Vec<(usize, &DriftKind)> = report.drift.iter().map(|d| (d.index, &d.kind)).collect();
    assert_eq!(
        drift,
        [(0, &DriftKind::NoMatch), (1, &DriftKind::Redundant)]
    );
    // Action 2 still applies: `followers` is nullable in both documents, so unchanged.
    assert!(
        !report.changes.iter().any(|c| c.text.contains("followers")),
        "{:#?}",
        report.changes
    );
    insta::assert_snapshot!(report.summary("0.1.0"));
}

#[test]
fn bumps_follow_cargo_rules() {
    use diff::Bump;
    assert_eq!(Bump::Major.next_version("0.4.2").as_deref(), Some("0.5.0"));
    assert_eq!(Bump::Minor.next_version("0.4.2").as_deref(), Some("0.4.3"));
    assert_eq!(Bump::Patch.next_version("0.4.2").as_deref(), Some("0.4.3"));
    assert_eq!(Bump::Major.next_version("1.4.2").as_deref(), Some("2.0.0"));
    assert_eq!(Bump::Minor.next_version("1.4.2").as_deref(), Some("1.5.0"));
    assert_eq!(Bump::Patch.next_version("1.4.2").as_deref(), Some("1.4.3"));
    assert_eq!(Bump::None.next_version("1.4.2").as_deref(), Some("1.4.2"));
    assert_eq!(Bump::Major.next_version("1.4"), None);
}

// The real document.

fn real_document() -> Option<Value> {
    let path = match std::env::var_os("PEERTUBE_SPEC") {
        Some(path) => PathBuf::from(path),
        None => ["spec/upstream/openapi.yaml", "spec/upstream/openapi.json"]
            .iter()
            .map(|p| root().join(p))
            .find(|p| p.is_file())?,
    };
    let bytes = std::fs::read(&path).unwrap();
    Some(codegen::load::load(&bytes, "real").unwrap().value)
}

fn real_config() -> Config {
    let names = std::fs::read(root().join("spec/names.yaml")).unwrap();
    let overlay = std::fs::read(root().join("spec/overlay.yaml")).unwrap();
    Config {
        operation_names: codegen::read_names(&names, "spec/names.yaml").unwrap(),
        overlay: Some(overlay::parse(&overlay, "spec/overlay.yaml").unwrap()),
        ..Config::default()
    }
}

fn bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

#[test]
fn the_real_document_against_itself_changes_nothing() {
    let Some(document) = real_document() else {
        panic!("set PEERTUBE_SPEC (see real_document.rs)");
    };
    let report = report(&bytes(&document), &bytes(&document), &real_config());
    assert_eq!(report.changes, []);
    assert_eq!(report.drift, []);
    assert_eq!(report.bump(), diff::Bump::None);
}

#[test]
fn the_real_document_against_an_edited_copy() {
    let Some(old) = real_document() else {
        panic!("set PEERTUBE_SPEC (see real_document.rs)");
    };
    let mut new = old.clone();
    let schemas = &mut new["components"]["schemas"];
    // A new field, a new enum value, a type removed from the components.
    schemas["VideoComment"]["properties"]["pinned"] = json!({"type": "boolean"});
    schemas["NSFWPolicy"]["enum"]
        .as_array_mut()
        .unwrap()
        .push(json!("hide"));
    let paths = new["paths"].as_object_mut().unwrap();
    // An operation gone, one renamed, one new.
    paths.shift_remove("/api/v1/videos/{id}/views").unwrap();
    paths["/api/v1/videos/{id}/storyboards"]["get"]["operationId"] = json!("getVideoStoryboards");
    paths.insert(
        "/api/v1/videos/{id}/likes".to_owned(),
        json!({"get": {"operationId": "getVideoLikes", "responses": {"204": {"description": "ok"}},
                "parameters": [{"$ref": "#/components/parameters/idOrUUID"}]}}),
    );
    // A slice: the runners' part of the API is left out, so its methods go.
    let runner_paths: Vec<String> = paths
        .keys()
        .filter(|p| p.starts_with("/api/v1/runners"))
        .cloned()
        .collect();
    assert!(runner_paths.len() > 5);
    for path in &runner_paths {
        paths.shift_remove(path);
    }
    // The storyboards' method is named after its `operationId` here, not pinned; the entries
    // for the operations gone are warnings.
    let mut config = real_config();
    config
        .operation_names
        .remove("GET /api/v1/videos/{id}/storyboards")
        .unwrap();
    let report = report(&bytes(&old), &bytes(&new), &config);
    assert!(
        find(
            &report,
            &ty("VideoComment"),
            Some(Member::Field),
            Kind::Added
        )
        .breaking
    );
    assert!(find(&report, &ty("NSFWPolicy"), Some(Member::Value), Kind::Added).breaking);
    assert!(
        find(
            &report,
            &method("get_video_storyboards"),
            None,
            Kind::Renamed
        )
        .breaking
    );
    assert!(!find(&report, &method("get_video_likes"), None, Kind::Added).breaking);
    let removed: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| matches!(c.item, Item::Method(_)) && c.kind == Kind::Removed)
        .collect();
    let runner_operations: usize = runner_paths
        .iter()
        .map(|p| {
            let item = old["paths"][p].as_object().unwrap();
            ["get", "put", "post", "delete", "patch"]
                .iter()
                .filter(|m| item.contains_key(**m))
                .count()
        })
        .sum();
    // The runners' operations, and `POST /views`.
    assert_eq!(removed.len(), runner_operations + 1, "{removed:#?}");
    assert!(report.changes.iter().all(|c| !c.text.is_empty()));
    assert_eq!(report.bump(), diff::Bump::Major);
    assert_eq!(report.drift, []);
}

//! `cargo xtask audit`: the document's schemas against PeerTube's own TypeScript models
//! (`@peertube/peertube-types`), read with the TypeScript type checker.
//!
//! Every component schema is compared with the model of the same name, or the one
//! `spec/server-models.yaml` maps it to: properties missing on either side, kinds of value,
//! enum values, optional against always sent, `null`. Each finding is a line with the schema's
//! JSON pointer and the model's property. Findings the maintainers reviewed and left alone are
//! listed, with why, in `spec/server-models.yaml`; any other finding fails the audit, as does a
//! reviewed entry the audit no longer finds.
//!
//! `--evidence` writes `spec/always-sent.yaml`: the response properties every release from the
//! floor version on declares always sent and never `null`, that no recorded body leaves out or
//! sends as `null`, that the document does not declare nullable, and that no review of the
//! server code (`not-always-sent` in `spec/server-models.yaml`) finds left out or `null`. The
//! generator makes those plain fields. Without `--evidence`, the audit checks that the file still holds against the
//! pinned release and the recorded bodies.

mod compare;
mod models;
mod node;
mod recorded;
mod schema;
mod suggest;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use codegen::pointer::Pointer;
use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use self::compare::{Comparer, Comparison, Finding, FindingKind, Pair};
use self::models::{Models, Ts};
use self::recorded::Recorded;
use self::schema::{Direction, Document};
use crate::{Args, root, spec_path};

/// The reviewed file: which model each schema is compared with, and what was reviewed.
const CONFIG: &str = "spec/server-models.yaml";
/// The evidence for required response fields, read by `cargo xtask codegen`.
pub const EVIDENCE: &str = "spec/always-sent.yaml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    /// The release of `@peertube/peertube-types` the document matches.
    version: String,
    /// Its tarball's `sha512-...` integrity, as npm records it.
    integrity: String,
    /// The oldest release whose servers the generated client supports.
    floor: String,
    /// Schema name -> model (a name, or a type such as `ConstantLabel<number>`; a list when
    /// older releases name it otherwise: the first one a release has); `~` for no model.
    #[serde(default)]
    names: IndexMap<String, Option<ModelNames>>,
    #[serde(default)]
    reviewed: Vec<Reviewed>,
    /// Response properties the server leaves out or sends as `null` whatever its models say
    /// (seen in its code): never made plain fields.
    #[serde(default, rename = "not-always-sent")]
    not_always_sent: Vec<NotAlwaysSent>,
    /// Object schemas whose server code (what writes them) was read for properties it leaves
    /// out or sends as `null` (those are in `not_always_sent`); the figures say how many plain
    /// fields rest on a read of the code and how many on the models alone.
    #[serde(default, rename = "read-in-server-code")]
    read_in_server_code: Vec<ReadInServerCode>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct NotAlwaysSent {
    /// The object schema (the Rust type's origin).
    at: String,
    property: String,
    reason: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReadInServerCode {
    at: String,
    code: String,
}

/// What maintainers know beyond the models and the recorded bodies.
struct Review<'c> {
    not_always_sent: BTreeMap<(&'c str, &'c str), &'c str>,
    read: BTreeSet<&'c str>,
}

impl Review<'_> {
    /// Whether the server code writing this object (or an object it is nested in) was read.
    fn was_read(&self, owner: &Pointer) -> bool {
        let owner = owner.as_str();
        self.read.iter().any(|read| {
            owner
                .strip_prefix(read)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    }
}

impl Config {
    fn review(&self) -> Review<'_> {
        Review {
            not_always_sent: self
                .not_always_sent
                .iter()
                .map(|e| ((e.at.as_str(), e.property.as_str()), e.reason.as_str()))
                .collect(),
            read: self
                .read_in_server_code
                .iter()
                .map(|r| r.at.as_str())
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum ModelNames {
    One(String),
    Several(Vec<String>),
}

impl ModelNames {
    fn all(&self) -> Vec<String> {
        match self {
            ModelNames::One(name) => vec![name.clone()],
            ModelNames::Several(names) => names.clone(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Reviewed {
    finding: String,
    at: String,
    reason: String,
}

pub fn run(args: &[String]) -> Result<(), String> {
    let args = Args::parse(
        args,
        &["--spec", "--overlay", "--version", "--corpus", "--floor"],
        &["--all", "--evidence", "--suggest"],
    )?;
    let started = Instant::now();
    let mut config = read_config()?;
    if let Some(floor) = args.value("--floor") {
        config.floor = floor.to_owned();
    }
    let spec = spec_path(args.value("--spec"))?;
    let bytes = std::fs::read(&spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let origin = spec.display().to_string();
    let mut document = codegen::load::load(&bytes, &origin).map_err(|e| e.to_string())?;
    let overlay = crate::codegen::read_overlay(args.value("--overlay"))?;
    if let Some(overlay) = &overlay {
        codegen::overlay::apply(&mut document.value, overlay)
            .map_err(|e| codegen::Failure::from(e).to_string())?;
    }
    let root_value = document.value;
    let document = Document::new(&root_value);
    let version = args
        .value("--version")
        .unwrap_or(&config.version)
        .to_owned();
    let pinned = version == config.version;
    let corpus = args
        .value("--corpus")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("PEERTUBE_CORPUS").map(PathBuf::from))
        .unwrap_or_else(|| root().join("../shared/corpus"));

    let models = read_models(&config, &document, &version)?;
    let mut comparison = compare_all(&config, &document, &models);
    let recorded = Recorded::read(&document, &root_value, &corpus)?;
    for ((owner, name), (value, source)) in &recorded.unmodeled {
        comparison.1.find(
            FindingKind::Recorded,
            owner.push("properties").push(name),
            source,
            format!("a recorded body has `{name}`: {value}"),
        );
    }
    for (at, (value, source)) in &recorded.mismatched {
        comparison.1.find(
            FindingKind::RecordedType,
            at.clone(),
            source,
            format!("a recorded body has {value}"),
        );
    }
    say!(
        "audit: {} {} ({}) against {}@{} (TypeScript {})",
        root_value
            .pointer("/info/title")
            .and_then(Value::as_str)
            .unwrap_or("the document"),
        root_value
            .pointer("/info/version")
            .and_then(Value::as_str)
            .unwrap_or(""),
        overlay
            .as_ref()
            .map_or("no overlay".to_owned(), |o| format!("overlay {}", o.origin)),
        node::PACKAGE,
        models.version,
        models.typescript
    );
    summarize(&comparison.0, &comparison.1);

    let reviewed: BTreeMap<(FindingKind, String), &Reviewed> = config
        .reviewed
        .iter()
        .map(|r| {
            FindingKind::parse(&r.finding)
                .map(|kind| ((kind, r.at.clone()), r))
                .ok_or_else(|| {
                    format!(
                        "{CONFIG}: `{}` is not a kind of finding (one of {})",
                        r.finding,
                        FindingKind::ALL.map(FindingKind::name).join(", ")
                    )
                })
        })
        .collect::<Result<_, _>>()?;
    let mut problems = Vec::new();
    let findings = &comparison.1.findings;
    let new: Vec<&Finding> = findings
        .iter()
        .filter(|f| !reviewed.contains_key(&(f.kind, f.at.to_string())))
        .collect();
    say!(
        "  findings: {} new, {} reviewed in {CONFIG}",
        new.len(),
        findings.len() - new.len()
    );
    let shown: Vec<&Finding> = if args.has("--all") {
        findings.iter().collect()
    } else {
        new.clone()
    };
    for finding in &shown {
        say!(
            "{:<8} {}  {}: {}",
            finding.kind,
            finding.at,
            finding.model,
            finding.detail
        );
        if let Some(review) = reviewed.get(&(finding.kind, finding.at.to_string())) {
            say!("         reviewed: {}", review.reason.trim());
        }
    }
    if args.has("--suggest") {
        let components: BTreeMap<String, String> = model_names(&config, &document)
            .into_iter()
            .filter_map(|(schema, models)| match models.first() {
                Some(model) if is_plain_name(model) => Some((model.clone(), schema)),
                _ => None,
            })
            .collect();
        let drafts: Vec<(&Finding, Value)> = new
            .iter()
            .filter_map(|finding| {
                let ty = comparison.1.missing.get(&finding.at)?;
                let name = finding.at.last().unwrap_or_default();
                let schema = suggest::schema_for(&models, ty, &components, &name, 0);
                Some((*finding, schema))
            })
            .collect();
        say!("{}", suggest::actions(&document, &drafts, &models.version));
    }
    if !new.is_empty() {
        problems.push(format!(
            "{} finding(s) neither corrected (spec/overlay.yaml) nor reviewed ({CONFIG}); \
             the models are in {}",
            new.len(),
            node::unpacked(&version).display()
        ));
    }
    if pinned {
        let found: BTreeSet<(FindingKind, String)> = findings
            .iter()
            .map(|f| (f.kind, f.at.to_string()))
            .collect();
        for ((kind, at), _) in reviewed.iter().filter(|(k, _)| !found.contains(k)) {
            problems.push(format!(
                "{CONFIG} reviews `{kind}` at {at}, which the audit no longer finds: remove the entry"
            ));
        }
    }

    let responses = document.reachable(Direction::Response);
    let requests = document.reachable(Direction::Request);
    let evidence_path = root().join(EVIDENCE);
    if args.has("--evidence") {
        let evidence = gather_evidence(
            &config,
            &document,
            &comparison.1,
            &recorded,
            &responses,
            args.has("--all"),
        )?;
        std::fs::write(&evidence_path, evidence)
            .map_err(|e| format!("cannot write {}: {e}", evidence_path.display()))?;
        say!("  wrote {EVIDENCE}: review the change, then commit it");
    } else if pinned {
        let evidence = read_evidence(&evidence_path)?;
        let review = config.review();
        problems.extend(check_evidence(&evidence, &comparison.1, &recorded, &review));
        figures(
            &evidence,
            &comparison.1,
            &recorded,
            (&responses, &requests),
            &review,
            args.has("--all"),
        );
    }
    say!("  audit took {:.1} s", started.elapsed().as_secs_f64());
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("audit failed:\n  {}", problems.join("\n  ")))
    }
}

fn read_config() -> Result<Config, String> {
    let path = root().join(CONFIG);
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let value = codegen::load::load(&bytes, CONFIG)
        .map_err(|e| e.to_string())?
        .value;
    serde_json::from_value(value).map_err(|e| format!("{CONFIG}: {e}"))
}

/// Which model each component schema is compared with: (schema, model types as written, the
/// first a release has).
fn model_names(config: &Config, document: &Document) -> Vec<(String, Vec<String>)> {
    document
        .components()
        .into_iter()
        .filter_map(|name| match config.names.get(&name) {
            Some(Some(models)) => Some((name, models.all())),
            Some(None) => None,
            None => Some((name.clone(), vec![name])),
        })
        .collect()
}

fn is_plain_name(model: &str) -> bool {
    model.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn read_models(config: &Config, document: &Document, version: &str) -> Result<Models, String> {
    let wanted = model_names(config, document);
    let (names, exprs): (Vec<String>, Vec<String>) = wanted
        .into_iter()
        .flat_map(|(_, models)| models)
        .partition(|model| is_plain_name(model));
    let exprs: Vec<String> = exprs
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let integrity = (version == config.version).then_some(config.integrity.as_str());
    node::models(version, integrity, &names, &exprs)
}

/// The model a schema maps to, if this release has it.
fn model_of(models: &Models, model: &str) -> Option<Ts> {
    if is_plain_name(model) {
        models.types.contains_key(model).then(|| Ts::Ref {
            name: model.to_owned(),
        })
    } else {
        models.requested.get(model).cloned().flatten()
    }
}

/// Compares every component schema that has a model; returns (how many had one, what was found).
fn compare_all(config: &Config, document: &Document, models: &Models) -> (Coverage, Comparison) {
    let mut coverage = Coverage::default();
    let mut comparer = Comparer::new(document, models);
    let components = document.components();
    coverage.components = components.len();
    for (name, candidates) in model_names(config, document) {
        let Some((model, ty)) = candidates
            .iter()
            .find_map(|model| model_of(models, model).map(|ty| (model, ty)))
        else {
            coverage.without.push(name);
            continue;
        };
        if config.names.contains_key(&name) {
            coverage.mapped += 1;
        } else {
            coverage.by_name += 1;
        }
        comparer.compare(&name, &ty, model);
    }
    let mut out = comparer.out;
    out.findings
        .sort_by(|a, b| (a.kind, a.at.as_str(), &a.model).cmp(&(b.kind, b.at.as_str(), &b.model)));
    (coverage, out)
}

#[derive(Default)]
struct Coverage {
    components: usize,
    by_name: usize,
    mapped: usize,
    /// Schemas mapped to a model this release does not have.
    without: Vec<String>,
}

fn summarize(coverage: &Coverage, comparison: &Comparison) {
    say!(
        "  {} of {} component schemas have a model ({} by name, {} mapped in {CONFIG})",
        coverage.by_name + coverage.mapped,
        coverage.components,
        coverage.by_name,
        coverage.mapped
    );
    if !coverage.without.is_empty() {
        say!(
            "  no model in this release for: {}",
            coverage.without.join(", ")
        );
    }
    let mut counts: BTreeMap<FindingKind, usize> = BTreeMap::new();
    for finding in &comparison.findings {
        *counts.entry(finding.kind).or_default() += 1;
    }
    let counts: Vec<String> = FindingKind::ALL
        .iter()
        .map(|k| format!("{} {k}", counts.get(k).copied().unwrap_or(0)))
        .collect();
    say!(
        "  {} properties in both; {}",
        comparison.pairs.len(),
        counts.join(", ")
    );
}

/// Why a property the pinned model always sends is (still) an `Option`, or `None` when the
/// pinned release and the recorded bodies allow a plain field. A type the client also sends
/// is no objection: the generator gives it a read type and a sent type.
fn objection(pair: &Pair, recorded: &Recorded, review: &Review) -> Option<String> {
    if pair.nullable {
        return Some("nullable in the document".to_owned());
    }
    if !pair.always_sent() {
        return Some("optional or nullable in the pinned release's model".to_owned());
    }
    let seen = recorded.get(&pair.owner, &pair.name);
    let key = (pair.owner.clone(), pair.name.clone());
    let source = recorded.first_miss.get(&key).cloned().unwrap_or_default();
    if seen.null > 0 {
        return Some(format!("null in a recorded body ({source})"));
    }
    if seen.absent > 0 {
        return Some(format!("absent from a recorded body ({source})"));
    }
    if let Some(reason) = review
        .not_always_sent
        .get(&(pair.owner.as_str(), pair.name.as_str()))
    {
        return Some(format!(
            "left out or null in the server's code ({})",
            reason.trim()
        ));
    }
    None
}

/// Properties where the Rust type has an `Option` the pinned model says is always filled.
fn option_where_always_sent<'c>(
    comparison: &'c Comparison,
    responses: &BTreeSet<Pointer>,
) -> Vec<&'c Pair> {
    let mut seen = BTreeSet::new();
    comparison
        .pairs
        .iter()
        .filter(|p| responses.contains(&p.owner))
        .filter(|p| p.always_sent() && (!p.required || p.nullable))
        .filter(|p| seen.insert((&p.owner, &p.name)))
        .collect()
}

fn gather_evidence(
    config: &Config,
    document: &Document,
    pinned: &Comparison,
    recorded: &Recorded,
    responses: &BTreeSet<Pointer>,
    list: bool,
) -> Result<String, String> {
    let review = &config.review();
    let releases: Vec<String> = node::published_versions()?
        .into_iter()
        .filter(|v| version_key(v) >= version_key(&config.floor))
        .filter(|v| !v.contains('-'))
        .collect();
    say!(
        "  evidence from the models of {} (every release from the floor, {})",
        releases.join(", "),
        config.floor
    );
    // The component schemas whose comparison meets each property.
    let mut met_from: BTreeMap<(Pointer, String), BTreeSet<&str>> = BTreeMap::new();
    for pair in &pinned.pairs {
        met_from
            .entry((pair.owner.clone(), pair.name.clone()))
            .or_default()
            .insert(pair.component.as_str());
    }
    // (owner, property) -> the first release that does not always send it. A release without
    // the model of any schema a property belongs to has no such responses (the feature came
    // later): it says nothing against the property.
    let mut broken: BTreeMap<(Pointer, String), String> = BTreeMap::new();
    let mut absent_models = Vec::new();
    for release in &releases {
        let models = read_models(config, document, release)?;
        let (coverage, comparison) = compare_all(config, document, &models);
        let always: BTreeSet<(Pointer, String)> = comparison
            .pairs
            .iter()
            .filter(|p| p.always_sent())
            .map(|p| (p.owner.clone(), p.name.clone()))
            .collect();
        for (key, components) in &met_from {
            let applies = components
                .iter()
                .any(|c| !coverage.without.iter().any(|w| w == c));
            if applies && !always.contains(key) {
                broken
                    .entry(key.clone())
                    .or_insert_with(|| format!("optional, nullable or absent in {release}"));
            }
        }
        if !coverage.without.is_empty() {
            absent_models.push((release.clone(), coverage.without));
        }
    }
    let mut types: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let candidates = option_where_always_sent(pinned, responses);
    for pair in &candidates {
        let key = (pair.owner.clone(), pair.name.clone());
        let reason = objection(pair, recorded, review).or_else(|| broken.get(&key).cloned());
        match reason {
            Some(reason) => {
                if list {
                    say!("option   {}  {}: {reason}", pair.at, pair.model);
                }
                let short = reason.split(" (").next().unwrap_or_default();
                let short = if short.starts_with("optional, nullable or absent in") {
                    "optional, nullable or absent in an older or newer release"
                } else {
                    short
                };
                *reasons.entry(short.to_owned()).or_default() += 1;
            }
            None => {
                let names = types.entry(pair.owner.to_string()).or_default();
                if !names.contains(&pair.name) {
                    names.push(pair.name.clone());
                }
            }
        }
    }
    let required: usize = types.values().map(Vec::len).sum();
    say!(
        "  always sent in {}, an Option in the document's response types: {}; required by the evidence: {required}; left Option: {}",
        config.version,
        candidates.len(),
        candidates.len() - required
    );
    for (reason, count) in &reasons {
        say!("    {count:>4}  {reason}");
    }
    let mut text = String::new();
    text.push_str(
        "# Response properties PeerTube servers always send, made plain fields (not `Option`) by\n\
         # `cargo xtask codegen`. Written by `cargo xtask audit --evidence`; reviewed, then committed.\n\
         #\n\
         # A property is here when every release of @peertube/peertube-types from the floor on declares\n\
         # it non-optional and never `null`, no recorded body (../shared/corpus and the document's\n\
         # response examples) leaves it out or sends `null`, the document does not declare it\n\
         # nullable, and the server code read for it does not leave it out or send `null`\n\
         # (PeerTube compiles without strict null checks, so the `not-always-sent` review in\n\
         # spec/server-models.yaml overrides its models). A type the client also sends becomes\n\
         # two Rust types: the one read, with these plain fields, and the one sent, which keeps\n\
         # the document's `required` lists.\n\
         # Keys are the object schemas the Rust types come from.\n",
    );
    text.push_str(&format!("floor: {}\n", yaml_string(&config.floor)));
    text.push_str(&format!(
        "releases: [{}]\n",
        releases
            .iter()
            .map(|r| yaml_string(r))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    text.push_str(&format!(
        "recorded: {{corpus: {}, examples: {}}}\n",
        recorded.bodies, recorded.examples
    ));
    text.push_str(
        "# Schemas without a model in a release (newer features, or no model at all): that\n\
         # release says nothing about their properties.\n\
         without-model:\n",
    );
    for (release, names) in &absent_models {
        text.push_str(&format!(
            "  {}: [{}]\n",
            yaml_string(release),
            names
                .iter()
                .map(|n| yaml_string(n))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !config.read_in_server_code.is_empty() {
        text.push_str(
            "# Types whose server code was read for properties left out or sent as null:\n",
        );
        for read in &config.read_in_server_code {
            text.push_str(&format!("#   {} ({})\n", read.at, read.code.trim()));
        }
    }
    text.push_str("types:\n");
    for (owner, names) in &types {
        text.push_str(&format!("  {}:\n", yaml_string(owner)));
        for name in names {
            text.push_str(&format!("    - {}\n", yaml_string(name)));
        }
    }
    Ok(text)
}

fn yaml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// `8.1.3` -> [8, 1, 3], for ordering releases.
fn version_key(version: &str) -> Vec<u64> {
    version
        .split(['.', '-'])
        .map(|part| part.parse().unwrap_or(0))
        .collect()
}

#[derive(Debug, Default, Deserialize)]
struct Evidence {
    #[serde(default)]
    types: BTreeMap<String, Vec<String>>,
}

fn read_evidence(path: &Path) -> Result<Evidence, String> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Evidence::default()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let value = codegen::load::load(&bytes, EVIDENCE)
        .map_err(|e| e.to_string())?
        .value;
    serde_json::from_value(value).map_err(|e| format!("{EVIDENCE}: {e}"))
}

/// What in the evidence no longer holds against the pinned release and the recorded bodies.
fn check_evidence(
    evidence: &Evidence,
    pinned: &Comparison,
    recorded: &Recorded,
    review: &Review,
) -> Vec<String> {
    let pairs: BTreeMap<(String, &str), &Pair> = pinned
        .pairs
        .iter()
        .map(|p| ((p.owner.to_string(), p.name.as_str()), p))
        .collect();
    let mut problems = Vec::new();
    for (owner, names) in &evidence.types {
        for name in names {
            let why = match pairs.get(&(owner.clone(), name.as_str())) {
                None => Some("no such property of a schema with a model".to_owned()),
                Some(pair) if pair.required && !pair.nullable => {
                    Some("the document requires it now".to_owned())
                }
                Some(pair) => objection(pair, recorded, review),
            };
            if let Some(why) = why {
                problems.push(format!(
                    "{EVIDENCE}: {owner} `{name}`: {why}; run `cargo xtask audit --evidence`"
                ));
            }
        }
    }
    problems
}

fn figures(
    evidence: &Evidence,
    pinned: &Comparison,
    recorded: &Recorded,
    (responses, requests): (&BTreeSet<Pointer>, &BTreeSet<Pointer>),
    review: &Review,
    list: bool,
) {
    let candidates = option_where_always_sent(pinned, responses);
    let in_evidence = |p: &Pair| {
        evidence
            .types
            .get(p.owner.as_str())
            .is_some_and(|names| names.contains(&p.name))
    };
    let required = candidates.iter().filter(|p| in_evidence(p)).count();
    let read = candidates
        .iter()
        .filter(|p| in_evidence(p) && review.was_read(&p.owner))
        .count();
    let sent = candidates
        .iter()
        .filter(|p| in_evidence(p) && requests.contains(&p.owner))
        .count();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for pair in candidates.iter().filter(|p| !in_evidence(p)) {
        let reason = objection(pair, recorded, review).unwrap_or_else(|| {
            "optional, nullable or absent in another release (see --evidence)".to_owned()
        });
        if list {
            say!("option   {}  {}: {reason}", pair.at, pair.model);
        }
        let short = reason.split(" (").next().unwrap_or_default().to_owned();
        *reasons.entry(short).or_default() += 1;
    }
    say!(
        "  always sent, an Option in the document's response types: {}; required by {EVIDENCE}: {required}; left Option: {}",
        candidates.len(),
        candidates.len() - required
    );
    say!(
        "    of the plain fields, {read} in types whose server code was read ({CONFIG}), {} on the models and recorded bodies alone",
        required - read
    );
    say!(
        "    of the plain fields, {sent} in types the client also sends (a read type and a sent type in Rust)"
    );
    for (reason, count) in &reasons {
        say!("    {count:>4}  {reason}");
    }
    say!(
        "  recorded: {} corpus bodies, {} document examples",
        recorded.bodies,
        recorded.examples
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_order_by_number() {
        let mut versions = vec!["8.1.3", "4.2.2", "10.0.0", "8.0.2"];
        versions.sort_by_key(|v| version_key(v));
        assert_eq!(versions, ["4.2.2", "8.0.2", "8.1.3", "10.0.0"]);
    }

    #[test]
    fn a_read_of_the_server_code_covers_the_objects_nested_in_the_type() {
        let review = Review {
            not_always_sent: BTreeMap::new(),
            read: BTreeSet::from(["#/components/schemas/Abuse"]),
        };
        let abuse = Pointer::from_ref("#/components/schemas/Abuse").unwrap();
        assert!(review.was_read(&abuse));
        assert!(review.was_read(&abuse.push("properties").push("video")));
        let message = Pointer::from_ref("#/components/schemas/AbuseMessage").unwrap();
        assert!(!review.was_read(&message));
    }

    #[test]
    fn the_reviewed_file_reads() {
        let config = read_config().unwrap();
        assert!(config.integrity.starts_with("sha512-"));
        for reviewed in &config.reviewed {
            assert!(
                FindingKind::parse(&reviewed.finding).is_some(),
                "{reviewed:?}"
            );
            assert!(!reviewed.reason.trim().is_empty(), "{reviewed:?}");
        }
    }
}

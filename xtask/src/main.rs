//! Maintainer commands, run as `cargo xtask <command>`:
//!
//! - `codegen [--spec PATH] [--out DIR] [--check] ...`: generate the client crate (see README.md);
//! - `test [--spec PATH]`: every check CI runs;
//! - `diff [OLD] NEW [--markdown] [--changelog]`: what a new document changes for users;
//! - `history --dir DIR [--no-check]`: does every document in DIR generate and compile;
//! - `bench [--spec PATH] [--runs N] [--release]`: generation time, stage by stage;
//! - `build-cost [--cold] [--timings]`: the generated crate's size and compile times;
//! - `audit [--spec PATH] [--version V] [--evidence]`: the document against PeerTube's own models.

/// `println!` that ignores a closed stdout (`cargo xtask codegen | head`) instead of panicking.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

// Generation allocates and frees millions of small tokens and syntax-tree nodes, on two
// threads: with mimalloc a run takes about a quarter less time than with the system
// allocator (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod audit;
mod bench;
mod build_cost;
mod codegen;
mod diff;
mod history;
mod node;
mod pin;
mod test;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  codegen [--spec PATH] [--out DIR] [--names PATH] [--overlay PATH] [--always-sent PATH] [--check] [--deny-warnings]
          [--emit-document PATH]
      Generate the client crate from an OpenAPI document (JSON or YAML).
      --spec PATH       the document (default: spec/upstream/openapi.yaml or .json)
      --out DIR         write the crate there instead of generated/ (and nothing else)
      --names PATH      method names to pin or override (default: spec/names.yaml; `none`)
      --overlay PATH    corrections applied first (default: spec/overlay.yaml; `none`)
      --always-sent PATH  response properties made plain fields (default: spec/always-sent.yaml; `none`)
      --check           write nothing; fail if the crate on disk is not what the generator writes
      --deny-warnings   fail when the document gives any warning
      --emit-document PATH  also write the document as generated from (overlay applied), JSON
  diff [OLD] NEW [--markdown] [--changelog] [--overlay PATH] [--names PATH] [--always-sent PATH]
      What the crate generated from NEW changes for its users, against OLD (default: the
      pinned document, kept in spec/upstream/ by codegen): methods and types added, removed,
      renamed or changed, each breaking or not, the version bump it implies, and the
      overlay's drift (actions that no longer match, or that upstream made redundant).
      --markdown        print the changelog entry instead of the summary
      --changelog       also put the entry at the top of generated/CHANGELOG.md
  history --dir DIR [--no-check]
      Generate a crate from every document in DIR (say, each release's document) with no
      overlay and no names file, check them all in one workspace (target/history), and print
      one line per document: operations, warnings, whether it compiles, the first error.
      --no-check        generate only
  test [--spec PATH]
      Run every check CI runs: formatting, codegen --check, the audit, clippy, docs, tests (with
      the contract sweep: every operation's request checked by Prism, installed in tests/contract).
  bench [--spec PATH] [--runs N] [--release]
      Time each stage of generation (min and median of N runs, default 20) for the document
      and its JSON/YAML twin beside it, against the floor: parsing it into serde_json::Value.
      --release     build the generator with optimisations first (default: the dev profile)
  build-cost [--cold] [--timings]
      The generated crate's size, and how long cargo takes to build and check it (alone,
      and after touching one file), in target/build-cost.
      --cold        start from an empty target directory and time that build too
      --timings     pass --timings to cargo (HTML reports in target/build-cost/cargo-timings)
  audit [--spec PATH] [--overlay PATH] [--version V] [--corpus DIR] [--all] [--evidence]
      Compare the document's schemas with PeerTube's TypeScript models (@peertube/peertube-types,
      read with the TypeScript type checker; needs Node.js 20 and npm). Fails on findings that
      spec/overlay.yaml does not correct and spec/server-models.yaml does not review.
      --version V   the models' release (default: the one spec/server-models.yaml pins)
      --corpus DIR  the recorded bodies (default: $PEERTUBE_CORPUS, else ../shared/corpus)
      --all         list reviewed findings too
      --evidence    write spec/always-sent.yaml from every release since the floor version
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(&args[1..]),
        Some("diff") => diff::run(&args[1..]),
        Some("test") => test::run(&args[1..]),
        Some("history") => history::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("build-cost") => build_cost::run(&args[1..]),
        Some("audit") => audit::run(&args[1..]),
        Some("help" | "--help" | "-h") | None => {
            say!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// The repository's root directory.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// `cargo` (the one running this xtask), in the repository's root.
pub fn cargo() -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command.current_dir(root());
    command
}

/// Runs `command` to its end; an error says which command failed and how.
pub fn run_command(mut command: Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} exited with {status}"))
    }
}

/// Where a maintainer puts the upstream document (git-ignored); the first that exists is used.
pub const DEFAULT_SPECS: &[&str] = &["spec/upstream/openapi.yaml", "spec/upstream/openapi.json"];

/// The document to read: `--spec`, else the default place.
pub fn spec_path(given: Option<&str>) -> Result<PathBuf, String> {
    if let Some(path) = given {
        return Ok(PathBuf::from(path));
    }
    DEFAULT_SPECS
        .iter()
        .map(|p| root().join(p))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            format!(
                "no API document given and none at the default place ({}).\n\
                 Put PeerTube's support/doc/api/openapi.yaml there, or pass --spec PATH.",
                DEFAULT_SPECS.join(" or ")
            )
        })
}

/// Parses `--flag value` and `--switch` arguments.
pub struct Args {
    values: Vec<(String, Option<String>)>,
}

impl Args {
    pub fn parse(args: &[String], with_value: &[&str], switches: &[&str]) -> Result<Args, String> {
        let mut values = Vec::new();
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) => (flag, Some(value.to_owned())),
                None => (arg.as_str(), None),
            };
            if with_value.contains(&flag) {
                let value = match inline {
                    Some(value) => value,
                    None => iter
                        .next()
                        .cloned()
                        .ok_or_else(|| format!("{flag} needs a value"))?,
                };
                values.push((flag.to_owned(), Some(value)));
            } else if switches.contains(&flag) && inline.is_none() {
                values.push((flag.to_owned(), None));
            } else {
                return Err(format!("unexpected argument `{arg}`\n\n{USAGE}"));
            }
        }
        Ok(Args { values })
    }

    pub fn value(&self, flag: &str) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|(f, _)| f == flag)
            .and_then(|(_, v)| v.as_deref())
    }

    pub fn has(&self, flag: &str) -> bool {
        self.values.iter().any(|(f, _)| f == flag)
    }
}

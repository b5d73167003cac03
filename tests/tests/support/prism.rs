//! The harness of the contract sweep (`contract.rs`, generated): Stoplight Prism serves the
//! document the client was generated from (overlay applied) as a mock that validates every
//! request; each operation is called once through the client, and Prism's log says whether
//! the request passed its validation. The answer Prism builds from the document must then
//! decode in the client.
//!
//! `cargo xtask test` installs the pinned Prism (`tests/contract/`, `npm ci`) and writes the
//! document; `PEERTUBE_CONTRACT_DOCUMENT` names it.

use std::future::Future;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use peertube_client::{Client, Error, Secret, Tokens};

/// A call under way: only whether it succeeded matters here.
pub type CallFuture = Pin<Box<dyn Future<Output = Result<(), Error>> + Send>>;

/// One operation's call.
pub struct Case {
    /// The client's method.
    pub name: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    /// Properties of a multipart body Prism cannot see (nested parts, `oneOf` members): a
    /// rejection that names only these is Prism's limit, and `client.rs` checks those parts.
    pub unchecked: &'static [&'static str],
    pub call: fn(Client) -> CallFuture,
}

/// What came of a case.
#[derive(Debug)]
enum Verdict {
    /// Prism accepted the request, and its answer decoded (or was an error status the
    /// document lists, read as the client's error).
    Passed,
    /// Prism accepted the request, but the answer it built violates the document itself
    /// (`--errors` turns that into its `VIOLATIONS` problem): nothing to decode.
    ResponseSkipped,
    /// Prism rejected only properties it cannot read in a multipart body.
    PrismCannotCheck(String),
    Failed(String),
}

const PRISM_ERRORS: &str = "https://stoplight.io/prism/errors#";

pub fn sweep(cases: Vec<Case>) {
    let document = std::env::var_os("PEERTUBE_CONTRACT_DOCUMENT")
        .map(PathBuf::from)
        .expect(
            "PEERTUBE_CONTRACT_DOCUMENT names the document the client was generated from: \
             `cargo xtask test` writes it (codegen --emit-document) and sets it",
        );
    let prism = Prism::start(&document);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let client = Client::new(&prism.url).expect("a client for Prism");
    client.set_tokens(Tokens {
        access_token: Secret::new("contract-sweep-token"),
        refresh_token: None,
        expires_at: None,
    });

    let started = Instant::now();
    let mut failures = Vec::new();
    let (mut passed, mut skipped) = (0, 0);
    let mut unchecked = Vec::new();
    for case in &cases {
        let mark = prism.log_len();
        let outcome = runtime.block_on((case.call)(client.clone()));
        let log = prism.request_log(mark);
        match verdict(case, outcome, &log) {
            Verdict::Passed => passed += 1,
            Verdict::ResponseSkipped => {
                passed += 1;
                skipped += 1;
            }
            Verdict::PrismCannotCheck(why) => unchecked.push(format!("{} ({why})", case.name)),
            Verdict::Failed(why) => failures.push(format!(
                "{} ({} {}): {why}\n      {}",
                case.name,
                case.method,
                case.path,
                log.join("\n      ")
            )),
        }
    }
    println!(
        "contract sweep: {passed}/{} operations sent a request Prism accepts, {} that Prism \
         cannot check (multipart parts it cannot read), {} failed; {skipped} answers not \
         decoded (Prism's value breaks the document, or leaves out a field the server always \
         sends); {:.1} s",
        cases.len(),
        unchecked.len(),
        failures.len(),
        started.elapsed().as_secs_f64()
    );
    for case in &unchecked {
        println!("  not checked by Prism: {case}");
    }
    assert!(
        failures.is_empty(),
        "{} operation(s) failed the contract:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

fn verdict(case: &Case, outcome: Result<(), Error>, log: &[String]) -> Verdict {
    let rejected: Vec<&String> = log
        .iter()
        .filter(|line| line.contains("[VALIDATOR]") && !line.contains("success"))
        .collect();
    let beyond_prism = |line: &&String| {
        case.unchecked.iter().any(|name| {
            line.contains(&format!("property '{name}'"))
                || line.contains(&format!("property {name} "))
        }) || (!case.unchecked.is_empty()
            && (line.contains("must match exactly one schema in oneOf")
                || line.contains("Request did not pass the validation rules")))
    };
    if !rejected.is_empty() && rejected.iter().all(beyond_prism) {
        return Verdict::PrismCannotCheck(format!("Prism sees no {}", case.unchecked.join(", ")));
    }
    if !rejected.is_empty() {
        return Verdict::Failed(format!(
            "Prism rejected the request: {}",
            rejected
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join(" | ")
        ));
    }
    if !log
        .iter()
        .any(|line| line.contains("The request passed the validation rules"))
    {
        return Verdict::Failed(format!("no validated request in Prism's log ({outcome:?})"));
    }
    match outcome {
        Ok(()) => Verdict::Passed,
        Err(Error::Api(e) | Error::UnexpectedStatus(e)) => {
            let kind = e.problem.as_ref().and_then(|p| p.kind.as_deref());
            match kind.and_then(|k| k.strip_prefix(PRISM_ERRORS)) {
                Some("VIOLATIONS") => Verdict::ResponseSkipped,
                Some(other) => Verdict::Failed(format!("Prism answered {}: {other}", e.status)),
                None if e.operation.meaning(e.status).is_some() => Verdict::Passed,
                None => Verdict::Failed(format!("an undocumented status {}", e.status)),
            }
        }
        // Prism's static generator gives `null` or `true` for some objects merged with `allOf`
        // (`Account`, say): a value no object schema admits, which the client rightly refuses.
        Err(Error::Decode(e))
            if e.message.starts_with("expected an object")
                && (e.message.ends_with("found null")
                    || e.message.ends_with("found the boolean true")) =>
        {
            Verdict::ResponseSkipped
        }
        // Prism's generated bodies hold every property the document requires, and may leave
        // out the others: a field missing from one is a field the crate requires beyond the
        // document (the server always sends it: spec/always-sent.yaml), not a client defect.
        Err(Error::Decode(e)) if e.message.starts_with("missing field") => Verdict::ResponseSkipped,
        Err(e) => Verdict::Failed(format!("the answer did not decode: {e}")),
    }
}

/// Prism, running on a free loopback port; stopped when dropped.
struct Prism {
    child: Child,
    url: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Prism {
    fn start(document: &Path) -> Prism {
        let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("contract/node_modules/.bin/prism");
        assert!(
            bin.is_file(),
            "Prism is not installed at {}: `cargo xtask test` installs it (npm ci in tests/contract)",
            bin.display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut child = Command::new(&bin)
            .args([
                "mock",
                "--errors",
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .arg(document)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("Prism starts");
        let log = Arc::new(Mutex::new(Vec::new()));
        for stream in [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    log.lock().expect("the log").push(line);
                }
            });
        }
        let mut prism = Prism {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
        };
        prism.wait_until_listening();
        prism
    }

    fn wait_until_listening(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if self
                .lines_from(0)
                .iter()
                .any(|l| l.contains("Prism is listening"))
            {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "Prism exited ({status}) before listening:\n{}",
                    self.lines_from(0).join("\n")
                );
            }
            assert!(
                Instant::now() < deadline,
                "Prism did not listen within 120 s:\n{}",
                self.lines_from(0).join("\n")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn log_len(&self) -> usize {
        self.log.lock().expect("the log").len()
    }

    fn lines_from(&self, mark: usize) -> Vec<String> {
        self.log
            .lock()
            .expect("the log")
            .get(mark..)
            .unwrap_or_default()
            .to_vec()
    }

    /// The log of the request sent after `mark`: Prism writes its verdict before it answers,
    /// but the lines may reach us a moment after the answer.
    fn request_log(&self, mark: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            let mut lines = self.lines_from(mark);
            // Lines of the request before may still be arriving: this one starts at its
            // `Request received`, and ends with the status Prism answers.
            if let Some(start) = lines.iter().rposition(|l| l.contains("Request received")) {
                lines.drain(..start);
            }
            let done = lines
                .first()
                .is_some_and(|l| l.contains("Request received"))
                && lines
                    .iter()
                    .any(|l| l.contains("> Responding with") || l.contains("Request terminated"));
            if done || Instant::now() > deadline {
                // Violations are logged after the answer is chosen: let them arrive.
                std::thread::sleep(Duration::from_millis(20));
                let mut lines = self.lines_from(mark);
                if let Some(start) = lines.iter().rposition(|l| l.contains("Request received")) {
                    lines.drain(..start);
                }
                return lines;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

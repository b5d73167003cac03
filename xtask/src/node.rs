//! Node tools the checks use, each pinned by a `package-lock.json` in a folder of the
//! repository and installed there with `npm ci` into a git-ignored `node_modules` (nothing
//! global; the machine's Node 20 and npm).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// How many times `npm ci` is tried before giving up (a registry hiccup should not fail CI).
const ATTEMPTS: u32 = 3;

/// Installs what `dir`'s lockfile pins, unless `node_modules` already holds exactly that
/// (a stamp keeps the lockfile it was installed from). `what` names the tool in messages.
pub fn install(dir: &Path, what: &str) -> Result<(), String> {
    let lock = dir.join("package-lock.json");
    let stamp = dir.join("node_modules/.installed-from-lock.json");
    let wanted =
        std::fs::read(&lock).map_err(|e| format!("cannot read {}: {e}", lock.display()))?;
    if std::fs::read(&stamp).is_ok_and(|installed| installed == wanted) {
        return Ok(());
    }
    say!("    installing {what} (npm ci in {})", dir.display());
    run_with_retries(what, || {
        let mut command = npm(dir);
        command.args([
            "ci",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--prefer-offline",
            "--loglevel=error",
        ]);
        command
    })?;
    std::fs::write(&stamp, wanted).map_err(|e| format!("cannot write {}: {e}", stamp.display()))
}

/// `npm`, run in `dir`.
pub fn npm(dir: &Path) -> Command {
    let mut command = Command::new(if cfg!(windows) { "npm.cmd" } else { "npm" });
    command.current_dir(dir);
    command
}

/// Runs the command `make` builds, again after a pause if it fails, up to [`ATTEMPTS`]
/// times; returns its stdout. `what` names the tool that needs Node in messages.
pub fn run_with_retries(what: &str, mut make: impl FnMut() -> Command) -> Result<Vec<u8>, String> {
    let mut last_error = String::new();
    for attempt in 1..=ATTEMPTS {
        let mut command = make();
        let shown = format!("{command:?}");
        match command.stderr(Stdio::piped()).output() {
            Ok(output) if output.status.success() => return Ok(output.stdout),
            Ok(output) => {
                last_error = format!(
                    "{shown} exited with {}:\n{}",
                    output.status,
                    String::from_utf8_lossy(&output.stderr).trim()
                );
            }
            Err(e) => {
                return Err(format!(
                    "cannot run {shown}: {e} ({what} needs Node.js 20 and npm)"
                ));
            }
        }
        if attempt < ATTEMPTS {
            std::thread::sleep(Duration::from_secs(2 * u64::from(attempt)));
        }
    }
    Err(last_error)
}

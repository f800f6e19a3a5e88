//! The learner's next `cargo test -p cNN-…`, built in the background while they read.
//!
//! On a fresh clone the first grade builds only the grader (every challenge is the stub as shipped,
//! graded without a build); the learner's first `cargo test -p c01-identity` would then compile
//! tokio and the checks, minutes on two cores. So once the table names the challenge to work on,
//! the grader starts `cargo test -p <it> --no-run` on its own, detached, in a process group of its
//! own (Ctrl-C in the terminal does not reach it), its output in a log: by the time the learner has
//! read the README and filled in a `todo!()`, `cargo test -p` has only their crate to compile (or
//! waits for the build already under way, which costs no more than starting it).
//!
//! Once per challenge and target folder: a stamp beside the log says it finished, and a running
//! build is not started twice. Only for a learner at a terminal (not `--submission`, `--solutions`,
//! a pipe or CI); `TOKIO_CHALLENGES_PREBUILD=0` turns it off, `=1` turns it on without a terminal
//! (the kit's tests).

use crate::target::cargo_target_dir;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Whether to build ahead: `TOKIO_CHALLENGES_PREBUILD` decides when set; otherwise a terminal on
/// stdout and no `CI`.
pub fn wanted() -> bool {
    use std::io::IsTerminal;
    match std::env::var("TOKIO_CHALLENGES_PREBUILD") {
        Ok(v) if !v.is_empty() => v != "0",
        _ => std::io::stdout().is_terminal() && std::env::var_os("CI").is_none(),
    }
}

/// Where the build of `package` writes its output, and its stamp once it succeeded.
fn paths(kit: &Path, package: &str) -> (PathBuf, PathBuf) {
    let dir = cargo_target_dir(kit).join("tokio-challenges").join("prebuild");
    (
        dir.join(format!("{package}.log")),
        dir.join(format!("{package}.done")),
    )
}

/// Starts building `package`'s tests in the background, unless they were built already or a build
/// is under way; returns the sentence to tell the learner when it started one.
pub fn start(kit: &Path, package: &str) -> Option<String> {
    let (log, done) = paths(kit, package);
    if done.exists() {
        return None;
    }
    std::fs::create_dir_all(log.parent()?).ok()?;
    // A log younger than the longest build is one under way (or one that failed: the learner's
    // own `cargo test` says why, and the next grade tries again once it is old).
    let running = std::fs::metadata(&log)
        .and_then(|m| m.modified())
        .is_ok_and(|t| t.elapsed().is_ok_and(|age| age.as_secs() < 15 * 60));
    if running {
        return None;
    }
    let output = std::fs::File::create(&log).ok()?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // `sh` writes the stamp when cargo succeeds; the grader does not wait for either.
    let mut command = Command::new("sh");
    grader_core::cargo_env::clear_program_vars(&mut command);
    command
        .arg("-c")
        .arg(r#""$0" test -p "$1" --no-run && : > "$2""#)
        .arg(&cargo)
        .arg(package)
        .arg(&done)
        .current_dir(kit)
        .stdin(Stdio::null())
        .stdout(output.try_clone().ok()?)
        .stderr(output);
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    command.spawn().ok()?;
    Some(format!(
        "Building what `cargo test -p {package}` needs in the background (the first time: a few \
         minutes on two cores; its log: {}). Read the README meanwhile: when you run it, it has only \
         your code left to compile.",
        log.strip_prefix(kit).unwrap_or(&log).display()
    ))
}

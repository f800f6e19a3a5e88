//! Running a challenge's binary in a process of its own, as a learner runs it from the shell: its
//! arguments, standard streams and exit code are the learner's, and `process::exit` or clap's
//! `parse()` ending the process is what the check sees, not the end of the check runner.
//!
//! The check runner does not build the challenge's `src/bin/` files: a binary is one line calling a
//! `main` in the challenge's library (`fn main() { std::process::exit(c10_echo::cli::main(std::env::args_os().collect())) }`),
//! and the suite registers that function ([`crate::Suite::binary`]). The runner started again with
//! [`EXEC_ENV`] set runs it instead of checks — one executable, several programs, as busybox does.
//! Under `cargo test` the runner is the test binary; there libtest prints its header on standard
//! output before the test starts, so the child's real standard output is handed over on another
//! descriptor ([`STDOUT_FD`]) and libtest's goes to `/dev/null`.

use crate::check::Failure;
use crate::suite::Suite;
use std::ffi::OsString;
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::Duration;

/// A binary's `main`: the arguments (the program's name first), then the exit code.
pub type Main = fn(Vec<OsString>) -> i32;

/// Set in the child: the name of the binary to run.
pub const EXEC_ENV: &str = "TOKIO_CHALLENGES_EXEC";
/// Set in the child: its arguments after the program name, as a JSON array of strings.
const ARGS_ENV: &str = "TOKIO_CHALLENGES_EXEC_ARGS";
/// Set in the child when its standard output waits on [`STDOUT_FD`] (the runner is a test binary).
const MOVED_STDOUT_ENV: &str = "TOKIO_CHALLENGES_EXEC_STDOUT";
/// The descriptor that carries the child's standard output past libtest's header.
#[cfg(unix)]
const STDOUT_FD: i32 = 4;

/// How this process runs a binary again: its own path, and the arguments that select the one test
/// under `cargo test` (none for the grader's runner).
struct SelfCommand {
    exe: std::path::PathBuf,
    test_args: Vec<String>,
}

static SELF_COMMAND: OnceLock<SelfCommand> = OnceLock::new();

/// Called first by a runner (and by `grade_as_test` with its libtest arguments): when this process
/// was started to run one of the suite's binaries, runs it and exits with its code.
pub(crate) fn dispatch(suite: &Suite, test_args: Vec<String>) {
    if let Ok(exe) = std::env::current_exe() {
        let _ = SELF_COMMAND.set(SelfCommand { exe, test_args });
    }
    let Some(name) = std::env::var_os(EXEC_ENV) else {
        return;
    };
    let name = name.to_string_lossy().into_owned();
    #[cfg(unix)]
    if std::env::var_os(MOVED_STDOUT_ENV).is_some() {
        // SAFETY: plain descriptor calls; nothing else runs yet (a test binary's one test thread).
        unsafe {
            libc::dup2(STDOUT_FD, 1);
            libc::close(STDOUT_FD);
        }
    }
    let Some(main) = suite
        .binaries
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, main)| *main)
    else {
        eprintln!("the check runner has no binary `{name}`");
        std::process::exit(127);
    };
    let args: Vec<String> = std::env::var(ARGS_ENV)
        .ok()
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default();
    let argv = std::iter::once(OsString::from(&name))
        .chain(args.into_iter().map(OsString::from))
        .collect();
    std::process::exit(main(argv))
}

/// A command that runs the suite's binary `name` with `args` (the program name is added), with
/// standard input, output and error piped and killed when dropped. The child is in the runner's
/// process group: the grader kills it with the runner.
pub fn command(name: &str, args: &[&str]) -> Result<tokio::process::Command, Failure> {
    let mut cmd = tokio::process::Command::from(std_command(name, args)?);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    Ok(cmd)
}

fn std_command(name: &str, args: &[&str]) -> Result<std::process::Command, Failure> {
    let me = SELF_COMMAND.get().ok_or_else(|| {
        Failure::Fail("the check runner cannot start a binary: it does not know its own path".into())
    })?;
    let mut cmd = std::process::Command::new(&me.exe);
    cmd.args(&me.test_args)
        .env_remove(grader_core::event::RUNNER_ENV)
        .env(EXEC_ENV, name)
        .env(ARGS_ENV, serde_json::to_string(args).expect("strings serialise"));
    #[cfg(unix)]
    if !me.test_args.is_empty() {
        use std::os::unix::process::CommandExt;
        cmd.env(MOVED_STDOUT_ENV, "1");
        // SAFETY: only async-signal-safe calls between fork and exec. The pipe std set up as
        // standard output moves to STDOUT_FD, where `dispatch` takes it back once libtest has
        // printed its header to /dev/null.
        unsafe {
            cmd.pre_exec(|| {
                if libc::dup2(1, STDOUT_FD) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                let null = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY);
                if null < 0 || libc::dup2(null, 1) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                libc::close(null);
                Ok(())
            });
        }
    }
    Ok(cmd)
}

/// What a finished binary did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// The exit code; `None` when a signal ended it.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// `exit code 2`, or `killed by a signal`.
    pub fn status(&self) -> String {
        match self.code {
            Some(code) => format!("exit code {code}"),
            None => "killed by a signal".into(),
        }
    }
}

/// Runs the suite's binary `name` with `args`, writes `stdin` to it and closes it, and waits for
/// it to exit, at most `limit` (then kills it and fails, saying what it printed so far).
///
/// The run goes through `assert_cmd`, on a blocking thread: the exit code and both streams are
/// those of a real process.
pub async fn run(name: &str, args: &[&str], stdin: &[u8], limit: Duration) -> Result<Output, Failure> {
    let mut assert = assert_cmd::Command::from_std(std_command(name, args)?);
    assert.write_stdin(stdin.to_vec()).timeout(limit);
    let shown = shown_command(name, args);
    let started = std::time::Instant::now();
    let output = match tokio::task::spawn_blocking(move || assert.output()).await {
        Ok(Ok(output)) => output,
        Ok(Err(e)) => return crate::fail(format!("could not run `{shown}`: {e}")),
        Err(e) => return crate::fail(format!("could not run `{shown}`: {e}")),
    };
    let result = Output {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    if result.code.is_none() && started.elapsed() >= limit {
        return Err(Failure::Timeout(format!(
            "`{shown}` did not exit within {} ms (its output so far: {:?}; on stderr: {:?})",
            limit.as_millis(),
            result.stdout,
            result.stderr
        )));
    }
    Ok(result)
}

/// `echo both --port 0`, as a failure message shows the command.
pub fn shown_command(name: &str, args: &[&str]) -> String {
    std::iter::once(name)
        .chain(args.iter().copied())
        .collect::<Vec<_>>()
        .join(" ")
}

//! Running a challenge's binary in a process of its own, as a learner runs it from the shell: its
//! arguments, standard streams and exit code are the learner's, and `process::exit` or clap's
//! `parse()` ending the process is what the check sees, not the end of the check runner.
//!
//! The check runner does not build the challenge's `src/bin/` files: a binary is one line calling a
//! `main` in the challenge's library (`fn main() { std::process::exit(c10_echo::cli::main(std::env::args_os().collect())) }`),
//! and the suite registers that function ([`crate::Suite::binary`]). How the runner's own executable
//! becomes that program is the process model's business ([`crate::process::program`]).

use crate::check::Failure;
use crate::process::program::self_command as std_command;
use std::process::Stdio;
use std::time::Duration;

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

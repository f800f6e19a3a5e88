//! The program side of the process model: one executable, several programs, as busybox does. A
//! check runs a challenge's binary (`crate::exec::run`) by starting this executable again with
//! [`EXEC_ENV`] set, and `become_program` runs that binary's `main` instead of checks.
//!
//! Under `cargo test` the executable is the test binary; there libtest prints its header on standard
//! output before the test starts, so the program's real standard output is handed over on another
//! descriptor (`STDOUT_FD`) and libtest's goes to `/dev/null`.

use crate::check::Failure;
use crate::suite::Suite;
use std::ffi::OsString;
use std::sync::OnceLock;

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
pub(crate) fn become_program(suite: &Suite, test_args: Vec<String>) {
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

/// A command that starts this executable again as the program `name` with `args`.
pub(crate) fn self_command(name: &str, args: &[&str]) -> Result<std::process::Command, Failure> {
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

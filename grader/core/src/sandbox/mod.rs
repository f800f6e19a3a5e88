//! Where a check runner runs: its own session, resource limits, and on Linux its own network (only
//! loopback) and, for sealed grading, a view of the file system without the kit.
//!
//! Everything a runner starts dies with it: the runner leads a session of its own, the whole
//! process group is killed when a run ends, and on Linux the grader is a "child subreaper", so that
//! a process that left the group (`setsid`, a double fork) is handed back to the grader when its
//! parent dies, and killed too. See docs/ISOLATION.md for what learner code can and cannot do.

mod child;
mod limits;
#[cfg(target_os = "linux")]
mod reap;

pub use limits::{Limits, human_size};

use std::io;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, Ordering};

/// How a runner is contained.
#[derive(Debug, Clone, Default)]
pub struct Sandbox {
    pub limits: Limits,
    /// Run in a network namespace of its own with only loopback up (Linux; where the kernel does
    /// not allow it, the grader says so once and runs without).
    pub isolate_network: bool,
    /// Paths hidden under an empty, read-only file system in the runner's view (Linux, sealed
    /// grading): the kit's folders, so that learner code cannot read the answers or the checks.
    pub hide: Vec<PathBuf>,
}

/// Whether this machine lets the grader make namespaces: not tried yet, yes, no.
static NAMESPACES: AtomicU8 = AtomicU8::new(UNKNOWN);
const UNKNOWN: u8 = 0;
const AVAILABLE: u8 = 1;
const UNAVAILABLE: u8 = 2;

/// Held while a runner is started and while orphans are swept, so that a sweep never mistakes a
/// runner that is being started for an orphan.
static SPAWNING: Mutex<()> = Mutex::new(());

/// Starts `cmd` (cargo, for a sealed build) with `hide` hidden from it and from what it runs
/// (build scripts, procedural macros, the compiler), where the system allows it.
pub fn spawn_hiding(cmd: &mut Command, hide: &[PathBuf]) -> io::Result<Child> {
    let setup = child::Setup {
        contain: None,
        network: false,
        hide,
        events_fd: None,
    };
    spawn_with(cmd, &setup, !hide.is_empty())
}

/// Spawns with namespaces when asked and available; where the system refuses them, says so once
/// and spawns without.
fn spawn_with(cmd: &mut Command, setup: &child::Setup<'_>, namespaces: bool) -> io::Result<Child> {
    let want = namespaces && cfg!(target_os = "linux") && NAMESPACES.load(Ordering::Relaxed) != UNAVAILABLE;
    let switch = child::install(cmd, setup, want)?;
    match cmd.spawn() {
        Ok(child) => {
            if want {
                NAMESPACES.store(AVAILABLE, Ordering::Relaxed);
            }
            Ok(child)
        }
        Err(error) if want => {
            // Retry without: if that works, the namespaces were what failed.
            switch.store(false, Ordering::Relaxed);
            let child = cmd.spawn()?;
            if NAMESPACES.swap(UNAVAILABLE, Ordering::Relaxed) != UNAVAILABLE {
                anstream::eprintln!(
                    "grader: this system does not let the grader make namespaces ({error}): learner \
                     code runs with the network reachable, and in sealed grading with the kit readable"
                );
            }
            Ok(child)
        }
        Err(error) => Err(error),
    }
}

/// What the namespaces gave: for reports and the closing line of `--verbose`.
pub fn namespaces_available() -> Option<bool> {
    match NAMESPACES.load(Ordering::Relaxed) {
        AVAILABLE => Some(true),
        UNAVAILABLE => Some(false),
        _ => None,
    }
}

impl Sandbox {
    /// The sandbox of a graded run: default limits (or `TOKIO_CHALLENGES_MEMORY_LIMIT`), no
    /// network beyond loopback.
    pub fn for_grading() -> Sandbox {
        let mut limits = Limits::default();
        if let Some(memory) = std::env::var("TOKIO_CHALLENGES_MEMORY_LIMIT")
            .ok()
            .and_then(|v| Limits::parse_size(&v).ok())
        {
            limits.memory = memory;
        }
        Sandbox {
            limits,
            isolate_network: true,
            hide: Vec::new(),
        }
    }

    /// Starts `cmd` in the sandbox: a session of its own, the limits (`cpu_seconds` of CPU time),
    /// and `events_fd` (a pipe's write end) as descriptor [`crate::event::EVENTS_FD`].
    pub fn spawn(&self, cmd: &mut Command, cpu_seconds: u64, events_fd: Option<i32>) -> io::Result<Child> {
        #[cfg(target_os = "linux")]
        reap::become_subreaper();
        let setup = child::Setup {
            contain: Some((&self.limits, cpu_seconds)),
            network: self.isolate_network,
            hide: &self.hide,
            events_fd,
        };
        let _spawning = SPAWNING.lock().unwrap_or_else(|e| e.into_inner());
        let child = spawn_with(cmd, &setup, self.isolate_network || !self.hide.is_empty())?;
        #[cfg(target_os = "linux")]
        reap::register(child.id());
        Ok(child)
    }

    /// After a run: kills whatever is left of the runner's session and, on Linux, every process
    /// it left behind that was handed back to the grader.
    pub fn clean_up(&self, child: &Child) {
        let group = child.id() as libc::pid_t;
        // SAFETY: kill has no memory preconditions; the group is the runner's own (it leads a
        // session of its own, so its id is the group's).
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
        #[cfg(target_os = "linux")]
        {
            let _spawning = SPAWNING.lock().unwrap_or_else(|e| e.into_inner());
            reap::unregister(child.id());
            reap::sweep();
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests;

//! What a runner's process does between `fork` and `exec`, before any of its code runs: lead a
//! session, take its limits, and on Linux enter namespaces of its own.
//!
//! Code here runs in the child of a multi-threaded process, so it may only make system calls that
//! are async-signal-safe: everything it needs (paths, the text of the id maps) is prepared before
//! the fork, and nothing allocates after it.

use super::Limits;
use std::ffi::CString;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[cfg(all(target_os = "linux", target_env = "gnu"))]
type Resource = libc::__rlimit_resource_t;
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
type Resource = libc::c_int;

/// A resource limit, prepared: `setrlimit(resource, {soft, hard})`.
struct Rlimit {
    resource: Resource,
    soft: u64,
    hard: u64,
}

/// The namespace steps, prepared.
#[cfg(target_os = "linux")]
struct Namespaces {
    flags: libc::c_int,
    uid_map: Vec<u8>,
    gid_map: Vec<u8>,
    /// Folders to cover with an empty file system.
    hide_dirs: Vec<CString>,
    /// Files to cover with an empty one (`/dev/null`).
    hide_files: Vec<CString>,
}

/// What to do in the child.
pub(super) struct Setup<'a> {
    /// A session of its own, these limits and this many seconds of CPU time, and death with the
    /// grader: for check runners (not for cargo).
    pub contain: Option<(&'a Limits, u64)>,
    /// A network of its own with only loopback.
    pub network: bool,
    /// Paths to hide.
    pub hide: &'a [PathBuf],
    /// A pipe's write end to hand over as [`crate::event::EVENTS_FD`].
    pub events_fd: Option<i32>,
}

/// Installs the steps on `cmd` and returns the switch that turns the namespaces off for a retry.
pub(super) fn install(cmd: &mut Command, setup: &Setup<'_>, namespaces: bool) -> io::Result<Arc<AtomicBool>> {
    let contain = setup.contain.is_some();
    let mut rlimits = Vec::new();
    if let Some((limits, cpu_seconds)) = setup.contain {
        rlimits = vec![
            capped(libc::RLIMIT_DATA, limits.memory, limits.memory),
            capped(libc::RLIMIT_CPU, cpu_seconds, cpu_seconds + 2),
            capped(libc::RLIMIT_FSIZE, limits.file_size, limits.file_size),
            capped(libc::RLIMIT_CORE, 0, 0),
        ];
        // SAFETY: getuid has no preconditions.
        if unsafe { libc::getuid() } != 0 {
            // Root is exempt from this limit; anyone else counts every process and thread they own.
            let processes = tasks_now() + limits.extra_processes;
            rlimits.push(capped(libc::RLIMIT_NPROC, processes, processes));
        }
    }
    let events_fd = setup.events_fd;
    let switch = Arc::new(AtomicBool::new(namespaces));
    let use_namespaces = switch.clone();
    #[cfg(target_os = "linux")]
    let prepared = Namespaces::prepare(setup)?;
    // SAFETY: `getppid` now is the grader; the closure below makes only async-signal-safe calls
    // on data prepared here.
    let parent = unsafe { libc::getpid() };
    let step = move || -> io::Result<()> {
        if contain {
            check(unsafe { libc::setsid() })?;
        }
        for limit in &rlimits {
            let value = libc::rlimit {
                rlim_cur: limit.soft,
                rlim_max: limit.hard,
            };
            check(unsafe { libc::setrlimit(limit.resource, &value) })?;
        }
        #[cfg(target_os = "linux")]
        {
            if use_namespaces.load(Ordering::Relaxed) {
                prepared.enter()?;
            }
            if contain {
                // Die with the grader, even if it is killed before it can clean up.
                check(unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) })?;
                if unsafe { libc::getppid() } != parent {
                    unsafe { libc::_exit(1) };
                }
            }
        }
        if let Some(fd) = events_fd {
            if fd == crate::event::EVENTS_FD {
                // Already in place: keep it open across exec.
                check(unsafe { libc::fcntl(fd, libc::F_SETFD, 0) })?;
            } else {
                check(unsafe { libc::dup2(fd, crate::event::EVENTS_FD) })?;
            }
        }
        Ok(())
    };
    // SAFETY: see `step`.
    unsafe {
        cmd.pre_exec(step);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (parent, &use_namespaces, contain);
    Ok(switch)
}

fn check(result: libc::c_int) -> io::Result<()> {
    if result == -1 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// A limit no higher than the one the grader itself has (only root may raise a hard limit).
fn capped(resource: Resource, soft: u64, hard: u64) -> Rlimit {
    let mut current = libc::rlimit {
        rlim_cur: 0,
        rlim_max: libc::RLIM_INFINITY,
    };
    // SAFETY: `current` is a valid rlimit to write to.
    unsafe { libc::getrlimit(resource, &mut current) };
    let hard = hard.min(current.rlim_max);
    Rlimit {
        resource,
        soft: soft.min(hard),
        hard,
    }
}

/// How many tasks (processes and threads) the machine runs now: an upper bound on the user's own.
fn tasks_now() -> u64 {
    // /proc/loadavg: "0.00 0.01 0.05 1/123 4567" — the fourth field is running/total.
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().nth(3)?.split('/').nth(1)?.parse().ok())
        .unwrap_or(4096)
}

#[cfg(target_os = "linux")]
impl Namespaces {
    fn prepare(setup: &Setup<'_>) -> io::Result<Namespaces> {
        // SAFETY: getuid and getgid have no preconditions.
        let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
        let mut flags = libc::CLONE_NEWUSER;
        if setup.network {
            flags |= libc::CLONE_NEWNET;
        }
        if !setup.hide.is_empty() {
            flags |= libc::CLONE_NEWNS;
        }
        // A path inside a folder that is hidden already is gone from view: nothing to mount there.
        let mut dirs: Vec<&PathBuf> = setup.hide.iter().filter(|p| p.is_dir()).collect();
        dirs.sort();
        dirs.dedup_by(|later, earlier| later.starts_with(&**earlier));
        let covered = |p: &PathBuf| dirs.iter().any(|d| p.starts_with(d) && p != *d);
        let c_path = |p: &PathBuf| CString::new(p.as_os_str().as_bytes()).map_err(io::Error::other);
        let hide_dirs = dirs.iter().copied().map(c_path).collect::<io::Result<_>>()?;
        let hide_files = setup
            .hide
            .iter()
            .filter(|p| p.is_file() && !covered(p))
            .map(c_path)
            .collect::<io::Result<_>>()?;
        Ok(Namespaces {
            flags,
            // The user keeps their own ids inside (files they create stay theirs).
            uid_map: format!("{uid} {uid} 1").into_bytes(),
            gid_map: format!("{gid} {gid} 1").into_bytes(),
            hide_dirs,
            hide_files,
        })
    }

    /// Enters a user namespace (which lets an unprivileged user make the others), a network
    /// namespace with loopback up, and for sealed grading a mount namespace with the kit hidden.
    fn enter(&self) -> io::Result<()> {
        check(unsafe { libc::unshare(self.flags) })?;
        write_file(c"/proc/self/setgroups", b"deny")?;
        write_file(c"/proc/self/uid_map", &self.uid_map)?;
        write_file(c"/proc/self/gid_map", &self.gid_map)?;
        if self.flags & libc::CLONE_NEWNET != 0 {
            loopback_up()?;
        }
        if self.flags & libc::CLONE_NEWNS != 0 {
            // Private: the mounts below are seen by this process and its children only.
            check(unsafe {
                libc::mount(
                    std::ptr::null(),
                    c"/".as_ptr(),
                    std::ptr::null(),
                    libc::MS_REC | libc::MS_PRIVATE,
                    std::ptr::null(),
                )
            })?;
            for path in &self.hide_files {
                check(unsafe {
                    libc::mount(
                        c"/dev/null".as_ptr(),
                        path.as_ptr(),
                        std::ptr::null(),
                        libc::MS_BIND,
                        std::ptr::null(),
                    )
                })?;
            }
            for path in &self.hide_dirs {
                check(unsafe {
                    libc::mount(
                        c"tmpfs".as_ptr(),
                        path.as_ptr(),
                        c"tmpfs".as_ptr(),
                        libc::MS_RDONLY | libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
                        c"size=4k,mode=0555".as_ptr().cast(),
                    )
                })?;
            }
        }
        Ok(())
    }
}

#[cfg(target_os = "linux")]
fn write_file(path: &std::ffi::CStr, bytes: &[u8]) -> io::Result<()> {
    // SAFETY: open, write and close on a valid path and buffer.
    unsafe {
        let fd = libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
        check(fd)?;
        let written = libc::write(fd, bytes.as_ptr().cast(), bytes.len());
        libc::close(fd);
        if written != bytes.len() as isize {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// `ip link set lo up`, with the ioctls it makes.
#[cfg(target_os = "linux")]
fn loopback_up() -> io::Result<()> {
    // SAFETY: a zeroed ifreq is valid; the ioctls read and write it in place.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        check(fd)?;
        let mut request: libc::ifreq = std::mem::zeroed();
        for (slot, byte) in request.ifr_name.iter_mut().zip(b"lo\0") {
            *slot = *byte as libc::c_char;
        }
        let mut result = libc::ioctl(fd, libc::SIOCGIFFLAGS, &mut request);
        if result != -1 {
            request.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
            result = libc::ioctl(fd, libc::SIOCSIFFLAGS, &request);
        }
        let error = io::Error::last_os_error();
        libc::close(fd);
        if result == -1 {
            return Err(error);
        }
    }
    Ok(())
}

//! Linux: the grader as a "child subreaper". A process that learner code started and that left the
//! runner's process group (`setsid`, `setpgid`) escapes a group kill; when its parent dies it is
//! handed to the nearest subreaper instead of to init, and the grader kills it there.

use std::collections::BTreeSet;
use std::sync::Mutex;

/// The runners running now: the grader's children that are not orphans.
static LIVE: Mutex<BTreeSet<u32>> = Mutex::new(BTreeSet::new());

pub(super) fn become_subreaper() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: prctl with these arguments only sets a flag on this process.
        unsafe {
            libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1);
        }
    });
}

pub(super) fn register(pid: u32) {
    LIVE.lock().unwrap_or_else(|e| e.into_inner()).insert(pid);
}

pub(super) fn unregister(pid: u32) {
    LIVE.lock().unwrap_or_else(|e| e.into_inner()).remove(&pid);
}

/// Kills and reaps every child of the grader that is neither a live runner nor in the grader's own
/// session (cargo is; runners lead sessions of their own, and so do the processes they start),
/// until none is left: killing one hands its own children to the grader in turn.
pub(super) fn sweep() {
    // SAFETY: getpid and getsid have no preconditions.
    let (me, my_session) = unsafe { (libc::getpid(), libc::getsid(0)) };
    for _ in 0..100 {
        let live = LIVE.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let orphans = escaped(processes(), me, my_session, &live);
        if orphans.is_empty() {
            return;
        }
        for orphan in orphans {
            // SAFETY: the process is the grader's child, so the pid cannot be reused before it is
            // reaped here; its group is not a live runner's (see `escaped`).
            unsafe {
                libc::kill(-orphan.group, libc::SIGKILL);
                libc::kill(orphan.pid, libc::SIGKILL);
                libc::waitpid(orphan.pid, std::ptr::null_mut(), 0);
            }
        }
    }
}

/// The grader's children to kill: handed to it as orphans, outside its session, and no longer in a
/// live runner's session. A process that learner code forks and then moves out with `setsid` is
/// orphaned for a moment while still in its runner's session and process group: killing its group
/// then would kill that runner in the middle of a check (seen as a SIGKILL in the hostile test, when
/// another challenge's clean-up swept at that moment). Left alone, it is either killed with its
/// runner's group or caught by a later sweep in the session it moved to.
fn escaped(
    processes: impl Iterator<Item = Stat>,
    me: libc::pid_t,
    my_session: libc::pid_t,
    live: &BTreeSet<u32>,
) -> Vec<Stat> {
    let is_live = |id: libc::pid_t| u32::try_from(id).is_ok_and(|id| live.contains(&id));
    processes
        .filter(|p| {
            p.parent == me
                && p.session != my_session
                && !is_live(p.pid)
                && !is_live(p.session)
                && !is_live(p.group)
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Stat {
    pid: libc::pid_t,
    parent: libc::pid_t,
    group: libc::pid_t,
    session: libc::pid_t,
}

/// Every process, from `/proc/<pid>/stat`.
fn processes() -> impl Iterator<Item = Stat> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let pid: libc::pid_t = entry.file_name().to_str()?.parse().ok()?;
            let text = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            parse_stat(pid, &text)
        })
}

/// `pid (comm) state ppid pgrp session …`; `comm` may hold spaces and parentheses.
fn parse_stat(pid: libc::pid_t, text: &str) -> Option<Stat> {
    let after = &text[text.rfind(')')? + 1..];
    let mut fields = after.split_whitespace().skip(1);
    Some(Stat {
        pid,
        parent: fields.next()?.parse().ok()?,
        group: fields.next()?.parse().ok()?,
        session: fields.next()?.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_orphan_still_in_a_live_runners_session_is_left_to_that_runner() {
        let (me, my_session) = (100, 100);
        let live: BTreeSet<u32> = [200].into_iter().collect();
        let stat = |pid, parent, group, session| Stat {
            pid,
            parent,
            group,
            session,
        };
        let all = [
            stat(150, me, 100, my_session), // cargo, in the grader's session
            stat(200, me, 200, 200),        // a live runner
            stat(201, me, 200, 200),        // forked by it, orphaned before its `setsid`
            stat(202, me, 202, 200),        // moved to a group of its own, same session
            stat(300, me, 300, 300),        // after `setsid`: escaped
            stat(400, me, 400, 400),        // a dead runner's leftover
            stat(500, 1, 500, 500),         // not the grader's child
        ];
        let pids: Vec<libc::pid_t> = escaped(all.into_iter(), me, my_session, &live)
            .iter()
            .map(|s| s.pid)
            .collect();
        assert_eq!(pids, [300, 400]);
    }

    #[test]
    fn stat_lines_parse_even_with_odd_names() {
        let stat = parse_stat(42, "42 (a ) b) S 7 42 40 0 -1 4194560").unwrap();
        assert_eq!((stat.parent, stat.group, stat.session), (7, 42, 40));
    }
}

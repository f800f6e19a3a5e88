//! A process's CPU time and resident memory (Linux). Threads are included, the ones that have ended
//! too: a server that runs a thread per connection pays for them here.

use std::time::Duration;

/// User plus system CPU time that process `pid` (all its threads) has used so far, to the
/// nanosecond: the process's CPU-time clock (`clock_getcpuclockid`). `/proc/<pid>/stat` counts in
/// ticks of 10 ms, too coarse for a server that does little work in a short run; it is the
/// fallback where the clock cannot be read.
pub fn cpu_time(pid: u32) -> Option<Duration> {
    cpu_clock(pid).or_else(|| cpu_ticks(pid))
}

fn cpu_clock(pid: u32) -> Option<Duration> {
    let mut clock: libc::clockid_t = 0;
    // SAFETY: plain calls with pointers to locals.
    unsafe {
        if libc::clock_getcpuclockid(pid as libc::pid_t, &mut clock) != 0 {
            return None;
        }
        let mut now = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        if libc::clock_gettime(clock, &mut now) != 0 {
            return None;
        }
        Some(Duration::new(now.tv_sec as u64, now.tv_nsec as u32))
    }
}

fn cpu_ticks(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may contain spaces: count from after it.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 of the file (utime, stime) are the 12th and 13th after the name.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_secs_f64(
        (utime + stime) as f64 / clock_ticks() as f64,
    ))
}

/// Resident memory of process `pid`, in bytes (`VmRSS`).
pub fn resident_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn clock_ticks() -> u64 {
    // `sysconf(_SC_CLK_TCK)` is 100 on every Linux the kit runs on; reading it would need libc.
    100
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_cpu_time_and_memory() {
        let pid = std::process::id();
        // Spin for 50 ms: the kernel counts CPU time in 10 ms ticks.
        let start = std::time::Instant::now();
        while start.elapsed() < Duration::from_millis(50) {
            std::hint::black_box(start.elapsed());
        }
        let clock = cpu_clock(pid).expect("the CPU clock of a process can be read");
        let ticks = cpu_ticks(pid).expect("and its ticks");
        assert!(clock >= Duration::from_millis(40), "{clock:?}");
        assert!(
            clock.abs_diff(ticks) < Duration::from_millis(30),
            "{clock:?} against {ticks:?}"
        );
        assert!(resident_bytes(pid).is_some_and(|b| b > 1024 * 1024));
    }
}

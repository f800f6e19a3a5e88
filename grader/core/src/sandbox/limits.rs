//! The resource limits a check runner runs under, and how they are named in messages.

use anyhow::{Result, anyhow};
use std::time::Duration;

const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;

/// Limits on one runner process (and what it starts), applied with `setrlimit` before it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The process's data size (`RLIMIT_DATA`: heap, private mappings and thread stacks), in bytes.
    pub memory: u64,
    /// The largest file it may write (`RLIMIT_FSIZE`), in bytes.
    pub file_size: u64,
    /// How many more processes and threads its user may have (`RLIMIT_NPROC`, on top of those that
    /// exist when the grader starts; root is exempt).
    pub extra_processes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory: default_memory(),
            file_size: 64 * MIB,
            extra_processes: 2048,
        }
    }
}

impl Limits {
    /// Reads a limit like `2GiB`, `512MiB`, `1.5G` or a number of bytes.
    pub fn parse_size(text: &str) -> Result<u64> {
        let t = text.trim();
        let split = t.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(t.len());
        let (number, unit) = t.split_at(split);
        let number: f64 = number
            .trim()
            .parse()
            .map_err(|_| anyhow!("`{text}` is not a size (try 2GiB or 512MiB)"))?;
        let scale = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "k" | "kb" | "kib" => 1 << 10,
            "m" | "mb" | "mib" => MIB,
            "g" | "gb" | "gib" => GIB,
            _ => return Err(anyhow!("`{text}`: the unit must be KiB, MiB or GiB")),
        };
        let bytes = (number * scale as f64) as u64;
        if bytes < 64 * MIB {
            return Err(anyhow!(
                "`{text}` is too small: a check runner needs at least 64MiB"
            ));
        }
        Ok(bytes)
    }

    /// The CPU time a run may use (`RLIMIT_CPU`): every core busy for the whole deadline, and a
    /// little more. The wall-clock deadline comes first for anything that only waits; this stops
    /// threads that spin.
    pub fn cpu_seconds(deadline: Duration) -> u64 {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
        deadline.as_secs().max(1) * cores + 2
    }
}

/// 2 GiB, or half the machine's memory when that is less.
fn default_memory() -> u64 {
    match physical_memory() {
        Some(total) => (2 * GIB).min(total / 2).max(256 * MIB),
        None => 2 * GIB,
    }
}

fn physical_memory() -> Option<u64> {
    // SAFETY: sysconf has no preconditions.
    let (pages, size) = unsafe {
        (
            libc::sysconf(libc::_SC_PHYS_PAGES),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    (pages > 0 && size > 0).then(|| pages as u64 * size as u64)
}

/// `2 GiB`, `512 MiB`: how a message names a size.
pub fn human_size(bytes: u64) -> String {
    if bytes >= GIB {
        let g = bytes as f64 / GIB as f64;
        if (g - g.round()).abs() < 0.05 {
            format!("{g:.0} GiB")
        } else {
            format!("{g:.1} GiB")
        }
    } else {
        format!("{} MiB", bytes.div_ceil(MIB))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_and_print() {
        assert_eq!(Limits::parse_size("2GiB").ok(), Some(2 * GIB));
        assert_eq!(Limits::parse_size("512 MiB").ok(), Some(512 * MIB));
        assert_eq!(Limits::parse_size("1.5g").ok(), Some(3 * GIB / 2));
        assert!(Limits::parse_size("1MiB").is_err());
        assert!(Limits::parse_size("lots").is_err());
        assert_eq!(human_size(2 * GIB), "2 GiB");
        assert_eq!(human_size(512 * MIB), "512 MiB");
        assert_eq!(human_size(64 * MIB), "64 MiB");
    }

    #[test]
    fn the_default_memory_limit_is_well_under_the_machine() {
        let limit = Limits::default().memory;
        assert!(limit <= 2 * GIB);
        if let Some(total) = physical_memory() {
            assert!(limit <= total / 2);
        }
    }
}

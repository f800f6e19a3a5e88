//! Backups of a learner's folder, taken before `reset` or `swap` changes it.
//!
//! `<kit>/.tokio-challenges/backups/<YYYY-MM-DD_HH-MM-SS>-<id>-<reset|swap>/<dir>/…`: local time,
//! so a learner finds "the one from this morning"; `-2`, `-3` when two land in the same second.
//! The copy is whole (dot-files too) except `target/` folders, which are build output and can be
//! large. Backups are never deleted by the grader.

use anyhow::{Context, Result, anyhow};
use grader_core::ChallengePlan;
use std::path::{Path, PathBuf};

/// Why a backup was taken: part of its folder's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    Reset,
    Swap,
    Restore,
}

impl Why {
    const ALL: [Why; 3] = [Why::Reset, Why::Swap, Why::Restore];

    pub fn as_str(self) -> &'static str {
        match self {
            Why::Reset => "reset",
            Why::Swap => "swap",
            Why::Restore => "restore",
        }
    }
}

impl std::fmt::Display for Why {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A backup found in the backups folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    /// The copy of the crate folder: `…/backups/<stamp>-<id>-<why>/<dir>`.
    pub path: PathBuf,
    pub why: Why,
    /// `2025-03-14 09:26:53`, local time.
    pub when: String,
}

/// The latest backup of `plan`'s folder, whatever took it; `None` when there is none.
pub fn latest(kit: &Path, plan: &ChallengePlan) -> Result<Option<Backup>> {
    let root = backups_dir(kit);
    let entries = match std::fs::read_dir(&root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(anyhow!("cannot read {}: {e}", root.display())),
    };
    // By name (local time to the second, then `-2`, `-3`), and within one second by when the
    // folder was written: a reset and a restore can land in the same second.
    type Order = (String, Option<std::time::SystemTime>, u32);
    let mut found: Vec<(Order, Backup)> = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((stamp, why, n)) = parse_name(&name, &plan.id) else {
            continue;
        };
        let path = entry.path().join(&plan.dir);
        if path.is_dir() {
            let when = stamp.replacen('_', " ", 1);
            let when = format!("{} {}", &when[..10], when[11..].replace('-', ":"));
            let written = entry.metadata().and_then(|m| m.modified()).ok();
            found.push(((stamp.to_string(), written, n), Backup { path, why, when }));
        }
    }
    Ok(found.into_iter().max_by(|a, b| a.0.cmp(&b.0)).map(|(_, b)| b))
}

/// `<stamp>-<id>-<why>` or `<stamp>-<id>-<why>-<n>` → (stamp, why, n); `None` for another id.
fn parse_name<'a>(name: &'a str, id: &str) -> Option<(&'a str, Why, u32)> {
    let stamp = name.get(..19)?;
    let rest = name
        .get(19..)?
        .strip_prefix('-')?
        .strip_prefix(id)?
        .strip_prefix('-')?;
    let (why, n) = match rest.rsplit_once('-') {
        Some((why, n)) if n.bytes().all(|b| b.is_ascii_digit()) => (why, n.parse().ok()?),
        _ => (rest, 1),
    };
    let why = Why::ALL.into_iter().find(|w| w.as_str() == why)?;
    let valid_stamp = stamp.bytes().enumerate().all(|(i, b)| match i {
        4 | 7 | 13 | 16 => b == b'-',
        10 => b == b'_',
        _ => b.is_ascii_digit(),
    });
    valid_stamp.then_some((stamp, why, n))
}

/// The folder that holds every backup.
pub fn backups_dir(kit: &Path) -> PathBuf {
    super::learner_dir(kit).join("backups")
}

/// Copies `exercises/<dir>` whole into a new backup; returns the copy's path
/// (`…/backups/<stamp>-<id>-<why>/<dir>`). A missing exercise folder gives an empty copy.
pub fn save(kit: &Path, plan: &ChallengePlan, why: Why) -> Result<PathBuf> {
    let root = backups_dir(kit);
    std::fs::create_dir_all(&root).with_context(|| format!("cannot create {}", root.display()))?;
    let base = format!("{}-{}-{}", timestamp(), plan.id, why.as_str());
    let folder = (1..)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            }
        })
        .map(|name| root.join(name))
        .find_map(|folder| match std::fs::create_dir(&folder) {
            Ok(()) => Some(Ok(folder)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => None,
            Err(e) => Some(Err(anyhow!("cannot create {}: {e}", folder.display()))),
        })
        .unwrap_or_else(|| Err(anyhow!("no free backup name in {}", root.display())))?;
    let copy = folder.join(&plan.dir);
    let from = super::exercise_dir(kit, plan);
    if from.exists() {
        copy_tree(&from, &copy)?;
    } else {
        std::fs::create_dir(&copy).with_context(|| format!("cannot create {}", copy.display()))?;
    }
    Ok(copy)
}

/// Copies `from` into `to` (created), all but `target/` folders; symbolic links stay links.
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    use grader_core::tree::{Kind, Skip, walk};
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for (rel, kind) in walk(from, Skip::ALL_BUT_BUILDS)? {
        let (source, target) = (from.join(&rel), to.join(&rel));
        match kind {
            Kind::Folder => std::fs::create_dir_all(&target)
                .with_context(|| format!("cannot create {}", target.display()))?,
            Kind::Link => {
                let link = std::fs::read_link(&source)
                    .with_context(|| format!("cannot read {}", source.display()))?;
                symlink(&link, &target)?;
            }
            Kind::File => {
                std::fs::copy(&source, &target)
                    .with_context(|| format!("cannot copy {} to {}", source.display(), target.display()))?;
            }
        }
    }
    Ok(())
}

#[cfg(unix)]
fn symlink(link: &Path, at: &Path) -> Result<()> {
    std::os::unix::fs::symlink(link, at).with_context(|| format!("cannot create {}", at.display()))
}

#[cfg(not(unix))]
fn symlink(link: &Path, at: &Path) -> Result<()> {
    std::fs::copy(link, at)
        .map(|_| ())
        .with_context(|| format!("cannot copy {} to {}", link.display(), at.display()))
}

/// Now, in local time, as `2025-03-14_09-26-53`.
fn timestamp() -> String {
    // SAFETY: `time` with a null pointer only returns the time; `localtime_r` writes the
    // caller's `tm` and nothing else (unlike `localtime`, it shares no static buffer).
    let tm = unsafe {
        let now = libc::time(std::ptr::null_mut());
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&now, &mut tm).is_null() {
            libc::gmtime_r(&now, &mut tm);
        }
        tm
    };
    format!(
        "{:04}-{:02}-{:02}_{:02}-{:02}-{:02}",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> ChallengePlan {
        crate::learner::test_plan("c99", "x")
    }

    #[test]
    fn a_backup_is_whole_but_for_target_and_never_overwrites_another() {
        let kit = tempfile::tempdir().unwrap();
        let dir = kit.path().join("exercises/c99-x");
        for file in ["src/lib.rs", ".notes", "target/debug/big"] {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, file).unwrap();
        }
        let first = save(kit.path(), &plan(), Why::Reset).unwrap();
        let second = save(kit.path(), &plan(), Why::Reset).unwrap();
        assert_ne!(first, second);
        for copy in [&first, &second] {
            assert!(copy.starts_with(kit.path().join(".tokio-challenges/backups")));
            assert!(copy.ends_with("c99-x"));
            assert_eq!(
                std::fs::read_to_string(copy.join("src/lib.rs")).unwrap(),
                "src/lib.rs"
            );
            assert!(copy.join(".notes").exists());
            assert!(!copy.join("target").exists());
        }
        let name = first
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(name.ends_with("-c99-reset"), "{name}");
        assert_eq!(name.len(), "YYYY-MM-DD_HH-MM-SS-c99-reset".len(), "{name}");
        let latest = latest(kit.path(), &plan()).unwrap().expect("two backups");
        assert_eq!(
            latest.path, second,
            "the second of one second is `-2`, the latest"
        );
        assert_eq!(latest.why, Why::Reset);
    }

    #[test]
    fn backup_names_are_read_back() {
        assert_eq!(
            parse_name("2025-03-14_09-26-53-c04-reset", "c04"),
            Some(("2025-03-14_09-26-53", Why::Reset, 1))
        );
        assert_eq!(
            parse_name("2025-03-14_09-26-53-c04-swap-3", "c04"),
            Some(("2025-03-14_09-26-53", Why::Swap, 3))
        );
        assert_eq!(
            parse_name("2025-03-14_09-26-53-c04-restore-12", "c04"),
            Some(("2025-03-14_09-26-53", Why::Restore, 12))
        );
        assert_eq!(parse_name("2025-03-14_09-26-53-c14-reset", "c04"), None);
        assert_eq!(parse_name("2025-03-14_09-26-53-c04-other", "c04"), None);
        assert_eq!(parse_name("notes", "c04"), None);
        assert!(latest(Path::new("/nonexistent"), &plan()).unwrap().is_none());
    }
}

//! Backups of a learner's folder, taken before `reset` or `swap` changes it.
//!
//! `<kit>/.tokio-challenges/backups/<YYYY-MM-DD_HH-MM-SS>-<id>-<reset|swap>/<dir>/…`: local time,
//! so a learner finds "the one from this morning"; `-2`, `-3` when two land in the same second.
//! The copy is whole (dot-files too) except `target/` folders, which are build output and can be
//! large. Backups are never deleted by the grader.

use grader_core::ChallengePlan;
use std::path::{Path, PathBuf};

/// Why a backup was taken: part of its folder's name.
#[derive(Debug, Clone, Copy)]
pub enum Why {
    Reset,
    Swap,
}

impl Why {
    fn as_str(self) -> &'static str {
        match self {
            Why::Reset => "reset",
            Why::Swap => "swap",
        }
    }
}

/// The folder that holds every backup.
pub fn backups_dir(kit: &Path) -> PathBuf {
    super::learner_dir(kit).join("backups")
}

/// Copies `exercises/<dir>` whole into a new backup; returns the copy's path
/// (`…/backups/<stamp>-<id>-<why>/<dir>`). A missing exercise folder gives an empty copy.
pub fn save(kit: &Path, plan: &ChallengePlan, why: Why) -> Result<PathBuf, String> {
    let root = backups_dir(kit);
    std::fs::create_dir_all(&root).map_err(|e| format!("cannot create {}: {e}", root.display()))?;
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
            Err(e) => Some(Err(format!("cannot create {}: {e}", folder.display()))),
        })
        .unwrap_or_else(|| Err(format!("no free backup name in {}", root.display())))?;
    let copy = folder.join(&plan.dir);
    let from = super::exercise_dir(kit, plan);
    if from.exists() {
        copy_tree(&from, &copy)?;
    } else {
        std::fs::create_dir(&copy).map_err(|e| format!("cannot create {}: {e}", copy.display()))?;
    }
    Ok(copy)
}

/// Copies `from` into `to` (created), skipping `target/` folders; symbolic links stay links.
fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    let entries = std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", from.display()))?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        let kind = entry
            .file_type()
            .map_err(|e| format!("cannot read {}: {e}", source.display()))?;
        if kind.is_symlink() {
            let link =
                std::fs::read_link(&source).map_err(|e| format!("cannot read {}: {e}", source.display()))?;
            symlink(&link, &target)?;
        } else if kind.is_dir() {
            if entry.file_name() != "target" {
                copy_tree(&source, &target)?;
            }
        } else {
            std::fs::copy(&source, &target)
                .map_err(|e| format!("cannot copy {} to {}: {e}", source.display(), target.display()))?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn symlink(link: &Path, at: &Path) -> Result<(), String> {
    std::os::unix::fs::symlink(link, at).map_err(|e| format!("cannot create {}: {e}", at.display()))
}

#[cfg(not(unix))]
fn symlink(link: &Path, at: &Path) -> Result<(), String> {
    std::fs::copy(link, at)
        .map(|_| ())
        .map_err(|e| format!("cannot copy {} to {}: {e}", link.display(), at.display()))
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
    }
}

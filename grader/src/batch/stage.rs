//! The staging folder: each submission is copied to the same place before it is built.
//!
//! Building every submission at one path keeps cargo's names for its units (and rustc's
//! incremental state of the checks) the same from one submission to the next: the checks are then
//! re-checked against the new crate in about half a second instead of compiled from scratch in
//! three. Files are written only where their bytes differ, so that what did not change does not look
//! changed to cargo; what is written gets a fresh modification time, later than any build before it.

use crate::stubs;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// Stages a submission's `exercises/` as `<stage>/exercises/`, next to a link to the kit's
/// `grader/`: the exercise crates name their checks as a dev-dependency
/// (`../../grader/checks/…`), and cargo reads that manifest even when it only builds the crate as
/// a dependency of a runner. Returns the staged `exercises/` folder.
pub fn stage(kit: &Path, stage: &Path, exercises: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(stage).with_context(|| format!("cannot create {}", stage.display()))?;
    let link = stage.join("grader");
    let grader = kit.join("grader");
    if std::fs::read_link(&link).ok().as_deref() != Some(grader.as_path()) {
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&grader, &link)
            .with_context(|| format!("cannot link {} to {}", link.display(), grader.display()))?;
    }
    let staged = stage.join("exercises");
    mirror(exercises, &staged)?;
    Ok(staged)
}

/// Makes `to` hold exactly the crate files of `from` (see [`stubs::files`]: no `target/`, no
/// dot-names, no symbolic links, which could point at the kit's solutions). Returns how many files
/// were written or removed.
pub fn mirror(from: &Path, to: &Path) -> Result<usize> {
    stubs::make_equal(to, &stubs::read_tree(from)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirrors_exactly_and_leaves_unchanged_files_alone() {
        let (from, to) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        std::fs::create_dir_all(from.path().join("c01-a/src")).unwrap();
        std::fs::write(from.path().join("c01-a/src/lib.rs"), "one").unwrap();
        std::fs::write(from.path().join("c01-a/Cargo.toml"), "toml").unwrap();
        std::fs::create_dir_all(from.path().join("c01-a/target/debug")).unwrap();
        std::fs::write(from.path().join("c01-a/target/debug/x"), "built").unwrap();
        std::fs::write(to.path().join("stale.rs"), "old").unwrap();
        assert_eq!(mirror(from.path(), to.path()).unwrap(), 3);
        assert!(!to.path().join("stale.rs").exists());
        assert!(!to.path().join("c01-a/target").exists());
        let lib = to.path().join("c01-a/src/lib.rs");
        let before = std::fs::metadata(&lib).unwrap().modified().unwrap();
        assert_eq!(
            mirror(from.path(), to.path()).unwrap(),
            0,
            "nothing to do the second time"
        );
        assert_eq!(std::fs::metadata(&lib).unwrap().modified().unwrap(), before);
        std::fs::write(from.path().join("c01-a/src/lib.rs"), "two").unwrap();
        std::fs::remove_file(from.path().join("c01-a/Cargo.toml")).unwrap();
        assert_eq!(mirror(from.path(), to.path()).unwrap(), 2);
        assert_eq!(std::fs::read_to_string(&lib).unwrap(), "two");
        assert!(!to.path().join("c01-a/Cargo.toml").exists());
    }
}

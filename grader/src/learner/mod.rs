//! The learner's loop around grading: `grader watch` re-grades on save, `grader reset` brings a
//! challenge's stub back as shipped, `grader swap` puts the reference answer in place for a class
//! demo and back.
//!
//! The rule that holds them together: nothing a learner wrote is ever lost. Before `reset` or
//! `swap` changes a folder of `exercises/`, [`backup`] copies it whole to
//! `<kit>/.tokio-challenges/backups/` (outside `target/`, so `cargo clean` cannot take it).
//!
//! A crate folder's files are those [`crate::stubs::files`] lists (no `target/`, no dot-names):
//! `reset` and `swap` make those equal to what they bring in and leave the rest alone.

pub mod backup;
pub mod reset;
pub mod swap;
mod terminal;
pub mod watch;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A crate folder's content in memory: relative path → bytes.
pub type Tree = BTreeMap<PathBuf, Vec<u8>>;

/// Where the grader keeps what belongs to the learner: backups, and which backup is whose.
/// Beside `exercises/`, not under `target/`: `cargo clean` must not delete a learner's work.
pub fn state_dir(kit: &Path) -> PathBuf {
    kit.join(".tokio-challenges")
}

/// The learner's folder of a challenge.
pub fn exercise_dir(kit: &Path, plan: &grader_core::ChallengePlan) -> PathBuf {
    kit.join("exercises").join(&plan.dir)
}

/// Reads a crate folder's files into memory.
pub fn read_tree(dir: &Path) -> Result<Tree, String> {
    let mut tree = Tree::new();
    for rel in crate::stubs::files(dir)? {
        let path = dir.join(&rel);
        let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        tree.insert(rel, bytes);
    }
    Ok(tree)
}

/// Makes `dir`'s files exactly `tree`: writes what differs, removes the files `tree` does not
/// have (and the folders that leaves empty). Files that are already right are not written, so
/// their timestamps, and cargo's fingerprints, stay.
pub fn make_equal(dir: &Path, tree: &Tree) -> Result<(), String> {
    let current = if dir.exists() {
        crate::stubs::files(dir)?
    } else {
        Vec::new()
    };
    for rel in current.iter().filter(|rel| !tree.contains_key(*rel)) {
        let path = dir.join(rel);
        std::fs::remove_file(&path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        // Folders left empty go too; `remove_dir` refuses any that still hold something.
        for parent in rel.ancestors().skip(1).filter(|p| !p.as_os_str().is_empty()) {
            if std::fs::remove_dir(dir.join(parent)).is_err() {
                break;
            }
        }
    }
    for (rel, bytes) in tree {
        let path = dir.join(rel);
        if std::fs::read(&path).ok().as_deref() == Some(bytes.as_slice()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// A one-check plan for unit tests: `test_plan("c04", "heartbeat")`.
#[cfg(test)]
pub fn test_plan(id: &str, slug: &str) -> grader_core::ChallengePlan {
    grader_core::ChallengePlan::from_toml(&format!(
        "id = \"{id}\"\nslug = \"{slug}\"\ntitle = \"T\"\ndir = \"{id}-{slug}\"\n\
         [[questions]]\nid = \"q1\"\ntitle = \"t\"\nhints = [\"h\"]\nchecks = [{{ id = \"a\", name = \"a\", points = 1 }}]\n"
    ))
    .expect("a valid plan")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn make_equal_writes_removes_and_keeps_what_is_not_a_crate_file() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path();
        for (file, text) in [
            ("a.rs", "old"),
            ("gone/deep/x.rs", "x"),
            ("keep.rs", "same"),
            (".editor", "e"),
        ] {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let tree = Tree::from([
            (PathBuf::from("a.rs"), b"new".to_vec()),
            (PathBuf::from("keep.rs"), b"same".to_vec()),
            (PathBuf::from("src/new.rs"), b"n".to_vec()),
        ]);
        make_equal(dir, &tree).unwrap();
        assert_eq!(read_tree(dir).unwrap(), tree);
        assert!(!dir.join("gone").exists(), "emptied folders are removed");
        assert!(
            dir.join(".editor").exists(),
            "dot-files are not the crate's: left alone"
        );
    }
}

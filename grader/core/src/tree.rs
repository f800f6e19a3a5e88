//! One walker for the kit's folders, with its skip rules in one place. Symbolic links are listed,
//! never followed: a submission's link could point anywhere (the kit's solutions, say) or at its own
//! folder.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// What a walk leaves out.
#[derive(Debug, Clone, Copy)]
pub struct Skip<'a> {
    /// Names starting with `.` (`.git/`, an editor's `.#lock`, `.notes`).
    pub dot_names: bool,
    /// Entries of these names, wherever they are (`target`).
    pub names: &'a [&'a str],
    /// Entries of these names directly in the walked folder (a kit's `solutions/`).
    pub at_top: &'a [&'a str],
}

impl Skip<'static> {
    /// A crate folder's files as the grader sees them: no build output (`target/`), no dot-names.
    pub const CRATE: Skip<'static> = Skip {
        dot_names: true,
        names: &["target"],
        at_top: &[],
    };
    /// Everything a person wrote: only build output is left out.
    pub const ALL_BUT_BUILDS: Skip<'static> = Skip {
        dot_names: false,
        names: &["target"],
        at_top: &[],
    };
}

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Folder,
    Link,
}

/// Every entry under `dir` that `skip` keeps, as paths relative to `dir`, in path order (a folder
/// before what it holds).
pub fn walk(dir: &Path, skip: Skip<'_>) -> Result<Vec<(PathBuf, Kind)>> {
    let mut out = Vec::new();
    walk_into(dir, Path::new(""), skip, &mut out)?;
    Ok(out)
}

/// The files (no folders, no links) under `dir` that `skip` keeps, relative to `dir`, sorted.
pub fn files(dir: &Path, skip: Skip<'_>) -> Result<Vec<PathBuf>> {
    Ok(walk(dir, skip)?
        .into_iter()
        .filter_map(|(path, kind)| (kind == Kind::File).then_some(path))
        .collect())
}

/// The `.rs` files under `dir` (a crate's `src/`), as full paths, sorted; none when it cannot be
/// read.
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    files(dir, Skip::CRATE)
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| dir.join(p))
        .collect()
}

fn walk_into(root: &Path, rel: &Path, skip: Skip<'_>, out: &mut Vec<(PathBuf, Kind)>) -> Result<()> {
    let here = root.join(rel);
    let entries = std::fs::read_dir(&here).with_context(|| format!("cannot read {}", here.display()))?;
    let mut entries = entries
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("cannot read {}", here.display()))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let kind = entry
            .file_type()
            .with_context(|| format!("cannot read {}", entry.path().display()))?;
        let text = name.to_string_lossy();
        let left_out = (skip.dot_names && text.starts_with('.'))
            || skip.names.contains(&text.as_ref())
            || (rel.as_os_str().is_empty() && skip.at_top.contains(&text.as_ref()));
        if left_out {
            continue;
        }
        let child = rel.join(&name);
        if kind.is_symlink() {
            out.push((child, Kind::Link));
        } else if kind.is_dir() {
            out.push((child.clone(), Kind::Folder));
            walk_into(root, &child, skip, out)?;
        } else if kind.is_file() {
            out.push((child, Kind::File));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_leaves_out_what_it_says_and_links_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        for file in [
            "src/lib.rs",
            "src/bin/a.rs",
            ".notes",
            "src/.#lib.rs",
            "target/debug/x",
            "solutions/s.rs",
            "src/target/keep",
        ] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, file).unwrap();
        }
        std::os::unix::fs::symlink(dir.path(), dir.path().join("src/loop")).unwrap();
        let names = |skip| -> Vec<String> {
            files(dir.path(), skip)
                .unwrap()
                .iter()
                .map(|p| p.display().to_string())
                .collect()
        };
        assert_eq!(
            names(Skip::CRATE),
            ["solutions/s.rs", "src/bin/a.rs", "src/lib.rs"]
        );
        assert_eq!(
            names(Skip::ALL_BUT_BUILDS),
            [
                ".notes",
                "solutions/s.rs",
                "src/.#lib.rs",
                "src/bin/a.rs",
                "src/lib.rs"
            ]
        );
        let top = Skip {
            at_top: &["solutions"],
            ..Skip::CRATE
        };
        assert_eq!(names(top), ["src/bin/a.rs", "src/lib.rs"]);
        let all = walk(dir.path(), Skip::CRATE).unwrap();
        assert!(all.contains(&(PathBuf::from("src/loop"), Kind::Link)));
        assert!(all.contains(&(PathBuf::from("src/bin"), Kind::Folder)));
        assert_eq!(rust_files(&dir.path().join("src")).len(), 2);
    }
}

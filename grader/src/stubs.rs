//! Each challenge's stub as shipped, recorded where a learner does not edit it.
//!
//! `exercises/<dir>` is the learner's: the grader cannot tell from it what the kit shipped. So each
//! challenge keeps `grader/checks/<dir>/shipped-stub.txt`: one line per file of the stub, its git
//! blob id and its path. The blob id is what `git hash-object` prints (SHA-1 over
//! `blob <len>\0<bytes>`), so the same line names the file's content on disk *and* the object in the
//! kit's git history that `grader reset` restores it from. `grader dev sync` writes the records,
//! `grader dev check` holds `exercises/` to them.
//!
//! What counts as the crate folder's files, everywhere in the grader: every file under it except
//! `target/` folders (build output), dot-files and dot-folders (editor and tool state), and symbolic
//! links (not followed): `grader_core::tree::Skip::CRATE`.

use anyhow::{Context, Result, anyhow};
use grader_core::ChallengePlan;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The record's file name, in `grader/checks/<dir>/`.
pub const RECORD: &str = "shipped-stub.txt";

/// Where `plan`'s record lives.
pub fn record_path(kit: &Path, plan: &ChallengePlan) -> PathBuf {
    kit.join("grader/checks").join(&plan.dir).join(RECORD)
}

/// The git blob id of `bytes`: what `git hash-object` prints for a file holding them.
pub fn blob_id(bytes: &[u8]) -> String {
    let mut sha = sha1_smol::Sha1::new();
    sha.update(format!("blob {}\0", bytes.len()).as_bytes());
    sha.update(bytes);
    sha.digest().to_string()
}

/// Every file of a crate folder (see the module's doc), as paths relative to `dir`, sorted.
pub fn files(dir: &Path) -> Result<Vec<PathBuf>> {
    grader_core::tree::files(dir, grader_core::tree::Skip::CRATE)
}

/// A crate folder's content in memory: relative path → bytes.
pub type Tree = BTreeMap<PathBuf, Vec<u8>>;

/// Reads a crate folder's files into memory.
pub fn read_tree(dir: &Path) -> Result<Tree> {
    let mut tree = Tree::new();
    for rel in files(dir)? {
        let path = dir.join(&rel);
        let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        tree.insert(rel, bytes);
    }
    Ok(tree)
}

/// Makes `dir`'s files exactly `tree`: writes what differs, removes the files `tree` does not
/// have (and the folders that leaves empty). Files that are already right are not written, so
/// their timestamps, and cargo's fingerprints, stay. Returns how many files were written or removed.
pub fn make_equal(dir: &Path, tree: &Tree) -> Result<usize> {
    let current = if dir.exists() { files(dir)? } else { Vec::new() };
    let mut changed = 0;
    for rel in current.iter().filter(|rel| !tree.contains_key(*rel)) {
        let path = dir.join(rel);
        std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
        changed += 1;
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
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        changed += 1;
    }
    Ok(changed)
}

/// A relative path as the record writes it: `/`-separated, UTF-8.
pub fn slash_path(rel: &Path) -> Result<String> {
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    parts
        .map(|p| p.join("/"))
        .ok_or_else(|| anyhow!("{}: the name is not UTF-8; rename the file", rel.display()))
}

/// path (relative, `/`-separated) → git blob id (40 hex), for every file of a crate folder.
pub fn digests(dir: &Path) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for rel in files(dir)? {
        let path = dir.join(&rel);
        let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        out.insert(slash_path(&rel)?, blob_id(&bytes));
    }
    Ok(out)
}

/// The record of `plan`'s shipped stub.
pub fn shipped(kit: &Path, plan: &ChallengePlan) -> Result<BTreeMap<String, String>> {
    let path = record_path(kit, plan);
    let shown = path.strip_prefix(kit).unwrap_or(&path).display().to_string();
    let text = std::fs::read_to_string(&path).map_err(|e| {
        anyhow!(
            "cannot read {shown} ({e}): the record of exercises/{}/ as shipped; the kit's authors write it with `cargo run -p grader -- dev sync`",
            plan.dir
        )
    })?;
    parse_record(&text)
        .map_err(|e| anyhow!("{shown}: {e}; `cargo run -p grader -- dev sync` writes it again"))
}

/// True when `dir` holds exactly the shipped stub (same files, same bytes).
pub fn is_shipped(kit: &Path, plan: &ChallengePlan, dir: &Path) -> bool {
    matches!((shipped(kit, plan), digests(dir)), (Ok(a), Ok(b)) if a == b)
}

/// One hex digest naming a crate folder's whole content (a hash over `digests`), for caches.
pub fn content_key(dir: &Path) -> Result<String> {
    let mut sha = sha1_smol::Sha1::new();
    for (path, id) in digests(dir)? {
        // A path cannot hold `\0` or `\n`-free ids; the separators make the encoding unambiguous.
        sha.update(id.as_bytes());
        sha.update(b" ");
        sha.update(path.as_bytes());
        sha.update(b"\0");
    }
    Ok(sha.digest().to_string())
}

/// The record's text for `plan` with these digests.
pub fn render_record(plan: &ChallengePlan, digests: &BTreeMap<String, String>) -> String {
    let mut out = format!(
        "# exercises/{}/ as shipped: git blob id and path of each file. Written by `grader dev sync`; read by `grader reset`.\n",
        plan.dir
    );
    for (path, id) in digests {
        out.push_str(&format!("{id} {path}\n"));
    }
    out
}

/// Reads a record: `#` comment lines, then `<40 hex> <relative path>` lines.
pub fn parse_record(text: &str) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let bad = |why: &str| anyhow!("line {}: {why}: {line:?}", n + 1);
        let (id, path) = line
            .split_once(' ')
            .ok_or_else(|| bad("expected `<git blob id> <path>`"))?;
        if id.len() != 40 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad("the id is not 40 hex digits"));
        }
        let safe = !path.is_empty()
            && !path.starts_with('/')
            && path.split('/').all(|part| !matches!(part, "" | "." | ".."));
        if !safe {
            return Err(bad("the path is not a plain relative path"));
        }
        if out.insert(path.to_string(), id.to_ascii_lowercase()).is_some() {
            return Err(bad("the path is listed twice"));
        }
    }
    Ok(out)
}

/// The files that differ between a record and a folder, as `path (changed|missing|not shipped)`.
pub fn differences(shipped: &BTreeMap<String, String>, actual: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    for (path, id) in shipped {
        match actual.get(path) {
            None => out.push(format!("{path} (missing)")),
            Some(other) if other != id => out.push(format!("{path} (changed)")),
            Some(_) => {}
        }
    }
    for path in actual.keys().filter(|p| !shipped.contains_key(*p)) {
        out.push(format!("{path} (not in the record)"));
    }
    out
}

/// Writes `plan`'s record from `exercises/<dir>` as it is now; returns the record's path.
pub fn write_record(kit: &Path, plan: &ChallengePlan) -> Result<PathBuf> {
    let digests = digests(&kit.join("exercises").join(&plan.dir))?;
    let path = record_path(kit, plan);
    std::fs::write(&path, render_record(plan, &digests))
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_ids_are_gits() {
        // `printf 'hello\n' | git hash-object --stdin`, and the empty blob git knows by heart.
        assert_eq!(blob_id(b"hello\n"), "ce013625030ba8dba906f756967f9e9ca394464a");
        assert_eq!(blob_id(b""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    }

    #[test]
    fn digests_skip_target_and_dot_names_and_use_slashes() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path();
        for file in [
            "Cargo.toml",
            "src/lib.rs",
            "src/bin/x.rs",
            "target/debug/x",
            ".git/HEAD",
            "src/.lib.rs.swp",
        ] {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, file).unwrap();
        }
        let found: Vec<String> = digests(dir).unwrap().into_keys().collect();
        assert_eq!(found, ["Cargo.toml", "src/bin/x.rs", "src/lib.rs"]);
        let key = content_key(dir).unwrap();
        std::fs::write(dir.join("target/debug/x"), "rebuilt").unwrap();
        assert_eq!(content_key(dir).unwrap(), key, "build output is not content");
        std::fs::write(dir.join("src/lib.rs"), "edited").unwrap();
        assert_ne!(content_key(dir).unwrap(), key);
    }

    #[test]
    fn records_round_trip_and_reject_unsafe_paths() {
        let digests = BTreeMap::from([
            ("src/lib.rs".to_string(), blob_id(b"a")),
            ("Cargo.toml".to_string(), blob_id(b"b")),
        ]);
        let plan = crate::learner::test_plan("c99", "x");
        assert_eq!(parse_record(&render_record(&plan, &digests)).unwrap(), digests);
        let id = blob_id(b"a");
        for bad in [
            format!("{id} ../x"),
            format!("{id} /etc/passwd"),
            id.clone(),
            "xyz a".into(),
        ] {
            assert!(parse_record(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn differences_name_each_file() {
        let shipped = BTreeMap::from([
            ("a".to_string(), "1".repeat(40)),
            ("b".to_string(), "2".repeat(40)),
        ]);
        let actual = BTreeMap::from([
            ("a".to_string(), "3".repeat(40)),
            ("c".to_string(), "4".repeat(40)),
        ]);
        assert_eq!(
            differences(&shipped, &actual),
            ["a (changed)", "b (missing)", "c (not in the record)"]
        );
    }

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

    #[test]
    fn symbolic_links_are_neither_followed_nor_listed() {
        let (dir, outside) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/lib.rs"), "mine").unwrap();
        std::fs::write(outside.path().join("answer.rs"), "the kit's solution").unwrap();
        let link = |to: &Path, at: &str| std::os::unix::fs::symlink(to, dir.path().join(at)).unwrap();
        link(&outside.path().join("answer.rs"), "src/q1.rs");
        link(dir.path(), "src/again");
        assert_eq!(files(dir.path()).unwrap(), [PathBuf::from("src/lib.rs")]);
    }
}

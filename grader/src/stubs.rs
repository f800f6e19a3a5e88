//! TEMPORARY (lead's stand-in until the learner-loop helper's module is merged).

use grader_core::ChallengePlan;
use std::collections::BTreeMap;
use std::path::Path;

pub fn digests(dir: &Path) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out)?;
    Ok(out)
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') || name == "target" {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, out)?;
        } else {
            let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let mut h = sha1_smol::Sha1::new();
            h.update(format!("blob {}\0", bytes.len()).as_bytes());
            h.update(&bytes);
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, h.digest().to_string());
        }
    }
    Ok(())
}

pub fn shipped(kit: &Path, plan: &ChallengePlan) -> Result<BTreeMap<String, String>, String> {
    let path = kit.join("grader/checks").join(&plan.dir).join("shipped-stub.txt");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once(' '))
        .map(|(id, p)| (p.to_string(), id.to_string()))
        .collect())
}

pub fn is_shipped(kit: &Path, plan: &ChallengePlan, dir: &Path) -> bool {
    match (shipped(kit, plan), digests(dir)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

pub fn content_key(dir: &Path) -> Result<String, String> {
    let mut h = sha1_smol::Sha1::new();
    for (path, id) in digests(dir)? {
        h.update(format!("{id} {path}\n").as_bytes());
    }
    Ok(h.digest().to_string())
}

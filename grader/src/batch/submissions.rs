//! Which folders under DIR are submissions.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// One folder of DIR: a learner's submission (or something that will be reported as not one).
pub struct Submission {
    /// The folder's name: the gradebook's key and the name of its reports' folder.
    pub name: String,
    pub path: PathBuf,
}

/// The folders directly under `dir`, by name; hidden ones and `output` (when the reports are
/// written inside DIR) are skipped. Files are not submissions: they are listed in the second vector.
pub fn discover(dir: &Path, output: &Path) -> Result<(Vec<Submission>, Vec<String>)> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    let output = output.canonicalize().ok();
    let mut submissions = Vec::new();
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if name.starts_with('.') || path.canonicalize().ok() == output && output.is_some() {
            continue;
        }
        if path.is_dir() {
            submissions.push(Submission { name, path });
        } else {
            files.push(name);
        }
    }
    submissions.sort_by(|a, b| a.name.cmp(&b.name));
    files.sort();
    Ok((submissions, files))
}

//! `--output FILE`: a report written whole or not at all.
//!
//! The text goes to a temporary file in the destination's folder, which is then renamed over the
//! destination: a reader (Gradescope collecting `results.json`, a CI step, a gradebook script)
//! never sees half a report, even if the grader is killed while writing.

use anyhow::{Result, anyhow};
use std::fs::Permissions;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Writes `contents` to `path`, creating its parent folders.
pub fn write_report(path: &Path, contents: &str) -> Result<()> {
    let shown = path.display();
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if path.is_dir() {
        return Err(anyhow!(
            "cannot write the report to {shown}: it is a folder; give a file name, e.g. {}",
            path.join("report.json").display()
        ));
    }
    std::fs::create_dir_all(parent).map_err(|e| {
        anyhow!(
            "cannot write the report to {shown}: creating the folder {} failed ({e}); choose a writable place with --output",
            parent.display()
        )
    })?;
    let failed = |e: std::io::Error| {
        anyhow!("cannot write the report to {shown}: {e}; choose a writable place with --output")
    };
    // Read-write for everyone the umask allows, as a plain `File::create` would do, rather than
    // the owner-only mode of a temporary file: a report is meant to be collected.
    let mut temp = tempfile::Builder::new()
        .prefix(".report-")
        .permissions(Permissions::from_mode(0o666))
        .tempfile_in(parent)
        .map_err(failed)?;
    temp.write_all(contents.as_bytes()).map_err(failed)?;
    temp.as_file().sync_all().map_err(failed)?;
    temp.persist(path).map_err(|e| failed(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_into_new_folders_and_replaces_old_reports() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("a/b/results.json");
        write_report(&path, "first").expect("written");
        write_report(&path, "second").expect("rewritten");
        assert_eq!(std::fs::read_to_string(&path).expect("readable"), "second");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("a/b"))
            .expect("listable")
            .map(|e| e.expect("an entry").file_name())
            .collect();
        assert_eq!(names, ["results.json"], "no temporary file is left behind");
    }

    #[test]
    fn a_folder_is_not_a_report() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let error = write_report(dir.path(), "x").expect_err("a folder cannot be replaced");
        assert!(format!("{error:#}").contains("it is a folder"), "{error:#}");
    }
}

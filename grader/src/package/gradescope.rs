//! The Gradescope autograder zip.
//!
//! Gradescope unpacks the zip into `/autograder/source`, runs `/autograder/source/setup.sh` once when
//! it builds the autograder image, copies `run_autograder` to `/autograder/run_autograder`, and runs
//! that for each submission. So the zip's root *is* the kit's root (`Cargo.toml`, `grader/`,
//! `exercises/`, …), with the two scripts of `classroom/gradescope/` beside it: `setup.sh` finds
//! the kit in its own folder, `run_autograder` in `$AUTOGRADER_ROOT/source`.
//!
//! The entries carry no timestamps of their own (the zip format's 1980-01-01): the same kit always
//! makes the same zip, and a kit unpacked from it looks older than anything built from it.

use super::class_kit::ClassKit;
use anyhow::{Context, Result, anyhow};
use std::io::Write;
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// The scripts Gradescope needs at the zip's root, kept in the kit under `classroom/gradescope/`.
pub const SCRIPTS: [&str; 2] = ["setup.sh", "run_autograder"];

/// Where the scripts live in the kit.
const SCRIPTS_DIR: &str = "classroom/gradescope";

/// What was written.
pub struct Summary {
    pub files: usize,
    pub bytes: u64,
}

/// `target/gradescope-autograder.zip` in the kit's cargo target folder.
pub fn default_output(kit: &Path) -> PathBuf {
    crate::target::cargo_target_dir(kit).join("gradescope-autograder.zip")
}

/// Stages the class kit and zips it with the two scripts at the root. Written next to `output` and
/// renamed into place, so a failed run never leaves half a zip where the last good one was.
pub fn write_zip(kit: &Path, output: &Path) -> Result<Summary> {
    let scripts: Vec<(String, Vec<u8>)> = SCRIPTS
        .iter()
        .map(|name| {
            let path = kit.join(SCRIPTS_DIR).join(name);
            std::fs::read(&path)
                .map(|bytes| (name.to_string(), bytes))
                .map_err(|e| {
                    anyhow!(
                        "cannot read {} (Gradescope needs it at the zip's root): {e}",
                        path.display()
                    )
                })
        })
        .collect::<Result<_, _>>()?;
    let staged = ClassKit::stage(kit)?;
    if let Some(clash) = staged.files.iter().find(|f| SCRIPTS.contains(&f.name.as_str())) {
        return Err(anyhow!(
            "the kit has a file {} at its root, where the zip puts classroom/gradescope/{}: rename it",
            clash.name,
            clash.name
        ));
    }
    let partial = output.with_extension("zip.partial");
    super::make_parent(&partial)?;
    let file =
        std::fs::File::create(&partial).with_context(|| format!("cannot write {}", partial.display()))?;
    let mut zip = ZipWriter::new(std::io::BufWriter::new(file));
    let options = |mode: u32| {
        SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(DateTime::DEFAULT)
            .unix_permissions(mode)
    };
    let zip_error = |e: &dyn std::fmt::Display| anyhow!("cannot write {}: {e}", partial.display());
    for (name, bytes) in &scripts {
        zip.start_file(name.as_str(), options(0o755))
            .map_err(|e| zip_error(&e))?;
        zip.write_all(bytes).map_err(|e| zip_error(&e))?;
    }
    for file in &staged.files {
        let path = staged.root().join(&file.name);
        let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        zip.start_file(file.name.as_str(), options(file.mode))
            .map_err(|e| zip_error(&e))?;
        zip.write_all(&bytes).map_err(|e| zip_error(&e))?;
    }
    let mut writer = zip.finish().map_err(|e| zip_error(&e))?;
    writer.flush().map_err(|e| zip_error(&e))?;
    drop(writer);
    std::fs::rename(&partial, output).with_context(|| format!("cannot write {}", output.display()))?;
    let bytes = std::fs::metadata(output).map(|m| m.len()).unwrap_or_default();
    Ok(Summary {
        files: scripts.len() + staged.files.len(),
        bytes,
    })
}

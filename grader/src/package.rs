//! `grader package …`: the kit, ready-made for the engines that grade a class.
//!
//! - `package gradescope`: the autograder zip an instructor uploads to Gradescope: the kit without
//!   its answers, with `setup.sh` and `run_autograder` (from `classroom/gradescope/`) at its root;
//! - `package github`: the GitHub Classroom workflow (`classroom/github/classroom.yml`), one step
//!   per challenge, its points taken from the challenge plans.
//!
//! The two share one idea: the plans and the kit's folder are the only sources; nothing here
//! repeats a challenge's name or points.

mod class_kit;
pub mod github;
mod gradescope;

use crate::cli::Engine;
use anyhow::{Context, Result};
use grader_core::ChallengePlan;
use std::path::{Path, PathBuf};

/// Writes the package for `engine` to `output` (or the engine's default place); prints where.
pub fn run(kit: &Path, plans: &[ChallengePlan], engine: Engine, output: Option<&Path>) -> Result<u8> {
    match engine {
        Engine::Gradescope => {
            let output = output.map_or_else(|| gradescope::default_output(kit), Path::to_path_buf);
            let summary = gradescope::write_zip(kit, &output)?;
            let left_out = class_kit::LEFT_OUT_AT_ROOT.map(|d| format!("{d}/")).join(", ");
            println!(
                "wrote {} ({} files, {} KiB): upload it as the assignment's autograder. Left out: \
                 {left_out}. Gradescope's setup.sh builds the grader and every challenge's checks once.",
                output.display(),
                summary.files,
                summary.bytes.div_ceil(1024)
            );
            Ok(0)
        }
        Engine::Github => {
            let text = github::workflow(plans);
            match output {
                Some(path) if path == Path::new("-") => print!("{text}"),
                _ => {
                    let path = output.map_or_else(|| github::default_output(kit), Path::to_path_buf);
                    write_file(&path, text.as_bytes())?;
                    println!(
                        "wrote {}: copy it to .github/workflows/classroom.yml in the assignment's template \
                         repository.",
                        path.display()
                    );
                }
            }
            Ok(0)
        }
    }
}

/// Writes `bytes` to `path`, making its folder first.
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    make_parent(path)?;
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// Makes the folder `path` goes in, if it is missing.
fn make_parent(path: &Path) -> Result<()> {
    match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(parent) => std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot make the folder {}", parent.display())),
        None => Ok(()),
    }
}

/// `path` relative to `base` (or `path` itself if it is not inside), as messages and zip entries name files.
fn relative(path: &Path, base: &Path) -> PathBuf {
    path.strip_prefix(base).unwrap_or(path).to_path_buf()
}

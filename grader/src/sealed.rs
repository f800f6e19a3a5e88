//! Sealed grading, for shared grading machines: learner code must not read the kit's answers.
//!
//! - While the runners build, cargo (and with it the learner's build scripts and macros) sees the
//!   kit without `solutions/`, the wrong answers and the history;
//! - while they run, the kit and the build folders are hidden altogether: each runner is copied to a
//!   private folder outside the kit and runs there, with an environment that names nothing of it.
//!
//! Hiding needs Linux namespaces; elsewhere the grader says so and grades with the kit readable.
//! docs/ISOLATION.md lists what learner code can and cannot reach.

use crate::target::{cargo_target_dir, state_dir};
use anyhow::{Context, Result, anyhow};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Environment variables a runner keeps in sealed grading; everything else (`CARGO_*`, `PWD`,
/// the kit's own variables) is dropped, since it names the kit.
const KEPT_ENV: [&str; 7] = ["PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TERM"];

/// What the build must not see: the answers' sources. Never the submission itself (the kit's own
/// tests keep theirs under `target/kit-tests/`). What `target/` compiled from the solutions stays
/// (a submission may be a solution's copy, which cargo must be free to rebuild there): the robust
/// set-up for a class is a kit copy without `solutions/`.
pub fn hidden_from_build(kit: &Path, submission: &Path) -> Vec<PathBuf> {
    let target = cargo_target_dir(kit);
    let mut hidden = vec![
        kit.join("solutions"),
        kit.join("tests").join("wrong"),
        kit.join(".git"),
        target.join("kit-tests"),
        state_dir(kit).join("solutions"),
    ];
    hidden.retain(|p| p.exists() && !submission.starts_with(p));
    hidden
}

/// What a sealed runner must not see: the kit, and the build folders wherever they are.
pub fn hidden_from_runs(kit: &Path) -> Vec<PathBuf> {
    let mut hidden = vec![kit.to_path_buf(), cargo_target_dir(kit), state_dir(kit)];
    hidden.retain(|p| p.exists());
    hidden.sort();
    hidden.dedup();
    hidden
}

/// A private folder outside the kit where sealed runners are copied and run; removed when dropped.
pub struct RunFolder {
    dir: tempfile::TempDir,
}

impl RunFolder {
    pub fn new(hidden: &[PathBuf]) -> Result<RunFolder> {
        let dir = tempfile::Builder::new()
            .prefix("tokio-challenges-run-")
            .tempdir()
            .context("cannot make a private folder for sealed grading")?;
        if hidden.iter().any(|h| dir.path().starts_with(h)) {
            return Err(anyhow!(
                "sealed grading needs a temporary folder outside the kit; {} is inside it (set TMPDIR)",
                dir.path().display()
            ));
        }
        std::fs::create_dir(dir.path().join("work"))
            .context("cannot make a private folder for sealed grading")?;
        Ok(RunFolder { dir })
    }

    /// Copies a runner in; returns the copy's path.
    pub fn install(&self, runner: &Path, id: &str) -> Result<PathBuf> {
        let copy = self.dir.path().join(format!("runner-{id}"));
        std::fs::copy(runner, &copy)
            .with_context(|| format!("cannot copy the {id} runner for sealed grading"))?;
        Ok(copy)
    }

    /// The command that starts a copied runner: from an empty folder, with an environment that says
    /// nothing of the kit.
    pub fn command(&self, copy: &Path) -> Command {
        let mut cmd = Command::new(copy);
        cmd.env_clear().current_dir(self.dir.path().join("work"));
        for name in KEPT_ENV {
            if let Some(value) = std::env::var_os(name) {
                cmd.env(name, value);
            }
        }
        cmd.env("TMPDIR", self.dir.path().join("work"));
        cmd
    }
}

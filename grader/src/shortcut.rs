//! Grading without building, where the answer is already known:
//!
//! - a challenge whose crate is byte for byte the stub as shipped is `todo` in every check (the
//!   kit's tests hold this to what building and running the stub gives);
//! - `grader batch` remembers every challenge it graded under a key made of the crate's content,
//!   the checks', the harness's and the grader's, so that the same crate (a resumed batch, two
//!   learners with the same untouched-but-reformatted file, an instructor re-running the class) is
//!   graded once.
//!
//! `TOKIO_CHALLENGES_NO_SHORTCUTS=1` turns both off: Gradescope's `setup.sh` uses it to build every
//! runner against the stubs, so that a submission's grade later compiles only the learner's crates.

use crate::stubs;
use grader_core::{ChallengePlan, ChallengeReport, Status, scoring};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// False when `TOKIO_CHALLENGES_NO_SHORTCUTS` is set (to anything but `0` or nothing).
pub fn enabled() -> bool {
    std::env::var("TOKIO_CHALLENGES_NO_SHORTCUTS").map_or(true, |v| v.is_empty() || v == "0")
}

/// The report of a challenge that has not been started, or `None` if the crate is not the stub as
/// shipped. `shown_as` names the crate folder in the message (`exercises/c04-heartbeat`).
pub fn untouched(
    kit: &Path,
    plan: &ChallengePlan,
    crate_dir: &Path,
    shown_as: &str,
) -> Option<ChallengeReport> {
    if !stubs::is_shipped(kit, plan, crate_dir) {
        return None;
    }
    let start = |question: &str| {
        let place = grader_core::todo_marks::question_start(crate_dir, question)?;
        Some(format!("{shown_as}/{}:{}", place.file.display(), place.line))
    };
    Some(scoring::not_started(plan, shown_as, &start))
}

/// Whether a report may be reused for the same content: not when it may say more about the grading
/// machine than about the code (a build that failed for want of disk or a manifest, a runner killed
/// from outside). Those are quick to grade again anyway.
pub fn cacheable(report: &ChallengeReport) -> bool {
    report
        .checks()
        .all(|c| !matches!(c.status, Status::CompileError | Status::Crash))
}

/// Reports of challenges already graded, by content.
pub struct ResultCache {
    dir: PathBuf,
    /// [`shared_key`] and the grader's version.
    shared: OnceLock<String>,
}

impl ResultCache {
    pub fn new(dir: PathBuf) -> ResultCache {
        ResultCache {
            dir,
            shared: OnceLock::new(),
        }
    }

    /// The key of `crate_dir` graded by `plan`'s checks, or `None` if a folder cannot be read:
    /// [`verdict_key`] over [`shared_key`] and the grader's version.
    pub fn key(&self, kit: &Path, plan: &ChallengePlan, crate_dir: &Path) -> Option<String> {
        let shared = self
            .shared
            .get_or_init(|| format!("{} {}", shared_key(kit), env!("CARGO_PKG_VERSION")));
        verdict_key(kit, shared, plan, crate_dir).ok()
    }

    pub fn get(&self, key: &str) -> Option<ChallengeReport> {
        let text = std::fs::read_to_string(self.dir.join(format!("{key}.json"))).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Best effort: a cache that cannot be written only costs time.
    pub fn put(&self, key: &str, report: &ChallengeReport) {
        if let Ok(text) = serde_json::to_string(report) {
            let _ = grader_core::report::write_report(&self.dir.join(format!("{key}.json")), &text);
        }
    }
}

/// What every verdict depends on besides the crate graded and its checks: the harness, the
/// grader's core and its build and run code, the bench crate the runners link, the features they
/// are built with (the workspace hack), the lock file, the
/// kit's manifest (its profiles) and the toolchain. `grader batch`'s cache and `grader dev
/// wrong`'s record of verdicts (`dev/wrong_record.rs`) both key on it.
pub fn shared_key(kit: &Path) -> String {
    let mut h = sha1_smol::Sha1::new();
    for part in [
        "grader/harness",
        "grader/core",
        "grader/bench",
        "grader/workspace-hack",
    ] {
        h.update(stubs::content_key(&kit.join(part)).unwrap_or_default().as_bytes());
    }
    for file in [
        "Cargo.lock",
        "Cargo.toml",
        "grader/src/compile.rs",
        "grader/src/grade.rs",
        "grader/src/sealed.rs",
    ] {
        h.update(&std::fs::read(kit.join(file)).unwrap_or_default());
        h.update(b"\0");
    }
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    if let Ok(out) = std::process::Command::new(rustc).arg("-vV").output() {
        h.update(&out.stdout);
    }
    h.digest().to_string()
}

/// The key of a crate's verdict: `shared` (from [`shared_key`]), the challenge's checks, and the
/// crate (`crate_dir`: a learner's, or a wrong answer's, the solution with the case's edit).
pub fn verdict_key(
    kit: &Path,
    shared: &str,
    plan: &ChallengePlan,
    crate_dir: &Path,
) -> anyhow::Result<String> {
    let checks = stubs::content_key(&kit.join("grader").join("checks").join(&plan.dir))?;
    let answer = stubs::content_key(crate_dir)?;
    let mut h = sha1_smol::Sha1::new();
    for part in [shared, plan.id.as_str(), &checks, &answer] {
        h.update(part.as_bytes());
        h.update(b"\n");
    }
    Ok(h.digest().to_string())
}

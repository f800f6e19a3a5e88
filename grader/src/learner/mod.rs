//! The learner's loop around grading: `grader watch` re-grades on save, `grader reset` brings a
//! challenge's stub back as shipped (and `grader restore` undoes it), `grader swap` puts the
//! reference answer in place for a class demo and back.
//!
//! The rule that holds them together: nothing a learner wrote is ever lost. Before `reset`,
//! `restore` or `swap` changes a folder of `exercises/`, [`backup`] copies it whole to
//! `<kit>/.tokio-challenges/backups/` (outside `target/`, so `cargo clean` cannot take it).
//!
//! A crate folder's files are those [`crate::stubs::files`] lists (no `target/`, no dot-names):
//! `reset` and `swap` make those equal to what they bring in and leave the rest alone.

pub mod backup;
mod fit;
pub mod reset;
pub mod restore;
pub mod swap;
mod terminal;
pub mod watch;

use std::path::{Path, PathBuf};

/// Where the grader keeps what belongs to the learner: backups, and which backup is whose.
/// Beside `exercises/`, not under `target/`: `cargo clean` must not delete a learner's work.
pub fn learner_dir(kit: &Path) -> PathBuf {
    kit.join(".tokio-challenges")
}

/// The learner's folder of a challenge.
pub fn exercise_dir(kit: &Path, plan: &grader_core::ChallengePlan) -> PathBuf {
    kit.join("exercises").join(&plan.dir)
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

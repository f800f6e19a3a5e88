//! `dev check`'s rule for the stubs as shipped: `exercises/<dir>` is exactly what its record
//! (`grader/checks/<dir>/shipped-stub.txt`) lists, because `grader reset` restores from the record
//! and a record that lags behind the stub would bring back an old one.

use crate::stubs;
use grader_core::ChallengePlan;
use std::path::Path;

/// Adds a problem when the record is missing or `exercise` differs from it, naming the files.
pub fn check(kit: &Path, plan: &ChallengePlan, exercise: &Path, problems: &mut Vec<String>) {
    let record = stubs::record_path(kit, plan);
    let record = record.strip_prefix(kit).unwrap_or(&record).display();
    let shipped = match stubs::shipped(kit, plan) {
        Ok(shipped) => shipped,
        Err(e) => return problems.push(e),
    };
    match stubs::digests(exercise) {
        Ok(actual) => {
            let differ = stubs::differences(&shipped, &actual);
            if !differ.is_empty() {
                problems.push(format!(
                    "exercises/{}/ differs from {record}: {}; when the change is meant, record it with `cargo run -p grader -- dev stubs`",
                    plan.dir,
                    differ.join(", ")
                ));
            }
        }
        Err(e) => problems.push(e),
    }
}

//! `dev check`'s rule for the stubs as shipped: `exercises/<dir>` is exactly what its record
//! (`grader/checks/<dir>/shipped-stub.txt`) lists, because `grader reset` restores from the record
//! and a record that lags behind the stub would bring back an old one; and each question's start is
//! marked (`// TODO(Q1)` before its `todo!()`), because the table's next step names it.

use crate::stubs;
use grader_core::ChallengePlan;
use std::path::Path;

/// Adds a problem when the record is missing or `exercise` differs from it, naming the files.
pub fn check(kit: &Path, plan: &ChallengePlan, exercise: &Path, problems: &mut Vec<String>) {
    let record = stubs::record_path(kit, plan);
    let record = record.strip_prefix(kit).unwrap_or(&record).display();
    let shipped = match stubs::shipped(kit, plan) {
        Ok(shipped) => shipped,
        Err(e) => return problems.push(format!("{e:#}")),
    };
    match stubs::digests(exercise) {
        Ok(actual) => {
            let differ = stubs::differences(&shipped, &actual);
            if !differ.is_empty() {
                problems.push(format!(
                    "exercises/{}/ differs from {record}: {}; when the change is meant, record it with `cargo run -p grader -- dev sync`",
                    plan.dir,
                    differ.join(", ")
                ));
            }
        }
        Err(e) => problems.push(format!("{e:#}")),
    }
}

/// Adds a problem for each question whose `todo!()` the stub does not mark with `// TODO(Qn)`
/// (see `grader_core::todo_marks`): the next step of an untouched challenge could not name it.
pub fn check_marks(plan: &ChallengePlan, exercise: &Path, problems: &mut Vec<String>) {
    for q in &plan.questions {
        let mark = format!("TODO({})", q.id.to_uppercase());
        match grader_core::todo_marks::question_start(exercise, &q.id) {
            None => problems.push(format!(
                "exercises/{}/src/ has no `// {mark}` comment: put one before {}'s first `todo!()`, where the table's next step sends a learner",
                plan.dir, q.id
            )),
            Some(place) => {
                let line = std::fs::read_to_string(exercise.join(&place.file))
                    .ok()
                    .and_then(|text| text.lines().nth(place.line - 1).map(str::to_owned))
                    .unwrap_or_default();
                if !line.contains("todo!(") {
                    problems.push(format!(
                        "exercises/{}/{}:{}: `// {mark}` is followed by no `todo!()` in its file",
                        plan.dir,
                        place.file.display(),
                        place.line
                    ));
                }
            }
        }
    }
}

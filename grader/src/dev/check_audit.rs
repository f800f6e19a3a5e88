//! `dev check`'s part for the audit files of a challenge: its unusual but correct answers
//! (`tests/correct/<dir>/`) and its explained mutants (`grader/checks/<dir>/mutants.toml`).

use super::mutants;
use grader_core::ChallengePlan;
use grader_core::wrong;
use std::path::{Path, PathBuf};

/// Correct answers are valid cases that lose nothing, and apply to today's solution; every
/// explained mutant says whether it is equivalent or out of scope.
pub fn check(kit: &Path, plan: &ChallengePlan, solution: &Path, problems: &mut Vec<String>) {
    let dir = wrong::correct_dir(kit, plan);
    match wrong::load_cases_in(&dir) {
        Err(e) => problems.push(format!("{e:#}")),
        Ok(cases) => {
            for mut case in cases {
                case.path = PathBuf::from(rel(kit, &case.path));
                let here = case.path.display().to_string();
                if !case.fails.is_empty() {
                    problems.push(format!("{here}: a correct answer loses nothing: `fails = []`"));
                }
                if !case.why.trim_start().starts_with("correct:") {
                    problems.push(format!(
                        "{here}: `why` starts with \"correct:\" and says what is unusual about the answer"
                    ));
                }
                problems.extend(
                    case.problems(plan)
                        .into_iter()
                        .filter(|p| !p.contains("`fails` is empty")),
                );
                if let Err(e) = case.dry_run(|file| std::fs::read_to_string(solution.join(file)).ok()) {
                    problems.push(format!("{e:#}"));
                }
            }
        }
    }
    match mutants::config(kit, plan) {
        Err(e) => problems.push(format!("{e:#}")),
        Ok(config) => {
            let file = format!("grader/checks/{}/{}", plan.dir, mutants::FILE);
            for survivor in &config.survivors {
                let why = survivor.why.trim_start();
                if !(why.starts_with("equivalent:") || why.starts_with("out of scope:")) {
                    problems.push(format!(
                        "{file}: survivor `{}`: `why` starts with \"equivalent:\" (no observable difference) or \
                         \"out of scope:\" (breaks no sentence of the spec), then says why",
                        survivor.mutant
                    ));
                }
                if survivor.mutant.contains(|c: char| c.is_ascii_digit()) && survivor.mutant.contains(".rs:")
                {
                    let after = survivor.mutant.split_once(".rs:").map_or("", |(_, rest)| rest);
                    if after.starts_with(|c: char| c.is_ascii_digit()) {
                        problems.push(format!(
                            "{file}: survivor `{}`: name it without `:line:col` (lines move when the solution changes)",
                            survivor.mutant
                        ));
                    }
                }
            }
        }
    }
}

fn rel(kit: &Path, path: &Path) -> String {
    path.strip_prefix(kit).unwrap_or(path).display().to_string()
}

//! Wrong answers: plausible mistakes, each written as edits of a reference solution.
//!
//! A case is one file, `tests/wrong/<challenge dir>/<case>.toml`:
//!
//! ```toml
//! why = "The first beat comes after one interval, not at once."   # the learner's mistake
//! question = "q1"                                                 # the question it belongs to
//! fails = ["first-beat-at-once"]                                  # exactly the checks it loses
//!
//! [[edit]]                       # applied in order to a fresh copy of solutions/<challenge dir>/
//! file = "src/lib.rs"
//! find = '''
//! let mut ticks = time::interval(period);
//! '''
//! replace = '''
//! let mut ticks = time::interval_at(Instant::now() + period, period);
//! '''
//! ```
//!
//! `find` must occur exactly once in the file as the earlier edits left it, so an edit that no
//! longer matches its solution fails loudly instead of testing something else. The kit's tests grade
//! every case; `grader dev check` applies every edit without building anything.

use crate::ChallengePlan;
use anyhow::{Context, Result, anyhow};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// One wrong answer, as read from its file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrongCase {
    /// One sentence: the learner's mistake.
    pub why: String,
    /// The question the mistake belongs to: every check in `fails` must be one of its checks.
    pub question: String,
    /// The ids of exactly the checks this mistake must lose; every other check must still pass.
    pub fails: Vec<String>,
    #[serde(rename = "edit")]
    pub edits: Vec<Edit>,
    /// The case's name (its file stem); not in the file.
    #[serde(skip)]
    pub name: String,
    /// The case's file; not in the file.
    #[serde(skip)]
    pub path: PathBuf,
}

/// One find-and-replace in one file of the solution crate.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edit {
    /// The file, relative to the solution crate (`src/lib.rs`).
    pub file: String,
    pub find: String,
    pub replace: String,
}

/// The folder of a challenge's wrong answers.
pub fn cases_dir(kit: &Path, plan: &ChallengePlan) -> PathBuf {
    kit.join("tests").join("wrong").join(&plan.dir)
}

/// The folder of a challenge's unusual but correct answers (`tests/correct/<dir>/`): cases in the
/// same format with `fails = []`, which must score full marks.
pub fn correct_dir(kit: &Path, plan: &ChallengePlan) -> PathBuf {
    kit.join("tests").join("correct").join(&plan.dir)
}

/// Every case of a challenge, sorted by name. A missing folder is no cases.
pub fn load_cases(kit: &Path, plan: &ChallengePlan) -> Result<Vec<WrongCase>> {
    load_cases_in(&cases_dir(kit, plan))
}

/// Every case in `dir` (one challenge's folder of cases), sorted by name. A missing folder is no cases.
pub fn load_cases_in(dir: &Path) -> Result<Vec<WrongCase>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths.iter().map(|p| load_case(p)).collect()
}

/// Reads one case file.
pub fn load_case(path: &Path) -> Result<WrongCase> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    let mut case: WrongCase = toml::from_str(&text).with_context(|| format!("{}", path.display()))?;
    case.name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    case.path = path.to_path_buf();
    Ok(case)
}

impl WrongCase {
    /// What is wrong with the case itself against its challenge's plan: the question and every
    /// listed check must exist, and the checks must belong to that question.
    pub fn problems(&self, plan: &ChallengePlan) -> Vec<String> {
        let mut problems = Vec::new();
        let here = self.path.display();
        if self.why.trim().is_empty() {
            problems.push(format!(
                "{here}: `why` is empty: say the learner's mistake in one sentence"
            ));
        }
        if self.edits.is_empty() {
            problems.push(format!(
                "{here}: no [[edit]]: a wrong answer changes the solution"
            ));
        }
        if self.fails.is_empty() {
            problems.push(format!(
                "{here}: `fails` is empty: a wrong answer loses at least one check"
            ));
        }
        let Some(question) = plan.question(&self.question) else {
            problems.push(format!(
                "{here}: question `{}` is not in {}'s plan",
                self.question, plan.id
            ));
            return problems;
        };
        for id in &self.fails {
            match plan.checks().find(|(_, c)| &c.id == id) {
                None => problems.push(format!("{here}: check `{id}` is not in {}'s plan", plan.id)),
                Some((q, _)) if q.id != question.id => problems.push(format!(
                    "{here}: check `{id}` belongs to {}, not to {}: a mistake costs points in its own question",
                    q.id, question.id
                )),
                Some(_) => {}
            }
        }
        problems
    }

    /// Applies the edits, in order, to the solution crate copied at `crate_dir`.
    pub fn apply(&self, crate_dir: &Path) -> Result<()> {
        for (i, edit) in self.edits.iter().enumerate() {
            let file = crate_dir.join(&edit.file);
            let text = std::fs::read_to_string(&file).map_err(|e| {
                anyhow!(
                    "{}: edit {}: cannot read {}: {e}",
                    self.path.display(),
                    i + 1,
                    edit.file
                )
            })?;
            let text = apply_edit(&text, edit)
                .with_context(|| format!("{}: edit {} of {}", self.path.display(), i + 1, edit.file))?;
            std::fs::write(&file, text).with_context(|| format!("{}", file.display()))?;
        }
        Ok(())
    }

    /// Applies the edits to in-memory copies of the files `read` gives, without writing anything.
    pub fn dry_run(&self, mut read: impl FnMut(&str) -> Option<String>) -> Result<()> {
        let mut files: std::collections::BTreeMap<&str, String> = Default::default();
        for (i, edit) in self.edits.iter().enumerate() {
            let text = match files.remove(edit.file.as_str()) {
                Some(text) => text,
                None => read(&edit.file).ok_or_else(|| {
                    anyhow!(
                        "{}: edit {}: the solution has no file {}",
                        self.path.display(),
                        i + 1,
                        edit.file
                    )
                })?,
            };
            let text = apply_edit(&text, edit)
                .with_context(|| format!("{}: edit {} of {}", self.path.display(), i + 1, edit.file))?;
            files.insert(edit.file.as_str(), text);
        }
        Ok(())
    }
}

/// What grading a case showed, run after run: the ids of the checks it lost each time.
///
/// The verdict is a pure function of the case, its plan and those sets, so `grader dev wrong` and
/// the kit's tests judge alike (nextest's shape: the decision after each run is a unit-tested function).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A kit case lost exactly the checks it lists, every run.
    Exact,
    /// A kit case lost other checks than it lists (the same ones every run).
    Mismatch {
        missing: Vec<String>,
        extra: Vec<String>,
    },
    /// A case without a `fails` list (a red team's) lost checks of its own question only.
    CaughtHere,
    /// …lost checks of its own question and of others: caught, but charged beyond its question.
    CaughtAlsoElsewhere { elsewhere: Vec<String> },
    /// …lost checks of other questions only: the right question did not see the mistake.
    CaughtOnlyElsewhere { elsewhere: Vec<String> },
    /// Lost nothing: the checks do not see the mistake (for a correct answer, what is wanted).
    Missed,
    /// Lost different checks from run to run: a check that catches a mistake only sometimes.
    Flaky,
}

impl Verdict {
    /// A short word for tables.
    pub fn label(&self) -> &'static str {
        match self {
            Verdict::Exact => "exact",
            Verdict::Mismatch { .. } => "MISMATCH",
            Verdict::CaughtHere => "caught",
            Verdict::CaughtAlsoElsewhere { .. } => "caught+elsewhere",
            Verdict::CaughtOnlyElsewhere { .. } => "ONLY-ELSEWHERE",
            Verdict::Missed => "MISSED",
            Verdict::Flaky => "FLAKY",
        }
    }

    /// Caught in the right question, every run (what the kit is measured by).
    pub fn caught_in_question(&self) -> bool {
        matches!(
            self,
            Verdict::Exact | Verdict::CaughtHere | Verdict::CaughtAlsoElsewhere { .. }
        )
    }
}

/// Judges `case` from the checks it lost in each run (at least one run).
pub fn verdict(
    case: &WrongCase,
    plan: &ChallengePlan,
    runs: &[std::collections::BTreeSet<String>],
) -> Verdict {
    let Some(first) = runs.first() else {
        return Verdict::Missed;
    };
    if runs.iter().any(|lost| lost != first) {
        return Verdict::Flaky;
    }
    if !case.fails.is_empty() {
        let listed: std::collections::BTreeSet<String> = case.fails.iter().cloned().collect();
        if &listed == first {
            return Verdict::Exact;
        }
        return Verdict::Mismatch {
            missing: listed.difference(first).cloned().collect(),
            extra: first.difference(&listed).cloned().collect(),
        };
    }
    if first.is_empty() {
        return Verdict::Missed;
    }
    let in_question = |id: &String| plan.checks().any(|(q, c)| &c.id == id && q.id == case.question);
    let elsewhere: Vec<String> = first.iter().filter(|id| !in_question(id)).cloned().collect();
    match (elsewhere.is_empty(), elsewhere.len() == first.len()) {
        (true, _) => Verdict::CaughtHere,
        (false, true) => Verdict::CaughtOnlyElsewhere { elsewhere },
        (false, false) => Verdict::CaughtAlsoElsewhere { elsewhere },
    }
}

/// Replaces the one occurrence of `edit.find` in `text`.
pub fn apply_edit(text: &str, edit: &Edit) -> Result<String> {
    match text.matches(edit.find.as_str()).count() {
        1 => Ok(text.replacen(edit.find.as_str(), &edit.replace, 1)),
        0 => Err(anyhow!(
            "`find` does not match: the solution changed; update the edit to the new text (it begins {:?})",
            first_line(&edit.find)
        )),
        n => Err(anyhow!(
            "`find` matches {n} times: add a neighbouring line so it matches once (it begins {:?})",
            first_line(&edit.find)
        )),
    }
}

fn first_line(text: &str) -> &str {
    text.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(find: &str, replace: &str) -> Edit {
        Edit {
            file: "src/lib.rs".into(),
            find: find.into(),
            replace: replace.into(),
        }
    }

    #[test]
    fn an_edit_replaces_its_one_match() {
        assert_eq!(
            apply_edit("a\nb\nc\n", &edit("b\n", "B\nB\n")).unwrap(),
            "a\nB\nB\nc\n"
        );
    }

    #[test]
    fn an_edit_that_matches_no_place_or_two_is_refused() {
        assert!(
            apply_edit("a\n", &edit("z\n", ""))
                .unwrap_err()
                .to_string()
                .contains("does not match")
        );
        assert!(
            apply_edit("a\na\n", &edit("a\n", ""))
                .unwrap_err()
                .to_string()
                .contains("matches 2 times")
        );
    }

    fn plan() -> ChallengePlan {
        ChallengePlan::from_toml(
            r#"
id = "c99"
slug = "x"
title = "X"
dir = "c99-x"
[[questions]]
id = "q1"
title = "one"
hints = ["h"]
checks = [{ id = "a", name = "a", points = 1 }, { id = "b", name = "b", points = 1 }]
[[questions]]
id = "q2"
title = "two"
hints = ["h"]
checks = [{ id = "c", name = "c", points = 1 }]
"#,
        )
        .unwrap()
    }

    fn case(fails: &[&str]) -> WrongCase {
        WrongCase {
            why: "w".into(),
            question: "q1".into(),
            fails: fails.iter().map(|s| s.to_string()).collect(),
            edits: vec![],
            name: "n".into(),
            path: PathBuf::new(),
        }
    }

    fn lost(ids: &[&str]) -> std::collections::BTreeSet<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_listed_case_is_exact_or_says_what_differs() {
        let plan = plan();
        assert_eq!(
            verdict(&case(&["a"]), &plan, &[lost(&["a"]), lost(&["a"])]),
            Verdict::Exact
        );
        assert_eq!(
            verdict(&case(&["a"]), &plan, &[lost(&["b"])]),
            Verdict::Mismatch {
                missing: vec!["a".into()],
                extra: vec!["b".into()]
            }
        );
    }

    #[test]
    fn an_unlisted_case_is_judged_by_the_question_of_what_it_lost() {
        let plan = plan();
        assert_eq!(
            verdict(&case(&[]), &plan, &[lost(&["a", "b"])]),
            Verdict::CaughtHere
        );
        assert_eq!(
            verdict(&case(&[]), &plan, &[lost(&["a", "c"])]),
            Verdict::CaughtAlsoElsewhere {
                elsewhere: vec!["c".into()]
            }
        );
        assert_eq!(
            verdict(&case(&[]), &plan, &[lost(&["c"])]),
            Verdict::CaughtOnlyElsewhere {
                elsewhere: vec!["c".into()]
            }
        );
        assert_eq!(verdict(&case(&[]), &plan, &[lost(&[])]), Verdict::Missed);
    }

    #[test]
    fn different_losses_from_run_to_run_are_flaky() {
        let plan = plan();
        assert_eq!(
            verdict(&case(&["a"]), &plan, &[lost(&["a"]), lost(&[])]),
            Verdict::Flaky
        );
        assert!(!Verdict::Flaky.caught_in_question());
    }
}

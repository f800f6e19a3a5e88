//! Where a question starts in a stub: the `// TODO(Q1)` comments each stub puts before its
//! `todo!()`. The grader names the place in its next step when it has not run the code (a
//! challenge left as shipped, or the one after those that pass); when it has, the runner reports
//! the `todo!()` the checks really reached.

use crate::ChallengePlan;
use crate::report::Upcoming;
use std::path::{Path, PathBuf};

/// A place in a crate: `src/q1.rs` (relative to the crate folder) and a line, from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: PathBuf,
    pub line: usize,
}

/// The `todo!()` where `question` (`q1`) starts in the crate at `crate_dir`: the first `todo!(`
/// at or after the first `TODO(Q1)` comment of the question's file. The question's file is
/// `src/q1.rs` when it has such a comment, else the first file (in path order) that has one.
/// `None` when no file under `src/` names the question.
pub fn question_start(crate_dir: &Path, question: &str) -> Option<Place> {
    let marker = format!("TODO({})", question.to_uppercase());
    let mut files = crate::tree::rust_files(&crate_dir.join("src"));
    let own = crate_dir
        .join("src")
        .join(format!("{}.rs", question.to_lowercase()));
    files.sort_by_key(|f| *f != own);
    files.iter().find_map(|file| {
        let text = std::fs::read_to_string(file).ok()?;
        let line = start_line(&text, &marker)?;
        Some(Place {
            file: file.strip_prefix(crate_dir).ok()?.to_path_buf(),
            line,
        })
    })
}

/// The challenge after the last of `graded` (ids, in curriculum order among `plans`), with where its
/// first question starts in `exercises` (the folder of the crates), written `{shown}/<dir>/<file>:<line>`.
pub fn upcoming_after(
    plans: &[ChallengePlan],
    graded: &[&str],
    exercises: &Path,
    shown: &str,
) -> Option<Upcoming> {
    let last = plans.iter().rposition(|p| graded.contains(&p.id.as_str()))?;
    let plan = plans.get(last + 1)?;
    let start = plan.questions.first().and_then(|q| {
        let place = question_start(&exercises.join(&plan.dir), &q.id)?;
        Some(format!(
            "{shown}/{}/{}:{}",
            plan.dir,
            place.file.display(),
            place.line
        ))
    });
    Some(Upcoming {
        id: plan.id.clone(),
        dir: plan.dir.clone(),
        title: plan.title.clone(),
        start,
    })
}

/// The line (from 1) of the first `todo!(` at or after the first line holding `marker`, or the
/// marker's own line when no `todo!(` follows it.
fn start_line(text: &str, marker: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines.iter().position(|l| l.contains(marker))?;
    let todo = lines[at..]
        .iter()
        .position(|l| l.contains("todo!("))
        .map_or(at, |offset| at + offset);
    Some(todo + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crate_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn the_todo_after_the_marker_in_the_questions_own_file_first() {
        let dir = crate_with(&[
            (
                "src/client.rs",
                "fn run() {\n    // TODO(Q1): connect\n    todo!()\n}\n",
            ),
            (
                "src/q1.rs",
                "//! Q1\n\nfn serve() {\n    // TODO(Q1): accept\n    let _ = 1;\n    todo!(\"serve\")\n}\n",
            ),
            ("src/q2.rs", "fn log() {\n    // TODO(Q2): log\n    todo!()\n}\n"),
        ]);
        let place = |q| question_start(dir.path(), q).unwrap();
        assert_eq!(place("q1").file, Path::new("src/q1.rs"));
        assert_eq!(place("q1").line, 6);
        assert_eq!((place("q2").file, place("q2").line), ("src/q2.rs".into(), 3));
        assert_eq!(question_start(dir.path(), "q3"), None);
    }

    #[test]
    fn otherwise_the_first_file_that_names_the_question() {
        let dir = crate_with(&[
            ("src/server.rs", "// TODO(Q2)\nfn a() { todo!() }\n"),
            ("src/lib.rs", "// TODO(Q1) with no todo after it\n"),
            ("src/game/rules.rs", "\n// TODO(Q1)\ntodo!()\n"),
        ]);
        let q1 = question_start(dir.path(), "q1").unwrap();
        assert_eq!((q1.file, q1.line), ("src/game/rules.rs".into(), 3));
        let q2 = question_start(dir.path(), "Q2").unwrap();
        assert_eq!((q2.file, q2.line), ("src/server.rs".into(), 2));
    }
}

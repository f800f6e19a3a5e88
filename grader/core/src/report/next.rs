//! The next step a table ends with: true in every state a learner can be in. The decision is a pure
//! function of the report (and of the challenge that comes after the ones graded), tested below;
//! the full table, `--only`, `watch` and `cargo test -p` all end with it.

use super::labels::todo_location;
use crate::{ChallengeReport, CheckReport, QuestionReport, Report, Status};
use anstyle::Style;
use std::fmt::Write;

/// The challenge after the ones graded (in curriculum order), for when they all pass: `--only c01`
/// or `cargo test -p c01-identity` does not grade c02, but it is where the learner goes next.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Upcoming {
    /// `c02`.
    pub id: String,
    /// The crate folder, `c02-future-101`.
    pub dir: String,
    /// `Future 101`.
    pub title: String,
    /// Where its first question starts, `exercises/c02-future-101/src/lib.rs:33`, when known.
    pub start: Option<String>,
}

/// What to do next.
#[derive(Debug, PartialEq)]
pub enum NextStep<'a> {
    /// The first unfinished question reaches a `todo!()` (at `at`, when the report says where).
    Start {
        challenge: &'a ChallengeReport,
        question: &'a QuestionReport,
        at: Option<&'a str>,
    },
    /// The first unfinished question has a check that ran and did not pass.
    Fix {
        challenge: &'a ChallengeReport,
        question: &'a QuestionReport,
        check: &'a CheckReport,
    },
    /// The first unfinished challenge does not compile.
    Compile { challenge: &'a ChallengeReport },
    /// Every challenge graded passes; this one comes next.
    Move(&'a Upcoming),
    /// Every challenge graded passes, and none comes after (or none is named: `--solutions`).
    Done,
}

/// The first question not finished, in curriculum order: a check that ran and failed comes before
/// a `todo!()` of the same question (it is code the learner wrote); a question all `todo` starts at
/// its `todo!()`.
pub fn next_step<'a>(report: &'a Report, upcoming: Option<&'a Upcoming>) -> NextStep<'a> {
    let unfinished = report
        .challenges
        .iter()
        .find_map(|c| c.questions.iter().find(|q| q.score < q.max_score).map(|q| (c, q)));
    let Some((challenge, question)) = unfinished else {
        return upcoming.map_or(NextStep::Done, NextStep::Move);
    };
    let not_passed = || question.checks.iter().filter(|k| k.status != Status::Pass);
    if not_passed().any(|k| k.status == Status::CompileError) {
        return NextStep::Compile { challenge };
    }
    if let Some(check) = not_passed().find(|k| k.status != Status::Todo) {
        return NextStep::Fix {
            challenge,
            question,
            check,
        };
    }
    let at = not_passed().find_map(|k| k.message.as_deref().and_then(todo_location));
    NextStep::Start {
        challenge,
        question,
        at,
    }
}

const BOLD: Style = Style::new().bold();

/// The step as the table's last lines (ANSI styles embedded, as in the rest of the table): a
/// heading, then numbered steps.
pub fn render_next(step: &NextStep<'_>) -> String {
    let (heading, steps) = match step {
        NextStep::Start {
            challenge,
            question,
            at,
        } => {
            let dir = dir_of(challenge);
            let [read, fill] = start_steps(&dir, *at);
            (
                format!("{} {} \"{}\"", challenge.id, question.id, question.title),
                vec![read, fill, check_step(&dir, Some((&challenge.id, &question.id)))],
            )
        }
        NextStep::Fix {
            challenge,
            question,
            check,
        } => (
            format!("{} {} \"{}\"", challenge.id, question.id, question.title),
            vec![
                format!(
                    "make \"{}\" pass ({}: its message says what was expected and what came)",
                    check.name, check.status
                ),
                check_step(&dir_of(challenge), Some((&challenge.id, &question.id))),
            ],
        ),
        NextStep::Compile { challenge } => {
            let dir = dir_of(challenge);
            (
                format!("{} {} does not compile", challenge.id, challenge.slug),
                vec![
                    format!("fix the first error above (`cargo build -p {dir}` shows them all, in colour)"),
                    check_step(&dir, None),
                ],
            )
        }
        NextStep::Move(upcoming) => {
            let [read, fill] = start_steps(&upcoming.dir, upcoming.start.as_deref());
            (
                format!(
                    "{} \"{}\" (every check above passes)",
                    upcoming.id, upcoming.title
                ),
                vec![read, fill, check_step(&upcoming.dir, None)],
            )
        }
        NextStep::Done => return format!("{BOLD}Every check passes.{BOLD:#} Well done.\n"),
    };
    let mut out = format!("{BOLD}Next:{BOLD:#} {heading}\n");
    for (n, step) in steps.iter().enumerate() {
        let _ = writeln!(out, "  {}. {step}", n + 1);
    }
    out
}

/// Reading the challenge's README, then filling in the `todo!()` where it starts.
fn start_steps(dir: &str, at: Option<&str>) -> [String; 2] {
    [
        format!("read exercises/{dir}/README.md"),
        match at {
            Some(place) => format!("fill in the `todo!()` at {place}"),
            None => format!("fill in its `todo!()`s in exercises/{dir}/src/"),
        },
    ]
}

/// Checking it, and where a hint is.
fn check_step(dir: &str, hint: Option<(&str, &str)>) -> String {
    match hint {
        Some((id, question)) => {
            format!(
                "check it with `cargo test -p {dir}`; stuck? `cargo run -p grader -- hint {id} {question}`"
            )
        }
        None => format!("check it with `cargo test -p {dir}`"),
    }
}

/// The crate folder of a challenge, e.g. `c01-identity`.
fn dir_of(c: &ChallengeReport) -> String {
    format!("{}-{}", c.id, c.slug)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ChallengeStatus;

    fn check(id: &str, status: Status, message: Option<&str>) -> CheckReport {
        CheckReport {
            id: id.into(),
            name: format!("{id} works"),
            status,
            score: u32::from(status == Status::Pass),
            max_score: 1,
            message: message.map(str::to_owned),
            duration_ms: 0,
        }
    }

    fn challenge(id: &str, questions: Vec<Vec<CheckReport>>) -> ChallengeReport {
        let questions: Vec<QuestionReport> = questions
            .into_iter()
            .enumerate()
            .map(|(i, checks)| QuestionReport {
                id: format!("q{}", i + 1),
                title: format!("Question {}", i + 1),
                score: checks.iter().map(|c| c.score).sum(),
                max_score: checks.iter().map(|c| c.max_score).sum(),
                checks,
            })
            .collect();
        let statuses: Vec<Status> = questions
            .iter()
            .flat_map(|q| q.checks.iter().map(|c| c.status))
            .collect();
        let score = questions.iter().map(|q| q.score).sum();
        let max_score = questions.iter().map(|q| q.max_score).sum();
        ChallengeReport {
            id: id.into(),
            slug: "slug".into(),
            title: "Title".into(),
            status: ChallengeStatus::derive(&statuses, score, max_score),
            score,
            max_score,
            duration_ms: 0,
            questions,
        }
    }

    fn report(challenges: Vec<ChallengeReport>) -> Report {
        crate::scoring::report("exercises/", challenges)
    }

    const STUB: &str = "not started: exercises/c02-slug is the stub as shipped (todo!() at exercises/c02-slug/src/lib.rs:33)";

    #[test]
    fn an_untouched_challenge_starts_at_its_todo() {
        let done = challenge("c01", vec![vec![check("a", Status::Pass, None)]]);
        let untouched = challenge("c02", vec![vec![check("b", Status::Todo, Some(STUB))]]);
        let r = report(vec![done, untouched]);
        let step = next_step(&r, None);
        let NextStep::Start {
            challenge,
            question,
            at,
        } = step
        else {
            panic!("{step:?}")
        };
        assert_eq!((challenge.id.as_str(), question.id.as_str()), ("c02", "q1"));
        assert_eq!(at, Some("exercises/c02-slug/src/lib.rs:33"));
        let text = anstream::adapter::strip_str(&render_next(&step)).to_string();
        assert!(text.contains("read exercises/c02-slug/README.md"), "{text}");
        assert!(
            text.contains("fill in the `todo!()` at exercises/c02-slug/src/lib.rs:33"),
            "{text}"
        );
        assert!(!text.contains("checks above"), "{text}");
    }

    #[test]
    fn a_failing_check_comes_before_a_todo_of_its_question() {
        let runner_todo = "not implemented yet (exercises/c01-slug/src/q1.rs:9)";
        let c = challenge(
            "c01",
            vec![
                vec![
                    check("a", Status::Pass, None),
                    check("b", Status::Todo, Some(runner_todo)),
                    check("c", Status::Fail, Some("expected 1, got 2")),
                ],
                vec![check("d", Status::Fail, Some("x"))],
            ],
        );
        let r = report(vec![c]);
        let step = next_step(&r, None);
        let NextStep::Fix {
            check: failing,
            question,
            ..
        } = step
        else {
            panic!("{step:?}")
        };
        assert_eq!((question.id.as_str(), failing.id.as_str()), ("q1", "c"));
        let text = anstream::adapter::strip_str(&render_next(&step)).to_string();
        assert!(text.contains("make \"c works\" pass (fail"), "{text}");
        let only_todo = challenge("c01", vec![vec![check("b", Status::Todo, Some(runner_todo))]]);
        let r = report(vec![only_todo]);
        assert!(matches!(
            next_step(&r, None),
            NextStep::Start {
                at: Some("exercises/c01-slug/src/q1.rs:9"),
                ..
            }
        ));
    }

    #[test]
    fn a_compile_error_says_so() {
        let c = challenge(
            "c03",
            vec![vec![check("a", Status::CompileError, Some("error[E0308]"))]],
        );
        let r = report(vec![c]);
        let step = next_step(&r, None);
        assert!(matches!(step, NextStep::Compile { .. }));
        assert!(render_next(&step).contains("cargo build -p c03-slug"));
    }

    #[test]
    fn when_all_pass_the_next_challenge_or_done() {
        let r = report(vec![challenge("c01", vec![vec![check("a", Status::Pass, None)]])]);
        let upcoming = Upcoming {
            id: "c02".into(),
            dir: "c02-slug".into(),
            title: "Two".into(),
            start: Some("exercises/c02-slug/src/lib.rs:33".into()),
        };
        let step = next_step(&r, Some(&upcoming));
        assert_eq!(step, NextStep::Move(&upcoming));
        let text = anstream::adapter::strip_str(&render_next(&step)).to_string();
        assert!(text.contains("c02 \"Two\""), "{text}");
        assert!(text.contains("cargo test -p c02-slug"), "{text}");
        assert!(text.contains("at exercises/c02-slug/src/lib.rs:33"), "{text}");
        assert_eq!(next_step(&r, None), NextStep::Done);
    }
}

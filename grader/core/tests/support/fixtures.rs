//! Reports built in code, no grading: every status, and messages as hostile as a learner's code
//! can make them (ANSI escapes, NUL, form feeds, `]]>`, a 70,000-character message, non-ASCII),
//! with what each should become once cleaned.

use grader_core::{ChallengeReport, ChallengeStatus, CheckReport, QuestionReport, Report, Status};

pub const FAIL: &str = "\x1b[1;31mexpected\x1b[0m `hello\\n`\0 but got `\x0chel`\nsecond line";
pub const FAIL_CLEAN: &str = "expected `hello\\n` but got `hel`\nsecond line";
pub const PANIC: &str = "panicked at src/lib.rs:3:5: bad <frame> & worse ]]> — ünïcödé 🦀\u{FFFE}\u{FFFF}";
pub const PANIC_CLEAN: &str = "panicked at src/lib.rs:3:5: bad <frame> & worse ]]> — ünïcödé 🦀";
pub const TODO: &str = "not implemented yet (exercises/c01-identity/src/lib.rs:12)";
pub const TIMEOUT: &str = "did not finish within 5 s (the check's time limit)";
pub const COMPILE: &str =
    "\x1b[1m\x1b[38;5;9merror[E0308]\x1b[0m: mismatched types\n --> exercises/c02-echo/src/lib.rs:10:5";
pub const COMPILE_CLEAN: &str = "error[E0308]: mismatched types\n --> exercises/c02-echo/src/lib.rs:10:5";

/// Every C0 control, DEL, NEL, U+FFFE, U+FFFF and the last code point.
pub fn controls() -> String {
    let mut text: String = (0u8..0x20).map(char::from).collect();
    text.push_str("\x7f\u{85}\u{FFFE}\u{FFFF}\u{10FFFF}");
    text
}

/// The crash message: 70,000 two-byte characters, past every cap.
pub fn huge() -> String {
    format!("the runner died: {}", "é".repeat(70_000))
}

pub fn check(id: &str, status: Status, points: u32, message: Option<&str>) -> CheckReport {
    CheckReport {
        id: id.into(),
        name: format!("the {id} check"),
        status,
        score: if status == Status::Pass { points } else { 0 },
        max_score: points,
        message: message.map(str::to_owned),
        duration_ms: 1_234,
    }
}

pub fn question(id: &str, checks: Vec<CheckReport>) -> QuestionReport {
    QuestionReport {
        id: id.into(),
        title: format!("question {id}"),
        score: checks.iter().map(|c| c.score).sum(),
        max_score: checks.iter().map(|c| c.max_score).sum(),
        checks,
    }
}

pub fn challenge(id: &str, slug: &str, questions: Vec<QuestionReport>) -> ChallengeReport {
    let statuses: Vec<Status> = questions
        .iter()
        .flat_map(|q| &q.checks)
        .map(|c| c.status)
        .collect();
    let score = questions.iter().map(|q| q.score).sum();
    let max_score = questions.iter().map(|q| q.max_score).sum();
    ChallengeReport {
        id: id.into(),
        slug: slug.into(),
        title: format!("The {slug} challenge"),
        status: ChallengeStatus::derive(&statuses, score, max_score),
        score,
        max_score,
        duration_ms: 1_500,
        questions,
    }
}

pub fn report(challenges: Vec<ChallengeReport>) -> Report {
    Report {
        kit: "tokio-challenges".into(),
        version: "0.1.0".into(),
        target: "exercises".into(),
        score: challenges.iter().map(|c| c.score).sum(),
        max_score: challenges.iter().map(|c| c.max_score).sum(),
        challenges,
    }
}

pub fn compile_error_challenge(id: &str, slug: &str) -> ChallengeReport {
    let checks = vec![
        check("builds-a", Status::CompileError, 2, Some(COMPILE)),
        check("builds-b", Status::CompileError, 3, Some(COMPILE)),
    ];
    challenge(id, slug, vec![question("q1", checks)])
}

pub fn passing_challenge() -> ChallengeReport {
    let checks = vec![
        check("ok-a", Status::Pass, 4, None),
        check("ok-b", Status::Pass, 1, None),
    ];
    challenge("c03", "relay", vec![question("q1", checks)])
}

/// Every status, every kind of hostile message.
pub fn nasty() -> Report {
    let huge = huge();
    let controls = controls();
    let c01 = challenge(
        "c01",
        "identity",
        vec![
            question(
                "q1",
                vec![
                    check("reply", Status::Pass, 3, None),
                    check("wrong", Status::Fail, 2, Some(FAIL)),
                    check("start", Status::Todo, 2, Some(TODO)),
                ],
            ),
            question(
                "q2",
                vec![
                    check("panics", Status::Panic, 1, Some(PANIC)),
                    check("hangs", Status::Timeout, 1, Some(TIMEOUT)),
                    check("dies", Status::Crash, 5, Some(&huge)),
                    check("controls", Status::Fail, 1, Some(&controls)),
                    check("silent", Status::Crash, 1, None),
                ],
            ),
        ],
    );
    report(vec![
        c01,
        compile_error_challenge("c02", "echo"),
        passing_challenge(),
    ])
}

pub fn nothing_built() -> Report {
    report(vec![
        compile_error_challenge("c02", "echo"),
        compile_error_challenge("c05", "chat"),
    ])
}

pub fn all_passed() -> Report {
    report(vec![passing_challenge()])
}

/// (challenge id, question id, check) in plan order.
pub fn plan_order(report: &Report) -> Vec<(&str, &str, &CheckReport)> {
    report
        .challenges
        .iter()
        .flat_map(|c| {
            c.questions
                .iter()
                .flat_map(move |q| q.checks.iter().map(move |k| (c.id.as_str(), q.id.as_str(), k)))
        })
        .collect()
}

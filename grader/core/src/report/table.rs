//! The table a learner reads: one block per challenge, one line per check that did not pass (all
//! checks with `verbose`), the message indented under its check, and a total with a next step.
//!
//! Styles are embedded as ANSI codes; print through `anstream` so they are dropped when the output
//! is not a terminal (or `NO_COLOR` is set).

use crate::{ChallengeReport, ChallengeStatus, Report, Status};
use anstyle::{AnsiColor, Style};
use std::fmt::Write;

#[derive(Debug, Clone, Copy, Default)]
pub struct TableOptions {
    /// List passing checks of passing challenges too.
    pub verbose: bool,
}

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

fn status_style(status: Status) -> Style {
    let color = match status {
        Status::Pass => AnsiColor::Green,
        Status::Todo => AnsiColor::Yellow,
        Status::CompileError => AnsiColor::Magenta,
        Status::Fail | Status::Panic | Status::Timeout | Status::Crash => AnsiColor::Red,
    };
    Style::new().fg_color(Some(color.into()))
}

fn challenge_style(status: ChallengeStatus) -> Style {
    let color = match status {
        ChallengeStatus::Pass => AnsiColor::Green,
        ChallengeStatus::Partial | ChallengeStatus::Todo => AnsiColor::Yellow,
        ChallengeStatus::CompileError => AnsiColor::Magenta,
        ChallengeStatus::Fail => AnsiColor::Red,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

/// The whole table, with a header and the total.
pub fn render_table(report: &Report, options: TableOptions) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{BOLD}tokio-challenges {}{BOLD:#} — grading {}",
        report.version, report.target
    );
    for challenge in &report.challenges {
        out.push('\n');
        out.push_str(&render_challenge(challenge, options));
    }
    out.push('\n');
    out.push_str(&render_total(report));
    out
}

/// One challenge's block.
pub fn render_challenge(c: &ChallengeReport, options: TableOptions) -> String {
    let mut out = String::new();
    let heading = format!("{} {} — {}", c.id, c.slug, c.title);
    let style = challenge_style(c.status);
    let _ = writeln!(
        out,
        "{BOLD}{heading:<56}{BOLD:#} {:>7}  {style}{:<13}{style:#} {DIM}{} ms{DIM:#}",
        format!("{}/{}", c.score, c.max_score),
        c.status.as_str(),
        c.duration_ms
    );
    if c.status == ChallengeStatus::Pass && !options.verbose {
        let n = c.checks().count();
        let _ = writeln!(
            out,
            "  {}all {n} checks pass{:#}",
            status_style(Status::Pass),
            status_style(Status::Pass)
        );
        return out;
    }
    if c.status == ChallengeStatus::CompileError {
        // One message for the whole challenge, not one per check.
        let message = c.checks().find_map(|k| k.message.clone()).unwrap_or_default();
        indent(&mut out, &message, 4);
        return out;
    }
    for q in &c.questions {
        let _ = writeln!(
            out,
            "  {:<54} {:>7}",
            format!("{} {}", q.id, q.title),
            format!("{}/{}", q.score, q.max_score)
        );
        for k in &q.checks {
            let style = status_style(k.status);
            let _ = writeln!(
                out,
                "    {style}{:<13}{style:#} {:>5}  {}",
                k.status.as_str(),
                format!("{}/{}", k.score, k.max_score),
                k.name
            );
            if let Some(message) = &k.message {
                indent(&mut out, message, 25);
            }
        }
    }
    out
}

fn indent(out: &mut String, text: &str, width: usize) {
    for line in text.lines() {
        let _ = writeln!(out, "{:width$}{DIM}{line}{DIM:#}", "");
    }
}

fn render_total(report: &Report) -> String {
    let mut counts = [0usize; 5];
    for c in &report.challenges {
        let i = match c.status {
            ChallengeStatus::Pass => 0,
            ChallengeStatus::Partial => 1,
            ChallengeStatus::Fail => 2,
            ChallengeStatus::Todo => 3,
            ChallengeStatus::CompileError => 4,
        };
        counts[i] += 1;
    }
    let percent = (report.score * 100).checked_div(report.max_score).unwrap_or(100);
    let mut out = format!(
        "{BOLD}Score: {}/{} ({percent} %){BOLD:#} — pass {}, partial {}, fail {}, todo {}, compile_error {}\n",
        report.score, report.max_score, counts[0], counts[1], counts[2], counts[3], counts[4]
    );
    if let Some((c, q)) = next_step(report) {
        let _ = writeln!(
            out,
            "Next: {} {} \"{}\" — read exercises/{}/README.md, check it with `cargo test -p {}`, stuck? `cargo run -p grader -- hint {} {}`",
            c.id,
            q.id,
            q.title,
            dir_hint(c),
            dir_hint(c),
            c.id,
            q.id
        );
    }
    out
}

/// The first question that is not finished, in curriculum order.
fn next_step(report: &Report) -> Option<(&ChallengeReport, &crate::QuestionReport)> {
    report
        .challenges
        .iter()
        .find_map(|c| c.questions.iter().find(|q| q.score < q.max_score).map(|q| (c, q)))
}

/// The crate folder of a challenge, e.g. `c01-identity`.
fn dir_hint(c: &ChallengeReport) -> String {
    format!("{}-{}", c.id, c.slug)
}

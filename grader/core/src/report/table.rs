//! The table a learner reads. A challenge whose checks all pass, or are all `todo`, is one line
//! (unless `verbose`); any other is a block with one line per check that did not pass (all checks
//! with `verbose`), the message indented under its check. The table ends with the score, a progress
//! bar of challenges done, and the next step: so a fresh clone fits on one screen and says where to
//! start.
//!
//! Styles are embedded as ANSI codes; print through `anstream` so they are dropped when the output
//! is not a terminal (or `NO_COLOR` is set).

use super::next::{Upcoming, next_step, render_next};
use crate::{ChallengeReport, ChallengeStatus, Report, Status};
use anstyle::{AnsiColor, Style};
use std::fmt::Write;

#[derive(Debug, Clone, Default)]
pub struct TableOptions {
    /// List passing checks of passing challenges too.
    pub verbose: bool,
    /// The challenge after those graded: the next step once they all pass.
    pub upcoming: Option<Upcoming>,
    /// For a small screen (`watch`): an unfinished challenge lists only the checks that do not
    /// pass, and only the first of them with its message.
    pub compact: bool,
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

/// The whole table, with a header, the total and the next step.
pub fn render_table(report: &Report, options: &TableOptions) -> String {
    let (body, tail) = render_table_parts(report, options);
    body + &tail
}

/// The table in two parts: the header and the challenges, then the total and the next step (which
/// a small screen keeps whole while it cuts the first part short).
pub fn render_table_parts(report: &Report, options: &TableOptions) -> (String, String) {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{BOLD}tokio-challenges {}{BOLD:#} — grading {}",
        report.version, report.target
    );
    // One-line challenges stand together; a blank line sets off every block of several lines.
    let mut previous_lines = 0;
    for challenge in &report.challenges {
        let block = render_challenge(challenge, options);
        let lines = block.lines().count();
        if previous_lines != 1 || lines != 1 {
            out.push('\n');
        }
        out.push_str(&block);
        previous_lines = lines;
    }
    let mut tail = String::from("\n");
    tail.push_str(&render_total(report));
    tail.push_str(&render_next(&next_step(report, options.upcoming.as_ref())));
    (out, tail)
}

/// One challenge's block.
pub fn render_challenge(c: &ChallengeReport, options: &TableOptions) -> String {
    let mut out = String::new();
    let heading = format!("{} {} — {}", c.id, c.slug, c.title);
    let style = challenge_style(c.status);
    let score = format!("{}/{}", c.score, c.max_score);
    let _ = if options.compact {
        // No columns to line up with: the heading fits a narrow screen.
        writeln!(
            out,
            "{BOLD}{heading}{BOLD:#}  {score}  {style}{}{style:#}  {DIM}{} ms{DIM:#}",
            c.status.as_str(),
            c.duration_ms
        )
    } else {
        writeln!(
            out,
            "{BOLD}{heading:<56}{BOLD:#} {score:>7}  {style}{:<13}{style:#} {DIM}{} ms{DIM:#}",
            c.status.as_str(),
            c.duration_ms
        )
    };
    if !options.verbose && matches!(c.status, ChallengeStatus::Pass | ChallengeStatus::Todo) {
        // The heading line says it all: `22/22 pass`, or `0/22 todo` (the next step says where).
        return out;
    }
    if c.status == ChallengeStatus::CompileError {
        // One message for the whole challenge, not one per check.
        let message = c.checks().find_map(|k| k.message.clone()).unwrap_or_default();
        indent(&mut out, &message, 4);
        return out;
    }
    let mut message_shown = false;
    for q in &c.questions {
        let _ = writeln!(
            out,
            "  {:<54} {:>7}",
            format!("{} {}", q.id, q.title),
            format!("{}/{}", q.score, q.max_score)
        );
        for k in &q.checks {
            if options.compact && k.status == Status::Pass {
                continue;
            }
            let style = status_style(k.status);
            let _ = writeln!(
                out,
                "    {style}{:<13}{style:#} {:>5}  {}",
                k.status.as_str(),
                format!("{}/{}", k.score, k.max_score),
                k.name
            );
            if let Some(message) = &k.message
                && !(options.compact && message_shown)
            {
                indent(&mut out, message, 25);
                message_shown = true;
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
    let count = |status: ChallengeStatus| report.challenges.iter().filter(|c| c.status == status).count();
    let done = count(ChallengeStatus::Pass);
    let total = report.challenges.len();
    let percent = (report.score * 100).checked_div(report.max_score).unwrap_or(100);
    let mut out = format!(
        "{BOLD}Score: {}/{} ({percent} %){BOLD:#}\n",
        report.score, report.max_score
    );
    let others: Vec<String> = [
        ChallengeStatus::Partial,
        ChallengeStatus::Fail,
        ChallengeStatus::Todo,
        ChallengeStatus::CompileError,
    ]
    .into_iter()
    .filter(|&s| count(s) > 0)
    .map(|s| format!("{} {}", count(s), s.as_str()))
    .collect();
    let others = if others.is_empty() {
        String::new()
    } else {
        format!(" ({})", others.join(", "))
    };
    let _ = writeln!(
        out,
        "{} {done} of {total} challenges done{others}",
        progress_bar(done, total, 20)
    );
    out
}

/// `[████░░░░]`: `done` of `total`, `width` cells.
fn progress_bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width).checked_div(total).unwrap_or(width);
    format!("[{}{}]", "█".repeat(filled), "░".repeat(width - filled))
}

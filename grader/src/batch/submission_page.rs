//! `reports/<name>/report.html`: one submission's report, as the terminal table shows it
//! (`grader_core::report::render_table`), for the instructor browsing a class from `class.html`
//! or a learner handed their page.
//!
//! The total, an overview of the challenges, then one section per challenge: its status, score and
//! duration, its questions and every check with status, points, time and message. A challenge that
//! does not build shows the compiler's message once, not once per check; one that passes or is not
//! started folds its checks away (they say nothing the heading does not).

use crate::batch::html::{self, bar, percent};
use grader_core::{ChallengeReport, ChallengeStatus, QuestionReport, Report, Status};
use std::fmt::Write;

/// Where the class page is, relative to this page (`reports/<name>/report.html`).
const CLASS_PAGE: &str = "../../class.html";

/// The whole page of the submission `name` (its folder name, untrusted).
pub fn render(name: &str, report: &Report) -> String {
    let mut body = String::new();
    let count = |status: ChallengeStatus| report.challenges.iter().filter(|c| c.status == status).count();
    let pct = percent(report.score, report.max_score);
    let _ = write!(
        body,
        "<p><a href=\"{CLASS_PAGE}\">← class report</a></p>\n<h1>{}</h1>\n\
         <p class=\"lead\">Graded by {} {}, from <code>{}</code>.</p>\n<div class=\"facts\">\n\
         <div class=\"fact\"><b>{}/{}</b><span>points · {pct:.1} %</span></div>\n\
         <div class=\"fact\"><b>{} / {}</b><span>challenges passed</span></div>\n</div>\n",
        html::text(name),
        html::text(&report.kit),
        html::text(&report.version),
        html::text(&report.target),
        report.score,
        report.max_score,
        count(ChallengeStatus::Pass),
        report.challenges.len(),
    );
    overview(&mut body, report);
    for challenge in &report.challenges {
        section(&mut body, challenge);
    }
    html::page(&format!("{name} — {}/{}", report.score, report.max_score), &body)
}

/// One line per challenge, linking to its section.
fn overview(out: &mut String, report: &Report) {
    out.push_str(
        "<h2>Challenges</h2>\n<table>\n<thead><tr><th>challenge</th><th>status</th><th class=\"r\">score</th>\
         <th></th><th class=\"r\">duration</th></tr></thead>\n<tbody>\n",
    );
    for c in &report.challenges {
        let _ = writeln!(
            out,
            "<tr><td><a href=\"#{}\"><span class=\"num\">{}</span> {}</a></td><td>{}</td>\
             <td class=\"r num\">{}/{}</td><td>{}</td><td class=\"r num\">{}</td></tr>",
            html::href(&c.id),
            html::text(&c.id),
            html::inline(&c.title),
            html::challenge_badge(c.status),
            c.score,
            c.max_score,
            bar(percent(c.score, c.max_score)),
            duration(c.duration_ms)
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

fn section(out: &mut String, c: &ChallengeReport) {
    let _ = writeln!(
        out,
        "<section class=\"challenge\" id=\"{}\">\n<h2>{} {} — {}{}</h2>\n\
         <p class=\"muted\">{}/{} points · {}</p>",
        html::href(&c.id),
        html::text(&c.id),
        html::text(&c.slug),
        html::inline(&c.title),
        html::challenge_badge(c.status),
        c.score,
        c.max_score,
        duration(c.duration_ms)
    );
    let checks = c.checks().count();
    match c.status {
        ChallengeStatus::CompileError => {
            // Every check carries the same compiler message: show it once.
            let message = c.checks().find_map(|k| k.message.as_deref()).unwrap_or_default();
            let _ = writeln!(
                out,
                "<p>The challenge does not build, so none of its {checks} checks could run. \
                 The first compiler error:</p>\n<pre>{}</pre>",
                html::pre(message)
            );
            questions(out, c, false);
        }
        ChallengeStatus::Todo => {
            let first = c.checks().find_map(|k| k.message.as_deref()).unwrap_or_default();
            let _ = writeln!(
                out,
                "<p>Not started: every check stopped at a <code>todo!()</code>.</p>\n<pre>{}</pre>",
                html::pre(first)
            );
            folded(out, c, &format!("its {checks} checks"));
        }
        ChallengeStatus::Pass => folded(out, c, &format!("all {checks} checks pass")),
        ChallengeStatus::Partial | ChallengeStatus::Fail => questions(out, c, true),
    }
    out.push_str("</section>\n");
}

/// The questions inside a closed `<details>`.
fn folded(out: &mut String, c: &ChallengeReport, summary: &str) {
    let _ = writeln!(out, "<details>\n<summary>Show {summary}</summary>");
    questions(out, c, true);
    out.push_str("</details>\n");
}

/// Every question with its checks; `messages` shows each check's message under its name.
fn questions(out: &mut String, c: &ChallengeReport, messages: bool) {
    for q in &c.questions {
        let _ = writeln!(
            out,
            "<h3>{} {} <span class=\"muted num\">{}/{}</span></h3>",
            html::text(&q.id),
            html::inline(&q.title),
            q.score,
            q.max_score
        );
        checks(out, q, messages);
    }
}

fn checks(out: &mut String, q: &QuestionReport, messages: bool) {
    out.push_str(
        "<table class=\"checks\">\n<thead><tr><th>status</th><th class=\"r\">points</th><th>check</th>\
         <th class=\"r\">duration</th></tr></thead>\n<tbody>\n",
    );
    for k in &q.checks {
        let message = match (&k.message, messages) {
            (Some(message), true) => format!("<pre>{}</pre>", html::pre(message)),
            _ => String::new(),
        };
        let time = if k.status == Status::CompileError {
            String::new()
        } else {
            duration(k.duration_ms)
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"r num\">{}/{}</td><td>{} <span class=\"muted\">({})</span>{message}</td>\
             <td class=\"r num\">{time}</td></tr>",
            html::badge(k.status),
            k.score,
            k.max_score,
            html::inline(&k.name),
            html::text(&k.id)
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

/// `41 ms`, `2.3 s`.
fn duration(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

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
use maud::{Markup, html};

/// Where the class page is, relative to this page (`reports/<name>/report.html`).
const CLASS_PAGE: &str = "../../class.html";

/// The whole page of the submission `name` (its folder name, untrusted).
pub fn render(name: &str, report: &Report) -> String {
    let count = |status: ChallengeStatus| report.challenges.iter().filter(|c| c.status == status).count();
    let pct = percent(report.score, report.max_score);
    let body = html! {
        p { a href=(CLASS_PAGE) { "← class report" } }
        h1 { (html::text(name)) }
        p.lead {
            "Graded by " (html::text(&report.kit)) " " (html::text(&report.version)) ", from "
            code { (html::text(&report.target)) } "."
        }
        div.facts {
            div.fact { b { (report.score) "/" (report.max_score) } span { "points · " (format!("{pct:.1}")) " %" } }
            div.fact { b { (count(ChallengeStatus::Pass)) " / " (report.challenges.len()) } span { "challenges passed" } }
        }
        (overview(report))
        @for challenge in &report.challenges { (section(challenge)) }
    };
    html::page(&format!("{name} — {}/{}", report.score, report.max_score), body)
}

/// One line per challenge, linking to its section.
fn overview(report: &Report) -> Markup {
    html! {
        h2 { "Challenges" }
        table {
            thead { tr { th { "challenge" } th { "status" } th.r { "score" } th {} th.r { "duration" } } }
            tbody {
                @for c in &report.challenges {
                    tr {
                        td { a href={ "#" (html::href(&c.id)) } { span.num { (html::text(&c.id)) } " " (html::inline(&c.title)) } }
                        td { (html::challenge_badge(c.status)) }
                        td.r.num { (c.score) "/" (c.max_score) }
                        td { (bar(percent(c.score, c.max_score))) }
                        td.r.num { (duration(c.duration_ms)) }
                    }
                }
            }
        }
    }
}

fn section(c: &ChallengeReport) -> Markup {
    let checks = c.checks().count();
    // Every check of a challenge that does not build carries the same compiler message, and every
    // check of one not started the same `todo!()`: shown once.
    let first = c.checks().find_map(|k| k.message.as_deref()).unwrap_or_default();
    html! {
        section.challenge id=(html::href(&c.id)) {
            h2 { (html::text(&c.id)) " " (html::text(&c.slug)) " — " (html::inline(&c.title)) (html::challenge_badge(c.status)) }
            p.muted { (c.score) "/" (c.max_score) " points · " (duration(c.duration_ms)) }
            @match c.status {
                ChallengeStatus::CompileError => {
                    p { "The challenge does not build, so none of its " (checks) " checks could run. The first compiler error:" }
                    pre { (html::pre(first)) }
                    (questions(c, false))
                }
                ChallengeStatus::Todo => {
                    p { "Not started: every check stopped at a " code { "todo!()" } "." }
                    pre { (html::pre(first)) }
                    (folded(c, &format!("its {checks} checks")))
                }
                ChallengeStatus::Pass => (folded(c, &format!("all {checks} checks pass"))),
                ChallengeStatus::Partial | ChallengeStatus::Fail => (questions(c, true)),
            }
        }
    }
}

/// The questions inside a closed `<details>`.
fn folded(c: &ChallengeReport, summary: &str) -> Markup {
    html! { details { summary { "Show " (summary) } (questions(c, true)) } }
}

/// Every question with its checks; `messages` shows each check's message under its name.
fn questions(c: &ChallengeReport, messages: bool) -> Markup {
    html! {
        @for q in &c.questions {
            h3 { (html::text(&q.id)) " " (html::inline(&q.title)) " " span.muted.num { (q.score) "/" (q.max_score) } }
            (checks(q, messages))
        }
    }
}

fn checks(q: &QuestionReport, messages: bool) -> Markup {
    html! {
        table.checks {
            thead { tr { th { "status" } th.r { "points" } th { "check" } th.r { "duration" } } }
            tbody {
                @for k in &q.checks {
                    tr {
                        td { (html::badge(k.status)) }
                        td.r.num { (k.score) "/" (k.max_score) }
                        td {
                            (html::inline(&k.name)) " " span.muted { "(" (html::text(&k.id)) ")" }
                            @if let (Some(message), true) = (&k.message, messages) { pre { (html::pre(message)) } }
                        }
                        td.r.num { @if k.status != Status::CompileError { (duration(k.duration_ms)) } }
                    }
                }
            }
        }
    }
}

/// `41 ms`, `2.3 s`.
fn duration(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

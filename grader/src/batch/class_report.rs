//! `class.html`: a class at a glance, for the instructor who graded it with `grader batch`.
//!
//! Top to bottom: the class's numbers (submissions, mean, median); where the class stands (a
//! histogram of totals and each challenge's mean); the item analysis, one row per check from the
//! hardest to the easiest, which is what an instructor acts on (what to re-teach, which check or
//! spec sentence may be unclear); and one row per submission, linking to its own page.
//!
//! A pure function of the plans and the reports: the caller writes the file.

pub(super) mod stats;

use crate::batch::html::{self, bar, percent};
use grader_core::{ChallengePlan, Report, Status};
use maud::{Markup, html};
use stats::{BINS, CHALLENGE_STATUSES, ClassStats, ItemStats};

/// One submission of the class, graded or not.
#[derive(Debug, Clone)]
pub struct ClassEntry<'a> {
    /// The submission's name (its folder name under DIR), e.g. `alice`.
    pub name: &'a str,
    /// Link to its page, relative to class.html, e.g. `reports/alice/report.html` (None when not
    /// graded). A path as on disk, not yet URL-encoded: the page encodes it.
    pub href: Option<String>,
    pub outcome: Outcome<'a>,
}

#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    Graded(&'a Report),
    /// Not graded: not a kit, unreadable, the grader failed… `reason` is a sentence.
    NotGraded {
        reason: &'a str,
    },
}

/// The whole page. `plans` are the challenges graded (their columns, in this order); `entries`
/// come in any order (the page sorts them by name).
pub fn render(title: &str, plans: &[ChallengePlan], entries: &[ClassEntry<'_>]) -> String {
    let stats = stats::compute(plans, entries);
    let max: u32 = plans.iter().map(ChallengePlan::max_score).sum();
    // The kit version that graded the class, for the record (every report of a batch has the same).
    let version = entries.iter().find_map(|e| match e.outcome {
        Outcome::Graded(report) => Some(format!(", with {} {}", report.kit, report.version)),
        Outcome::NotGraded { .. } => None,
    });
    let body = html! {
        (header(title, entries.len(), max, version.as_deref(), &stats))
        div.panels id="distribution" {
            section { (histogram(&stats)) }
            section { (challenge_means(&stats)) }
        }
        (item_analysis(&stats.items))
        (submissions(plans, entries))
    };
    html::page(title, body)
}

fn header(title: &str, total: usize, max: u32, version: Option<&str>, stats: &ClassStats) -> Markup {
    let mut facts: Vec<(String, String)> = Vec::new();
    match (stats.mean, stats.median) {
        (Some((mean_points, mean_pct)), Some((median_points, median_pct))) => {
            facts.push((
                format!("{mean_pct:.1} %"),
                format!("class mean: {mean_points:.1} of {max} points"),
            ));
            facts.push((
                format!("{median_pct:.1} %"),
                format!("median: {median_points:.1} of {max} points"),
            ));
        }
        _ => facts.push(("—".into(), "no submission could be graded".into())),
    }
    facts.push((format!("{} / {total}", stats.graded), "graded".into()));
    if stats.not_graded > 0 {
        facts.push((
            stats.not_graded.to_string(),
            "not graded (reasons in the last table)".into(),
        ));
    }
    html! {
        h1 { (html::text(title)) }
        p.lead {
            (plural(total, "submission")) ": " (stats.graded) " graded, " (stats.not_graded) " not graded"
            (html::text(version.unwrap_or_default())) ". Jump to "
            a href="#distribution" { "distribution" } " · " a href="#items" { "item analysis" } " · "
            a href="#submissions" { "submissions" } "."
        }
        div.facts { @for (value, label) in &facts { div.fact { b { (value) } span { (label) } } } }
    }
}

/// `1 submission`, `28 submissions`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Totals in 10 % bins, as CSS columns with their counts above: no script, no image.
fn histogram(stats: &ClassStats) -> Markup {
    let highest = stats.histogram.iter().copied().max().unwrap_or(0).max(1);
    let label = |bin: usize| {
        if bin == BINS - 1 {
            "100".to_string()
        } else {
            format!("{}–{}", bin * 10, bin * 10 + 9)
        }
    };
    html! {
        h2 { "Score distribution" }
        p.muted {
            "Totals of the " (plural(stats.graded, "submission")) " graded, in % of the maximum; the last column is full marks."
        }
        div.hist {
            @for &count in &stats.histogram {
                div.col { b { (count) } i style=(format!("height:{:.1}%", count as f64 * 100.0 / highest as f64)) {} }
            }
        }
        div."hist-labels" { @for bin in 0..BINS { span { (label(bin)) } } }
    }
}

/// Each challenge's mean score and how many ended in each status: where the class stands.
fn challenge_means(stats: &ClassStats) -> Markup {
    html! {
        h2 { "Challenges" }
        table {
            thead { tr { th { "challenge" } th { "mean score" } th { "submissions by status" } } }
            tbody {
                @for c in &stats.challenges {
                    tr {
                        td { span.num { (html::text(&c.plan.id)) } " " (html::inline(&c.plan.title)) }
                        td.num {
                            @match c.mean_percent {
                                Some(p) => { (bar(p)) span.num { (format!("{p:.0}")) " %" } }
                                None => span.muted { "not graded" },
                            }
                        }
                        td {
                            @for (i, (s, n)) in CHALLENGE_STATUSES.iter().zip(c.statuses).filter(|(_, n)| *n > 0).enumerate() {
                                @if i > 0 { " " }
                                span class={ "badge " (html::status_class(*s)) } { (n) " " (s) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn item_analysis(items: &[ItemStats]) -> Markup {
    html! {
        h2 id="items" { "Item analysis: checks from hardest to easiest" }
        p.muted {
            "A check is " em { "reached" } " by a submission when it ran that submission's code: not stopped by a "
            code { "todo!()" } " (not started) nor by a compile error (which says nothing about this check). \
            Checks are sorted by their pass rate among the submissions that reached them, so a check many tried \
            and failed comes before one few have got to; ties by overall pass rate. Checks nobody reached are last."
        }
        div.scroll { table {
            thead { tr {
                th.r { "#" } th { "check" } th { "name" } th { "passed, of reached" } th { "passed, of all" } th { "did not pass" }
            } }
            tbody {
                @for (rank, item) in items.iter().enumerate() {
                    @let passed = item.count(Status::Pass);
                    tr {
                        td.r.num { (rank + 1) }
                        td.num { (html::text(&item.challenge.id)) " " (html::text(&item.question.id)) }
                        td { (html::inline(&item.check.name)) " " span.muted { "(" (html::text(&item.check.id)) ")" } }
                        td.rate {
                            @match item.reached_rate() {
                                Some(rate) => {
                                    (bar(rate * 100.0))
                                    span.num { (passed) "/" (item.reached()) " · " (format!("{:.0}", rate * 100.0)) " %" }
                                }
                                None => span.muted { "nobody reached it" },
                            }
                        }
                        td.num { (passed) "/" (item.n()) " · " (format!("{:.0}", item.overall_rate() * 100.0)) " %" }
                        td.breakdown { (breakdown(item)) }
                    }
                }
            }
        } }
    }
}

/// `fail 5 · timeout 1`, then, greyed, what did not reach the check: `todo 12 · compile_error 2`.
fn breakdown(item: &ItemStats) -> Markup {
    let present = |statuses: &[Status]| -> Vec<Status> {
        statuses.iter().copied().filter(|&s| item.count(s) > 0).collect()
    };
    let failed = present(&[Status::Fail, Status::Panic, Status::Timeout, Status::Crash]);
    let not_reached = present(&[Status::Todo, Status::CompileError]);
    let list = |statuses: &[Status]| {
        html! { @for (i, s) in statuses.iter().enumerate() { @if i > 0 { " · " } span { (s) " " (item.count(*s)) } } }
    };
    html! {
        (list(&failed))
        @if !not_reached.is_empty() {
            @if !failed.is_empty() { br; }
            span.notrun { "not reached: " (list(&not_reached)) }
        }
    }
}

fn submissions(plans: &[ChallengePlan], entries: &[ClassEntry<'_>]) -> Markup {
    let mut sorted: Vec<&ClassEntry> = entries.iter().collect();
    sorted.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.name.cmp(b.name))
    });
    html! {
        h2 id="submissions" { "Submissions" }
        div.legend { @for status in CHALLENGE_STATUSES { (html::challenge_badge(status)) } }
        div.scroll { table {
            thead { tr {
                th { "submission" } th.r { "total" }
                @for plan in plans { th.r title=(html::text(&plan.title)) { (html::text(&plan.id)) } }
            } }
            tbody {
                @for entry in sorted {
                    @let name = html! {
                        @match (&entry.href, entry.outcome) {
                            (Some(href), Outcome::Graded(_)) => a href=(html::href(href)) { (html::text(entry.name)) },
                            _ => (html::text(entry.name)),
                        }
                    };
                    @match entry.outcome {
                        Outcome::Graded(report) => {
                            tr {
                                td { (name) }
                                td.r.num { (report.score) "/" (report.max_score) " · " (format!("{:.0}", percent(report.score, report.max_score))) " %" }
                                @for plan in plans {
                                    @match report.challenges.iter().find(|c| c.id == plan.id) {
                                        Some(c) => td class={ "cell " (html::status_class(c.status)) } title={ (html::text(&c.id)) " " (c.status) } { (c.score) "/" (c.max_score) },
                                        None => td.cell.muted title="not graded" { "—" },
                                    }
                                }
                            }
                        }
                        Outcome::NotGraded { reason } => {
                            tr { td { (name) } td.reason colspan=(plans.len() + 1) { "not graded: " (html::text(reason)) } }
                        }
                    }
                }
            }
        } }
    }
}

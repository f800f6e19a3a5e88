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
use stats::{BINS, CHALLENGE_STATUSES, ClassStats, ItemStats};
use std::fmt::Write;

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
    let mut body = String::new();
    // The kit version that graded the class, for the record (every report of a batch has the same).
    let version = entries.iter().find_map(|e| match e.outcome {
        Outcome::Graded(report) => Some(format!(", with {} {}", report.kit, report.version)),
        Outcome::NotGraded { .. } => None,
    });
    header(&mut body, title, entries.len(), max, version.as_deref(), &stats);
    let _ = write!(
        body,
        "<div class=\"panels\" id=\"distribution\">\n<section>\n{}</section>\n<section>\n{}</section>\n</div>\n",
        histogram(&stats),
        challenge_means(&stats)
    );
    item_analysis(&mut body, &stats.items);
    submissions(&mut body, plans, entries);
    html::page(title, &body)
}

fn header(out: &mut String, title: &str, total: usize, max: u32, version: Option<&str>, stats: &ClassStats) {
    let version = html::text(version.unwrap_or_default());
    let _ = write!(
        out,
        "<h1>{}</h1>\n<p class=\"lead\">{}: {} graded, {} not graded{version}. \
         Jump to <a href=\"#distribution\">distribution</a> · <a href=\"#items\">item analysis</a> · \
         <a href=\"#submissions\">submissions</a>.</p>\n<div class=\"facts\">\n",
        html::text(title),
        plural(total, "submission"),
        stats.graded,
        stats.not_graded,
    );
    let mut fact = |value: String, label: &str| {
        let _ = writeln!(
            out,
            "<div class=\"fact\"><b>{value}</b><span>{label}</span></div>"
        );
    };
    match (stats.mean, stats.median) {
        (Some((mean_points, mean_pct)), Some((median_points, median_pct))) => {
            fact(
                format!("{mean_pct:.1} %"),
                &format!("class mean: {mean_points:.1} of {max} points"),
            );
            fact(
                format!("{median_pct:.1} %"),
                &format!("median: {median_points:.1} of {max} points"),
            );
        }
        _ => fact("—".into(), "no submission could be graded"),
    }
    fact(format!("{} / {total}", stats.graded), "graded");
    if stats.not_graded > 0 {
        fact(
            stats.not_graded.to_string(),
            "not graded (reasons in the last table)",
        );
    }
    out.push_str("</div>\n");
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
fn histogram(stats: &ClassStats) -> String {
    let highest = stats.histogram.iter().copied().max().unwrap_or(0).max(1);
    let mut out = format!(
        "<h2>Score distribution</h2>\n<p class=\"muted\">Totals of the {} graded, in % of the maximum; \
         the last column is full marks.</p>\n<div class=\"hist\">",
        plural(stats.graded, "submission")
    );
    for &count in &stats.histogram {
        let height = count as f64 * 100.0 / highest as f64;
        let _ = write!(
            out,
            "<div class=\"col\"><b>{count}</b><i style=\"height:{height:.1}%\"></i></div>"
        );
    }
    out.push_str("</div>\n<div class=\"hist-labels\">");
    for bin in 0..BINS {
        let label = if bin == BINS - 1 {
            "100".to_string()
        } else {
            format!("{}–{}", bin * 10, bin * 10 + 9)
        };
        let _ = write!(out, "<span>{label}</span>");
    }
    out.push_str("</div>\n");
    out
}

/// Each challenge's mean score and how many ended in each status: where the class stands.
fn challenge_means(stats: &ClassStats) -> String {
    let mut out = String::from(
        "<h2>Challenges</h2>\n<table>\n<thead><tr><th>challenge</th><th>mean score</th>\
         <th>submissions by status</th></tr></thead>\n<tbody>\n",
    );
    for c in &stats.challenges {
        let mean = match c.mean_percent {
            Some(p) => format!("{}<span class=\"num\">{p:.0} %</span>", bar(p)),
            None => "<span class=\"muted\">not graded</span>".into(),
        };
        let statuses: Vec<String> = CHALLENGE_STATUSES
            .iter()
            .zip(c.statuses)
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| {
                format!(
                    "<span class=\"badge {}\">{n} {}</span>",
                    html::status_class(*s),
                    s
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "<tr><td><span class=\"num\">{}</span> {}</td><td class=\"num\">{mean}</td><td>{}</td></tr>",
            html::text(&c.plan.id),
            html::inline(&c.plan.title),
            statuses.join(" ")
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

fn item_analysis(out: &mut String, items: &[ItemStats]) {
    out.push_str(
        "<h2 id=\"items\">Item analysis: checks from hardest to easiest</h2>\n\
         <p class=\"muted\">A check is <em>reached</em> by a submission when it ran that submission's \
         code: not stopped by a <code>todo!()</code> (not started) nor by a compile error (which says \
         nothing about this check). Checks are sorted by their pass rate among the submissions that \
         reached them, so a check many tried and failed comes before one few have got to; ties by \
         overall pass rate. Checks nobody reached are last.</p>\n<div class=\"scroll\"><table>\n\
         <thead><tr><th class=\"r\">#</th><th>check</th><th>name</th><th>passed, of reached</th>\
         <th>passed, of all</th><th>did not pass</th></tr></thead>\n<tbody>\n",
    );
    for (rank, item) in items.iter().enumerate() {
        let passed = item.count(Status::Pass);
        let reached = match item.reached_rate() {
            Some(rate) => format!(
                "{}<span class=\"num\">{passed}/{} · {:.0} %</span>",
                bar(rate * 100.0),
                item.reached(),
                rate * 100.0
            ),
            None => "<span class=\"muted\">nobody reached it</span>".into(),
        };
        let _ = writeln!(
            out,
            "<tr><td class=\"r num\">{}</td><td class=\"num\">{} {}</td><td>{} <span class=\"muted\">({})</span></td>\
             <td class=\"rate\">{reached}</td><td class=\"num\">{passed}/{} · {:.0} %</td><td class=\"breakdown\">{}</td></tr>",
            rank + 1,
            html::text(&item.challenge.id),
            html::text(&item.question.id),
            html::inline(&item.check.name),
            html::text(&item.check.id),
            item.n(),
            item.overall_rate() * 100.0,
            breakdown(item)
        );
    }
    out.push_str("</tbody>\n</table></div>\n");
}

/// `fail 5 · timeout 1`, then, greyed, what did not reach the check: `todo 12 · compile_error 2`.
fn breakdown(item: &ItemStats) -> String {
    let list = |statuses: &[Status]| -> Vec<String> {
        statuses
            .iter()
            .filter(|&&s| item.count(s) > 0)
            .map(|&s| format!("<span>{s} {}</span>", item.count(s)))
            .collect()
    };
    let failed = list(&[Status::Fail, Status::Panic, Status::Timeout, Status::Crash]);
    let not_reached = list(&[Status::Todo, Status::CompileError]);
    let mut out = failed.join(" · ");
    if !not_reached.is_empty() {
        if !out.is_empty() {
            out.push_str("<br>");
        }
        let _ = write!(
            out,
            "<span class=\"notrun\">not reached: {}</span>",
            not_reached.join(" · ")
        );
    }
    out
}

fn submissions(out: &mut String, plans: &[ChallengePlan], entries: &[ClassEntry<'_>]) {
    let mut sorted: Vec<&ClassEntry> = entries.iter().collect();
    sorted.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.name.cmp(b.name))
    });
    out.push_str("<h2 id=\"submissions\">Submissions</h2>\n<div class=\"legend\">");
    for status in CHALLENGE_STATUSES {
        let _ = write!(out, "{}", html::challenge_badge(status));
    }
    out.push_str(
        "</div>\n<div class=\"scroll\"><table>\n<thead><tr><th>submission</th><th class=\"r\">total</th>",
    );
    for plan in plans {
        let _ = write!(
            out,
            "<th class=\"r\" title=\"{}\">{}</th>",
            html::text(&plan.title),
            html::text(&plan.id)
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for entry in sorted {
        let name = match (&entry.href, entry.outcome) {
            (Some(href), Outcome::Graded(_)) => {
                format!("<a href=\"{}\">{}</a>", html::href(href), html::text(entry.name))
            }
            _ => html::text(entry.name),
        };
        match entry.outcome {
            Outcome::Graded(report) => {
                let _ = write!(
                    out,
                    "<tr><td>{name}</td><td class=\"r num\">{}/{} · {:.0} %</td>",
                    report.score,
                    report.max_score,
                    percent(report.score, report.max_score)
                );
                for plan in plans {
                    match report.challenges.iter().find(|c| c.id == plan.id) {
                        Some(c) => {
                            let _ = write!(
                                out,
                                "<td class=\"cell {}\" title=\"{} {}\">{}/{}</td>",
                                html::status_class(c.status),
                                html::text(&c.id),
                                c.status,
                                c.score,
                                c.max_score
                            );
                        }
                        None => out.push_str("<td class=\"cell muted\" title=\"not graded\">—</td>"),
                    }
                }
                out.push_str("</tr>\n");
            }
            Outcome::NotGraded { reason } => {
                let _ = writeln!(
                    out,
                    "<tr><td>{name}</td><td class=\"reason\" colspan=\"{}\">not graded: {}</td></tr>",
                    plans.len() + 1,
                    html::text(reason)
                );
            }
        }
    }
    out.push_str("</tbody>\n</table></div>\n");
}

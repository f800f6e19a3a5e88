//! The two pages on a made-up class: a finished, a half-finished, a non-building, a not-started and
//! a not-graded submission.

mod demo;
mod fixtures;

use super::class_report::{self, ClassEntry, Outcome, stats};
use super::submission_page;
use grader_core::{Report, Status};

/// Every part of the page that is not meant to leave the folder stays in it.
fn assert_offline(page: &str) {
    for forbidden in ["http://", "https://", "<script", "src=", "@import", "url("] {
        assert!(!page.contains(forbidden), "the page contains `{forbidden}`");
    }
}

fn entries<'a>(class: &'a [(&'static str, Report)], not_graded: &'a str) -> Vec<ClassEntry<'a>> {
    let mut entries: Vec<ClassEntry> = class
        .iter()
        .map(|(name, report)| ClassEntry {
            name,
            href: Some(format!("reports/{name}/report.html")),
            outcome: Outcome::Graded(report),
        })
        .collect();
    entries.push(ClassEntry {
        name: "dropped",
        href: None,
        outcome: Outcome::NotGraded { reason: not_graded },
    });
    entries
}

#[test]
fn class_numbers_are_right() {
    let plans = fixtures::plans();
    let class = fixtures::class(&plans);
    let stats = stats::compute(&plans, &entries(&class, "not a kit"));
    assert_eq!((stats.graded, stats.not_graded), (4, 1));
    // Totals 15, 7, 5, 0 of 15.
    let (mean_points, mean_pct) = stats.mean.expect("a mean");
    let (median_points, median_pct) = stats.median.expect("a median");
    assert_eq!(mean_points, 6.75);
    assert!((mean_pct - 45.0).abs() < 1e-9, "{mean_pct}");
    assert_eq!(median_points, 6.0);
    assert!((median_pct - 40.0).abs() < 1e-9, "{median_pct}");
    // 0 % → 0–9, 33 % → 30–39, 46 % → 40–49, 100 % on its own.
    assert_eq!(stats.histogram, [1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1]);
    let means: Vec<Option<f64>> = stats.challenges.iter().map(|c| c.mean_percent).collect();
    // c01: 100, 30, 0, 0 → 32.5; c02: 100, 80, 100, 0 → 70.
    assert_eq!(means, [Some(32.5), Some(70.0)]);
}

#[test]
fn item_analysis_puts_the_hardest_reached_check_first() {
    let plans = fixtures::plans();
    let class = fixtures::class(&plans);
    let stats = stats::compute(&plans, &entries(&class, "not a kit"));
    let order: Vec<&str> = stats.items.iter().map(|i| i.check.id.as_str()).collect();
    // b: 1 of 2 reached (50 %); y: 2 of 3 (67 %); then the 100 % ones by overall rate:
    // c 1/4, a 2/4, x 3/4.
    assert_eq!(order, ["b", "y", "c", "a", "x"]);
    let b = &stats.items[0];
    assert_eq!((b.n(), b.reached(), b.count(Status::Pass)), (4, 2, 1));
    assert_eq!((b.count(Status::Todo), b.count(Status::CompileError)), (1, 1));
}

#[test]
fn checks_nobody_reached_come_last_and_absent_checks_are_left_out() {
    let plans = fixtures::plans();
    // Only c02 graded, and nobody started it.
    let fresh = fixtures::report(&plans[1..], |_, _, _| Status::Todo);
    let tried = fixtures::report(
        &plans[1..],
        |_, _, c| if c.id == "x" { Status::Fail } else { Status::Todo },
    );
    let entries = [("fresh", &fresh), ("tried", &tried)].map(|(name, report)| ClassEntry {
        name,
        href: None,
        outcome: Outcome::Graded(report),
    });
    let stats = stats::compute(&plans, &entries);
    let order: Vec<&str> = stats.items.iter().map(|i| i.check.id.as_str()).collect();
    assert_eq!(order, ["x", "y"], "c01's checks were graded for nobody");
    assert_eq!(stats.items[1].reached_rate(), None);
    let page = class_report::render("Class", &plans, &entries);
    assert!(page.contains("nobody reached it"));
    assert_eq!(stats.challenges[0].mean_percent, None);
}

#[test]
fn the_class_page_is_offline_and_shows_the_numbers() {
    let plans = fixtures::plans();
    let class = fixtures::class(&plans);
    let page = class_report::render("Networking 101 — spring", &plans, &entries(&class, "not a kit"));
    assert_offline(&page);
    assert!(
        page.contains("45.0 %") && page.contains("6.8 of 15 points"),
        "the mean"
    );
    assert!(
        page.contains("40.0 %") && page.contains("6.0 of 15 points"),
        "the median"
    );
    assert!(page.contains("4 / 5"), "graded of all");
    // The item analysis starts with `b`, and says who did not reach it.
    let items = &page[page.find("id=\"items\"").expect("an item analysis")..];
    let first_row = &items[items.find("<tbody>").expect("rows")..][..600];
    assert!(first_row.contains("(b)"), "{first_row}");
    assert!(
        first_row.contains("1/2 · 50 %") && first_row.contains("1/4 · 25 %"),
        "{first_row}"
    );
    assert!(first_row.contains("<span>fail 1</span>"), "{first_row}");
    assert!(first_row.contains("not reached: <span>todo 1</span> · <span>compile_error 1</span>"));
    // Submissions sorted by name, each graded one linking to its page.
    let rows = &page[page.find("id=\"submissions\"").expect("submissions")..];
    let at = |name: &str| {
        rows.find(&format!(">{name}<"))
            .unwrap_or_else(|| panic!("{name} listed"))
    };
    assert!(at("broken") < at("dropped") && at("dropped") < at("finished") && at("finished") < at("fresh"));
    assert!(rows.contains("<a href=\"reports/half/report.html\">half</a>"));
    assert!(rows.contains("not graded: not a kit"));
    assert!(rows.contains("class=\"cell s-compile_error\" title=\"c01 compile_error\">0/10<"));
}

#[test]
fn learner_strings_are_escaped_and_stripped() {
    let plans = fixtures::plans();
    let evil = "<script>alert(1)</script>";
    let mut report = fixtures::report(&plans, |_, _, _| Status::Fail);
    report.challenges[0].questions[0].checks[0].message = Some(format!(
        "got \u{1b}[31m{evil}\u{1b}[0m & \"quotes\" 'too'\u{7}\u{1b}]8;;x\u{7}link\u{1b}]8;;\u{7}"
    ));
    let entries = [
        ClassEntry {
            name: evil,
            href: Some(format!("reports/{evil}/report.html")),
            outcome: Outcome::Graded(&report),
        },
        ClassEntry {
            name: "a b#c\u{202e}",
            href: None,
            outcome: Outcome::NotGraded {
                reason: "cannot read <b>Cargo.toml</b>\r\n",
            },
        },
    ];
    let class = class_report::render(evil, &plans, &entries);
    let page = submission_page::render(evil, &report);
    for html in [&class, &page] {
        assert_offline(html);
        assert!(!html.contains(evil) && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(
            !html
                .chars()
                .any(|c| c == '\u{1b}' || c == '\u{7}' || c == '\r' || c == '\u{202e}')
        );
    }
    assert!(class.contains("reports/%3Cscript%3Ealert%281%29%3C/script%3E/report.html"));
    assert!(class.contains("cannot read &lt;b&gt;Cargo.toml&lt;/b&gt;"));
    // maud escapes `&`, `<`, `>` and `"`; a `'` is harmless where every attribute is in `"`.
    assert!(
        page.contains(
            "<pre>got &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; 'too'link</pre>"
        )
    );
}

#[test]
fn the_submission_page_shows_every_check_and_one_compiler_message() {
    let plans = fixtures::plans();
    let class = fixtures::class(&plans);
    for (name, report) in &class {
        let page = submission_page::render(name, report);
        assert_offline(&page);
        assert!(page.contains("href=\"../../class.html\""));
        for check in report.checks() {
            assert!(
                page.contains(&format!("({})", check.id)),
                "{name}: check {} shown",
                check.id
            );
        }
    }
    let half = submission_page::render("half", &class[1].1);
    assert!(half.contains("7/15") && half.contains("46.7 %"));
    assert!(half.contains("<span class=\"badge s-timeout\">timeout</span>"));
    assert!(half.contains("did not finish within its 10 s limit"));
    let broken = submission_page::render("broken", &class[2].1);
    assert_eq!(
        broken.matches("error[E0308]").count(),
        1,
        "the compiler's message once"
    );
    let fresh = submission_page::render("fresh", &class[3].1);
    assert!(fresh.contains("Not started") && fresh.contains("<details>"));
}

#[test]
fn an_empty_class_renders() {
    let plans = fixtures::plans();
    let page = class_report::render("Empty", &plans, &[]);
    assert!(page.contains("no submission could be graded"));
}

#[test]
fn a_realistic_class_on_the_kits_plans_renders_every_check() {
    let plans = demo::kit_plans();
    let reports = demo::reports(&plans);
    let entries = demo::entries(&reports);
    let page = class_report::render(demo::TITLE, &plans, &entries);
    assert_offline(&page);
    let checks: usize = plans.iter().map(|p| p.checks().count()).sum();
    let items = &page[page.find("id=\"items\"").expect("an item analysis")..];
    let items = &items[..items.find("</table>").expect("the end of the table")];
    assert_eq!(
        items.matches("<tr>").count(),
        checks + 1,
        "a row per check, and the heading"
    );
    for (name, report) in entries.iter().zip(&reports) {
        let page = submission_page::render(name.name, report);
        assert_offline(&page);
    }
}

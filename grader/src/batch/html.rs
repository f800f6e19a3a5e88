//! What both HTML pages share: the cleaning of untrusted text, the page skeleton with its one
//! stylesheet, status badges and bars. The pages are maud templates: whatever they insert is
//! escaped by construction, so a learner cannot inject markup or scripts into the instructor's
//! pages; what reaches a page from outside the kit (submission folder names, check messages that
//! quote learner output, panic texts, compiler errors) goes through [`text`] or [`pre`] first, which
//! drop terminal escapes and control characters, so it cannot scramble them either.
//!
//! The pages are self-contained: inline CSS, no script, no font, image or link outside the folder,
//! so they open offline, from an archive or a USB stick, and print as they look.

use grader_core::{ChallengeStatus, Status};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use std::fmt::Write;

/// One line of untrusted text, for an element or an attribute: newlines and tabs become spaces,
/// other control characters and ANSI escapes are dropped (the template escapes the rest).
pub fn text(raw: &str) -> String {
    clean(raw, false)
}

/// Like [`text`], for the kit's own one-line texts (check names, titles), whose `` `code` `` spans
/// become `<code>`; an unpaired backtick is left as it is.
pub fn inline(raw: &str) -> Markup {
    let cleaned = text(raw);
    let pieces: Vec<&str> = cleaned.split('`').collect();
    let paired = pieces.len() >= 3 && !pieces.len().is_multiple_of(2);
    html! {
        @if !paired {
            (cleaned)
        } @else {
            @for (i, piece) in pieces.iter().enumerate() {
                @if i % 2 == 1 { code { (piece) } } @else { (piece) }
            }
        }
    }
}

/// Untrusted text for a `<pre>`: like [`text`], but newlines and tabs are kept.
pub fn pre(raw: &str) -> String {
    clean(raw, true)
}

/// A relative path (`reports/alice/report.html`) as an `href`. Every byte outside the unreserved
/// URL characters and `/` is percent-encoded: a folder named `a#b` or `x y` still links to itself,
/// and a name cannot turn the link into `javascript:` or an absolute URL (`:` is encoded too).
pub fn href(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// Drops ANSI escape sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL|ST`, DCS/SOS/PM/APC strings,
/// two-byte escapes), control characters and bidirectional overrides (which could make a name read
/// backwards). With `multiline`, `\n` and `\t` are kept; otherwise they become spaces.
fn clean(raw: &str, multiline: bool) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.next() {
                // CSI: parameters and intermediates, up to a final byte in `@`..=`~`.
                Some('[') => {
                    for c in chars.by_ref() {
                        if ('@'..='~').contains(&c) {
                            break;
                        }
                    }
                }
                // OSC, DCS, SOS, PM, APC: a string up to BEL or ST (`ESC \`).
                Some(']' | 'P' | 'X' | '^' | '_') => {
                    while let Some(c) = chars.next() {
                        if c == '\u{7}' || (c == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                            break;
                        }
                    }
                }
                // Any other escape (ECMA-35): intermediates in ` `..=`/` (`ESC ( B` picks a
                // charset), then one final byte, already taken when there are no intermediates.
                Some(' '..='/') => {
                    for c in chars.by_ref() {
                        if !(' '..='/').contains(&c) {
                            break;
                        }
                    }
                }
                _ => {}
            },
            '\n' | '\t' if multiline => out.push(c),
            '\n' | '\t' => out.push(' '),
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A whole page: `title` is untrusted (cleaned here), `body` is the page's content.
pub fn page(title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (text(title)) }
                style { (PreEscaped(STYLE)) }
            }
            body { (body) }
        }
    }
    .into_string()
}

/// A check's status as a coloured label. Colours: green passed, red failed in any way that ran,
/// purple does not build, grey not started: a `todo` is not a failure, and must not look like one.
pub fn badge(status: Status) -> Markup {
    html! { span class={ "badge s-" (status.as_str()) } { (status.as_str()) } }
}

/// A challenge's status as a coloured label, in the colours of [`badge`] (`partial` amber).
pub fn challenge_badge(status: ChallengeStatus) -> Markup {
    html! { span class={ "badge s-" (status.as_str()) } { (status.as_str()) } }
}

/// The CSS class that colours a cell by challenge status.
pub fn status_class(status: ChallengeStatus) -> String {
    format!("s-{}", status.as_str())
}

/// A horizontal bar filled to `percent` (clamped to 0..=100).
pub fn bar(percent: f64) -> Markup {
    let width = format!("width:{:.1}%", percent.clamp(0.0, 100.0));
    html! { span.bar { span style=(width) {} } }
}

/// `score * 100 / max`, 100 when there is nothing to score (an empty selection is complete).
pub fn percent(score: u32, max: u32) -> f64 {
    if max == 0 {
        100.0
    } else {
        f64::from(score) * 100.0 / f64::from(max)
    }
}

/// The one stylesheet. Status colours keep their background in print (`print-color-adjust`), and
/// the widest table scrolls on a narrow screen instead of squeezing its cells.
const STYLE: &str = r#"
:root { --pass: #2e7d32; --pass-bg: #e3f2e4; --partial: #9a6700; --partial-bg: #fff3cd;
  --fail: #c62828; --fail-bg: #fde7e7; --todo: #616161; --todo-bg: #eeeeee;
  --ce: #6a1b9a; --ce-bg: #f1e4f7; --line: #d7d7d7; --muted: #666; --accent: #1f5fa8; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1d1d1d; margin: 0 auto; padding: 24px 32px 48px; max-width: 1400px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 6px; }
p.lead, .muted { color: var(--muted); }
p.lead { margin: 0 0 16px; }
a { color: var(--accent); }
code, pre, .num { font-family: ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace; }
.num { font-size: 13px; white-space: nowrap; }
pre { background: #f6f8fa; border: 1px solid var(--line); border-radius: 4px; padding: 6px 8px;
  margin: 4px 0 0; font-size: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
.facts { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0 8px; }
.fact { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 150px; }
.fact b { display: block; font-size: 22px; }
.fact span { color: var(--muted); font-size: 12px; }
.panels { display: grid; grid-template-columns: minmax(300px, 2fr) 3fr; gap: 32px; align-items: start; }
@media (max-width: 900px) { .panels { grid-template-columns: 1fr; } }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--line); }
td.r, th.r { text-align: right; }
tr { break-inside: avoid; }
.scroll { overflow-x: auto; }
.badge { display: inline-block; min-width: 56px; text-align: center; border-radius: 10px; padding: 0 8px;
  font-size: 12px; font-weight: 600; }
.s-pass { color: var(--pass); background: var(--pass-bg); }
.s-partial { color: var(--partial); background: var(--partial-bg); }
.s-fail, .s-panic, .s-timeout, .s-crash { color: var(--fail); background: var(--fail-bg); }
.s-todo { color: var(--todo); background: var(--todo-bg); }
.s-compile_error { color: var(--ce); background: var(--ce-bg); }
.bar { display: inline-block; width: 90px; height: 10px; background: #ececec; border-radius: 2px;
  vertical-align: middle; overflow: hidden; margin-right: 6px; }
.bar > span { display: block; height: 100%; background: var(--accent); }
.legend { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0; }
.hist { display: flex; align-items: flex-end; gap: 4px; height: 180px; padding-top: 18px;
  border-bottom: 1px solid #999; }
.hist .col { flex: 1; display: flex; flex-direction: column; justify-content: flex-end; align-items: center;
  height: 100%; }
.hist .col i { display: block; width: 100%; background: var(--accent); border-radius: 2px 2px 0 0; }
.hist .col b { font-size: 12px; font-weight: 600; }
.hist-labels { display: flex; gap: 4px; }
.hist-labels span { flex: 1; text-align: center; font-size: 11px; color: var(--muted); }
table.checks { table-layout: fixed; }
table.checks th:nth-child(1) { width: 110px; }
table.checks th:nth-child(2) { width: 64px; }
table.checks th:nth-child(4) { width: 80px; }
td.cell { text-align: center; white-space: nowrap; font-size: 12px; }
td.reason { color: var(--fail); font-style: italic; }
.breakdown { font-size: 12px; }
.breakdown span, td.rate { white-space: nowrap; }
td code, h2 code, h3 code { font-size: 12px; background: #f2f2f2; border-radius: 3px; padding: 0 3px; }
.breakdown .notrun { color: var(--todo); }
details > summary { cursor: pointer; color: var(--muted); margin: 4px 0; }
.challenge { break-inside: avoid-page; }
.challenge h2 .badge { margin-left: 8px; vertical-align: middle; }
@media print { body { padding: 0; max-width: none; font-size: 12px; } a { color: inherit; }
  .scroll { overflow: visible; } h2 { break-after: avoid; }
  th, td { padding: 2px 4px; } td.cell, .num, .breakdown { font-size: 10px; } .bar { width: 48px; } }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_and_controls_are_dropped() {
        assert_eq!(text("\u{1b}[1;31mred\u{1b}[0m\ttab\nline\r"), "red tab line");
        assert_eq!(
            pre("a\u{1b}]8;;file\u{1b}\\b\u{1b}]8;;\u{7}\n\tc\u{0}"),
            "ab\n\tc"
        );
        assert_eq!(text("\u{1b}(Bplain\u{202e}txt"), "plaintxt");
    }

    #[test]
    fn backtick_spans_become_code_and_everything_is_escaped() {
        assert_eq!(
            inline("reads `<a>` & more").into_string(),
            "reads <code>&lt;a&gt;</code> &amp; more"
        );
        assert_eq!(inline("one ` alone <b>").into_string(), "one ` alone &lt;b&gt;");
        let page = page("<t>", html! { p { (text("x\u{1b}[1m\"y\"")) } });
        assert!(
            page.contains("<title>&lt;t&gt;</title>") && page.contains("<p>x&quot;y&quot;</p>"),
            "{page}"
        );
    }

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(
            href("reports/zoë o'b#1/report.html"),
            "reports/zo%C3%AB%20o%27b%231/report.html"
        );
        assert_eq!(href("javascript:alert(1)"), "javascript%3Aalert%281%29");
    }
}

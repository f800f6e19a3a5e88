//! `grader dev sync`: writes every fact derived from the plans, as rustlings' `dev update` does,
//! so that an author changes a plan and runs one command instead of editing numbers by hand:
//!
//! - each challenge README's `The checks (N points)` and `Q1 (N points)`;
//! - the root README's challenges table, the points of each row;
//! - each stub's record as shipped (`grader/checks/<dir>/shipped-stub.txt`, see [`crate::stubs`]);
//! - the GitHub Classroom workflow (`classroom/github/classroom.yml`);
//! - from the dependency graph rather than the plans (see [`super::features`]): the workspace
//!   hack's features (`grader/workspace-hack/Cargo.toml`), and the dependencies the root
//!   `Cargo.toml` leaves unoptimised.
//!
//! `dev check` finds the same facts out of date and says to run it. A file is written only when
//! its content changes.

use crate::stubs;
use anyhow::{Context, Result};
use grader_core::ChallengePlan;
use std::path::{Path, PathBuf};

/// Brings every derived fact up to date; returns the files it rewrote.
pub fn sync(kit: &Path, plans: &[ChallengePlan]) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for plan in plans {
        let readme = kit.join("exercises").join(&plan.dir).join("README.md");
        if let Ok(text) = std::fs::read_to_string(&readme) {
            let mut text = set_points(&text, "The checks", plan.max_score());
            for q in &plan.questions {
                let points = q.checks.iter().map(|c| c.points).sum();
                text = set_points(&text, &q.id.to_ascii_uppercase(), points);
            }
            write_if_changed(&readme, &text, &mut written)?;
        }
        let record = stubs::record_path(kit, plan);
        let digests = stubs::digests(&kit.join("exercises").join(&plan.dir))?;
        write_if_changed(&record, &stubs::render_record(plan, &digests), &mut written)?;
    }
    let root = kit.join("README.md");
    if let Ok(text) = std::fs::read_to_string(&root) {
        write_if_changed(&root, &set_table_points(&text, plans), &mut written)?;
    }
    let workflow = crate::package::github::default_output(kit);
    write_if_changed(&workflow, &crate::package::github::workflow(plans), &mut written)?;
    if kit.join(super::features::MANIFEST).is_file() {
        written.extend(super::features::sync(kit)?);
    }
    Ok(written)
}

fn write_if_changed(path: &Path, text: &str, written: &mut Vec<PathBuf>) -> Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    written.push(path.to_path_buf());
    Ok(())
}

/// Every `<label> (N points)` in `text` (the label's words and the parenthesis may be apart by any
/// whitespace, a line break too) says `points`.
pub fn set_points(text: &str, label: &str, points: u32) -> String {
    let words: Vec<&str> = label.split_whitespace().collect();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(words[0]) {
        let (before, from) = rest.split_at(start);
        out.push_str(before);
        match number_span(from, &words) {
            Some((digits_at, digits_len)) => {
                out.push_str(&from[..digits_at]);
                out.push_str(&points.to_string());
                rest = &from[digits_at + digits_len..];
            }
            None => {
                out.push_str(&from[..words[0].len()]);
                rest = &from[words[0].len()..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Where the number of `<words…> (N points)` is in `from` (which starts with the first word), as
/// (offset, length); `None` when `from` does not go on that way.
fn number_span(from: &str, words: &[&str]) -> Option<(usize, usize)> {
    let mut at = 0;
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            let skipped = from[at..].len() - from[at..].trim_start().len();
            if skipped == 0 {
                return None;
            }
            at += skipped;
        }
        at += from[at..].strip_prefix(word).map(|_| word.len())?;
    }
    // A word, not the start of a longer one: `Q1` is not `Q10`.
    at += from[at..].len() - from[at..].trim_start().len();
    at += from[at..].strip_prefix('(').map(|_| 1)?;
    let digits = from[at..].bytes().take_while(u8::is_ascii_digit).count();
    let after = &from[at + digits..];
    let tail = after.trim_start();
    (digits > 0 && after.len() > tail.len() && tail.starts_with("points)")).then_some((at, digits))
}

/// The root README's table rows (`| [c04 heartbeat](exercises/c04-heartbeat/README.md) | … | 12 |`)
/// end with their plan's total.
fn set_table_points(text: &str, plans: &[ChallengePlan]) -> String {
    let mut out: String = text
        .lines()
        .map(|line| {
            let plan = plans.iter().find(|p| {
                line.starts_with('|') && line.contains(&format!("(exercises/{}/README.md)", p.dir))
            });
            match (
                plan,
                line.trim_end().strip_suffix('|').and_then(|l| l.rsplit_once('|')),
            ) {
                (Some(plan), Some((cells, _))) => format!("{cells}| {} |\n", plan.max_score()),
                _ => format!("{line}\n"),
            }
        })
        .collect();
    if !text.ends_with('\n') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_lines_are_rewritten_across_line_breaks_and_only_for_their_label() {
        let text = "The checks (20 points) are these.\n**Q1 (5 points).** Serve.\nThe\nchecks\n(19 points).\nQ10 (3 points), Q1(4 points), Q1 (many points)";
        let synced = set_points(&set_points(text, "The checks", 26), "Q1", 16);
        assert_eq!(
            synced,
            "The checks (26 points) are these.\n**Q1 (16 points).** Serve.\nThe\nchecks\n(26 points).\nQ10 (3 points), Q1(16 points), Q1 (many points)"
        );
    }

    #[test]
    fn table_rows_end_with_their_total() {
        let plan = crate::learner::test_plan("c04", "heartbeat");
        let text = "| Challenge | Concept | Points |\n| --- | --- | --- |\n| [c04 heartbeat](exercises/c04-heartbeat/README.md) | `LoopingCall` | 12 |\n";
        assert_eq!(
            set_table_points(text, &[plan]),
            "| Challenge | Concept | Points |\n| --- | --- | --- |\n| [c04 heartbeat](exercises/c04-heartbeat/README.md) | `LoopingCall` | 1 |\n"
        );
    }
}

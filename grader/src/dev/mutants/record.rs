//! `--record`: a challenge's row of docs/MUTANTS.md.

use super::tally::Tally;
use anyhow::{Context, Result};
use grader_core::ChallengePlan;
use std::collections::BTreeMap;
use std::path::Path;

/// The file of recorded counts.
const RECORD: &str = "docs/MUTANTS.md";

/// Rewrites `plan`'s row of the table in docs/MUTANTS.md.
pub fn record(kit: &Path, plan: &ChallengePlan, tally: &Tally) -> Result<()> {
    let path = kit.join(RECORD);
    let text = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
    let row = format!(
        "| {} | {} | {} | {} | {} | {} | {} s |",
        plan.id,
        tally.tried,
        tally.caught,
        tally.timeouts,
        tally.explained.len(),
        tally.unexplained.len(),
        tally.seconds
    );
    let out = with_row(&text, &plan.id, &row);
    std::fs::write(&path, out).with_context(|| format!("{}", path.display()))
}

/// `text` (docs/MUTANTS.md) with the table row of challenge `id` replaced by `row`, or added so that
/// the rows stay in challenge order.
fn with_row(text: &str, id: &str, row: &str) -> String {
    let is_row = |line: &str| line.starts_with("| c") && line.as_bytes().get(5) == Some(&b' ');
    let mut rows: BTreeMap<String, String> = text
        .lines()
        .filter(|line| is_row(line))
        .map(|line| (line[2..5].to_string(), line.to_string()))
        .collect();
    rows.insert(id.to_string(), row.to_string());
    let mut out = String::new();
    let mut written = false;
    for line in text.lines() {
        if !is_row(line) {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        if !written {
            for row in rows.values() {
                out.push_str(row);
                out.push('\n');
            }
            written = true;
        }
    }
    if !written {
        for row in rows.values() {
            out.push_str(row);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_row_replaces_its_challenge_s_row_in_order() {
        let head = "# T\n\n| id | n |\n| --- | --- |\n";
        let once = with_row(head, "c04", "| c04 | 1 |");
        assert_eq!(once, format!("{head}| c04 | 1 |\n"));
        let twice = with_row(&once, "c01", "| c01 | 2 |");
        assert_eq!(twice, format!("{head}| c01 | 2 |\n| c04 | 1 |\n"));
        let again = with_row(&format!("{twice}\nafter\n"), "c04", "| c04 | 3 |");
        assert_eq!(again, format!("{head}| c01 | 2 |\n| c04 | 3 |\n\nafter\n"));
    }
}

//! cargo-mutants' outcomes sorted into caught, explained and unexplained.

use super::Config;
use anyhow::{Context, Result, anyhow};
use serde::Deserialize;

/// A mutant's name without its `:line:col` and the workspace's `challenge/` folder:
/// `src/lib.rs: replace == with != in parse`.
pub fn stable_name(name: &str) -> String {
    let name = name.strip_prefix("challenge/").unwrap_or(name);
    let Some((file, rest)) = name.split_once(':') else {
        return name.to_string();
    };
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || c == ':');
    format!("{file}:{rest}")
}

/// What one run found.
#[derive(Debug, Default)]
pub struct Tally {
    pub tried: usize,
    pub caught: usize,
    pub timeouts: usize,
    pub unviable: usize,
    /// Missed mutants with an explanation, and without (their full names).
    pub explained: Vec<String>,
    pub unexplained: Vec<String>,
    pub seconds: u64,
}

#[derive(Deserialize)]
struct Outcomes {
    outcomes: Vec<OutcomeRow>,
}

#[derive(Deserialize)]
struct OutcomeRow {
    scenario: serde_json::Value,
    summary: String,
}

/// Sorts cargo-mutants' outcomes against the explained survivors.
pub fn tally(outcomes_json: &str, config: &Config) -> Result<Tally> {
    let outcomes: Outcomes = serde_json::from_str(outcomes_json).context("cargo-mutants' outcomes.json")?;
    let mut tally = Tally::default();
    for row in outcomes.outcomes {
        let Some(mutant) = row.scenario.get("Mutant") else {
            if row.summary != "Success" {
                return Err(anyhow!(
                    "the checks do not pass on the unmutated solution ({}): fix that first",
                    row.summary
                ));
            }
            continue;
        };
        let name = mutant
            .get("name")
            .and_then(|n| n.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| mutant.to_string());
        match row.summary.as_str() {
            "Unviable" => tally.unviable += 1,
            "CaughtMutant" => {
                tally.tried += 1;
                tally.caught += 1;
            }
            "Timeout" => {
                tally.tried += 1;
                tally.caught += 1;
                tally.timeouts += 1;
            }
            _ => {
                tally.tried += 1;
                let key = stable_name(&name);
                if config.survivors.iter().any(|s| s.mutant == key) {
                    tally.explained.push(name);
                } else {
                    tally.unexplained.push(name);
                }
            }
        }
    }
    Ok(tally)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mutant_is_known_by_its_name_without_line_and_column() {
        assert_eq!(
            stable_name("challenge/src/lib.rs:34:27: replace * with + in heartbeat"),
            "src/lib.rs: replace * with + in heartbeat"
        );
        assert_eq!(stable_name("no position"), "no position");
    }

    #[test]
    fn outcomes_are_sorted_into_caught_explained_and_unexplained() {
        let json = r#"{"outcomes": [
            {"scenario": "Baseline", "summary": "Success"},
            {"scenario": {"Mutant": {"name": "src/lib.rs:1:1: replace a with b in f"}}, "summary": "CaughtMutant"},
            {"scenario": {"Mutant": {"name": "src/lib.rs:2:1: replace c with d in f"}}, "summary": "MissedMutant"},
            {"scenario": {"Mutant": {"name": "src/lib.rs:3:1: replace e with f in g"}}, "summary": "MissedMutant"},
            {"scenario": {"Mutant": {"name": "src/lib.rs:4:1: replace g with h in g"}}, "summary": "Timeout"},
            {"scenario": {"Mutant": {"name": "src/lib.rs:5:1: replace i with j in g"}}, "summary": "Unviable"}
        ]}"#;
        let config: Config = toml::from_str(
            "[[survivor]]\nmutant = \"src/lib.rs: replace c with d in f\"\nwhy = \"equivalent: …\"\n",
        )
        .unwrap();
        let tally = tally(json, &config).unwrap();
        assert_eq!(
            (tally.tried, tally.caught, tally.timeouts, tally.unviable),
            (4, 2, 1, 1)
        );
        assert_eq!(tally.explained, ["src/lib.rs:2:1: replace c with d in f"]);
        assert_eq!(tally.unexplained, ["src/lib.rs:3:1: replace e with f in g"]);
    }

    #[test]
    fn a_failing_baseline_is_an_error() {
        let json = r#"{"outcomes": [{"scenario": "Baseline", "summary": "Failure"}]}"#;
        assert!(
            tally(json, &Config::default())
                .unwrap_err()
                .to_string()
                .contains("unmutated")
        );
    }
}

//! The check plan of a challenge: its questions, checks, points, time limits and hints.
//!
//! Each challenge keeps its plan in `grader/checks/<dir>/challenge.toml`. The grader reads it to know
//! every check's name and points without building learner code (so a challenge that does not compile
//! still shows its full maximum score), and the check runner reads the same file to know what to run.

use anyhow::{Context, Result, anyhow};
use serde::Deserialize;
use std::path::Path;

/// The default time limit of one check, in milliseconds of real time.
pub const DEFAULT_LIMIT_MS: u64 = 10_000;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChallengePlan {
    /// `c01`
    pub id: String,
    /// `identity`
    pub slug: String,
    /// `Identity Server and Client`
    pub title: String,
    /// The crate's folder under `exercises/` and `solutions/`, e.g. `c01-identity`.
    pub dir: String,
    pub questions: Vec<QuestionPlan>,
    /// The spec → check table: each sentence of the challenge's spec and the checks that fail when
    /// it is violated. `grader dev check` holds it to the plan and to the wrong answers.
    #[serde(default)]
    pub spec: Vec<SpecRow>,
    /// What `grader bench` measures for a server challenge, and the bench question an instructor
    /// may grade. `None`: not a server challenge, nothing to bench.
    #[serde(default)]
    pub bench: Option<BenchPlan>,
}

/// A server challenge's bench question: `grader bench` scores it (never the grade's table, whose
/// points it does not change). The kit ships every one with 0 points: performance is feedback
/// here, and an instructor who wants it graded raises the points in their copy.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenchPlan {
    /// The points for staying within the bound (0: reported, not graded).
    #[serde(default)]
    pub points: u32,
    /// The figure that is bounded.
    pub metric: BenchMetric,
    /// The bound, as a ratio to the reference's figure (the median over the runs): `2.0` passes
    /// a server that costs at most twice what the reference costs.
    pub max_ratio: f64,
}

/// The figures `grader bench` takes of a server. Costs: lower is better for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BenchMetric {
    /// Server CPU time per op.
    CpuPerOp,
    /// The 99th percentile of op latency.
    LatencyP99,
    /// Resident memory per idle connection held.
    MemoryPerIdle,
}

/// One sentence of a challenge's spec (CURRICULUM.md, the stub's doc comments or the README) and
/// what guards it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecRow {
    /// The question the sentence belongs to.
    pub question: String,
    /// The sentence, as the learner reads it (shortened where it is long).
    pub says: String,
    /// The checks that fail when the sentence is violated: at least one, all of `question`.
    pub checks: Vec<String>,
    /// Wrong answers (`tests/wrong/<dir>/<case>.toml`) that violate the sentence, where a check
    /// catching it is not obvious.
    #[serde(default)]
    pub wrong: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionPlan {
    /// `q1`
    pub id: String,
    pub title: String,
    /// Shown one at a time by `grader hint`: the first a nudge, the last nearly the answer.
    pub hints: Vec<String>,
    pub checks: Vec<CheckPlan>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckPlan {
    /// A stable key that binds the plan to the check's code, e.g. `exact-reply`.
    pub id: String,
    /// What a learner reads, e.g. `replies with the client's identity`.
    pub name: String,
    pub points: u32,
    /// Real-time limit for the whole check, after which it is `timeout`.
    #[serde(default = "default_limit")]
    pub limit_ms: u64,
}

fn default_limit() -> u64 {
    DEFAULT_LIMIT_MS
}

impl ChallengePlan {
    pub fn from_toml(text: &str) -> Result<Self> {
        let plan: ChallengePlan = toml::from_str(text)?;
        plan.validate()?;
        Ok(plan)
    }

    fn validate(&self) -> Result<()> {
        let mut seen = std::collections::HashSet::new();
        for (_, check) in self.checks() {
            if !seen.insert(check.id.as_str()) {
                return Err(anyhow!("{}: check id `{}` appears twice", self.id, check.id));
            }
            if check.points == 0 {
                return Err(anyhow!("{}: check `{}` has no points", self.id, check.id));
            }
        }
        if let Some(bench) = &self.bench
            && !(bench.max_ratio.is_finite() && bench.max_ratio >= 1.0)
        {
            return Err(anyhow!(
                "{}: the bench bound `max_ratio` must be at least 1 (the reference's own cost)",
                self.id
            ));
        }
        for q in &self.questions {
            if q.hints.is_empty() {
                return Err(anyhow!("{} {}: no hints", self.id, q.id));
            }
        }
        Ok(())
    }

    /// Every check in plan order, with its question. The index in this order is the check's number.
    pub fn checks(&self) -> impl Iterator<Item = (&QuestionPlan, &CheckPlan)> {
        self.questions
            .iter()
            .flat_map(|q| q.checks.iter().map(move |c| (q, c)))
    }

    pub fn max_score(&self) -> u32 {
        self.checks().map(|(_, c)| c.points).sum()
    }

    pub fn question(&self, id: &str) -> Option<&QuestionPlan> {
        self.questions.iter().find(|q| q.id.eq_ignore_ascii_case(id))
    }
}

/// Every challenge's plan, in curriculum order (by folder name: `c01-…`, `c02-…`): each challenge
/// keeps its plan in `<kit>/grader/checks/<dir>/challenge.toml`, so adding a challenge is adding its
/// checks folder. An error names the file.
pub fn discover(kit: &Path) -> Result<Vec<ChallengePlan>> {
    let checks = kit.join("grader").join("checks");
    let entries = std::fs::read_dir(&checks).with_context(|| format!("cannot read {}", checks.display()))?;
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path().join("challenge.toml")))
        .filter(|file| file.is_file())
        .collect();
    files.sort();
    files
        .iter()
        .map(|file| {
            let text =
                std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
            ChallengePlan::from_toml(&text).with_context(|| format!("{}", file.display()))
        })
        .collect()
}

/// Finds a challenge by id (`c04`, `C04`, `4`), slug (`heartbeat`) or folder (`c04-heartbeat`).
pub fn find<'a>(plans: &'a [ChallengePlan], name: &str) -> Option<&'a ChallengePlan> {
    let name = name.trim().to_ascii_lowercase();
    let as_id = name.parse::<u32>().ok().map(|n| format!("c{n:02}"));
    plans
        .iter()
        .find(|p| p.id == name || p.slug == name || p.dir == name || as_id.as_deref() == Some(&p.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kit_plans() -> Vec<ChallengePlan> {
        let kit = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        discover(&kit).unwrap()
    }

    #[test]
    fn every_plan_parses_and_sits_in_its_own_folder() {
        let plans = kit_plans();
        assert!(plans.iter().any(|p| p.id == "c04"));
        for plan in &plans {
            assert_eq!(plan.dir, format!("{}-{}", plan.id, plan.slug));
        }
        let ids: Vec<&str> = plans.iter().map(|p| p.id.as_str()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
    }

    #[test]
    fn challenges_are_found_by_id_slug_or_number() {
        let plans = kit_plans();
        assert_eq!(find(&plans, "C04").unwrap().id, "c04");
        assert_eq!(find(&plans, "heartbeat").unwrap().id, "c04");
        assert_eq!(find(&plans, "4").unwrap().id, "c04");
        assert_eq!(find(&plans, "c04-heartbeat").unwrap().id, "c04");
        assert!(find(&plans, "c99").is_none());
    }
}

//! The check plan of a challenge: its questions, checks, points, time limits and hints.
//!
//! Each challenge keeps its plan in `grader/checks/<dir>/challenge.toml`. The grader reads it to know
//! every check's name and points without building learner code (so a challenge that does not compile
//! still shows its full maximum score), and the check runner reads the same file to know what to run.

use serde::Deserialize;

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
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let plan: ChallengePlan = toml::from_str(text).map_err(|e| e.to_string())?;
        plan.validate()?;
        Ok(plan)
    }

    fn validate(&self) -> Result<(), String> {
        let mut seen = std::collections::HashSet::new();
        for (_, check) in self.checks() {
            if !seen.insert(check.id.as_str()) {
                return Err(format!("{}: check id `{}` appears twice", self.id, check.id));
            }
            if check.points == 0 {
                return Err(format!("{}: check `{}` has no points", self.id, check.id));
            }
        }
        for q in &self.questions {
            if q.hints.is_empty() {
                return Err(format!("{} {}: no hints", self.id, q.id));
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

//! The numbers of the class page, computed apart from their HTML so they can be tested as numbers.
//!
//! Only graded submissions count. A challenge, question or check is matched across reports by its
//! ids (`c12`, `q2`, `ack-order`), never by position, so reports graded with different selections
//! (`--only`) still add up; a report without a challenge is simply not counted for it.

use super::{ClassEntry, Outcome};
use crate::batch::html::percent;
use grader_core::{ChallengePlan, ChallengeReport, ChallengeStatus, CheckPlan, QuestionPlan, Report, Status};

/// The histogram's bins: 0–9 %, 10–19 %, …, 90–99 %, and 100 % on its own (full marks).
pub const BINS: usize = 11;

/// The class as numbers.
#[derive(Debug)]
pub struct ClassStats<'p> {
    pub graded: usize,
    pub not_graded: usize,
    /// Mean and median total, in points and in % of each report's own maximum; `None` when nothing
    /// was graded.
    pub mean: Option<(f64, f64)>,
    pub median: Option<(f64, f64)>,
    /// How many graded submissions fall in each bin of [`BINS`].
    pub histogram: [usize; BINS],
    /// One per plan, in curriculum order.
    pub challenges: Vec<ChallengeStats<'p>>,
    /// One per check that at least one graded report has, hardest first (see [`ItemStats::hardest_first`]).
    pub items: Vec<ItemStats<'p>>,
}

/// How the class did on one challenge.
#[derive(Debug)]
pub struct ChallengeStats<'p> {
    pub plan: &'p ChallengePlan,
    /// The mean score, in % of the challenge's maximum, of the graded reports that have this
    /// challenge; `None` when none has it.
    pub mean_percent: Option<f64>,
    /// How many ended in each challenge status, in the order of [`CHALLENGE_STATUSES`].
    pub statuses: [usize; 5],
}

/// The challenge statuses, in the order the page lists them.
pub const CHALLENGE_STATUSES: [ChallengeStatus; 5] = [
    ChallengeStatus::Pass,
    ChallengeStatus::Partial,
    ChallengeStatus::Fail,
    ChallengeStatus::CompileError,
    ChallengeStatus::Todo,
];

/// How the class did on one check.
#[derive(Debug)]
pub struct ItemStats<'p> {
    pub challenge: &'p ChallengePlan,
    pub question: &'p QuestionPlan,
    pub check: &'p CheckPlan,
    /// How many graded reports ended this check in each status, in the order of `Status::ALL`.
    pub counts: [usize; Status::ALL.len()],
}

impl ItemStats<'_> {
    pub fn count(&self, status: Status) -> usize {
        self.counts[status_index(status)]
    }

    /// Graded reports that have this check.
    pub fn n(&self) -> usize {
        self.counts.iter().sum()
    }

    /// Reports whose code this check actually ran: neither a `todo!()` (not started) nor a
    /// challenge that does not build (it says nothing about this check). A check 20 learners failed
    /// after trying is a teaching signal; a check 20 learners never reached is not.
    pub fn reached(&self) -> usize {
        self.n() - self.count(Status::Todo) - self.count(Status::CompileError)
    }

    /// Pass rate among the reports that reached the check; `None` when none did.
    pub fn reached_rate(&self) -> Option<f64> {
        let reached = self.reached();
        (reached > 0).then(|| self.count(Status::Pass) as f64 / reached as f64)
    }

    /// Pass rate among all graded reports that have the check.
    pub fn overall_rate(&self) -> f64 {
        self.count(Status::Pass) as f64 / self.n().max(1) as f64
    }

    /// The order of the item analysis: lowest pass rate among those who reached the check first;
    /// ties by lowest overall pass rate, then by more evidence (more reached) first. Checks nobody
    /// reached come last: they measure progress, not difficulty. The sort is stable, so what is
    /// still equal stays in curriculum order.
    fn hardest_first(&self, other: &Self) -> std::cmp::Ordering {
        let rate = |item: &Self| item.reached_rate().unwrap_or(f64::INFINITY);
        rate(self)
            .total_cmp(&rate(other))
            .then(self.overall_rate().total_cmp(&other.overall_rate()))
            .then(other.reached().cmp(&self.reached()))
    }
}

pub fn status_index(status: Status) -> usize {
    Status::ALL.iter().position(|&s| s == status).unwrap_or(0)
}

/// A report's total in whole percent, rounded down: 100 only for full marks, so the top bin holds
/// exactly the submissions that got everything.
fn whole_percent(report: &Report) -> u64 {
    (u64::from(report.score) * 100)
        .checked_div(u64::from(report.max_score))
        .unwrap_or(100)
}

/// The histogram bin of a report.
pub fn bin(report: &Report) -> usize {
    (whole_percent(report) / 10).min(BINS as u64 - 1) as usize
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[mid]),
        _ => Some((sorted[mid - 1] + sorted[mid]) / 2.0),
    }
}

fn find_challenge<'r>(report: &'r Report, id: &str) -> Option<&'r ChallengeReport> {
    report.challenges.iter().find(|c| c.id == id)
}

pub fn compute<'p>(plans: &'p [ChallengePlan], entries: &[ClassEntry<'_>]) -> ClassStats<'p> {
    let reports: Vec<&Report> = entries
        .iter()
        .filter_map(|e| match e.outcome {
            Outcome::Graded(report) => Some(report),
            Outcome::NotGraded { .. } => None,
        })
        .collect();
    let points: Vec<f64> = reports.iter().map(|r| f64::from(r.score)).collect();
    let percents: Vec<f64> = reports.iter().map(|r| percent(r.score, r.max_score)).collect();
    let mut histogram = [0; BINS];
    for report in &reports {
        histogram[bin(report)] += 1;
    }
    let challenges = plans.iter().map(|plan| challenge_stats(plan, &reports)).collect();
    let mut items: Vec<ItemStats> = plans
        .iter()
        .flat_map(|plan| plan.checks().map(move |(q, c)| (plan, q, c)))
        .map(|(challenge, question, check)| {
            let mut counts = [0; Status::ALL.len()];
            for report in &reports {
                let status = find_challenge(report, &challenge.id)
                    .and_then(|c| c.questions.iter().find(|q| q.id == question.id))
                    .and_then(|q| q.checks.iter().find(|k| k.id == check.id))
                    .map(|k| k.status);
                if let Some(status) = status {
                    counts[status_index(status)] += 1;
                }
            }
            ItemStats {
                challenge,
                question,
                check,
                counts,
            }
        })
        .filter(|item| item.n() > 0)
        .collect();
    items.sort_by(ItemStats::hardest_first);
    ClassStats {
        graded: reports.len(),
        not_graded: entries.len() - reports.len(),
        mean: mean(&points).zip(mean(&percents)),
        median: median(&points).zip(median(&percents)),
        histogram,
        challenges,
        items,
    }
}

fn challenge_stats<'p>(plan: &'p ChallengePlan, reports: &[&Report]) -> ChallengeStats<'p> {
    let found: Vec<&ChallengeReport> = reports
        .iter()
        .filter_map(|r| find_challenge(r, &plan.id))
        .collect();
    let mut statuses = [0; 5];
    for c in &found {
        if let Some(i) = CHALLENGE_STATUSES.iter().position(|&s| s == c.status) {
            statuses[i] += 1;
        }
    }
    let percents: Vec<f64> = found.iter().map(|c| percent(c.score, c.max_score)).collect();
    ChallengeStats {
        plan,
        mean_percent: mean(&percents),
        statuses,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_median_of_odd_even_and_empty_sets() {
        assert_eq!(mean(&[]), None);
        assert_eq!(median(&[]), None);
        assert_eq!(mean(&[1.0, 2.0, 6.0]), Some(3.0));
        assert_eq!(median(&[6.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 10.0]), Some(3.5));
    }
}

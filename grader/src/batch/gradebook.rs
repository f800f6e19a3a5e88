//! `gradebook.csv`: one row per submission, with its total, each challenge's score and each
//! question's, in the order of the plans (so that two batches of one kit have the same columns).

use anyhow::{Result, anyhow};
use grader_core::{ChallengePlan, Report};
use std::path::Path;

/// One submission's line of the gradebook.
pub struct Row<'a> {
    pub name: &'a str,
    /// `None`: not graded, for `reason`.
    pub report: Option<&'a Report>,
    pub reason: Option<&'a str>,
}

/// Writes the whole gradebook (as every report: a reader never sees half of it).
pub fn write(path: &Path, plans: &[&ChallengePlan], rows: &[Row<'_>]) -> Result<()> {
    let error = |e: &dyn std::fmt::Display| anyhow!("cannot write {}: {e}", path.display());
    let mut csv = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = ["submission", "status", "score", "max_score", "percent"]
        .map(String::from)
        .to_vec();
    header.extend(plans.iter().map(|p| p.id.clone()));
    for plan in plans {
        header.extend(plan.questions.iter().map(|q| format!("{}.{}", plan.id, q.id)));
    }
    header.push("reason".into());
    csv.write_record(&header).map_err(|e| error(&e))?;
    for row in rows {
        csv.write_record(record(plans, row)).map_err(|e| error(&e))?;
    }
    let bytes = csv.into_inner().map_err(|e| error(&e))?;
    grader_core::report::write_report(path, &String::from_utf8_lossy(&bytes))
}

fn record(plans: &[&ChallengePlan], row: &Row<'_>) -> Vec<String> {
    let questions: usize = plans.iter().map(|p| p.questions.len()).sum();
    let mut cells = vec![row.name.to_string()];
    let Some(report) = row.report else {
        cells.push("not_graded".into());
        cells.extend(std::iter::repeat_n(String::new(), 3 + plans.len() + questions));
        cells.push(row.reason.unwrap_or_default().to_string());
        return cells;
    };
    let percent = if report.max_score == 0 {
        0.0
    } else {
        100.0 * f64::from(report.score) / f64::from(report.max_score)
    };
    cells.extend([
        "graded".into(),
        report.score.to_string(),
        report.max_score.to_string(),
        format!("{percent:.1}"),
    ]);
    let challenge = |id: &str| report.challenges.iter().find(|c| c.id == id);
    for plan in plans {
        cells.push(challenge(&plan.id).map_or_else(String::new, |c| c.score.to_string()));
    }
    for plan in plans {
        for q in &plan.questions {
            let score = challenge(&plan.id)
                .and_then(|c| c.questions.iter().find(|r| r.id == q.id))
                .map_or_else(String::new, |r| r.score.to_string());
            cells.push(score);
        }
    }
    cells.push(row.reason.unwrap_or_default().to_string());
    cells
}

//! `grader hint c04 [q1]`: hints one at a time. Each call shows the hints seen so far and one more;
//! the first is a nudge, the last nearly the answer. What has been seen is kept in
//! `target/grader/hints.json`, so `--reset` (or `cargo clean`) starts over.

use anyhow::{Context, Result, anyhow};
use grader_core::{ChallengePlan, QuestionPlan};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn state_file(kit: &Path) -> PathBuf {
    crate::target::state_dir(kit).join("hints.json")
}

fn load(kit: &Path) -> BTreeMap<String, usize> {
    std::fs::read_to_string(state_file(kit))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

fn save(kit: &Path, state: &BTreeMap<String, usize>) -> Result<()> {
    let path = state_file(kit);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let text = serde_json::to_string_pretty(state).expect("a map of counts serialises");
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// Picks the question: the one named, or the only one.
pub fn question<'a>(plan: &'a ChallengePlan, name: Option<&str>) -> Result<&'a QuestionPlan> {
    let ids: Vec<&str> = plan.questions.iter().map(|q| q.id.as_str()).collect();
    match name {
        Some(name) => plan.question(name).ok_or_else(|| {
            anyhow!(
                "{} has no question {name}; its questions are {}",
                plan.id,
                ids.join(", ")
            )
        }),
        None if plan.questions.len() == 1 => Ok(&plan.questions[0]),
        None => Err(anyhow!(
            "{} has several questions: say which, one of {}",
            plan.id,
            ids.join(", ")
        )),
    }
}

/// Shows the next hint (with the earlier ones) and records it; returns the text to print.
pub fn next_hint(kit: &Path, plan: &ChallengePlan, question: &QuestionPlan, reset: bool) -> Result<String> {
    let key = format!("{}/{}", plan.id, question.id);
    let mut state = load(kit);
    if reset {
        state.remove(&key);
        save(kit, &state)?;
        return Ok(format!("Hints for {} {} start over.\n", plan.id, question.id));
    }
    let total = question.hints.len();
    let shown = (state.get(&key).copied().unwrap_or(0) + 1).min(total);
    state.insert(key, shown);
    save(kit, &state)?;
    let mut out = format!(
        "{} {} — {}: {}\n\n",
        plan.id, question.id, plan.title, question.title
    );
    for (i, hint) in question.hints.iter().take(shown).enumerate() {
        out.push_str(&format!("Hint {} of {total}: {hint}\n", i + 1));
    }
    out.push('\n');
    if shown < total {
        out.push_str("Ask again for the next hint.\n");
    } else {
        out.push_str(&format!(
            "That was the last hint. The reference answer is in solutions/{}; `--reset` starts over.\n",
            plan.dir
        ));
    }
    Ok(out)
}

//! The challenges the grader knows, in curriculum order, with their plans.
//!
//! Each challenge's plan is `grader/checks/<dir>/challenge.toml`, read from the kit at start-up, so
//! the grader knows every check's name and points without building any learner code. Adding a
//! challenge is adding its checks folder.

use grader_core::ChallengePlan;
use std::path::Path;

/// Every challenge's plan, in curriculum order (by folder name: `c01-…`, `c02-…`).
pub fn plans(kit: &Path) -> Result<Vec<ChallengePlan>, String> {
    let checks = kit.join("grader").join("checks");
    let entries = std::fs::read_dir(&checks).map_err(|e| format!("cannot read {}: {e}", checks.display()))?;
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path().join("challenge.toml")))
        .filter(|file| file.is_file())
        .collect();
    files.sort();
    files
        .iter()
        .map(|file| {
            let text =
                std::fs::read_to_string(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            ChallengePlan::from_toml(&text).map_err(|e| format!("{}: {e}", file.display()))
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
        plans(&crate::target::kit_root()).unwrap()
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

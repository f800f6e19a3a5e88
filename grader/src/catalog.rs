//! The challenges the grader knows, in curriculum order, with their plans.
//!
//! Each plan is `grader/checks/<dir>/challenge.toml`, embedded at build time, so the grader knows
//! every check's name and points without building any learner code. Adding a challenge is one line.

use grader_core::ChallengePlan;

const PLANS: &[&str] = &[
    // c01 comes with its crates
    include_str!("../checks/c04-heartbeat/challenge.toml"),
];

/// Every challenge's plan, in curriculum order.
pub fn plans() -> Vec<ChallengePlan> {
    PLANS
        .iter()
        .map(|text| {
            ChallengePlan::from_toml(text).unwrap_or_else(|e| panic!("a bad challenge.toml in the kit: {e}"))
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

    #[test]
    fn every_plan_parses_and_ids_are_in_order() {
        let plans = plans();
        let ids: Vec<&str> = plans.iter().map(|p| p.id.as_str()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
        for plan in &plans {
            assert_eq!(plan.dir, format!("{}-{}", plan.id, plan.slug));
        }
    }

    #[test]
    fn challenges_are_found_by_id_slug_or_number() {
        let plans = plans();
        assert_eq!(find(&plans, "C04").unwrap().id, "c04");
        assert_eq!(find(&plans, "heartbeat").unwrap().id, "c04");
        assert_eq!(find(&plans, "4").unwrap().id, "c04");
        assert_eq!(find(&plans, "c04-heartbeat").unwrap().id, "c04");
        assert!(find(&plans, "c99").is_none());
    }
}

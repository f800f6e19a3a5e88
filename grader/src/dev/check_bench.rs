//! `dev check`'s part for `grader bench`: a server challenge is named in four places, which must
//! agree: its plan's `[bench]` table, its load (`bench::load`), its floor (`bench::floor`) and its
//! suite's `.bench(…)`; and its README tells the learner how to run the bench.

use grader_core::ChallengePlan;
use std::path::Path;

pub fn check(kit: &Path, plan: &ChallengePlan, problems: &mut Vec<String>) {
    let toml = format!("grader/checks/{}/challenge.toml", plan.dir);
    let planned = plan.bench.is_some();
    let has_load = bench::load::workload(&plan.id).is_some();
    let has_floor = bench::floor::floor(&plan.id).is_some();
    let lib = format!("grader/checks/{}/src/lib.rs", plan.dir);
    let serves = std::fs::read_to_string(kit.join(&lib)).is_ok_and(|text| text.contains(".bench("));
    if planned != has_load || planned != has_floor || planned != serves {
        let yes_no = |b: bool| if b { "yes" } else { "no" };
        problems.push(format!(
            "{}: the bench's four places disagree: a [bench] table in {toml}: {}; a load in grader/bench/src/load/: {}; a floor in grader/bench/src/floor/: {}; `.bench(…)` in {lib}: {}",
            plan.id,
            yes_no(planned),
            yes_no(has_load),
            yes_no(has_floor),
            yes_no(serves)
        ));
    }
    if planned {
        let readme = format!("exercises/{}/README.md", plan.dir);
        let text = std::fs::read_to_string(kit.join(&readme)).unwrap_or_default();
        let command = format!("grader -- bench {}", plan.id);
        if !text.contains("## How fast is it?") || !text.contains(&command) {
            problems.push(format!(
                "{readme}: a server challenge's README has a `## How fast is it?` section that shows `cargo run -p {command}`"
            ));
        }
    }
}

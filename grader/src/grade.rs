//! One grading run: build every selected challenge's runner, run each under supervision (two at a
//! time), score, and put the report together in curriculum order.

use crate::compile;
use crate::sealed;
use crate::target::Target;
use grader_core::sandbox::Sandbox;
use grader_core::supervise::{Supervision, supervise};
use grader_core::{ChallengePlan, ChallengeReport, Report, scoring};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::time::Instant;

pub fn grade(
    kit: &Path,
    target: &Target,
    all: &[ChallengePlan],
    plans: &[&ChallengePlan],
    progress: bool,
    sandbox: &Sandbox,
    sealed: bool,
) -> Result<Report, String> {
    let built = compile::build(kit, target, all, plans, progress, sealed)?;
    let mut how = Supervision {
        sandbox: sandbox.clone(),
        strip_prefix: target.root.parent().map(|p| format!("{}/", p.display())),
    };
    // Sealed: the runners are copied out of the kit, which is hidden from them.
    let mut run_folder = None;
    let mut runners = built.runners.clone();
    if sealed {
        how.sandbox.hide = sealed::hidden_from_runs(kit);
        let folder = sealed::RunFolder::new(&how.sandbox.hide)?;
        for (id, exe) in runners.iter_mut() {
            *exe = folder.install(exe, id)?;
        }
        run_folder = Some(folder);
    }
    let results: Mutex<BTreeMap<String, ChallengeReport>> = Mutex::new(BTreeMap::new());
    for (id, error) in &built.errors {
        if let Some(plan) = plans.iter().find(|p| &p.id == id) {
            results
                .lock()
                .expect("no panics while locked")
                .insert(id.clone(), scoring::compile_error(plan, error, 0));
        }
    }
    // Challenges run side by side, two at a time: their checks are light, and the paused-clock ones
    // take no real time, but a machine with two cores should keep one for the learner's code.
    let queue: Mutex<Vec<(&ChallengePlan, &Path)>> = Mutex::new(
        plans
            .iter()
            .filter_map(|plan| runners.get(&plan.id).map(|exe| (*plan, exe.as_path())))
            .rev()
            .collect(),
    );
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 2);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().expect("no panics while locked").pop();
                    let Some((plan, exe)) = next else { break };
                    let started = Instant::now();
                    let command = || match &run_folder {
                        Some(folder) => folder.command(exe),
                        None => {
                            let mut cmd = Command::new(exe);
                            cmd.current_dir(&target.root);
                            cmd
                        }
                    };
                    let outcomes = supervise(plan, &command, &how);
                    let report =
                        scoring::score_challenge(plan, &outcomes, started.elapsed().as_millis() as u64);
                    results
                        .lock()
                        .expect("no panics while locked")
                        .insert(plan.id.clone(), report);
                }
            });
        }
    });
    let mut results = results.into_inner().expect("no panics while locked");
    let challenges = plans.iter().filter_map(|plan| results.remove(&plan.id)).collect();
    Ok(scoring::report(&target.label, challenges))
}

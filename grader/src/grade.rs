//! One grading run: build every selected challenge's runner, run each under supervision (a few at a
//! time), score, and put the report together in curriculum order. Challenges whose result is known
//! without building (see [`shortcut`]) skip the build and the run.

use crate::compile;
use crate::schedule;
use crate::sealed;
use crate::shortcut::{self, ResultCache};
use crate::target::{Target, state_dir};
use anyhow::Result;
use grader_core::sandbox::Sandbox;
use grader_core::supervise::{Supervision, supervise};
use grader_core::{ChallengePlan, ChallengeReport, Report, scoring};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::time::Instant;

/// How to grade, besides what.
pub struct Options<'a> {
    /// Show build progress on stderr.
    pub progress: bool,
    pub sandbox: &'a Sandbox,
    /// Hide the kit from the learner's code (a submission is someone else's code).
    pub sealed: bool,
    /// Reuse reports of crates already graded (`grader batch`).
    pub cache: Option<&'a ResultCache>,
}

pub fn grade(
    kit: &Path,
    target: &Target,
    all: &[ChallengePlan],
    selected: &[&ChallengePlan],
    options: &Options<'_>,
) -> Result<Report> {
    let mut known: BTreeMap<String, ChallengeReport> = BTreeMap::new();
    let mut keys: BTreeMap<String, String> = BTreeMap::new();
    let shown = target
        .root
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let shortcuts = if shortcut::enabled() { selected } else { &[] };
    for plan in shortcuts {
        let crate_dir = target.root.join(&plan.dir);
        if let Some(report) = shortcut::untouched(kit, plan, &crate_dir, &format!("{shown}/{}", plan.dir)) {
            known.insert(plan.id.clone(), report);
        } else if let Some(cache) = options.cache
            && let Some(key) = cache.key(kit, plan, &crate_dir)
        {
            match cache.get(&key) {
                Some(report) => {
                    known.insert(plan.id.clone(), report);
                }
                None => {
                    keys.insert(plan.id.clone(), key);
                }
            }
        }
    }
    let plans: Vec<&ChallengePlan> = selected
        .iter()
        .filter(|plan| !known.contains_key(&plan.id))
        .copied()
        .collect();
    let mut results = if plans.is_empty() {
        BTreeMap::new()
    } else {
        if options.progress {
            anstream::eprintln!(
                "Building the checks of {} challenge(s) against {} (the first build takes a few minutes)…",
                plans.len(),
                target.label
            );
        }
        build_and_run(kit, target, all, &plans, options)?
    };
    if let Some(cache) = options.cache {
        for (id, key) in &keys {
            if let Some(report) = results.get(id).filter(|r| shortcut::cacheable(r)) {
                cache.put(key, report);
            }
        }
    }
    results.append(&mut known);
    let challenges = selected
        .iter()
        .filter_map(|plan| results.remove(&plan.id))
        .collect();
    Ok(scoring::report(&target.label, challenges))
}

/// Builds the runners of `plans` and runs them; their reports by challenge id.
fn build_and_run(
    kit: &Path,
    target: &Target,
    all: &[ChallengePlan],
    plans: &[&ChallengePlan],
    options: &Options<'_>,
) -> Result<BTreeMap<String, ChallengeReport>> {
    let (progress, sealed, sandbox) = (options.progress, options.sealed, options.sandbox);
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
    // Challenges run side by side, one more than there are cores (at most four): their checks
    // mostly wait on sockets and timers (the paused-clock ones take no real time), so a third runner
    // on two cores fills the waits without starving the learner's code. The longest go first (see
    // `schedule`), so that no long one runs alone at the end.
    let durations_file = schedule::file(&state_dir(kit).join(&target.key));
    let ids: Vec<&str> = plans
        .iter()
        .filter(|plan| runners.contains_key(&plan.id))
        .map(|plan| plan.id.as_str())
        .collect();
    let queue: Mutex<Vec<(&ChallengePlan, &Path)>> = Mutex::new(
        schedule::order(&ids, &schedule::load(&durations_file))
            .into_iter()
            .rev()
            .filter_map(|id| {
                let plan = plans.iter().find(|plan| plan.id == id)?;
                Some((*plan, runners.get(id)?.as_path()))
            })
            .collect(),
    );
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get() + 1)
        .clamp(2, 4);
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
    let results = results.into_inner().expect("no panics while locked");
    let ran: schedule::Durations = results
        .iter()
        .filter(|(id, _)| runners.contains_key(*id))
        .map(|(id, report)| (id.clone(), report.duration_ms))
        .collect();
    schedule::save(&durations_file, &ran);
    Ok(results)
}

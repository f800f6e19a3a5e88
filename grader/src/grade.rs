//! One grading run: build every selected challenge's runner, run each under supervision (a few at a
//! time), score, and put the report together in curriculum order. Challenges whose result is known
//! without building (see [`shortcut`]) skip the build and the run.
//!
//! The two halves are apart, [`prepare`] (look up, build, copy the runners out) and [`finish`] (run,
//! score, report), so that `grader dev wrong` can build its next round while this one runs.

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
use std::path::{Path, PathBuf};
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
    let prepared = prepare(kit, target, all, selected, options)?;
    Ok(finish(kit, &prepared, options))
}

/// A grade built and ready to run: the reports known without running, and the runners of the rest
/// (copied out of the kit when sealed, so that the next build may overwrite the originals).
pub struct Prepared<'a> {
    label: String,
    root: PathBuf,
    key: String,
    selected: Vec<&'a ChallengePlan>,
    /// Reports known without running: shortcuts, the cache, compile errors.
    known: BTreeMap<String, ChallengeReport>,
    /// The cache keys of the challenges that run.
    keys: BTreeMap<String, String>,
    runners: BTreeMap<String, PathBuf>,
    how: Supervision,
    run_folder: Option<sealed::RunFolder>,
}

/// Looks up what is known and builds the runners of the rest.
pub fn prepare<'a>(
    kit: &Path,
    target: &Target,
    all: &[ChallengePlan],
    selected: &[&'a ChallengePlan],
    options: &Options<'_>,
) -> Result<Prepared<'a>> {
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
    let mut how = Supervision {
        sandbox: options.sandbox.clone(),
        strip_prefix: target.root.parent().map(|p| format!("{}/", p.display())),
    };
    let mut runners = BTreeMap::new();
    let mut run_folder = None;
    if !plans.is_empty() {
        if options.progress {
            anstream::eprintln!(
                "Building the checks of {} challenge(s) against {} (the first build takes a few minutes)…",
                plans.len(),
                target.label
            );
        }
        let built = compile::build(kit, target, all, &plans, options.progress, options.sealed)?;
        for (id, error) in &built.errors {
            if let Some(plan) = plans.iter().find(|p| &p.id == id) {
                known.insert(id.clone(), scoring::compile_error(plan, error, 0));
            }
        }
        runners = built.runners;
        // Sealed: the runners are copied out of the kit, which is hidden from them.
        if options.sealed {
            how.sandbox.hide = sealed::hidden_from_runs(kit);
            let folder = sealed::RunFolder::new(&how.sandbox.hide)?;
            for (id, exe) in runners.iter_mut() {
                *exe = folder.install(exe, id)?;
            }
            run_folder = Some(folder);
        }
    }
    Ok(Prepared {
        label: target.label.clone(),
        root: target.root.clone(),
        key: target.key.clone(),
        selected: selected.to_vec(),
        known,
        keys,
        runners,
        how,
        run_folder,
    })
}

/// Runs what `prepared` built, scores it and puts the report together. May run again on the same
/// runners (`grader dev wrong --runs N`).
pub fn finish(kit: &Path, prepared: &Prepared<'_>, options: &Options<'_>) -> Report {
    let mut results = run(kit, prepared);
    if let Some(cache) = options.cache {
        for (id, key) in &prepared.keys {
            if let Some(report) = results.get(id).filter(|r| shortcut::cacheable(r)) {
                cache.put(key, report);
            }
        }
    }
    for (id, report) in &prepared.known {
        results.entry(id.clone()).or_insert_with(|| report.clone());
    }
    let challenges = prepared
        .selected
        .iter()
        .filter_map(|plan| results.remove(&plan.id))
        .collect();
    scoring::report(&prepared.label, challenges)
}

/// Runs the runners of `prepared`; their reports by challenge id.
fn run(kit: &Path, prepared: &Prepared<'_>) -> BTreeMap<String, ChallengeReport> {
    let runners = &prepared.runners;
    let results: Mutex<BTreeMap<String, ChallengeReport>> = Mutex::new(BTreeMap::new());
    if runners.is_empty() {
        return BTreeMap::new();
    }
    // Challenges run side by side, one more than there are cores (at most four): their checks
    // mostly wait on sockets and timers (the paused-clock ones take no real time), so a third runner
    // on two cores fills the waits without starving the learner's code. The longest go first (see
    // `schedule`), so that no long one runs alone at the end.
    let durations_file = schedule::file(&state_dir(kit).join(&prepared.key));
    let ids: Vec<&str> = prepared
        .selected
        .iter()
        .filter(|plan| runners.contains_key(&plan.id))
        .map(|plan| plan.id.as_str())
        .collect();
    let queue: Mutex<Vec<(&ChallengePlan, &Path)>> = Mutex::new(
        schedule::order(&ids, &schedule::load(&durations_file))
            .into_iter()
            .rev()
            .filter_map(|id| {
                let plan = prepared.selected.iter().find(|plan| plan.id == id)?;
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
                    let command = || match &prepared.run_folder {
                        Some(folder) => folder.command(exe),
                        None => {
                            let mut cmd = Command::new(exe);
                            cmd.current_dir(&prepared.root);
                            cmd
                        }
                    };
                    let outcomes = supervise(plan, &command, &prepared.how);
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
        .map(|(id, report)| (id.clone(), report.duration_ms))
        .collect();
    schedule::save(&durations_file, &ran);
    results
}

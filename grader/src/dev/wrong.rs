//! `grader dev wrong`: grades wrong answers and says, case by case, what each one lost.
//!
//! The kit's own cases (`tests/wrong/<dir>/*.toml`, each listing the checks it must lose) are judged
//! exact or not; a folder of cases without `fails` lists (a red team's, written from the README
//! alone) is judged by *where* each was caught: in its own question, also elsewhere, only
//! elsewhere, or not at all. `--correct` grades unusual but correct answers, which must lose
//! nothing. `--runs N` grades every round N times, so a check that catches a mistake only
//! sometimes shows as `FLAKY`.
//!
//! Cases of different challenges share a round (case k of each challenge), graded as one sealed
//! submission staged at one fixed path, so cargo rebuilds only what a case changed.

use super::wrong_record;
use crate::grade;
use crate::shortcut::ResultCache;
use crate::stubs;
use crate::target::{Target, state_dir};
use anyhow::{Result, anyhow};
use grader_core::wrong::{self, Verdict, WrongCase};
use grader_core::{ChallengePlan, Status};
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What `grader dev wrong` was asked.
pub struct Options {
    /// Only these challenges (all when empty).
    pub only: Vec<String>,
    /// Cases laid out as `tests/wrong/` (`<challenge dir>/<case>.toml`); `tests/wrong/` when absent.
    pub cases: Option<PathBuf>,
    /// Only the cases of these names.
    pub names: Vec<String>,
    /// The cases are correct answers: each must lose nothing.
    pub correct: bool,
    /// How many times each round is graded.
    pub runs: usize,
    /// Where to write the results as JSON.
    pub json: Option<PathBuf>,
    /// Show every lost check's message.
    pub verbose: bool,
    /// Grade every case and write what each lost to the record (`tests/verdicts.txt`).
    pub record: bool,
    /// Grade every case, whatever the record says.
    pub all: bool,
}

struct Case<'a> {
    plan: &'a ChallengePlan,
    case: WrongCase,
    runs: Vec<BTreeSet<String>>,
    messages: Vec<(String, Status, String)>,
    /// The key of the crate the case makes (see `wrong_record`), when the record is used.
    key: Option<String>,
    /// What the record says the case lost, when it has the case's key.
    recorded: Option<BTreeSet<String>>,
    /// Graded this time (not taken from the record).
    graded: bool,
}

impl Case<'_> {
    /// A run lost other checks than the record says the case lost (false without a record).
    fn disagrees_with_record(&self) -> bool {
        self.recorded
            .as_ref()
            .is_some_and(|recorded| self.runs.iter().any(|run| run != recorded))
    }
}

/// One line of the JSON results.
#[derive(Serialize)]
struct Row<'a> {
    challenge: &'a str,
    case: &'a str,
    question: &'a str,
    why: &'a str,
    listed: &'a [String],
    lost: Vec<Vec<String>>,
    verdict: &'static str,
    wanted: bool,
}

/// Runs the command; exit 0 when every case got the verdict it should.
pub fn run(kit: &Path, plans: &[ChallengePlan], options: &Options) -> Result<u8> {
    let selected: Vec<&ChallengePlan> = plans
        .iter()
        .filter(|p| {
            options.only.is_empty()
                || options
                    .only
                    .iter()
                    .any(|o| grader_core::plan::find(plans, o).is_some_and(|f| f.id == p.id))
        })
        .collect();
    let mut by_challenge: Vec<Vec<Case<'_>>> = Vec::new();
    for plan in &selected {
        let dir = match &options.cases {
            Some(root) => root.join(&plan.dir),
            None => wrong::cases_dir(kit, plan),
        };
        let mut cases = Vec::new();
        for case in wrong::load_cases_in(&dir)? {
            if !options.names.is_empty() && !options.names.contains(&case.name) {
                continue;
            }
            let problems: Vec<String> = case
                .problems(plan)
                .into_iter()
                .filter(|p| !(case.fails.is_empty() && p.contains("`fails` is empty")))
                .collect();
            if !problems.is_empty() {
                return Err(anyhow!(problems.join("\n")));
            }
            cases.push(Case {
                plan,
                case,
                runs: Vec::new(),
                messages: Vec::new(),
                key: None,
                recorded: None,
                graded: false,
            });
        }
        if !cases.is_empty() {
            by_challenge.push(cases);
        }
    }
    let rounds = by_challenge.iter().map(Vec::len).max().unwrap_or(0);
    if rounds == 0 {
        println!("no cases to grade");
        return Ok(0);
    }
    let _lock = crate::target::exclusive(kit, "dev-wrong", "grader dev wrong")?;
    let work = state_dir(kit).join("dev-wrong");
    let scratch = work.join("scratch");
    let sandbox = grader_core::sandbox::Sandbox::for_grading();
    // One run: a case whose staged crate, checks, harness and lock file are what an earlier run
    // graded is not graded again (the batch's cache, by content), so a warm `cargo test` after an
    // edit re-grades only the challenges it touched. Several runs are for finding flaky checks:
    // each one grades.
    let cache = ResultCache::new(work.join("results"));
    let cache = (options.runs <= 1).then_some(&cache);
    // The record: with one run, a case it has (by key) is not graded again, but for today's sample.
    // Only the kit's own cases are recorded (not a red team's folder).
    let kit_cases = match &options.cases {
        None => true,
        Some(dir) => dir.canonicalize().ok() == kit.join("tests").join("correct").canonicalize().ok(),
    };
    let use_record = kit_cases && (options.runs <= 1 || options.record);
    if options.record && !kit_cases {
        return Err(anyhow!(
            "--record records the kit's own cases: tests/wrong/, or tests/correct/ with --correct"
        ));
    }
    let mut record = if use_record {
        wrong_record::Record::load(kit)?
    } else {
        Default::default()
    };
    let day = wrong_record::today();
    // Today's sample, where it already gave its recorded verdict here (one run, the record used).
    let mut confirmed = (use_record && !options.record && !options.all && options.runs <= 1)
        .then(|| wrong_record::Confirmed::load(&work, day));
    if use_record {
        let shared = crate::shortcut::shared_key(kit);
        for (ci, cases) in by_challenge.iter_mut().enumerate() {
            let n = cases.len();
            for (i, case) in cases.iter_mut().enumerate() {
                let crate_dir = make_case(kit, &scratch, case)?;
                let key = crate::shortcut::verdict_key(kit, &shared, case.plan, &crate_dir)?;
                case.recorded = record.entries.get(&key).map(|e| e.lost.clone());
                case.key = Some(key.clone());
                case.graded = options.all
                    || options.record
                    || case.recorded.is_none()
                    || (wrong_record::sampled(ci, i, n, day)
                        && !confirmed.as_ref().is_some_and(|c| c.keys.contains(&key)));
                if !case.graded {
                    case.runs.extend(case.recorded.clone());
                }
            }
        }
    } else {
        by_challenge
            .iter_mut()
            .flatten()
            .for_each(|case| case.graded = true);
    }
    let to_grade: Vec<Vec<usize>> = by_challenge
        .iter()
        .map(|cases| (0..cases.len()).filter(|&i| cases[i].graded).collect())
        .collect();
    let rounds = to_grade.iter().map(Vec::len).max().unwrap_or(0);
    let (graded_count, recorded_count) = (
        to_grade.iter().map(Vec::len).sum::<usize>(),
        by_challenge.iter().flatten().filter(|c| !c.graded).count(),
    );
    if recorded_count > 0 {
        anstream::eprintln!(
            "{graded_count} case(s) to grade; {recorded_count} unchanged since {} (WRONG_ALL=1, or --all, grades them too)",
            wrong_record::path(kit).display()
        );
    }
    let grade_options = grade::Options {
        progress: false,
        sandbox: &sandbox,
        sealed: true,
        cache,
    };
    // A pipeline of two: this thread stages and builds round k+1 while another runs round k. The
    // runs wait on sockets and timers much of the time, which the build fills; the runners of a
    // round are copies out of the build folder (sealed grading), so the next build does not touch
    // them, and the next staging is hidden from them.
    let rounds_cases: Vec<Vec<(usize, usize)>> = (0..rounds)
        .map(|round| {
            to_grade
                .iter()
                .enumerate()
                .filter_map(|(ci, todo)| todo.get(round).map(|&i| (ci, i)))
                .collect()
        })
        .collect();
    let (to_runner, built) = std::sync::mpsc::sync_channel::<(usize, grade::Prepared<'_>)>(0);
    let graded: Vec<(usize, Vec<grader_core::Report>)> = std::thread::scope(|scope| -> Result<_> {
        let runner = scope.spawn(|| {
            let mut graded = Vec::new();
            for (round, prepared) in built {
                let reports = (0..options.runs.max(1))
                    .map(|_| grade::finish(kit, &prepared, &grade_options))
                    .collect();
                graded.push((round, reports));
            }
            graded
        });
        let staged_all = (|| -> Result<()> {
            for (round, cases) in rounds_cases.iter().enumerate() {
                let cases: Vec<&Case<'_>> = cases.iter().map(|&(ci, i)| &by_challenge[ci][i]).collect();
                for case in &cases {
                    make_case(kit, &scratch, case)?;
                }
                let staged = crate::batch::stage(kit, &work.join("stage"), &scratch)?;
                let target = Target {
                    root: staged,
                    label: "dev wrong".into(),
                    key: "dev-wrong".into(),
                };
                let round_plans: Vec<&ChallengePlan> = cases.iter().map(|case| case.plan).collect();
                let names: Vec<String> = cases
                    .iter()
                    .map(|case| format!("{} {}", case.plan.id, case.case.name))
                    .collect();
                anstream::eprintln!("round {}/{rounds}: {}", round + 1, names.join(", "));
                let prepared = grade::prepare(kit, &target, plans, &round_plans, &grade_options)?;
                if to_runner.send((round, prepared)).is_err() {
                    break;
                }
            }
            Ok(())
        })();
        drop(to_runner);
        let graded = runner
            .join()
            .map_err(|_| anyhow!("the grading thread panicked"))?;
        staged_all.map(|()| graded)
    })?;
    for (round, reports) in graded {
        for report in reports {
            for &(ci, i) in &rounds_cases[round] {
                let case = &mut by_challenge[ci][i];
                let Some(challenge) = report.challenges.iter().find(|c| c.id == case.plan.id) else {
                    continue;
                };
                let lost: Vec<_> = challenge.checks().filter(|k| k.status != Status::Pass).collect();
                case.runs.push(lost.iter().map(|k| k.id.clone()).collect());
                for k in lost {
                    if !case.messages.iter().any(|(id, _, _)| id == &k.id) {
                        case.messages
                            .push((k.id.clone(), k.status, k.message.clone().unwrap_or_default()));
                    }
                }
            }
        }
    }
    if let Some(confirmed) = &mut confirmed {
        confirmed.add(
            by_challenge
                .iter()
                .flatten()
                .filter(|case| case.graded && case.recorded.is_some() && !case.disagrees_with_record())
                .filter_map(|case| case.key.clone()),
        );
    }
    if options.record {
        let kind = if options.correct { "correct/" } else { "" };
        for case in by_challenge.iter().flatten() {
            let (Some(key), Some(lost)) = (&case.key, case.runs.last()) else {
                continue;
            };
            let name = format!("{kind}{}", case.case.name);
            record
                .entries
                .retain(|_, e| !(e.challenge == case.plan.id && e.case == name));
            record.entries.insert(
                key.clone(),
                wrong_record::Entry {
                    challenge: case.plan.id.clone(),
                    case: name,
                    lost: lost.clone(),
                },
            );
        }
        record.write(kit)?;
        println!("wrote {}", wrong_record::path(kit).display());
    }
    print_results(&by_challenge, options)
}

/// Makes the case's crate in `scratch`: the solution with the case's edit. Returns its folder.
fn make_case(kit: &Path, scratch: &Path, case: &Case<'_>) -> Result<PathBuf> {
    let crate_dir = scratch.join(&case.plan.dir);
    stubs::make_equal(
        &crate_dir,
        &stubs::read_tree(&kit.join("solutions").join(&case.plan.dir))?,
    )?;
    case.case.apply(&crate_dir)?;
    Ok(crate_dir)
}

fn wanted(case: &Case<'_>, verdict: &Verdict, correct: bool) -> bool {
    match (correct, case.case.fails.is_empty()) {
        (true, _) => *verdict == Verdict::Missed,
        (false, true) => *verdict == Verdict::CaughtHere,
        (false, false) => *verdict == Verdict::Exact,
    }
}

fn print_results(by_challenge: &[Vec<Case<'_>>], options: &Options) -> Result<u8> {
    let mut rows = Vec::new();
    let mut all_wanted = true;
    for cases in by_challenge {
        let mut caught = 0;
        for case in cases {
            let verdict = wrong::verdict(&case.case, case.plan, &case.runs);
            // A sampled case must lose today what the record says it lost.
            let disagrees = case.graded && case.disagrees_with_record();
            let ok = wanted(case, &verdict, options.correct) && !disagrees;
            all_wanted &= ok;
            caught += usize::from(verdict.caught_in_question());
            let question_of = |id: &str| {
                case.plan
                    .checks()
                    .find(|(_, c)| c.id == id)
                    .map_or("?", |(q, _)| q.id.as_str())
                    .to_string()
            };
            let lost: Vec<String> = case
                .runs
                .last()
                .map(|set| set.iter().map(|id| format!("{}/{id}", question_of(id))).collect())
                .unwrap_or_default();
            let label = if options.correct && verdict == Verdict::Missed {
                "full marks"
            } else {
                verdict.label()
            };
            println!(
                "{} {} {:<34} {:<3} {:<17} {}{}",
                if ok { " " } else { "!" },
                case.plan.id,
                case.case.name,
                case.case.question,
                label,
                if case.graded { "" } else { "(recorded) " },
                if lost.is_empty() {
                    "lost nothing".to_string()
                } else {
                    lost.join(" ")
                }
            );
            if disagrees {
                println!(
                    "      the record (tests/verdicts.txt) says it lost {:?}: a check that is flaky, or a record written by hand",
                    case.recorded
                        .as_ref()
                        .map(|r| r.iter().collect::<Vec<_>>())
                        .unwrap_or_default()
                );
            }
            match &verdict {
                Verdict::Mismatch { missing, extra } => {
                    println!("      listed but kept: {missing:?}; lost but not listed: {extra:?}")
                }
                Verdict::Flaky => {
                    for (i, run) in case.runs.iter().enumerate() {
                        println!("      run {}: {run:?}", i + 1);
                    }
                }
                _ => {}
            }
            if options.verbose || !ok {
                for (id, status, message) in &case.messages {
                    let short: String = message.chars().take(300).collect();
                    println!("      {status} {id}: {short}");
                }
            }
            rows.push(Row {
                challenge: &case.plan.id,
                case: &case.case.name,
                question: &case.case.question,
                why: &case.case.why,
                listed: &case.case.fails,
                lost: case.runs.iter().map(|r| r.iter().cloned().collect()).collect(),
                verdict: verdict.label(),
                wanted: ok,
            });
        }
        if let Some(first) = cases.first() {
            if options.correct {
                let full = cases
                    .iter()
                    .filter(|c| c.runs.iter().all(BTreeSet::is_empty))
                    .count();
                println!("  {}: {full} of {} at full marks", first.plan.id, cases.len());
            } else {
                println!(
                    "  {}: {caught} of {} caught in their own question",
                    first.plan.id,
                    cases.len()
                );
            }
        }
    }
    let total = rows.len();
    let good = rows.iter().filter(|r| r.wanted).count();
    println!("{good} of {total} cases as they should be");
    if let Some(path) = &options.json {
        let text = serde_json::to_string_pretty(&rows)?;
        grader_core::report::write_report(path, &text)?;
    }
    Ok(if all_wanted { 0 } else { 1 })
}

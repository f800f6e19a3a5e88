//! `grader`: builds each challenge's checks against exercises/ (or solutions/, or a submission), runs
//! them in isolation, scores them and prints a report. The layers, in order:
//! [`compile`] (build a runner per challenge) → `grader_core::supervise` (run it, survive it) →
//! `grader_core::scoring` → `grader_core::report` → this CLI.

mod batch;
mod bench;
mod cli;
mod compile;
mod dev;
mod grade;
mod hints;
mod learner;
mod package;
mod prebuild;
mod schedule;
mod sealed;
mod shortcut;
mod stubs;
mod target;

use anyhow::{Result, anyhow};
use clap::Parser;
use cli::{Cli, Commands, DevCommand};
use grader_core::ChallengePlan;
use grader_core::report::{Format, RenderOptions};
use std::process::ExitCode;
use target::{Target, kit_root};

/// docs/GRADER.md: 2 when the grader could not grade.
const CANNOT_GRADE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = run(cli);
    if std::env::var_os("TOKIO_CHALLENGES_PEAK_MEMORY").is_some() {
        // For the kit's tests: the grader's own peak memory, whatever the learner's code did.
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:")) {
            anstream::eprintln!("grader: peak memory {}", line["VmHWM:".len()..].trim());
        }
    }
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            anstream::eprintln!("grader: {message:#}");
            ExitCode::from(CANNOT_GRADE)
        }
    }
}

fn run(cli: Cli) -> Result<u8> {
    let kit = kit_root();
    if let Some(Commands::Dev(command)) = &cli.command {
        return run_dev(&kit, command);
    }
    let plans = grader_core::plan::discover(&kit)?;
    match &cli.command {
        Some(Commands::Hint {
            challenge,
            question,
            reset,
        }) => {
            let plan = find(&plans, challenge)?;
            let question = hints::question(plan, question.as_deref())?;
            print!("{}", hints::next_hint(&kit, plan, question, *reset)?);
            return Ok(0);
        }
        Some(Commands::List) => {
            for plan in &plans {
                println!(
                    "{} {:<12} {} ({} points)",
                    plan.id,
                    plan.slug,
                    plan.title,
                    plan.max_score()
                );
                for q in &plan.questions {
                    let points: u32 = q.checks.iter().map(|c| c.points).sum();
                    println!(
                        "    {} {} ({points} points, {} checks)",
                        q.id,
                        q.title,
                        q.checks.len()
                    );
                }
            }
            return Ok(0);
        }
        Some(Commands::Batch {
            dir,
            output,
            only,
            format,
            quiet,
        }) => {
            let sandbox = sandbox(&cli)?;
            let selected = select(&plans, only)?;
            let batch = batch::Batch {
                dir: dir.clone(),
                output: output.clone(),
                formats: format.iter().map(|f| (*f).into()).collect(),
                quiet: *quiet,
            };
            return batch::run(&kit, &plans, &selected, &sandbox, &batch);
        }
        Some(Commands::Watch { exercises }) => {
            return learner::watch::run(&kit, &plans, exercises.as_deref(), cli.memory_limit.as_deref());
        }
        Some(Commands::Reset { challenge, yes }) => {
            let plan = find(&plans, challenge)?;
            let confirm = |edited: &[String]| learner::reset::confirm(plan, edited, *yes);
            print!("{}", learner::reset::run(&kit, plan, &confirm)?);
            return Ok(0);
        }
        Some(Commands::Restore { challenge }) => {
            print!("{}", learner::restore::run(&kit, find(&plans, challenge)?)?);
            return Ok(0);
        }
        Some(Commands::Swap { challenge, to }) => {
            print!("{}", learner::swap::run(&kit, find(&plans, challenge)?, *to)?);
            return Ok(0);
        }
        Some(Commands::Package { engine, output }) => {
            return package::run(&kit, &plans, *engine, output.as_deref());
        }
        Some(Commands::Bench {
            challenges,
            solutions,
            submission,
            runs,
            seconds,
            idle,
            format,
            output,
            quiet,
        }) => {
            let target = target_of(&kit, submission.as_deref(), *solutions)?;
            let asked = select(&plans, challenges)?;
            let options = bench::Options {
                named: !challenges.is_empty(),
                runs: usize::from(*runs),
                settings: bench::settings(*seconds, *idle)?,
                json: *format == cli::BenchFormat::Json,
                output: output.clone(),
                sealed: cli.sealed || submission.is_some(),
                quiet: *quiet,
            };
            return bench::run(&kit, &plans, &asked, &target, &sandbox(&cli)?, &options);
        }
        Some(Commands::Dev(_)) | None => {}
    }
    let format = single_format(&cli.format)?;
    let mut render_options = RenderOptions {
        verbose: cli.verbose,
        base64: cli.base64,
        color: cli.output.is_none(),
        upcoming: None,
    };
    grader_core::report::check_options(&[format], &render_options)?;
    let target = target_of(&kit, cli.submission.as_deref(), cli.solutions)?;
    let selected = select(&plans, &cli.only)?;
    let sandbox = sandbox(&cli)?;
    let options = grade::Options {
        progress: !cli.quiet,
        sandbox: &sandbox,
        // A submission is someone else's code: grade it sealed.
        sealed: cli.sealed || cli.submission.is_some(),
        cache: None,
    };
    let report = grade::grade(&kit, &target, &plans, &selected, &options)?;
    if cli.submission.is_none() && !cli.solutions {
        // `--only c01` done: the table's next step is c02, which was not graded.
        let graded: Vec<&str> = selected.iter().map(|p| p.id.as_str()).collect();
        render_options.upcoming =
            grader_core::todo_marks::upcoming_after(&plans, &graded, &target.root, "exercises");
    }
    let rendered = format.render(&report, &render_options)?;
    match &cli.output {
        Some(path) => {
            grader_core::report::write_report(path, &rendered)?;
            if !cli.quiet {
                anstream::eprintln!("Wrote the {} report to {}", format.name(), path.display());
            }
        }
        None => anstream::print!("{rendered}"),
    }
    let learner_at_table = format == Format::Table
        && cli.output.is_none()
        && !cli.quiet
        && cli.submission.is_none()
        && !cli.solutions;
    if learner_at_table && prebuild::wanted() {
        build_ahead(&kit, &plans, &target, &report, &render_options);
    }
    Ok(if report.all_passed() { 0 } else { 1 })
}

/// What to grade (or bench): a submission (`--submission DIR`), the solutions, or exercises/.
fn target_of(kit: &std::path::Path, submission: Option<&std::path::Path>, solutions: bool) -> Result<Target> {
    Ok(match (submission, solutions) {
        (Some(dir), _) => {
            // Graded from a copy: the learner's files cannot change under the grade, and the copy
            // sits next to the kit's checks, which the exercise crates name by a relative path.
            let mut target = Target::submission(dir)?;
            let stage = target::state_dir(kit).join("stages").join(&target.key);
            target.root = batch::stage(kit, &stage, &target.root)?;
            target
        }
        (None, true) => Target::solutions(kit),
        (None, false) => Target::exercises(kit),
    })
}

/// Starts building, in the background, the challenge the table's next step names (see
/// [`prebuild`]), and says so.
fn build_ahead(
    kit: &std::path::Path,
    plans: &[ChallengePlan],
    target: &Target,
    report: &grader_core::Report,
    options: &RenderOptions,
) {
    use grader_core::report::NextStep;
    let id = match grader_core::report::next_step(report, options.upcoming.as_ref()) {
        NextStep::Start { challenge, .. } | NextStep::Fix { challenge, .. } => challenge.id.clone(),
        NextStep::Move(upcoming) => upcoming.id.clone(),
        NextStep::Compile { .. } | NextStep::Done => return,
    };
    let Some(plan) = plans.iter().find(|p| p.id == id) else {
        return;
    };
    let Ok(package) = compile::package_name(&target.root.join(&plan.dir)) else {
        return;
    };
    if let Some(note) = prebuild::start(kit, &package) {
        anstream::eprintln!("\n{note}");
    }
}

/// The challenges of `--only` (all of them when it is empty), in curriculum order.
fn select<'a>(plans: &'a [ChallengePlan], only: &[String]) -> Result<Vec<&'a ChallengePlan>> {
    if only.is_empty() {
        return Ok(plans.iter().collect());
    }
    let mut selected = Vec::new();
    for name in only.iter().filter(|n| !n.trim().is_empty()) {
        let plan = find(plans, name)?;
        if !selected.iter().any(|p: &&ChallengePlan| p.id == plan.id) {
            selected.push(plan);
        }
    }
    selected.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(selected)
}

/// Where check runners run: the default limits, with `--memory-limit` if given.
fn sandbox(cli: &Cli) -> Result<grader_core::sandbox::Sandbox> {
    let mut sandbox = grader_core::sandbox::Sandbox::for_grading();
    if let Some(limit) = &cli.memory_limit {
        sandbox.limits.memory = grader_core::sandbox::Limits::parse_size(limit)?;
    }
    Ok(sandbox)
}

/// The one format of a single grade: several are for `grader batch`, which writes a file for each.
fn single_format(formats: &[cli::Format]) -> Result<Format> {
    match formats {
        [] => Ok(Format::Table),
        [one] => Ok((*one).into()),
        several => {
            let names: Vec<&str> = several.iter().map(|&f| Format::from(f).name()).collect();
            Err(anyhow!(
                "several formats ({}) are for `grader batch`, which writes one file per format; \
                 grade with one --format, or run `grader batch DIR --format {}`",
                names.join(", "),
                names.join(" --format ")
            ))
        }
    }
}

fn find<'a>(plans: &'a [ChallengePlan], name: &str) -> Result<&'a ChallengePlan> {
    grader_core::plan::find(plans, name).ok_or_else(|| {
        let ids: Vec<&str> = plans.iter().map(|p| p.id.as_str()).collect();
        anyhow!(
            "there is no challenge `{name}`; the challenges are {}",
            ids.join(", ")
        )
    })
}

/// `grader dev …`: exit 0 when the kit is consistent (or the scaffold was written), 1 when `dev
/// check` found problems.
fn run_dev(kit: &std::path::Path, command: &DevCommand) -> Result<u8> {
    match command {
        DevCommand::Check => {
            let problems = dev::check::check(kit);
            if problems.is_empty() {
                let n = grader_core::plan::discover(kit)?.len();
                println!("dev check: the kit is consistent ({n} challenges)");
                return Ok(0);
            }
            for problem in &problems {
                anstream::eprintln!("error: {problem}");
            }
            anstream::eprintln!("dev check: {} problem(s)", problems.len());
            Ok(1)
        }
        DevCommand::FakeClass { dir, count } => {
            let plans = grader_core::plan::discover(kit)?;
            let names = dev::fake_class::make(kit, &plans, dir, *count)?;
            println!("wrote {} submissions in {}", names.len(), dir.display());
            Ok(0)
        }
        DevCommand::New { name, title } => {
            let written = dev::new::scaffold(kit, name, title)?;
            for file in &written {
                println!("wrote {}", file.strip_prefix(kit).unwrap_or(file).display());
            }
            println!(
                "\nNext: grep -rn 'TODO(author)' for what to write; `cargo run -p grader -- dev check`; \
                 `cargo run -p grader -- --only {}` shows the stub as todo. See CONTRIBUTING.md.",
                name.split('-').next().unwrap_or(name)
            );
            Ok(0)
        }
        DevCommand::Mutants {
            challenges,
            list,
            record,
            extra,
        } => {
            let plans = grader_core::plan::discover(kit)?;
            let selected = if challenges.is_empty() {
                plans.iter().collect()
            } else {
                select(&plans, challenges)?
            };
            let options = dev::mutants::Options {
                list: *list,
                record: *record,
                extra: extra.clone(),
            };
            dev::mutants::run(kit, &selected, &options)
        }
        DevCommand::Wrong {
            challenges,
            cases,
            case,
            correct,
            runs,
            json,
            verbose,
            record,
            all,
        } => {
            let plans = grader_core::plan::discover(kit)?;
            for name in challenges {
                find(&plans, name)?;
            }
            let options = dev::wrong::Options {
                only: challenges.clone(),
                cases: cases.clone(),
                names: case.clone(),
                correct: *correct,
                runs: *runs,
                json: json.clone(),
                verbose: *verbose,
                record: *record,
                all: *all || std::env::var_os("WRONG_ALL").is_some_and(|v| v != "0"),
            };
            dev::wrong::run(kit, &plans, &options)
        }
        DevCommand::Sync => {
            let plans = grader_core::plan::discover(kit)?;
            let written = dev::sync::sync(kit, &plans)?;
            for file in &written {
                println!("wrote {}", file.strip_prefix(kit).unwrap_or(file).display());
            }
            if written.is_empty() {
                println!("dev sync: every derived fact was up to date");
            }
            Ok(0)
        }
    }
}

//! The batch itself: for each submission, resume or stage, grade, write its reports, and update the
//! gradebook and the class page, so that an interrupted batch has lost at most the submission it
//! was grading.

use super::class_report::{self, ClassEntry, Outcome};
use super::submissions::{Submission, discover};
use super::{gradebook, stage, submission_page};
use crate::grade::{self, Options};
use crate::shortcut::ResultCache;
use crate::target::{Target, exercises_in, state_dir};
use anyhow::{Context, Result, anyhow};
use grader_core::report::{Format, write_report};
use grader_core::sandbox::Sandbox;
use grader_core::{ChallengePlan, Report};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What `grader batch` was asked for.
pub struct Batch {
    pub dir: PathBuf,
    /// Where the reports go (default: `<DIR>-grades` next to DIR).
    pub output: Option<PathBuf>,
    /// Formats written for each submission besides `report.json` and `report.html`.
    pub formats: Vec<Format>,
    pub quiet: bool,
}

/// One submission's result, as the gradebook and the class page need it.
struct Done {
    name: String,
    /// The report, or why there is none (as the class page says it).
    outcome: std::result::Result<Report, String>,
}

/// Grades every submission under `batch.dir`. Exit status as for one grade: 0 when every check of
/// every submission passed, 1 otherwise (some check failed, or some folder was not a submission).
///
/// `plans` are the challenges graded (all of them, or those of `--only`: the ones assigned so far);
/// `all` is every challenge of the kit.
pub fn run(
    kit: &Path,
    all: &[ChallengePlan],
    plans: &[&ChallengePlan],
    sandbox: &Sandbox,
    batch: &Batch,
) -> Result<u8> {
    let started = Instant::now();
    let output = batch.output.clone().unwrap_or_else(|| default_output(&batch.dir));
    std::fs::create_dir_all(output.join("reports"))
        .with_context(|| format!("cannot create {}", output.display()))?;
    let (submissions, files) = discover(&batch.dir, &output)?;
    if submissions.is_empty() {
        return Err(anyhow!(
            "there are no submission folders in {}",
            batch.dir.display()
        ));
    }
    // One batch at a time per state folder: they would stage over each other.
    let _lock = crate::target::exclusive(kit, "batch", "grader batch")?;
    let grading = Grading {
        kit,
        all,
        plans,
        sandbox,
        cache: ResultCache::new(state_dir(kit).join("results")),
        stage_root: state_dir(kit).join("stages").join("batch"),
        output: &output,
        formats: &batch.formats,
    };
    let bar = progress_bar(submissions.len(), batch.quiet);
    let mut done: Vec<Done> = Vec::new();
    let (mut graded, mut resumed) = (0, 0);
    for submission in &submissions {
        bar.set_message(submission.name.clone());
        let t = Instant::now();
        let (outcome, how) = grading.grade(submission);
        match &outcome {
            Ok(report) => {
                if how == How::Resumed {
                    resumed += 1;
                } else {
                    graded += 1;
                }
                say(
                    &bar,
                    batch.quiet,
                    format!(
                        "{:<24} {:>3}/{} {}",
                        submission.name,
                        report.score,
                        report.max_score,
                        match how {
                            How::Resumed => "(already graded: unchanged since its report)".to_string(),
                            How::Graded => format!("({:.1} s)", t.elapsed().as_secs_f64()),
                        }
                    ),
                );
            }
            Err(reason) => say(
                &bar,
                batch.quiet,
                format!("{:<24} not graded: {reason:#}", submission.name),
            ),
        }
        done.push(Done {
            name: submission.name.clone(),
            outcome: outcome.map_err(|e| format!("{e:#}")),
        });
        write_class_files(&output, plans, &done)?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    let not_graded = done.iter().filter(|d| d.outcome.is_err()).count();
    if !batch.quiet {
        for file in &files {
            anstream::eprintln!("skipped {file}: a file, not a submission folder");
        }
        anstream::eprintln!(
            "{} submissions in {:.0} s: {graded} graded, {resumed} unchanged since their reports, {not_graded} not graded.\n\
             Wrote {} (gradebook.csv, class.html, reports/).",
            done.len(),
            started.elapsed().as_secs_f64(),
            output.display()
        );
    }
    let all_passed = done
        .iter()
        .all(|d| d.outcome.as_ref().is_ok_and(Report::all_passed));
    Ok(if all_passed { 0 } else { 1 })
}

#[derive(PartialEq)]
enum How {
    Graded,
    Resumed,
}

/// What grading each submission of a batch needs.
struct Grading<'a> {
    kit: &'a Path,
    all: &'a [ChallengePlan],
    plans: &'a [&'a ChallengePlan],
    sandbox: &'a Sandbox,
    cache: ResultCache,
    /// Where each submission is copied to be built (see [`stage`]).
    stage_root: PathBuf,
    output: &'a Path,
    formats: &'a [Format],
}

impl Grading<'_> {
    /// Grades one submission (or takes its report back if nothing changed since), and writes its
    /// reports. `Err` is the reason it was not graded.
    fn grade(&self, submission: &Submission) -> (Result<Report>, How) {
        match self.try_grade(submission) {
            Ok((report, how)) => (Ok(report), how),
            Err(reason) => {
                let _ = std::fs::remove_file(self.folder(submission).join(".fingerprint"));
                (Err(reason), How::Graded)
            }
        }
    }

    fn try_grade(&self, submission: &Submission) -> Result<(Report, How)> {
        let folder = self.folder(submission);
        let exercises = exercises_in(&submission.path)?;
        // Resuming: the fingerprint names the submission's content and everything that grades it.
        let fingerprint = self.fingerprint(&exercises);
        let fingerprint_file = folder.join(".fingerprint");
        if std::fs::read_to_string(&fingerprint_file).ok().as_deref() == Some(fingerprint.as_str())
            && let Some(report) = std::fs::read_to_string(folder.join("report.json"))
                .ok()
                .and_then(|text| serde_json::from_str::<Report>(&text).ok())
        {
            return Ok((report, How::Resumed));
        }
        // Stage, then grade the staged copy: the learner's files cannot change under the grade.
        let target = Target {
            root: stage::stage(self.kit, &self.stage_root, &exercises)?,
            label: submission.name.clone(),
            key: "batch".into(),
        };
        let options = Options {
            progress: false,
            sandbox: self.sandbox,
            sealed: true,
            cache: Some(&self.cache),
        };
        let report = grade::grade(self.kit, &target, self.all, self.plans, &options)?;
        write_reports(&folder, &submission.name, &report, self.formats)?;
        // Last: a report without its fingerprint is graded again.
        write_report(&fingerprint_file, &fingerprint)?;
        Ok((report, How::Graded))
    }

    /// Where a submission's reports go.
    fn folder(&self, submission: &Submission) -> PathBuf {
        self.output.join("reports").join(&submission.name)
    }

    /// One digest of a submission as graded: each challenge crate's content key under its checks.
    fn fingerprint(&self, exercises: &Path) -> String {
        let mut h = sha1_smol::Sha1::new();
        for plan in self.plans {
            let key = self.cache.key(self.kit, plan, &exercises.join(&plan.dir));
            h.update(key.as_deref().unwrap_or("missing").as_bytes());
            h.update(b"\n");
        }
        h.digest().to_string()
    }
}

fn write_reports(folder: &Path, name: &str, report: &Report, formats: &[Format]) -> Result<()> {
    write_report(&folder.join("report.json"), &grader_core::report::to_json(report))?;
    write_report(
        &folder.join("report.html"),
        &submission_page::render(name, report),
    )?;
    for format in formats.iter().filter(|f| **f != Format::Json) {
        let text = format.render(report, &grader_core::report::RenderOptions::default())?;
        write_report(&folder.join(format.file_name()), &text)?;
    }
    Ok(())
}

fn write_class_files(output: &Path, plans: &[&ChallengePlan], done: &[Done]) -> Result<()> {
    let rows: Vec<gradebook::Row<'_>> = done
        .iter()
        .map(|d| gradebook::Row {
            name: &d.name,
            report: d.outcome.as_ref().ok(),
            reason: d.outcome.as_ref().err().map(String::as_str),
        })
        .collect();
    gradebook::write(&output.join("gradebook.csv"), plans, &rows)?;
    let entries: Vec<ClassEntry<'_>> = done
        .iter()
        .map(|d| ClassEntry {
            name: &d.name,
            href: d
                .outcome
                .is_ok()
                .then(|| format!("reports/{}/report.html", d.name)),
            outcome: match &d.outcome {
                Ok(report) => Outcome::Graded(report),
                Err(reason) => Outcome::NotGraded { reason },
            },
        })
        .collect();
    let plans: Vec<ChallengePlan> = plans.iter().map(|p| (*p).clone()).collect();
    let html = class_report::render("tokio-challenges: class report", &plans, &entries);
    write_report(&output.join("class.html"), &html)
}

/// A line above the progress bar, or on stderr when there is no bar to draw (not a terminal).
fn say(bar: &ProgressBar, quiet: bool, line: String) {
    if quiet {
        return;
    }
    if bar.is_hidden() {
        anstream::eprintln!("{line}");
    } else {
        bar.println(line);
    }
}

/// `/path/class` → `/path/class-grades`.
fn default_output(dir: &Path) -> PathBuf {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let name = dir
        .file_name()
        .map_or_else(|| "batch".into(), |n| n.to_string_lossy().into_owned());
    dir.parent()
        .unwrap_or_else(|| Path::new("."))
        .join(format!("{name}-grades"))
}

/// The current submission, how many are done and the time left; hidden when quiet or when stderr is
/// not a terminal (indicatif draws nothing then).
fn progress_bar(len: usize, quiet: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(
        Some(len as u64),
        if quiet {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        },
    );
    if let Ok(style) =
        ProgressStyle::with_template("{bar:30} {pos}/{len} submissions · grading {msg} · {eta} left")
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(250));
    bar
}

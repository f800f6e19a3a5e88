//! The command line of docs/GRADER.md.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "grader",
    version,
    about = "Grades the tokio-challenges exercises, question by question, check by check",
    after_help = "Exit status: 0 when every selected check passed, 1 when some did not, 2 when grading could not run."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Commands>,

    /// Grade the reference solutions (they score 100 %).
    #[arg(long, conflicts_with = "submission")]
    pub solutions: bool,

    /// Grade a learner's copy (their clone of the kit, or its exercises/ folder), without touching
    /// this checkout.
    #[arg(long, value_name = "DIR")]
    pub submission: Option<PathBuf>,

    /// Grade only these challenges: `--only c04`, `--only c01,c04`, `--only c01 --only c04`.
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub only: Vec<String>,

    /// The report's format (docs/FORMATS.md). Several at once only with `grader batch`.
    #[arg(long, value_enum, default_values_t = [Format::Table])]
    pub format: Vec<Format>,

    /// Write the report to FILE (creating its folders) instead of printing it.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// With `--format classroom`: the result base64-encoded on one line, as GitHub Classroom's
    /// reporter reads it from a step's output.
    #[arg(long)]
    pub base64: bool,

    /// List every check, passing ones too.
    #[arg(long, short)]
    pub verbose: bool,

    /// Do not show build progress on stderr.
    #[arg(long, short)]
    pub quiet: bool,

    /// The memory a check runner may use (`2GiB`, `512MiB`); a check that goes over crashes with a
    /// message naming the limit. Default: 2 GiB, or half the machine's memory if that is less.
    #[arg(long, value_name = "SIZE")]
    pub memory_limit: Option<String>,

    /// Grade as on a shared grading machine: the learner's code cannot see the kit (its
    /// solutions, checks and history) while it builds or runs. Implied by `--submission`.
    #[arg(long)]
    pub sealed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for people.
    Table,
    /// The JSON report of docs/GRADER.md.
    Json,
    /// Gradescope's results.json.
    Gradescope,
    /// JUnit XML, for CI test reports.
    Junit,
    /// Exercism's test-runner results.json (version 3).
    Exercism,
    /// GitHub Classroom's runner result (see --base64).
    Classroom,
}

impl From<Format> for grader_core::report::Format {
    fn from(format: Format) -> Self {
        use grader_core::report::Format as Core;
        match format {
            Format::Table => Core::Table,
            Format::Json => Core::Json,
            Format::Gradescope => Core::Gradescope,
            Format::Junit => Core::Junit,
            Format::Exercism => Core::Exercism,
            Format::Classroom => Core::Classroom,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Commands {
    /// Show the hints of a question, one more each time you ask.
    Hint {
        /// The challenge: `c04`, `4` or `heartbeat`.
        challenge: String,
        /// The question (`q1`); may be left out when the challenge has only one.
        question: Option<String>,
        /// Forget which hints were shown and start over.
        #[arg(long)]
        reset: bool,
    },
    /// List the challenges and their questions.
    List,
    /// Grade every submission under DIR: a report each, gradebook.csv and class.html.
    ///
    /// DIR holds one folder per learner: their clone of the kit, or its exercises/ folder. Run it
    /// again after an interruption: submissions unchanged since their report are not graded twice.
    Batch {
        /// The folder holding one folder per submission.
        dir: PathBuf,
        /// Where to write the reports (default: `<DIR>-grades` next to DIR).
        #[arg(long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Grade only these challenges (the ones assigned so far): `--only c01,c02`.
        #[arg(long, value_name = "ID", value_delimiter = ',')]
        only: Vec<String>,
        /// Formats to write for each submission, besides report.json and report.html (repeatable).
        #[arg(long, value_enum)]
        format: Vec<Format>,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Re-grade the challenge whose files you save, until you press q.
    Watch {
        /// Watch this copy of exercises/ instead (for the kit's tests).
        #[arg(long, value_name = "DIR", hide = true)]
        exercises: Option<PathBuf>,
    },
    /// Put a challenge's stub back as shipped. Your files are backed up first, in
    /// .tokio-challenges/backups/, and `grader restore` brings them back. Asks before it replaces
    /// files you edited.
    Reset {
        /// The challenge: `c04`, `4` or `heartbeat`.
        challenge: String,
        /// Replace edited files without asking (for scripts; they are still backed up).
        #[arg(long, short)]
        yes: bool,
    },
    /// Undo a `reset` (or a `swap`): put the challenge's latest backup back. What its folder holds
    /// now is backed up first, so `restore` again undoes the restore.
    Restore {
        /// The challenge: `c04`, `4` or `heartbeat`.
        challenge: String,
    },
    /// For a class demo: the reference solution in exercises/, then your own files back.
    Swap {
        /// The challenge: `c04`, `4` or `heartbeat`.
        challenge: String,
        /// What to put in exercises/.
        #[arg(long, value_enum)]
        to: crate::learner::swap::To,
    },
    /// Ready-made for the engines that grade a class: the Gradescope autograder zip (no solutions/
    /// inside), or the GitHub Classroom workflow.
    Package {
        /// `gradescope` (the autograder zip) or `github` (the GitHub Classroom workflow).
        engine: Engine,
        /// Where to write it (`-` prints the workflow). Default: target/gradescope-autograder.zip,
        /// or classroom/github/classroom.yml.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// How fast is your server? Measures it against the reference solution's and a bare-tokio
    /// floor, run after run, and shows the ratios (server challenges: c01, c04, c10, c11, c12, c14).
    /// Grades nothing unless a plan gives the bench question points; never fails a build.
    Bench {
        /// The challenges: `c10`, `10` or `echo` (every server challenge when none is given).
        challenges: Vec<String>,
        /// Bench the reference solutions (against themselves).
        #[arg(long, conflicts_with = "submission")]
        solutions: bool,
        /// Bench a learner's copy (their clone of the kit, or its exercises/ folder), sealed.
        #[arg(long, value_name = "DIR")]
        submission: Option<PathBuf>,
        /// Runs of each server (1 to 20); figures are given as min / median / max over them.
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=20))]
        runs: u16,
        /// Seconds of load in each run (0.1 to 10).
        #[arg(long, default_value_t = 1.0)]
        seconds: f64,
        /// Idle connections held to measure memory per connection (0 to 5000).
        #[arg(long, default_value_t = 500)]
        idle: usize,
        /// `table` (the figures, bars of the ratios, a latency histogram) or `json` (every figure).
        #[arg(long, value_enum, default_value_t = BenchFormat::Table)]
        format: BenchFormat,
        /// Write to FILE instead of printing.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Do not show progress on stderr.
        #[arg(long, short)]
        quiet: bool,
    },
    /// For the kit's authors: check its structure, scaffold a challenge.
    #[command(subcommand)]
    Dev(DevCommand),
}

/// What `grader bench` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchFormat {
    Table,
    Json,
}

/// What `grader package` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    /// Gradescope's autograder zip: setup.sh and run_autograder at its root, the kit without
    /// solutions/ beside them.
    Gradescope,
    /// GitHub Classroom's workflow: one step per challenge, then the grading reporter.
    Github,
}

#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Check the kit's structure without building anything: plans, suites, mirrors, stubs,
    /// README totals, spec tables and wrong answers.
    Check,
    /// Scaffold a challenge in its five places (exercise, solution, plan, checks, wrong answers).
    New {
        /// The challenge's folder name, `cNN-slug` (e.g. `c10-echo`).
        name: String,
        /// Its title, e.g. "Echo Server and Client".
        title: String,
    },
    /// Write made-up submissions (finished, half-finished, with mistakes, broken, panicking,
    /// untouched, not a kit) for trying and measuring `grader batch`.
    FakeClass {
        /// A new (or empty) folder.
        dir: PathBuf,
        /// How many submissions.
        #[arg(long, default_value_t = 30)]
        count: usize,
    },
    /// Write every fact derived from the plans: the READMEs' point lines and the root table, the
    /// stubs' records, the GitHub Classroom workflow.
    Sync,
    /// Mutation testing (cargo-mutants) of the reference answers, with each challenge's checks as
    /// the test: every mutant the checks let through needs a check or an explanation.
    Mutants {
        /// The challenges (all when none is named): `c04`, `c01 c04`.
        challenges: Vec<String>,
        /// Only list the mutants.
        #[arg(long)]
        list: bool,
        /// Write the counts into docs/MUTANTS.md.
        #[arg(long)]
        record: bool,
        /// More arguments for cargo-mutants, after `--`: `-- --re heartbeat`.
        #[arg(last = true)]
        extra: Vec<String>,
    },
    /// Grade wrong answers (tests/wrong/, or --cases DIR) and say what each lost, in which question.
    Wrong {
        /// Only these challenges: `c04`, `c01 c04`.
        challenges: Vec<String>,
        /// A folder of cases laid out as tests/wrong/ (`<challenge dir>/<case>.toml`), e.g. a red
        /// team's, whose cases need not list `fails`: they are judged by where they were caught.
        #[arg(long, value_name = "DIR")]
        cases: Option<PathBuf>,
        /// Only the cases of these names.
        #[arg(long, value_name = "NAME", value_delimiter = ',')]
        case: Vec<String>,
        /// The cases are unusual but correct answers: each must lose nothing.
        #[arg(long)]
        correct: bool,
        /// Grade each round this many times: a case that loses different checks from run to run
        /// is reported as flaky.
        #[arg(long, default_value_t = 1, value_name = "N")]
        runs: usize,
        /// Also write the results as JSON to FILE.
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// Show every lost check's message, not only those of unexpected results.
        #[arg(long, short)]
        verbose: bool,
        /// Grade every case and write what each lost to tests/verdicts.txt, the record that
        /// `cargo test` trusts for cases unchanged since (see CONTRIBUTING.md).
        #[arg(long, conflicts_with = "runs")]
        record: bool,
        /// Grade every case, also those the record has.
        #[arg(long)]
        all: bool,
    },
}

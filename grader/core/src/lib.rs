//! The grader's core, free of async code so that the `grader` CLI builds in seconds.
//!
//! - [`plan`]: a challenge's questions, checks, points, limits and hints (`challenge.toml`);
//! - [`event`] and [`supervise`]: the protocol with a check runner process, and surviving it;
//! - [`sandbox`]: where a runner runs (its session, limits, network and view of the files);
//! - [`scoring`]: from outcomes to points;
//! - [`report`]: the table and the JSON report of docs/GRADER.md;
//! - [`wrong`]: the kit's wrong answers, as edits of the reference solutions;
//! - [`todo_marks`]: where each question starts in a stub;
//! - [`tree`]: the one walker of the kit's folders, and its skip rules.

#[cfg(not(unix))]
compile_error!("the grader runs on Linux and macOS (on Windows, use WSL)");

pub mod cargo_env;
pub mod event;
pub mod plan;
pub mod report;
pub mod sandbox;
pub mod scoring;
pub mod status;
pub mod supervise;
pub mod todo_marks;
pub mod tree;
pub mod wrong;

mod report_model;

pub use event::Event;
pub use plan::{ChallengePlan, CheckPlan, QuestionPlan, SpecRow};
pub use report_model::{ChallengeReport, CheckReport, QuestionReport, Report};
pub use status::{ChallengeStatus, Status};

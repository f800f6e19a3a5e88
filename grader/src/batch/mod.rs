//! `grader batch DIR`: grading a class. Every submission under DIR is graded in turn (see
//! [`run`]); the results land in an output folder as they come: one folder of reports per
//! submission, `gradebook.csv` and `class.html`.

pub mod class_report;
mod gradebook;
mod html;
mod run;
mod stage;
pub mod submission_page;
mod submissions;
#[cfg(test)]
mod tests;

pub use run::{Batch, run};
pub use stage::{mirror, stage};

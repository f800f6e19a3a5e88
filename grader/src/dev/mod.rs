//! `grader dev`: commands for the kit's authors, as rustlings' `dev` commands are.
//!
//! - `dev check`: the kit's structure, build-free (run by `.ci/run` and by the kit's tests);
//! - `dev new cNN-slug "Title"`: scaffolds a challenge that `dev check` accepts;
//! - `dev fake-class DIR`: made-up submissions for trying and measuring `grader batch`.
//! - `dev sync`: writes every fact derived from the plans (point lines, records, the workflow);
//! - `dev mutants`: mutation testing (cargo-mutants) of the reference answers against the checks;
//! - `dev wrong`: grades wrong answers and says what each lost, in which question.

pub mod check;
mod check_audit;
mod check_bench;
pub mod fake_class;
pub mod features;
pub mod mutants;
pub mod new;
mod scan;
mod shipped;
pub mod sync;
pub mod wrong;
mod wrong_record;

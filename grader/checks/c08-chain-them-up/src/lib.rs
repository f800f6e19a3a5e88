//! The checks of challenge 8, chain them up, one module per question ([`q1`], [`q2`]); what both
//! share is in [`support`].
//!
//! The stages are synchronous (a stage fires its callbacks as soon as it is fired), so each check
//! builds three stages, links them with the learner's `link` or `link_in_one`, fires d1 and looks at
//! what was printed (a buffer handed in through `Transcript::new`) and where each stage ended up.
//! The relay checks use stages of their own, where d2 changes the outcome, to tell a chain
//! (d1 → d2 → d3) from a fan-out (d1 → d2 and d1 → d3), which prints the same three lines. Q1's
//! checks call only `link`, Q2's only `link_in_one`: a mistake in one costs nothing in the other.

mod q1;
mod q2;
mod support;

use harness::{Suite, paused};

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            paused("q1-lines", q1::lines),
            paused("q1-quiet", q1::quiet),
            paused("q1-errors", q1::errors),
            paused("q1-relay", q1::relay),
            paused("q2-head", q2::head),
            paused("q2-errors", q2::errors),
            paused("q2-relay", q2::relay),
        ],
    )
}

//! The checks of challenge 3, message relay, by question: `q1` and `q2`, on what they share
//! (`support`).
//!
//! Every step of a chain is a ready future, so a chain ends as soon as it is awaited; the checks
//! still run on a paused clock, where a chain that never ends is a timeout after 2 virtual seconds
//! (which cost nothing). What the persons say goes to a buffer that the check hands in through
//! `Transcript::new`, and is compared byte for byte. The given unfixed chains are run as given:
//! a step added inside them instead of in `q1`/`q2` shows there.

mod q1;
mod q2;
mod support;

use harness::{Suite, paused};

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            paused("q1-transcript", q1::transcript_check),
            paused("q1-value", q1::value),
            paused("q1-unfixed-err", q1::unfixed_err),
            paused("q2-transcript", q2::transcript_check),
            paused("q2-no-blame", q2::no_blame),
            paused("q2-value", q2::value),
            paused("q2-unfixed-err", q2::unfixed_err),
        ],
    )
}

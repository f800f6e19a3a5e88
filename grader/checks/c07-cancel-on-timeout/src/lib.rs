//! The checks of challenge 7, cancel on timeout.
//!
//! The timing checks run in virtual time (a paused clock): waiting 2 s costs nothing, and the
//! timeout must fire at 2.000 s exactly, the canceller must not have been called at 1.999 s. The
//! learner's `with_timeout` writes to a writer the check holds, so the check can look at the output
//! while the call is still running. One check uses real time and a real socket: a server that reads
//! the request and never answers, a 200 ms timeout, and the connection closed by the cancellation.

mod cancel;
mod support;
mod timing;

use harness::{Suite, paused, real};

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            paused("two-lines", timing::two_lines),
            paused("fires-at-2s", timing::fires_at_two_seconds),
            paused("other-timeouts", timing::other_timeouts),
            paused("inner-first", cancel::inner_first),
            paused("drops-inner", cancel::drops_inner),
            real("never-answers", cancel::never_answers),
        ],
    )
}

//! The checks of challenge 7, cancel on timeout (one question).
//!
//! The timing checks run in virtual time (a paused clock): waiting 2 s costs nothing, and the
//! timeout must fire at 2.000 s exactly, the canceller must not have been called at 1.999 s. The
//! learner's `with_timeout` writes to a writer the check holds, so the check can look at the output
//! while the call is still running ([`q1_timing`]). The cancellation checks watch the inner future
//! through a guard that notes when it is dropped, and the canceller notes whether it had been
//! ([`q1_cancel`]). One check uses real time and a real socket: a server that reads the request and
//! never answers, a 200 ms timeout, and the connection closed by the cancellation.

mod q1_cancel;
mod q1_timing;
mod support;

use harness::{Suite, paused, real};

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            paused("two-lines", q1_timing::two_lines),
            paused("fires-at-2s", q1_timing::fires_at_two_seconds),
            paused("other-timeouts", q1_timing::other_timeouts),
            paused("log-error", q1_timing::log_error),
            paused("inner-first", q1_cancel::inner_first),
            paused("drops-inner", q1_cancel::drops_inner),
            real("never-answers", q1_cancel::never_answers),
        ],
    )
}

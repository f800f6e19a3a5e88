//! The checks of challenge 5, who got "yes" first: Q1 (`get_all`) in [`q1`], Q2 in
//! [`q2_first_yes`] (the callback, the errback, `get_first_yes`'s winner, timing and cancelling)
//! and [`q2_shown`] (what it shows on the way), Q3 (`display_unexpected_answer`) in [`q3`].
//!
//! The API is [`RawHttp`](harness::rawhttp::RawHttp), with one route per request, so each of the
//! three requests gets its own scripted answer and delay (tens of milliseconds; the "slow no" takes
//! 2 s and must not be waited for), or a dropped connection, or no answer ever; it counts the
//! requests in flight and sees when a client closes a request's connection. The callback and
//! errback functions are checked directly. Timestamps are parsed, never compared.
//!
//! Q2's checks judge what `get_first_yes` prints modulo the learner's own Q3 display
//! ([`support::displayed`]), so a mistake in the display costs Q3's points only.

mod q1;
mod q2_first_yes;
mod q2_shown;
mod q3;
mod support;

use harness::{Suite, paused, real};

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            real("all-shapes", q1::all_shapes),
            real("all-concurrent", q1::all_concurrent),
            real("all-errors-in-place", q1::all_errors_in_place),
            paused("filter-answer", q2_first_yes::filter_answer_check),
            paused("handle-unexpected", q2_first_yes::handle_unexpected),
            real("stop-waiting", q2_first_yes::stop_waiting),
            real("first-by-completion", q2_first_yes::first_by_completion),
            real("first-yes-index", q2_first_yes::first_yes_index),
            real("all-no", q2_first_yes::all_no),
            real("maybe-not-yes", q2_first_yes::maybe_not_yes),
            real("errors-skipped", q2_shown::errors_skipped),
            real("cancels-rest", q2_first_yes::cancels_rest),
            real("prints-each-no", q2_shown::prints_each_no),
            paused("prints-no", q3::prints_no),
            real("errors-not-a-no", q3::errors_not_a_no),
        ],
    )
}

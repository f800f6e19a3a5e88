//! The checks of challenge 6, concurrency limit: Q1 (`format_size`) in [`q1`], Q2 (`download`) in
//! [`q2_limits`] (how many requests are in flight, when and in which order they start) and
//! [`q2_lines`] (what is printed for each URL), with what they share in [`support`].
//!
//! `download` runs against [`RawHttp`](harness::rawhttp::RawHttp), a server on raw TCP that counts
//! the requests in flight at its end (from the request head read to the answer begun), so the limit
//! is measured where it matters, not guessed from timings. Its responses are delayed by tens of
//! milliseconds; a check's call to `download` is bounded at 2 s, which also catches a `download`
//! that never returns. Where a check can tell sooner that `download` is stuck (no request reached
//! the server, or a body is being waited for), it fails at once.
//!
//! Q2's checks judge Q2 only: a size line's text is judged by `lines-in-order` alone, and there a
//! size written as the learner's own `format_size` writes it (what Q2 promises: "through
//! `format_size`") is accepted as well as Python's, so a mistake in `format_size` costs Q1 only.
//! The other checks tell a size line only from `unknown` and `error: …`.

mod q1;
mod q2_limits;
mod q2_lines;
mod support;
mod worker;

use harness::{Suite, paused, real};

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            paused("python-round", q1::python_round),
            paused("ties-to-even", q1::ties_to_even),
            real("peak-two", q2_limits::peak_two),
            real("peak-other", q2_limits::peak_other),
            real("zero-max-run", q2_limits::zero_max_run),
            real("all-requested", q2_limits::all_requested),
            real("start-order", q2_limits::start_order),
            real("lines-in-order", q2_lines::lines_in_order),
            real("slow-no-block", q2_limits::slow_no_block),
            real("total-time", q2_limits::total_time),
            real("error-terminates", q2_lines::error_terminates),
            real("error-reason", q2_lines::error_reason),
            real("status-error", q2_lines::status_error),
            real("unknown-length", q2_lines::unknown_length),
            real("body-unread", q2_lines::body_unread),
        ],
    )
}

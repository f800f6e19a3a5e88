//! The checks of challenge 6, concurrency limit.
//!
//! `download` runs against [`RawHttp`](harness::rawhttp::RawHttp), a server on raw TCP that counts
//! the requests in flight at its end (from the request head read to the answer begun), so the limit
//! is measured where it matters, not guessed from timings. Its responses are delayed by tens of
//! milliseconds; a check's call to `download` is bounded at 2 s, which also catches a `download`
//! that never returns. Where a check can tell sooner that `download` is stuck (no request reached
//! the server, or a body is being waited for), it fails at once.
//!
//! Q2's checks judge Q2 only: a size is compared as a number (to within 0.01 MiB), so how
//! `format_size` writes it (`1.0` or `1`) is Q1's business alone.

mod limits;
mod lines;
mod q1;
mod support;

use harness::{Suite, paused, real};

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            paused("python-round", q1::python_round),
            paused("ties-to-even", q1::ties_to_even),
            real("peak-two", limits::peak_two),
            real("peak-other", limits::peak_other),
            real("zero-max-run", limits::zero_max_run),
            real("all-requested", limits::all_requested),
            real("lines-in-order", lines::lines_in_order),
            real("slow-no-block", limits::slow_no_block),
            real("total-time", limits::total_time),
            real("error-terminates", lines::error_terminates),
            real("status-error", lines::status_error),
            real("unknown-length", lines::unknown_length),
            real("body-unread", lines::body_unread),
        ],
    )
}

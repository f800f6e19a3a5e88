//! The checks of challenge 2, Deferred 101, by question: `q1` (`chained_call`) and `q2`
//! (`inline_call`), on what they share:
//!
//! - `pages`: scripted pages served by a raw HTTP server on loopback
//!   ([`harness::rawhttp::RawHttp`]), what a call must return for each (the text, or the
//!   `FetchError` variant), compared with what the learner's function and the given
//!   `synchronous_call` (run on a blocking thread, where blocking code belongs) return;
//! - `overlap` and `gate`: a server that holds each request until the other one has arrived, which
//!   sees whether two calls polled together really had their requests out at the same time,
//!   without measuring a duration;
//! - `support`: which answer a check calls.
//!
//! `q1::lazy` also looks at the future `chained_call` returns before anything polls it: no
//! request, no task spawned, and a chain of combinators rather than an `async` block (`shape`).

mod gate;
mod overlap;
mod pages;
mod q1;
mod q2;
mod shape;
mod support;

use harness::{Suite, real, real_current_thread};

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            real("chained-page", q1::page),
            real("chained-python-spaces", q1::python_spaces),
            real("chained-charsets", q1::charsets),
            real("chained-errors", q1::errors),
            real("chained-overlap", q1::chained_overlap),
            // One thread: a task spawned by `chained_call` cannot even start before it is counted.
            real_current_thread("chained-lazy", q1::lazy),
            real("inline-page", q2::page),
            real("inline-errors", q2::errors),
            real("inline-overlap", q2::inline_overlap),
        ],
    )
}

//! The checks of challenge 9, synchronous functions, one module per question.
//!
//! [`q1`]: `hello_world` is polled once by hand (`now_or_never`): a future that is already complete
//! gives its value at the first poll. [`q2`]: `to_future` runs on a current-thread runtime with a
//! real clock — one thread for every task, like Twisted's reactor — next to a 50 ms ticker: if the
//! blocking function runs on that thread, the ticker cannot tick until it returns.

mod q1;
mod q2;
mod support;

use harness::{Suite, paused, real_current_thread};

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            paused("q1-value", q1::value),
            paused("q1-ready", q1::ready),
            paused("q2-value", q2::value),
            real_current_thread("q2-no-stall", q2::no_stall),
            real_current_thread("q2-error", q2::error),
            real_current_thread("q2-panic", q2::panic),
            real_current_thread("q2-cancelled", q2::cancelled),
        ],
    )
}

//! The checks of challenge 5, who got "yes" first.
//!
//! The API is a wiremock server ([`MockHttp`]) with one route per request, so each of the three
//! requests gets its own scripted answer and delay (tens of milliseconds; the "slow no" takes 2 s
//! and must not be waited for). A dropped connection, a request that never gets an answer, and the
//! count of requests in flight come from [`RawHttp`], which observes its clients. The callback and
//! errback functions are checked directly. Timestamps are parsed, never compared.

mod all;
mod display;
mod first_yes;
mod shown;
mod support;

use harness::{Suite, paused, real};

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            real("all-shapes", all::all_shapes),
            real("all-concurrent", all::all_concurrent),
            real("all-errors-in-place", all::all_errors_in_place),
            paused("filter-answer", first_yes::filter_answer_check),
            paused("handle-unexpected", first_yes::handle_unexpected),
            real("stop-waiting", first_yes::stop_waiting),
            real("first-by-completion", first_yes::first_by_completion),
            real("first-yes-index", first_yes::first_yes_index),
            real("all-no", first_yes::all_no),
            real("maybe-not-yes", first_yes::maybe_not_yes),
            real("errors-skipped", shown::errors_skipped),
            real("cancels-rest", first_yes::cancels_rest),
            real("prints-each-no", shown::prints_each_no),
            paused("prints-no", display::prints_no),
            real("errors-not-a-no", display::errors_not_a_no),
        ],
    )
}

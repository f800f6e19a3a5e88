//! The checks of challenge 11, triforce.
//!
//! Q1 (the glue, [`q1`], [`q1_close`], [`q1_flow`]) is checked on real TCP with a recording factory
//! of the checks' own: every callback, its order and the task that made it ([`record`]); tasks left
//! behind are counted with `harness::tasks::Tasks`. A large write goes through a listener with a
//! small send buffer ([`q1_flow`]); how long the glue lingers after closing is judged in virtual
//! time: `lost-once-lose` runs on a current-thread runtime and pauses its clock once the client has
//! the EOF ([`q1_close`]). Q2 ([`q2`]) and Q3 ([`q3`]) are protocols:
//! their callbacks are called directly, as a glue would, so they are judged without Q1's answer;
//! that a line is kept to 64 KiB is measured with a counting allocator ([`memory`]).

mod memory;
mod q1;
mod q1_close;
mod q1_common;
mod q1_flow;
mod q2;
mod q3;
mod record;

use harness::{Suite, paused, real, real_current_thread};

/// Counts live heap bytes, for the checks that a line is kept to 64 KiB ([`memory`]).
#[global_allocator]
static ALLOC: harness::memory::Counting = harness::memory::Counting;

/// The checks, bound to `challenge.toml`, and the `triforce` binary.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            real("made-first", q1::made_first),
            real("data-in-order", q1::data_in_order),
            real("write-order", q1::write_order),
            real("lost-once-clean", q1::lost_once_clean),
            real("lost-once-reset", q1::lost_once_reset),
            real("lose-flushes", q1_close::lose_flushes),
            real("lose-nothing-after", q1_close::lose_nothing_after),
            real_current_thread("lost-once-lose", q1_close::lost_once_lose),
            real("one-per-connection", q1::one_per_connection),
            real("one-task", q1::one_task),
            real("hundred-clients", q1::hundred_clients),
            real("shutdown", q1_close::shutdown),
            real("backpressure", q1_flow::backpressure),
            paused("no-per-line", q2::no_per_line),
            paused("line-in-pieces", q2::line_in_pieces),
            paused("several-per-chunk", q2::several_per_chunk),
            paused("tail-unanswered", q2::tail_unanswered),
            paused("names", q3::names),
            paused("wrap", q3::wrap),
            paused("who", q3::who),
            paused("live-set", q3::live_set),
            paused("own-state", q3::own_state),
        ],
    )
    .binary("triforce", challenge::cli::main)
    // What `triforce --obstinate` serves: the glue (Q1) driving `ObstinateProtocol` (Q2).
    .bench(|listener| {
        Box::pin(async move {
            let factory = |_peer| {
                Box::new(challenge::obstinate::ObstinateProtocol::default())
                    as Box<dyn challenge::twisted::Protocol>
            };
            let _ = challenge::glue::serve(listener, factory, std::future::pending::<()>()).await;
        })
    })
}

//! The checks of challenge 4, heartbeat (one question).
//!
//! Timing is checked in virtual time on in-memory streams driving the learner's `heartbeat`, with
//! reads and writes cut small and spurious wake-ups ([`harness::io::chopped_duplex`]): exact to the
//! millisecond and instant to run ([`q1_beats`]). What the client sends is checked the same way,
//! against clients that send bytes that are not text and clients that never stop sending
//! ([`q1_input`]: rhythm kept, memory flat). Leaks and load are checked on real TCP through `serve`
//! ([`q1_tcp`]), without depending on when the first beat comes: a late first `*` costs
//! `first-beat` only.

mod q1_beats;
mod q1_input;
mod q1_tcp;
mod support;

use harness::{Suite, paused, real};

/// `bounded-memory` reads the live heap bytes (`harness::memory`).
#[global_allocator]
static ALLOC: harness::memory::Counting = harness::memory::Counting;

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            paused("first-beat", q1_beats::first_beat),
            paused("every-3s", q1_beats::every_three_seconds),
            paused("no-burst", q1_beats::no_burst),
            paused("own-phase", q1_beats::own_phase),
            paused("input-ignored", q1_input::input_ignored),
            paused("steady-under-flood", q1_input::steady_under_flood),
            paused("bounded-memory", q1_input::bounded_memory),
            real("no-leak", q1_tcp::no_leak),
            real("hundred-clients", q1_tcp::hundred_clients),
        ],
    )
    .bench(|listener| {
        Box::pin(async move {
            let _ = challenge::serve(listener).await;
        })
    })
}

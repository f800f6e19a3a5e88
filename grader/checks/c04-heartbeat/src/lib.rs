//! The checks of challenge 4, heartbeat.
//!
//! Timing is checked in virtual time on in-memory streams (`tokio::io::duplex`) driving the
//! learner's `heartbeat`: exact to the millisecond and instant to run ([`timing`]). Leaks and load
//! are checked on real TCP through `serve` ([`tcp`]), without depending on when the first beat
//! comes: a late first `*` costs `first-beat` only.

mod tcp;
mod timing;

use harness::{Suite, paused, real};

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            paused("first-beat", timing::first_beat),
            paused("every-3s", timing::every_three_seconds),
            paused("no-burst", timing::no_burst),
            paused("own-phase", timing::own_phase),
            paused("input-ignored", timing::input_ignored),
            real("no-leak", tcp::no_leak),
            real("hundred-clients", tcp::hundred_clients),
        ],
    )
}

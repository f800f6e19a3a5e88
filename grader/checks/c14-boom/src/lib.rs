//! The checks of challenge 14, boom.
//!
//! - Q1 ([`q1`], [`boards`]): the game model called directly: no sockets, no clock (time is
//!   passed in).
//! - Q2 ([`q2`]): `Server::play` on in-memory streams in virtual time (what each player sees, and
//!   when), the boards expected computed with the learner's own `Game` ([`support`]); `serve` on
//!   real TCP for 50 players and shutdown; the `boom` binary as a process of its own.
//! - Q3 ([`q3`]): `negotiation`, `screen` and the telnet filter, byte for byte, fed whole, byte by
//!   byte and split at every byte.

mod boards;
mod q1;
mod q2;
mod q3;
mod support;

use harness::{Suite, paused, real};

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            paused("board", q1::board_generation),
            paused("letters", q1::letters),
            paused("letters-wrap", q1::letters_wrap),
            paused("moves", q1::moves),
            paused("illegal-moves", q1::illegal_moves),
            paused("fuse", q1::fuse),
            paused("blast-shape", q1::blast_shape),
            paused("flames", q1::flames),
            paused("deaths", q1::deaths),
            paused("dead-frozen", q1::dead_frozen),
            paused("into-flame", q1::into_flame),
            paused("chain", q1::chain),
            paused("leave", q1::leave),
            paused("stacking", q1::stacking),
            paused("join-board", q2::join_board),
            paused("broadcast-moves", q2::broadcast_moves),
            paused("personal-replies", q2::personal_replies),
            paused("fuse-timing", q2::fuse_timing),
            paused("disconnect", q2::disconnect),
            paused("stalled-player", q2::stalled_player),
            paused("telnet-replies", q2::telnet_replies),
            real("fifty-players", q2::fifty_players),
            real("shutdown", q2::shutdown),
            real("binary", q2::binary),
            paused("negotiation", q3::negotiation_bytes),
            paused("screen", q3::screen_bytes),
            paused("plain-data", q3::plain_data),
            paused("commands-filtered", q3::commands_filtered),
            paused("iac-iac", q3::iac_iac),
            paused("refuses-options", q3::refuses_options),
            paused("no-loops", q3::no_loops),
        ],
    )
    .binary("boom", challenge::cli::main)
}

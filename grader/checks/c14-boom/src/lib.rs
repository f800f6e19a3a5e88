//! The checks of challenge 14, boom, by question.
//!
//! - Q1 ([`q1`], [`q1_bombs`], [`boards`]): the game model called directly: no sockets, no clock
//!   (time is passed in).
//! - Q2 ([`q2`], [`q2_tcp`]): `Server::play` on in-memory streams in virtual time (what each
//!   player sees, and when), the server's end chopped into small reads and partial writes; the
//!   boards expected come from the learner's own `Game` given the same calls as the server's
//!   ([`support`]), so a Q1 mistake costs Q1 only. `serve` on real TCP for 50 players and
//!   shutdown; the `boom` binary as a process of its own.
//! - Q3 ([`q3`]): `negotiation`, `screen` and the telnet filter, byte for byte, fed whole, byte by
//!   byte and split at every byte and every pair of bytes.

mod boards;
mod q1;
mod q1_bombs;
mod q2;
mod q2_tcp;
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
            paused("fuse", q1_bombs::fuse),
            paused("blast-shape", q1_bombs::blast_shape),
            paused("flames", q1_bombs::flames),
            paused("deaths", q1_bombs::deaths),
            paused("dead-frozen", q1_bombs::dead_frozen),
            paused("into-flame", q1_bombs::into_flame),
            paused("chain", q1_bombs::chain),
            paused("leave", q1::leave),
            paused("stacking", q1::stacking),
            paused("join-board", q2::join_board),
            paused("broadcast-moves", q2::broadcast_moves),
            paused("personal-replies", q2::personal_replies),
            paused("fuse-timing", q2::fuse_timing),
            paused("disconnect", q2::disconnect),
            paused("stalled-player", q2::stalled_player),
            paused("telnet-replies", q2::telnet_replies),
            real("fifty-players", q2_tcp::fifty_players),
            real("shutdown", q2_tcp::shutdown),
            real("binary", q2_tcp::binary),
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
    .bench(|listener| {
        Box::pin(async move {
            let config = challenge::server::Config::default();
            let _ = challenge::server::serve(listener, config, std::future::pending::<()>()).await;
        })
    })
}

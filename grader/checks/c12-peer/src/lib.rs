//! The checks of challenge 12, peer.
//!
//! - Q1 ([`codec`]): `decode` and `encode` called directly, and `FramedRead` over reads scripted
//!   with `tokio_test::io::Builder`: no time, no sockets.
//! - Q2 ([`server`]): `serve` on real TCP and a real clock (its timing is not an interval: the
//!   log's seconds are judged against bounds the check measures); the log file is read after the
//!   check completes the shutdown future and `serve` returns. ([`client`]): `session` through
//!   in-memory streams in virtual time, `run` on real TCP with no timer involved.
//! - Q3 ([`multicast`]): `multicast` through in-memory streams in virtual time; `run_many` on real
//!   TCP. ([`cli`]): `parse_addr`, then the `peer` binary as a process of its own.
//!
//! Peers played by the checks write whole tokens, so that a codec bug costs Q1's points only.

mod cli;
mod client;
mod codec;
mod multicast;
mod peers;
mod server;
mod support;

use harness::{Suite, paused, real};

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            paused("decode-tokens", codec::decode_tokens),
            paused("encode", codec::encode),
            paused("split-reads", codec::split_reads),
            paused("coalesced-reads", codec::coalesced_reads),
            paused("outside-ignored", codec::outside_ignored),
            paused("token-limit", codec::token_limit),
            paused("junk-bounded", codec::junk_bounded),
            real("connection-up", server::connection_up),
            real("prints-connected", server::prints_connected),
            real("acks-updates", server::acks_updates),
            real("log-lines", server::log_lines),
            real("log-seconds", server::log_seconds),
            real("log-at-start", server::log_at_start),
            real("nothing-lost", server::nothing_lost),
            real("shutdown", server::shutdown),
            real("long-token", server::long_token),
            real("bad-input", server::bad_input),
            real("many-clients", server::many_clients),
            paused("first-update", client::first_update),
            paused("every-5s", client::every_5s),
            paused("counts-acks", client::counts_acks),
            paused("returns-on-loss", client::returns_on_loss),
            real("run-report", client::run_report),
            real("run-refused", client::run_refused),
            paused("multicast-updates", multicast::multicast_updates),
            paused("multicast-counts", multicast::multicast_counts),
            paused("one-down", multicast::one_down),
            paused("one-silent", multicast::one_silent),
            real("run-many-report", multicast::run_many_report),
            real("parse-addr", cli::parse_addresses),
            real("cli-errors", cli::cli_errors),
            real("cli-usage", cli::cli_usage),
        ],
    )
    .binary("peer", challenge::cli::main)
}

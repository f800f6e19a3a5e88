//! The checks of challenge 12, peer, by question.
//!
//! - Q1 ([`q1`], driven by [`q1_feed`]): one `PeerCodec::default()` per stream, fed as
//!   `FramedRead` feeds it, every stream whole, cut in two at every byte and a byte at a time, and
//!   judged after every read; `FramedRead` itself over reads of 1–7 bytes; `encode` directly.
//! - Q2 ([`q2_server`], [`q2_log`]): `serve` on real TCP and a real clock (its timing is not an
//!   interval: the log's seconds are judged against bounds the check measures); the log is read the
//!   moment `serve` returns, on a current-thread runtime where nothing else runs in between.
//!   ([`q2_client`]): `session` through in-memory streams in virtual time against peers of
//!   [`peers`], `run` on real TCP with no timer involved.
//! - Q3 ([`q3_multicast`]): `multicast` through in-memory streams in virtual time; `run_many` on
//!   real TCP. ([`q3_cli`]): `parse_addr`, then the `peer` binary as a process of its own.
//!
//! Peers played by the checks write one whole token at a time, so that a codec bug costs Q1's
//! points only; when a Q2 check fails and the learner's codec gets those tokens wrong, its message
//! says Q1 is the likely cause ([`support::codec_note`]).

mod peers;
mod q1;
mod q1_feed;
mod q2_client;
mod q2_log;
mod q2_server;
mod q3_cli;
mod q3_multicast;
mod support;

use harness::{Suite, paused, real, real_current_thread};

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            paused("decode-tokens", q1::decode_tokens),
            paused("encode", q1::encode),
            paused("split-reads", q1::split_reads),
            paused("coalesced-reads", q1::coalesced_reads),
            paused("outside-ignored", q1::outside_ignored),
            paused("token-limit", q1::token_limit),
            paused("junk-bounded", q1::junk_bounded),
            real("connection-up", q2_server::connection_up),
            real("prints-connected", q2_server::prints_connected),
            real("acks-updates", q2_server::acks_updates),
            real_current_thread("log-lines", q2_log::log_lines),
            real_current_thread("log-seconds", q2_log::log_seconds),
            real_current_thread("log-at-start", q2_log::log_at_start),
            real_current_thread("nothing-lost", q2_log::nothing_lost),
            real("shutdown", q2_server::shutdown),
            real("long-token", q2_server::long_token),
            real("bad-input", q2_server::bad_input),
            real("many-clients", q2_server::many_clients),
            paused("first-update", q2_client::first_update),
            paused("every-5s", q2_client::every_5s),
            paused("counts-acks", q2_client::counts_acks),
            paused("returns-on-loss", q2_client::returns_on_loss),
            real("run-report", q2_client::run_report),
            real("run-refused", q2_client::run_refused),
            paused("multicast-updates", q3_multicast::multicast_updates),
            paused("multicast-counts", q3_multicast::multicast_counts),
            paused("one-down", q3_multicast::one_down),
            paused("one-silent", q3_multicast::one_silent),
            real("run-many-report", q3_multicast::run_many_report),
            real("parse-addr", q3_cli::parse_addresses),
            real("cli-errors", q3_cli::cli_errors),
            real("cli-usage", q3_cli::cli_usage),
        ],
    )
    .binary("peer", challenge::cli::main)
    .bench(|listener| {
        Box::pin(async move {
            // `grader bench` gives each server a temporary folder of its own, removed afterwards.
            let log = std::env::temp_dir().join("peer.log");
            let _ =
                challenge::server::serve(listener, &log, std::io::sink(), std::future::pending::<()>()).await;
        })
    })
}

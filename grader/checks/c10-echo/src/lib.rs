//! The checks of challenge 10, echo.
//!
//! Q1's backpressure, half-close and per-connection log lines are checked on in-memory pipes in
//! virtual time ([`memory`]); exact bytes, many clients, the connection log line and shutdown on
//! real TCP ([`server`]). Q2's client runs against a server of the check's own ([`client`]); Q3
//! runs `both` here and the `echo` binary as a process of its own ([`both`]). Log lines are
//! captured as events with their fields (`harness::logs`), not scraped from text, except the
//! binary's transcript, which is what a learner sees.

mod both;
mod client;
mod memory;
mod server;
mod support;

use harness::{Suite, paused, real, real_current_thread};

/// The checks, bound to `challenge.toml`; the binary `echo` for Q3.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            real("all-bytes", server::all_bytes),
            real("random-mib", server::random_mib),
            paused("half-close", memory::half_close),
            real("half-close-tcp", server::half_close_tcp),
            paused("bounded", memory::bounded),
            real("hundred-clients", server::hundred_clients),
            real("log-connection", server::log_connection),
            paused("log-data", memory::log_data),
            paused("log-lost", memory::log_lost),
            real_current_thread("shutdown", server::shutdown),
            real("client-echo", client::echo),
            real("client-logs", client::logs),
            real("client-refused", client::refused),
            real("both", both::in_process),
            real("both-binary", both::binary),
        ],
    )
    .binary("echo", challenge::cli::main)
}

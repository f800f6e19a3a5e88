//! The checks of challenge 1, identity, by question.
//!
//! - Q1, the server: `q1_server` (the exact reply, one line, concurrency), `q1_input` (invalid
//!   UTF-8, over-long lines), `q1_close` (EOF after the reply, a close a client still sending
//!   survives, a drain of at most a second, an accept loop that outlives a failed accept).
//! - Q1, the client: `q1_client`, against a small reference server written here, so that a bug in
//!   the server does not cost the client's points too; `q1_client_edges` (a reply cut by the
//!   server's close, input that is not UTF-8).
//! - Q2, the log: `q2_log` (exact JSON, `show log` matched exactly, the lock), `q2_order` (accept
//!   order), `q2_many` (100 concurrent clients, a 601-entry log).
//!
//! Every server check starts the learner's server on `127.0.0.1:0` and talks to it over real TCP:
//! TCP behaviour (chunks, half-closes, resets) is what this challenge is about. Checks that
//! involve the server's own timers (its drain, a retry's pause, a time limit on a silent client)
//! run on a paused clock held still, moved only by the check (`support::hold_clock`). Each check
//! judges its own sentence: only `exact-reply` judges a Q1 reply's bytes, and Q2's checks let pass
//! what the learner's Q1 server gets wrong the same way (`q1_shared`).

mod q1_client;
mod q1_client_edges;
mod q1_close;
mod q1_input;
mod q1_server;
mod q1_shared;
mod q2_log;
mod q2_many;
mod q2_order;
mod support;

use harness::{Suite, paused, real};

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            real("exact-reply", q1_server::exact_reply),
            paused("closes-after-reply", q1_close::closes_after_reply),
            paused("close-drains", q1_close::close_drains),
            paused("trims-lf-and-split", q1_server::trims_lf_and_split),
            real("half-close-line", q1_server::half_close_line),
            real("concurrent-clients", q1_server::concurrent_clients),
            paused("idle-client", q1_server::idle_client),
            paused("accept-error", q1_close::accept_error),
            real("invalid-utf8", q1_input::invalid_utf8),
            real("lossy-utf8", q1_input::lossy_utf8),
            real("long-line", q1_input::long_line),
            real("line-cap", q1_input::line_cap),
            real("client-transcript", q1_client::client_transcript),
            real("client-refused", q1_client::client_refused),
            real("client-lost", q1_client::client_lost),
            real("exact-json", q2_log::exact_json),
            real("accept-order", q2_order::accept_order),
            real("trim-and-case", q2_log::trim_and_case),
            paused("log-lock", q2_log::log_lock),
            real("no-lost-entries", q2_many::no_lost_entries),
            paused("long-log", q2_many::long_log),
        ],
    )
    .bench(|listener| {
        Box::pin(async move {
            let _ = challenge::q1::serve(listener).await;
        })
    })
}

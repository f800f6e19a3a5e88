//! The checks of challenge 1, identity.
//!
//! Every check starts the learner's server on `127.0.0.1:0` and talks to it over real TCP, on a
//! real clock: TCP behaviour (chunks, half-closes, resets) is what this challenge is about. The
//! client checks run the learner's `client::run` against a small reference server written here, so
//! that a bug in the server does not cost the client's points too.

mod client;
mod input;
mod log;
mod order;
mod server;
mod support;

use harness::{Suite, real};

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            real("exact-reply", server::exact_reply),
            real("closes-after-reply", server::closes_after_reply),
            real("trims-lf-and-split", server::trims_lf_and_split),
            real("half-close-line", server::half_close_line),
            real("concurrent-clients", server::concurrent_clients),
            real("idle-client", server::idle_client),
            real("invalid-utf8", input::invalid_utf8),
            real("lossy-utf8", input::lossy_utf8),
            real("long-line", input::long_line),
            real("line-cap", input::line_cap),
            real("client-transcript", client::client_transcript),
            real("client-refused", client::client_refused),
            real("client-lost", client::client_lost),
            real("exact-json", log::exact_json),
            real("accept-order", order::accept_order),
            real("trim-and-case", log::trim_and_case),
            real("no-lost-entries", log::no_lost_entries),
            real("long-log", log::long_log),
        ],
    )
}

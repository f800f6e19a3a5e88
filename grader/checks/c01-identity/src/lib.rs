//! The checks of challenge 1, identity.
//!
//! Every check starts the learner's server on `127.0.0.1:0` and talks to it over real TCP, on a
//! real clock: TCP behaviour (chunks, half-closes, resets) is what this challenge is about. The
//! client checks run the learner's `client::run` against a small reference server written here, so
//! that a bug in the server does not cost the client's points too.

mod client;
mod log;
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
            real("concurrent-clients", server::concurrent_clients),
            real("idle-client", server::idle_client),
            real("invalid-utf8", server::invalid_utf8),
            real("long-line", server::long_line),
            real("client-transcript", client::client_transcript),
            real("client-refused", client::client_refused),
            real("exact-json", log::exact_json),
            real("accept-order", log::accept_order),
            real("trim-and-case", log::trim_and_case),
            real("no-lost-entries", log::no_lost_entries),
            real("long-log", log::long_log),
        ],
    )
}


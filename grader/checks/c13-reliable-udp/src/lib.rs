//! The checks of challenge 13, reliable-udp.
//!
//! Every check but the real-socket ones runs the learner's [`Node`] on the harness's simulated
//! network ([`harness::netsim`]) in virtual time: 30-second retries and 20-minute outages cost
//! microseconds, and every datagram's fate follows from the network's seed, which every failure
//! message names.
//!
//! - Q1 ([`sending`]): the check plays the destination on a bare endpoint: it sees the `W`
//!   datagrams with their times and acknowledges what it chooses.
//! - Q2 ([`receiving`]): the check plays the sender with raw datagrams, so Q2 is graded without Q1.
//! - Q3 ([`outage`]): the destination goes down for 20 virtual minutes and comes back; then two
//!   nodes on real UDP sockets, and the `rudp` binary.
//!
//! The two 10,000-message runs ([`whole`]) pair the learner's node with the check's own
//! implementation of the other side ([`reference`]), so each grades one question.

mod outage;
mod real;
mod receiving;
mod reference;
mod sending;
mod support;
mod whole;

use harness::{Suite, paused, real};

/// Memory checks read the live heap bytes (`harness::memory`).
#[global_allocator]
static ALLOC: harness::memory::Counting = harness::memory::Counting;

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            paused("sends-and-completes", sending::sends_and_completes),
            paused("too-large", sending::too_large),
            paused("retry-times", sending::retry_times),
            paused("retry-limit", sending::retry_limit),
            paused("ack-by-seq", sending::ack_by_seq),
            paused("first-alone", sending::first_alone),
            paused("window", sending::window),
            paused("sender-whole", whole::sender_whole),
            paused("acks-every-copy", receiving::acks_every_copy),
            paused("delivers-once", receiving::delivers_once),
            paused("in-order", receiving::in_order),
            paused("old-copies", receiving::old_copies),
            paused("per-sender", receiving::per_sender),
            paused("receive-window", receiving::receive_window),
            paused("bounded-memory", receiving::bounded_memory),
            paused("receiver-whole", whole::receiver_whole),
            paused("failure-once", outage::failure_once),
            paused("backoff", outage::backoff),
            paused("after-outage", outage::after_outage),
            real("real-udp", real::real_udp),
            real("chat", real::chat),
        ],
    )
    .binary("rudp", challenge::cli::main)
}

//! The checks of challenge 13, reliable-udp, by question.
//!
//! Every check but the real-socket ones runs in virtual time: 30-second retries and 20-minute
//! outages cost microseconds. Each question is graded with the checks' own implementation of the
//! other pieces ([`reference`]), so that a mistake costs its own question only:
//!
//! - Q1, the sender ([`q1`], [`q1_window`], [`q1_whole`]): the learner's node on the harness's
//!   simulated network ([`harness::netsim`]: every datagram's fate follows from the seed, which
//!   every failure message names), the check playing the destination on a bare endpoint; or the
//!   learner's `sender` on a detached link ([`rig`]), where every time is exact. Then 10,000
//!   messages to the checks' receiver under loss, and the node on a real UDP socket and in
//!   `rudp chat`.
//! - Q2, the receiver ([`q2`], [`q2_whole`]): the check plays the senders with raw `W` datagrams;
//!   memory with the learner's `Inbox` called directly; 10,000 messages from the checks' sender;
//!   a real UDP socket and `rudp chat` printing.
//! - Q3, outages ([`q3`]): the learner's `outage`, run by the checks' reference `sender` on a
//!   detached link, the check playing a destination that goes silent and comes back.
//!
//! Events are scripted at distinct instants, so that no verdict depends on which branch of a
//! `select!` wins a tie.

mod q1;
mod q1_whole;
mod q1_window;
mod q2;
mod q2_whole;
mod q3;
mod reference;
mod rig;
mod support;

use harness::{Suite, paused, real};

/// Memory checks read the live heap bytes (`harness::memory`).
#[global_allocator]
static ALLOC: harness::memory::Counting = harness::memory::Counting;

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            paused("sends-and-completes", q1::sends_and_completes),
            paused("too-large", q1::too_large),
            paused("retry-times", q1::retry_times),
            paused("retry-limit", q1::retry_limit),
            paused("own-timers", q1_window::own_timers),
            paused("ack-by-seq", q1_window::ack_by_seq),
            paused("stray-acks", q1_window::stray_acks),
            paused("first-alone", q1_window::first_alone),
            paused("window", q1_window::window),
            paused("hand-over", q1::hand_over),
            paused("sender-whole", q1_whole::sender_whole),
            real("real-udp", q1_whole::real_udp),
            paused("acks-every-copy", q2::acks_every_copy),
            paused("delivers-once", q2::delivers_once),
            paused("in-order", q2::in_order),
            paused("old-copies", q2::old_copies),
            paused("per-sender", q2::per_sender),
            paused("receive-window", q2::receive_window),
            paused("bounded-memory", q2_whole::bounded_memory),
            paused("receiver-whole", q2_whole::receiver_whole),
            real("real-udp-receive", q2_whole::real_udp_receive),
            paused("failure-once", q3::failure_once),
            paused("backoff", q3::backoff),
            paused("every-message", q3::every_message),
            paused("fresh-retries", q3::fresh_retries),
            paused("stale-acks", q3::stale_acks),
            paused("after-outage", q3::after_outage),
        ],
    )
    .binary("rudp", challenge::cli::main)
}

//! Q2: the receiving side.

#[allow(unused_imports)] // what the answer uses
use crate::wire::WINDOW;
use bytes::Bytes;
use std::collections::BTreeMap;

/// What to do with a message that arrived.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Received {
    /// Send its acknowledgement (`A` + its sequence number).
    pub ack: bool,
    /// Hand these payloads to the application, in this order (often none, or just this one).
    pub deliver: Vec<bytes::Bytes>,
}

/// What a node remembers of one sender: the next sequence number it expects, and the messages
/// that came before their turn. Never more than that, however many messages the sender sends.
#[derive(Debug, Default)]
pub struct Inbox {
    /// The sequence number to deliver next; `None` until the first message arrives.
    next: Option<u64>,
    /// Messages ahead of `next` (fewer than [`WINDOW`]), by sequence number.
    early: BTreeMap<u64, Bytes>,
}

impl Inbox {
    /// Q2: message `seq` arrived from this inbox's sender.
    ///
    /// - The first message ever received from a sender sets where its numbers start.
    /// - A message at or behind the next expected one is acknowledged; it is delivered only if it
    ///   is the next one and never was.
    /// - A message up to [`WINDOW`] - 1 ahead of the next expected one is acknowledged and kept
    ///   until the ones before it arrived, then delivered in sequence order. Further ahead: no
    ///   acknowledgement, not kept (the sender will resend it).
    /// - Every copy of a message that is acknowledged is acknowledged again: ACKs get lost too.
    /// - "Ahead" wraps: `seq.wrapping_sub(next)`. Under [`WINDOW`]: kept; from [`WINDOW`] to under
    ///   2^63 (half the number space): ignored; 2^63 or more: behind.
    pub fn receive(&mut self, seq: u64, payload: Bytes) -> Received {
        // TODO(Q2): `self.next.get_or_insert(seq)`; how far ahead is `seq`
        // (`seq.wrapping_sub(next)`: numbers behind come out huge)? Keep early ones in
        // `self.early`, then deliver from `next` on as long as the next one is there.
        let _ = (&mut self.next, &mut self.early, seq, payload);
        todo!("acknowledge, deliver once, in order")
    }
}

//! Q2: the receiving side.

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
        let next = *self.next.get_or_insert(seq);
        // How far ahead of `next`, wrapping: numbers "behind" come out huge.
        let ahead = seq.wrapping_sub(next);
        if ahead >= 1 << 63 {
            // Behind: delivered before; its acknowledgement was lost. Acknowledge it again.
            return Received {
                ack: true,
                deliver: Vec::new(),
            };
        }
        if ahead >= WINDOW {
            return Received {
                ack: false,
                deliver: Vec::new(),
            };
        }
        // A duplicate of a message kept early is the same message: keep one copy.
        self.early.entry(seq).or_insert(payload);
        let mut deliver = Vec::new();
        let mut next = next;
        while let Some(payload) = self.early.remove(&next) {
            deliver.push(payload);
            next = next.wrapping_add(1);
        }
        self.next = Some(next);
        Received { ack: true, deliver }
    }
}

//! The check's own implementation of each side of the protocol, as the README states it, to pair
//! with the learner's node in the 10,000-message runs (so each run grades one side only).

use challenge::wire::WINDOW;
use std::collections::BTreeMap;

/// A receiver: the first number seen is the start; in order, once; keeps fewer than `WINDOW`
/// early messages; acknowledges every copy of what it delivered or keeps.
#[derive(Default)]
pub(crate) struct Receiver {
    next: Option<u64>,
    early: BTreeMap<u64, Vec<u8>>,
}

pub(crate) struct Verdict {
    pub(crate) ack: bool,
    pub(crate) deliver: Vec<Vec<u8>>,
}

impl Receiver {
    pub(crate) fn receive(&mut self, seq: u64, payload: Vec<u8>) -> Verdict {
        let mut next = *self.next.get_or_insert(seq);
        let ahead = seq.wrapping_sub(next);
        if ahead >= 1 << 63 {
            return Verdict {
                ack: true,
                deliver: Vec::new(),
            };
        }
        if ahead >= WINDOW {
            return Verdict {
                ack: false,
                deliver: Vec::new(),
            };
        }
        self.early.entry(seq).or_insert(payload);
        let mut deliver = Vec::new();
        while let Some(payload) = self.early.remove(&next) {
            deliver.push(payload);
            next = next.wrapping_add(1);
        }
        self.next = Some(next);
        Verdict { ack: true, deliver }
    }
}

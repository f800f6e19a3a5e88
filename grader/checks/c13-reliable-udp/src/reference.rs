//! The checks' own implementation of each side of the protocol, as the README states it, so that
//! each check grades one question: a receiver to pair with the learner's sender (Q1), and the
//! reference `sender` to run the learner's `outage` (Q3) without the learner's `sender` (Q1).

use challenge::link::{InFlight, Input, Link, Outgoing, SendError};
use challenge::wire::{MAX_PAYLOAD, WINDOW};
use harness::tokio::time::{Instant, sleep_until};
use std::collections::{BTreeMap, VecDeque};

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
    /// The next number it expects, once it has seen one.
    pub(crate) fn next(&self) -> Option<u64> {
        self.next
    }

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

/// The reference answer of Q1, which hands over to the learner's [`challenge::outage::outage`].
pub(crate) async fn sender(mut link: Link) {
    let timeout = link.config.retry_timeout;
    let mut next_seq = link.first_seq;
    let mut in_flight: VecDeque<InFlight> = VecDeque::new();
    let mut answered = false;
    loop {
        let room = match in_flight.front() {
            None => true,
            Some(oldest) => answered && next_seq.wrapping_sub(oldest.seq) < WINDOW,
        };
        let deadline = in_flight.iter().map(|m| m.deadline).min();
        harness::tokio::select! {
            input = link.next(room) => match input {
                None => return,
                Some(Input::Message(Outgoing { data, done })) => {
                    if data.len() > MAX_PAYLOAD {
                        let _ = done.send(Err(SendError::TooLarge { len: data.len() }));
                        continue;
                    }
                    let seq = next_seq;
                    next_seq = next_seq.wrapping_add(1);
                    link.send(seq, &data).await;
                    let sent_at = Instant::now();
                    let deadline = sent_at + timeout;
                    in_flight.push_back(InFlight { seq, data, done, resends: 0, sent_at, deadline });
                }
                Some(Input::Ack(seq)) => {
                    if let Some(i) = in_flight.iter().position(|m| m.seq == seq)
                        && let Some(message) = in_flight.remove(i)
                    {
                        let _ = message.done.send(Ok(()));
                        answered = true;
                    }
                }
            },
            () = sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                let now = Instant::now();
                let limit = link.config.retry_limit;
                if in_flight.iter().any(|m| m.deadline <= now && m.resends >= limit) {
                    challenge::outage::outage(&mut link, &mut in_flight).await;
                    continue;
                }
                for message in in_flight.iter_mut().filter(|m| m.deadline <= now) {
                    link.send(message.seq, &message.data).await;
                    message.resends += 1;
                    message.sent_at = now;
                    message.deadline = now + timeout;
                }
            }
        }
    }
}

/// The reference sender's bookkeeping for a check that plays the sending side with raw datagrams:
/// the first message alone, then a window of `WINDOW` from the oldest unacknowledged; whatever is
/// unacknowledged is resent on every tick of the check's choosing.
pub(crate) struct Outbox {
    start: u64,
    payloads: Vec<Vec<u8>>,
    acked: Vec<bool>,
    /// Index of the oldest unacknowledged message.
    oldest: usize,
    /// Messages below this index were sent at least once.
    sent: usize,
    /// The most times one message was resent.
    pub(crate) most_resends: u32,
    resends: Vec<u32>,
}

impl Outbox {
    pub(crate) fn new(start: u64, payloads: Vec<Vec<u8>>) -> Outbox {
        let n = payloads.len();
        Outbox {
            start,
            payloads,
            acked: vec![false; n],
            oldest: 0,
            sent: 0,
            most_resends: 0,
            resends: vec![0; n],
        }
    }

    /// The messages the window lets go now, for the first time: (number, payload).
    pub(crate) fn fresh(&mut self) -> Vec<(u64, Vec<u8>)> {
        let limit = if self.oldest == 0 && !self.acked.first().copied().unwrap_or(true) {
            1
        } else {
            WINDOW as usize
        };
        let mut out = Vec::new();
        while self.sent < self.payloads.len() && self.sent < self.oldest + limit {
            out.push((
                self.start.wrapping_add(self.sent as u64),
                self.payloads[self.sent].clone(),
            ));
            self.sent += 1;
        }
        out
    }

    /// The destination acknowledged `seq`.
    pub(crate) fn ack(&mut self, seq: u64) {
        let i = seq.wrapping_sub(self.start) as usize;
        if i < self.sent {
            self.acked[i] = true;
            while self.oldest < self.payloads.len() && self.acked[self.oldest] {
                self.oldest += 1;
            }
        }
    }

    /// Everything sent and not acknowledged, to send again.
    pub(crate) fn due(&mut self) -> Vec<(u64, Vec<u8>)> {
        let mut out = Vec::new();
        for i in self.oldest..self.sent {
            if !self.acked[i] {
                self.resends[i] += 1;
                self.most_resends = self.most_resends.max(self.resends[i]);
                out.push((self.start.wrapping_add(i as u64), self.payloads[i].clone()));
            }
        }
        out
    }

    /// The index of the oldest unacknowledged message (the count of messages acknowledged in a row).
    pub(crate) fn oldest(&self) -> usize {
        self.oldest
    }

    pub(crate) fn all_acked(&self) -> bool {
        self.oldest == self.payloads.len()
    }
}

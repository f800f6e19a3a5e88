//! A sender task on a [`Link::detached`], with the check playing the node: it queues messages,
//! hands over acknowledgements at the instants it chooses, and notes when each datagram went out,
//! each failure was reported and each message's future completed. No network between: every time
//! is the sender's own, exact on the paused clock.
//!
//! Q3's checks run the reference `sender` (which calls the learner's `outage`), so Q1's answer
//! plays no part in them; Q1's hand-over check runs the learner's `sender` and the reference one
//! against the same script and compares.

use challenge::link::{Link, LinkEnds, Outgoing};
use challenge::wire::{self, Frame};
use challenge::{Config, SendError};
use harness::tokio::sync::{mpsc, oneshot};
use harness::tokio::task::JoinHandle;
use harness::tokio::time::{Duration, Instant, sleep_until};
use std::net::SocketAddr;

/// The destination every rig's link points to.
pub(crate) const TO: SocketAddr = SocketAddr::V4(std::net::SocketAddrV4::new(
    std::net::Ipv4Addr::new(10, 0, 0, 2),
    4000,
));

/// Whose `sender` runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Who {
    Learner,
    Reference,
}

/// What the check saw, at virtual times since the rig started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    /// A `W` datagram to the destination.
    Sent { at: Duration, seq: u64, text: String },
    /// `report_failure`.
    Failure { at: Duration },
    /// A message's future completed.
    Done {
        at: Duration,
        text: String,
        result: Result<(), SendError>,
    },
    /// A datagram that is not a `W` to the destination.
    Other { at: Duration, what: String },
}

impl Event {
    pub(crate) fn at(&self) -> Duration {
        match self {
            Event::Sent { at, .. }
            | Event::Failure { at }
            | Event::Done { at, .. }
            | Event::Other { at, .. } => *at,
        }
    }

    pub(crate) fn show(&self) -> String {
        let at = harness::time::show(self.at());
        match self {
            Event::Sent { seq, text, .. } => format!("`{text}` (seq {seq}) sent at {at}"),
            Event::Failure { .. } => format!("node_failure reported at {at}"),
            Event::Done { text, result, .. } => format!("`{text}` completed with {result:?} at {at}"),
            Event::Other { what, .. } => format!("{what} at {at}"),
        }
    }
}

/// Events as a sentence, or "nothing".
pub(crate) fn show_events(events: &[Event]) -> String {
    if events.is_empty() {
        return "nothing".into();
    }
    events.iter().map(Event::show).collect::<Vec<_>>().join(", ")
}

pub(crate) struct Rig {
    messages: Option<mpsc::UnboundedSender<Outgoing>>,
    acks: Option<mpsc::Sender<u64>>,
    datagrams: mpsc::Receiver<(harness::bytes::Bytes, SocketAddr)>,
    failures: mpsc::Receiver<SocketAddr>,
    done_tx: mpsc::UnboundedSender<(String, Result<(), SendError>)>,
    done_rx: mpsc::UnboundedReceiver<(String, Result<(), SendError>)>,
    open: [bool; 2],
    start: Instant,
    pub(crate) first: u64,
    pub(crate) events: Vec<Event>,
    /// How many of `events` `next_until` handed out.
    cursor: usize,
    task: JoinHandle<()>,
    /// When the sender task ended (returned, or panicked: in a `todo!()` of `outage`, say).
    ended: Option<Duration>,
}

impl Rig {
    pub(crate) fn start(config: Config, first: u64, who: Who) -> Rig {
        let (link, ends): (Link, LinkEnds) = Link::detached(TO, config, first);
        let task = match who {
            Who::Learner => harness::tokio::spawn(challenge::sender::sender(link)),
            Who::Reference => harness::tokio::spawn(crate::reference::sender(link)),
        };
        let (done_tx, done_rx) = mpsc::unbounded_channel();
        Rig {
            messages: Some(ends.messages),
            acks: Some(ends.acks),
            datagrams: ends.datagrams,
            failures: ends.failures,
            done_tx,
            done_rx,
            open: [true; 2],
            start: Instant::now(),
            first,
            events: Vec::new(),
            cursor: 0,
            task,
            ended: None,
        }
    }

    /// Virtual time since the rig started.
    pub(crate) fn now(&self) -> Duration {
        self.start.elapsed()
    }

    /// `send_message(text)`, now.
    pub(crate) async fn queue(&mut self, text: &str) {
        let (done, acked) = oneshot::channel();
        if let Some(messages) = &self.messages {
            let _ = messages.send(Outgoing {
                data: text.as_bytes().to_vec().into(),
                done,
            });
        }
        let (tx, text) = (self.done_tx.clone(), text.to_string());
        harness::tokio::spawn(async move {
            let result = acked.await.unwrap_or(Err(SendError::Stopped));
            let _ = tx.send((text, result));
        });
        self.settle().await;
    }

    /// The destination's acknowledgement of `seq` arrives, now.
    pub(crate) async fn ack(&mut self, seq: u64) {
        if let Some(acks) = &self.acks {
            let _ = acks.send(seq).await;
        }
        self.settle().await;
    }

    /// `first + i`, the number of the `i`-th message.
    pub(crate) fn seq(&self, i: u64) -> u64 {
        self.first.wrapping_add(i)
    }

    /// Lets the sender act on what it was just given, and notes what it did, all at this instant.
    async fn settle(&mut self) {
        for _ in 0..20 {
            harness::tokio::task::yield_now().await;
        }
        while let Some(event) = self.try_next() {
            self.events.push(event);
        }
    }

    fn try_next(&mut self) -> Option<Event> {
        let at = self.now();
        if let Ok((bytes, to)) = self.datagrams.try_recv() {
            return Some(self.datagram(at, &bytes, to));
        }
        if self.failures.try_recv().is_ok() {
            return Some(Event::Failure { at });
        }
        if let Ok((text, result)) = self.done_rx.try_recv() {
            return Some(Event::Done { at, text, result });
        }
        None
    }

    fn datagram(&self, at: Duration, bytes: &[u8], to: SocketAddr) -> Event {
        match wire::parse(bytes) {
            Some(Frame::Message { seq, payload }) if to == TO => Event::Sent {
                at,
                seq,
                text: String::from_utf8_lossy(&payload).into_owned(),
            },
            _ => Event::Other {
                at,
                what: format!("a datagram {} to {to}", harness::show_bytes(bytes)),
            },
        }
    }

    /// Waits for one new event before `end` and notes it; `false` at `end`.
    async fn wait_one(&mut self, end: Instant) -> bool {
        let event = loop {
            harness::tokio::select! {
                biased;
                datagram = self.datagrams.recv(), if self.open[0] => match datagram {
                    Some((bytes, to)) => break self.datagram(self.now(), &bytes, to),
                    None => self.open[0] = false,
                },
                failure = self.failures.recv(), if self.open[1] => match failure {
                    Some(_) => break Event::Failure { at: self.now() },
                    None => self.open[1] = false,
                },
                Some((text, result)) = self.done_rx.recv() => {
                    break Event::Done { at: self.now(), text, result };
                }
                _ = &mut self.task, if self.ended.is_none() => self.ended = Some(self.now()),
                () = sleep_until(end) => return false,
            }
        };
        self.events.push(event);
        true
    }

    /// The next event the check has not looked at yet, waiting for it up to `t` since the start;
    /// `None` at `t`.
    pub(crate) async fn next_until(&mut self, t: Duration) -> Option<Event> {
        if self.cursor == self.events.len() && !self.wait_one(self.start + t).await {
            return None;
        }
        self.cursor += 1;
        Some(self.events[self.cursor - 1].clone())
    }

    /// Notes what happens up to `t` since the start, without handing it out (`next_until` will).
    pub(crate) async fn pump_to(&mut self, t: Duration) {
        while self.wait_one(self.start + t).await {}
    }

    /// Notes everything up to `t` since the start, as looked at.
    pub(crate) async fn run_to(&mut self, t: Duration) {
        self.pump_to(t).await;
        self.cursor = self.events.len();
    }

    /// The events from `from` to `to` (since the start), `from` included.
    pub(crate) fn between(&self, from: Duration, to: Duration) -> Vec<Event> {
        self.events
            .iter()
            .filter(|e| e.at() >= from && e.at() < to)
            .cloned()
            .collect()
    }

    /// When `text` was sent, in order.
    pub(crate) fn sends_of(&self, text: &str) -> Vec<Duration> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Sent { at, text: t, .. } if t == text => Some(*at),
                _ => None,
            })
            .collect()
    }

    /// When failures were reported.
    pub(crate) fn failures(&self) -> Vec<Duration> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Failure { at } => Some(*at),
                _ => None,
            })
            .collect()
    }

    /// When the sender task ended (returned or panicked), if it did while the rig watched.
    pub(crate) fn ended(&self) -> Option<Duration> {
        self.ended
    }

    /// How `text`'s future completed, and when.
    pub(crate) fn done(&self, text: &str) -> Option<(Duration, Result<(), SendError>)> {
        self.events.iter().find_map(|e| match e {
            Event::Done { at, text: t, result } if t == text => Some((*at, result.clone())),
            _ => None,
        })
    }

    /// The node goes away (no more messages nor acknowledgements): whether the sender task then
    /// ended, without virtual time passing.
    pub(crate) async fn node_gone(mut self) -> bool {
        self.messages = None;
        self.acks = None;
        for _ in 0..200 {
            if self.task.is_finished() {
                return true;
            }
            harness::tokio::task::yield_now().await;
        }
        self.task.is_finished()
    }
}

impl Drop for Rig {
    fn drop(&mut self) {
        self.task.abort();
    }
}

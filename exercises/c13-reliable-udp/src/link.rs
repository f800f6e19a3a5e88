//! Given: what your `sender` (Q1) and `outage` (Q3) are written against. A [`Link`] to one
//! destination gives the messages to send and the acknowledgements that came back
//! ([`Link::next`]), sends datagrams ([`Link::send`]) and reports a failure
//! ([`Link::report_failure`]); an [`InFlight`] is a message sent and not yet acknowledged.
//!
//! `node.rs` makes one `Link` per destination and runs `sender` with it: you do not need to read
//! it.

use crate::wire::{self, MAX_PAYLOAD};
use bytes::Bytes;
use std::fmt;
use std::net::SocketAddr;
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Duration, Instant};

/// How long to wait for acknowledgements, and how often to try.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Time from sending a message to resending it when no acknowledgement came (30 s).
    pub retry_timeout: Duration,
    /// How many times a message is resent, `retry_timeout` apart, before its destination counts as
    /// failed (3: four sends in all).
    pub retry_limit: u32,
    /// The longest wait between two resends once the retries are exhausted (5 minutes).
    pub max_backoff: Duration,
    /// The first sequence number to every destination; `None` (the default): a random one.
    pub first_seq: Option<u64>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            retry_timeout: Duration::from_secs(30),
            retry_limit: 3,
            max_backoff: Duration::from_secs(300),
            first_seq: None,
        }
    }
}

/// Why `send_message` failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendError {
    /// The payload is over [`MAX_PAYLOAD`] bytes: nothing was sent.
    TooLarge { len: usize },
    /// The message was dropped before it was acknowledged (the node stopped, say).
    Stopped,
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::TooLarge { len } => {
                write!(f, "a payload of {len} bytes is over the limit of {MAX_PAYLOAD}")
            }
            SendError::Stopped => write!(f, "the message was dropped before it was acknowledged"),
        }
    }
}

impl std::error::Error for SendError {}

/// A message the application asked to send, and where its answer goes: `done.send(Ok(()))` once
/// it is acknowledged (`send_message` then returns), or an error.
#[derive(Debug)]
pub struct Outgoing {
    pub data: Bytes,
    pub done: oneshot::Sender<Result<(), SendError>>,
}

/// A message that was sent and is not acknowledged yet.
#[derive(Debug)]
pub struct InFlight {
    pub seq: u64,
    pub data: Bytes,
    pub done: oneshot::Sender<Result<(), SendError>>,
    /// How many times it was resent.
    pub resends: u32,
    /// When it was last sent.
    pub sent_at: Instant,
    /// When to resend it if no acknowledgement comes before.
    pub deadline: Instant,
}

/// What [`Link::next`] gives.
#[derive(Debug)]
pub enum Input {
    /// `to` acknowledged the message with this sequence number.
    Ack(u64),
    /// A message to send to `to`.
    Message(Outgoing),
}

/// What a `sender` task has: its destination, the node's config, and channels to the node.
pub struct Link {
    /// The destination.
    pub to: SocketAddr,
    pub config: Config,
    /// The sequence number of the first message to `to`.
    pub first_seq: u64,
    messages: mpsc::UnboundedReceiver<Outgoing>,
    acks: mpsc::Receiver<u64>,
    datagrams: mpsc::Sender<(Bytes, SocketAddr)>,
    failures: mpsc::Sender<SocketAddr>,
}

impl Link {
    /// Waits for what comes next for this destination: an acknowledgement it sent (any sequence
    /// number: stale, duplicated or unknown ones too), or, if `take_messages`, the next message the
    /// application sends to it (in the order they were sent). `None` when the node is gone.
    /// Cancel-safe: use it in `select!`.
    pub async fn next(&mut self, take_messages: bool) -> Option<Input> {
        tokio::select! {
            biased;
            ack = self.acks.recv() => ack.map(Input::Ack),
            message = self.messages.recv(), if take_messages => message.map(Input::Message),
        }
    }

    /// Sends message `seq` (a `W` datagram) to `to`.
    pub async fn send(&self, seq: u64, payload: &[u8]) {
        let _ = self.datagrams.send((wire::message(seq, payload), self.to)).await;
    }

    /// Reports to the application that `to` stopped answering (`Node::node_failure`).
    pub fn report_failure(&self) {
        // If the application never reads the failures, the oldest ones are enough.
        let _ = self.failures.try_send(self.to);
    }

    /// A link to `to` that no node drives: the caller holds the other ends ([`LinkEnds`]) and
    /// plays the node. You do not need it; the grader's checks run `sender` and `outage` with it.
    pub fn detached(to: SocketAddr, config: Config, first_seq: u64) -> (Link, LinkEnds) {
        let (datagrams, datagrams_rx) = mpsc::channel(QUEUE);
        let (failures, failures_rx) = mpsc::channel(QUEUE);
        let (link, messages, acks) = Link::new(to, config, first_seq, datagrams, failures);
        let ends = LinkEnds {
            messages,
            acks,
            datagrams: datagrams_rx,
            failures: failures_rx,
        };
        (link, ends)
    }

    /// A link whose datagrams and failures go to `datagrams` and `failures`; the caller keeps the
    /// returned ends to queue messages and hand over acknowledgements.
    pub(crate) fn new(
        to: SocketAddr,
        config: Config,
        first_seq: u64,
        datagrams: mpsc::Sender<(Bytes, SocketAddr)>,
        failures: mpsc::Sender<SocketAddr>,
    ) -> (Link, mpsc::UnboundedSender<Outgoing>, mpsc::Sender<u64>) {
        let (messages_tx, messages) = mpsc::unbounded_channel();
        let (acks_tx, acks) = mpsc::channel(QUEUE);
        let link = Link {
            to,
            config,
            first_seq,
            messages,
            acks,
            datagrams,
            failures,
        };
        (link, messages_tx, acks_tx)
    }
}

/// The node's side of a [`Link::detached`]: dropping `messages` and `acks` is the node going away.
pub struct LinkEnds {
    /// Messages for the link, as `send_message` queues them.
    pub messages: mpsc::UnboundedSender<Outgoing>,
    /// Acknowledgements from the destination, as the node's reading task hands them over.
    pub acks: mpsc::Sender<u64>,
    /// The datagrams `Link::send` wrote, each with its destination.
    pub datagrams: mpsc::Receiver<(Bytes, SocketAddr)>,
    /// The destinations `Link::report_failure` reported.
    pub failures: mpsc::Receiver<SocketAddr>,
}

/// How many messages and events wait for the application, and datagrams for the socket.
pub(crate) const QUEUE: usize = 1024;

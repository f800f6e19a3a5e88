//! Given: the node. It runs your three pieces and does the plumbing around them:
//!
//! - one task reads datagrams: messages go to the sender's [`Inbox`] (Q2), acknowledgements to the
//!   destination's [`sender`] task (Q1);
//! - one [`sender`] task per destination, started by the first `send_message` to it, with a
//!   [`Link`]: the messages to send, in order, the acknowledgements that destination sent, and a
//!   way to send datagrams and to report a node failure;
//! - one task writes datagrams.
//!
//! Dropping the [`Node`] stops every task.

use crate::receiver::Inbox;
use crate::sender::sender;
use crate::transport::Transport;
use crate::wire::{self, Frame, MAX_PAYLOAD};
use bytes::Bytes;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;
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

/// What a [`sender`] task has: its destination, the node's config, and channels to the node.
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
        let (messages_tx, messages) = mpsc::unbounded_channel();
        let (acks_tx, acks) = mpsc::channel(QUEUE);
        let (datagrams, datagrams_rx) = mpsc::channel(QUEUE);
        let (failures, failures_rx) = mpsc::channel(QUEUE);
        let link = Link {
            to,
            config,
            first_seq,
            messages,
            acks,
            datagrams,
            failures,
        };
        let ends = LinkEnds {
            messages: messages_tx,
            acks: acks_tx,
            datagrams: datagrams_rx,
            failures: failures_rx,
        };
        (link, ends)
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
const QUEUE: usize = 1024;

/// The channels to one destination's sender task.
struct Route {
    // Unbounded: the application holds a future for each message it queued.
    messages: mpsc::UnboundedSender<Outgoing>,
    acks: mpsc::Sender<u64>,
}

/// A reliable messaging node on a datagram transport (Twisted's `DatagramProtocol` subclass).
pub struct Node {
    local_addr: SocketAddr,
    config: Config,
    routes: Arc<Mutex<HashMap<SocketAddr, Route>>>,
    datagrams: mpsc::Sender<(Bytes, SocketAddr)>,
    failures_tx: mpsc::Sender<SocketAddr>,
    received: tokio::sync::Mutex<mpsc::Receiver<(Bytes, SocketAddr)>>,
    failures: tokio::sync::Mutex<mpsc::Receiver<SocketAddr>>,
    tasks: Mutex<JoinSet<()>>,
}

impl Node {
    /// Starts a node on `transport` (call it inside a tokio runtime).
    pub fn new<T: Transport>(transport: T, config: Config) -> std::io::Result<Node> {
        let local_addr = transport.local_addr()?;
        let transport = Arc::new(transport);
        let routes = Arc::new(Mutex::new(HashMap::new()));
        let (datagrams, outbox) = mpsc::channel(QUEUE);
        let (received_tx, received) = mpsc::channel(QUEUE);
        let (failures_tx, failures) = mpsc::channel(QUEUE);
        let mut tasks = JoinSet::new();
        tasks.spawn(write_datagrams(transport.clone(), outbox));
        tasks.spawn(read_datagrams(
            transport,
            routes.clone(),
            datagrams.clone(),
            received_tx,
        ));
        Ok(Node {
            local_addr,
            config,
            routes,
            datagrams,
            failures_tx,
            received: tokio::sync::Mutex::new(received),
            failures: tokio::sync::Mutex::new(failures),
            tasks: Mutex::new(tasks),
        })
    }

    /// The node's address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Queues `data` for the node at `to`, now, and gives a future that completes when `to`
    /// acknowledged it (the seed's Deferred). Messages to one destination go in the order of the
    /// `send_message` calls, whenever their futures are polled.
    pub fn send_message(
        &self,
        data: impl Into<Bytes>,
        to: SocketAddr,
    ) -> impl Future<Output = Result<(), SendError>> + Send + 'static {
        let (done, acked) = oneshot::channel();
        let message = Outgoing {
            data: data.into(),
            done,
        };
        // If the sender task is gone, `message` is dropped with `done`, and `acked` says so.
        let _ = self.route(to).send(message);
        async move { acked.await.unwrap_or(Err(SendError::Stopped)) }
    }

    /// The next message delivered to this node, with its sender (the seed's `handleMessage`);
    /// `None` once the node stopped.
    pub async fn recv(&self) -> Option<(Bytes, SocketAddr)> {
        self.received.lock().await.recv().await
    }

    /// The next destination that stopped answering (the seed's `nodeFailure`).
    pub async fn node_failure(&self) -> Option<SocketAddr> {
        self.failures.lock().await.recv().await
    }

    /// The queue of `to`'s sender task, started on first use.
    fn route(&self, to: SocketAddr) -> mpsc::UnboundedSender<Outgoing> {
        let mut routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(route) = routes.get(&to).filter(|r| !r.messages.is_closed()) {
            return route.messages.clone();
        }
        let (messages, messages_rx) = mpsc::unbounded_channel();
        let (acks, acks_rx) = mpsc::channel(QUEUE);
        let link = Link {
            to,
            config: self.config,
            first_seq: self.config.first_seq.unwrap_or_else(random_seq),
            messages: messages_rx,
            acks: acks_rx,
            datagrams: self.datagrams.clone(),
            failures: self.failures_tx.clone(),
        };
        routes.insert(
            to,
            Route {
                messages: messages.clone(),
                acks,
            },
        );
        self.tasks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .spawn(sender(link));
        messages
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.tasks.lock().unwrap_or_else(|e| e.into_inner()).abort_all();
    }
}

/// A random sequence number (std's hasher keys are random per process and per `RandomState`).
fn random_seq() -> u64 {
    RandomState::new().hash_one(Instant::now())
}

async fn write_datagrams<T: Transport>(transport: Arc<T>, mut outbox: mpsc::Receiver<(Bytes, SocketAddr)>) {
    while let Some((datagram, to)) = outbox.recv().await {
        // UDP: a datagram that cannot be sent is a datagram lost, and retries cover for it.
        let _ = transport.send_to(&datagram, to).await;
    }
}

async fn read_datagrams<T: Transport>(
    transport: Arc<T>,
    routes: Arc<Mutex<HashMap<SocketAddr, Route>>>,
    datagrams: mpsc::Sender<(Bytes, SocketAddr)>,
    received: mpsc::Sender<(Bytes, SocketAddr)>,
) {
    let mut inboxes: HashMap<SocketAddr, Inbox> = HashMap::new();
    let mut buf = vec![0; 2048];
    loop {
        let (n, from) = match transport.recv_from(&mut buf).await {
            Ok(datagram) => datagram,
            // An ICMP "port unreachable" from an earlier send, on some systems: not fatal.
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionRefused
                ) =>
            {
                continue;
            }
            Err(_) => return,
        };
        match wire::parse(&buf[..n]) {
            Some(Frame::Message { seq, payload }) => {
                let verdict = inboxes.entry(from).or_default().receive(seq, payload);
                if verdict.ack {
                    let _ = datagrams.send((wire::ack(seq), from)).await;
                }
                for message in verdict.deliver {
                    // Waits while the application's queue is full: backpressure, not memory.
                    if received.send((message, from)).await.is_err() {
                        return;
                    }
                }
            }
            Some(Frame::Ack { seq }) => {
                let acks = routes
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get(&from)
                    .map(|route| route.acks.clone());
                if let Some(acks) = acks {
                    // A flood of acknowledgements is dropped rather than queued without bound.
                    let _ = acks.try_send(seq);
                }
            }
            None => {}
        }
    }
}

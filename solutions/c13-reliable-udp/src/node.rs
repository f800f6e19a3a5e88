//! Given: the node. It runs your three pieces and does the plumbing around them:
//!
//! - one task reads datagrams: messages go to the sender's [`Inbox`] (Q2), acknowledgements to the
//!   destination's [`sender`] task (Q1);
//! - one [`sender`] task per destination, started by the first `send_message` to it, with a
//!   [`Link`] (given in `link.rs`): the messages to send, in order, the acknowledgements that
//!   destination sent, and a way to send datagrams and to report a node failure;
//! - one task writes datagrams.
//!
//! Dropping the [`Node`] stops every task.

use crate::link::{Config, Link, Outgoing, QUEUE, SendError};
use crate::receiver::Inbox;
use crate::sender::sender;
use crate::transport::Transport;
use crate::wire::{self, Frame};
use bytes::Bytes;
use std::collections::HashMap;
use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;
use tokio::time::Instant;

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
        let first_seq = self.config.first_seq.unwrap_or_else(random_seq);
        let (link, messages, acks) = Link::new(
            to,
            self.config,
            first_seq,
            self.datagrams.clone(),
            self.failures_tx.clone(),
        );
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

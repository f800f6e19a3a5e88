//! Given: the three parts of Twisted's networking "triforce", as Rust traits and a handle.
//!
//! - a [`Protocol`] decides what to do with bytes (its callbacks are plain, synchronous methods);
//! - a [`Transport`] carries bytes from the protocol to the peer (`write` never blocks);
//! - a [`Factory`] builds one protocol per connection.
//!
//! What joins them to a real socket is the "magic glue", [`crate::glue::serve`]: Q1.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::{mpsc, watch};

/// Why a connection ended, as given to [`Protocol::connection_lost`].
#[derive(Debug)]
pub enum Reason {
    /// Closed cleanly: the peer closed its side (end of stream), or the protocol called
    /// [`Transport::lose_connection`]. Twisted's `ConnectionDone`.
    Done,
    /// Reading or writing failed, e.g. the peer reset the connection. Twisted's `ConnectionLost`.
    Lost(io::Error),
}

/// What to do with the bytes of one connection. The glue calls these methods one at a time, on the
/// connection's own task: `connection_made` first, then `data_received` for every chunk read, in
/// order, then `connection_lost` once, last.
pub trait Protocol: Send + 'static {
    /// The connection is up. Keep `transport` (a cheap handle) to write to the peer.
    fn connection_made(&mut self, transport: Transport);

    /// Bytes from the peer, as one read gave them: a line may come in pieces, or several at once.
    fn data_received(&mut self, data: &[u8]);

    /// The connection is closed. Nothing written from now on reaches the peer.
    fn connection_lost(&mut self, reason: Reason) {
        let _ = reason;
    }
}

/// Builds a protocol for each new connection. One factory serves every connection of a server,
/// so state shared between connections lives here (behind a lock: connections run in parallel).
pub trait Factory: Send + Sync + 'static {
    /// A new protocol for the connection from `peer`.
    fn build_protocol(&self, peer: SocketAddr) -> Box<dyn Protocol>;
}

/// Any `Fn(peer) -> Box<dyn Protocol>` is a factory: `|_peer| Box::new(MyProtocol::default()) as _`.
impl<F> Factory for F
where
    F: Fn(SocketAddr) -> Box<dyn Protocol> + Send + Sync + 'static,
{
    fn build_protocol(&self, peer: SocketAddr) -> Box<dyn Protocol> {
        self(peer)
    }
}

/// A protocol's handle on its connection. Clones are cheap and all talk to the same connection.
///
/// `write` only queues the bytes, like Twisted's `transport.write`: it never blocks, so a protocol
/// can call it from its synchronous callbacks. The queue has no limit of its own (Twisted's write
/// buffer has none either); the glue keeps it small by not reading while it has bytes to send.
#[derive(Clone, Debug)]
pub struct Transport {
    peer: SocketAddr,
    writes: mpsc::UnboundedSender<Vec<u8>>,
    closing: Arc<watch::Sender<bool>>,
}

impl Transport {
    /// A transport for the connection from `peer`, and the [`Outbox`] in which the glue finds what
    /// the protocol asked for.
    pub fn new(peer: SocketAddr) -> (Transport, Outbox) {
        let (writes, written) = mpsc::unbounded_channel();
        let (closing, closed) = watch::channel(false);
        let transport = Transport {
            peer,
            writes: writes.clone(),
            closing: Arc::new(closing),
        };
        let outbox = Outbox {
            writes: Writes {
                written,
                _keep_open: writes,
            },
            closing: Closing { closed },
        };
        (transport, outbox)
    }

    /// Queues `data` to be sent to the peer, after everything written before it. Does nothing
    /// once [`lose_connection`](Self::lose_connection) has been called.
    pub fn write(&self, data: &[u8]) {
        if data.is_empty() || *self.closing.borrow() {
            return;
        }
        // Fails only when the glue has dropped the outbox: the connection is gone anyway.
        let _ = self.writes.send(data.to_vec());
    }

    /// Asks the glue to close the connection once everything written so far has been sent.
    /// Writes after this call are dropped.
    pub fn lose_connection(&self) {
        self.closing.send_replace(true);
    }

    /// The peer's address.
    pub fn peer(&self) -> SocketAddr {
        self.peer
    }
}

/// The glue's side of a [`Transport`]: the bytes the protocol wrote, in order, and whether it
/// asked to close. Two parts, so that one `tokio::select!` can wait on both.
#[derive(Debug)]
pub struct Outbox {
    pub writes: Writes,
    pub closing: Closing,
}

/// The bytes the protocol wrote, in the order it wrote them.
#[derive(Debug)]
pub struct Writes {
    written: mpsc::UnboundedReceiver<Vec<u8>>,
    /// Keeps the queue open, so that `next` waits instead of ending.
    _keep_open: mpsc::UnboundedSender<Vec<u8>>,
}

impl Writes {
    /// The next bytes the protocol wrote, waiting until there are some. Cancel-safe: as a
    /// `select!` branch that loses, it takes nothing.
    pub async fn next(&mut self) -> Vec<u8> {
        match self.written.recv().await {
            Some(data) => data,
            // Cannot happen (`_keep_open` is a sender), but waiting is the honest answer.
            None => std::future::pending().await,
        }
    }

    /// The next bytes the protocol wrote, if there are some now.
    pub fn try_next(&mut self) -> Option<Vec<u8>> {
        self.written.try_recv().ok()
    }
}

/// Whether the protocol asked to close ([`Transport::lose_connection`]).
#[derive(Debug)]
pub struct Closing {
    closed: watch::Receiver<bool>,
}

impl Closing {
    /// Completes once the protocol has called `lose_connection` (at once if it has). Cancel-safe.
    pub async fn wait(&mut self) {
        // Fails only when every transport is gone: then nobody can ask to close any more.
        if self.closed.wait_for(|closing| *closing).await.is_err() {
            std::future::pending::<()>().await;
        }
    }

    /// Whether the protocol has called `lose_connection`.
    pub fn is_set(&self) -> bool {
        *self.closed.borrow()
    }
}

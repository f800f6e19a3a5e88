//! Q1: the magic glue — what Twisted's reactor does between a socket and a protocol.

use crate::twisted::Factory;
use std::future::Future;
use std::io;
use tokio::net::TcpListener;

/// Q1: accepts connections on `listener` until `shutdown` completes. For each connection, in a task
/// of its own, the glue:
///
/// - builds one protocol with `factory.build_protocol(peer)` and gives it a [`Transport`] in
///   `connection_made`, before anything else, on the connection's task;
/// - calls `data_received` with every chunk it reads, in order;
/// - sends what the protocol writes, in order (the transport's [`Outbox`]), as soon as it is
///   written: in a callback or from anywhere else through a clone of the transport; while it has
///   bytes to send it reads nothing, so a peer that never reads cannot make the outbox grow;
/// - once the protocol calls `lose_connection`, sends what was written before, then closes the
///   connection and reads no more (no `data_received`);
/// - at the peer's end of stream, closes the connection too (once what was written is sent);
/// - closes cleanly: `shutdown()`, then reads and drops what the peer still sends until its end of
///   stream (for a short while: a second, never more than 5 s), so that the kernel does not reset
///   the connection and throw away what was not yet delivered;
/// - calls `connection_lost` exactly once, last: `Reason::Done` after the peer's end of stream,
///   `lose_connection` or a shutdown, `Reason::Lost(error)` when reading or writing fails (a
///   reset). Then nothing of the connection (no task, no socket) is left running.
///
/// A protocol's callbacks run one at a time on its connection's task, never two at once and never
/// one after `connection_lost`. When `shutdown` completes, `serve` stops accepting, closes every
/// connection as `lose_connection` would, and returns once they are all done.
///
/// [`Transport`]: crate::twisted::Transport
/// [`Outbox`]: crate::twisted::Outbox
pub async fn serve(
    listener: TcpListener,
    factory: impl Factory,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    // TODO(Q1): share the factory between connection tasks (`Arc`). Loop: `select!` between
    // `shutdown` and `listener.accept()`; spawn a task per connection. In it: `Transport::new(peer)`,
    // build the protocol, `connection_made`, then one loop that `select!`s (`biased`) over
    // `outbox.writes.next()`, `outbox.closing.wait()` and `stream.read(&mut buf)` — in which order,
    // and why? To close: `stream.shutdown()`, then read and drop until the peer's end of stream
    // (under a `tokio::time::timeout`), then drop the stream. Finally `connection_lost`, once.
    let _ = (listener, factory, shutdown);
    todo!("glue sockets, transports and protocols together")
}

//! The load: for each server challenge, what one client does over and over, and how it holds an
//! idle connection. The grader runs [`Workload::client`] on many connections at once for a fixed
//! time and counts the ops; then it opens idle connections with [`Workload::idle`] and reads the
//! server's memory before and after.

mod boom;
mod echo;
mod heartbeat;
mod identity;
mod peer;
mod triforce;

use futures::future::BoxFuture;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::time::Instant;

/// A client of the load: the latency of each op it did.
pub type Client = BoxFuture<'static, io::Result<Vec<Duration>>>;

/// One server challenge's load.
pub trait Workload: Send + Sync {
    /// What one op is, for reports: `connection`, `message`, `key`.
    fn op(&self) -> &'static str;

    /// How many clients run at once.
    fn clients(&self) -> usize {
        16
    }

    /// One client: does ops against `addr` until `until`, and returns each op's latency (the time
    /// from its first byte sent, or its connect, to the answer that completes it). An op that the
    /// server answers wrongly is an error: a bench of a wrong server measures nothing.
    fn client(&self, addr: SocketAddr, until: Instant) -> Client;

    /// The clients of one measurement, all started at once: [`Workload::clients`] independent
    /// [`Workload::client`]s. A load whose clients must coordinate (c14's players keep pace with
    /// one another) makes them here, sharing what they need.
    fn run(&self, addr: SocketAddr, until: Instant) -> Vec<Client> {
        (0..self.clients()).map(|_| self.client(addr, until)).collect()
    }

    /// Opens a connection and returns it once the server has surely taken it on (its greeting
    /// read, or one exchange done), to be held idle; `None` for a server that does not hold
    /// connections (its memory per idle connection is not measured).
    fn idle(&self, addr: SocketAddr) -> Option<BoxFuture<'static, io::Result<TcpStream>>>;
}

/// The load of challenge `id`, or `None` if it is not a server challenge.
pub fn workload(id: &str) -> Option<&'static dyn Workload> {
    Some(match id {
        "c01" => &identity::Identity,
        "c04" => &heartbeat::Heartbeat,
        "c10" => &echo::Echo,
        "c11" => &triforce::Triforce,
        "c12" => &peer::Peer,
        "c14" => &boom::Boom,
        _ => return None,
    })
}

/// Reads from `stream` until `want` has arrived at the end of what was read, or fails: the server
/// closed first, or sent something else.
pub(crate) async fn read_until_ends_with(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    want: &[u8],
) -> io::Result<()> {
    use tokio::io::AsyncReadExt;
    buf.clear();
    let mut chunk = [0u8; 4096];
    while !buf.ends_with(want) {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(unexpected(format!(
                "the server closed before sending {:?}",
                String::from_utf8_lossy(want)
            )));
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > 1 << 20 {
            return Err(unexpected(format!(
                "1 MiB arrived without {:?}",
                String::from_utf8_lossy(want)
            )));
        }
    }
    Ok(())
}

/// After a client's last op and its half-close: the server must close its side with nothing more
/// (`after` says what came last, for the message).
pub(crate) async fn expect_end(stream: &mut TcpStream, after: &str) -> io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream.shutdown().await?;
    let mut rest = [0u8; 64];
    let n = stream.read(&mut rest).await?;
    if n != 0 {
        return Err(unexpected(format!(
            "after the last {after} and a half-close, expected the end of stream, got {:?} more",
            String::from_utf8_lossy(&rest[..n])
        )));
    }
    Ok(())
}

/// An error for a server that does not speak the protocol.
pub(crate) fn unexpected(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}

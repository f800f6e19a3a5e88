//! Given: what a node needs from a datagram socket (Twisted's `DatagramProtocol.transport`).
//!
//! `tokio::net::UdpSocket` implements it; the checks implement it with a simulated network that
//! loses, duplicates, reorders and delays datagrams in virtual time.

use std::future::Future;
use std::io;
use std::net::SocketAddr;

/// A datagram socket: each `send_to` is one datagram, which may never arrive, arrive twice, or
/// arrive after a later one.
pub trait Transport: Send + Sync + 'static {
    /// Sends one datagram to `target`.
    fn send_to(&self, buf: &[u8], target: SocketAddr) -> impl Future<Output = io::Result<usize>> + Send;
    /// Waits for the next datagram: its length (truncated to `buf`) and its sender.
    fn recv_from(&self, buf: &mut [u8]) -> impl Future<Output = io::Result<(usize, SocketAddr)>> + Send;
    /// The address this socket is bound to.
    fn local_addr(&self) -> io::Result<SocketAddr>;
}

impl Transport for tokio::net::UdpSocket {
    fn send_to(&self, buf: &[u8], target: SocketAddr) -> impl Future<Output = io::Result<usize>> + Send {
        tokio::net::UdpSocket::send_to(self, buf, target)
    }
    fn recv_from(&self, buf: &mut [u8]) -> impl Future<Output = io::Result<(usize, SocketAddr)>> + Send {
        tokio::net::UdpSocket::recv_from(self, buf)
    }
    fn local_addr(&self) -> io::Result<SocketAddr> {
        tokio::net::UdpSocket::local_addr(self)
    }
}

//! What the checks share: the learner's node on the simulated network, a bare endpoint the check
//! drives by hand (its datagrams parsed with the given `wire` module), and how numbers and times
//! read in messages.

use challenge::wire::{self, Frame};
use challenge::{Config, Node, Transport};
use harness::netsim::{Endpoint, Network};
use harness::tokio::time::{Duration, Instant, timeout};
use harness::{Outcome, fail};
use std::future::Future;
use std::io;
use std::net::SocketAddr;

/// The learner's `Transport`, on a simulated endpoint.
pub(crate) struct Sim(pub(crate) Endpoint);

impl Transport for Sim {
    fn send_to(&self, buf: &[u8], target: SocketAddr) -> impl Future<Output = io::Result<usize>> + Send {
        self.0.send_to(buf, target)
    }
    fn recv_from(&self, buf: &mut [u8]) -> impl Future<Output = io::Result<(usize, SocketAddr)>> + Send {
        self.0.recv_from(buf)
    }
    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.0.local_addr())
    }
}

/// The default config, with a first sequence number fixed by the check (so the same seed gives
/// the same run); the checks accept any.
pub(crate) fn config(first_seq: u64) -> Config {
    Config {
        first_seq: Some(first_seq),
        ..Config::default()
    }
}

/// The learner's node, named `name` on `net`.
pub(crate) fn node(net: &Network, name: &str, config: Config) -> Outcome<Node> {
    Node::new(Sim(net.endpoint(name)), config)
        .or_else(|e| fail(format!("`Node::new` failed on the simulated network: {e}")))
}

/// A sequence number as the messages show it: the number itself, and how far it is from `start`
/// (`18446744073709551615 (start + 2)`), so that a wrap past `u64::MAX` shows.
pub(crate) fn seq_from(seq: u64, start: u64) -> String {
    let ahead = seq.wrapping_sub(start);
    if ahead < 1 << 32 {
        format!("{seq} (start + {ahead})")
    } else {
        format!("{seq} (start - {})", start.wrapping_sub(seq))
    }
}

/// A frame as the messages show it.
pub(crate) fn show(frame: &Frame) -> String {
    match frame {
        Frame::Message { seq, payload } => {
            format!("W seq {seq} `{}`", String::from_utf8_lossy(payload))
        }
        Frame::Ack { seq } => format!("A seq {seq}"),
    }
}

/// A bare endpoint the check drives: it reads and writes frames.
pub(crate) struct Peer {
    pub(crate) ep: Endpoint,
    pub(crate) net: Network,
}

impl Peer {
    pub(crate) fn new(net: &Network, name: &str) -> Peer {
        Peer {
            ep: net.endpoint(name),
            net: net.clone(),
        }
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.ep.local_addr()
    }

    /// The next frame (anything unparsable is reported), or `None` after `within` of virtual
    /// time.
    pub(crate) async fn next(&self, within: Duration) -> Outcome<Option<(Frame, SocketAddr)>> {
        let mut buf = vec![0; 4096];
        match timeout(within, self.ep.recv_from(&mut buf)).await {
            Err(_) => Ok(None),
            Ok(Err(e)) => fail(format!("the simulated network failed: {e}")),
            Ok(Ok((n, from))) => match wire::parse(&buf[..n]) {
                Some(frame) => Ok(Some((frame, from))),
                None => fail(format!(
                    "{} got a datagram that is neither `W` + 8 bytes + payload nor `A` + 8 bytes: {}; \
                     network seed {}",
                    self.net.name(self.addr()),
                    harness::show_bytes(&buf[..n]),
                    self.net.seed()
                )),
            },
        }
    }

    /// Every frame that arrives within `within`.
    pub(crate) async fn drain(&self, within: Duration) -> Outcome<Vec<Frame>> {
        let mut frames = Vec::new();
        let end = Instant::now() + within;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.next(left).await? {
                Some((frame, _)) => frames.push(frame),
                None => return Ok(frames),
            }
        }
    }

    pub(crate) async fn send(&self, bytes: &[u8], to: SocketAddr) -> Outcome {
        match self.ep.send_to(bytes, to).await {
            Ok(_) => Ok(()),
            Err(e) => fail(format!("the simulated network failed: {e}")),
        }
    }

    pub(crate) async fn ack(&self, seq: u64, to: SocketAddr) -> Outcome {
        self.send(&wire::ack(seq), to).await
    }

    pub(crate) async fn message(&self, seq: u64, payload: &[u8], to: SocketAddr) -> Outcome {
        self.send(&wire::message(seq, payload), to).await
    }
}

/// A `W` datagram as the network recorded it: when it was sent, its number, its payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Sent {
    pub(crate) at: Duration,
    pub(crate) seq: u64,
    pub(crate) text: String,
}

/// The `W` datagrams `from` sent to `to` so far, with their times, parsed.
pub(crate) fn sent_messages(net: &Network, from: SocketAddr, to: SocketAddr) -> Vec<Sent> {
    net.records()
        .into_iter()
        .filter(|r| r.from == from && r.to == to)
        .filter_map(|r| match wire::parse(&r.bytes) {
            Some(Frame::Message { seq, payload }) => Some(Sent {
                at: r.sent_at,
                seq,
                text: String::from_utf8_lossy(&payload).into_owned(),
            }),
            _ => None,
        })
        .collect()
}

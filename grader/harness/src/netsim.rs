//! A lossy datagram network in memory, in the check's (virtual) time, for code written against a
//! datagram transport (`send_to`, `recv_from`) instead of a `UdpSocket`.
//!
//! Every datagram's fate comes from a seeded generator: dropped, or delivered after a latency, with
//! jitter, sometimes held back long enough to be overtaken (reordered), sometimes delivered twice.
//! The fate is a pure function of the seed, the two addresses, the datagram's bytes and how many
//! identical datagrams went that way before, so the same seed gives the same fates whatever order
//! the tasks under test happen to run in, and a resent datagram gets a fresh fate. Delivery sleeps
//! on tokio's clock: under a paused clock a 30-second retry costs nothing.
//!
//! Endpoints can be cut off ([`Network::set_down`]: a partition, the node's process keeps
//! running) and brought back, and the network records every datagram with its fate
//! ([`Network::records`]) so a check can say what went wrong in the learner's terms.
//!
//! ```ignore
//! let net = Network::new(7, Faults::lossy(0.3, 0.1, 0.1));
//! let (a, b) = (net.endpoint("A"), net.endpoint("B"));
//! a.send_to(b"hello", b.local_addr()).await?;
//! let mut buf = [0; 1500];
//! let (n, from) = b.recv_from(&mut buf).await?; // if the generator let it through
//! ```
//!
//! The checks crate wraps [`Endpoint`] in a newtype to implement the challenge's own trait.

use bytes::Bytes;
use std::collections::HashMap;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// Datagrams an endpoint holds unread before it drops new ones, as a socket's receive buffer does.
pub const QUEUE_CAPACITY: usize = 4096;

/// The port every endpoint gets; the host part tells endpoints apart (10.0.0.1, 10.0.0.2, …).
pub const PORT: u16 = 4000;

/// What the network does to datagrams. Probabilities are per datagram, in `0.0..=1.0`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Faults {
    /// Chance a datagram is lost.
    pub drop: f64,
    /// Chance a datagram that gets through arrives twice (each copy has its own delay).
    pub duplicate: f64,
    /// Chance a copy is held back by one to five extra latencies, so later datagrams overtake it.
    pub reorder: f64,
    /// Time from `send_to` to arrival.
    pub latency: Duration,
    /// A uniformly random extra delay, up to this much.
    pub jitter: Duration,
}

impl Faults {
    /// A perfect network with a 10 ms latency.
    pub fn none() -> Faults {
        Faults {
            drop: 0.0,
            duplicate: 0.0,
            reorder: 0.0,
            latency: Duration::from_millis(10),
            jitter: Duration::ZERO,
        }
    }

    /// Loss, duplicates and reordering, with a 10 ms latency and up to 5 ms of jitter.
    pub fn lossy(drop: f64, duplicate: f64, reorder: f64) -> Faults {
        Faults {
            drop,
            duplicate,
            reorder,
            jitter: Duration::from_millis(5),
            ..Faults::none()
        }
    }
}

/// What became of a datagram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Not arrived yet.
    InFlight,
    /// Lost by the generator.
    Dropped,
    /// Lost because the sender was cut off when it sent, or the receiver when it arrived.
    Down,
    /// Nobody had that address when it arrived.
    Unbound,
    /// The receiver had [`QUEUE_CAPACITY`] datagrams unread.
    Overflow,
    /// Handed to the receiver, at these times since the network was made (two = duplicated).
    Delivered(Vec<Duration>),
}

/// One datagram, as the network saw it.
#[derive(Clone, Debug)]
pub struct Record {
    /// Its place among the recorded datagrams, in sending order, from 0.
    pub id: u64,
    pub from: SocketAddr,
    pub to: SocketAddr,
    /// When it was sent, since the network was made.
    pub sent_at: Duration,
    pub bytes: Bytes,
    pub fate: Fate,
}

/// A network of endpoints. Cheap to clone; every clone is the same network. Make it inside the
/// runtime whose clock it should follow.
#[derive(Clone)]
pub struct Network {
    state: Arc<Mutex<State>>,
}

/// A node's socket on a [`Network`]. Clones share one address and one receive queue; when the last
/// clone is dropped the address is unbound.
#[derive(Clone)]
pub struct Endpoint {
    inner: Arc<EndpointInner>,
}

struct EndpointInner {
    net: Network,
    addr: SocketAddr,
    queue: tokio::sync::Mutex<mpsc::UnboundedReceiver<(Bytes, SocketAddr)>>,
}

struct State {
    seed: u64,
    faults: Faults,
    start: Instant,
    recording: bool,
    /// Every name ever given, with its address, in creation order.
    names: Vec<(String, SocketAddr)>,
    bound: HashMap<SocketAddr, Binding>,
    /// How many datagrams were sent before, by content (recording on) or by link (recording off:
    /// flat memory for long runs, at the price of fates that depend on the order on each link).
    sent_before: HashMap<u64, u64>,
    records: Vec<Pending>,
}

struct Binding {
    tx: mpsc::UnboundedSender<(Bytes, SocketAddr)>,
    unread: usize,
    down: bool,
}

struct Pending {
    record: Record,
    copies_left: u8,
    lost: Option<Fate>,
    arrivals: Vec<Duration>,
}

impl Network {
    /// A network whose fates all follow from `seed`.
    pub fn new(seed: u64, faults: Faults) -> Network {
        Network {
            state: Arc::new(Mutex::new(State {
                seed,
                faults,
                start: Instant::now(),
                recording: true,
                names: Vec::new(),
                bound: HashMap::new(),
                sent_before: HashMap::new(),
                records: Vec::new(),
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves consistent data: every update is a single step.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Binds an endpoint named `name` (used in messages). A name used before gets its old address
    /// back, so a node can be restarted where it was; a name still bound is an error in the check.
    pub fn endpoint(&self, name: &str) -> Endpoint {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut state = self.lock();
        let addr = match state.names.iter().find(|(n, _)| n == name) {
            Some(&(_, addr)) => {
                assert!(!state.bound.contains_key(&addr), "the check bound `{name}` twice");
                addr
            }
            None => {
                let host = state.names.len() as u32 + 1;
                let addr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::from(0x0a00_0000 + host), PORT));
                state.names.push((name.to_string(), addr));
                addr
            }
        };
        state.bound.insert(
            addr,
            Binding {
                tx,
                unread: 0,
                down: false,
            },
        );
        Endpoint {
            inner: Arc::new(EndpointInner {
                net: self.clone(),
                addr,
                queue: tokio::sync::Mutex::new(rx),
            }),
        }
    }

    /// Cuts `addr` off the network (`true`) or brings it back (`false`). While it is down,
    /// datagrams it sends and datagrams arriving for it are lost ([`Fate::Down`]).
    pub fn set_down(&self, addr: SocketAddr, down: bool) {
        if let Some(binding) = self.lock().bound.get_mut(&addr) {
            binding.down = down;
        }
    }

    /// Changes the faults for the datagrams sent from now on.
    pub fn set_faults(&self, faults: Faults) {
        self.lock().faults = faults;
    }

    /// Stops (or resumes) recording datagrams, so a long run's memory stays flat.
    pub fn set_recording(&self, on: bool) {
        let mut state = self.lock();
        state.recording = on;
        state.sent_before.clear();
    }

    /// The seed, for failure messages ("network seed 7").
    pub fn seed(&self) -> u64 {
        self.lock().seed
    }

    /// The name `addr` was bound with, or the address itself.
    pub fn name(&self, addr: SocketAddr) -> String {
        let state = self.lock();
        match state.names.iter().find(|(_, a)| *a == addr) {
            Some((name, _)) => name.clone(),
            None => addr.to_string(),
        }
    }

    /// Time since the network was made, on the runtime's clock.
    pub fn elapsed(&self) -> Duration {
        self.lock().start.elapsed()
    }

    /// A time as the messages show it: "30.0 s", or "30.012 s" when it is not a whole tenth.
    pub fn fmt_secs(d: Duration) -> String {
        if d.as_millis().is_multiple_of(100) {
            format!("{:.1} s", d.as_secs_f64())
        } else {
            format!("{:.3} s", d.as_secs_f64())
        }
    }

    /// Every datagram recorded so far, in sending order, with its fate as of now.
    pub fn records(&self) -> Vec<Record> {
        let state = self.lock();
        state
            .records
            .iter()
            .map(|p| {
                let mut record = p.record.clone();
                record.fate = if !p.arrivals.is_empty() {
                    Fate::Delivered(p.arrivals.clone())
                } else if p.copies_left > 0 {
                    Fate::InFlight
                } else {
                    p.lost.clone().unwrap_or(Fate::Dropped)
                };
                record
            })
            .collect()
    }

    /// Sends one datagram: decides its fate and schedules its copies.
    fn send(&self, from: SocketAddr, to: SocketAddr, bytes: Bytes) {
        let mut state = self.lock();
        let now = state.start.elapsed();
        // Only recorded datagrams get an id: their index in `records`.
        let id = state.recording.then_some(state.records.len() as u64);
        let sender_down = state.bound.get(&from).is_none_or(|b| b.down);

        let key = if state.recording {
            hash_datagram(from, to, &bytes)
        } else {
            hash_datagram(from, to, &[])
        };
        let seed = state.seed;
        let before = state.sent_before.entry(key).or_insert(0);
        let mut draws = Draws::new(seed, key, *before);
        *before += 1;

        let faults = state.faults;
        let mut delays = Vec::new();
        let lost = if sender_down {
            Some(Fate::Down)
        } else if draws.chance(faults.drop) {
            Some(Fate::Dropped)
        } else {
            let copies = if draws.chance(faults.duplicate) { 2 } else { 1 };
            for _ in 0..copies {
                let mut delay = faults.latency + faults.jitter.mul_f64(draws.uniform());
                if draws.chance(faults.reorder) {
                    delay += faults.latency.mul_f64(1.0 + 4.0 * draws.uniform());
                }
                delays.push(delay);
            }
            None
        };
        if state.recording {
            state.records.push(Pending {
                record: Record {
                    id: id.unwrap_or_default(),
                    from,
                    to,
                    sent_at: now,
                    bytes: bytes.clone(),
                    fate: Fate::InFlight,
                },
                copies_left: delays.len() as u8,
                lost,
                arrivals: Vec::new(),
            });
        }
        drop(state);

        for delay in delays {
            let net = self.clone();
            let bytes = bytes.clone();
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                net.arrive(id, from, to, bytes);
            });
        }
    }

    /// A copy reaches `to` (or not).
    fn arrive(&self, id: Option<u64>, from: SocketAddr, to: SocketAddr, bytes: Bytes) {
        let mut state = self.lock();
        let now = state.start.elapsed();
        let outcome = match state.bound.get_mut(&to) {
            None => Err(Fate::Unbound),
            Some(binding) if binding.down => Err(Fate::Down),
            Some(binding) if binding.unread >= QUEUE_CAPACITY => Err(Fate::Overflow),
            Some(binding) => match binding.tx.send((bytes, from)) {
                Ok(()) => {
                    binding.unread += 1;
                    Ok(())
                }
                Err(_) => Err(Fate::Unbound),
            },
        };
        if let Some(pending) = id.and_then(|id| state.records.get_mut(id as usize)) {
            pending.copies_left = pending.copies_left.saturating_sub(1);
            match outcome {
                Ok(()) => pending.arrivals.push(now),
                Err(fate) => pending.lost = Some(fate),
            }
        }
    }
}

impl Endpoint {
    /// This endpoint's address on the network.
    pub fn local_addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// Sends `buf` to `target`. Like UDP, it succeeds whether or not anybody receives it.
    pub async fn send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        self.inner
            .net
            .send(self.inner.addr, target, Bytes::copy_from_slice(buf));
        Ok(buf.len())
    }

    /// Waits for the next datagram; copies as much as fits into `buf` (the rest is lost, as with
    /// UDP) and returns that length and the sender.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let received = self.inner.queue.lock().await.recv().await;
        let (bytes, from) = received.ok_or_else(|| io::Error::other("the network is gone"))?;
        if let Some(binding) = self.inner.net.lock().bound.get_mut(&self.inner.addr) {
            binding.unread = binding.unread.saturating_sub(1);
        }
        let n = bytes.len().min(buf.len());
        buf[..n].copy_from_slice(&bytes[..n]);
        Ok((n, from))
    }
}

impl Drop for EndpointInner {
    fn drop(&mut self) {
        self.net.lock().bound.remove(&self.addr);
    }
}

/// FNV-1a over the addresses and bytes: stable across Rust versions and platforms.
fn hash_datagram(from: SocketAddr, to: SocketAddr, bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |byte: u8| {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    };
    for addr in [from, to] {
        if let SocketAddr::V4(v4) = addr {
            v4.ip().octets().into_iter().for_each(&mut eat);
        }
        addr.port().to_be_bytes().into_iter().for_each(&mut eat);
    }
    bytes.iter().copied().for_each(eat);
    hash
}

/// A SplitMix64 stream: small, stable, and good enough to decide fates.
struct Draws(u64);

impl Draws {
    fn new(seed: u64, key: u64, copy: u64) -> Draws {
        Draws(splitmix(seed ^ splitmix(key ^ splitmix(copy))))
    }

    /// Uniform in `[0, 1)`.
    fn uniform(&mut self) -> f64 {
        self.0 = splitmix(self.0);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }
}

pub(crate) fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

//! I/O as the network really behaves, for checks to drive learner code with: reads split at any
//! byte, writes that take a few bytes at a time, wake-ups that find nothing ready, and peers that
//! never read, never stop sending, or stop in the middle of a message.
//!
//! A learner's code that works on a loopback socket with small messages may still assume that one
//! `read` is one message, that one `write` writes everything, or that the peer reads as fast as it
//! writes. These are the peers that break those assumptions, deterministically:
//!
//! - [`Chop`] (and [`chopped_duplex`]) wraps a stream so that every read returns 1 to `max_read`
//!   bytes, every write accepts 1 to `max_write`, and every few polls answer `Pending` (waking at
//!   once). The cuts follow a seed, so a failure is the same on every run; put the seed in the
//!   message.
//! - [`Flood`] is a peer that never stops sending: every read is ready with as much as the caller
//!   asks (up to 1 KiB), and it takes part in tokio's cooperative budget as a socket does, so a
//!   `select!` that always polls the read first never gets to its other branches. It never lets the
//!   runtime go idle, so a paused clock does not advance by itself: drive it with
//!   [`tokio::time::advance`].
//! - [`Recorder`] is a peer that takes every byte at once and notes when it came.
//! - [`Script`] is a peer that sends what it is told, when it is told, then ends, fails, or goes
//!   silent in the middle of a message.
//! - A peer that never reads is `let (learner, _peer) = tokio::io::duplex(64)` with `_peer` kept
//!   alive and never read: the learner's writes stop after 64 bytes. [`read_slowly`] reads a little
//!   at a time.
//!
//! `tokio::io::join(reader, writer)` makes one stream of a reader and a writer, e.g.
//! `join(Flood::new(b'x'), recorder.clone())` for a peer that floods and records.

use crate::netsim::splitmix;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, DuplexStream, ReadBuf};
use tokio::time::{Instant, Sleep};

/// How a [`Chop`] cuts I/O.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cuts {
    /// The seed of the cuts: the same seed cuts the same way.
    pub seed: u64,
    /// A read returns at most this many bytes (at least 1).
    pub max_read: usize,
    /// A write accepts at most this many bytes (at least 1).
    pub max_write: usize,
    /// About one poll in this many of a read (and, apart, of a write) answers `Pending` and wakes at
    /// once (0: never). Which ones follows the seed, and never two polls in a row of the same
    /// direction: whatever pattern the caller polls in, it makes progress.
    pub pending_every: u32,
}

impl Cuts {
    /// Reads of 1–7 bytes, writes of 1–5, and about one poll in three `Pending`.
    pub fn fine(seed: u64) -> Cuts {
        Cuts {
            seed,
            max_read: 7,
            max_write: 5,
            pending_every: 3,
        }
    }
}

/// A stream whose reads and writes are cut into small, seeded pieces (see the module's doc).
#[derive(Debug)]
pub struct Chop<S> {
    inner: S,
    cuts: Cuts,
    state: u64,
    /// Whether the last poll of a read (of a write) was a spurious `Pending`.
    read_stalled: bool,
    write_stalled: bool,
}

/// Which side of a [`Chop`] a poll is on.
#[derive(Clone, Copy)]
enum Direction {
    Read,
    Write,
}

impl<S> Chop<S> {
    pub fn new(inner: S, cuts: Cuts) -> Chop<S> {
        Chop {
            inner,
            cuts,
            state: splitmix(cuts.seed),
            read_stalled: false,
            write_stalled: false,
        }
    }

    /// The next piece's size, 1 to `max`.
    fn piece(&mut self, max: usize) -> usize {
        self.state = splitmix(self.state);
        1 + (self.state % max.max(1) as u64) as usize
    }

    /// Whether this poll answers `Pending` (having woken the task, so it is polled again at once).
    /// Decided by the seed, and never twice in a row on one side: a caller that polls a write only
    /// after its read came back `Pending` (as `tokio::io::copy` does) still gets through.
    fn spurious_pending(&mut self, cx: &mut Context<'_>, direction: Direction) -> bool {
        let every = self.cuts.pending_every;
        let stalled = match direction {
            Direction::Read => &mut self.read_stalled,
            Direction::Write => &mut self.write_stalled,
        };
        if every == 0 || std::mem::take(stalled) {
            return false;
        }
        self.state = splitmix(self.state);
        let stall = self.state.is_multiple_of(u64::from(every));
        match direction {
            Direction::Read => self.read_stalled = stall,
            Direction::Write => self.write_stalled = stall,
        }
        if stall {
            cx.waker().wake_by_ref();
        }
        stall
    }

    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Chop<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if buf.remaining() == 0 {
            return Pin::new(&mut self.inner).poll_read(cx, buf);
        }
        if self.spurious_pending(cx, Direction::Read) {
            return Poll::Pending;
        }
        let max = self.cuts.max_read;
        let n = self.piece(max).min(buf.remaining());
        let mut piece = [0u8; 256];
        let n = n.min(piece.len());
        let mut small = ReadBuf::new(&mut piece[..n]);
        ready!(Pin::new(&mut self.inner).poll_read(cx, &mut small))?;
        buf.put_slice(small.filled());
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Chop<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        if data.is_empty() {
            return Pin::new(&mut self.inner).poll_write(cx, data);
        }
        if self.spurious_pending(cx, Direction::Write) {
            return Poll::Pending;
        }
        let max = self.cuts.max_write;
        let n = self.piece(max).min(data.len());
        Pin::new(&mut self.inner).poll_write(cx, &data[..n])
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// An in-memory connection whose learner's end is chopped finely ([`Cuts::fine`]): returns (the
/// check's end, the learner's end). `capacity` is how many bytes each direction holds.
pub fn chopped_duplex(capacity: usize, seed: u64) -> (DuplexStream, Chop<DuplexStream>) {
    let (ours, theirs) = tokio::io::duplex(capacity);
    (ours, Chop::new(theirs, Cuts::fine(seed)))
}

/// A peer that never stops sending `byte` (see the module's doc). Clones share the count.
#[derive(Debug, Clone)]
pub struct Flood {
    byte: u8,
    taken: Arc<AtomicU64>,
}

impl Flood {
    pub fn new(byte: u8) -> Flood {
        Flood {
            byte,
            taken: Arc::new(AtomicU64::new(0)),
        }
    }

    /// How many bytes were read from it so far.
    pub fn taken(&self) -> u64 {
        self.taken.load(Ordering::Relaxed)
    }
}

impl AsyncRead for Flood {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        // As a socket does: once the task has used its budget, even a ready read says `Pending`, so
        // the task yields, and is polled again at once.
        let coop = ready!(tokio::task::coop::poll_proceed(cx));
        let n = buf.remaining().min(1024);
        buf.put_slice(&[self.byte; 1024][..n]);
        self.taken.fetch_add(n as u64, Ordering::Relaxed);
        coop.made_progress();
        Poll::Ready(Ok(()))
    }
}

/// Each write a [`Recorder`] took: when (from its start) and what.
pub type Writes = Vec<(Duration, Vec<u8>)>;

/// A peer that takes every byte at once and notes when each write came (on the runtime's clock,
/// from when the recorder was made). Clones share the record.
#[derive(Debug, Clone)]
pub struct Recorder {
    start: Instant,
    writes: Arc<Mutex<Writes>>,
    shut: Arc<Mutex<Option<Duration>>>,
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder::new()
    }
}

impl Recorder {
    pub fn new() -> Recorder {
        Recorder {
            start: Instant::now(),
            writes: Arc::default(),
            shut: Arc::default(),
        }
    }

    /// Every write so far: when (from the start) and what.
    pub fn writes(&self) -> Writes {
        self.writes.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Every byte so far, in order.
    pub fn bytes(&self) -> Vec<u8> {
        self.writes().into_iter().flat_map(|(_, bytes)| bytes).collect()
    }

    /// When each `byte` arrived, from the start.
    pub fn times_of(&self, byte: u8) -> Vec<Duration> {
        self.writes()
            .into_iter()
            .flat_map(|(at, bytes)| bytes.into_iter().filter(move |b| *b == byte).map(move |_| at))
            .collect()
    }

    /// When the writer shut its side down, if it did.
    pub fn shut_down_at(&self) -> Option<Duration> {
        *self.shut.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl AsyncWrite for Recorder {
    fn poll_write(self: Pin<&mut Self>, _cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let at = self.start.elapsed();
        self.writes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((at, data.to_vec()));
        Poll::Ready(Ok(data.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let at = self.start.elapsed();
        self.shut
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_or_insert(at);
        Poll::Ready(Ok(()))
    }
}

/// One step of a [`Script`].
#[derive(Debug)]
enum Step {
    Data(Vec<u8>),
    Wait(Duration),
    Fail(io::ErrorKind),
    Silent,
}

/// A peer that sends what it is told, when it is told (on the runtime's clock), then ends: with
/// the end of the stream once its steps are done, or with an error, or by going silent for ever.
///
/// ```ignore
/// let peer = Script::new().data(b"<upd").wait(ms(10)).data(b"ate>").fail(ErrorKind::ConnectionReset);
/// ```
#[derive(Debug, Default)]
pub struct Script {
    steps: std::collections::VecDeque<Step>,
    sleep: Option<Pin<Box<Sleep>>>,
}

impl Script {
    pub fn new() -> Script {
        Script::default()
    }

    /// Sends `bytes` (a read may take only part of them; the rest comes with the next).
    pub fn data(mut self, bytes: &[u8]) -> Script {
        self.steps.push_back(Step::Data(bytes.to_vec()));
        self
    }

    /// Sends nothing for `pause`.
    pub fn wait(mut self, pause: Duration) -> Script {
        self.steps.push_back(Step::Wait(pause));
        self
    }

    /// Fails the next read with `kind` (a reset, say), instead of ending the stream.
    pub fn fail(mut self, kind: io::ErrorKind) -> Script {
        self.steps.push_back(Step::Fail(kind));
        self
    }

    /// Goes silent for ever: no more bytes, no end of stream.
    pub fn silent(mut self) -> Script {
        self.steps.push_back(Step::Silent);
        self
    }
}

impl AsyncRead for Script {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            if let Some(sleep) = self.sleep.as_mut() {
                ready!(sleep.as_mut().poll(cx));
                self.sleep = None;
            }
            match self.steps.pop_front() {
                None => return Poll::Ready(Ok(())),
                Some(Step::Wait(pause)) => self.sleep = Some(Box::pin(tokio::time::sleep(pause))),
                Some(Step::Fail(kind)) => return Poll::Ready(Err(io::Error::new(kind, "scripted failure"))),
                Some(Step::Silent) => {
                    self.steps.push_front(Step::Silent);
                    return Poll::Pending;
                }
                Some(Step::Data(mut bytes)) => {
                    let n = bytes.len().min(buf.remaining());
                    buf.put_slice(&bytes[..n]);
                    if n < bytes.len() {
                        self.steps.push_front(Step::Data(bytes.split_off(n)));
                    }
                    return Poll::Ready(Ok(()));
                }
            }
        }
    }
}

/// Reads `chunk` bytes every `every` (on the runtime's clock) until the stream ends, fails, or
/// `until` passes; what it read.
pub async fn read_slowly<R: AsyncRead + Unpin>(
    reader: &mut R,
    chunk: usize,
    every: Duration,
    until: Instant,
) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = vec![0u8; chunk.max(1)];
    while Instant::now() < until {
        match tokio::time::timeout_at(until, reader.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
        tokio::time::sleep(every).await;
    }
    got
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::ms;
    use tokio::io::AsyncWriteExt;

    #[tokio::test]
    async fn chopped_reads_and_writes_lose_nothing_and_cut_the_same_way_each_time() {
        async fn pieces(seed: u64) -> (Vec<usize>, Vec<u8>) {
            let (mut ours, mut theirs) = chopped_duplex(1024, seed);
            ours.write_all(b"hello, chopped world").await.unwrap();
            drop(ours);
            let (mut sizes, mut got) = (Vec::new(), Vec::new());
            let mut buf = [0u8; 64];
            loop {
                let n = theirs.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                sizes.push(n);
                got.extend_from_slice(&buf[..n]);
            }
            (sizes, got)
        }
        let (sizes, got) = pieces(7).await;
        assert_eq!(got, b"hello, chopped world");
        assert!(sizes.iter().all(|&n| (1..=7).contains(&n)), "{sizes:?}");
        assert!(sizes.len() >= 3, "{sizes:?}");
        assert_eq!(pieces(7).await.0, sizes);
        assert_ne!(pieces(8).await.0, sizes);
    }

    #[tokio::test]
    async fn a_chopped_write_takes_a_few_bytes_at_a_time() {
        let (mut ours, mut theirs) = chopped_duplex(1024, 1);
        let mut written = Vec::new();
        for _ in 0..5 {
            written.push(theirs.write(b"0123456789").await.unwrap());
        }
        assert!(written.iter().all(|&n| (1..=5).contains(&n)), "{written:?}");
        theirs.write_all(b"!").await.unwrap();
        drop(theirs);
        let mut all = Vec::new();
        ours.read_to_end(&mut all).await.unwrap();
        assert_eq!(all.len(), written.iter().sum::<usize>() + 1);
    }

    #[tokio::test]
    async fn a_write_polled_after_every_stalled_read_still_gets_through() {
        // `tokio::io::copy` over split halves, once its reader is drained, polls the read twice and
        // the write once each time it is woken: a stall on every third poll fell on that write
        // every time. Whatever the pattern, a side never stalls twice in a row.
        for seed in 0..50 {
            let (_ours, theirs) = chopped_duplex(64, seed);
            let mut chop = theirs;
            let mut buf = [0u8; 16];
            let mut wakes = 0;
            let written = std::future::poll_fn(|cx| {
                wakes += 1;
                for _ in 0..2 {
                    let mut read = ReadBuf::new(&mut buf);
                    assert!(Pin::new(&mut chop).poll_read(cx, &mut read).is_pending());
                }
                Pin::new(&mut chop).poll_write(cx, b"x")
            })
            .await
            .unwrap();
            assert_eq!(written, 1);
            assert!(
                wakes <= 2,
                "seed {seed}: the write went through only after {wakes} wake-ups"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_read_first_select_starves_its_timer_against_a_flood() {
        // What `Flood` is for: a loop that always polls the read first never sees its timer.
        async fn beats(biased: bool) -> usize {
            let flood = Flood::new(b'x');
            let mut reader = flood.clone();
            let beats = Arc::new(AtomicU64::new(0));
            let counted = beats.clone();
            let task = tokio::spawn(async move {
                let mut ticks = tokio::time::interval(ms(100));
                let mut buf = [0u8; 64];
                loop {
                    if biased {
                        tokio::select! {
                            biased;
                            _ = reader.read(&mut buf) => {}
                            _ = ticks.tick() => { counted.fetch_add(1, Ordering::Relaxed); }
                        }
                    } else {
                        tokio::select! {
                            _ = reader.read(&mut buf) => {}
                            _ = ticks.tick() => { counted.fetch_add(1, Ordering::Relaxed); }
                        }
                    }
                }
            });
            for _ in 0..100 {
                tokio::time::advance(ms(10)).await;
            }
            task.abort();
            assert!(flood.taken() > 0);
            beats.load(Ordering::Relaxed) as usize
        }
        assert!(beats(false).await >= 9);
        assert!(beats(true).await <= 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_recorder_notes_when_bytes_came() {
        let recorder = Recorder::new();
        let mut writer = recorder.clone();
        writer.write_all(b"*").await.unwrap();
        tokio::time::sleep(ms(3000)).await;
        writer.write_all(b"*").await.unwrap();
        writer.shutdown().await.unwrap();
        assert_eq!(recorder.times_of(b'*'), [ms(0), ms(3000)]);
        assert_eq!(recorder.bytes(), b"**");
        assert_eq!(recorder.shut_down_at(), Some(ms(3000)));
    }

    #[tokio::test(start_paused = true)]
    async fn a_script_sends_waits_and_fails_mid_message() {
        let start = Instant::now();
        let mut peer = Script::new()
            .data(b"<upd")
            .wait(ms(10))
            .data(b"ate>")
            .fail(io::ErrorKind::ConnectionReset);
        let mut buf = [0u8; 3];
        assert_eq!(peer.read(&mut buf).await.unwrap(), 3);
        assert_eq!(peer.read(&mut buf).await.unwrap(), 1);
        assert_eq!(peer.read(&mut buf).await.unwrap(), 3);
        assert_eq!(start.elapsed(), ms(10));
        assert_eq!(peer.read(&mut buf).await.unwrap(), 1);
        let error = peer.read(&mut buf).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::ConnectionReset);
        let mut silent = Script::new().data(b"x").silent();
        assert_eq!(silent.read(&mut buf).await.unwrap(), 1);
        assert!(
            tokio::time::timeout(ms(1000), silent.read(&mut buf))
                .await
                .is_err()
        );
    }
}

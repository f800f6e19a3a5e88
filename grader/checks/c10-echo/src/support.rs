//! What the checks share: reproducible bytes, log events, the peers that drive `echo` in memory
//! (a client that never stops sending and never reads, a stream that counts its reads), and a
//! paused clock held still while real sockets work.

use harness::io::{Chop, Cuts};
use harness::logs::{LogEvent, Logs};
use harness::tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use harness::tracing::Level;
use harness::{Outcome, bytes_differ, fail};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::Duration;

/// The bound the README sets on unsent data, 64 KiB: the checks' own figure, not the learner's
/// `MAX_BUFFER` (a stub constant that an answer could change).
pub(crate) const BOUND: usize = 64 * 1024;

/// `len` pseudo-random bytes from `seed` (xorshift64*): the same bytes on every run and machine.
pub(crate) fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        bytes.extend_from_slice(&state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

/// Compares an echo with what was sent, showing where they first differ.
pub(crate) fn same_bytes(what: &str, sent: &[u8], got: &[u8]) -> Outcome {
    if sent == got {
        return Ok(());
    }
    let hint = if got.len() < sent.len() && sent.starts_with(got) {
        " (bytes lost: a `write` that took only part of a chunk, and the rest never written?)"
    } else {
        ""
    };
    fail(format!("{what}: {}{hint}", bytes_differ(sent, got)))
}

/// The events whose message starts with `prefix`, in order.
pub(crate) fn starting_with(logs: &Logs, prefix: &str) -> Vec<LogEvent> {
    logs.events()
        .into_iter()
        .filter(|e| e.message.starts_with(prefix))
        .collect()
}

/// Events for a message: `INFO "…" {…}; INFO "…"`, or `none`.
pub(crate) fn show_events(events: &[LogEvent]) -> String {
    if events.is_empty() {
        return "none".into();
    }
    events
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Fails unless `event` is at INFO and has the field `name` equal to `value`.
pub(crate) fn expect_field(event: &LogEvent, name: &str, value: &str) -> Outcome {
    harness::ensure!(
        event.level == Level::INFO,
        "expected the log event {:?} at INFO, got it at {}",
        event.message,
        event.level
    );
    match event.field(name) {
        Some(got) if got == value => Ok(()),
        Some(got) => fail(format!(
            "expected the log event {:?} to have the field `{name}` = {value:?}, got {got:?}",
            event.message
        )),
        None => fail(format!(
            "expected the log event {:?} to have the field `{name}` = {value:?} (as in \
             `info!({name} = …, \"…\")`), got {}",
            event.message,
            if event.fields.is_empty() {
                "no field at all".to_string()
            } else {
                format!("only {event}")
            }
        )),
    }
}

/// The most a single read of a [`Firehose`] returns: far more than [`BOUND`], so that a buffer
/// bigger than the bound shows at its first read.
pub(crate) const FIREHOSE_READ: usize = 1024 * 1024;

/// What a [`Firehose`] has seen: bytes sent to `echo`, and bytes `echo` wrote back.
#[derive(Debug, Default)]
pub(crate) struct Flow {
    pub(crate) sent: AtomicUsize,
    pub(crate) echoed: AtomicUsize,
}

/// `echo`'s end of a connection to a client that sends without pause and never reads: every read
/// is ready at once with as many bytes as asked (up to [`FIREHOSE_READ`]) until `total` were sent
/// (then the client pauses, for ever); writes are taken until `room` bytes, then wait for ever.
/// Reads take part in tokio's budget, as a socket's do.
pub(crate) struct Firehose {
    total: usize,
    room: usize,
    flow: Arc<Flow>,
}

impl Firehose {
    pub(crate) fn new(total: usize, room: usize) -> (Firehose, Arc<Flow>) {
        let flow = Arc::new(Flow::default());
        (
            Firehose {
                total,
                room,
                flow: flow.clone(),
            },
            flow,
        )
    }
}

impl AsyncRead for Firehose {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let sent = self.flow.sent.load(Ordering::Relaxed);
        let n = buf.remaining().min(self.total - sent).min(FIREHOSE_READ);
        if n == 0 && buf.remaining() > 0 {
            // The client has paused: nothing more comes, and nobody wakes the reader.
            return Poll::Pending;
        }
        let coop = ready!(harness::tokio::task::coop::poll_proceed(cx));
        let pattern: Vec<u8> = (0..n).map(|i| ((sent + i) % 251) as u8).collect();
        buf.put_slice(&pattern);
        self.flow.sent.fetch_add(n, Ordering::Relaxed);
        coop.made_progress();
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Firehose {
    fn poll_write(self: Pin<&mut Self>, _cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let echoed = self.flow.echoed.load(Ordering::Relaxed);
        let n = data.len().min(self.room.saturating_sub(echoed));
        if n == 0 && !data.is_empty() {
            // The client does not read: its buffers are full.
            return Poll::Pending;
        }
        self.flow.echoed.fetch_add(n, Ordering::Relaxed);
        Poll::Ready(Ok(n))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// A stream that notes the size of every read that gave bytes, to compare with `echo`'s
/// `Data received <n> bytes`.
pub(crate) struct Counted<S> {
    inner: S,
    reads: Arc<Mutex<Vec<usize>>>,
}

impl<S> Counted<S> {
    pub(crate) fn new(inner: S) -> (Counted<S>, Arc<Mutex<Vec<usize>>>) {
        let reads = Arc::new(Mutex::new(Vec::new()));
        (
            Counted {
                inner,
                reads: reads.clone(),
            },
            reads,
        )
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Counted<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        ready!(Pin::new(&mut self.inner).poll_read(cx, buf))?;
        let n = buf.filled().len() - before;
        if n > 0 {
            self.reads.lock().unwrap_or_else(|e| e.into_inner()).push(n);
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Counted<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, data)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// `mix(x)`: the next number of a seeded sequence (splitmix64).
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Wake-ups that find nothing ready: a read or write poll of `inner` answers `Pending` (waking the
/// task at once) one time in three, at random from a seed, reads and writes each on their own.
///
/// (`harness::io::Chop`'s own `pending_every` counts reads and writes together and is periodic:
/// `tokio::io::copy` over `tokio::io::split` polls three times per wake-up once its reader is
/// drained, so every third poll lands on its write every time, and it never progresses.)
pub(crate) struct Hiccups<S> {
    inner: S,
    reads: u64,
    writes: u64,
}

impl<S> Hiccups<S> {
    fn pending(state: &mut u64, cx: &mut Context<'_>) -> bool {
        *state = mix(*state);
        if (*state).is_multiple_of(3) {
            cx.waker().wake_by_ref();
            return true;
        }
        false
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Hiccups<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if buf.remaining() > 0 && Self::pending(&mut self.reads, cx) {
            return Poll::Pending;
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Hiccups<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        if !data.is_empty() && Self::pending(&mut self.writes, cx) {
            return Poll::Pending;
        }
        Pin::new(&mut self.inner).poll_write(cx, data)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// `inner` as the network delivers it: reads of 1 to `max_read` bytes (at most 256), writes that
/// take 1 to `max_write`, cut at random from `seed`, and one poll in three a wake-up that finds
/// nothing ready.
pub(crate) fn chopped<S>(inner: S, seed: u64, max_read: usize, max_write: usize) -> Hiccups<Chop<S>> {
    let cuts = Cuts {
        seed,
        max_read,
        max_write,
        pending_every: 0,
    };
    Hiccups {
        inner: Chop::new(inner, cuts),
        reads: seed ^ 0x5EED,
        writes: !seed,
    }
}

/// The writing side of a client that half-closed and then vanished: writes wait `after`, then fail
/// with a broken pipe; shutting down succeeds at once, as it does on a socket (it only queues a FIN).
pub(crate) struct Gone {
    sleep: Pin<Box<harness::tokio::time::Sleep>>,
}

impl Gone {
    pub(crate) fn after(after: Duration) -> Gone {
        Gone {
            sleep: Box::pin(harness::tokio::time::sleep(after)),
        }
    }
}

impl AsyncWrite for Gone {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, _data: &[u8]) -> Poll<io::Result<usize>> {
        ready!(self.sleep.as_mut().poll(cx));
        Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.sleep.as_mut().poll(cx));
        Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Holds a paused clock still while it lives, so that real sockets can do their work without the
/// clock jumping to the next timer (a server's grace period) whenever the runtime waits for them:
/// a task that only yields keeps the runtime busy, and a busy runtime's clock moves only by
/// `tokio::time::advance`. After `real_limit` of real time it lets go, so that the check's own
/// timeouts can fire if the code under test hangs.
pub(crate) struct Still {
    stop: Arc<AtomicBool>,
}

impl Still {
    pub(crate) fn hold(real_limit: Duration) -> Still {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        harness::tokio::spawn(async move {
            let start = std::time::Instant::now();
            while !flag.load(Ordering::Relaxed) && start.elapsed() < real_limit {
                harness::tokio::task::yield_now().await;
            }
        });
        Still { stop }
    }
}

impl Drop for Still {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Lets other tasks run `n` times over (they see a signal, a timer that fired).
pub(crate) async fn settle(n: usize) {
    for _ in 0..n {
        harness::tokio::task::yield_now().await;
    }
}

/// Whether something accepts connections on `addr`, asked at once, without an `.await` (so that on
/// a current-thread runtime no other task runs in between): a listener still open completes the
/// handshake into its backlog even if nobody accepts; a closed one refuses.
pub(crate) fn accepting(addr: std::net::SocketAddr) -> bool {
    std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok()
}

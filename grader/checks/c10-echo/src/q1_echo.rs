//! Q1's `echo`, driven in memory on a paused clock: reads cut at arbitrary bytes and writes that
//! take a few bytes at a time (`harness::io::Chop`), a client that sends without pause and never
//! reads, and a client that half-closes while the echo is behind. Deterministic: every cut follows
//! a seed. (Its log lines are in `q1_logs`.)

use crate::support::{BOUND, FIREHOSE_READ, Firehose, Hiccups, chopped, random_bytes, same_bytes};
use challenge::server::echo;
use harness::io::Chop;
use harness::tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt, DuplexStream, duplex};
use harness::tokio::task::JoinHandle;
use harness::tokio::time::{sleep, timeout};
use harness::{Outcome, ensure, fail};
use std::io;
use std::time::Duration;

/// Each pipe's capacity: what one direction holds before a write waits.
pub(crate) const PIPE: usize = 16 * 1024;

/// How long (virtual) a step may wait before the check calls it stuck.
pub(crate) const STEP: Duration = Duration::from_secs(2);

/// Fine cuts: reads of 1–7 bytes, writes of 1–5.
pub(crate) fn fine<S>(inner: S, seed: u64) -> Hiccups<Chop<S>> {
    chopped(inner, seed, 7, 5)
}

/// Medium cuts, for the longer transfers: reads of up to 64 bytes, writes of up to 48.
fn medium<S>(inner: S, seed: u64) -> Hiccups<Chop<S>> {
    chopped(inner, seed, 64, 48)
}

/// Reads up to `n` bytes, waiting at most [`STEP`] for each piece; what came, and whether the
/// stream ended (or failed) before `n`.
pub(crate) async fn read_up_to<R: AsyncRead + Unpin>(reader: &mut R, n: usize) -> (Vec<u8>, Option<String>) {
    let mut got = vec![0u8; n];
    let mut filled = 0;
    while filled < n {
        match timeout(STEP, reader.read(&mut got[filled..])).await {
            Ok(Ok(0)) => return (got[..filled].to_vec(), Some("the end of the stream".into())),
            Ok(Ok(k)) => filled += k,
            Ok(Err(e)) => return (got[..filled].to_vec(), Some(format!("an error ({e})"))),
            Err(_) => break,
        }
    }
    got.truncate(filled);
    (got, None)
}

/// Fails unless `got` is the whole echo of `sent`, saying what is missing and its likely cause.
pub(crate) fn whole_echo(what: &str, sent: &[u8], got: &[u8], ended: Option<String>) -> Outcome {
    if got == sent {
        return Ok(());
    }
    let (n, total) = (got.len(), sent.len());
    if sent.starts_with(got) {
        let after = match ended {
            Some(end) => format!("then {end}"),
            None => format!("and nothing more within {} s (virtual)", STEP.as_secs()),
        };
        fail!(
            "{what}: expected the {total} bytes sent back, got the first {n}, {after}: does `echo` \
             hold bytes back (a `BufWriter` that is never flushed)?"
        );
    }
    same_bytes(what, sent, got)
}

/// `echo` on a finely chopped pipe (reads of 1–7 bytes, writes of 1–5): the check's end and the
/// task.
pub(crate) fn start_chopped(seed: u64) -> (DuplexStream, JoinHandle<io::Result<()>>) {
    let (client, learner) = duplex(PIPE);
    (client, harness::tokio::spawn(echo(fine(learner, seed))))
}

/// `echo`'s result once it returned, waiting at most [`STEP`].
pub(crate) async fn ended(task: JoinHandle<io::Result<()>>, when: &str) -> Outcome<io::Result<()>> {
    match timeout(STEP, task).await {
        Ok(Ok(result)) => Ok(result),
        // A panic is the runner's to report (a `todo!()` makes the check `todo`).
        Ok(Err(e)) => fail!("{when}: `echo` did not return: {e}"),
        Err(_) => fail!(
            "{when}: expected `echo` to return, got it still running {} s (virtual) later",
            STEP.as_secs()
        ),
    }
}

/// Every byte value, eight times over and three more, through reads of 1–7 bytes and writes that take 1–5: the
/// echo must come back whole while the connection is still open.
pub(crate) async fn all_bytes() -> Outcome {
    const SEED: u64 = 256;
    let (mut client, _task) = start_chopped(SEED);
    // Not a multiple of any buffer size: an `echo` that waits for whole chunks shows.
    let sent: Vec<u8> = (0..=255u8).cycle().take(256 * 8 + 3).collect();
    if timeout(STEP, client.write_all(&sent)).await.is_err() {
        fail!(
            "could not send 2 KiB to `echo` within {} s (virtual): is it reading?",
            STEP.as_secs()
        );
    }
    let (got, ended) = read_up_to(&mut client, sent.len()).await;
    whole_echo(
        &format!(
            "all 256 byte values, 8 times and 3 more bytes, through reads and writes cut small (seed {SEED})"
        ),
        &sent,
        &got,
        ended,
    )
}

/// 1 MiB written in odd-sized pieces while the echo is read at the same time; reads of up to 256
/// bytes and writes of up to 200 on `echo`'s side.
pub(crate) async fn random_mib() -> Outcome {
    const SIZE: usize = 1024 * 1024;
    const SEED: u64 = 1;
    let (mut client, learner) = duplex(PIPE);
    let _task = harness::tokio::spawn(echo(chopped(learner, SEED, 256, 200)));
    let data = random_bytes(SEED, SIZE);
    let (mut reader, mut writer) = harness::tokio::io::split(&mut client);
    let write = async {
        let sizes = [1, 3, 17, 1021, 4093, 65_537, 7];
        let mut at = 0;
        for size in sizes.iter().cycle() {
            if at == SIZE {
                break;
            }
            let end = (at + size).min(SIZE);
            if timeout(STEP, writer.write_all(&data[at..end])).await.is_err() {
                return Some(at);
            }
            at = end;
        }
        None
    };
    let read = read_up_to(&mut reader, SIZE);
    let (stuck_at, (got, ended)) = harness::tokio::join!(write, read);
    let what = format!("1 MiB of random bytes in odd-sized pieces, cut again on `echo`'s side (seed {SEED})");
    if let Some(at) = stuck_at
        && got.len() + 2 * PIPE < at
    {
        fail!(
            "{what}: the client's writes were stuck after {at} bytes while it read the echo: \
             got {} bytes back",
            got.len()
        );
    }
    whole_echo(&what, &data, &got, ended)
}

/// The client sends, closes its side, pauses a (virtual) second without reading, and only then
/// reads: the whole echo, then the end of the stream. First 16 KiB and one byte: the pipe back
/// fills up and `echo` holds the last byte, so one that reads ahead has read the end of the stream
/// before it could write everything back, whatever the order of its `select!`. Then 24 KiB.
///
/// `echo` gets a stream it does not own (`&mut`), which lives on after it returns: only its own
/// `shutdown()` closes it.
pub(crate) async fn half_close() -> Outcome {
    half_close_after(PIPE + 1, 11).await?;
    half_close_after(24 * 1024, 12).await
}

async fn half_close_after(len: usize, seed: u64) -> Outcome {
    let (mut client, mut end) = duplex(PIPE);
    let data = random_bytes(seed, len);
    let echoing = timeout(STEP * 4, echo(medium(&mut end, seed)));
    let client_side = async {
        match timeout(STEP, client.write_all(&data)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(format!("could not send {len} bytes to `echo`: {e}")),
            Err(_) => {
                return Err(format!(
                    "expected `echo` to take {len} bytes while the client is not reading yet (they \
                     fit in the two {} KiB pipes), got the client's writes stuck",
                    PIPE / 1024
                ));
            }
        }
        if let Err(e) = client.shutdown().await {
            return Err(format!("could not half-close: {e}"));
        }
        sleep(Duration::from_secs(1)).await;
        let mut got = Vec::new();
        let finished = timeout(STEP, client.read_to_end(&mut got)).await;
        Ok((got, finished.map(|r| r.map_err(|e| e.to_string()))))
    };
    let (returned, sent) = harness::tokio::join!(echoing, client_side);
    let (got, finished) = match sent {
        Ok(seen) => seen,
        Err(message) => fail!("{message}"),
    };
    let what =
        format!("the echo of {len} bytes, the client half-closed and read only a second later (seed {seed})");
    match finished {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => fail!("{what}: reading it failed after {} bytes: {e}", got.len()),
        Err(_) if got == data && returned.is_ok() => fail!(
            "{what}: got all {len} bytes, but no end of stream: `echo` returned without closing its \
             side. Close it with `shutdown()`: dropping is not enough, `echo` may be handed a stream \
             that outlives it (here `&mut stream`)"
        ),
        Err(_) => fail!(
            "{what}: expected the rest of the echo then the end of the stream, got {} bytes and no \
             end within {} s (virtual): does `echo` close its side when it reads the end of the \
             stream?",
            got.len(),
            STEP.as_secs()
        ),
    }
    if got.len() < len && data.starts_with(&got) {
        fail!(
            "{what}: expected all {len} bytes echoed, then the end of the stream, got only the first \
             {} then the end: `echo` closed before writing back what it had already read",
            got.len()
        );
    }
    same_bytes(&what, &data, &got)?;
    match returned {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => fail!("{what}: expected `echo` to return Ok(()) after a clean close, got Err({e})"),
        Err(_) => fail!(
            "{what}: expected `echo` to return once it closed its side, got it still running {} s \
             (virtual) later",
            (STEP * 4).as_secs()
        ),
    }
}

/// Two ways a client that never reads must not fill the server's memory. First, a client that
/// sends without pause, where a single read returns as much as the buffer asks for (up to 1 MiB):
/// once `echo`'s writes are stuck, what it has read and not written back must stay within 64
/// KiB. Then a pipe of known size: the client writes 4 KiB at a time until its writes are stuck,
/// and all it pushed must fit in 64 KiB plus the two pipes; once it reads, every byte comes back.
pub(crate) async fn bounded() -> Outcome {
    const TOTAL: usize = 4 * 1024 * 1024;
    const ROOM: usize = 10_000;
    let (firehose, flow) = Firehose::new(TOTAL, ROOM);
    let _task = harness::tokio::spawn(echo(firehose));
    sleep(Duration::from_secs(1)).await;
    let sent = flow.sent.load(std::sync::atomic::Ordering::Relaxed);
    let echoed = flow.echoed.load(std::sync::atomic::Ordering::Relaxed);
    let unsent = sent - echoed;
    ensure!(
        sent > 0,
        "a client sends without pause: expected `echo` to read, got nothing read within 1 s \
         (virtual)"
    );
    ensure!(
        unsent <= BOUND,
        "a client sends without pause and never reads (a read may return up to {} MiB): `echo` \
         took {sent} bytes and wrote back {echoed} before its writes were stuck, so it holds \
         {unsent} bytes unsent; expected at most {BOUND} (64 KiB). Read into a buffer of at most \
         64 KiB, and read no more while a write waits: a bigger buffer, a growing `Vec` or an \
         unbounded channel holds what the client sends",
        FIREHOSE_READ / (1024 * 1024)
    );

    let (client, learner) = duplex(PIPE);
    let _task = harness::tokio::spawn(echo(learner));
    pushed_until_stuck(client).await
}

/// The second half of [`bounded`]: a pipe of known size, a client that writes until stuck.
async fn pushed_until_stuck(mut client: DuplexStream) -> Outcome {
    let limit = BOUND + 2 * PIPE;
    let data = random_bytes(10, limit + 8 * 1024);
    let mut pushed = 0;
    loop {
        let end = (pushed + 4096).min(data.len());
        match timeout(Duration::from_secs(1), client.write(&data[pushed..end])).await {
            // Stuck for a second: backpressure reached the client.
            Err(_) => break,
            Ok(Ok(n)) if n > 0 => pushed += n,
            Ok(Ok(_)) => fail!("the pipe to `echo` took 0 bytes"),
            Ok(Err(e)) => fail!(
                "expected `echo` to take the client's bytes until its writes are stuck, got the \
                 connection closed after {pushed} bytes ({e})"
            ),
        }
        ensure!(
            pushed <= limit,
            "a client that never reads pushed {pushed} bytes and `echo` still takes more: expected \
             it to stop reading while its writes wait, at most {limit} bytes in all (64 KiB of its \
             own, plus {} KiB in each of the two pipes)",
            PIPE / 1024
        );
    }
    ensure!(
        pushed > PIPE,
        "expected `echo` to read (and echo) what the client sends, got only {pushed} bytes taken \
         before the client's writes were stuck: the pipe alone holds {PIPE}"
    );
    // The server is stuck, not broken: once the client reads, every byte comes back, in order.
    let (got, ended) = read_up_to(&mut client, pushed).await;
    whole_echo(
        "the echo after the stall, once the client reads",
        &data[..pushed],
        &got,
        ended,
    )
}

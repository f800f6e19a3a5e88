//! Q1, closing and accepting: EOF right after the reply, a close that a client still sending
//! survives (whole reply, then EOF, never a reset), a drain of at most a second, and an accept loop
//! that outlives a failed `accept`.
//!
//! These checks hold the check's paused clock still (`support::hold_clock`): the server's own
//! timers (its drain's second, a retry's pause) move only when the check advances the clock, while
//! the sockets go on in real time. So "EOF at once" means before any of the server's timers fired,
//! and "at most a second" is measured on the server's own clock, however slow the machine.

use crate::support::*;
use challenge::q1;
use harness::tasks::Tasks;
use harness::tcp::Server;
use harness::time::{ms, secs, show};
use harness::tokio::io::AsyncWriteExt;
use harness::tokio::net::TcpSocket;
use harness::tokio::task::yield_now;
use harness::tokio::time::advance;
use harness::{Failure, Outcome, fail, show_bytes};

pub(crate) async fn closes_after_reply() -> Outcome {
    let _clock = hold_clock();
    let server = Server::start(q1::serve).await?;
    let (mut client, _reply) = step("no reply", ask(&server, b"hello\r\n")).await?;
    // The client keeps its side open and says nothing more. What comes before the EOF is
    // `exact-reply`'s business (a reply with more after its line, say): only the EOF counts here.
    match step("no EOF", client.read_to_end()).await {
        Ok(_) => Ok(()),
        Err(Failure::Timeout(_)) => Err(Failure::Timeout(
            "after the reply, no EOF within 2 s while the client kept its side open (and the server's \
             clock stood still): close the write half right after the reply (`shutdown()` sends EOF), \
             before reading what the client still sends"
                .into(),
        )),
        Err(Failure::Fail(m)) => fail(format!("after the reply: {m}")),
    }
}

/// Whether the tasks the server spawned for its connections have ended: a connection's task
/// ends when it drops the stream (a server that handles its connections inside one task shows
/// nothing here, and is not judged on it).
async fn connection_tasks_gone(tasks: &Tasks) -> bool {
    for _ in 0..200 {
        if tasks.extra() == 0 {
            return true;
        }
        yield_now().await;
    }
    false
}

/// A drain timed by `std::time::Instant` runs its second in real time, which a clock held still
/// does not move: give it that second, while the client sends a byte every 0.3 s of the server's
/// clock (so that a drain which restarts its second at each read never ends), and the clock moves
/// on. Whether the connection's task ended within 1.5 s of real time.
async fn gone_in_real_time(client: &mut harness::tcp::Client, tasks: &Tasks) -> bool {
    for _ in 0..30 {
        let _ = client.stream().write_all(b"x").await;
        settle().await;
        advance(ms(300)).await;
        let _ = real_limit(ms(45), std::future::pending::<()>()).await;
        if connection_tasks_gone(tasks).await {
            return true;
        }
    }
    false
}

/// The line `close-drains` sends: 30,000 bytes, so that its reply does not fit in the client's
/// small receive buffer (under the 64 KiB cap, so that the cap plays no part).
const LONG_TEXT: usize = 30_000;

pub(crate) async fn close_drains() -> Outcome {
    let _clock = hold_clock();
    let server = start_with_small_send_buffer(q1::serve).await?;
    for _ in 0..10 {
        yield_now().await;
    }
    let tasks = Tasks::now();
    let mut client = server.connect_with(SMALL_RECEIVE).await?;
    let mut line = vec![b'x'; LONG_TEXT];
    line.extend_from_slice(b"\r\n");
    let more = vec![b'y'; STILL_SENDING];
    let seen = send_while_reading(&mut client, &line, &more, false).await;
    let what = format!(
        "a client with a small receive buffer sent a line of {LONG_TEXT} bytes, then went on sending \
         ({STILL_SENDING} more bytes) while reading the reply"
    );
    let reset = "a stream dropped while the client's bytes are still unread in it closes with a reset, \
                 which destroys what was still on its way: after `shutdown()`, read and discard what the \
                 client sends (for a second at most), then drop the stream";
    if let Err(e) = &seen.end {
        fail!(
            "{what}: expected the whole reply, then EOF; after {} bytes of the reply, the connection \
             failed ({e}): {reset}",
            seen.reply.len()
        );
    }
    if seen.sent.is_none() {
        fail!(
            "{what}: expected the server to take all of it (reading and discarding what follows the \
             line), but it stopped reading: the client could not send for 5 s (after a reply of {} \
             bytes): {reset}",
            seen.reply.len()
        );
    }
    if let Some(Err(e)) = &seen.sent {
        fail!(
            "{what}: expected the server to take all of it (reading and discarding what follows the \
             line), but the client's sending failed ({e}) after a reply of {} bytes: {reset}",
            seen.reply.len()
        );
    }
    if seen.reply.is_empty() {
        return Err(server.explain(Failure::Fail(format!(
            "{what}: expected the reply, then EOF; the connection closed without a reply"
        ))));
    }
    // A reply that quotes the whole line is whole, line ending or not (its bytes are `exact-reply`'s).
    if !whole_reply(&seen.reply, &line[..LONG_TEXT]) {
        let more = if matches!(seen.end, Ok(true)) {
            "then EOF"
        } else {
            "then nothing more within 5 s"
        };
        fail!(
            "{what}: expected the whole reply (a line, then EOF), got {} bytes without a line ending, \
             {more}; its last bytes: {} (one `write` may take only part of what it is given: \
             `write_all`)",
            seen.reply.len(),
            show_bytes(&seen.reply[seen.reply.len().saturating_sub(40)..])
        );
    }
    if matches!(seen.end, Ok(false)) {
        // A whole reply and no EOF: `closes-after-reply` charges a server that does not close.
        return Ok(());
    }
    // The drain's second, on the server's clock: a byte at 0.6 s, then at 1.1 s the connection
    // must be gone (a drain that restarts its second at each read would still be reading).
    advance(ms(600)).await;
    let _ = client.stream().write_all(b"x").await;
    settle().await;
    advance(ms(500)).await;
    if !connection_tasks_gone(&tasks).await && !gone_in_real_time(&mut client, &tasks).await {
        fail!(
            "{what}, then stayed connected, sending one byte at 0.6 s: at {} (on the server's clock) \
             the connection's task was still running, and still 1.5 s later in real time, the client \
             sending a byte every 0.3 s: drain for a second at most, counted from the reply (not from \
             the last byte read), then drop the stream",
            show(ms(1100))
        );
    }
    Ok(())
}

/// The most file descriptors `accept-error` opens to use them all up: past that, the check cannot
/// make `accept` fail, and passes (a machine whose soft limit is that high is rare for grading).
const MAX_EXHAUST: u64 = 1 << 17;

/// The soft limit on open files, from `/proc/self/limits` (Linux).
pub(crate) fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// Opens files until the process has no descriptor left (`EMFILE`): then the server's next
/// `accept` fails, as it does for a real server out of file descriptors. Dropping them frees them.
fn use_up_descriptors() -> Option<Vec<std::fs::File>> {
    if open_files_limit()? > MAX_EXHAUST {
        return None;
    }
    let base = std::fs::File::open("/dev/null").ok()?;
    let mut files = Vec::new();
    loop {
        match base.try_clone() {
            Ok(file) => files.push(file),
            Err(e) if e.raw_os_error() == Some(EMFILE) => return Some(files),
            Err(_) => return None,
        }
    }
}

/// `EMFILE`: too many open files (Linux, macOS).
const EMFILE: i32 = 24;

pub(crate) async fn accept_error() -> Outcome {
    let _clock = hold_clock();
    let server = Server::start(q1::serve).await?;
    // The client's socket is made first: it needs a descriptor of its own.
    let socket = match TcpSocket::new_v4() {
        Ok(socket) => socket,
        Err(e) => fail!("the check could not make a socket: {e}"),
    };
    let Some(files) = use_up_descriptors() else {
        // No way to make `accept` fail here: the server only has to serve.
        return expect_served(&server, "hello").await.map_err(on(&server));
    };
    let connected = step("could not connect", async {
        socket
            .connect(server.addr)
            .await
            .map_err(|e| Failure::Fail(format!("could not connect: {e}")))
    })
    .await;
    let mut stream = match connected {
        Ok(stream) => stream,
        Err(failure) => {
            drop(files);
            return Err(failure);
        }
    };
    let sent = stream.write_all(b"hello\r\n").await;
    // The server's accept wakes up, and fails: EMFILE.
    settle().await;
    drop(files);
    if let Err(e) = sent {
        fail!("the check could not send to the server: {e}");
    }
    if !server.is_running() {
        return Err(server.explain(Failure::Fail(
            "`accept()` failed (EMFILE: the process had no file descriptor left) and the server \
             stopped: log a failed accept (`eprintln!`), pause a little, and go on accepting"
                .into(),
        )));
    }
    // Descriptors are free again: the server's next accept (after its pause, up to 5 s on its
    // clock) gets the client.
    advance(secs(5.0)).await;
    let reply = step("no reply", raw_line(&mut stream)).await;
    reply.map(drop).map_err(|f| {
        server.explain(context(
            "after a failed `accept()` (EMFILE: no file descriptor left, then free again after a \
             moment), the next client got no reply: a failed accept is logged, and the loop goes on \
             accepting",
            f,
        ))
    })
}

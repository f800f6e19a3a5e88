//! The beats in virtual time: the learner's `heartbeat` on an in-memory stream, on a paused clock.
//!
//! Each check judges its own point: `first-beat` alone judges the `*` sent on connect, and the
//! others look only at the beats after it (so a first `*` that comes late, or twice, costs
//! `first-beat` and nothing else), and `every-3s` alone judges that nothing but `*` is sent.

use challenge::heartbeat;
use harness::time::{Arrival, record, seconds};
use harness::tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use harness::tokio::time::{Duration, Instant, sleep, sleep_until, timeout_at};
use harness::tokio::{self};
use harness::{Outcome, fail, show_bytes};

/// Starts the learner's `heartbeat` on one end of an in-memory stream with room for `capacity`
/// bytes; returns the other end, which plays the client.
fn connect(capacity: usize) -> DuplexStream {
    let (client, server) = tokio::io::duplex(capacity);
    tokio::spawn(heartbeat(server));
    client
}

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

async fn recording(client: &mut DuplexStream, start: Instant, until: f64) -> Outcome<Vec<Arrival>> {
    record(client, start, secs(until))
        .await
        .or_else(|e| fail(format!("reading the heartbeat failed: {e}")))
}

/// The times (in seconds from the start) of the `*` bytes that arrived strictly after `after` s.
fn beats_after(arrivals: &[Arrival], after: f64) -> Vec<f64> {
    let stars: Vec<Arrival> = arrivals.iter().copied().filter(|a| a.byte == b'*').collect();
    seconds(&stars).into_iter().filter(|&t| t > after).collect()
}

/// Checks that the `*` after the connection's first instant `joined` come exactly at `expected`.
fn expect_beats_after(who: &str, arrivals: &[Arrival], joined: f64, expected: &[f64]) -> Outcome {
    let got = beats_after(arrivals, joined);
    if got != expected {
        return fail(format!(
            "{who}: after the beat on connect, expected one `*` at each of {expected:?} s and none \
             between, got `*` at {got:?} s"
        ));
    }
    Ok(())
}

pub(crate) async fn first_beat() -> Outcome {
    let start = Instant::now();
    let mut client = connect(1024);
    // Until just before the second beat is due: every `*` by then is a beat on connect.
    let arrivals = recording(&mut client, start, 2.9).await?;
    let stars: Vec<Arrival> = arrivals.iter().copied().filter(|a| a.byte == b'*').collect();
    let Some(first) = stars.first() else {
        let bytes: Vec<u8> = arrivals.iter().map(|a| a.byte).collect();
        if bytes.is_empty() {
            return fail("expected a `*` at once (0 s), got nothing in the first 2.9 s");
        }
        return fail(format!(
            "expected a `*` at once (0 s), got no `*` in the first 2.9 s, only {}",
            show_bytes(&bytes)
        ));
    };
    if !first.at.is_zero() {
        return fail(format!(
            "expected the first `*` at once (0 s), it came at {} s",
            first.at.as_secs_f64()
        ));
    }
    let at_once = stars.iter().filter(|a| a.at.is_zero()).count();
    if at_once != 1 {
        return fail(format!("expected one `*` at once (0 s), got {at_once} of them"));
    }
    Ok(())
}

pub(crate) async fn every_three_seconds() -> Outcome {
    let start = Instant::now();
    let mut client = connect(1024);
    let arrivals = recording(&mut client, start, 10.5).await?;
    if let Some(other) = arrivals.iter().find(|a| a.byte != b'*') {
        return fail(format!(
            "expected only the byte `*` (no newline, nothing else), got {} at {} s",
            show_bytes(&[other.byte]),
            other.at.as_secs_f64()
        ));
    }
    expect_beats_after("over 10.5 s", &arrivals, 0.0, &[3.0, 6.0, 9.0])
}

pub(crate) async fn no_burst() -> Outcome {
    // The client reads nothing between its first beat and 20 s and the stream holds one byte, so
    // the server's write is stuck over the ticks up to 18 s. When the client reads again, the
    // missed ticks must be skipped (as LoopingCall does): beats go on at 21 s and 24 s, aligned to
    // the start, with no volley of catch-up beats and no drift to 23 s and 26 s.
    let start = Instant::now();
    let mut client = connect(1);
    let mut first = [0u8; 1];
    // Within one interval (so that a late first beat is `first-beat`'s business, not this one's).
    match timeout_at(start + secs(3.5), client.read_exact(&mut first)).await {
        Err(_) => return fail("expected a `*` within 3.5 s of connecting, got nothing"),
        Ok(Err(e)) => return fail(format!("expected a `*` within 3.5 s of connecting, got {e}")),
        Ok(Ok(_)) => {}
    }
    sleep_until(start + secs(20.0)).await;
    let arrivals = recording(&mut client, start, 25.5).await?;
    let caught_up = beats_after(&arrivals, 0.0).iter().filter(|&&t| t < 21.0).count();
    let later = beats_after(&arrivals, 20.9);
    let expected_later = [21.0, 24.0];
    if caught_up > STUCK_BEATS_ALLOWED || later != expected_later {
        return fail(format!(
            "after a reader stalled until 20 s, expected at most {STUCK_BEATS_ALLOWED} `*` at 20 s (the \
             ones that were waiting) then `*` at {expected_later:?} s (missed ticks skipped, on the \
             3-second grid); got `*` at {:?} s",
            beats_after(&arrivals, 0.0)
        ));
    }
    Ok(())
}

/// The beats a stalled reader finds waiting at 20 s: the one in the stream's buffer, the one whose
/// write was stuck, and the one missed tick that `MissedTickBehavior::Skip` fires late.
const STUCK_BEATS_ALLOWED: usize = 3;

pub(crate) async fn own_phase() -> Outcome {
    let start = Instant::now();
    let mut a = connect(1024);
    let record_a = recording(&mut a, start, 10.4);
    let record_b = async {
        sleep(secs(1.5)).await;
        let mut b = connect(1024);
        recording(&mut b, start, 10.4).await
    };
    let (a, b) = tokio::join!(record_a, record_b);
    expect_beats_after("client A (joined at 0 s)", &a?, 0.0, &[3.0, 6.0, 9.0])?;
    expect_beats_after("client B (joined at 1.5 s)", &b?, 1.5, &[4.5, 7.5])
}

pub(crate) async fn input_ignored() -> Outcome {
    let start = Instant::now();
    let client = connect(1024);
    let (mut reader, mut writer) = tokio::io::split(client);
    // 64 KiB of chatter at 1 s: more than the stream holds, so it only gets through if the server reads.
    let chatter = async {
        sleep(secs(1.0)).await;
        // Bounded in virtual time: a server that never reads must not hang the check.
        let sent = timeout_at(start + secs(10.0), writer.write_all(&[b'x'; 64 * 1024])).await;
        (sent, start.elapsed())
    };
    let (arrivals, (sent, sent_at)) = tokio::join!(record(&mut reader, start, secs(10.5)), chatter);
    let arrivals = arrivals.or_else(|e| fail(format!("reading the heartbeat failed: {e}")))?;
    if let Some(echo) = arrivals.iter().find(|a| a.byte == b'x') {
        return fail(format!(
            "expected the client's input (`x` bytes from 1 s on) to be ignored, got an `x` back at {} s",
            echo.at.as_secs_f64()
        ));
    }
    expect_beats_after("with a client chatting at 1 s", &arrivals, 0.0, &[3.0, 6.0, 9.0])?;
    match sent {
        Ok(Ok(())) if sent_at < secs(10.0) => Ok(()),
        Ok(Ok(())) | Err(_) => fail(
            "expected the server to read what the client sends: 64 KiB sent at 1 s were still not read at 10 s",
        ),
        Ok(Err(e)) => fail(format!("sending to the server failed: {e}")),
    }
}

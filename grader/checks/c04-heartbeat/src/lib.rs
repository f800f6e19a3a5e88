//! The checks of challenge 4, heartbeat.
//!
//! Timing is checked in virtual time on in-memory streams (`tokio::io::duplex`) driving the
//! learner's `heartbeat`: exact to the millisecond and instant to run. Leaks and load are checked on
//! real TCP through `serve`.

use challenge::{heartbeat, serve};
use harness::futures::StreamExt;
use harness::time::{Arrival, record, seconds};
use harness::tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use harness::tokio::time::{Duration, Instant, sleep, sleep_until};
use harness::tokio::{self};
use harness::{Outcome, Suite, fail, paused, real};

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            paused("first-beat", first_beat),
            paused("every-3s", every_three_seconds),
            paused("no-burst", no_burst),
            paused("own-phase", own_phase),
            paused("input-ignored", input_ignored),
            real("no-leak", no_leak),
            real("hundred-clients", hundred_clients),
        ],
    )
}

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

/// Checks that the arrivals are exactly one `*` at each of `expected` seconds.
fn expect_beats(who: &str, arrivals: &[Arrival], expected: &[f64]) -> Outcome {
    if let Some(other) = arrivals.iter().find(|a| a.byte != b'*') {
        return fail(format!(
            "{who}: expected only `*`, got the byte {:?}",
            other.byte as char
        ));
    }
    let got = seconds(arrivals);
    if got != expected {
        return fail(format!(
            "{who}: expected one `*` at each of {expected:?} s, got `*` at {got:?} s"
        ));
    }
    Ok(())
}

async fn recording(client: &mut DuplexStream, start: Instant, until: f64) -> Outcome<Vec<Arrival>> {
    record(client, start, secs(until))
        .await
        .or_else(|e| fail(format!("reading the heartbeat failed: {e}")))
}

async fn first_beat() -> Outcome {
    let start = Instant::now();
    let mut client = connect(1024);
    let arrivals = recording(&mut client, start, 1.0).await?;
    match arrivals.first() {
        Some(a) if a.at.is_zero() && a.byte == b'*' => Ok(()),
        Some(a) => fail(format!(
            "expected `*` at once (0 s), got {:?} at {} s",
            a.byte as char,
            a.at.as_secs_f64()
        )),
        None => fail("expected `*` at once (0 s), got nothing in the first second"),
    }
}

async fn every_three_seconds() -> Outcome {
    let start = Instant::now();
    let mut client = connect(1024);
    let arrivals = recording(&mut client, start, 10.5).await?;
    expect_beats("over 10.5 s", &arrivals, &[0.0, 3.0, 6.0, 9.0])
}

async fn no_burst() -> Outcome {
    // The client reads nothing between 0 s and 20 s and the stream holds one byte, so the server's
    // write is stuck over the ticks at 6 s … 18 s. When the client reads again, the missed ticks
    // must be skipped (as LoopingCall does): beats go on at 21 s and 24 s, aligned to the start,
    // with no volley of catch-up beats and no drift to 23 s and 26 s.
    let start = Instant::now();
    let mut client = connect(1);
    let mut first = [0u8; 1];
    client
        .read_exact(&mut first)
        .await
        .or_else(|e| fail(format!("no first beat: {e}")))?;
    sleep_until(start + secs(20.0)).await;
    let arrivals = recording(&mut client, start, 25.5).await?;
    let (caught_up, later): (Vec<Arrival>, Vec<Arrival>) = arrivals.iter().partition(|a| a.at < secs(21.0));
    let expected_later = [21.0, 24.0];
    if caught_up.len() > STUCK_BEATS_ALLOWED || seconds(&later) != expected_later {
        return fail(format!(
            "after a reader stalled from 0 s to 20 s, expected at most {STUCK_BEATS_ALLOWED} beats at 20 s (the ones \
             that were waiting) then beats at {expected_later:?} s; got beats at {:?} s",
            seconds(&arrivals)
        ));
    }
    Ok(())
}

/// The beats a stalled reader finds waiting at 20 s: the one in the stream's buffer, the one whose
/// write was stuck, and the one missed tick that `MissedTickBehavior::Skip` fires late.
const STUCK_BEATS_ALLOWED: usize = 3;

async fn own_phase() -> Outcome {
    let start = Instant::now();
    let mut a = connect(1024);
    let record_a = recording(&mut a, start, 10.4);
    let record_b = async {
        sleep(secs(1.5)).await;
        let mut b = connect(1024);
        recording(&mut b, start, 10.4).await
    };
    let (a, b) = tokio::join!(record_a, record_b);
    expect_beats("client A (joined at 0 s)", &a?, &[0.0, 3.0, 6.0, 9.0])?;
    expect_beats("client B (joined at 1.5 s)", &b?, &[1.5, 4.5, 7.5])
}

async fn input_ignored() -> Outcome {
    let start = Instant::now();
    let client = connect(1024);
    let (mut reader, mut writer) = tokio::io::split(client);
    // 64 KiB of chatter at 1 s: more than the stream holds, so it only gets through if the server reads.
    let chatter = async {
        sleep(secs(1.0)).await;
        // Bounded in virtual time: a server that never reads must not hang the check.
        let sent = tokio::time::timeout_at(start + secs(10.0), writer.write_all(&[b'x'; 64 * 1024])).await;
        (sent, start.elapsed())
    };
    let (arrivals, (sent, sent_at)) = tokio::join!(record(&mut reader, start, secs(10.5)), chatter);
    let arrivals = arrivals.or_else(|e| fail(format!("reading the heartbeat failed: {e}")))?;
    expect_beats("with a chatty client", &arrivals, &[0.0, 3.0, 6.0, 9.0])?;
    match sent {
        Ok(Ok(())) if sent_at < secs(10.0) => Ok(()),
        Ok(Ok(())) | Err(_) => fail(
            "the server does not read what the client sends: 64 KiB sent at 1 s were still not read at 10 s",
        ),
        Ok(Err(e)) => fail(format!("sending to the server failed: {e}")),
    }
}

async fn no_leak() -> Outcome {
    let server = harness::tcp::Server::start(serve).await?;
    let metrics = tokio::runtime::Handle::current().metrics();
    let baseline = metrics.num_alive_tasks();
    // 1,000 cycles, 25 at a time: connect, get the first beat, leave.
    let cycles = harness::futures::stream::iter(0..1000).map(|cycle| {
        let server = &server;
        async move {
            let mut client = server.connect().await?;
            let first = client.read_bytes(1).await?;
            if first != b"*" {
                return fail(format!(
                    "cycle {cycle}: expected `*` on connect, got {}",
                    harness::show_bytes(&first)
                ));
            }
            Ok(())
        }
    });
    let results: Vec<Outcome> = cycles.buffer_unordered(25).collect().await;
    results.into_iter().collect::<Outcome>()?;
    // Every connection is closed: each task must notice and end, now, not at its next tick.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    loop {
        let alive = metrics.num_alive_tasks();
        if alive <= baseline {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            return fail(format!(
                "after 1,000 clients connected and left, {} tasks were still alive 1 s later \
                 (does `heartbeat` return when the client closes, or only when a write fails?)",
                alive - baseline
            ));
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn hundred_clients() -> Outcome {
    let server = harness::tcp::Server::start(serve).await?;
    let clients = (0..100).map(|_| async {
        let mut client = server.connect().await?;
        client.read_bytes(1).await
    });
    let firsts = harness::futures::future::join_all(clients).await;
    for (i, first) in firsts.into_iter().enumerate() {
        let first = first?;
        if first != b"*" {
            return fail(format!(
                "client {i} of 100: expected `*` on connect, got {}",
                harness::show_bytes(&first)
            ));
        }
    }
    Ok(())
}

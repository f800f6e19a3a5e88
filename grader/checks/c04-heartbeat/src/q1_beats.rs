//! Q1, the beats in virtual time: the learner's `heartbeat` on an in-memory connection (reads and
//! writes cut small, spurious wake-ups), on a paused clock.
//!
//! Each check judges its own point: `first-beat` alone judges the `*` sent on connect, and the
//! others look only at the beats after it (so a first `*` that comes late, or twice, costs
//! `first-beat` and nothing else), and `every-3s` alone judges that nothing but `*` is sent.

use crate::support::{beats_after, connect, expect_beats_after, recording};
use harness::time::{Arrival, secs};
use harness::tokio::io::AsyncReadExt;
use harness::tokio::time::{Instant, sleep, sleep_until, timeout_at};
use harness::tokio::{self};
use harness::{Outcome, fail, show_bytes};

pub(crate) async fn first_beat() -> Outcome {
    let start = Instant::now();
    let mut connection = connect(1024);
    // Until just before the second beat is due: every `*` by then is a beat on connect.
    let arrivals = recording(&mut connection.client, start, 2.9).await?;
    let stars: Vec<Arrival> = arrivals.iter().copied().filter(|a| a.byte == b'*').collect();
    let Some(first) = stars.first() else {
        let bytes: Vec<u8> = arrivals.iter().map(|a| a.byte).collect();
        if bytes.is_empty() {
            fail!("expected a `*` at once (0 s), got nothing in the first 2.9 s");
        }
        fail!(
            "expected a `*` at once (0 s), got no `*` in the first 2.9 s, only {}",
            show_bytes(&bytes)
        );
    };
    harness::ensure!(
        first.at.is_zero(),
        "expected the first `*` at once (0 s), it came at {}",
        harness::time::show(first.at)
    );
    let at_once = stars.iter().filter(|a| a.at.is_zero()).count();
    harness::ensure!(
        at_once == 1,
        "expected one `*` at once (0 s), got {at_once} of them"
    );
    Ok(())
}

pub(crate) async fn every_three_seconds() -> Outcome {
    let start = Instant::now();
    let mut connection = connect(1024);
    let arrivals = recording(&mut connection.client, start, 10.5).await?;
    if let Some(other) = arrivals.iter().find(|a| a.byte != b'*') {
        fail!(
            "expected only the byte `*` (no newline, nothing else), got {} at {}",
            show_bytes(&[other.byte]),
            harness::time::show(other.at)
        );
    }
    expect_beats_after("over 10.5 s", &arrivals, 0.0, &[3.0, 6.0, 9.0])
}

/// The beats a stalled reader finds waiting at 20 s: the one in the stream's buffer, the one whose
/// write was stuck, and the one missed tick that `MissedTickBehavior::Skip` fires late.
const STUCK_BEATS_ALLOWED: usize = 3;

pub(crate) async fn no_burst() -> Outcome {
    // The client reads nothing between its first beat and 20 s and the stream holds one byte, so
    // the server's write is stuck over the ticks up to 18 s. When the client reads again, the
    // missed ticks must be skipped (as LoopingCall does): beats go on at 21 s and 24 s, aligned to
    // the start, with no volley of catch-up beats and no drift to 23 s and 26 s. 20 s is no tick's
    // instant, so the verdict does not hang on which `select!` branch wins a tie.
    let start = Instant::now();
    let mut connection = connect(1);
    let mut first = [0u8; 1];
    // Within one interval (so that a late first beat is `first-beat`'s business, not this one's).
    match timeout_at(start + secs(3.5), connection.client.read_exact(&mut first)).await {
        Err(_) => fail!("expected a `*` within 3.5 s of connecting, got nothing"),
        Ok(Err(e)) => fail!("expected a `*` within 3.5 s of connecting, got {e}"),
        Ok(Ok(_)) => {}
    }
    sleep_until(start + secs(20.0)).await;
    let arrivals = recording(&mut connection.client, start, 25.5).await?;
    let caught_up = beats_after(&arrivals, 0.0).iter().filter(|&&t| t < 21.0).count();
    let later = beats_after(&arrivals, 20.9);
    let expected_later = [21.0, 24.0];
    if caught_up > STUCK_BEATS_ALLOWED || later != expected_later {
        let ended = crate::support::ended(&mut connection.task).await;
        fail!(
            "after a reader stalled until 20 s, expected at most {STUCK_BEATS_ALLOWED} `*` at 20 s (the \
             ones that were waiting) then `*` at {expected_later:?} s (missed ticks skipped, on the \
             3-second grid); got `*` at {:?} s{ended}",
            beats_after(&arrivals, 0.0)
        );
    }
    Ok(())
}

pub(crate) async fn own_phase() -> Outcome {
    let start = Instant::now();
    let mut a = connect(1024);
    let record_a = recording(&mut a.client, start, 10.4);
    let record_b = async {
        sleep(secs(1.5)).await;
        let mut b = connect(1024);
        recording(&mut b.client, start, 10.4).await
    };
    let (a, b) = tokio::join!(record_a, record_b);
    expect_beats_after("client A (joined at 0 s)", &a?, 0.0, &[3.0, 6.0, 9.0])?;
    expect_beats_after("client B (joined at 1.5 s)", &b?, 1.5, &[4.5, 7.5])
}

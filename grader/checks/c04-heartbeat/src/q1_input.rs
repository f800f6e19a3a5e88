//! Q1, what the client sends: read and ignored, whatever it is (bytes that are not text), however
//! much of it comes (a client that never stops sending), without memory that grows with it.
//!
//! A client that never stops sending is [`Flood`]: every read is ready, as on a socket whose peer
//! streams data, and it takes part in tokio's budget as a socket does. It never lets the runtime go
//! idle, so the paused clock does not jump by itself: these checks drive it with
//! [`advance`](harness::tokio::time::advance), in steps of [`STEP`].

use crate::support::{connect, ended, expect_beats_after};
use challenge::heartbeat;
use harness::io::{Flood, Recorder};
use harness::time::{Arrival, ms, record, secs, show};
use harness::tokio::io::AsyncWriteExt;
use harness::tokio::time::{Duration, Instant, advance, sleep_until, timeout_at};
use harness::tokio::{self};
use harness::{Outcome, fail};

/// What the chatty client sends: bytes that are not UTF-8 text (each alone is a stray continuation
/// byte), cut into lines, so that a reader of text lines fails on the first one.
fn noise(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| {
            if i % 64 == 63 {
                b'\n'
            } else {
                0x80 | (i as u8 & 0x7f)
            }
        })
        .collect()
}

/// Whether `byte` can only have come from the client's noise.
fn echoed(byte: u8) -> bool {
    byte >= 0x80
}

pub(crate) async fn input_ignored() -> Outcome {
    let start = Instant::now();
    let mut connection = connect(1024);
    let (mut reader, mut writer) = tokio::io::split(connection.client);
    // 32 KiB at 1 s and again at 5.5 s (instants that are no tick's): more than the stream holds,
    // so each only gets through if the server reads.
    const BURST: usize = 32 * 1024;
    let chatter = async {
        let mut sent = Vec::new();
        for (at, by) in [(1.0, 5.0), (5.5, 10.0)] {
            sleep_until(start + secs(at)).await;
            // Bounded in virtual time: a server that never reads must not hang the check.
            let done = timeout_at(start + secs(by), writer.write_all(&noise(BURST))).await;
            sent.push((at, by, done, start.elapsed()));
        }
        sent
    };
    let (arrivals, sent) = tokio::join!(record(&mut reader, start, secs(10.5)), chatter);
    let arrivals: Vec<Arrival> = arrivals.or_else(|e| fail(format!("reading the heartbeat failed: {e}")))?;
    if let Some(echo) = arrivals.iter().find(|a| echoed(a.byte)) {
        fail!(
            "expected the client's input (bytes sent at 1 s and 5.5 s) to be ignored, got one of them \
             back at {}",
            show(echo.at)
        );
    }
    let what = "with a client sending 32 KiB that are not UTF-8 text at 1 s and at 5.5 s";
    if let Err(failure) = expect_beats_after(what, &arrivals, 0.0, &[3.0, 6.0, 9.0]) {
        let ended = ended(&mut connection.task).await;
        if ended.is_empty() {
            return Err(failure);
        }
        let harness::Failure::Fail(message) = failure else {
            return Err(failure);
        };
        fail!(
            "{message}{ended}: input is ignored whatever its bytes (it is not text, and it need not \
             end with a newline)"
        );
    }
    for (at, by, done, when) in sent {
        match done {
            Ok(Ok(())) => {}
            Err(_) => fail!(
                "expected the server to read what the client sends: 32 KiB sent at {at} s were still \
                 not all read at {by} s"
            ),
            Ok(Err(e)) => fail!(
                "sending to the server at {at} s failed at {}: {e}{}",
                show(when),
                ended(&mut connection.task).await
            ),
        }
    }
    Ok(())
}

/// How far the checks move the clock at a time while a client floods the server.
const STEP: Duration = ms(10);

/// Moves the paused clock on by `total`, in steps of [`STEP`], letting the learner's task run
/// before the first and after each.
async fn drive(total: Duration) {
    for _ in 0..4 {
        tokio::task::yield_now().await;
    }
    let steps = total.as_millis() / STEP.as_millis();
    for _ in 0..steps {
        advance(STEP).await;
    }
}

/// How late a beat may come while the client floods the server: the beat is judged on coming
/// at all, not to the millisecond (`every-3s` judges that).
const FLOOD_LATENESS: Duration = ms(1000);

pub(crate) async fn steady_under_flood() -> Outcome {
    let flood = Flood::new(b'x');
    let recorder = Recorder::new();
    let task = tokio::spawn(heartbeat(tokio::io::join(flood.clone(), recorder.clone())));
    drive(secs(9.5)).await;
    task.abort();
    // The beat on connect is `first-beat`'s business: only the beats after 0.5 s are judged.
    let beats: Vec<Duration> = recorder
        .times_of(b'*')
        .into_iter()
        .filter(|&b| b > ms(500))
        .collect();
    let due = [3.0, 6.0, 9.0].map(secs);
    let in_window = |t: Duration| {
        beats
            .iter()
            .filter(|&&b| b >= t && b < t + FLOOD_LATENESS)
            .count()
    };
    if beats.len() == due.len() && due.iter().all(|&t| in_window(t) == 1) {
        return Ok(());
    }
    let taken = flood.taken();
    let cause = if beats.len() < due.len() && taken > 0 {
        ": is the read always looked at first (`biased;` with the read branch first), or does each \
         read restart the wait for the next beat, so that a client that never stops sending \
         starves the timer?"
    } else {
        ""
    };
    fail!(
        "while the client sent without a pause from 0 s on ({taken} bytes read by 9.5 s), expected, \
         after the beat on connect, one `*` at each of 3, 6 and 9 s (at most {} late) and none \
         between, got `*` at {}{cause}",
        show(FLOOD_LATENESS),
        harness::time::show_all(&beats)
    )
}

/// How much the heap may grow while a client floods the server for [`FLOOD_MEASURED`] after a
/// warm-up: far less than what the client sends meanwhile (megabytes).
const MEMORY_SLACK: usize = 64 * 1024;

/// The warm-up (buffers reach their size) and the flood measured after it.
const FLOOD_WARM_UP: Duration = secs_const(1);
const FLOOD_MEASURED: Duration = secs_const(4);

const fn secs_const(s: u64) -> Duration {
    Duration::from_secs(s)
}

pub(crate) async fn bounded_memory() -> Outcome {
    let Some(_) = harness::memory::live_bytes() else {
        fail!("the checks cannot count memory: their allocator is not installed (a grader bug)");
    };
    let flood = Flood::new(b'x');
    let task = tokio::spawn(heartbeat(tokio::io::join(flood.clone(), tokio::io::sink())));
    drive(FLOOD_WARM_UP).await;
    let before = harness::memory::live_bytes().unwrap_or(0);
    let taken_before = flood.taken();
    drive(FLOOD_MEASURED).await;
    let after = harness::memory::live_bytes().unwrap_or(0);
    let taken = flood.taken() - taken_before;
    let ended = task.is_finished();
    task.abort();
    // A `heartbeat` that has returned (or panicked) keeps nothing: there is no memory to judge.
    harness::ensure!(
        !ended,
        "a client sent without a pause and never a newline: expected the connection to go on (its \
         input read and ignored), but `heartbeat` had returned by {}",
        show(FLOOD_WARM_UP + FLOOD_MEASURED)
    );
    let grew = after.saturating_sub(before);
    if grew > MEMORY_SLACK {
        fail!(
            "a client sent without a pause and never a newline: while the server read {taken} more \
             bytes of it (from {} to {}), the heap grew by {grew} bytes; expected it to stay flat \
             (within {MEMORY_SLACK} bytes): what the client sends is read and dropped, not kept",
            show(FLOOD_WARM_UP),
            show(FLOOD_WARM_UP + FLOOD_MEASURED)
        );
    }
    Ok(())
}

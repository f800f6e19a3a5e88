//! What the checks share: the learner's `heartbeat` on an in-memory connection, and the beats it
//! sent, with when they came.

use challenge::heartbeat;
use harness::io::{Chop, chopped_duplex};
use harness::time::{Arrival, record, seconds};
use harness::tokio::io::DuplexStream;
use harness::tokio::task::JoinHandle;
use harness::tokio::time::Instant;
use harness::tokio::{self};
use harness::{Outcome, fail};
use std::io;

/// The seed of the cuts of every in-memory connection: the learner's reads return 1 to 7 bytes,
/// its writes take 1 to 5, and every third poll finds nothing ready.
pub(crate) const SEED: u64 = 4;

/// A connection to the learner's `heartbeat`, in memory: the check's end, and the task running
/// `heartbeat` on the other (chopped) end.
pub(crate) struct Connection {
    pub(crate) client: DuplexStream,
    pub(crate) task: JoinHandle<io::Result<()>>,
}

/// Starts the learner's `heartbeat` on one end of an in-memory stream that holds `capacity` bytes
/// each way; the other end plays the client.
pub(crate) fn connect(capacity: usize) -> Connection {
    let (client, server): (DuplexStream, Chop<DuplexStream>) = chopped_duplex(capacity, SEED);
    let task = tokio::spawn(heartbeat(server));
    Connection { client, task }
}

/// Records what arrives on `client` until `until` s after `start`.
pub(crate) async fn recording(
    client: &mut DuplexStream,
    start: Instant,
    until: f64,
) -> Outcome<Vec<Arrival>> {
    record(client, start, harness::time::secs(until))
        .await
        .or_else(|e| fail(format!("reading the heartbeat failed: {e}")))
}

/// The times (in seconds from the start) of the `*` bytes that arrived strictly after `after` s.
pub(crate) fn beats_after(arrivals: &[Arrival], after: f64) -> Vec<f64> {
    let stars: Vec<Arrival> = arrivals.iter().copied().filter(|a| a.byte == b'*').collect();
    seconds(&stars).into_iter().filter(|&t| t > after).collect()
}

/// Checks that the `*` after the connection's first instant `joined` come exactly at `expected`.
pub(crate) fn expect_beats_after(who: &str, arrivals: &[Arrival], joined: f64, expected: &[f64]) -> Outcome {
    let got = beats_after(arrivals, joined);
    harness::ensure!(
        got == expected,
        "{who}: after the beat on connect, expected one `*` at each of {expected:?} s and none \
         between, got `*` at {got:?} s"
    );
    Ok(())
}

/// How `heartbeat` ended, if it has, for messages: ` (heartbeat had returned Err(…) by then)`.
pub(crate) async fn ended(task: &mut JoinHandle<io::Result<()>>) -> String {
    if !task.is_finished() {
        return String::new();
    }
    match task.await {
        Ok(Ok(())) => " (`heartbeat` had returned Ok(()) by then: the connection was over for it)".into(),
        Ok(Err(e)) => {
            format!(" (`heartbeat` had returned the error \"{e}\" by then: the connection was over for it)")
        }
        Err(_) => " (`heartbeat` had panicked by then)".into(),
    }
}

//! Time helpers: [`until`] waits for a condition on any clock; the rest are for checks that run on
//! a paused clock ([`crate::paused`]).
//!
//! On a paused clock, tokio jumps to the next timer as soon as every task is idle, so "wait 10 s"
//! costs microseconds. That is exact for in-memory streams (`tokio::io::duplex`), which is what
//! timing checks should drive a learner's per-connection code with: with real sockets the runtime
//! may jump ahead while bytes are still on their way through the kernel.

use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::time::Instant;

/// `n` milliseconds: `sleep(ms(250))`.
pub const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// `s` seconds, fractions allowed: `secs(1.5)`.
pub fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

/// A duration for messages, in seconds to the millisecond, as a learner reads it: `3 s`, `1.5 s`,
/// `0.001 s`.
pub fn show(d: Duration) -> String {
    format!("{} s", d.as_millis() as f64 / 1000.0)
}

/// Durations for messages: `0 s, 3 s, 6 s`, or `none`.
pub fn show_all(list: &[Duration]) -> String {
    if list.is_empty() {
        return "none".into();
    }
    list.iter().map(|d| show(*d)).collect::<Vec<_>>().join(", ")
}

/// One byte and when it arrived, measured from the start of the recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrival {
    pub at: Duration,
    pub byte: u8,
}

/// Reads from `reader` until `until` has passed since `start` (or the stream ends), noting when
/// each byte arrived.
pub async fn record<R: AsyncRead + Unpin>(
    reader: &mut R,
    start: Instant,
    until: Duration,
) -> std::io::Result<Vec<Arrival>> {
    let mut arrivals = Vec::new();
    let mut buf = [0u8; 1024];
    let deadline = start + until;
    loop {
        match tokio::time::timeout_at(deadline, reader.read(&mut buf)).await {
            Err(_elapsed) => return Ok(arrivals),
            Ok(Ok(0)) => return Ok(arrivals),
            Ok(Ok(n)) => {
                let at = start.elapsed();
                arrivals.extend(buf[..n].iter().map(|&byte| Arrival { at, byte }));
            }
            Ok(Err(e)) => return Err(e),
        }
    }
}

/// Arrival times in seconds with millisecond precision, for messages: `[0.0, 3.0, 6.0]`.
pub fn seconds(arrivals: &[Arrival]) -> Vec<f64> {
    arrivals
        .iter()
        .map(|a| (a.at.as_millis() as f64) / 1000.0)
        .collect()
}

/// Polls `f` every millisecond until it gives `Some`, for at most `limit` on the runtime's clock
/// (real, or virtual on a paused one); `None` when time ran out. For what a check cannot await:
/// a count of live tasks, a recorder filled by learner callbacks, a server's task ending.
pub async fn until<T>(limit: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(found) = f() {
            return Some(found);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// `tokio::time::timeout` for real-time waits on learner code, which gives up at once (`None`) when
/// code under test has panicked: a stub's `todo!()` in a task the node spawned, say. Waiting out
/// the limit would only delay the verdict, which the runner takes from the recorded panic (`todo`
/// or `panic`) whatever the check then says. It polls every millisecond: not for paused clocks.
pub async fn within<F: std::future::Future>(limit: Duration, f: F) -> Option<F::Output> {
    let panicked = async {
        while !crate::panics::any() {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    };
    tokio::select! {
        out = tokio::time::timeout(limit, f) => out.ok(),
        () = panicked => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    #[test]
    fn durations_read_as_seconds() {
        assert_eq!(show(secs(3.0)), "3 s");
        assert_eq!(show(ms(1500)), "1.5 s");
        assert_eq!(show(ms(1)), "0.001 s");
        assert_eq!(show_all(&[ms(0), ms(3000)]), "0 s, 3 s");
        assert_eq!(show_all(&[]), "none");
    }

    #[tokio::test(start_paused = true)]
    async fn records_arrival_times_in_virtual_time() {
        let (mut ours, mut theirs) = tokio::io::duplex(64);
        let start = Instant::now();
        tokio::spawn(async move {
            for _ in 0..3 {
                theirs.write_all(b"*").await.unwrap();
                tokio::time::sleep(Duration::from_secs(3)).await;
            }
        });
        let arrivals = record(&mut ours, start, Duration::from_secs(7)).await.unwrap();
        assert_eq!(seconds(&arrivals), [0.0, 3.0, 6.0]);
    }

    #[tokio::test(start_paused = true)]
    async fn until_gives_what_f_found_or_none_after_the_limit() {
        let start = Instant::now();
        let mut calls = 0;
        let found = until(Duration::from_secs(1), || {
            calls += 1;
            (calls == 3).then_some(calls)
        })
        .await;
        assert_eq!(found, Some(3));
        assert_eq!(until(Duration::from_secs(1), || None::<()>).await, None);
        assert!(start.elapsed() >= Duration::from_secs(1));
    }
}

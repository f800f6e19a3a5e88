//! Peers played by the check on the far end of in-memory streams, in virtual time: what the
//! learner's client sent and when, and acks as the check decides.

use harness::tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use harness::tokio::time::{Duration, Instant, sleep_until};

pub(crate) fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

/// How a scripted peer behaves.
pub(crate) struct Script {
    /// Tokens written at once, on connect.
    pub(crate) greeting: &'static [u8],
    /// Whether the n-th `<update>` (from 0) gets an `<Ack>`; `also` is written after each ack.
    pub(crate) ack: fn(usize) -> bool,
    pub(crate) also: &'static [u8],
    /// When (s from the start) the peer closes the connection.
    pub(crate) close_at: f64,
}

impl Script {
    /// A peer that greets, acks every update and closes at `close_at`.
    pub(crate) fn acking(close_at: f64) -> Script {
        Script {
            greeting: b"<connection up>",
            ack: |_| true,
            also: b"",
            close_at,
        }
    }

    /// A peer that greets, never acks and closes at `close_at`.
    pub(crate) fn silent(close_at: f64) -> Script {
        Script {
            ack: |_| false,
            ..Script::acking(close_at)
        }
    }

    /// The same without the greeting: for Q3, whose checks must not depend on how Q2's `session`
    /// treats tokens other than `<Ack>`.
    pub(crate) fn quiet(self) -> Script {
        Script {
            greeting: b"",
            ..self
        }
    }
}

/// What a scripted peer saw and did.
#[derive(Debug, Default)]
pub(crate) struct Played {
    /// The tokens received, each with the time (s) its `>` arrived.
    pub(crate) received: Vec<(String, f64)>,
    /// How many `<Ack>` it sent.
    pub(crate) acks: u64,
}

/// Plays `script` on `stream` from `start`. Tokens are whole in each write, so that only Q1's
/// checks judge the codec.
pub(crate) async fn play(mut stream: DuplexStream, start: Instant, script: Script) -> Played {
    let mut played = Played::default();
    let mut token: Option<Vec<u8>> = None;
    let mut updates = 0;
    let mut buf = [0u8; 1024];
    let close = sleep_until(start + secs(script.close_at));
    harness::tokio::pin!(close);
    if stream.write_all(script.greeting).await.is_err() {
        return played;
    }
    loop {
        let n = harness::tokio::select! {
            () = &mut close => return played,
            read = stream.read(&mut buf) => match read {
                Ok(0) | Err(_) => {
                    // The client closed: wait for the script's end all the same.
                    (&mut close).await;
                    return played;
                }
                Ok(n) => n,
            },
        };
        let at = start.elapsed().as_millis() as f64 / 1000.0;
        for &byte in &buf[..n] {
            match (&mut token, byte) {
                (_, b'<') => token = Some(Vec::new()),
                (Some(text), b'>') => {
                    let text = String::from_utf8_lossy(text).into_owned();
                    token = None;
                    if text == "update" {
                        if (script.ack)(updates) {
                            // Ignore a failed write: the client may be gone.
                            let _ = stream.write_all(b"<Ack>").await;
                            played.acks += 1;
                            let _ = stream.write_all(script.also).await;
                        }
                        updates += 1;
                    }
                    played.received.push((text, at));
                }
                (Some(text), _) => text.push(byte),
                (None, _) => {}
            }
        }
    }
}

/// `[("update", 5.0), ("update", 10.0)]` from `[5.0, 10.0]`.
pub(crate) fn updates_at(times: &[f64]) -> Vec<(String, f64)> {
    times.iter().map(|&t| ("update".to_string(), t)).collect()
}

/// The times of the updates in `received` if they are all updates, 5 s apart, the first at most
/// 5 s after the start and the last after `until`; else a sentence saying what is wrong.
pub(crate) fn steady(received: &[(String, f64)], until: f64) -> Result<Vec<f64>, String> {
    let times: Vec<f64> = received.iter().map(|(_, t)| *t).collect();
    if let Some((token, at)) = received.iter().find(|(token, _)| token != "update") {
        return Err(format!(
            "`<{token}>` at {at} s, where only `<update>` was expected"
        ));
    }
    match (times.first(), times.last()) {
        (Some(&first), Some(&last)) if first <= 5.0 && last > until => {}
        _ => {
            return Err(format!(
                "updates at {times:?} s: expected one every 5 s from 5 s at the latest until after {until} s"
            ));
        }
    }
    if let Some(gap) = times.windows(2).find(|w| w[1] - w[0] != 5.0) {
        return Err(format!(
            "updates at {times:?} s: expected them 5 s apart, got {} s between {} s and {} s",
            gap[1] - gap[0],
            gap[0],
            gap[1]
        ));
    }
    Ok(times)
}

//! Peers played by the check on the far end of in-memory streams, in virtual time: what the
//! learner's client sent and when, and acks as the check decides.
//!
//! A peer writes one whole token at a time, each at an instant of its own (1 ms apart at least),
//! so that the client's codec reads each token alone: a codec bug costs Q1's points only. And it
//! says things at moments of its own (an ack some time after the update, chatter in between), so
//! that a client whose timer moves when a message comes shows it.

use harness::time::secs;
use harness::tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use harness::tokio::time::{Instant, sleep_until};
use std::collections::BTreeMap;

/// How a scripted peer behaves.
#[derive(Clone, Copy)]
pub(crate) struct Script {
    /// Tokens written at the start, one by one.
    pub(crate) greeting: &'static [&'static [u8]],
    /// Whether the n-th `<update>` (from 0) gets an `<Ack>`, and how long (s) after it came.
    pub(crate) ack: fn(usize) -> bool,
    pub(crate) ack_after: f64,
    /// Tokens written after each ack, one by one, 1 ms apart.
    pub(crate) also: &'static [&'static [u8]],
    /// Tokens written at given times (s from the start), whatever the client does.
    pub(crate) chatter: &'static [(f64, &'static [u8])],
    /// When (s from the start) the peer closes the connection.
    pub(crate) close_at: f64,
}

impl Script {
    /// A peer that greets, acks every update 0.5 s after it came, and closes at `close_at`.
    pub(crate) fn acking(close_at: f64) -> Script {
        Script {
            greeting: &[b"<connection up>"],
            ack: |_| true,
            ack_after: 0.5,
            also: &[],
            chatter: &[],
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
            greeting: &[],
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

/// When (ms from the start) the peer writes what: a token per entry, in order.
type Plan = BTreeMap<u64, Vec<u8>>;

/// Puts `token` at `at` ms, or the first free millisecond after it.
fn plan(writes: &mut Plan, mut at: u64, token: &[u8]) {
    while writes.contains_key(&at) {
        at += 1;
    }
    writes.insert(at, token.to_vec());
}

fn millis(s: f64) -> u64 {
    (s * 1000.0).round() as u64
}

/// Plays `script` on `stream` from `start`.
pub(crate) async fn play(mut stream: DuplexStream, start: Instant, script: Script) -> Played {
    let mut played = Played::default();
    let mut writes = Plan::new();
    for (i, token) in script.greeting.iter().enumerate() {
        plan(&mut writes, i as u64, token);
    }
    for (at, token) in script.chatter {
        plan(&mut writes, millis(*at), token);
    }
    let close_at = millis(script.close_at);
    let mut token: Option<Vec<u8>> = None;
    let mut updates = 0;
    let mut buf = [0u8; 1024];
    let mut reading = true;
    loop {
        let next = writes
            .first_key_value()
            .map(|(&at, _)| at)
            .filter(|&at| at < close_at);
        let due = start + secs(next.unwrap_or(close_at) as f64 / 1000.0);
        let n = harness::tokio::select! {
            biased;
            () = sleep_until(due) => {
                let Some(at) = next else { return played };
                let Some(bytes) = writes.remove(&at) else { continue };
                // Ignore a failed write: the client may be gone.
                if stream.write_all(&bytes).await.is_ok() && bytes == b"<Ack>" {
                    played.acks += 1;
                }
                continue;
            }
            read = stream.read(&mut buf), if reading => match read {
                // The client closed: the script goes on to its end all the same.
                Ok(0) | Err(_) => {
                    reading = false;
                    continue;
                }
                Ok(n) => n,
            },
        };
        let now = start.elapsed();
        let at = now.as_millis() as f64 / 1000.0;
        for &byte in &buf[..n] {
            match (&mut token, byte) {
                (_, b'<') => token = Some(Vec::new()),
                (Some(text), b'>') => {
                    let text = String::from_utf8_lossy(text).into_owned();
                    token = None;
                    if text == "update" {
                        if (script.ack)(updates) {
                            let ack_at = now.as_millis() as u64 + millis(script.ack_after);
                            plan(&mut writes, ack_at, b"<Ack>");
                            for (i, also) in script.also.iter().enumerate() {
                                plan(&mut writes, ack_at + 1 + i as u64, also);
                            }
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

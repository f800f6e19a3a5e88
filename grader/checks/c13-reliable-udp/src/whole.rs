//! The two 10,000-message runs under 30 % loss, 10 % duplicates and reordering: the learner's
//! sender with the check's receiver (Q1), the check's sender with the learner's receiver (Q2).

use crate::reference::Receiver;
use crate::support::{Peer, config, node};
use challenge::Config;
use challenge::wire::{Frame, WINDOW};
use harness::netsim::{Faults, Network};
use harness::tokio::time::{Duration, Instant, sleep_until, timeout};
use harness::{Outcome, fail};
use std::sync::Arc;

const SENT: usize = 10_000;
const SENDER_SEED: u64 = 4_711;

pub(crate) async fn sender_whole() -> Outcome {
    let net = Network::new(SENDER_SEED, Faults::lossy(0.3, 0.1, 0.1));
    net.set_recording(false);
    // No outage in this run (Q3's part): the retries never run out.
    let first = u64::MAX - 4_999;
    let config = Config {
        retry_limit: 1_000_000,
        ..config(first)
    };
    let a = Arc::new(node(&net, "A", config)?);
    let b = Peer::new(&net, "B");
    let to = b.addr();
    let all: Vec<_> = (0..SENT)
        .map(|i| a.send_message(format!("m{i}").into_bytes(), to))
        .collect();
    let sends = harness::tokio::spawn(harness::futures::future::join_all(all));
    let mut receiver = Receiver::default();
    let mut delivered: Vec<(u64, Vec<u8>)> = Vec::with_capacity(SENT);
    let limit = Instant::now() + Duration::from_secs(48 * 3600);
    let mut buf = vec![0; 2048];
    let mut sends = sends;
    let results = loop {
        let (n, from) = harness::tokio::select! {
            results = &mut sends => match results {
                Ok(results) => break results,
                Err(_) => return fail("send_message panicked"),
            },
            got = b.ep.recv_from(&mut buf) => match got {
                Ok(got) => got,
                Err(e) => return fail(format!("the simulated network failed: {e}")),
            },
            () = sleep_until(limit) => return fail(format!(
                "{SENT} messages from A to B under 30 % loss, 10 % duplicates and reordering: after 48 virtual hours, \
                 B has {} of them; network seed {SENDER_SEED}", delivered.len())),
        };
        if let Some(Frame::Message { seq, payload }) = challenge::wire::parse(&buf[..n]) {
            let verdict = receiver.receive(seq, payload.to_vec());
            if verdict.ack {
                b.ack(seq, from).await?;
            }
            delivered.extend(verdict.deliver.into_iter().map(|p| (seq, p)));
        }
    };
    if let Some((i, r)) = results.iter().enumerate().find(|(_, r)| r.is_err()) {
        return fail(format!(
            "{SENT} messages from A to B under 30 % loss: send_message(m{i}) gave {r:?}, expected Ok(()); network seed {SENDER_SEED}"
        ));
    }
    for (i, (_, payload)) in delivered.iter().enumerate() {
        let expected = format!("m{i}");
        if payload != expected.as_bytes() {
            let text = String::from_utf8_lossy(payload);
            let earlier = delivered[..i].iter().position(|(_, p)| p == payload);
            let what = match earlier {
                Some(j) => {
                    format!("`{text}` again (first as message {j}): it was sent under two sequence numbers")
                }
                None => format!("`{text}`"),
            };
            return fail(format!(
                "{SENT} messages from A to B under 30 % loss, 10 % duplicates and reordering, B delivering them in \
                 sequence order: message {i} should be `{expected}`, B got {what}; network seed {SENDER_SEED}"
            ));
        }
    }
    if delivered.len() != SENT {
        return fail(format!(
            "{SENT} messages from A to B under 30 % loss: every send_message completed, but B has only {} of them \
             (a message was taken as acknowledged without being received); network seed {SENDER_SEED}",
            delivered.len()
        ));
    }
    Ok(())
}

const WHOLE: u64 = 10_000;
const RECEIVER_SEED: u64 = 4_712;

pub(crate) async fn receiver_whole() -> Outcome {
    let net = Network::new(RECEIVER_SEED, Faults::lossy(0.3, 0.1, 0.1));
    net.set_recording(false);
    let a = node(&net, "A", config(1))?;
    let s = Peer::new(&net, "S");
    let to = a.local_addr();
    let start = u64::MAX - 4_999;
    let payload = |i: u64| format!("m{i}");
    // The check's sender: the first message alone, then a window of WINDOW from the oldest
    // unacknowledged; everything unacknowledged resent every 200 ms.
    let mut acked = vec![false; WHOLE as usize];
    let mut oldest = 0u64; // index of the oldest unacknowledged
    let mut sent_up_to = 0u64; // indexes below have been sent at least once
    let mut resends = vec![0u32; WHOLE as usize];
    let mut got: Vec<String> = Vec::new();
    let mut buf = vec![0; 64];
    let mut tick = harness::tokio::time::interval(Duration::from_millis(200));
    tick.set_missed_tick_behavior(harness::tokio::time::MissedTickBehavior::Delay);
    while oldest < WHOLE || (got.len() as u64) < WHOLE {
        let limit = if oldest == 0 { 1 } else { WINDOW };
        while sent_up_to < WHOLE && sent_up_to < oldest + limit {
            s.message(start.wrapping_add(sent_up_to), payload(sent_up_to).as_bytes(), to)
                .await?;
            sent_up_to += 1;
        }
        harness::tokio::select! {
            _ = tick.tick() => {
                for i in oldest..sent_up_to {
                    if !acked[i as usize] {
                        resends[i as usize] += 1;
                        if resends[i as usize] > 60 {
                            return fail(format!(
                                "{WHOLE} messages from S to A under 30 % loss, 10 % duplicates and reordering: S sent \
                                 message {i} ({}) 60 times and A never acknowledged it; A delivered {} messages; network seed {RECEIVER_SEED}",
                                payload(i), got.len()
                            ));
                        }
                        s.message(start.wrapping_add(i), payload(i).as_bytes(), to).await?;
                    }
                }
            }
            ack = s.ep.recv_from(&mut buf) => {
                if let Ok((n, _)) = ack
                    && let Some(Frame::Ack { seq }) = challenge::wire::parse(&buf[..n])
                {
                    let i = seq.wrapping_sub(start);
                    if i < WHOLE {
                        acked[i as usize] = true;
                        while oldest < WHOLE && acked[oldest as usize] {
                            oldest += 1;
                        }
                    }
                }
            }
            message = a.recv() => {
                let Some((data, _)) = message else { return fail("A's `recv` ended (`None`) while messages were coming") };
                let text = String::from_utf8_lossy(&data).into_owned();
                let i = got.len() as u64;
                if text != payload(i) {
                    let what = match got.iter().position(|t| *t == text) {
                        Some(j) => format!("`{text}` again (delivered before as message {j})"),
                        None => format!("`{text}`"),
                    };
                    return fail(format!(
                        "{WHOLE} messages from S to A under 30 % loss, 10 % duplicates and reordering: message {i} \
                         delivered should be `{}`, A delivered {what}; network seed {RECEIVER_SEED}",
                        payload(i)
                    ));
                }
                got.push(text);
            }
        }
    }
    if let Ok(Some((data, _))) = timeout(Duration::from_secs(1), a.recv()).await {
        return fail(format!(
            "{WHOLE} messages from S to A under loss: all {WHOLE} delivered, then `{}` again; network seed {RECEIVER_SEED}",
            String::from_utf8_lossy(&data)
        ));
    }
    Ok(())
}

//! Q3, never drop: the destination `B` (a bare endpoint the check drives) is cut off the network
//! for 20 virtual minutes, then comes back and acknowledges what it gets.

use crate::sending::{settle, spawn_send};
use crate::support::{Peer, config, node, secs, sent_messages, times};
use challenge::wire::Frame;
use challenge::{Node, SendError};
use harness::netsim::{Faults, Network};
use harness::tokio::task::JoinHandle;
use harness::tokio::time::{Duration, Instant, sleep};
use harness::{Outcome, fail};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

const SEED: u64 = 31;
const FIRST: u64 = 5_000;
const OUTAGE: Duration = Duration::from_secs(20 * 60);

/// Collects A's `node_failure` reports with their times.
fn failures(a: &Arc<Node>, net: &Network) -> Arc<Mutex<Vec<(Duration, String)>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (a, net, list) = (a.clone(), net.clone(), seen.clone());
    harness::tokio::spawn(async move {
        while let Some(addr) = a.node_failure().await {
            list.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((net.elapsed(), net.name(addr)));
        }
    });
    seen
}

fn shown(list: &Arc<Mutex<Vec<(Duration, String)>>>) -> (usize, String) {
    let list = list.lock().unwrap_or_else(|e| e.into_inner());
    let text = list
        .iter()
        .map(|(at, name)| format!("{name} at {}", secs(*at)))
        .collect::<Vec<_>>()
        .join(", ");
    (list.len(), if text.is_empty() { "none".into() } else { text })
}

/// B acknowledges every message it gets until every send in `sends` completed (or `within`
/// passed); returns each payload's sequence numbers as B saw them.
async fn ack_until_done(
    b: &Peer,
    to: std::net::SocketAddr,
    sends: &[(String, JoinHandle<Result<(), SendError>>)],
    within: Duration,
) -> Outcome<BTreeMap<String, Vec<u64>>> {
    let mut seen: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let end = Instant::now() + within;
    while !sends.iter().all(|(_, s)| s.is_finished()) && Instant::now() < end {
        if let Some((Frame::Message { seq, payload }, _)) = b.next(Duration::from_secs(1)).await? {
            let list = seen
                .entry(String::from_utf8_lossy(&payload).into_owned())
                .or_default();
            if !list.contains(&seq) {
                list.push(seq);
            }
            b.ack(seq, to).await?;
        }
    }
    Ok(seen)
}

/// A with m0 sent to B and acknowledged.
async fn answered(net: &Network) -> Outcome<(Arc<Node>, Peer)> {
    let a = Arc::new(node(net, "A", config(FIRST))?);
    let b = Peer::new(net, "B");
    let m0 = vec![("m0".to_string(), spawn_send(&a, "m0", b.addr()))];
    ack_until_done(&b, a.local_addr(), &m0, Duration::from_secs(10)).await?;
    if !m0[0].1.is_finished() {
        return fail(format!(
            "B acknowledged m0 but send_message(m0) had not completed 10 s later (Q1 is the likely cause); network seed {}",
            net.seed()
        ));
    }
    Ok((a, b))
}

pub(crate) async fn failure_once() -> Outcome {
    let net = Network::new(SEED, Faults::none());
    let (a, b) = answered(&net).await?;
    let reports = failures(&a, &net);
    net.set_down(b.addr(), true);
    let sends: Vec<_> = ["m1", "m2"]
        .iter()
        .map(|t| (t.to_string(), spawn_send(&a, t, b.addr())))
        .collect();
    sleep(OUTAGE).await;
    let (count, list) = shown(&reports);
    if count != 1 {
        return fail(format!(
            "B down for 20 minutes with m1, m2 unacknowledged: expected one `node_failure(B)`, got {count}: {list}; network seed {SEED}"
        ));
    }
    net.set_down(b.addr(), false);
    ack_until_done(&b, a.local_addr(), &sends, Duration::from_secs(900)).await?;
    net.set_down(b.addr(), true);
    let _m3 = spawn_send(&a, "m3", b.addr());
    sleep(OUTAGE).await;
    let (count, list) = shown(&reports);
    if count != 2 {
        return fail(format!(
            "B down for 20 minutes, back (acknowledging), then down again for 20 minutes with m3 unacknowledged: \
             expected two `node_failure(B)`, one per outage, got {count}: {list}; network seed {SEED}"
        ));
    }
    Ok(())
}

pub(crate) async fn backoff() -> Outcome {
    let net = Network::new(SEED, Faults::none());
    let a = Arc::new(node(&net, "A", config(FIRST))?);
    let b = Peer::new(&net, "B");
    net.set_down(b.addr(), true);
    let _send = spawn_send(&a, "lost", b.addr());
    settle().await;
    sleep(OUTAGE + Duration::from_secs(50)).await;
    let sent: Vec<Duration> = sent_messages(&net, a.local_addr(), b.addr())
        .into_iter()
        .map(|(at, _, _)| at)
        .collect();
    let gaps: Vec<Duration> = sent.windows(2).map(|w| w[1] - w[0]).collect();
    // After the retries (Q1), the waits between resends double from 2 × retry_timeout to 300 s.
    let start = gaps.iter().position(|g| *g > Duration::from_secs(45));
    let expected: Vec<Duration> = [60, 120, 240, 300, 300].map(Duration::from_secs).to_vec();
    let backed = start.map(|i| gaps[i..].to_vec()).unwrap_or_default();
    let ok = backed.len() >= 4
        && backed
            .iter()
            .zip(
                expected
                    .iter()
                    .chain(std::iter::repeat(&Duration::from_secs(300))),
            )
            .all(|(g, e)| g == e);
    if !ok {
        let why = match sent.last() {
            None => "it was never sent".to_string(),
            Some(last) if *last < Duration::from_secs(300) => {
                format!("it was not sent after {}: the message was dropped", secs(*last))
            }
            _ if start.is_none() => "the waits never grew".to_string(),
            _ => "the waits were wrong".to_string(),
        };
        return fail(format!(
            "B down for 20 minutes: expected the message resent with waits doubling from 60 s after the retries, up \
             to 300 s (… 90 s, 150 s, 270 s, 510 s, 810 s, 1110 s); got it at {}: {why}; network seed {SEED}",
            times(&sent)
        ));
    }
    Ok(())
}

pub(crate) async fn after_outage() -> Outcome {
    let net = Network::new(SEED, Faults::none());
    let (a, b) = answered(&net).await?;
    net.set_down(b.addr(), true);
    let mut sends: Vec<_> = (1..=5)
        .map(|i| (format!("m{i}"), spawn_send(&a, &format!("m{i}"), b.addr())))
        .collect();
    sleep(OUTAGE / 2).await;
    sends.extend((6..=8).map(|i| (format!("m{i}"), spawn_send(&a, &format!("m{i}"), b.addr()))));
    sleep(OUTAGE / 2).await;
    net.set_down(b.addr(), false);
    let back = net.elapsed();
    let seen = ack_until_done(&b, a.local_addr(), &sends, Duration::from_secs(900)).await?;
    for (i, (text, send)) in sends.into_iter().enumerate() {
        if !send.is_finished() {
            return fail(format!(
                "B down for 20 minutes with m1…m5 in flight and m6…m8 sent during the outage, then back at {} and \
                 acknowledging everything: send_message({text}) had not completed 15 minutes later; network seed {SEED}",
                secs(back)
            ));
        }
        match send.await {
            Ok(Ok(())) => {}
            other => {
                return fail(format!(
                    "B down for 20 minutes, then back: send_message({text}) gave {other:?}, expected Ok(()) (never drop \
                     a message); network seed {SEED}"
                ));
            }
        }
        let expected = FIRST + 1 + i as u64;
        match seen.get(&text).map(Vec::as_slice) {
            Some([seq]) if *seq == expected => {}
            got => {
                return fail(format!(
                    "B down for 20 minutes, then back: expected {text} as seq {expected} (numbered in send order, \
                     after m0 = {FIRST}), B saw it as {got:?}; network seed {SEED}"
                ));
            }
        }
    }
    Ok(())
}

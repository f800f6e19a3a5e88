//! Q1, the sending side: the check plays the destination `B` on a bare endpoint of a perfect
//! network (10 ms latency), sees the learner's `W` datagrams with their virtual times, and
//! acknowledges what it chooses.

use crate::support::{Peer, config, node, secs, sent_messages, show, times};
use challenge::wire::{Frame, WINDOW};
use challenge::{Config, Node, SendError};
use harness::netsim::{Faults, Network};
use harness::tokio::task::JoinHandle;
use harness::tokio::time::{Duration, Instant, sleep, timeout};
use harness::{Outcome, fail};
use std::net::SocketAddr;
use std::sync::Arc;

const SEED: u64 = 13;
const FIRST: u64 = 1_000;

/// `send_message(payload, to)`, its future in a task of its own.
pub(crate) fn spawn_send(
    node: &Arc<Node>,
    payload: &str,
    to: SocketAddr,
) -> JoinHandle<Result<(), SendError>> {
    harness::tokio::spawn(node.send_message(payload.as_bytes().to_vec(), to))
}

/// Lets the spawned sends reach the node (no virtual time passes).
pub(crate) async fn settle() {
    for _ in 0..10 {
        harness::tokio::task::yield_now().await;
    }
}

/// The next `W` datagram at `b`, within `within`, or a sentence saying what came instead.
async fn next_message(b: &Peer, within: Duration, after: &str) -> Outcome<(u64, Vec<u8>)> {
    match b.next(within).await? {
        Some((Frame::Message { seq, payload }, _)) => Ok((seq, payload.to_vec())),
        Some((other, _)) => fail(format!(
            "{after}: expected a `W` datagram at B, got {}; network seed {SEED}",
            show(&other)
        )),
        None => fail(format!(
            "{after}: B got nothing within {}; network seed {SEED}",
            secs(within)
        )),
    }
}

pub(crate) async fn sends_and_completes() -> Outcome {
    let net = Network::new(SEED, Faults::none());
    let a = Arc::new(node(&net, "A", config(FIRST))?);
    let b = Peer::new(&net, "B");
    let send = spawn_send(&a, "hello", b.addr());
    let (seq, payload) =
        next_message(&b, Duration::from_secs(10), "after send_message(\"hello\", B)").await?;
    if payload != b"hello" || seq != FIRST {
        return fail(format!(
            "send_message(\"hello\", B) with `first_seq` {FIRST}: expected `W` seq {FIRST} `hello` at B, got `W` seq {seq} `{}`",
            String::from_utf8_lossy(&payload)
        ));
    }
    sleep(Duration::from_secs(5)).await;
    if send.is_finished() {
        return fail(
            "send_message(\"hello\", B) completed before B acknowledged the message: it must wait for `A` + its sequence number",
        );
    }
    b.ack(seq, a.local_addr()).await?;
    match timeout(Duration::from_secs(5), send).await {
        Ok(Ok(Ok(()))) => Ok(()),
        Ok(Ok(Err(e))) => fail(format!(
            "after B acknowledged seq {seq}, send_message gave Err({e:?}): expected Ok(())"
        )),
        Ok(Err(_)) => fail("send_message panicked"),
        Err(_) => fail(format!(
            "B acknowledged seq {seq} (`A` + the same 8 bytes) but send_message had not completed 5 s later; network seed {SEED}"
        )),
    }
}

pub(crate) async fn too_large() -> Outcome {
    let net = Network::new(SEED, Faults::none());
    let a = Arc::new(node(&net, "A", config(FIRST))?);
    let b = Peer::new(&net, "B");
    let start = Instant::now();
    let big = vec![b'x'; 1201];
    match timeout(Duration::from_secs(5), a.send_message(big, b.addr())).await {
        Ok(Err(SendError::TooLarge { len: 1201 })) => {}
        Ok(other) => {
            return fail(format!(
                "send_message of 1,201 bytes: expected Err(SendError::TooLarge {{ len: 1201 }}), got {other:?}"
            ));
        }
        Err(_) => {
            return fail(
                "send_message of 1,201 bytes: expected Err(SendError::TooLarge { len: 1201 }) at once, got nothing within 5 s",
            );
        }
    }
    if start.elapsed() > Duration::ZERO {
        return fail(format!(
            "send_message of 1,201 bytes took {} to refuse it: expected the error at once",
            secs(start.elapsed())
        ));
    }
    let sent = sent_messages(&net, a.local_addr(), b.addr());
    if !sent.is_empty() {
        return fail(format!(
            "send_message of 1,201 bytes sent {} datagram(s) to B before refusing it: expected nothing sent",
            sent.len()
        ));
    }
    let send = spawn_send(&a, &"y".repeat(1200), b.addr());
    let (seq, payload) =
        next_message(&b, Duration::from_secs(10), "after send_message of 1,200 bytes").await?;
    if payload.len() != 1200 {
        return fail(format!(
            "send_message of 1,200 bytes: B got a payload of {} bytes",
            payload.len()
        ));
    }
    b.ack(seq, a.local_addr()).await?;
    match timeout(Duration::from_secs(5), send).await {
        Ok(Ok(Ok(()))) => Ok(()),
        other => fail(format!(
            "send_message of 1,200 bytes (the limit, allowed): expected Ok(()) once acknowledged, got {other:?}"
        )),
    }
}

/// The times of B's `W` datagrams of one message that B never acknowledges, up to `until`.
async fn unanswered(config: Config, until: Duration) -> Outcome<(Vec<Duration>, Network)> {
    let net = Network::new(SEED, Faults::none());
    let a = Arc::new(node(&net, "A", config)?);
    let b = Peer::new(&net, "B");
    let _send = spawn_send(&a, "once", b.addr());
    sleep(until).await;
    let sent = sent_messages(&net, a.local_addr(), b.addr());
    if let Some((_, seq, payload)) = sent
        .iter()
        .find(|(_, seq, payload)| (*seq, payload.as_slice()) != (FIRST, b"once".as_slice()))
    {
        return fail(format!(
            "A resent `once` (seq {FIRST}) as seq {seq} `{}`: every resend must be the same datagram; network seed {SEED}",
            String::from_utf8_lossy(payload)
        ));
    }
    drop(a);
    Ok((sent.into_iter().map(|(at, _, _)| at).collect(), net))
}

pub(crate) async fn retry_times() -> Outcome {
    let (sent, _) = unanswered(config(FIRST), Duration::from_secs(119)).await?;
    let expected: Vec<Duration> = [0, 30, 60, 90].map(Duration::from_secs).to_vec();
    if sent != expected {
        return fail(format!(
            "B never acknowledges message `once`: expected it sent at {} (retry_timeout 30 s, retry_limit 3), \
             got it at {}; network seed {SEED}",
            times(&expected),
            times(&sent)
        ));
    }
    Ok(())
}

pub(crate) async fn retry_limit() -> Outcome {
    // Another config, so that a limit written as 3 (or a timeout as 30 s) shows.
    let config = Config {
        retry_timeout: Duration::from_secs(10),
        retry_limit: 5,
        ..config(FIRST)
    };
    let net = Network::new(SEED, Faults::none());
    let a = Arc::new(node(&net, "A", config)?);
    let b = Peer::new(&net, "B");
    let reported = Arc::new(std::sync::Mutex::new(None));
    let (node_a, net_a, first_report) = (a.clone(), net.clone(), reported.clone());
    harness::tokio::spawn(async move {
        if node_a.node_failure().await.is_some() {
            *first_report.lock().unwrap_or_else(|e| e.into_inner()) = Some(net_a.elapsed());
        }
    });
    let _send = spawn_send(&a, "once", b.addr());
    sleep(Duration::from_secs(69)).await;
    let sent: Vec<Duration> = sent_messages(&net, a.local_addr(), b.addr())
        .into_iter()
        .map(|(at, _, _)| at)
        .collect();
    let report = *reported.lock().unwrap_or_else(|e| e.into_inner());
    let by_59 = sent.iter().filter(|t| **t < Duration::from_secs(60)).count();
    // From 60 s on the retries are over: a send then belongs to the outage (Q3), which begins by
    // reporting the failure. A send before any report is one resend too many.
    let extra = sent
        .iter()
        .find(|t| **t >= Duration::from_secs(60) && report.is_none_or(|r| r > **t));
    if by_59 != 6 || extra.is_some() {
        return fail(format!(
            "retry_timeout 10 s, retry_limit 5, B never acknowledges: expected the message sent 6 times (once and \
             5 resends, the last at 50 s), then no resend before the node reports the failure (at 60 s); got it at \
             {}, and the failure reported {}; network seed {SEED}",
            times(&sent),
            report.map_or("never".to_string(), |r| format!("at {}", secs(r)))
        ));
    }
    Ok(())
}

/// A and B, with the first message `m0` sent and acknowledged, so that A may pipeline.
async fn answered_pair(net: &Network) -> Outcome<(Arc<Node>, Peer, u64)> {
    let a = Arc::new(node(net, "A", config(FIRST))?);
    let b = Peer::new(net, "B");
    let first = spawn_send(&a, "m0", b.addr());
    let (seq, _) = next_message(&b, Duration::from_secs(10), "after send_message(\"m0\", B)").await?;
    b.ack(seq, a.local_addr()).await?;
    match timeout(Duration::from_secs(5), first).await {
        Ok(Ok(Ok(()))) => Ok((a, b, seq)),
        other => fail(format!(
            "send_message(\"m0\", B), acknowledged by B: expected Ok(()), got {other:?}"
        )),
    }
}

/// The `W` datagrams B gets within `within`, as (seq, payload text).
async fn messages_at(b: &Peer, within: Duration) -> Outcome<Vec<(u64, String)>> {
    Ok(b.drain(within)
        .await?
        .into_iter()
        .filter_map(|f| match f {
            Frame::Message { seq, payload } => Some((seq, String::from_utf8_lossy(&payload).into_owned())),
            Frame::Ack { .. } => None,
        })
        .collect())
}

fn show_list(list: &[(u64, String)]) -> String {
    list.iter()
        .map(|(seq, text)| format!("{text} (seq {seq})"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) async fn ack_by_seq() -> Outcome {
    let net = Network::new(SEED, Faults::none());
    let (a, b, first) = answered_pair(&net).await?;
    let sends: Vec<_> = (1..=5)
        .map(|i| spawn_send(&a, &format!("m{i}"), b.addr()))
        .collect();
    let got = messages_at(&b, Duration::from_secs(1)).await?;
    let expected: Vec<(u64, String)> = (1..=5).map(|i| (first + i, format!("m{i}"))).collect();
    if got != expected {
        return fail(format!(
            "after m0 (seq {first}) was acknowledged, m1…m5 sent at once: expected at B within 1 s {}, got {}; network seed {SEED}",
            show_list(&expected),
            show_list(&got)
        ));
    }
    // A stale acknowledgement, the one of m3, and one of a number never sent.
    b.ack(first, a.local_addr()).await?;
    b.ack(first + 3, a.local_addr()).await?;
    b.ack(first + 1_000, a.local_addr()).await?;
    sleep(Duration::from_secs(1)).await;
    let done: Vec<usize> = (1..=5).filter(|i| sends[i - 1].is_finished()).collect();
    if done != [3] {
        let done = done
            .iter()
            .map(|i| format!("m{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        return fail(format!(
            "B acknowledged m3 (seq {}), m0 again and seq {} (never sent): expected send_message(m3) alone to complete, \
             got these completed: {}; network seed {SEED}",
            first + 3,
            first + 1_000,
            if done.is_empty() { "none".into() } else { done }
        ));
    }
    let resent = messages_at(&b, Duration::from_secs(30)).await?;
    let expected: Vec<(u64, String)> = [1, 2, 4, 5].map(|i| (first + i, format!("m{i}"))).to_vec();
    if resent != expected {
        return fail(format!(
            "30 s later, expected A to resend the unacknowledged {}, got {}; network seed {SEED}",
            show_list(&expected),
            show_list(&resent)
        ));
    }
    for i in [1, 2, 4, 5] {
        b.ack(first + i, a.local_addr()).await?;
    }
    for (i, send) in sends.into_iter().enumerate() {
        match timeout(Duration::from_secs(5), send).await {
            Ok(Ok(Ok(()))) => {}
            other => {
                return fail(format!(
                    "B acknowledged every message: send_message(m{}) gave {other:?}, expected Ok(()); network seed {SEED}",
                    i + 1
                ));
            }
        }
    }
    Ok(())
}

pub(crate) async fn first_alone() -> Outcome {
    let net = Network::new(SEED, Faults::none());
    let a = Arc::new(node(&net, "A", config(FIRST))?);
    let b = Peer::new(&net, "B");
    let _sends: Vec<_> = (0..3)
        .map(|i| spawn_send(&a, &format!("m{i}"), b.addr()))
        .collect();
    let got = messages_at(&b, Duration::from_secs(10)).await?;
    let expected = vec![(FIRST, "m0".to_string())];
    if got != expected {
        return fail(format!(
            "m0, m1, m2 sent at once to B, which never heard from A: expected only m0 (seq {FIRST}) until B acknowledges it \
             (a receiver takes the first number it sees as the start), got {} within 10 s; network seed {SEED}",
            show_list(&got)
        ));
    }
    b.ack(FIRST, a.local_addr()).await?;
    let got = messages_at(&b, Duration::from_secs(1)).await?;
    let expected = vec![(FIRST + 1, "m1".to_string()), (FIRST + 2, "m2".to_string())];
    if got != expected {
        return fail(format!(
            "B acknowledged m0: expected {} at once, got {} within 1 s; network seed {SEED}",
            show_list(&expected),
            show_list(&got)
        ));
    }
    Ok(())
}

pub(crate) async fn window() -> Outcome {
    let net = Network::new(SEED, Faults::none());
    let (a, b, first) = answered_pair(&net).await?;
    let _sends: Vec<_> = (1..=40)
        .map(|i| spawn_send(&a, &format!("m{i}"), b.addr()))
        .collect();
    let got = messages_at(&b, Duration::from_secs(1)).await?;
    let expected: Vec<(u64, String)> = (1..=WINDOW).map(|i| (first + i, format!("m{i}"))).collect();
    if got != expected {
        return fail(format!(
            "m1…m40 sent at once after m0 (seq {first}) was acknowledged: expected the first {WINDOW} at once, numbered \
             one more each in the order they were sent ({}), got {} datagrams: {}; network seed {SEED}",
            show_list(&expected[..3]) + ", …",
            got.len(),
            show_list(&got)
        ));
    }
    // Not the oldest: the window stays where it is.
    b.ack(first + 2, a.local_addr()).await?;
    let got = messages_at(&b, Duration::from_secs(1)).await?;
    if !got.is_empty() {
        return fail(format!(
            "B acknowledged m2 while m1 (seq {}) was still unacknowledged: expected nothing more sent (a message goes \
             only while its number is less than {WINDOW} ahead of the oldest unacknowledged one), got {}; network seed {SEED}",
            first + 1,
            show_list(&got)
        ));
    }
    b.ack(first + 1, a.local_addr()).await?;
    let got = messages_at(&b, Duration::from_secs(1)).await?;
    let expected = vec![
        (first + WINDOW + 1, format!("m{}", WINDOW + 1)),
        (first + WINDOW + 2, format!("m{}", WINDOW + 2)),
    ];
    if got != expected {
        return fail(format!(
            "B acknowledged m2, then m1: the oldest unacknowledged is m3, expected {} at once, got {}; network seed {SEED}",
            show_list(&expected),
            show_list(&got)
        ));
    }
    Ok(())
}

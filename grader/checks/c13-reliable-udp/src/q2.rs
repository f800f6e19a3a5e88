//! Q2, the receiving side: the check plays the senders with raw `W` datagrams (so Q2 is graded
//! without Q1) and reads what the learner's node acknowledges and delivers.

use crate::support::{Peer, config, node, seq_from, show};
use challenge::Node;
use challenge::wire::{Frame, WINDOW};
use harness::netsim::{Faults, Network};
use harness::tokio::time::{Duration, Instant, sleep, timeout};
use harness::{Outcome, fail};
use std::collections::BTreeMap;
use std::net::SocketAddr;

const SEED: u64 = 21;
/// The checks' senders start here (near the end of the numbers, so that wrapping shows).
const START: u64 = u64::MAX - 2;

/// What `a` delivers within `within` (virtual), as (text, from).
async fn delivered(a: &Node, within: Duration) -> Vec<(String, SocketAddr)> {
    let end = Instant::now() + within;
    let mut got = Vec::new();
    while let Ok(Some((data, from))) = timeout(end.saturating_duration_since(Instant::now()), a.recv()).await
    {
        got.push((String::from_utf8_lossy(&data).into_owned(), from));
    }
    got
}

fn texts(list: &[(String, SocketAddr)]) -> String {
    if list.is_empty() {
        return "nothing".into();
    }
    list.iter()
        .map(|(t, _)| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The acknowledgements `s` gets within `within`, by sequence number.
async fn acks(s: &Peer, within: Duration) -> Outcome<Vec<u64>> {
    let frames = s.drain(within).await?;
    let mut seqs = Vec::new();
    for frame in frames {
        match frame {
            Frame::Ack { seq } => seqs.push(seq),
            other => {
                return fail(format!(
                    "A sent {} to a node that sent it nothing but messages",
                    show(&other)
                ));
            }
        }
    }
    Ok(seqs)
}

/// `seq` as the messages show it: the number, and its offset from the sender's start.
fn n(seq: u64) -> String {
    seq_from(seq, START)
}

fn ns(list: &[u64]) -> String {
    if list.is_empty() {
        return "none".into();
    }
    list.iter().map(|s| n(*s)).collect::<Vec<_>>().join(", ")
}

fn setup(seed: u64) -> Outcome<(Network, Node, Peer)> {
    let net = Network::new(seed, Faults::none());
    let a = node(&net, "A", config(1))?;
    let s = Peer::new(&net, "S");
    Ok((net, a, s))
}

pub(crate) async fn acks_every_copy() -> Outcome {
    let (_net, a, s) = setup(SEED)?;
    for _ in 0..3 {
        s.message(START, b"a", a.local_addr()).await?;
        sleep(Duration::from_secs(1)).await;
    }
    let got = acks(&s, Duration::from_secs(1)).await?;
    if got != [START; 3] {
        return fail(format!(
            "S sent message {} three times, a second apart: expected `A` + its number for every copy (three; \
             acknowledgements get lost too), got {}; network seed {SEED}",
            n(START),
            ns(&got)
        ));
    }
    Ok(())
}

pub(crate) async fn delivers_once() -> Outcome {
    let (_net, a, s) = setup(SEED)?;
    for (seq, text) in [
        (START, "a"),
        (START, "a"),
        (START.wrapping_add(1), "b"),
        (START.wrapping_add(1), "b"),
    ] {
        s.message(seq, text.as_bytes(), a.local_addr()).await?;
        sleep(Duration::from_millis(100)).await;
    }
    let got = delivered(&a, Duration::from_secs(2)).await;
    if got.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>() != ["a", "b"] {
        return fail(format!(
            "S sent `a` ({}) twice, then `b` ({}) twice: expected `a`, `b` delivered once each, got {}; network seed {SEED}",
            n(START),
            n(START.wrapping_add(1)),
            texts(&got)
        ));
    }
    Ok(())
}

pub(crate) async fn in_order() -> Outcome {
    let (_net, a, s) = setup(SEED)?;
    let to = a.local_addr();
    let at = |i: u64| START.wrapping_add(i);
    s.message(START, b"a", to).await?;
    let first = delivered(&a, Duration::from_secs(1)).await;
    // Early: #3, then #2, then #3 again (its acknowledgement was lost, say).
    for (i, text) in [(3, "d"), (2, "c"), (3, "d")] {
        s.message(at(i), text.as_bytes(), to).await?;
        sleep(Duration::from_millis(100)).await;
    }
    let early = delivered(&a, Duration::from_secs(1)).await;
    let early_acks = acks(&s, Duration::ZERO).await?;
    if texts(&first) != "`a`" || !early.is_empty() {
        fail!(
            "S sent `a` ({}), then `d` ({}) and `c` ({}): expected `a` delivered and nothing more until {} arrives, \
             got {} then {}; network seed {SEED}",
            n(at(0)),
            n(at(3)),
            n(at(2)),
            n(at(1)),
            texts(&first),
            texts(&early)
        );
    }
    let expected_acks = [at(0), at(3), at(2), at(3)];
    if early_acks != expected_acks {
        fail!(
            "S sent {}, then {} and {} (early: kept for later), then {} again: expected each copy acknowledged on \
             arrival ({}), got {}; network seed {SEED}",
            n(at(0)),
            n(at(3)),
            n(at(2)),
            n(at(3)),
            ns(&expected_acks),
            ns(&early_acks)
        );
    }
    s.message(at(1), b"b", to).await?;
    let rest = delivered(&a, Duration::from_secs(1)).await;
    if texts(&rest) != "`b`, `c`, `d`" {
        fail!(
            "S sent `a` {}, `d` {}, `c` {}, `d` again, then `b` {}: after `b` arrived, expected `b`, `c`, `d` \
             delivered in that order, once each, got {}; network seed {SEED}",
            n(at(0)),
            n(at(3)),
            n(at(2)),
            n(at(1)),
            texts(&rest)
        );
    }
    Ok(())
}

pub(crate) async fn old_copies() -> Outcome {
    let (_net, a, s) = setup(SEED)?;
    let to = a.local_addr();
    for i in 0..5 {
        s.message(START.wrapping_add(i), format!("m{i}").as_bytes(), to)
            .await?;
    }
    let first = delivered(&a, Duration::from_secs(1)).await;
    acks(&s, Duration::ZERO).await?;
    // Late copies of m1 and m0, and numbers further behind the next expected (#5): 40 behind (before
    // the start), 2^62 behind, and exactly half the number space (2^63) away, which counts as behind.
    let next = START.wrapping_add(5);
    let late = [
        START.wrapping_add(1),
        START,
        next.wrapping_sub(40),
        next.wrapping_sub(1 << 62),
        next.wrapping_add(1 << 63),
    ];
    for (k, seq) in late.iter().enumerate() {
        s.message(*seq, format!("late{k}").as_bytes(), to).await?;
        sleep(Duration::from_millis(100)).await;
    }
    let again = delivered(&a, Duration::from_secs(1)).await;
    let got = acks(&s, Duration::ZERO).await?;
    if first.len() != 5 || !again.is_empty() || got != late {
        fail!(
            "S sent m0…m4 ({} to {}), then m1 and m0 again (their acknowledgements were lost, say), then numbers 40, \
             2^62 and 2^63 behind the next expected ({}): expected m0…m4 delivered once, and every late copy \
             acknowledged ({}) but not delivered (a number 2^63 or more ahead of the next expected, wrapping, is \
             behind); got {} delivered, then {}, and acknowledgements {}; network seed {SEED}",
            n(START),
            n(START.wrapping_add(4)),
            n(next),
            ns(&late),
            texts(&first),
            texts(&again),
            ns(&got)
        );
    }
    Ok(())
}

pub(crate) async fn per_sender() -> Outcome {
    let net = Network::new(SEED, Faults::none());
    let a = node(&net, "A", config(1))?;
    let (s1, s2) = (Peer::new(&net, "S1"), Peer::new(&net, "S2"));
    let to = a.local_addr();
    // The same numbers from two senders are two different messages.
    s1.message(7, b"x1", to).await?;
    s2.message(7, b"y1", to).await?;
    s2.message(8, b"y2", to).await?;
    s1.message(8, b"x2", to).await?;
    let got = delivered(&a, Duration::from_secs(1)).await;
    let mut by_sender: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (text, from) in &got {
        by_sender.entry(net.name(*from)).or_default().push(text.clone());
    }
    let expected: BTreeMap<String, Vec<String>> = [
        ("S1".to_string(), vec!["x1".to_string(), "x2".to_string()]),
        ("S2".to_string(), vec!["y1".to_string(), "y2".to_string()]),
    ]
    .into();
    if by_sender != expected {
        return fail(format!(
            "S1 sent x1 (seq 7), x2 (seq 8) and S2 sent y1 (seq 7), y2 (seq 8): expected each sender's messages delivered once, \
             in order, with its address, got {by_sender:?}; network seed {SEED}"
        ));
    }
    Ok(())
}

pub(crate) async fn receive_window() -> Outcome {
    let (_net, a, s) = setup(SEED)?;
    let to = a.local_addr();
    let at = |i: u64| START.wrapping_add(i);
    s.message(START, b"m0", to).await?;
    let first = delivered(&a, Duration::from_secs(1)).await;
    acks(&s, Duration::ZERO).await?;
    // Next expected: start + 1. Start + 32 is 31 ahead (kept), start + 33 is 32 ahead (ignored), and
    // so is 2^63 - 1 ahead, the last number before "behind".
    let (far, edge, farthest) = (at(WINDOW + 1), at(WINDOW), at(1).wrapping_add((1 << 63) - 1));
    s.message(far, b"far", to).await?;
    s.message(farthest, b"farthest", to).await?;
    s.message(edge, b"edge", to).await?;
    let got = acks(&s, Duration::from_secs(1)).await?;
    if first.len() != 1 || got != [edge] {
        fail!(
            "after m0 ({}) was delivered, S sent {}, {} and {}: expected only {} acknowledged (kept, fewer than \
             {WINDOW} ahead of {}), and neither {} ({WINDOW} ahead) nor {} (2^63 - 1 ahead) (ignored: not kept, the \
             sender resends them later), got acknowledgements {}; network seed {SEED}",
            n(START),
            n(far),
            n(farthest),
            n(edge),
            n(edge),
            n(at(1)),
            n(far),
            n(farthest),
            ns(&got)
        );
    }
    for i in 1..WINDOW {
        s.message(at(i), format!("m{i}").as_bytes(), to).await?;
    }
    let got = delivered(&a, Duration::from_secs(1)).await;
    let expected: Vec<String> = (1..WINDOW)
        .map(|i| format!("m{i}"))
        .chain(["edge".to_string()])
        .collect();
    if got.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>() != expected {
        fail!(
            "S then sent {} to {}: expected m1…m{} and `edge` delivered in order, and not `far` ({} was ignored: \
             not kept, it waits for the sender to resend it), got {}; network seed {SEED}",
            n(at(1)),
            n(at(WINDOW - 1)),
            WINDOW - 1,
            n(far),
            texts(&got)
        );
    }
    s.message(far, b"far", to).await?;
    let got = delivered(&a, Duration::from_secs(1)).await;
    if texts(&got) != "`far`" {
        fail!(
            "S then resent `far` ({}), now the next expected: expected it delivered, got {}; network seed {SEED}",
            n(far),
            texts(&got)
        );
    }
    Ok(())
}

//! Q2, the receiving side: the check plays the senders with raw `W` datagrams (so Q2 is graded
//! without Q1) and reads what the learner's node acknowledges and delivers.

use crate::support::{Peer, config, node, show};
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

/// `seq` as the messages show it: its offset from the sender's start.
fn n(seq: u64) -> String {
    format!("#{}", seq.wrapping_sub(START))
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
            "S sent message #0 three times, a second apart: expected `A` + its number for every copy (three; \
             acknowledgements get lost too), got {}; network seed {SEED}",
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
            "S sent `a` (#0) twice, then `b` (#1) twice: expected `a`, `b` delivered once each, got {}; network seed {SEED}",
            texts(&got)
        ));
    }
    Ok(())
}

pub(crate) async fn in_order() -> Outcome {
    let (_net, a, s) = setup(SEED)?;
    let to = a.local_addr();
    s.message(START, b"a", to).await?;
    let first = delivered(&a, Duration::from_secs(1)).await;
    for (i, text) in [(3, "d"), (2, "c")] {
        s.message(START.wrapping_add(i), text.as_bytes(), to).await?;
    }
    let early = delivered(&a, Duration::from_secs(1)).await;
    let early_acks = acks(&s, Duration::ZERO).await?;
    if texts(&first) != "`a`" || !early.is_empty() {
        return fail(format!(
            "S sent `a` (#0), then `d` (#3) and `c` (#2): expected `a` delivered and nothing more until #1 arrives, \
             got {} then {}; network seed {SEED}",
            texts(&first),
            texts(&early)
        ));
    }
    let expected_acks = [START, START.wrapping_add(3), START.wrapping_add(2)];
    if early_acks != expected_acks {
        return fail(format!(
            "S sent #0, then #3 and #2 (early: kept for later): expected each acknowledged on arrival ({}), got {}; network seed {SEED}",
            ns(&expected_acks),
            ns(&early_acks)
        ));
    }
    s.message(START.wrapping_add(1), b"b", to).await?;
    let rest = delivered(&a, Duration::from_secs(1)).await;
    if texts(&rest) != "`b`, `c`, `d`" {
        return fail(format!(
            "S sent #0 `a`, #3 `d`, #2 `c`, then #1 `b`: after `b` arrived, expected `b`, `c`, `d` delivered in that \
             order, got {}; network seed {SEED}",
            texts(&rest)
        ));
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
    for i in [1, 0] {
        s.message(START.wrapping_add(i), format!("m{i}").as_bytes(), to)
            .await?;
    }
    let again = delivered(&a, Duration::from_secs(1)).await;
    let got = acks(&s, Duration::ZERO).await?;
    if first.len() != 5 || !again.is_empty() || got != [START.wrapping_add(1), START] {
        return fail(format!(
            "S sent m0…m4 (#0…#4), then m1 and m0 again (their acknowledgements were lost, say): expected m0…m4 \
             delivered once and the late copies acknowledged (#1, #0) but not delivered; got {} delivered, then {} \
             and acknowledgements {}; network seed {SEED}",
            texts(&first),
            texts(&again),
            ns(&got)
        ));
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
            "S1 sent x1 (#7), x2 (#8) and S2 sent y1 (#7), y2 (#8): expected each sender's messages delivered once, \
             in order, with its address, got {by_sender:?}; network seed {SEED}"
        ));
    }
    Ok(())
}

pub(crate) async fn receive_window() -> Outcome {
    let (_net, a, s) = setup(SEED)?;
    let to = a.local_addr();
    s.message(START, b"m0", to).await?;
    let first = delivered(&a, Duration::from_secs(1)).await;
    acks(&s, Duration::ZERO).await?;
    // Next expected: #1. #32 is 31 ahead (kept), #33 is 32 ahead (not kept, not acknowledged).
    let far = START.wrapping_add(WINDOW + 1);
    let edge = START.wrapping_add(WINDOW);
    s.message(far, b"far", to).await?;
    s.message(edge, b"edge", to).await?;
    let got = acks(&s, Duration::from_secs(1)).await?;
    if first.len() != 1 || got != [edge] {
        return fail(format!(
            "after m0 (#0) was delivered, S sent #{} then #{}: expected only #{} acknowledged (kept, fewer than \
             {WINDOW} ahead of #1), and #{} not ({WINDOW} ahead: not kept, the sender resends it later), got \
             acknowledgements {}; network seed {SEED}",
            WINDOW + 1,
            WINDOW,
            WINDOW,
            WINDOW + 1,
            ns(&got)
        ));
    }
    for i in 1..WINDOW {
        s.message(START.wrapping_add(i), format!("m{i}").as_bytes(), to)
            .await?;
    }
    s.message(far, b"far", to).await?;
    let got = delivered(&a, Duration::from_secs(1)).await;
    let expected: Vec<String> = (1..WINDOW)
        .map(|i| format!("m{i}"))
        .chain(["edge".to_string(), "far".to_string()])
        .collect();
    if got.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>() != expected {
        return fail(format!(
            "S then sent #1…#{} and #{} again: expected m1…m{}, `edge`, `far` delivered in order, got {}; network seed {SEED}",
            WINDOW - 1,
            WINDOW + 1,
            WINDOW - 1,
            texts(&got)
        ));
    }
    Ok(())
}

pub(crate) async fn bounded_memory() -> Outcome {
    let (net, a, s) = setup(SEED)?;
    net.set_recording(false);
    let to = a.local_addr();
    let mut seq = START;
    let mut buf = vec![0; 64];
    // Sends `count` messages in batches, reading every delivery and acknowledgement.
    let mut run = async |count: usize| -> Outcome {
        for _ in 0..count / 200 {
            for _ in 0..200 {
                s.message(seq, b"0123456789", to).await?;
                seq = seq.wrapping_add(1);
            }
            for got in 0..200 {
                match timeout(Duration::from_secs(5), a.recv()).await {
                    Ok(Some(_)) => {}
                    _ => {
                        return fail(format!(
                            "S sent messages in order, 200 at a time: A delivered only {got} of a batch within 5 s; network seed {SEED}"
                        ));
                    }
                }
            }
            for _ in 0..200 {
                let _ = timeout(Duration::from_secs(1), s.ep.recv_from(&mut buf)).await;
            }
        }
        Ok(())
    };
    run(2_000).await?;
    let Some(before) = harness::memory::live_bytes() else {
        return fail("the check cannot measure memory: the counting allocator is not installed");
    };
    run(30_000).await?;
    let after = harness::memory::live_bytes().unwrap_or(0);
    let grown = after.saturating_sub(before);
    if grown > 128 * 1024 {
        return fail(format!(
            "S sent 30,000 messages in order, each delivered and acknowledged: A's memory grew by {} KiB (more than \
             128 KiB): what it keeps per sender must not grow with every message (the next number expected and at \
             most {WINDOW} early messages are enough); network seed {SEED}",
            grown / 1024
        ));
    }
    Ok(())
}

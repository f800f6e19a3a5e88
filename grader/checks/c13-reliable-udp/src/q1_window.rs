//! Q1, several messages in flight: acknowledgements matched by number, acknowledgements that match
//! nothing, a timer per message, the first message alone and the window. The check plays the
//! destination on the simulated network, or on a detached link ([`crate::rig`]) where times are
//! exact to the instant.

use crate::q1::{SEED, next_message, spawn_send};
use crate::rig::{Event, Rig, Who, show_events};
use crate::support::{Peer, config, node};
use challenge::Node;
use challenge::wire::{Frame, WINDOW};
use harness::netsim::{Faults, Network};
use harness::time::secs;
use harness::tokio::time::{Duration, sleep, timeout};
use harness::{Outcome, fail};
use std::sync::Arc;

const FIRST: u64 = 1_000;

/// A and B, with the first message `m0` sent and acknowledged, so that A may pipeline.
async fn answered_pair(net: &Network, first: u64) -> Outcome<(Arc<Node>, Peer, u64)> {
    let a = Arc::new(node(net, "A", config(first))?);
    let b = Peer::new(net, "B");
    let m0 = spawn_send(&a, "m0", b.addr());
    let (seq, _) = next_message(&b, secs(10.0), "after send_message(\"m0\", B)").await?;
    if seq != first {
        fail!("send_message(\"m0\", B) with `first_seq` {first}: expected `W` seq {first}, got seq {seq}");
    }
    b.ack(seq, a.local_addr()).await?;
    match timeout(secs(5.0), m0).await {
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
    let (a, b, first) = answered_pair(&net, FIRST).await?;
    let sends: Vec<_> = (1..=5)
        .map(|i| spawn_send(&a, &format!("m{i}"), b.addr()))
        .collect();
    let got = messages_at(&b, secs(1.0)).await?;
    let expected: Vec<(u64, String)> = (1..=5).map(|i| (first + i, format!("m{i}"))).collect();
    if got != expected {
        fail!(
            "after m0 (seq {first}) was acknowledged, m1…m5 sent at once: expected at B within 1 s {}, got {}; network seed {SEED}",
            show_list(&expected),
            show_list(&got)
        );
    }
    // A stale acknowledgement, the one of m3, and one of a number never sent.
    b.ack(first, a.local_addr()).await?;
    b.ack(first + 3, a.local_addr()).await?;
    b.ack(first + 1_000, a.local_addr()).await?;
    sleep(secs(1.0)).await;
    let done: Vec<usize> = (1..=5).filter(|i| sends[i - 1].is_finished()).collect();
    if done != [3] {
        let done = done
            .iter()
            .map(|i| format!("m{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        fail!(
            "B acknowledged m3 (seq {}), m0 again and seq {} (never sent): expected send_message(m3) alone to complete, \
             got these completed: {}; network seed {SEED}",
            first + 3,
            first + 1_000,
            if done.is_empty() { "none".into() } else { done }
        );
    }
    let resent = messages_at(&b, secs(30.0)).await?;
    let expected: Vec<(u64, String)> = [1, 2, 4, 5].map(|i| (first + i, format!("m{i}"))).to_vec();
    if resent != expected {
        fail!(
            "30 s later, expected A to resend the unacknowledged {}, got {}; network seed {SEED}",
            show_list(&expected),
            show_list(&resent)
        );
    }
    for i in [1, 2, 4, 5] {
        b.ack(first + i, a.local_addr()).await?;
    }
    for (i, send) in sends.into_iter().enumerate() {
        match timeout(secs(5.0), send).await {
            Ok(Ok(Ok(()))) => {}
            other => {
                fail!(
                    "B acknowledged every message: send_message(m{}) gave {other:?}, expected Ok(()); network seed {SEED}",
                    i + 1
                );
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
    let got = messages_at(&b, secs(35.0)).await?;
    let expected = vec![(FIRST, "m0".to_string()), (FIRST, "m0".to_string())];
    if got != expected {
        fail!(
            "m0, m1, m2 sent at once to B, which never heard from A: expected only m0 (seq {FIRST}), at 0 s and \
             resent at 30 s, until B acknowledges it (a receiver takes the first number it sees as the start), got {} \
             within 35 s; network seed {SEED}",
            show_list(&got)
        );
    }
    b.ack(FIRST, a.local_addr()).await?;
    let got = messages_at(&b, secs(1.0)).await?;
    let expected = vec![(FIRST + 1, "m1".to_string()), (FIRST + 2, "m2".to_string())];
    if got != expected {
        fail!(
            "B acknowledged m0: expected {} at once, got {} within 1 s; network seed {SEED}",
            show_list(&expected),
            show_list(&got)
        );
    }
    Ok(())
}

pub(crate) async fn window() -> Outcome {
    let net = Network::new(SEED, Faults::none());
    // Numbers that wrap past u64::MAX inside the window: m3 is u64::MAX, m4 is 0.
    let (a, b, first) = answered_pair(&net, u64::MAX - 3).await?;
    let at = |i: u64| first.wrapping_add(i);
    let _sends: Vec<_> = (1..=40)
        .map(|i| spawn_send(&a, &format!("m{i}"), b.addr()))
        .collect();
    let got = messages_at(&b, secs(1.0)).await?;
    let expected: Vec<(u64, String)> = (1..=WINDOW).map(|i| (at(i), format!("m{i}"))).collect();
    if got != expected {
        fail!(
            "m1…m40 sent at once after m0 (seq {first}) was acknowledged: expected the first {WINDOW} at once, numbered \
             one more each in the order they were sent, wrapping past u64::MAX ({}), got {} datagrams: {}; network seed {SEED}",
            show_list(&expected[..5]) + ", …",
            got.len(),
            show_list(&got)
        );
    }
    // Not the oldest: the window stays where it is.
    b.ack(at(2), a.local_addr()).await?;
    let got = messages_at(&b, secs(1.0)).await?;
    if !got.is_empty() {
        fail!(
            "B acknowledged m2 while m1 (seq {}) was still unacknowledged: expected nothing more sent (a message goes \
             only while its number is less than {WINDOW} ahead of the oldest unacknowledged one), got {}; network seed {SEED}",
            at(1),
            show_list(&got)
        );
    }
    b.ack(at(1), a.local_addr()).await?;
    let got = messages_at(&b, secs(1.0)).await?;
    let expected = vec![
        (at(WINDOW + 1), format!("m{}", WINDOW + 1)),
        (at(WINDOW + 2), format!("m{}", WINDOW + 2)),
    ];
    if got != expected {
        fail!(
            "B acknowledged m2, then m1: the oldest unacknowledged is m3 (seq {}), expected {} at once (less than \
             {WINDOW} ahead of it, wrapping), got {}; network seed {SEED}",
            at(3),
            show_list(&expected),
            show_list(&got)
        );
    }
    Ok(())
}

fn sorted(mut events: Vec<Event>) -> Vec<Event> {
    events.sort_by_key(|e| (e.at(), e.show()));
    events
}

fn sent(at: u64, seq: u64, text: &str) -> Event {
    Event::Sent {
        at: Duration::from_secs(at),
        seq,
        text: text.into(),
    }
}

fn done(at: u64, text: &str) -> Event {
    Event::Done {
        at: Duration::from_secs(at),
        text: text.into(),
        result: Ok(()),
    }
}

pub(crate) async fn own_timers() -> Outcome {
    let mut rig = Rig::start(config(FIRST), FIRST, Who::Learner);
    rig.queue("m0").await;
    rig.run_to(secs(1.0)).await;
    rig.ack(FIRST).await;
    for (at, text) in [(2, "m1"), (12, "m2"), (20, ""), (22, "m3"), (60, "")] {
        rig.run_to(Duration::from_secs(at)).await;
        match (at, text) {
            (20, _) => rig.ack(FIRST + 1).await,
            (60, _) => rig.ack(FIRST + 3).await,
            _ => rig.queue(text).await,
        }
    }
    rig.run_to(secs(125.0)).await;
    let expected = sorted(vec![
        sent(0, FIRST, "m0"),
        done(1, "m0"),
        sent(2, FIRST + 1, "m1"),
        sent(12, FIRST + 2, "m2"),
        done(20, "m1"),
        sent(22, FIRST + 3, "m3"),
        sent(42, FIRST + 2, "m2"),
        sent(52, FIRST + 3, "m3"),
        done(60, "m3"),
        sent(72, FIRST + 2, "m2"),
        sent(102, FIRST + 2, "m2"),
    ]);
    let got = sorted(rig.events.clone());
    if got != expected {
        let i = expected.iter().zip(&got).take_while(|(a, b)| a == b).count();
        fail!(
            "m0 acknowledged at 1 s; m1, m2, m3 sent at 2, 12 and 22 s; m1 acknowledged at 20 s, m3 at 60 s (after \
             its resend): each message has its own timer, `retry_timeout` (30 s) from its own last send, which an \
             acknowledgement of another message does not move. The first difference: expected {}, got {}. \
             Expected up to 125 s: {}; got: {}",
            expected.get(i).map_or("nothing more".into(), Event::show),
            got.get(i).map_or("nothing more".into(), Event::show),
            show_events(&expected),
            show_events(&got)
        );
    }
    Ok(())
}

pub(crate) async fn stray_acks() -> Outcome {
    // Numbers that wrap: m0 is u64::MAX, m1 is 0.
    let first = u64::MAX;
    let mut rig = Rig::start(config(first), first, Who::Learner);
    for text in ["m0", "m1", "m2"] {
        rig.queue(text).await;
    }
    // Before the first acknowledgement: m1's number (not sent yet), one behind the start, one far
    // ahead, one half the number space away.
    let before = [
        (5, first.wrapping_add(1)),
        (6, first - 1),
        (7, first.wrapping_add(40)),
        (8, first.wrapping_add(1 << 63)),
    ];
    for (at, seq) in before {
        rig.run_to(Duration::from_secs(at)).await;
        rig.ack(seq).await;
    }
    rig.run_to(secs(31.0)).await;
    let got = sorted(rig.events.clone());
    let expected = vec![sent(0, first, "m0"), sent(30, first, "m0")];
    if got != expected {
        fail!(
            "m0, m1, m2 sent at once to a destination that never answered; before it acknowledges m0, \
             acknowledgements of {} (m1's number: m1 was not sent), {}, {} and {} (none sent) at 5, 6, 7 and 8 s: \
             expected them to change nothing (m1 and m2 wait for m0's acknowledgement, m0 is resent at 30 s), got {}",
            first.wrapping_add(1),
            first - 1,
            first.wrapping_add(40),
            first.wrapping_add(1 << 63),
            show_events(&got)
        );
    }
    rig.ack(first).await;
    // Mid-window: m0 again (duplicated, late), one behind the start, one never sent; then the same
    // while m1 and m2 use up their retries.
    let during = [
        (35, first),
        (36, first - 1),
        (37, first.wrapping_add(7)),
        (100, first),
        (130, first.wrapping_add(7)),
        (140, first - 1),
    ];
    for (at, seq) in during {
        rig.run_to(Duration::from_secs(at)).await;
        rig.ack(seq).await;
    }
    rig.run_to(secs(170.0)).await;
    let mut expected = vec![sent(0, first, "m0"), sent(30, first, "m0"), done(31, "m0")];
    for at in [31, 61, 91, 121] {
        expected.extend([sent(at, 0, "m1"), sent(at, 1, "m2")]);
    }
    let expected = sorted(expected);
    // m1's retries run out at 151 s: from then on `outage` (Q3) acts, once it reported the failure.
    // What it does is Q3's (and the hand-over check's): a sender that ends there (in a `todo!()` of
    // `outage`, say) dropping m1 and m2 with it, is judged up to that instant.
    let reported = rig.failures().first().copied();
    let handed_over = [reported, rig.ended()].into_iter().flatten().min();
    let got: Vec<Event> = sorted(rig.events.clone())
        .into_iter()
        .filter(|e| match e {
            Event::Failure { .. } => false,
            _ => e.at() < secs(151.0) || handed_over.is_none_or(|r| e.at() < r),
        })
        .collect();
    if got != expected || handed_over.is_some_and(|r| r < secs(151.0)) {
        let i = expected.iter().zip(&got).take_while(|(a, b)| a == b).count();
        fail!(
            "m0 acknowledged at 31 s (m1, m2 sent then); then acknowledgements of m0 again, of {} and of {} (never \
             sent) at 35, 36, 37, 100, 130 and 140 s: expected them to change nothing: m1, m2 resent at 61, 91, 121 \
             s, then nothing before their retries run out at 151 s. The first difference: expected {}, got {}; all \
             up to 170 s: {}{}",
            first - 1,
            first.wrapping_add(7),
            expected.get(i).map_or("nothing more".into(), Event::show),
            got.get(i).map_or("nothing more".into(), Event::show),
            show_events(&got),
            match (reported, rig.ended()) {
                (Some(r), _) => format!(" (node_failure reported at {})", harness::time::show(r)),
                (None, Some(e)) => format!(" (the sender task ended at {})", harness::time::show(e)),
                (None, None) => String::new(),
            }
        );
    }
    Ok(())
}

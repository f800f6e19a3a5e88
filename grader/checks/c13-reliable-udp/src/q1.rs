//! Q1, the sending side, one message at a time: the check plays the destination `B` on a bare
//! endpoint of a perfect network (10 ms latency), sees the learner's `W` datagrams with their
//! virtual send times, and acknowledges what it chooses; the hand-over to `outage` on a detached
//! link ([`crate::rig`]).

use crate::rig::{Event, Rig, Who, show_events};
use crate::support::{Peer, config, node, sent_messages, show};
use challenge::wire::Frame;
use challenge::{Config, Node, SendError};
use harness::netsim::{Faults, Network};
use harness::time::{secs, show as show_time, show_all};
use harness::tokio::task::JoinHandle;
use harness::tokio::time::{Duration, Instant, sleep, timeout};
use harness::{Outcome, fail};
use std::net::SocketAddr;
use std::sync::Arc;

pub(crate) const SEED: u64 = 13;
pub(crate) const FIRST: u64 = 1_000;

/// `send_message(payload, to)`, its future in a task of its own.
pub(crate) fn spawn_send(
    node: &Arc<Node>,
    payload: &str,
    to: SocketAddr,
) -> JoinHandle<Result<(), SendError>> {
    harness::tokio::spawn(node.send_message(payload.as_bytes().to_vec(), to))
}

/// The next `W` datagram at `b`, within `within`, or a sentence saying what came instead.
pub(crate) async fn next_message(b: &Peer, within: Duration, after: &str) -> Outcome<(u64, Vec<u8>)> {
    match b.next(within).await? {
        Some((Frame::Message { seq, payload }, _)) => Ok((seq, payload.to_vec())),
        Some((other, _)) => fail!(
            "{after}: expected a `W` datagram at B, got {}; network seed {SEED}",
            show(&other)
        ),
        None => fail!(
            "{after}: B got nothing within {}; network seed {SEED}",
            show_time(within)
        ),
    }
}

pub(crate) async fn sends_and_completes() -> Outcome {
    let net = Network::new(SEED, Faults::none());
    let a = Arc::new(node(&net, "A", config(FIRST))?);
    let b = Peer::new(&net, "B");
    let send = spawn_send(&a, "hello", b.addr());
    let (seq, payload) = next_message(&b, secs(10.0), "after send_message(\"hello\", B)").await?;
    if payload != b"hello" || seq != FIRST {
        fail!(
            "send_message(\"hello\", B) with `first_seq` {FIRST}: expected `W` seq {FIRST} `hello` at B, got `W` seq {seq} `{}`",
            String::from_utf8_lossy(&payload)
        );
    }
    sleep(secs(5.0)).await;
    if send.is_finished() {
        fail!(
            "send_message(\"hello\", B) completed before B acknowledged the message: it must wait for `A` + its sequence number"
        );
    }
    b.ack(seq, a.local_addr()).await?;
    match timeout(secs(5.0), send).await {
        Ok(Ok(Ok(()))) => Ok(()),
        Ok(Ok(Err(e))) => {
            fail!("after B acknowledged seq {seq}, send_message gave Err({e:?}): expected Ok(())")
        }
        Ok(Err(_)) => fail!("send_message panicked"),
        Err(_) => fail!(
            "B acknowledged seq {seq} (`A` + the same 8 bytes) but send_message had not completed 5 s later; network seed {SEED}"
        ),
    }
}

pub(crate) async fn too_large() -> Outcome {
    let net = Network::new(SEED, Faults::none());
    let a = Arc::new(node(&net, "A", config(FIRST))?);
    let b = Peer::new(&net, "B");
    let start = Instant::now();
    match timeout(secs(5.0), a.send_message(vec![b'x'; 1201], b.addr())).await {
        Ok(Err(SendError::TooLarge { len: 1201 })) => {}
        Ok(other) => fail!(
            "send_message of 1,201 bytes, nothing else queued: expected Err(SendError::TooLarge {{ len: 1201 }}), got {other:?}"
        ),
        Err(_) => fail!(
            "send_message of 1,201 bytes, nothing else queued: expected Err(SendError::TooLarge {{ len: 1201 }}) at once, got nothing within 5 s"
        ),
    }
    if start.elapsed() > Duration::ZERO {
        fail!(
            "send_message of 1,201 bytes, nothing else queued, took {} to refuse it: expected the error at once",
            show_time(start.elapsed())
        );
    }
    let sent = sent_messages(&net, a.local_addr(), b.addr());
    if !sent.is_empty() {
        fail!(
            "send_message of 1,201 bytes sent {} datagram(s) to B before refusing it: expected nothing sent",
            sent.len()
        );
    }
    let send = spawn_send(&a, &"y".repeat(1200), b.addr());
    let (seq, payload) = next_message(&b, secs(10.0), "after send_message of 1,200 bytes").await?;
    if payload.len() != 1200 || seq != FIRST {
        fail!(
            "send_message of 1,201 bytes (refused), then of 1,200 bytes (the limit, allowed): expected `W` seq {FIRST} \
             (`first_seq`: a refused message takes no number) with 1,200 bytes at B, got seq {seq} with {} bytes",
            payload.len()
        );
    }
    b.ack(seq, a.local_addr()).await?;
    match timeout(secs(5.0), send).await {
        Ok(Ok(Ok(()))) => {}
        other => fail!(
            "send_message of 1,200 bytes (the limit, allowed): expected Ok(()) once acknowledged, got {other:?}"
        ),
    }
    // While the window is full (m0 alone, not acknowledged yet) messages wait in the queue: one too
    // large right behind m0, and one behind m1, which waits for room too, are refused in their turn
    // at the latest, and the messages after them get the next numbers.
    let net = Network::new(SEED, Faults::none());
    let a = Arc::new(node(&net, "A", config(FIRST))?);
    let b = Peer::new(&net, "B");
    let _m0 = spawn_send(&a, "m0", b.addr());
    let big = harness::tokio::spawn(a.send_message(vec![b'x'; 1500], b.addr()));
    let _m1 = spawn_send(&a, "m1", b.addr());
    let bigger = harness::tokio::spawn(a.send_message(vec![b'x'; 1600], b.addr()));
    let _m2 = spawn_send(&a, "m2", b.addr());
    sleep(secs(5.0)).await;
    b.ack(FIRST, a.local_addr()).await?;
    sleep(secs(1.0)).await;
    let what = "m0 sent, then 1,500 bytes, m1, 1,600 bytes and m2 queued behind it (the window full: the first \
                message goes alone); B acknowledges m0 at 5 s";
    for (refused, len) in [(big, 1500), (bigger, 1600)] {
        if !refused.is_finished() {
            fail!("{what}: expected the {len} bytes refused by the time m0 was acknowledged, not by 6 s");
        }
        match refused.await {
            Ok(Err(SendError::TooLarge { len: got })) if got == len => {}
            other => fail!(
                "{what}: expected the {len} bytes refused with Err(TooLarge {{ len: {len} }}), got {other:?}"
            ),
        }
    }
    let sent = sent_messages(&net, a.local_addr(), b.addr());
    let got: Vec<(u64, &str)> = sent.iter().map(|m| (m.seq, m.text.as_str())).collect();
    let expected = [(FIRST, "m0"), (FIRST + 1, "m1"), (FIRST + 2, "m2")];
    if got != expected {
        fail!(
            "{what}: expected B to get m0 (seq {FIRST}), then m1 as seq {} and m2 as seq {} (a refused message \
             is never sent and takes no number, and the sender goes on), got {}; network seed {SEED}",
            FIRST + 1,
            FIRST + 2,
            got.iter()
                .map(|(seq, t)| format!("`{}` seq {seq}", t.chars().take(8).collect::<String>()))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    // The window open, m1 and m2 in flight: one too large is refused at once.
    let start = Instant::now();
    match timeout(secs(5.0), a.send_message(vec![b'x'; 1201], b.addr())).await {
        Ok(Err(SendError::TooLarge { len: 1201 })) if start.elapsed() == Duration::ZERO => Ok(()),
        Ok(Err(SendError::TooLarge { len: 1201 })) => fail!(
            "{what}, then 1,201 bytes queued at 6 s, m1 and m2 in flight (the window has room): expected \
             Err(TooLarge {{ len: 1201 }}) at once, got it {} later",
            show_time(start.elapsed())
        ),
        Ok(other) => fail!(
            "{what}, then 1,201 bytes queued at 6 s, m1 and m2 in flight (the window has room): expected \
             Err(SendError::TooLarge {{ len: 1201 }}), got {other:?}"
        ),
        Err(_) => fail!(
            "{what}, then 1,201 bytes queued at 6 s, m1 and m2 in flight (the window has room): expected \
             Err(SendError::TooLarge {{ len: 1201 }}) at once, got nothing within 5 s"
        ),
    }
}

/// The times of B's `W` datagrams of one message that B never acknowledges, up to `until`.
async fn unanswered(config: Config, until: Duration) -> Outcome<Vec<Duration>> {
    let net = Network::new(SEED, Faults::none());
    let a = Arc::new(node(&net, "A", config)?);
    let b = Peer::new(&net, "B");
    let _send = spawn_send(&a, "once", b.addr());
    sleep(until).await;
    let sent = sent_messages(&net, a.local_addr(), b.addr());
    if let Some(other) = sent.iter().find(|m| (m.seq, m.text.as_str()) != (FIRST, "once")) {
        fail!(
            "A resent `once` (seq {FIRST}) as seq {} `{}`: every resend must be the same datagram; network seed {SEED}",
            other.seq,
            other.text
        );
    }
    Ok(sent.into_iter().map(|m| m.at).collect())
}

pub(crate) async fn retry_times() -> Outcome {
    let sent = unanswered(config(FIRST), secs(119.0)).await?;
    let expected: Vec<Duration> = [0, 30, 60, 90].map(Duration::from_secs).to_vec();
    if sent != expected {
        fail!(
            "B never acknowledges message `once`: expected it sent at {} (retry_timeout 30 s, retry_limit 3), \
             got it at {} (up to 119 s); network seed {SEED}",
            show_all(&expected),
            show_all(&sent)
        );
    }
    Ok(())
}

pub(crate) async fn retry_limit() -> Outcome {
    // Another config, so that a limit written as 3 (or a timeout as 30 s) shows.
    let config = Config {
        retry_timeout: secs(10.0),
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
    sleep(secs(69.0)).await;
    let sent: Vec<Duration> = sent_messages(&net, a.local_addr(), b.addr())
        .into_iter()
        .map(|m| m.at)
        .collect();
    let report = *reported.lock().unwrap_or_else(|e| e.into_inner());
    let by_59 = sent.iter().filter(|t| **t < secs(60.0)).count();
    // From 60 s on the retries are over: a send then belongs to the outage (Q3), which begins by
    // reporting the failure. A send before any report is one resend too many.
    let extra = sent
        .iter()
        .find(|t| **t >= secs(60.0) && report.is_none_or(|r| r > **t));
    if by_59 != 6 || extra.is_some() {
        fail!(
            "retry_timeout 10 s, retry_limit 5, B never acknowledges: expected the message sent 6 times (once and \
             5 resends, the last at 50 s), then no resend before the node reports the failure (at 60 s); got it at \
             {}, and the failure reported {}; network seed {SEED}",
            show_all(&sent),
            report.map_or("not by 69 s".to_string(), |r| format!("at {}", show_time(r)))
        );
    }
    Ok(())
}

/// The script of the hand-over check: what the destination does, at distinct instants.
async fn hand_over_script(who: Who) -> Rig {
    let first = u64::MAX - 2;
    let mut rig = Rig::start(config(first), first, who);
    rig.queue("m0").await;
    rig.run_to(secs(1.0)).await;
    rig.ack(first).await;
    for (at, text) in [(2, "m1"), (12, "m2"), (22, "m3")] {
        rig.run_to(Duration::from_secs(at)).await;
        rig.queue(text).await;
    }
    // m3 acknowledged after its first resend; m1's retries run out at 122 s: the outage. m4 is
    // sent during it; m2's acknowledgement ends it; m1 and m4 run out of retries again (a second
    // outage), which acknowledgements of m1 then m4 end; m5 goes on as usual.
    let script: [(u64, Step); 7] = [
        (60, Step::Ack(3)),
        (200, Step::Queue("m4")),
        (530, Step::Ack(2)),
        (700, Step::Ack(1)),
        (705, Step::Ack(4)),
        (720, Step::Queue("m5")),
        (721, Step::Ack(5)),
    ];
    for (at, step) in script {
        rig.run_to(Duration::from_secs(at)).await;
        match step {
            Step::Ack(i) => rig.ack(rig.seq(i)).await,
            Step::Queue(text) => rig.queue(text).await,
        }
    }
    rig.run_to(secs(800.0)).await;
    rig
}

enum Step {
    Ack(u64),
    Queue(&'static str),
}

fn sorted(mut events: Vec<Event>) -> Vec<Event> {
    events.sort_by_key(|e| (e.at(), e.show()));
    events
}

pub(crate) async fn hand_over() -> Outcome {
    // The last resend acknowledged before its timeout ran out: no outage.
    let mut rig = Rig::start(config(FIRST), FIRST, Who::Learner);
    rig.queue("m0").await;
    rig.run_to(secs(100.0)).await;
    rig.ack(FIRST).await;
    rig.run_to(secs(300.0)).await;
    let expected = vec![
        Event::Sent {
            at: secs(0.0),
            seq: FIRST,
            text: "m0".into(),
        },
        Event::Sent {
            at: secs(30.0),
            seq: FIRST,
            text: "m0".into(),
        },
        Event::Sent {
            at: secs(60.0),
            seq: FIRST,
            text: "m0".into(),
        },
        Event::Sent {
            at: secs(90.0),
            seq: FIRST,
            text: "m0".into(),
        },
        Event::Done {
            at: secs(100.0),
            text: "m0".into(),
            result: Ok(()),
        },
    ];
    if sorted(rig.events.clone()) != expected {
        fail!(
            "m0 resent at 30, 60 and 90 s, and that last resend acknowledged at 100 s, before its retry_timeout ran \
             out (120 s): expected m0 completed and nothing else (no outage: `outage` is called only when the last \
             resend goes `retry_timeout` unanswered), got {} up to 300 s",
            show_events(&rig.events)
        );
    }
    drop(rig);
    // The same script with the reference sender and with the learner's, both handing over to the
    // learner's `outage`: any difference comes from the sender. Twice with the reference first: an
    // `outage` that does not behave the same twice is Q3's business, not this check's.
    let reference = sorted(hand_over_script(Who::Reference).await.events.clone());
    if sorted(hand_over_script(Who::Reference).await.events.clone()) != reference {
        return Ok(());
    }
    let learner = sorted(hand_over_script(Who::Learner).await.events.clone());
    if learner != reference {
        let i = reference.iter().zip(&learner).take_while(|(a, b)| a == b).count();
        fail!(
            "m0 acknowledged at 1 s; m1, m2, m3 sent at 2, 12, 22 s; m3 acknowledged at 60 s; m1's retries run out at \
             122 s; m4 sent at 200 s, m2 acknowledged at 530 s, m1 at 700 s, m4 at 705 s; m5 sent at 720 s and \
             acknowledged at 721 s. Run with your `outage` (Q3) both times, the reference sender and yours (Q1) \
             differ from event {}: expected {}, got {}. Your sender hands `outage` something else than the \
             reference: the messages in flight, in order, each with `resends`, `sent_at` (when it was last sent) \
             and `deadline`, at the instant the last resend's timeout runs out — or does not go on the same way \
             after `outage` returns. The reference's events: {}",
            i + 1,
            reference.get(i).map_or("nothing more".into(), Event::show),
            learner.get(i).map_or("nothing more".into(), Event::show),
            show_events(&reference)
        );
    }
    Ok(())
}

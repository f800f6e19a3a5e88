//! Q3, never drop: the learner's `outage`, run by the checks' own reference `sender` on a detached
//! link ([`Rig`]), so that Q1's answer plays no part. The check plays the destination: silent for
//! as long as it likes (an outage), then acknowledging; every time is exact.
//!
//! With the defaults (retry 30 s, 3 resends, backoff at most 300 s) a message sent at `s` and never
//! acknowledged is resent at `s` + 30, 60, 90 s and its retries run out at `s` + 120 s: that is
//! when the reference sender calls `outage`.

use crate::reference::Receiver;
use crate::rig::{Event, Rig, Who, show_events};
use crate::support::seq_from;
use challenge::Config;
use harness::Outcome;
use harness::fail;
use harness::time::{secs, show, show_all};
use harness::tokio::time::Duration;

/// Numbers near the end of `u64`, so that they wrap during the run.
const FIRST: u64 = u64::MAX - 1;

/// A reference sender with `m0` sent at 0 s and acknowledged at 1 s (the window is open), then
/// `texts` queued at 2 s, 12 s, 22 s …
async fn started(texts: &[&str]) -> Rig {
    let mut rig = Rig::start(crate::support::config(FIRST), FIRST, Who::Reference);
    rig.queue("m0").await;
    rig.run_to(secs(1.0)).await;
    rig.ack(FIRST).await;
    for (i, text) in texts.iter().enumerate() {
        rig.run_to(Duration::from_secs(2 + 10 * i as u64)).await;
        rig.queue(text).await;
    }
    rig
}

/// The events from `from` on, in time order (same-instant events by their text: datagrams of one
/// round in sequence order, as the reference sends them).
fn from(rig: &Rig, from: Duration, to: Duration) -> Vec<Event> {
    rig.between(from, to)
}

pub(crate) async fn failure_once() -> Outcome {
    let mut rig = started(&["m1", "m2"]).await;
    // m1's retries run out at 122 s; stale and unknown acknowledgements while the outage lasts.
    for (at, seq) in [
        (130, FIRST),
        (200, FIRST),
        (400, FIRST.wrapping_add(1000)),
        (600, FIRST - 1),
    ] {
        rig.run_to(Duration::from_secs(at)).await;
        rig.ack(seq).await;
    }
    rig.run_to(secs(1300.0)).await;
    let first = rig.failures();
    if first != [secs(122.0)] {
        fail!(
            "m1 and m2 sent at 2 s and 12 s, never acknowledged (m1's retries run out at 122 s), then stale and \
             unknown acknowledgements at 130, 200, 400 and 600 s: expected `node_failure` reported once, at once \
             when `outage` was called (122 s), got it at {} (up to 1300 s)",
            show_all(&first)
        );
    }
    // The destination is back: it acknowledges m1, and stays silent again after.
    rig.ack(rig.seq(1)).await;
    rig.run_to(secs(2000.0)).await;
    let second: Vec<Duration> = rig
        .failures()
        .into_iter()
        .filter(|at| *at >= secs(1300.0))
        .collect();
    if second.len() != 1 {
        fail!(
            "after the outage reported at 122 s, the destination acknowledged m1 at 1300 s (the outage ends) and \
             went silent again with m2 in flight: expected a second outage reported once, got {} report(s) from \
             1300 s to 2000 s{}",
            second.len(),
            if second.is_empty() {
                String::new()
            } else {
                format!(" (at {})", show_all(&second))
            }
        );
    }
    Ok(())
}

/// Resends of a single message never acknowledged: its retries, then the backoff rounds.
async fn unanswered(config: Config, until: Duration) -> (Rig, Vec<Duration>) {
    let mut rig = Rig::start(config, FIRST, Who::Reference);
    rig.queue("lost").await;
    rig.run_to(until).await;
    let sent = rig.sends_of("lost");
    (rig, sent)
}

pub(crate) async fn backoff() -> Outcome {
    // Defaults: resends at 30, 60, 90 s (Q1), the outage at 120 s, then waits of 60 s, 120 s,
    // 240 s, then 300 s for as long as it lasts (four hours: a wait computed as 2^round must not
    // overflow).
    let until = Duration::from_secs(4 * 3600);
    let (rig, sent) = unanswered(crate::support::config(FIRST), until).await;
    let mut expected = vec![
        secs(0.0),
        secs(30.0),
        secs(60.0),
        secs(90.0),
        secs(150.0),
        secs(270.0),
        secs(510.0),
    ];
    let mut at = secs(810.0);
    while at < until {
        expected.push(at);
        at += secs(300.0);
    }
    if sent != expected {
        let i = expected.iter().zip(&sent).take_while(|(a, b)| a == b).count();
        fail!(
            "a message never acknowledged (retry 30 s, 3 resends, backoff at most 300 s; the outage begins at \
             120 s): expected it resent at 150 s, 270 s, 510 s, then every 300 s (waits doubling from 60 s after \
             the last resend at 90 s, capped at 300 s) for four hours; the first difference is send {}: expected \
             {}, got {} (sends from there: {})",
            i + 1,
            expected.get(i).map_or("no more".into(), |d| show(*d)),
            sent.get(i).map_or("none within 4 hours".into(), |d| show(*d)),
            show_all(&sent[i.min(sent.len())..sent.len().min(i + 6)])
        );
    }
    if !rig.node_gone().await {
        fail!(
            "a message never acknowledged for four hours, then the node is dropped (no more messages nor \
             acknowledgements: `link.next` gives `None`): expected `outage` to return, it was still running"
        );
    }
    // Another config: retry 10 s, 1 resend, backoff at most 45 s. Sends at 0 and 10 s, the outage
    // at 20 s, then waits of 20 s, 40 s, 45 s, 45 s.
    let config = Config {
        retry_timeout: secs(10.0),
        retry_limit: 1,
        max_backoff: secs(45.0),
        first_seq: Some(FIRST),
    };
    let (_rig, sent) = unanswered(config, secs(210.0)).await;
    let expected: Vec<Duration> = [0, 10, 30, 70, 115, 160, 205].map(Duration::from_secs).to_vec();
    if sent != expected {
        fail!(
            "with retry_timeout 10 s, retry_limit 1 and max_backoff 45 s, a message never acknowledged (the \
             outage begins at 20 s): expected it sent at {} (waits of 20 s, 40 s, then 45 s from the last resend \
             at 10 s: the config's values, not the defaults), got {}",
            show_all(&expected),
            show_all(&sent)
        );
    }
    Ok(())
}

pub(crate) async fn every_message() -> Outcome {
    let mut rig = started(&["m1", "m2", "m3"]).await;
    rig.run_to(secs(600.0)).await;
    // m1 sent at 2 s, m2 at 12 s, m3 at 22 s: their last resends at 92, 102, 112 s; m1's retries run
    // out at 122 s. The rounds count from the last send of any (112 s): 172, 292, 532 s.
    let got: Vec<Event> = from(&rig, secs(122.0), secs(600.0))
        .into_iter()
        .filter(|e| matches!(e, Event::Sent { .. }))
        .collect();
    let expected: Vec<Event> = [172, 292, 532]
        .iter()
        .flat_map(|at| {
            (1..=3).map(move |i| Event::Sent {
                at: Duration::from_secs(*at),
                seq: FIRST.wrapping_add(i),
                text: format!("m{i}"),
            })
        })
        .collect();
    if got != expected {
        fail!(
            "m1, m2, m3 sent at 2, 12 and 22 s, never acknowledged: m1's retries run out at 122 s, when the last \
             send of any was m3's at 112 s. Expected every message in flight resent, in sequence order, 60 s, \
             180 s and 420 s after that last send: {}; got {}",
            show_events(&expected),
            show_events(&got)
        );
    }
    Ok(())
}

/// Events sorted for comparison: by time, then by what they say.
fn sorted(mut events: Vec<Event>) -> Vec<Event> {
    events.sort_by_key(|e| (e.at(), e.show()));
    events
}

pub(crate) async fn fresh_retries() -> Outcome {
    let mut rig = started(&["m1", "m2", "m3"]).await;
    // Outage at 122 s; rounds at 172, 292, 532 s. The destination acknowledges m1 10 s after a round.
    rig.run_to(secs(542.0)).await;
    rig.ack(rig.seq(1)).await;
    // Then it is silent: m2 and m3 get three resends from their last send (532 s): 562, 592, 622 s,
    // and a second outage at 652 s (rounds at 682, 802, 1042 s). It acknowledges m2 58 s after the
    // round at 1042 s: m3's deadline (1072 s) has passed, so it is resent at once.
    rig.run_to(secs(1100.0)).await;
    rig.ack(rig.seq(2)).await;
    rig.run_to(secs(1195.0)).await;
    let got = sorted(from(&rig, secs(542.0), secs(1195.0)));
    let sent = |at: u64, i: u64| Event::Sent {
        at: Duration::from_secs(at),
        seq: FIRST.wrapping_add(i),
        text: format!("m{i}"),
    };
    let mut expected = vec![Event::Done {
        at: secs(542.0),
        text: "m1".into(),
        result: Ok(()),
    }];
    for at in [562, 592, 622] {
        expected.extend([sent(at, 2), sent(at, 3)]);
    }
    expected.push(Event::Failure { at: secs(652.0) });
    for at in [682, 802, 1042] {
        expected.extend([sent(at, 2), sent(at, 3)]);
    }
    expected.push(Event::Done {
        at: secs(1100.0),
        text: "m2".into(),
        result: Ok(()),
    });
    expected.extend([sent(1100, 3), sent(1130, 3), sent(1160, 3)]);
    expected.push(Event::Failure { at: secs(1190.0) });
    let expected = sorted(expected);
    if got != expected {
        let i = expected.iter().zip(&got).take_while(|(a, b)| a == b).count();
        fail!(
            "m1, m2, m3 in an outage since 122 s (rounds at 172, 292, 532 s); the destination acknowledges m1 at \
             542 s, then m2 at 1100 s. Expected m1 completed and the others given a fresh round of retries \
             (`resends = 0`, deadline 30 s after their last send: resent at 562, 592, 622 s, a new outage at \
             652 s; after m2's acknowledgement, m3's deadline had passed: resent at once, at 1100 s). Expected \
             from 542 s: {}; got: {} (the first difference: expected {}, got {})",
            show_events(&expected),
            show_events(&got),
            expected.get(i).map_or("nothing more".into(), Event::show),
            got.get(i).map_or("nothing more".into(), Event::show)
        );
    }
    Ok(())
}

pub(crate) async fn stale_acks() -> Outcome {
    let mut rig = started(&["m1", "m2"]).await;
    // Outage at 122 s, rounds at 162, 282, 522, 822 s. Between them: an acknowledgement of m0
    // (completed long ago), the same again, one of a number never sent, one behind the start, one
    // half the number space away.
    let noise = [
        (130, FIRST),
        (140, FIRST),
        (300, FIRST.wrapping_add(1000)),
        (400, FIRST - 1),
        (600, FIRST.wrapping_add(1 << 63)),
    ];
    for (at, seq) in noise {
        rig.run_to(Duration::from_secs(at)).await;
        rig.ack(seq).await;
    }
    rig.run_to(secs(900.0)).await;
    let got = sorted(from(&rig, secs(122.0), secs(900.0)));
    let mut expected = vec![Event::Failure { at: secs(122.0) }];
    for at in [162, 282, 522, 822] {
        for i in 1..=2 {
            expected.push(Event::Sent {
                at: Duration::from_secs(at),
                seq: FIRST.wrapping_add(i),
                text: format!("m{i}"),
            });
        }
    }
    let expected = sorted(expected);
    if got != expected {
        fail!(
            "m1 and m2 in an outage since 122 s; acknowledgements of m0 (completed at 1 s) at 130 and 140 s, of \
             {} (never sent) at 300 s, of {} (behind the start) at 400 s and of {} at 600 s: none is a message in \
             flight, so expected the outage to go on unchanged: {}; got {}",
            FIRST.wrapping_add(1000),
            FIRST - 1,
            FIRST.wrapping_add(1 << 63),
            show_events(&expected),
            show_events(&got)
        );
    }
    Ok(())
}

pub(crate) async fn after_outage() -> Outcome {
    let mut rig = started(&[]).await;
    rig.run_to(secs(2.0)).await;
    for i in 1..=5 {
        rig.queue(&format!("m{i}")).await;
    }
    // The destination is down from 2 s (nothing it is sent arrives) to 1200 s; m6…m8 are sent
    // half-way.
    rig.run_to(secs(600.0)).await;
    for i in 6..=8 {
        rig.queue(&format!("m{i}")).await;
    }
    rig.run_to(secs(1200.0)).await;
    let mut receiver = Receiver::default();
    let _ = receiver.receive(FIRST, b"m0".to_vec());
    let mut delivered: Vec<String> = vec!["m0".into()];
    let end = Duration::from_secs(1200 + 900);
    let all_done = |rig: &Rig| (0..=8).all(|i| rig.done(&format!("m{i}")).is_some());
    while !all_done(&rig) {
        let Some(event) = rig.next_until(end).await else {
            break;
        };
        if let Event::Sent { seq, text, .. } = event {
            let verdict = receiver.receive(seq, text.into_bytes());
            delivered.extend(
                verdict
                    .deliver
                    .into_iter()
                    .map(|p| String::from_utf8_lossy(&p).into_owned()),
            );
            if verdict.ack {
                // One acknowledgement at a time, 10 ms after the copy it answers.
                let at = rig.now() + Duration::from_millis(10);
                rig.pump_to(at).await;
                rig.ack(seq).await;
            }
        }
    }
    let what = "m0 acknowledged; m1…m5 sent at 2 s and m6…m8 at 600 s while the destination was down (from 2 s \
                to 1200 s), then back, acknowledging every copy it gets";
    for i in 1..=8 {
        let text = format!("m{i}");
        match rig.done(&text) {
            Some((_, Ok(()))) => {}
            Some((at, other)) => {
                fail!(
                    "{what}: `{text}` completed with {other:?} at {}: expected Ok(()), never dropped",
                    show(at)
                )
            }
            None => fail!("{what}: `{text}` had not completed 15 minutes after the destination came back"),
        }
    }
    let early: Vec<Event> = rig
        .events
        .iter()
        .filter(|e| matches!(e, Event::Sent { text, at, .. } if ["m6", "m7", "m8"].contains(&text.as_str()) && *at < secs(1200.0)))
        .cloned()
        .collect();
    if !early.is_empty() {
        fail!(
            "{what}: expected m6…m8 to wait in their queue while the outage lasts (`link.next(false)`), got {}",
            show_events(&early)
        );
    }
    let expected: Vec<String> = (0..=8).map(|i| format!("m{i}")).collect();
    if delivered != expected {
        fail!(
            "{what}: a receiver following the protocol delivered {:?}: expected m0…m8 once each, in send order",
            delivered
        );
    }
    let misnumbered = rig.events.iter().find(|e| match e {
        Event::Sent { seq, text, .. } => {
            let i = text.trim_start_matches('m').parse::<u64>().unwrap_or(u64::MAX);
            FIRST.wrapping_add(i) != *seq
        }
        _ => false,
    });
    if let Some(wrong) = misnumbered {
        fail!(
            "{what}: expected each message numbered in send order (m0 {}, m1 {} …, wrapping past u64::MAX), got {}",
            seq_from(FIRST, FIRST),
            seq_from(FIRST.wrapping_add(1), FIRST),
            wrong.show()
        );
    }
    Ok(())
}

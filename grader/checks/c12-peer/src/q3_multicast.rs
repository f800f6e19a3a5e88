//! Q3, multicast: `multicast` driven through three in-memory streams in virtual time, and
//! `run_many` on real TCP against small servers written here.

use crate::peers::{Played, Script, play};
use crate::support::{LIMIT, closed_port};
use challenge::client::session;
use challenge::multicast::{multicast, run_many};
use harness::time::{secs, until};
use harness::tokio::io::{AsyncWriteExt, duplex};
use harness::tokio::sync::oneshot;
use harness::tokio::time::{Duration, Instant, sleep, sleep_until, timeout, timeout_at};
use harness::tokio::{self};
use harness::{Failure, Outcome, SharedBuffer, fail};

/// Runs `multicast` on three streams whose peers play `scripts` (without greeting); returns what
/// each peer saw and did, and what `multicast` returned (`None` if not within `limit` s).
async fn drive(scripts: [Script; 3], limit: f64) -> ([Played; 3], Option<Vec<u64>>) {
    let start = Instant::now();
    let (a, a_server) = duplex(4096);
    let (b, b_server) = duplex(4096);
    let (c, c_server) = duplex(4096);
    let [sa, sb, sc] = scripts.map(Script::quiet);
    let (pa, pb, pc, counts) = tokio::join!(
        play(a_server, start, sa),
        play(b_server, start, sb),
        play(c_server, start, sc),
        timeout_at(start + secs(limit), multicast(vec![a, b, c])),
    );
    ([pa, pb, pc], counts.ok())
}

/// The times (s) at which the learner's own `session` (Q2), alone on one stream, sends updates to a
/// peer playing `script` (without greeting) until it closes, and the count it returns. When and
/// how often a session sends, and what it counts, is Q2's business: `multicast` is judged against
/// what `session` does alone, or against the 5 s grid and the acks sent (for a `multicast` with a
/// timer of its own).
async fn alone(script: Script) -> Solo {
    let start = Instant::now();
    let close_at = script.close_at;
    let (stream, server) = duplex(4096);
    let (played, acks) = tokio::join!(
        play(server, start, script.quiet()),
        timeout_at(start + secs(close_at + 1.0), session(stream)),
    );
    Solo {
        times: update_times(&played),
        acks: acks.ok(),
    }
}

/// What the learner's `session` did alone with one peer: when it sent updates, what it returned.
struct Solo {
    times: Vec<f64>,
    acks: Option<u64>,
}

fn update_times(played: &Played) -> Vec<f64> {
    played
        .received
        .iter()
        .filter(|(token, _)| token == "update")
        .map(|(_, t)| *t)
        .collect()
}

/// Checks that every peer named got `<update>` and nothing else, at the times a session alone
/// sends them (`solo`) or on the 5 s grid until `close_at`, the same for all.
fn same_updates(what: &str, peers: &[(&str, &Played)], solo: &[f64], close_at: f64) -> Outcome {
    let grid: Vec<f64> = (1..)
        .map(|n| 5.0 * n as f64)
        .take_while(|&t| t < close_at)
        .collect();
    let mut first: Option<(&str, Vec<f64>)> = None;
    for (name, played) in peers {
        if let Some((token, at)) = played.received.iter().find(|(token, _)| token != "update") {
            return fail(format!(
                "{what}: server {name} got `<{token}>` at {at} s, where only `<update>` was expected"
            ));
        }
        let times = update_times(played);
        if times != solo && times != grid {
            return fail(format!(
                "{what}: server {name} got updates at {times:?} s; expected the updates your \
                 `session` sends when it runs alone with such a server, at {solo:?} s{}",
                if times.len() < solo.len() {
                    " (they stopped early: is it held up by another server?)"
                } else {
                    ""
                }
            ));
        }
        match &first {
            None => first = Some((name, times)),
            Some((other, expected)) if *expected != times => {
                return fail(format!(
                    "{what}: expected every update to go to every server at once; {other} got \
                     updates at {expected:?} s, {name} at {times:?} s"
                ));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Checks what `multicast` returned against the acks each peer sent, or what `session` returned
/// alone with each (`solo`).
fn expect_counts(
    what: &str,
    peers: &[Played; 3],
    solo: &[Option<u64>],
    counts: Option<Vec<u64>>,
    limit: f64,
) -> Outcome {
    let sent: Vec<u64> = peers.iter().map(|p| p.acks).collect();
    let alone: Vec<Option<u64>> = solo.to_vec();
    match counts {
        Some(counts) if counts == sent => Ok(()),
        Some(counts) if counts.iter().map(|&c| Some(c)).eq(alone.iter().copied()) => Ok(()),
        Some(counts) => fail(format!(
            "{what}: the servers sent {sent:?} acks; expected `multicast` to return that (in the \
             order of the streams), got {counts:?}"
        )),
        None => fail(format!(
            "{what}: `multicast` had not returned at {limit} s (it returns when every connection is lost)"
        )),
    }
}

pub(crate) async fn multicast_updates() -> Outcome {
    let scripts = [Script::acking(21.0), Script::acking(21.0), Script::acking(21.0)];
    let solo = alone(Script::acking(21.0)).await;
    let ([a, b, c], _) = drive(scripts, 40.0).await;
    same_updates(
        "three servers A, B and C, up for 21 s",
        &[("A", &a), ("B", &b), ("C", &c)],
        &solo.times,
        21.0,
    )
}

pub(crate) async fn multicast_counts() -> Outcome {
    // They close one after another, last to first: counts in the order connections end are
    // the wrong way round.
    let scripts = [
        Script::acking(16.0),
        Script {
            ack: |n| n == 0,
            ..Script::acking(13.0)
        },
        Script::silent(8.0),
    ];
    let mut solo = Vec::new();
    for script in scripts {
        solo.push(alone(script).await.acks);
    }
    let (peers, counts) = drive(scripts, 30.0).await;
    if peers[0].acks < 2 {
        return fail(format!(
            "server A, which acks every update, got {} update(s) in 16 s: nothing to count (see \
             `multicast-updates`)",
            peers[0].acks
        ));
    }
    expect_counts(
        "A acked every update and closed at 16 s, B acked only the first and closed at 13 s, C acked none and closed at 8 s",
        &peers,
        &solo,
        counts,
        30.0,
    )
}

pub(crate) async fn one_down() -> Outcome {
    let scripts = [Script::acking(21.0), Script::acking(7.0), Script::acking(21.0)];
    let mut solo = Vec::new();
    for script in scripts {
        solo.push(alone(script).await);
    }
    let (peers, counts) = drive(scripts, 40.0).await;
    let what = "server B closed at 7 s, A and C at 21 s";
    same_updates(what, &[("A", &peers[0]), ("C", &peers[2])], &solo[0].times, 21.0)?;
    let acks: Vec<Option<u64>> = solo.iter().map(|s| s.acks).collect();
    expect_counts(what, &peers, &acks, counts, 40.0)
}

pub(crate) async fn one_silent() -> Outcome {
    let solo = alone(Script::acking(26.0)).await;
    let start = Instant::now();
    let (a, a_server) = duplex(4096);
    // B never reads: its stream holds one update, and the next write to it waits until B closes.
    let (b, b_server) = duplex(8);
    let (c, c_server) = duplex(4096);
    let silent_b = async move {
        sleep_until(start + secs(30.0)).await;
        drop(b_server);
        Played::default()
    };
    let (pa, pb, pc, counts) = tokio::join!(
        play(a_server, start, Script::acking(26.0).quiet()),
        silent_b,
        play(c_server, start, Script::acking(26.0).quiet()),
        timeout_at(start + secs(50.0), multicast(vec![a, b, c])),
    );
    let what = "server B never read nor answered until it closed at 30 s; A and C acked every \
                update and closed at 26 s";
    same_updates(what, &[("A", &pa), ("C", &pc)], &solo.times, 26.0).map_err(|f| match f {
        Failure::Fail(m) => Failure::Fail(format!("{m} (does a write stuck on B hold up the others?)")),
        timeout => timeout,
    })?;
    let acks = [solo.acks, Some(0), solo.acks];
    expect_counts(what, &[pa, pb, pc], &acks, counts.ok(), 50.0)
}

/// A server for one connection: once `release` fires (or the check's limit has passed), writes
/// `bytes` and closes; gives its address and a signal that fires once it has closed.
async fn held(
    bytes: &'static [u8],
    release: oneshot::Receiver<()>,
) -> Outcome<(String, oneshot::Receiver<()>)> {
    let (listener, addr) = harness::tcp::listen().await?;
    let (closed, closed_rx) = oneshot::channel();
    tokio::spawn(async move {
        if let Ok((mut stream, _)) = listener.accept().await {
            let _ = timeout(3 * LIMIT, release).await;
            let _ = stream.write_all(bytes).await;
            let _ = stream.shutdown().await;
        }
        let _ = closed.send(());
    });
    Ok((addr.to_string(), closed_rx))
}

pub(crate) async fn run_many_report() -> Outcome {
    // The first server is held open until `Failed to connect to:` is printed for the address
    // nobody listens at, which must come at once, not with the report; then it closes without a
    // word. The third sends one `<Ack>` 20 ms after that and closes: a `run_many` that stops at the
    // first connection lost has no ack from it. One token at most per connection, and no
    // `<connection up>`: how `session` reads and counts is Q2's business.
    let (release, held_until) = oneshot::channel();
    let (first, first_closed) = held(b"", held_until).await?;
    let (port, _refusing) = closed_port()?;
    let refused = format!("127.0.0.1:{port}");
    let (answer, after_first) = oneshot::channel();
    let (third, _) = held(b"<Ack>", after_first).await?;
    tokio::spawn(async move {
        let _ = first_closed.await;
        sleep(Duration::from_millis(20)).await;
        let _ = answer.send(());
    });
    let addrs = vec![first.clone(), refused.clone(), third.clone()];
    let out = SharedBuffer::new();
    let failed = format!("Failed to connect to: {refused}");
    let watch = async {
        let seen = until(LIMIT, || out.text().contains(&failed).then_some(())).await;
        let _ = release.send(());
        seen.is_some()
    };
    // Generous: a session that notices the end of a connection only when its next update fails
    // (Q2's `returns-on-loss`) takes 5 or 10 s, and that is not this check's business.
    let (seen_at_once, counts) = tokio::join!(
        watch,
        timeout(Duration::from_secs(12), run_many(&addrs, out.clone()))
    );
    let Ok(counts) = counts else {
        return Err(Failure::Timeout(format!(
            "servers that close: `run_many` had not returned 12 s later; it printed {:?} (if \
             `returns-on-loss` fails, fix Q2 first)",
            out.text()
        )));
    };
    let text = out.text();
    let what = format!(
        "{first} closed without a word, nobody listened at {refused}, {third} sent one ack and \
         closed; `run_many` printed {text:?} and returned {counts:?}"
    );
    let report = [
        format!("Received 0 acks from {first}\n"),
        format!("Received 0 acks from {refused}\n"),
        format!("Received 1 acks from {third}\n"),
    ]
    .concat();
    if !text.ends_with(&report) {
        return fail(format!("{what}: expected it to end with {report:?}"));
    }
    if !text.contains(&format!("{failed}\n")) || text.find(&failed) > text.find(&report) {
        return fail(format!("{what}: expected the line {failed:?} before the report"));
    }
    if !seen_at_once {
        return fail(format!(
            "{what}: expected {failed:?} at once, while the connection to {first} was still open; \
             it was not printed in the {} s that connection was held open",
            LIMIT.as_secs()
        ));
    }
    if counts != [0, 0, 1] {
        return fail(format!(
            "{what}: expected it to return [0, 0, 1] (if Q2's `counts-acks` fails, fix it first)"
        ));
    }
    Ok(())
}

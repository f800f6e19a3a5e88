//! Q2, the client: `session` driven through in-memory streams in virtual time (updates at exactly
//! 5 s, 10 s…, acks counted, the return when the connection is lost), and `run` on real TCP
//! against a small server written here (no timing there).

use crate::peers::{Played, Script, play, updates_at};
use crate::support::closed_port;
use challenge::client::{run, session};
use harness::io::{Chop, Cuts};
use harness::time::secs;
use harness::tokio::io::{AsyncWriteExt, duplex};
use harness::tokio::time::{Duration, Instant, timeout, timeout_at};
use harness::tokio::{self};
use harness::{Failure, Outcome, SharedBuffer, fail};

/// What happened: what the peer saw and did, and what `session` returned and when (s), or `None`
/// if it had not returned `wait` seconds after the peer closed.
async fn drive(script: Script, wait: f64) -> (Played, Option<(u64, f64)>) {
    let start = Instant::now();
    let (client, server) = duplex(4096);
    // The session's writes are taken 1 to 3 bytes at a time, with wake-ups that find nothing
    // ready; its reads are whole (one token at a time: decoding is Q1's business).
    let cuts = Cuts {
        seed: 12,
        max_read: 4096,
        max_write: 3,
        pending_every: 3,
    };
    let client = Chop::new(client, cuts);
    let deadline = start + secs(script.close_at + wait);
    let session = async {
        let acks = session(client).await;
        (acks, start.elapsed().as_millis() as f64 / 1000.0)
    };
    let (received, returned) = tokio::join!(play(server, start, script), timeout_at(deadline, session));
    (received, returned.ok())
}

pub(crate) async fn first_update() -> Outcome {
    // The peer speaks at 2 s and 4 s: the first update is due 5 s after the start all the same.
    let script = Script {
        chatter: &[(2.0, b"<ping>"), (4.0, b"<Ack>")],
        ..Script::silent(5.5)
    };
    let (played, _) = drive(script, 1.0).await;
    let received = played.received;
    let expected = updates_at(&[5.0]);
    if received != expected {
        return fail(format!(
            "a peer greeted at once, sent `<ping>` at 2 s and `<Ack>` at 4 s; over the first 5.5 s \
             expected one `<update>` at exactly 5 s (and nothing before), got {received:?} (token, \
             second): the first update is due 5 s after the session starts, whatever comes in between"
        ));
    }
    Ok(())
}

pub(crate) async fn every_5s() -> Outcome {
    // The peer acks each update 1.5 s after it came, and says something else at 12.3 s: the
    // updates stay on the grid 5 s, 10 s, 15 s … from the start.
    let script = Script {
        ack_after: 1.5,
        chatter: &[(12.3, b"<ping>")],
        ..Script::acking(21.0)
    };
    let (played, _) = drive(script, 1.0).await;
    let received = played.received;
    // The first update is `first-update`'s business: judge the ones after it.
    let later: Vec<(String, f64)> = received.iter().filter(|(_, t)| *t > 5.0).cloned().collect();
    let expected = updates_at(&[10.0, 15.0, 20.0]);
    if later != expected {
        return fail(format!(
            "a peer acked each update 1.5 s after it came and sent `<ping>` at 12.3 s; over 21 s, \
             after the first update, expected `<update>` at exactly 10 s, 15 s and 20 s (every 5 s \
             measured from the start, whatever comes in between) and nothing else; got {later:?} \
             (token, second)"
        ));
    }
    Ok(())
}

pub(crate) async fn counts_acks() -> Outcome {
    // The peer greets, acks every update and also sends tokens that are not acks.
    let script = Script {
        also: &[b"<update>", b"<pong>", b"<ack>"],
        chatter: &[(1.0, b"<Ack >"), (7.0, b"<connection up>")],
        ..Script::acking(17.0)
    };
    let (played, returned) = drive(script, 10.0).await;
    // The updates' timing is `first-update`'s and `every-5s`' business: count what was acked.
    let sent = played.acks;
    if sent < 2 {
        return fail(format!(
            "a peer that acks every update got {sent} update(s) in 17 s: nothing to count (see \
             `first-update`)"
        ));
    }
    match returned {
        Some((acks, _)) if acks == sent => Ok(()),
        Some((acks, _)) => fail(format!(
            "a peer sent `<connection up>`, then `<Ack>`, `<update>`, `<pong>` and `<ack>` after \
             each of the {sent} updates it got (and `<Ack >` at 1 s, `<connection up>` at 7 s), then \
             closed at 17 s: expected `session` to return {sent} (only `<Ack>` counts), got {acks}"
        )),
        None => fail(format!(
            "a peer acked {sent} updates and closed at 17 s: `session` had not returned 10 s \
             later (it returns when the connection is lost)"
        )),
    }
}

pub(crate) async fn returns_on_loss() -> Outcome {
    for close_at in [12.0, 3.0] {
        let (played, returned) = drive(Script::acking(close_at), 10.0).await;
        let acks = played.acks;
        match returned {
            Some((n, at)) if n == acks && at == close_at => {}
            Some((n, at)) => {
                return fail(format!(
                    "a peer that acked every update ({acks} of them) closed at {close_at} s: \
                     expected `session` to return {acks} at once, at {close_at} s; it returned {n} \
                     at {at} s"
                ));
            }
            None => {
                return fail(format!(
                    "a peer that acked every update closed at {close_at} s: expected `session` to \
                     return at once; it had not returned 10 s later"
                ));
            }
        }
    }
    Ok(())
}

/// A server for one connection: writes `bytes`, then closes.
async fn one_shot(bytes: &'static [u8]) -> Outcome<String> {
    let (listener, addr) = harness::tcp::listen().await?;
    tokio::spawn(async move {
        if let Ok((mut stream, _)) = listener.accept().await {
            let _ = stream.write_all(bytes).await;
            let _ = stream.shutdown().await;
        }
    });
    Ok(addr.to_string())
}

pub(crate) async fn run_report() -> Outcome {
    // One token and the end of the stream: no read can hold two tokens (a codec bug costs Q1
    // only); how `session` counts is `counts-acks`' business.
    let addr = one_shot(b"<Ack>").await?;
    let out = SharedBuffer::new();
    let Ok(acks) = timeout(Duration::from_secs(3), run(&addr, out.clone())).await else {
        return Err(Failure::Timeout(format!(
            "a server sent `<Ack>` and closed: `run` had not returned 3 s \
             later; it printed {:?}",
            out.text()
        )));
    };
    let expected = "Received 1 acks\n";
    if acks != 1 || out.text() != expected {
        return fail(format!(
            "a server sent `<Ack>` and closed: expected `run` to print \
             {expected:?} and return 1; it printed {:?} and returned {acks}",
            out.text()
        ));
    }
    Ok(())
}

pub(crate) async fn run_refused() -> Outcome {
    let (port, _refusing) = closed_port()?;
    // The address as given, a name too: not as it was resolved.
    for host in ["127.0.0.1", "localhost"] {
        let addr = format!("{host}:{port}");
        let out = SharedBuffer::new();
        let Ok(acks) = timeout(Duration::from_secs(3), run(&addr, out.clone())).await else {
            return Err(Failure::Timeout(format!(
                "with nobody listening at {addr}, `run` had not returned 3 s later; it printed {:?}",
                out.text()
            )));
        };
        let expected = format!("Failed to connect to: {addr}\nReceived 0 acks\n");
        if acks != 0 || out.text() != expected {
            fail!(
                "with nobody listening at {addr}: expected `run` to print {expected:?} and return \
                 0; it printed {:?} and returned {acks}",
                out.text()
            );
        }
    }
    Ok(())
}

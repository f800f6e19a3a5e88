//! Q2, the log: exact JSON, `show log` matched exactly (after trimming), the lock never held while
//! a reply is on its way. (Accept order: `q2_order.rs`; many clients: `q2_many.rs`.)
//!
//! Q2's checks judge the log. What the server says to any other line is Q1's reply, which Q1's
//! checks judge: here it only has to be a reply, and not the log. Where Q2's server gets wrong what
//! the learner's Q1 server gets wrong too, Q1's checks charge it (`q1_shared`).

use crate::q1_shared::*;
use crate::support::*;
use challenge::q2;
use harness::serde_json::Value;
use harness::tcp::{Client, Server};
use harness::{Failure, Outcome, fail, show_bytes};

pub(crate) async fn exact_json() -> Outcome {
    // Another server first, with a visitor of its own: it must not appear in the log below.
    let decoy = Server::start(q2::serve).await?;
    let mut stranger = decoy.connect().await?;
    let _ = stranger.send(b"hello\r\n").await;
    let _ = read_reply(&mut stranger).await;
    let stranger = stranger.local_addr().port();

    let server = Server::start(q2::serve).await?;
    // The first visitor is silent and stays; it comes from 127.0.0.2 where the system has it.
    let (_silent, silent_ip, silent_port) = match connect_from_127_0_0_2(&server).await {
        Some(stream) => {
            let port = stream
                .local_addr()
                .map_err(|e| Failure::Fail(e.to_string()))?
                .port();
            (Silent::Raw(stream), "127.0.0.2", port)
        }
        None => {
            let client = server.connect().await?;
            let port = client.local_addr().port();
            (Silent::Client(client), "127.0.0.1", port)
        }
    };
    let (mut requester, line) = ask_log(&server, b"show log\r\n").await?;
    let silent = format!("{{\"ip\":\"{silent_ip}\",\"port\":{silent_port}}}");
    let asker = format!(
        "{{\"ip\":\"127.0.0.1\",\"port\":{}}}",
        requester.local_addr().port()
    );
    let expected = format!("[{silent},{asker}]\r\n");
    // The order of the two is `accept-order`'s point (a visit recorded in the connection's task
    // comes second only now and then): this check judges the entries' bytes and the array's.
    let swapped = format!("[{asker},{silent}]\r\n");
    let what =
        format!("after a silent client connected from {silent_ip} (and stayed), the reply to `show log`");
    if line == swapped.as_bytes() {
        // The two in the other order: `accept-order` judges that.
    } else if line == format!("[{asker}]\r\n").as_bytes() && silent_recorded_late(&server, silent_port).await
    {
        // The silent client was recorded, only later than the requester: a visit recorded in the
        // connection's task, which may start late; `accept-order` judges that.
    } else if let Err(Failure::Fail(m)) = expect_bytes(&what, expected.as_bytes(), &line) {
        let note = if without_line_ending(&line) == without_line_ending(expected.as_bytes()) {
            " (the log ends with `\\r\\n`, like every reply)"
        } else if mentions_port(&line, stranger) {
            " (it lists a client of another server: the log must belong to the server that `serve` \
             runs, created in `serve`, not be a `static`)"
        } else {
            ""
        };
        fail!("{m}{note}");
    }
    match step("no EOF", requester.expect_eof()).await {
        Ok(()) => Ok(()),
        // A server that does not close after any reply: Q1's `closes-after-reply` charges it.
        Err(_) if q1_keeps_open().await => Ok(()),
        Err(Failure::Timeout(_)) => Err(Failure::Timeout(
            "after the log, the connection stayed open for 2 s (the learner's Q1 server does close \
             after its reply: does the `show log` branch skip the close?)"
                .into(),
        )),
        Err(Failure::Fail(m)) => fail!("after the log: {m}"),
    }
}

/// Whether a second `show log`, a moment later, lists the silent client on `port` that the first
/// one missed: it was recorded, late (in its task, say), not never.
async fn silent_recorded_late(server: &Server, port: u16) -> bool {
    harness::tokio::time::sleep(harness::time::ms(200)).await;
    match show_log(server).await {
        Ok((_, log)) => ports(&log).contains(&port),
        Err(_) => false,
    }
}

/// A client kept connected, silent.
enum Silent {
    Raw(#[allow(dead_code)] harness::tokio::net::TcpStream),
    Client(#[allow(dead_code)] Client),
}

/// Whether a reply that parses as JSON has an entry with `"port": port`.
fn mentions_port(reply: &[u8], port: u16) -> bool {
    let Ok(Value::Array(entries)) = harness::serde_json::from_slice::<Value>(without_line_ending(reply))
    else {
        return false;
    };
    entries
        .iter()
        .any(|e| e.get("port").and_then(Value::as_u64) == Some(u64::from(port)))
}

/// Lines that are `show log` once trimmed: each gets the log, the requester last.
const TRIMMED: [&[u8]; 2] = [b"  show log \r\n", b"\tshow log\t\n"];

/// Lines that are not `show log`, even trimmed: each gets Q1's reply, not the log.
const NOT_SHOW_LOG: [&str; 4] = ["SHOW LOG", "show logs", "show log please", "show  log"];

pub(crate) async fn trim_and_case() -> Outcome {
    let server = Server::start(q2::serve).await?;
    for request in TRIMMED {
        let (client, line) = ask_log(&server, request).await?;
        let me = client.local_addr().port();
        let what = format!(
            "for {} (`show log` with whitespace around it)",
            show_bytes(request)
        );
        match parse_log(&line) {
            Ok(log) if ports(&log).last() == Some(&me) => {}
            Ok(log) => fail!(
                "{what}: expected the log, ending with the requester's port {me}, got the ports {:?}",
                ports(&log)
            ),
            Err(_) => {
                // Q1's reply instead, quoting an untrimmed text: if the learner's Q1 server quotes the
                // same, the trimming is shared with Q1, whose checks charge it.
                let text = quoted_text(&line).map(<[u8]>::to_vec);
                let untrimmed = text.is_some() && text.as_deref() != Some(b"show log".as_slice());
                if untrimmed && q1_quotes(request).await == text {
                    continue;
                }
                fail!(
                    "{what}: expected the log (the line is `show log` after trimming), got {}",
                    show_bytes(&line)
                );
            }
        }
    }
    for text in NOT_SHOW_LOG {
        let (_, line) = ask_log(&server, format!("{text}\r\n").as_bytes())
            .await
            .map_err(|f| context(&format!("`{text}` should get Q1's reply"), f))?;
        if parse_log(&line).is_ok() {
            fail!(
                "`{text}` is not `show log`: expected Q1's reply (`You are from …, saying \"{text}\"`), \
                 got the log {} (only the line `show log` itself, trimmed, gets the log: exactly, \
                 case-sensitive)",
                show_bytes(&line)
            );
        }
    }
    Ok(())
}

pub(crate) async fn log_lock() -> Outcome {
    // The clock stands still: the `show log` client's drain lasts until the check ends.
    let _clock = hold_clock();
    let server = Server::start(q2::serve).await?;
    let (_asker, _log) = step("no reply to `show log`", ask(&server, b"show log\r\n")).await?;
    // The asker stays connected and silent: the server is still draining its connection.
    let served = step("no reply", expect_served(&server, "hello")).await;
    match served {
        Ok(()) => Ok(()),
        Err(Failure::Timeout(_)) if !server.never_accepted() => {
            // A server that handles one connection at a time is held up by any silent client, not
            // only by one that asked for the log: that is Q1's `idle-client`, when Q1 does the same.
            let fresh = Server::start(q2::serve).await?;
            let _silent = fresh.connect().await?;
            if step("no reply", expect_served(&fresh, "hello")).await.is_err() {
                if q1_held_up_by_idle().await {
                    return Ok(());
                }
                return Err(Failure::Timeout(
                    "while a silent client stayed connected, another got no reply within 2 s: does \
                     Q2's server handle one connection at a time? (a task per connection, as in Q1)"
                        .into(),
                ));
            }
            Err(Failure::Timeout(
                "while a client that had asked for `show log` stayed connected (the server still \
                 draining it), another client got no reply within 2 s: is the log's lock held across \
                 the `.await`s of the reply? (lock, serialize, let the guard go; then write and close)"
                    .into(),
            ))
        }
        Err(other) => Err(server.explain(other)),
    }
}

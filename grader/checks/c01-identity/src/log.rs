//! Q2, the log: exact JSON, trimming, nothing lost, a long log. (Accept order: `order.rs`.)
//!
//! Q2's checks judge the log. What the server says to any other line is Q1's reply, which Q1's
//! checks judge: here it only has to be a line (or, for `SHOW LOG`, not the log).

use crate::support::*;
use challenge::q2;
use harness::futures::future::join_all;
use harness::futures::{StreamExt, TryStreamExt};
use harness::serde_json::Value;
use harness::tcp::{Client, Server};
use harness::{Failure, Outcome, fail, show_bytes};
use std::collections::BTreeSet;

pub(crate) async fn exact_json() -> Outcome {
    // Another server first, with a visitor of its own: it must not appear in the log below.
    let decoy = Server::start(q2::serve).await?;
    let mut stranger = decoy.connect().await?;
    let _ = stranger.send(b"hello\r\n").await;
    let _ = stranger.read_line().await;
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
    let (mut requester, line) = ask(&server, b"show log\r\n").await?;
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
    } else if let Err(Failure::Fail(m)) = expect_bytes(&what, expected.as_bytes(), &line) {
        let note = if without_line_ending(&line) == without_line_ending(expected.as_bytes()) {
            " (the log ends with `\\r\\n`, like every reply)"
        } else if mentions_port(&line, stranger) {
            " (it lists a client of another server: the log must belong to the server that `serve` \
             runs, created in `serve`, not be a `static`)"
        } else {
            ""
        };
        return fail(format!("{m}{note}"));
    }
    requester.expect_eof().await.map_err(|f| match f {
        Failure::Timeout(_) => Failure::Timeout("after the log, the connection stayed open for 2 s".into()),
        Failure::Fail(m) => Failure::Fail(format!("after the log: {m}")),
    })
}

/// A client kept connected, silent.
enum Silent {
    Raw(#[allow(dead_code)] harness::tokio::net::TcpStream),
    Client(#[allow(dead_code)] Client),
}

/// Whether a reply that parses as JSON has an entry with `"port": port`.
fn mentions_port(reply: &[u8], port: u16) -> bool {
    let Ok(Value::Array(entries)) = harness::serde_json::from_slice::<Value>(reply) else {
        return false;
    };
    entries
        .iter()
        .any(|e| e.get("port").and_then(Value::as_u64) == Some(u64::from(port)))
}

pub(crate) async fn trim_and_case() -> Outcome {
    let server = Server::start(q2::serve).await?;
    let (client, line) = ask(&server, b"  show log \r\n").await?;
    let log = parse_log(&line).map_err(|f| context("for `  show log ` (spaces around it)", f))?;
    let me = client.local_addr().port();
    if ports(&log).last() != Some(&me) {
        return fail(format!(
            "for `  show log `: expected the log, ending with the requester's port {me}, got the ports {:?}",
            ports(&log)
        ));
    }
    // `SHOW LOG` is a line like any other: it gets Q1's reply (judged by Q1's checks), not the log.
    let (_, line) = ask(&server, b"SHOW LOG\r\n").await.map_err(|f| {
        context(
            "`show log` is case-sensitive: `SHOW LOG` should get Q1's reply",
            f,
        )
    })?;
    let is_log = line.trim_ascii_start().starts_with(b"[");
    let has_text = line.windows(8).any(|w| w == b"SHOW LOG");
    if is_log || !has_text {
        return fail(format!(
            "`show log` is case-sensitive: `SHOW LOG` should get Q1's reply (`You are from …, saying \
             \"SHOW LOG\"`), got {}",
            show_bytes(&line)
        ));
    }
    Ok(())
}

/// A client sends `text` + `\r\n` and waits for a reply line (Q1's reply, not judged here); returns
/// the client's port.
async fn visit(server: &Server, i: usize, of: usize) -> Outcome<u16> {
    let mut client = server.connect().await?;
    let port = client.local_addr().port();
    let request = format!("client {i}\r\n");
    let said = async {
        client.send(request.as_bytes()).await?;
        client.read_line().await
    };
    said.await.map_err(|f| {
        server.explain(context(
            &format!("client {i} of {of} sent `client {i}` and expected a reply line (Q1's reply)"),
            f,
        ))
    })?;
    Ok(port)
}

pub(crate) async fn no_lost_entries() -> Outcome {
    let server = Server::start(q2::serve).await?;
    let asks = (0..100).map(|i| visit(&server, i, 100));
    let clients: BTreeSet<u16> = join_all(asks).await.into_iter().collect::<Outcome<_>>()?;
    let (requester, log) = show_log(&server).await?;
    let got = ports(&log);
    // Loss is this check's point: extra entries (a log shared with other servers, a visit recorded
    // twice) are `exact-json`'s.
    let seen: BTreeSet<u16> = got.iter().copied().collect();
    let missing: Vec<u16> = clients.difference(&seen).copied().collect();
    if !missing.is_empty() || got.last() != Some(&requester) {
        return fail(format!(
            "after 100 concurrent clients, expected the 100 (in any order), then the requester {requester} \
             last; got {} entries, {} of the 100 clients missing{}, the last entry port {:?}",
            got.len(),
            missing.len(),
            match missing.first() {
                Some(port) => format!(" (e.g. port {port})"),
                None => String::new(),
            },
            got.last(),
        ));
    }
    Ok(())
}

pub(crate) async fn long_log() -> Outcome {
    let server = Server::start(q2::serve).await?;
    // 600 clients, 50 at a time: each says something, reads the reply and leaves. The first client
    // that fails ends the check (the others are dropped), instead of 600 clients each waiting out
    // its own limit.
    let asks = harness::futures::stream::iter(0..600).map(|i| visit(&server, i, 600));
    let clients: BTreeSet<u16> = asks.buffer_unordered(50).try_collect().await?;
    let (mut requester, line) = ask(&server, b"show log\r\n").await?;
    if line.len() <= 16 * 1024 {
        return fail(format!(
            "after 600 clients, expected a log over 16 KiB, got {} bytes: {}",
            line.len(),
            show_bytes(&line)
        ));
    }
    let log = parse_log(&line)?;
    let got = ports(&log);
    let me = requester.local_addr().port();
    let all: BTreeSet<u16> = got.iter().copied().collect();
    let missing = clients.difference(&all).count();
    if missing > 0 || got.last() != Some(&me) {
        return fail(format!(
            "after 600 clients, expected the 600, then the requester {me}; got {} entries, {missing} of the \
             600 missing, the last one port {:?}",
            got.len(),
            got.last()
        ));
    }
    requester.expect_eof().await.map_err(|f| match f {
        Failure::Timeout(_) => Failure::Timeout("after the log, the connection stayed open for 2 s".into()),
        Failure::Fail(m) => Failure::Fail(format!("after the log: {m}")),
    })
}

//! Q2, the server: the learner's `serve` on real TCP (`127.0.0.1:0`), on a real clock. The log
//! file is read after the check has completed the shutdown future and `serve` has returned.

use crate::support::{
    LIMIT, PeerServer, Stopped, TempLog, codec_note, expect_token, next_token, printed, tokens,
};
use harness::futures::future::join_all;
use harness::tcp::Client;
use harness::time::until;
use harness::tokio::time::{Duration, Instant, sleep, timeout};
use harness::{Failure, Outcome, fail};
use std::collections::BTreeMap;

/// Reads tokens until `<Ack>`, skipping `<connection up>`; `when` says what the check did.
async fn expect_ack(client: &mut Client, when: &str) -> Outcome {
    loop {
        match next_token(client).await {
            Ok(text) if text == "Ack" => return Ok(()),
            Ok(text) if text == "connection up" => {}
            Ok(text) => {
                return fail(format!(
                    "{when}: expected `<Ack>`, got `<{text}>`{}",
                    codec_note()
                ));
            }
            Err(Failure::Fail(m)) => return fail(format!("{when}: expected `<Ack>`; {m}{}", codec_note())),
            Err(Failure::Timeout(m)) => {
                return Err(Failure::Timeout(format!(
                    "{when}: expected `<Ack>`; {m}{}",
                    codec_note()
                )));
            }
        }
    }
}

/// Sends `count` updates, each in a write of its own once the one before was acked, so that the
/// server's codec only ever reads whole tokens, one at a time (a codec bug costs Q1 only).
async fn updates(client: &mut Client, count: usize) -> Outcome {
    for n in 1..=count {
        client.send(b"<update>").await?;
        expect_ack(
            client,
            &format!("after `<update>` {n} of {count}, each sent once the one before was acked"),
        )
        .await?;
    }
    Ok(())
}

/// One line of the log: the peer, the seconds as written, and their value.
struct LogLine {
    peer: String,
    seconds: f64,
}

/// Parses `<peer> +<seconds, 3 decimals>s update`.
fn parse_line(line: &str) -> Option<LogLine> {
    let (peer, rest) = line.split_once(' ')?;
    let seconds = rest.strip_prefix('+')?.strip_suffix("s update")?;
    let (whole, millis) = seconds.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(millis) || millis.len() != 3 {
        return None;
    }
    Some(LogLine {
        peer: peer.to_string(),
        seconds: seconds.parse().ok()?,
    })
}

/// What `stop` said, as a note for a failure about the log's contents.
fn stop_note(stopped: &Stopped) -> String {
    match stopped {
        Stopped::Ok => String::new(),
        Stopped::Not(why) => format!(" ({why})"),
    }
}

/// Stops the server and reads the log's lines (a missing file is a failure).
async fn stop_and_read(server: &mut PeerServer) -> Outcome<(Vec<String>, String)> {
    let stopped = server.stop().await;
    let note = stop_note(&stopped);
    // The log as it was the moment `serve` returned; if it did not, as it is now.
    let log = match server.log_at_return.take() {
        Some(log) => log,
        None => server.log.read()?,
    };
    match log {
        Some(text) => Ok((text.lines().map(str::to_string).collect(), note)),
        None => fail(format!(
            "after the shutdown, expected the log file {}, there is none{note}",
            server.log.path.display()
        )),
    }
}

fn shown(lines: &[String]) -> String {
    let cut: Vec<&String> = lines.iter().take(6).collect();
    let more = if lines.len() > 6 {
        format!(" … ({} lines in all)", lines.len())
    } else {
        String::new()
    };
    format!("{cut:?}{more}")
}

pub(crate) async fn connection_up() -> Outcome {
    let server = PeerServer::start(TempLog::new()).await?;
    let mut client = server.connect().await?;
    expect_token(&mut client, "connection up", "on connect").await
}

pub(crate) async fn prints_connected() -> Outcome {
    let server = PeerServer::start(TempLog::new()).await?;
    let mut expected = String::new();
    let mut clients = Vec::new();
    for _ in 0..2 {
        let mut client = server.connect().await?;
        expected.push_str(&format!("Connected from {}\n", client.local_addr()));
        // Greeted: accepted (the next client is accepted after it).
        let _ = next_token(&mut client).await;
        clients.push(client);
    }
    if printed(&server.out, |text| text == expected).await.is_some() {
        return Ok(());
    }
    fail(format!(
        "two clients connected one after the other; expected `out` to hold the lines {expected:?}, \
         each ending with `\\n`, got {:?}{}",
        server.out.text(),
        if server.out.text().is_empty() {
            " (print to `out`, not with `println!`)"
        } else {
            ""
        }
    ))
}

pub(crate) async fn acks_updates() -> Outcome {
    let server = PeerServer::start(TempLog::new()).await?;
    let mut client = server.connect().await?;
    // Each token in a write of its own, a moment apart: the server's codec reads whole tokens.
    let _ = client.stream().set_nodelay(true);
    client.send(b"<update>").await?;
    expect_ack(&mut client, "after `<update>`").await?;
    client.send(b"<hello>").await?;
    sleep(Duration::from_millis(20)).await;
    client.send(b"<update>").await?;
    expect_ack(&mut client, "after `<hello>`, then `<update>`").await?;
    client.send(b"<update>").await?;
    expect_ack(&mut client, "after a third `<update>`").await?;
    // Half-close: the server has read everything; it must close, having acked nothing more.
    client.shutdown_write().await?;
    let rest = match client.read_to_end().await {
        Ok(rest) => rest,
        Err(Failure::Timeout(m)) => {
            return Err(Failure::Timeout(format!(
                "the client closed its side: expected the server to end the connection; {m}"
            )));
        }
        Err(failure) => return Err(failure),
    };
    let extra: Vec<String> = tokens(&rest).into_iter().filter(|t| t == "Ack").collect();
    if !extra.is_empty() {
        return fail(format!(
            "for 3 `<update>` and one `<hello>`, expected 3 `<Ack>`, got {} more (only `<update>` \
             is acked)",
            extra.len()
        ));
    }
    Ok(())
}

pub(crate) async fn log_lines() -> Outcome {
    let mut server = PeerServer::start(TempLog::new()).await?;
    let mut a = server.connect().await?;
    updates(&mut a, 1).await?;
    updates(&mut a, 1).await?;
    let mut b = server.connect().await?;
    updates(&mut b, 1).await?;
    let (lines, note) = stop_and_read(&mut server).await?;
    let format = "`<peer> +<seconds, 3 decimals>s update`";
    if let Some(bad) = lines.iter().find(|line| parse_line(line).is_none()) {
        return fail(format!(
            "expected every line of the log as {format}, e.g. \"127.0.0.1:50000 +0.004s update\"; \
             got {bad:?}{note}"
        ));
    }
    let peers: Vec<String> = lines
        .iter()
        .filter_map(|l| parse_line(l))
        .map(|l| l.peer)
        .collect();
    let (a, b) = (a.local_addr().to_string(), b.local_addr().to_string());
    let expected = [a.clone(), a, b];
    if peers != expected {
        return fail(format!(
            "client {} sent two updates, then client {} one, each acked: expected three lines in \
             the log, for {expected:?}; got {}{note}",
            expected[0],
            expected[2],
            shown(&lines)
        ));
    }
    Ok(())
}

pub(crate) async fn log_seconds() -> Outcome {
    /// Rounding to the millisecond, and the moment between accepting and greeting.
    const SLACK: f64 = 0.006;
    let mut server = PeerServer::start(TempLog::new()).await?;
    // The server has been running for a while when the connection opens.
    sleep(Duration::from_millis(150)).await;
    let before_connect = Instant::now();
    let mut client = server.connect().await?;
    expect_token(&mut client, "connection up", "on connect").await?;
    let greeted = Instant::now();
    let mut bounds = Vec::new();
    for _ in 0..2 {
        sleep(Duration::from_millis(100)).await;
        let sent = Instant::now();
        updates(&mut client, 1).await?;
        let acked = Instant::now();
        let low = (sent - greeted).as_secs_f64() - SLACK;
        let high = (acked - before_connect).as_secs_f64() + SLACK;
        bounds.push((low, high));
    }
    let (lines, note) = stop_and_read(&mut server).await?;
    let mine = client.local_addr().to_string();
    let seconds: Vec<f64> = lines
        .iter()
        .filter_map(|l| parse_line(l))
        .filter(|l| l.peer == mine)
        .map(|l| l.seconds)
        .collect();
    if seconds.len() != 2 {
        return fail(format!(
            "expected two lines for {mine} (as `<peer> +<seconds, 3 decimals>s update`), got {}{note}",
            shown(&lines)
        ));
    }
    for (n, (got, (low, high))) in seconds.iter().zip(&bounds).enumerate() {
        if got < low || got > high {
            return fail(format!(
                "update {} came {:.3}–{:.3} s after the connection opened (the server had been \
                 running 0.15 s before, and the previous update came 0.1 s before it); the log says \
                 +{got:.3}s: expected the seconds since that connection was accepted",
                n + 1,
                low.max(0.0),
                high
            ));
        }
    }
    Ok(())
}

pub(crate) async fn log_at_start() -> Outcome {
    let log = TempLog::new();
    if let Err(e) = std::fs::write(&log.path, "an old line\n") {
        return fail(format!("the check could not write {}: {e}", log.path.display()));
    }
    let mut server = PeerServer::start(log).await?;
    let mut client = server.connect().await?;
    // Greeted: the server runs.
    expect_token(&mut client, "connection up", "on connect").await?;
    let when = "when the server started (before any update), the file held \"an old line\\n\"";
    match server.log.read()? {
        Some(text) if text.is_empty() => {}
        Some(text) => {
            return fail(format!(
                "{when}: expected the server to empty it as it starts (create, not append), got {text:?}"
            ));
        }
        None => {
            return fail(format!(
                "{when}: expected the server to create the log as it starts, before any update; \
                 there is no file"
            ));
        }
    }
    let stopped = server.stop().await;
    let log = match server.log_at_return.take() {
        Some(log) => log,
        None => server.log.read()?,
    };
    match log {
        Some(text) if text.is_empty() => Ok(()),
        Some(text) => fail(format!(
            "with no update, expected an empty log after the shutdown, got {text:?}"
        )),
        None => fail(format!(
            "with no update, expected an empty log after the shutdown, there is no file{}",
            stop_note(&stopped)
        )),
    }
}

pub(crate) async fn nothing_lost() -> Outcome {
    let mut server = PeerServer::start(TempLog::new()).await?;
    // One client that updates and leaves before the shutdown, three still connected at it.
    let mut gone = server.connect().await?;
    updates(&mut gone, 10).await?;
    let gone_addr = gone.local_addr().to_string();
    drop(gone);
    let mut expected = BTreeMap::from([(gone_addr, 10)]);
    let mut clients = Vec::new();
    for _ in 0..3 {
        clients.push(server.connect().await?);
    }
    for client in &mut clients {
        updates(client, 100).await?;
        expected.insert(client.local_addr().to_string(), 100);
    }
    let (lines, note) = stop_and_read(&mut server).await?;
    let mut got: BTreeMap<String, usize> = BTreeMap::new();
    for line in lines.iter().filter_map(|l| parse_line(l)) {
        *got.entry(line.peer).or_default() += 1;
    }
    if got != expected {
        let total: usize = expected.values().sum();
        return fail(format!(
            "{total} updates were acked (10 by a client that left, 100 by each of three still \
             connected at the shutdown): expected a line for each in the log after `serve` \
             returned, by peer {expected:?}; got {got:?} ({} lines): was everything written \
             flushed before `serve` returned?{note}",
            lines.len()
        ));
    }
    Ok(())
}

pub(crate) async fn shutdown() -> Outcome {
    let mut server = PeerServer::start(TempLog::new()).await?;
    let mut idle = server.connect().await?;
    expect_token(&mut idle, "connection up", "on connect").await?;
    let mut busy = server.connect().await?;
    updates(&mut busy, 1).await?;
    if let Stopped::Not(why) = server.stop().await {
        return fail(format!(
            "expected `serve` to return `Ok(())` once the shutdown future completed: {why}"
        ));
    }
    for (who, client) in [
        ("an idle client", &mut idle),
        ("a client that sent an update", &mut busy),
    ] {
        match client.read_to_end().await {
            // The end of the stream, or a reset: either way the connection is closed.
            Ok(_) | Err(Failure::Fail(_)) => {}
            Err(Failure::Timeout(_)) => {
                return fail(format!(
                    "after `serve` returned, {who} was still connected 2 s later: expected the \
                     shutdown to close every connection"
                ));
            }
        }
    }
    if timeout(LIMIT, Client::connect(server.server.addr))
        .await
        .is_ok_and(|c| c.is_ok())
    {
        return fail(
            "after `serve` returned, a new connection to its address was accepted: expected it to \
             stop listening (is the listener still owned by a task?)",
        );
    }
    Ok(())
}

pub(crate) async fn long_token() -> Outcome {
    let server = PeerServer::start(TempLog::new()).await?;
    let mut client = server.connect().await?;
    expect_token(&mut client, "connection up", "on connect").await?;
    // 2,000 bytes after `<`, and no `>` yet: the codec refuses it now (Q1). A codec that waits for
    // the `>` (Q1's mistake, not the server's) gets it a moment later.
    let mut token = b"<".to_vec();
    token.extend_from_slice(&[b'x'; 2000]);
    client.send(&token).await?;
    let closed = match timeout(Duration::from_millis(300), client.read_to_end()).await {
        Ok(Ok(_) | Err(Failure::Fail(_))) => true,
        Ok(Err(Failure::Timeout(_))) | Err(_) => false,
    };
    if !closed {
        let _ = client.send(b">").await;
        let closed = matches!(client.read_to_end().await, Ok(_) | Err(Failure::Fail(_)));
        let refused = crate::q1_feed::refuses(&[&token[..], b">"].concat());
        // A codec that accepts the token (Q1's mistake) leaves the server nothing to close on.
        if !closed && refused {
            return fail(
                "after a token of 2,000 bytes (its `>` 0.3 s after the rest), expected the server to \
                 close the connection; it was still open 2 s later, though your codec refuses \
                 the token: does the connection end when `next()` gives an error?",
            );
        }
    }
    // Give a server that ends with that connection the moment to do so before the next comes.
    until(Duration::from_millis(50), || {
        (!server.server.is_running()).then_some(())
    })
    .await;
    let mut next = server.connect().await?;
    updates(&mut next, 1)
        .await
        .map_err(|f| server.server.explain(f))
        .map_err(|f| match f {
            Failure::Fail(m) => Failure::Fail(format!(
                "after one connection sent a 2,000-byte token, another: {m}"
            )),
            Failure::Timeout(m) => Failure::Timeout(format!(
                "after one connection sent a 2,000-byte token, another: {m}"
            )),
        })
}

pub(crate) async fn bad_input() -> Outcome {
    let server = PeerServer::start(TempLog::new()).await?;
    // A reset: a client that goes away abruptly.
    let reset = server.connect().await?;
    let mut reset = reset;
    expect_token(&mut reset, "connection up", "on connect").await?;
    let _ = reset.stream().set_zero_linger();
    drop(reset);
    // 1 MiB without `<` (invalid UTF-8 among it), a token of invalid UTF-8, then updates.
    let mut client = server.connect().await?;
    let junk: Vec<u8> = (0..1024 * 1024)
        .map(|i: usize| match ((i * 13 + 5) % 256) as u8 {
            b'<' | b'>' => 0xff,
            byte => byte,
        })
        .collect();
    client.send(&junk).await?;
    client.send(b"<\xff\xfe>").await?;
    // Ten: whatever the reads' boundaries, at least one is acked by a server that goes on.
    client.send(&b"<update>".repeat(10)).await?;
    // Only if the codec gets bytes outside tokens right (Q1's business) can the connection go on.
    let sample: &[u8] = b"\x01junk \xff\xfe\r\n<\xff\xfe>\xfe<update><update>";
    if crate::q1_feed::feed_every_way(sample).is_ok() {
        expect_ack(
            &mut client,
            "after 1 MiB of bytes outside tokens and a token of invalid UTF-8, ten `<update>`",
        )
        .await?;
    }
    let mut other = server.connect().await?;
    updates(&mut other, 1).await.map_err(|f| server.server.explain(f))
}

pub(crate) async fn many_clients() -> Outcome {
    const CLIENTS: usize = 100;
    let server = PeerServer::start(TempLog::new()).await?;
    let results = join_all((0..CLIENTS).map(|_| async {
        let mut client = server.connect().await?;
        updates(&mut client, 1).await
    }))
    .await;
    let failed: Vec<&Failure> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    match failed.first() {
        None => Ok(()),
        Some(first) => fail(format!(
            "{} of {CLIENTS} concurrent clients did not get their `<Ack>`; the first: {}",
            failed.len(),
            match first {
                Failure::Fail(m) | Failure::Timeout(m) => m,
            }
        )),
    }
}

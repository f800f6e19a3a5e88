//! Q2, the server: the learner's `serve` on real TCP (`127.0.0.1:0`), on a real clock: its
//! greeting, its acks, its shutdown, bad input. The log file is [`crate::q2_log`]'s.

use crate::support::{
    LIMIT, PeerServer, Stopped, TempLog, codec_note, expect_token, next_token, printed, tokens,
};
use harness::futures::future::join_all;
use harness::tcp::Client;
use harness::time::until;
use harness::tokio::time::{Duration, sleep, timeout};
use harness::{Failure, Outcome, fail};

/// Reads tokens until `<Ack>`, skipping `<connection up>`; `when` says what the check did.
pub(crate) async fn expect_ack(client: &mut Client, when: &str) -> Outcome {
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
pub(crate) async fn updates(client: &mut Client, count: usize) -> Outcome {
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
    // All connected at once, and all still connected until every one has its ack.
    let mut clients = server.server.connect_many(CLIENTS).await?;
    let results = join_all(clients.iter_mut().map(|client| updates(client, 1))).await;
    let failed: Vec<&Failure> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    match failed.first() {
        None => Ok(()),
        Some(first) => fail(format!(
            "{} of {CLIENTS} clients connected at once did not get their `<Ack>` (each connection is \
             served in a task of its own); the first: {}",
            failed.len(),
            match first {
                Failure::Fail(m) | Failure::Timeout(m) => m,
            }
        )),
    }
}

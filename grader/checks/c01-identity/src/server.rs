//! Q1, the server: exact reply, graceful close, reading exactly one line, concurrency.

use crate::support::*;
use challenge::q1;
use harness::futures::future::join_all;
use harness::tcp::Server;
use harness::tokio::io::AsyncWriteExt;
use harness::tokio::time::{Duration, sleep};
use harness::{Failure, Outcome, fail, show_bytes};

/// A text that `{:?}` would escape: the reply quotes the text as it is.
const QUOTED: &str = r#"say "hi" \o/"#;

pub(crate) async fn exact_reply() -> Outcome {
    let server = Server::start(q1::serve).await?;
    expect_exact_identity(&server, b"hello\r\n", "hello").await?;
    // `<ip>` is the client's: where the system has a second loopback address (Linux has all of
    // 127.0.0.0/8, macOS only 127.0.0.1), the second client comes from 127.0.0.2.
    let request = format!("{QUOTED}\r\n");
    let Some(mut stream) = connect_from_127_0_0_2(&server).await else {
        return expect_exact_identity(&server, request.as_bytes(), QUOTED).await;
    };
    let peer = stream.local_addr().map_err(|e| Failure::Fail(e.to_string()))?;
    if let Err(e) = stream.write_all(request.as_bytes()).await {
        return fail(format!("could not send to the server: {e}"));
    }
    let line = raw_line(&mut stream).await.map_err(on(&server))?;
    let expected = identity_of("127.0.0.2", peer.port(), QUOTED);
    let what = format!(
        "a client at {peer} sent {}; the reply",
        show_bytes(request.as_bytes())
    );
    expect_bytes(&what, &expected, &line)
}

pub(crate) async fn closes_after_reply() -> Outcome {
    let server = Server::start(q1::serve).await?;
    let (mut client, _reply) = ask(&server, b"hello\r\n").await?;
    match client.expect_eof().await {
        Err(Failure::Timeout(_)) => Err(Failure::Timeout(
            "after the reply, the connection stayed open for 2 s: close it once the reply is written \
             (`shutdown()` sends EOF)"
                .into(),
        )),
        Err(Failure::Fail(message)) => fail(format!("after the reply: {message}")),
        Ok(()) => Ok(()),
    }
}

pub(crate) async fn trims_lf_and_split() -> Outcome {
    let server = Server::start(q1::serve).await?;
    expect_identity(&server, b"  hi there \n", "hi there").await?;
    // Two lines in one write: one line is read, the rest is not part of it.
    expect_identity(&server, b"one\r\ntwo\r\n", "one")
        .await
        .map_err(|f| context("two lines came in one write; only the first is the request", f))?;
    // One line in two writes, 50 ms apart: two TCP chunks.
    let mut client = server.connect().await?;
    client.send(b"hel").await.map_err(on(&server))?;
    sleep(Duration::from_millis(50)).await;
    client.send(b"lo\r\n").await.map_err(on(&server))?;
    let line = client.read_line().await.map_err(on(&server))?;
    let expected = identity(client.local_addr().port(), "hello");
    if expect_line("", &expected, &line).is_err() {
        return fail(format!(
            "a client sent `hel`, then `lo\\r\\n` 50 ms later: expected {}, got {} \
             (a line can arrive in several chunks: read up to `\\n`, not once)",
            show_bytes(&expected),
            show_bytes(&line)
        ));
    }
    Ok(())
}

pub(crate) async fn half_close_line() -> Outcome {
    let server = Server::start(q1::serve).await?;
    let mut client = server.connect().await?;
    client.send(b"  hello").await.map_err(on(&server))?;
    client.shutdown_write().await.map_err(on(&server))?;
    let expected = identity(client.local_addr().port(), "hello");
    match client.read_line().await.map_err(on(&server)) {
        Ok(line) => expect_line(
            "a client sent `  hello` without a newline and half-closed (EOF ends the line too)",
            &expected,
            &line,
        ),
        Err(Failure::Fail(m)) => fail(format!(
            "a client sent `  hello` without a newline and half-closed: expected {} (EOF ends the \
             line too), but {m}",
            show_bytes(&expected)
        )),
        Err(timeout) => Err(timeout),
    }
}

pub(crate) async fn concurrent_clients() -> Outcome {
    let server = Server::start(q1::serve).await?;
    // All 100 connected at once, then all asking at once.
    let mut clients = Vec::new();
    for _ in 0..100 {
        clients.push(server.connect().await?);
    }
    let asks = clients.iter_mut().enumerate().map(|(i, client)| async move {
        let text = format!("client {i}");
        client.send(format!("{text}\r\n").as_bytes()).await?;
        let line = client.read_line().await?;
        Ok::<_, Failure>((client.local_addr().port(), text, line))
    });
    for (i, result) in join_all(asks).await.into_iter().enumerate() {
        let (port, text, line) =
            result.map_err(|f| server.explain(context(&format!("client {i} of 100"), f)))?;
        expect_line(&format!("client {i} of 100"), &identity(port, &text), &line)?;
    }
    Ok(())
}

pub(crate) async fn idle_client() -> Outcome {
    let server = Server::start(q1::serve).await?;
    let _idle = server.connect().await?;
    match expect_identity(&server, b"hello\r\n", "hello").await {
        // One connection at a time is the likely cause only if the server accepts connections.
        Err(Failure::Timeout(_)) if !server.never_accepted() => Err(Failure::Timeout(
            "while one client was connected and silent, another got no reply within 2 s: is the server \
             handling one connection at a time? (`tokio::spawn` a task per connection)"
                .into(),
        )),
        other => other,
    }
}

//! Q1, the server: exact reply, graceful close, TCP's byte stream, concurrency, bad input.

use crate::support::*;
use challenge::q1;
use harness::futures::future::join_all;
use harness::tcp::Server;
use harness::tokio::time::{Duration, sleep};
use harness::{Failure, Outcome, fail, show_bytes};

pub(crate) async fn exact_reply() -> Outcome {
    let server = Server::start(q1::serve).await?;
    expect_identity(&server, b"hello\r\n", "hello").await
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
    // One line in two writes, 50 ms apart: two TCP chunks.
    let mut client = server.connect().await?;
    client.send(b"hel").await.map_err(on(&server))?;
    sleep(Duration::from_millis(50)).await;
    client.send(b"lo\r\n").await.map_err(on(&server))?;
    let line = client.read_line().await.map_err(on(&server))?;
    let expected = identity(client.local_addr().port(), "hello");
    if line != expected {
        return fail(format!(
            "a client sent `hel`, then `lo\\r\\n` 50 ms later: expected {}, got {} \
             (a line can arrive in several chunks: read up to `\\n`, not once)",
            show_bytes(&expected),
            show_bytes(&line)
        ));
    }
    Ok(())
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
        expect_bytes(&format!("client {i} of 100"), &identity(port, &text), &line)?;
    }
    Ok(())
}

pub(crate) async fn idle_client() -> Outcome {
    let server = Server::start(q1::serve).await?;
    let _idle = server.connect().await?;
    match expect_identity(&server, b"hello\r\n", "hello").await {
        Err(Failure::Timeout(_)) => Err(Failure::Timeout(
            "while one client was connected and silent, another got no reply within 2 s: is the server \
             handling one connection at a time? (`tokio::spawn` a task per connection)"
                .into(),
        )),
        other => other,
    }
}

pub(crate) async fn invalid_utf8() -> Outcome {
    let server = Server::start(q1::serve).await?;
    let mut bad = server.connect().await?;
    bad.send(b"\xff\xfe hi\r\n").await.map_err(on(&server))?;
    // Whatever the server does with it (a reply with `�`, a close), wait until it has done it.
    let _ = bad.read_line().await;
    expect_identity(&server, b"hello\r\n", "hello")
        .await
        .map_err(|f| after("a client sent the invalid UTF-8 b\"\\xff\\xfe hi\\r\\n\"", f))
}

pub(crate) async fn long_line() -> Outcome {
    let server = Server::start(q1::serve).await?;
    let mut long = server.connect().await?;
    // The server may stop reading (or close) before all of it is sent: only its survival counts.
    let _ = long.send(&vec![b'a'; 1024 * 1024]).await;
    let _ = long.shutdown_write().await;
    let _ = long.read_line().await;
    drop(long);
    expect_identity(&server, b"hello\r\n", "hello")
        .await
        .map_err(|f| after("a client sent 1 MiB of `a` without a newline and half-closed", f))
}

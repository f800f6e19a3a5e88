//! Q1, bad input: invalid UTF-8 and over-long lines are answered, and the server goes on serving.

use crate::support::*;
use challenge::q1;
use harness::tcp::Server;
use harness::tokio::io::AsyncWriteExt;
use harness::{Failure, Outcome, fail, show_bytes};

/// Invalid UTF-8 between valid text: `\xff` is no UTF-8 at all, `\xe2\x82` a 3-byte character cut
/// short. `String::from_utf8_lossy` makes each of them one U+FFFD.
const INVALID: &[u8] = b"caf\xc3\xa9 \xff\xe2\x82 ok\r\n";
const INVALID_LOSSY: &str = "caf\u{e9} \u{fffd}\u{fffd} ok";

/// The line cap of the spec: 64 KiB.
const MAX_LINE: usize = 64 * 1024;

pub(crate) async fn invalid_utf8() -> Outcome {
    let server = Server::start(q1::serve).await?;
    let mut bad = server.connect().await?;
    bad.send(INVALID).await.map_err(on(&server))?;
    // Whatever the server does with it (a reply, a close), wait until it has done it.
    let _ = bad.read_line().await;
    expect_identity(&server, b"hello\r\n", "hello")
        .await
        .map_err(|f| {
            after(
                &format!("a client sent the invalid UTF-8 {}", show_bytes(INVALID)),
                f,
            )
        })
}

pub(crate) async fn lossy_utf8() -> Outcome {
    let server = Server::start(q1::serve).await?;
    let mut client = server.connect().await?;
    client.send(INVALID).await.map_err(on(&server))?;
    let expected = identity(client.local_addr().port(), INVALID_LOSSY);
    let said = format!(
        "a client sent {} (invalid UTF-8): expected {} (decoded lossily, as \
         `String::from_utf8_lossy` does: each invalid sequence becomes one `\u{fffd}`)",
        show_bytes(INVALID),
        String::from_utf8_lossy(&expected).escape_debug()
    );
    let line = match client.read_line().await.map_err(on(&server)) {
        Ok(line) => line,
        Err(Failure::Fail(m)) => return fail(format!("{said}, but {m}")),
        Err(timeout) => return Err(timeout),
    };
    if expect_line("", &expected, &line).is_err() {
        return fail(format!(
            "{said}, got {}",
            String::from_utf8_lossy(&line).escape_debug()
        ));
    }
    Ok(())
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

pub(crate) async fn line_cap() -> Outcome {
    let server = Server::start(q1::serve).await?;
    let mut client = server.connect().await?;
    let port = client.local_addr().port();
    let (mut reader, mut writer) = client.stream().split();
    // 1 MiB without a newline, and the write side stays open: only the cap ends this line. The
    // sending goes on while the reply is awaited (the server need not read all of it).
    let big = vec![b'a'; 1024 * 1024];
    let send = async {
        let _ = writer.write_all(&big).await;
        std::future::pending::<Outcome<Vec<u8>>>().await
    };
    let line = harness::tokio::select! {
        line = raw_line(&mut reader) => line,
        never = send => never,
    };
    let what = "a client sent 1 MiB of `a` without a newline and kept its connection open";
    let line = match line.map_err(on(&server)) {
        Ok(line) => line,
        // The hint on the cap is for a server that took the connection (else `explain` says why).
        Err(Failure::Timeout(_)) if !server.never_accepted() => {
            return Err(server.explain(Failure::Timeout(format!(
                "{what}: expected the reply to its first 64 KiB, got no reply within 2 s (read at \
                 most 64 KiB of a line, e.g. with `take(64 * 1024)`: the line ends there)"
            ))));
        }
        Err(Failure::Timeout(m)) => {
            return Err(Failure::Timeout(format!(
                "{what}: expected the reply to its first 64 KiB, but {m}"
            )));
        }
        Err(Failure::Fail(m)) => {
            return fail(format!("{what}: expected the reply to its first 64 KiB, but {m}"));
        }
    };
    let expected = identity(port, &"a".repeat(MAX_LINE));
    if expect_line("", &expected, &line).is_ok() {
        return Ok(());
    }
    let prefix = format!("You are from 127.0.0.1 on port {port}, saying \"");
    let text = line
        .strip_prefix(prefix.as_bytes())
        .map(without_line_ending)
        .and_then(|rest| rest.strip_suffix(b"\""));
    match text {
        Some(text) if text.iter().all(|&b| b == b'a') => fail(format!(
            "{what}: expected the reply to its first {MAX_LINE} bytes (64 KiB), got a reply whose \
             text is {} bytes of `a`",
            text.len()
        )),
        _ => fail(format!(
            "{what}: expected {}, got {}",
            show_bytes(&expected),
            show_bytes(&line)
        )),
    }
}

//! Q1, bad input: invalid UTF-8 and over-long lines are answered, and the server goes on serving.

use crate::support::*;
use challenge::q1;
use harness::tcp::Server;
use harness::tokio::io::AsyncWriteExt;
use harness::{Failure, Outcome, bytes_differ, show_bytes};

/// Invalid UTF-8 between valid text: `\xff` is no UTF-8 at all, `\xe2\x82` a 3-byte character cut
/// short. `String::from_utf8_lossy` makes each of them one U+FFFD.
const INVALID: &[u8] = b"caf\xc3\xa9 \xff\xe2\x82 ok\r\n";
const INVALID_LOSSY: &str = "caf\u{e9} \u{fffd}\u{fffd} ok";

/// The line cap of the spec: 64 KiB, the `\n` counted.
const MAX_LINE: usize = 64 * 1024;

pub(crate) async fn invalid_utf8() -> Outcome {
    let server = Server::start(q1::serve).await?;
    let mut bad = server.connect().await?;
    bad.send(INVALID).await.map_err(on(&server))?;
    // Whatever the server does with it (a reply, a close), wait until it has done it.
    let _ = read_reply(&mut bad).await;
    expect_served(&server, "hello").await.map_err(|f| {
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
    let said = format!(
        "a client sent {} (invalid UTF-8): expected a reply quoting {:?} (decoded lossily, as \
         `String::from_utf8_lossy` does: each invalid sequence becomes one `\u{fffd}`)",
        show_bytes(INVALID),
        INVALID_LOSSY
    );
    let line = match read_reply(&mut client).await.map_err(on(&server)) {
        Ok(line) => line,
        Err(Failure::Fail(m)) => harness::fail!("{said}, but {m}"),
        Err(timeout) => return Err(timeout),
    };
    if !says(&line, INVALID_LOSSY.as_bytes()) {
        harness::fail!("{said}, got {}", String::from_utf8_lossy(&line).escape_debug());
    }
    Ok(())
}

pub(crate) async fn long_line() -> Outcome {
    let server = Server::start(q1::serve).await?;
    let mut long = server.connect().await?;
    // The server may stop reading (or close) before all of it is sent: only its survival counts.
    let _ = long.send(&vec![b'a'; 1024 * 1024]).await;
    let _ = long.shutdown_write().await;
    let _ = read_reply(&mut long).await;
    drop(long);
    expect_served(&server, "hello")
        .await
        .map_err(|f| after("a client sent 1 MiB of `a` without a newline and half-closed", f))
}

pub(crate) async fn line_cap() -> Outcome {
    let server = Server::start(q1::serve).await?;
    let mut client = server.connect().await?;
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
            harness::fail!("{what}: expected the reply to its first 64 KiB, but {m}");
        }
    };
    let expected = "a".repeat(MAX_LINE);
    match quoted_text(&line) {
        Some(text) if text == expected.as_bytes() => Ok(()),
        Some(text) if text.iter().all(|&b| b == b'a') => harness::fail!(
            "{what}: expected a reply quoting its first {MAX_LINE} bytes (64 KiB, the cap counts every \
             byte read, the `\\n` too), got a reply quoting {} bytes of `a`",
            text.len()
        ),
        _ => harness::fail!(
            "{what}: expected a reply quoting its first 64 KiB; {}",
            bytes_differ(&identity(client.local_addr().port(), &expected), &line)
        ),
    }
}

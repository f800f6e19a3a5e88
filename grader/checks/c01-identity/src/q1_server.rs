//! Q1, the server: the exact reply, reading exactly one line, concurrency.
//!
//! Only `exact-reply` judges the reply's bytes; the others judge the quoted text, the port, or
//! that a reply came at all (see `support`).

use crate::support::*;
use challenge::q1;
use harness::futures::future::join_all;
use harness::tcp::Server;
use harness::tokio::io::AsyncWriteExt;
use harness::{Failure, Outcome, fail, show_bytes};

/// A text that `{:?}` would escape: the reply quotes the text as it is.
const QUOTED: &str = r#"say "hi" \o/"#;

pub(crate) async fn exact_reply() -> Outcome {
    let server = Server::start(q1::serve).await?;
    let (mut client, line) = ask(&server, b"hello\r\n").await?;
    let expected = identity(client.local_addr().port(), "hello");
    let what = "reply to b\"hello\\r\\n\"";
    expect_bytes(what, &expected, &line)?;
    // Bytes after the line, before the server's EOF, are part of the reply too. (Whether the EOF
    // comes is `closes-after-reply`'s point: a server that keeps the connection open passes here.)
    if let Ok(rest) = client.read_to_end().await
        && !rest.is_empty()
    {
        expect_bytes(what, &expected, &[line, rest].concat())?;
    }
    // `<ip>` is the client's: where the system has a second loopback address (Linux has all of
    // 127.0.0.0/8, macOS only 127.0.0.1), the second client comes from 127.0.0.2.
    let request = format!("{QUOTED}\r\n");
    let what = format!("reply to {}", show_bytes(request.as_bytes()));
    let Some(mut stream) = connect_from_127_0_0_2(&server).await else {
        let (client, line) = ask(&server, request.as_bytes()).await?;
        return expect_bytes(&what, &identity(client.local_addr().port(), QUOTED), &line);
    };
    let peer = stream.local_addr().map_err(|e| Failure::Fail(e.to_string()))?;
    if let Err(e) = stream.write_all(request.as_bytes()).await {
        fail!("could not send to the server: {e}");
    }
    let line = raw_line(&mut stream).await.map_err(on(&server))?;
    let expected = identity_of("127.0.0.2", peer.port(), QUOTED);
    expect_bytes(&format!("a client at {peer}: {what}"), &expected, &line)
}

pub(crate) async fn trims_lf_and_split() -> Outcome {
    // Held still, so that the pause between the two pieces below is the check's to decide.
    let _clock = hold_clock();
    let server = Server::start(q1::serve).await?;
    expect_text(
        &server,
        b"\t hi there \t\n",
        "hi there",
        "a client sent b\"\\t hi there \\t\\n\" (whitespace around it, a bare `\\n`)",
    )
    .await?;
    // A bare `\n` right after the text: the line ending is one byte here, not two.
    expect_text(
        &server,
        b"hello\n",
        "hello",
        "a client sent b\"hello\\n\" (a bare `\\n`, nothing before it but the text: remove the line \
         ending as it came, `\\r\\n` or `\\n`, never a fixed two bytes)",
    )
    .await?;
    // Two lines in one write: one line is read, the rest is not part of it.
    expect_text(
        &server,
        b"one\r\ntwo\r\n",
        "one",
        "a client sent b\"one\\r\\ntwo\\r\\n\" in one write (the request is its first line only)",
    )
    .await?;
    // One line in two writes, the server given time to read the first before the second comes:
    // two TCP chunks.
    let mut client = server.connect().await?;
    client.send(b"hel").await.map_err(on(&server))?;
    settle().await;
    client.send(b"lo\r\n").await.map_err(on(&server))?;
    let line = read_reply(&mut client).await.map_err(on(&server))?;
    if !says(&line, b"hello") {
        fail!(
            "a client sent `hel`, then `lo\\r\\n` a moment later: expected the reply to quote \"hello\", \
             got {} (a line can arrive in several chunks: read up to `\\n`, not once)",
            show_bytes(&line)
        );
    }
    Ok(())
}

/// A client sends `request` (no newline) and half-closes: the reply quotes `text`.
async fn half_closed(server: &Server, request: &[u8], text: &str) -> Outcome {
    let mut client = server.connect().await?;
    client.send(request).await.map_err(on(server))?;
    client.shutdown_write().await.map_err(on(server))?;
    let what = format!(
        "a client sent {} without a newline and half-closed: expected a reply quoting {text:?} (EOF \
         ends the line too",
        show_bytes(request)
    );
    let what = if text.is_empty() {
        format!("{what}, an empty one as well)")
    } else {
        format!("{what})")
    };
    match read_reply(&mut client).await.map_err(on(server)) {
        Ok(line) if says(&line, text.as_bytes()) => Ok(()),
        Ok(line) => fail!("{what}, got {}", show_bytes(&line)),
        Err(Failure::Fail(m)) => fail!("{what}, but {m}"),
        Err(timeout) => Err(timeout),
    }
}

pub(crate) async fn half_close_line() -> Outcome {
    let server = Server::start(q1::serve).await?;
    half_closed(&server, b"  hello", "hello").await?;
    half_closed(&server, b"", "").await
}

pub(crate) async fn concurrent_clients() -> Outcome {
    let server = Server::start(q1::serve).await?;
    // All 100 connected at once, then all asking at once.
    let mut clients = server.connect_many(100).await?;
    let asks = clients.iter_mut().enumerate().map(|(i, client)| async move {
        client.send(format!("client {i}\r\n").as_bytes()).await?;
        let line = read_reply(client).await?;
        Ok::<_, Failure>((client.local_addr().port(), line))
    });
    let replies: Vec<(u16, Vec<u8>)> = join_all(asks)
        .await
        .into_iter()
        .enumerate()
        .map(|(i, r)| r.map_err(|f| server.explain(context(&format!("client {i} of 100"), f))))
        .collect::<Outcome<_>>()?;
    let all: Vec<u32> = replies.iter().map(|(port, _)| u32::from(*port)).collect();
    for (i, (port, line)) in replies.iter().enumerate() {
        let numbers = numbers_in(line);
        let other = numbers
            .iter()
            .find(|n| **n != u32::from(*port) && all.contains(n));
        if !numbers.contains(&u32::from(*port)) || other.is_some() {
            fail!(
                "client {i} of 100, on port {port}: expected a reply naming its own port, got {}{}",
                show_bytes(line),
                match other {
                    Some(other) => format!(" (port {other} is another client's)"),
                    None => String::new(),
                }
            );
        }
    }
    Ok(())
}

/// How many silent clients `idle-client` keeps connected: far past the limits a server might set
/// itself (64, 100, 256…), within the process's open files (each costs two: the client's socket
/// and the server's), 100 where that limit is unknown.
fn silent_clients() -> usize {
    let limit = crate::q1_close::open_files_limit().unwrap_or(0);
    let spare = usize::try_from(limit.saturating_sub(224) / 2).unwrap_or(usize::MAX);
    spare.clamp(100, 600)
}

/// A backlog of connections the server has not accepted that shows it stopped accepting: past it,
/// `connect_silent` connects no more (a full accept queue, 128 on some systems, would leave the
/// next connect hanging).
const BACKLOG_SEEN: usize = 50;

/// Connects up to `n` clients that stay silent, fewer if the server stops accepting them (its
/// accept queue grows past [`BACKLOG_SEEN`], given time to catch up).
async fn connect_silent(server: &Server, n: usize) -> Outcome<Vec<harness::tcp::Client>> {
    let mut idle = Vec::with_capacity(n);
    while idle.len() < n {
        if server.waiting().is_some_and(|w| w >= BACKLOG_SEEN) {
            settle().await;
            if server.waiting().is_some_and(|w| w >= BACKLOG_SEEN) {
                break;
            }
        }
        idle.push(server.connect().await?);
    }
    Ok(idle)
}

pub(crate) async fn idle_client() -> Outcome {
    // The clock stands still: a timeout on the silent clients' reads never fires to free the others.
    let _clock = hold_clock();
    let server = Server::start(q1::serve).await?;
    // Many silent clients: the server sets no limit of its own on the connections it holds.
    let idle = connect_silent(&server, silent_clients()).await?;
    let silent = idle.len();
    // And one that stopped in the middle of its line.
    let mut halfway = server.connect().await?;
    halfway.send(b"hel").await.map_err(on(&server))?;
    match step("no reply", expect_served(&server, "hello")).await {
        // One connection at a time is the likely cause only if the server accepts connections.
        Err(Failure::Timeout(_)) if !server.never_accepted() => {
            let waiting = match server.waiting() {
                Some(n) if n > 0 => format!(" ({n} connections were still waiting to be accepted)"),
                _ => String::new(),
            };
            Err(Failure::Timeout(format!(
                "while {silent} clients were connected and silent, and another had sent half a line, \
                 one more got no reply within 2 s{waiting}: is the server handling one connection at a \
                 time, or only so many at once? (`tokio::spawn` a task per connection and accept the \
                 next at once, with no limit of your own on how many; a time limit on a silent \
                 client's read does not help, it holds the others up until it runs out)"
            )))
        }
        other => other.map_err(on(&server)),
    }
}

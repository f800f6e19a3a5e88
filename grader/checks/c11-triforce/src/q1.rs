//! Q1, the glue: a recording factory served by the learner's `serve` on real TCP.
//!
//! Each check waits for what it needs in the record (at most 2 s) and, before judging a whole
//! connection, for the connection to be over: `connection_lost` recorded and every task the glue
//! ran for it ended. Then a second `connection_lost`, or a callback after it, would be in the
//! record already: nothing is left to chance.

use crate::q1_common::{echo, echoed, expect_life, finished, pattern, reword, settled, start, wait_conn};
use crate::record::{Call, Conn, LIMIT, Quit, Recorder, Script};
use harness::time::until;

use harness::tokio::io::{AsyncReadExt, AsyncWriteExt};
use harness::tokio::time::{Duration, timeout};
use harness::{Failure, Outcome, fail, show_bytes};

pub(crate) async fn made_first() -> Outcome {
    let recorder = Recorder::new(Script::default());
    let server = start(&recorder).await?;
    let mut client = server.connect().await?;
    client.send(b"hello").await?;
    let peer = client.local_addr();
    let conn = wait_conn(&server, &recorder, peer, "`data_received(b\"hello\")`", |c| {
        c.data().len() >= 5
    })
    .await?;
    match conn.calls.first().map(|e| &e.call) {
        Some(Call::Made { peer: told }) if *told == peer => {}
        Some(Call::Made { peer: told }) => {
            return fail(format!(
                "expected the transport's `peer()` to be the client's address {peer}, got {told}"
            ));
        }
        _ => {
            return fail(format!(
                "expected `connection_made` before anything else, got: {}",
                conn.summary()
            ));
        }
    }
    let made = conn.count(|c| matches!(c, Call::Made { .. }));
    if made != 1 {
        return fail(format!(
            "expected `connection_made` once, got: {}",
            conn.summary()
        ));
    }
    Ok(())
}

pub(crate) async fn data_in_order() -> Outcome {
    let recorder = Recorder::new(Script::default());
    let server = start(&recorder).await?;
    let mut client = server.connect().await?;
    let sent = pattern(256 * 1024);
    let mut start = 0;
    for size in (1..=997).step_by(2).cycle() {
        if start == sent.len() {
            break;
        }
        let end = (start + size).min(sent.len());
        client.send(&sent[start..end]).await?;
        start = end;
    }
    let peer = client.local_addr();
    let what = format!("`data_received` to deliver the {} bytes sent", sent.len());
    let conn = wait_conn(&server, &recorder, peer, &what, |c| c.data().len() >= sent.len()).await?;
    let got = conn.data();
    if got != sent {
        let at = got
            .iter()
            .zip(&sent)
            .position(|(a, b)| a != b)
            .unwrap_or(sent.len());
        return fail(format!(
            "sent {} bytes in 500 pieces; expected `data_received` to give them all, in order, \
             got {} bytes that differ from byte {at} on (got {} there)",
            sent.len(),
            got.len(),
            show_bytes(&got[at.min(got.len())..(at + 8).min(got.len())])
        ));
    }
    if conn.count(|c| matches!(c, Call::Data(d) if d.is_empty())) > 0 {
        return fail("expected no `data_received` with no bytes: a chunk is what a read gave");
    }
    Ok(())
}

pub(crate) async fn write_order() -> Outcome {
    let greet = b"hello\r\n".to_vec();
    let later = b"later\r\n".to_vec();
    let recorder = Recorder::new(Script {
        greet: greet.clone(),
        later: Some(later.clone()),
        echo: true,
        ..Script::default()
    });
    let server = start(&recorder).await?;
    // Before the client says anything: the greeting written in `connection_made`, then what a
    // thread of the protocol writes through its transport 30 ms later.
    let mut client = server.connect().await?;
    let first = [&greet[..], &later].concat();
    match client.read_bytes(first.len()).await {
        Ok(got) if got == first => {}
        Ok(got) => fail!(
            "the protocol writes `hello\\r\\n` in `connection_made`, and `later\\r\\n` 30 ms \
             after from a thread through a clone of its transport; {}",
            harness::bytes_differ(&first, &got)
        ),
        Err(failure) => {
            return Err(reword(failure, |m| {
                format!(
                    "the protocol writes `hello\\r\\n` in `connection_made`, and `later\\r\\n` \
                     30 ms after from a thread through a clone of its transport; the client sends \
                     nothing and expected both: {m} (what the protocol writes is sent as soon as it \
                     is written, not when the peer next sends something)"
                )
            }));
        }
    }
    // Then, on the same connection, every chunk the client sends comes back, in order.
    let (mut reader, mut writer) = client.stream().split();
    let sent = pattern(512 * 1024);
    let sending = async {
        for piece in sent.chunks(4099) {
            writer.write_all(piece).await?;
        }
        Ok::<_, std::io::Error>(())
    };
    let mut got = vec![0u8; sent.len()];
    let reading = timeout(LIMIT, reader.read_exact(&mut got));
    let (sending, reading) = harness::tokio::join!(timeout(LIMIT, sending), reading);
    let expected = sent.clone();
    match (sending, reading) {
        (Ok(Ok(())), Ok(Ok(_))) if got == expected => crate::q1_flow::large_write().await,
        (Ok(Ok(())), Ok(Ok(_))) => {
            let at = got.iter().zip(&expected).position(|(a, b)| a != b).unwrap_or(0);
            fail(format!(
                "the protocol writes back every chunk it gets; expected the {} bytes sent, in the \
                 order written, got bytes that differ from byte {at} on: {}",
                expected.len(),
                show_bytes(&got[at..(at + 16).min(got.len())])
            ))
        }
        (_, Ok(Err(e))) => Err(server.explain(Failure::Fail(format!(
            "the protocol writes back every chunk it gets; expected the {} bytes sent, the \
             connection failed: {e}",
            expected.len()
        )))),
        _ => Err(server.explain(Failure::Timeout(format!(
            "the protocol writes back every chunk it gets; expected the {} bytes sent within {} \
             s, they did not all come (calls so far: {})",
            expected.len(),
            LIMIT.as_secs(),
            recorder.conns().first().map(Conn::summary).unwrap_or_default()
        )))),
    }
}

pub(crate) async fn lost_once_clean() -> Outcome {
    let recorder = echo();
    let server = start(&recorder).await?;
    let tasks = settled().await;
    let mut client = echoed(&server).await?;
    let peer = client.local_addr();
    client.shutdown_write().await?;
    let after = "after the client closed its side";
    let rest = client.read_to_end().await.map_err(|f| match f {
        Failure::Timeout(_) => Failure::Fail(format!(
            "{after}: expected the server to close the connection too, it stayed open {} s",
            LIMIT.as_secs()
        )),
        other => other,
    })?;
    if !rest.is_empty() {
        return fail(format!("{after}: expected EOF, got {}", show_bytes(&rest)));
    }
    let conn = finished(&server, &recorder, peer, &tasks, after).await?;
    expect_life(&conn, after, false)?;
    if conn.count(|c| matches!(c, Call::Data(d) if d.is_empty())) > 0 {
        return fail(format!(
            "{after}: expected no `data_received` with no bytes (the end of stream is \
             `connection_lost`), got: {}",
            conn.summary()
        ));
    }
    Ok(())
}

pub(crate) async fn lost_once_reset() -> Outcome {
    let recorder = echo();
    let server = start(&recorder).await?;
    let tasks = settled().await;
    let mut client = echoed(&server).await?;
    let peer = client.local_addr();
    if let Err(e) = client.stream().set_zero_linger() {
        return fail(format!("the check could not set SO_LINGER: {e}"));
    }
    drop(client);
    let after = "after the client reset the connection";
    let conn = finished(&server, &recorder, peer, &tasks, after).await?;
    expect_life(&conn, after, true)
}

pub(crate) async fn one_per_connection() -> Outcome {
    let recorder = echo();
    let server = start(&recorder).await?;
    let mut clients = Vec::new();
    for i in 0..5 {
        let mut client = server.connect().await?;
        client.send(format!("client-{i}\n").as_bytes()).await?;
        clients.push(client);
    }
    let everything = until(LIMIT, || {
        let conns = recorder.conns();
        let data: usize = conns.iter().map(|c| c.data().len()).sum();
        (data >= 5 * 9).then_some(conns)
    })
    .await;
    let Some(conns) = everything else {
        return Err(server.explain(Failure::Fail(format!(
            "5 clients sent a line each; expected their 5 lines in `data_received` within {} s, \
             got {} protocol(s) with {:?}",
            LIMIT.as_secs(),
            recorder.conns().len(),
            recorder
                .conns()
                .iter()
                .map(|c| String::from_utf8_lossy(&c.data()).into_owned())
                .collect::<Vec<_>>()
        ))));
    };
    if conns.len() != 5 {
        return fail(format!(
            "5 clients connected; expected `build_protocol` 5 times (one protocol per connection), \
             got {}: a factory builds a new protocol for each connection, it does not hand out \
             one it built before (Twisted's `factory.protocol` is a class, not an instance)",
            conns.len()
        ));
    }
    for (i, client) in clients.iter_mut().enumerate() {
        let peer = client.local_addr();
        let Some(conn) = conns.iter().find(|c| c.built_for == peer) else {
            return fail(format!(
                "expected a protocol built for the client at {peer}, got none"
            ));
        };
        let made = conn.count(|c| matches!(c, Call::Made { peer: p } if *p == peer));
        let tag = format!("client-{i}\n");
        if made != 1 || conn.data() != tag.as_bytes() {
            return fail(format!(
                "expected the protocol of client {i} to get `connection_made` once and \
                 `data_received({})` alone, got: {}",
                show_bytes(tag.as_bytes()),
                conn.summary()
            ));
        }
        let back = client.read_line().await?;
        if back != tag.as_bytes() {
            return fail(format!(
                "client {i} sent {}; expected its own protocol to write it back to it, got {}",
                show_bytes(tag.as_bytes()),
                show_bytes(&back)
            ));
        }
    }
    Ok(())
}

pub(crate) async fn one_task() -> Outcome {
    let recorder = Recorder::new(Script {
        echo: true,
        quit: Some(Quit {
            payload: b"bye\r\n".to_vec(),
            after: b"after!".to_vec(),
            nap: Duration::ZERO,
        }),
        ..Script::default()
    });
    let server = start(&recorder).await?;
    let tasks = settled().await;
    let clean = async {
        let mut client = echoed(&server).await?;
        client.shutdown_write().await?;
        client.read_to_end().await?;
        let peer = client.local_addr();
        finished(&server, &recorder, peer, &tasks, "after a clean close").await
    };
    let reset = async {
        let mut client = echoed(&server).await?;
        let peer = client.local_addr();
        let _ = client.stream().set_zero_linger();
        drop(client);
        finished(&server, &recorder, peer, &tasks, "after a reset").await
    };
    let lose = async {
        let mut client = echoed(&server).await?;
        client.send(b"quit\n").await?;
        client.read_to_end().await?;
        let _ = client.stream().write_all(b"more\n").await;
        let peer = client.local_addr();
        drop(client);
        finished(&server, &recorder, peer, &tasks, "after `lose_connection`").await
    };
    let (clean, reset, lose) = harness::tokio::join!(clean, reset, lose);
    for (how, conn) in [
        ("a clean close", clean?),
        ("a reset", reset?),
        ("`lose_connection`", lose?),
    ] {
        let callbacks: Vec<_> = conn.calls.iter().filter(|e| e.call != Call::Lose).collect();
        if let Some(lost) = callbacks.iter().position(|e| matches!(e.call, Call::Lost(_)))
            && callbacks[lost..].iter().any(|e| matches!(e.call, Call::Data(_)))
        {
            return fail(format!(
                "with {how}: expected no `data_received` after `connection_lost`, got: {}",
                conn.summary()
            ));
        }
        let tasks: Vec<_> = callbacks.iter().map(|e| e.task).collect();
        if tasks.windows(2).any(|w| w[0] != w[1]) {
            let named = |e: &&crate::record::Entry| match e.call {
                Call::Made { .. } => "connection_made",
                Call::Data(_) => "data_received",
                _ => "connection_lost",
            };
            let first = callbacks[0];
            let other = callbacks.iter().find(|e| e.task != first.task).unwrap_or(&first);
            return fail(format!(
                "with {how}: expected every callback of a protocol on one task, got `{}` on task \
                 {:?} and `{}` on task {:?} ({}): callbacks driven from two tasks race each \
                 other; let the task that reads call them all",
                named(&first),
                first.task,
                named(other),
                other.task,
                conn.summary()
            ));
        }
    }
    Ok(())
}

pub(crate) async fn hundred_clients() -> Outcome {
    let recorder = echo();
    let server = start(&recorder).await?;
    let mut clients = Vec::with_capacity(100);
    for i in 0..100 {
        let mut client = server.connect().await?;
        client.send(format!("{i}\n").as_bytes()).await?;
        clients.push(client);
    }
    let replies = harness::futures::future::join_all(
        clients
            .iter_mut()
            .map(|client| async move { client.read_line().await }),
    )
    .await;
    for (i, reply) in replies.into_iter().enumerate() {
        let reply = reply?;
        if reply != format!("{i}\n").as_bytes() {
            return fail(format!(
                "client {i} of 100 connected at once sent b\"{i}\\n\"; expected it back, got {}",
                show_bytes(&reply)
            ));
        }
    }
    Ok(())
}

//! Q2, the log: exact JSON, accept order, trimming, nothing lost, a long log.

use crate::support::*;
use challenge::q2;
use harness::futures::StreamExt;
use harness::futures::future::join_all;
use harness::tcp::Server;
use harness::{Failure, Outcome, fail, show_bytes};
use std::collections::BTreeSet;

pub(crate) async fn exact_json() -> Outcome {
    let server = Server::start(q2::serve).await?;
    let silent = server.connect().await?;
    let (mut requester, line) = ask(&server, b"show log\r\n").await?;
    let expected = format!(
        "[{{\"ip\":\"127.0.0.1\",\"port\":{}}},{{\"ip\":\"127.0.0.1\",\"port\":{}}}]\r\n",
        silent.local_addr().port(),
        requester.local_addr().port()
    );
    let what = "after a silent client connected (and stayed), the reply to `show log`";
    expect_bytes(what, expected.as_bytes(), &line)?;
    requester.expect_eof().await.map_err(|f| match f {
        Failure::Timeout(_) => Failure::Timeout("after the log, the connection stayed open for 2 s".into()),
        Failure::Fail(m) => Failure::Fail(format!("after the log: {m}")),
    })
}

pub(crate) async fn accept_order() -> Outcome {
    let server = Server::start(q2::serve).await?;
    let mut expected = Vec::new();
    let mut kept = Vec::new();
    for i in 0..5 {
        let mut client = server.connect().await?;
        expected.push(client.local_addr().port());
        match i {
            // Silent, and gone before the log is asked for.
            0 | 3 => drop(client),
            // Invalid UTF-8: whatever the reply, the connection counts.
            2 => {
                client.send(b"\xff\xfe\r\n").await.map_err(on(&server))?;
                let _ = client.read_line().await;
            }
            // Silent, and still connected when the log is asked for.
            _ => kept.push(client),
        }
    }
    let (requester, log) = show_log(&server).await?;
    expected.push(requester);
    let got = ports(&log);
    if got != expected {
        return fail(format!(
            "5 clients connected one after the other (silent and gone, silent and staying, invalid UTF-8, \
             silent and gone, silent and staying), then one asked for the log: expected the ports {expected:?} \
             (accept order, the requester last), got {got:?} (record each connection when it is accepted, \
             in a log that belongs to this server)"
        ));
    }
    Ok(())
}

pub(crate) async fn trim_and_case() -> Outcome {
    let server = Server::start(q2::serve).await?;
    let (client, line) = ask(&server, b"  show log \r\n").await?;
    let log = parse_log(&line)?;
    let me = client.local_addr().port();
    if ports(&log).last() != Some(&me) {
        return fail(format!(
            "for `  show log `: expected the log, ending with the requester's port {me}, got the ports {:?}",
            ports(&log)
        ));
    }
    expect_identity(&server, b"SHOW LOG\r\n", "SHOW LOG")
        .await
        .map_err(|f| match f {
            Failure::Fail(m) => Failure::Fail(format!("`show log` is case-sensitive; {m}")),
            timeout => timeout,
        })
}

pub(crate) async fn no_lost_entries() -> Outcome {
    let server = Server::start(q2::serve).await?;
    let asks = (0..100).map(|i| {
        let server = &server;
        async move {
            let text = format!("client {i}");
            let (client, line) = ask(server, format!("{text}\r\n").as_bytes()).await?;
            let port = client.local_addr().port();
            expect_bytes(&format!("client {i} of 100"), &identity(port, &text), &line)?;
            Ok::<_, Failure>(port)
        }
    });
    let clients: BTreeSet<u16> = join_all(asks).await.into_iter().collect::<Outcome<_>>()?;
    let (requester, log) = show_log(&server).await?;
    let got = ports(&log);
    let Some((last, others)) = got.split_last() else {
        return fail("after 100 concurrent clients, the log is empty");
    };
    let others: BTreeSet<u16> = others.iter().copied().collect();
    let missing: Vec<u16> = clients.difference(&others).copied().collect();
    if !missing.is_empty() || got.len() != 101 || *last != requester {
        return fail(format!(
            "after 100 concurrent clients, expected 101 entries (the 100 in any order, the requester {requester} \
             last), got {} entries, {} of the 100 clients missing{}, the last entry port {last}",
            got.len(),
            missing.len(),
            if missing.is_empty() {
                String::new()
            } else {
                format!(" (e.g. port {})", missing[0])
            },
        ));
    }
    Ok(())
}

pub(crate) async fn long_log() -> Outcome {
    let server = Server::start(q2::serve).await?;
    // 600 clients, 50 at a time: each says something, reads the reply and leaves.
    let asks = harness::futures::stream::iter(0..600).map(|i| {
        let server = &server;
        async move {
            let text = format!("client {i}");
            let (client, line) = ask(server, format!("{text}\r\n").as_bytes()).await?;
            let port = client.local_addr().port();
            expect_bytes(&format!("client {i} of 600"), &identity(port, &text), &line)?;
            Ok::<_, Failure>(port)
        }
    });
    let results: Vec<Outcome<u16>> = asks.buffer_unordered(50).collect().await;
    let clients: BTreeSet<u16> = results.into_iter().collect::<Outcome<_>>()?;
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
    if got.len() != 601 || got.last() != Some(&me) || !clients.is_subset(&all) {
        return fail(format!(
            "after 600 clients, expected 601 entries (the 600, then the requester {me}), got {} entries, \
             the last one port {:?}",
            got.len(),
            got.last()
        ));
    }
    requester.expect_eof().await.map_err(|f| match f {
        Failure::Timeout(_) => Failure::Timeout("after the log, the connection stayed open for 2 s".into()),
        Failure::Fail(m) => Failure::Fail(format!("after the log: {m}")),
    })
}

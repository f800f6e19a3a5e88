//! Q2, many clients: no entry lost under 100 concurrent clients, and a log of 601 entries (over
//! 16 KiB) that arrives whole through small buffers, to a client still sending after its line.

use crate::q1_shared::*;
use crate::support::*;
use challenge::q2;
use harness::futures::future::join_all;
use harness::futures::{StreamExt, TryStreamExt};
use harness::tcp::Server;
use harness::{Failure, Outcome, fail, show_bytes};
use std::collections::BTreeSet;

/// A client sends `client i` + `\r\n` and waits for a reply (Q1's reply, not judged here); returns
/// the client's port.
async fn visit(server: &Server, i: usize, of: usize) -> Outcome<u16> {
    let mut client = server.connect().await?;
    let port = client.local_addr().port();
    let request = format!("client {i}\r\n");
    let said = async {
        client.send(request.as_bytes()).await?;
        read_reply(&mut client).await
    };
    said.await.map_err(|f| {
        server.explain(context(
            &format!("client {i} of {of} sent `client {i}` and expected a reply (Q1's reply)"),
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
        fail!(
            "after 100 concurrent clients, expected the 100 (in any order), then the requester {requester} \
             last; got {} entries, {} of the 100 clients missing{}, the last entry port {:?}",
            got.len(),
            missing.len(),
            match missing.first() {
                Some(port) => format!(" (e.g. port {port})"),
                None => String::new(),
            },
            got.last(),
        );
    }
    Ok(())
}

pub(crate) async fn long_log() -> Outcome {
    // Small buffers on both sides: the server's kernel takes the log a few KiB at a time. One
    // thread, so that the client does not read while the server writes; its clock held still.
    let _clock = hold_clock();
    let server = start_with_small_send_buffer(q2::serve).await?;
    // 600 clients, 50 at a time: each says something, reads the reply and leaves. The first client
    // that fails ends the check (the others are dropped), instead of 600 clients each waiting out
    // its own limit.
    let asks = harness::futures::stream::iter(0..600).map(|i| visit(&server, i, 600));
    let clients: BTreeSet<u16> = asks.buffer_unordered(50).try_collect().await?;
    // The requester goes on sending once the log starts coming, as in Q1's `close-drains`: the
    // log's connection closes like any other (shutdown, then drain), or the reset of a dropped
    // stream eats its end.
    let mut requester = server.connect_with(SMALL_RECEIVE).await?;
    let more = vec![b'y'; STILL_SENDING];
    let seen = send_while_reading(&mut requester, b"show log\r\n", &more, true).await;
    let what = "after 600 clients, a client with a small receive buffer asked for `show log` and went \
                on sending (1 MiB more)";
    let line = seen.reply;
    let reset = "a stream dropped while the client's bytes are still unread in it closes with a reset, \
                 which destroys what was still on its way: the `show log` reply closes like Q1's, \
                 `shutdown()`, then read and discard what the client sends, then drop the stream";
    let closed_badly = match (&seen.end, &seen.sent) {
        (Err(e), _) => Some(format!("the connection failed ({e}) after {} bytes", line.len())),
        (_, Some(Err(e))) => Some(format!(
            "the client's sending failed ({e}) after a reply of {} bytes",
            line.len()
        )),
        (_, None) => Some(format!(
            "the server stopped reading: the client could not send for 5 s (after a reply of {} bytes)",
            line.len()
        )),
        _ => None,
    };
    if let Some(how) = closed_badly {
        // The same with the learner's Q1 server: the shared close path is Q1's (`close-drains`).
        if q1_resets_sender().await {
            return Ok(());
        }
        return Err(server.explain(Failure::Fail(format!(
            "{what}: expected the whole log, then EOF; {how}: {reset}"
        ))));
    }
    let log = match parse_log(&line) {
        Ok(log) => log,
        // Cut short, then EOF: if the learner's Q1 server cuts a long reply the same way, the
        // shared close path is Q1's (`close-drains` charges it).
        Err(_) if !line.ends_with(b"\n") && q1_cuts_long_reply(20_000).await => {
            return Ok(());
        }
        Err(_) if !line.ends_with(b"\n") => fail!(
            "{what}: expected the whole log (over 16 KiB), then EOF; got {} bytes, then EOF, ending \
             {} (one `write` may take only part of what it is given: `write_all`)",
            line.len(),
            show_bytes(&line[line.len().saturating_sub(40)..])
        ),
        Err(failure) => return Err(failure),
    };
    if line.len() <= 16 * 1024 {
        fail!(
            "{what}: expected a log over 16 KiB, got {} bytes: {}",
            line.len(),
            show_bytes(&line)
        );
    }
    let got = ports(&log);
    let me = requester.local_addr().port();
    let all: BTreeSet<u16> = got.iter().copied().collect();
    let missing = clients.difference(&all).count();
    if missing > 0 || got.last() != Some(&me) {
        fail!(
            "{what}: expected the 600, then the requester {me}; got {} entries, {missing} of the 600 \
             missing, the last one port {:?}",
            got.len(),
            got.last()
        );
    }
    match seen.end {
        Ok(true) => Ok(()),
        // A whole log and no EOF: a server that does not close after any reply is Q1's business.
        _ if q1_keeps_open().await => Ok(()),
        _ => Err(Failure::Timeout(
            "after the log, the connection stayed open for 2 s".into(),
        )),
    }
}

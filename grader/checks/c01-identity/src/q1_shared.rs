//! What the learner's own Q1 server does, asked by Q2's checks before they fail: a Q2 server is
//! "the Q1 server, plus a log", usually built on Q1's code. When Q2's server gets something wrong
//! that the learner's Q1 server gets wrong the same way (trimming, closing, a whole reply, serving
//! beside a silent client), the mistake is Q1's, and Q1's checks charge it: the Q2 check lets it
//! pass, so that one mistake costs one question.
//!
//! Each question answers `true` only on evidence: the Q1 server answered, and showed the same
//! fault. A Q1 server that does not answer at all (a stub, say) shares nothing, and Q2 is judged on
//! its own.

use crate::support::*;
use challenge::q1;
use harness::Failure;
use harness::tcp::Server;

/// The text the learner's Q1 server quotes in its reply to `request`, if it gives one.
pub(crate) async fn q1_quotes(request: &[u8]) -> Option<Vec<u8>> {
    let server = Server::start(q1::serve).await.ok()?;
    let (_, line) = ask(&server, request).await.ok()?;
    quoted_text(&line).map(<[u8]>::to_vec)
}

/// Whether the learner's Q1 server replies, then keeps the connection open (no EOF within 2 s).
pub(crate) async fn q1_keeps_open() -> bool {
    let Ok(server) = Server::start(q1::serve).await else {
        return false;
    };
    let Ok((mut client, _)) = ask(&server, b"hello\r\n").await else {
        return false;
    };
    matches!(
        step("no EOF", client.read_to_end()).await,
        Err(Failure::Timeout(_))
    )
}

/// Whether the learner's Q1 server cuts its reply to a line of `len` bytes (some of it, then EOF
/// without the line ending) through small buffers, as `long-log` sends the log.
pub(crate) async fn q1_cuts_long_reply(len: usize) -> bool {
    let Ok(server) = start_with_small_send_buffer(q1::serve).await else {
        return false;
    };
    let Ok(mut client) = server.connect_with(SMALL_RECEIVE).await else {
        return false;
    };
    let mut request = vec![b'x'; len];
    request.extend_from_slice(b"\r\n");
    if client.send(&request).await.is_err() {
        return false;
    }
    read_reply(&mut client)
        .await
        .is_ok_and(|reply| !whole_reply(&reply, &request[..len]))
}

/// Whether the learner's Q1 server answers a lone client but not one beside a silent client, on a
/// clock held still (a step of 2 s of real time).
pub(crate) async fn q1_held_up_by_idle() -> bool {
    let Ok(server) = Server::start(q1::serve).await else {
        return false;
    };
    if step("no reply", expect_served(&server, "alone")).await.is_err() {
        return false;
    }
    let Ok(_idle) = server.connect().await else {
        return false;
    };
    step("no reply", expect_served(&server, "hello")).await.is_err()
}

/// Whether the learner's Q1 server cuts or resets its reply to a client still sending after its
/// line, through small buffers, as `long-log` sends the log (`close-drains`' way of asking).
pub(crate) async fn q1_resets_sender() -> bool {
    let Ok(server) = start_with_small_send_buffer(q1::serve).await else {
        return false;
    };
    let Ok(mut client) = server.connect_with(SMALL_RECEIVE).await else {
        return false;
    };
    let mut line = vec![b'x'; 20_000];
    line.extend_from_slice(b"\r\n");
    let more = vec![b'y'; STILL_SENDING];
    let seen = send_while_reading(&mut client, &line, &more, true).await;
    let answered = !seen.reply.is_empty();
    let broken =
        seen.end.is_err() || !matches!(seen.sent, Some(Ok(()))) || !whole_reply(&seen.reply, &line[..20_000]);
    answered && broken
}

//! Q1, the glue, as the protocol ends the connection: `lose_connection` and server shutdown.

use crate::q1_common::{echo, echoed, expect_life, finished, pattern, start};
use crate::record::{Call, Conn, LIMIT, Quit, Recorder, Script, baseline};
use challenge::glue::serve;
use harness::tcp::Server;
use harness::time::until;
use harness::tokio::io::AsyncWriteExt;
use harness::tokio::sync::oneshot;
use harness::tokio::time::Duration;
use harness::{Failure, Outcome, fail, show_bytes};

/// The protocol of the `lose_connection` checks: on `quit\n`, writes `payload`, loses the
/// connection, writes `after!` (dropped), then naps `nap` in the callback.
fn quitter(payload: Vec<u8>, nap: Duration) -> Recorder {
    Recorder::new(Script {
        quit: Some(Quit {
            payload,
            after: b"after!".to_vec(),
            nap,
        }),
        ..Script::default()
    })
}

pub(crate) async fn lose_flushes() -> Outcome {
    let mut payload = pattern(1024 * 1024);
    payload.extend_from_slice(b"bye\r\n");
    let recorder = quitter(payload.clone(), Duration::ZERO);
    let server = start(&recorder).await?;
    let mut client = server.connect().await?;
    client.send(b"quit\n").await?;
    let got = client.read_to_end().await?;
    if got.starts_with(&payload) {
        return Ok(());
    }
    fail(format!(
        "the protocol writes {} bytes, then calls `lose_connection`; expected them all, then EOF, \
         got {} bytes then EOF{}: the connection was closed before everything written before \
         `lose_connection` was sent",
        payload.len(),
        got.len(),
        if got.is_empty() { " (nothing)" } else { "" }
    ))
}

/// Sends `quit\n` (followed at once by filler when `early`, else by `more\n` after EOF), reads to
/// EOF, closes; returns the connection's record.
async fn quit_then_more(
    server: &Server,
    recorder: &Recorder,
    base: usize,
    early: bool,
) -> Outcome<(Vec<u8>, Conn)> {
    let mut client = server.connect().await?;
    let peer = client.local_addr();
    if early {
        // `quit\n` comes with more than a read buffer of filler after it: the read that hands
        // the protocol `quit\n` fills the glue's buffer, so when the callback that lost the
        // connection returns, the socket is still readable and a glue that reads on will.
        let mut early = b"quit\n".to_vec();
        early.resize(FILLER, b'.');
        client.send(&early).await?;
    } else {
        client.send(b"quit\n").await?;
    }
    let got = client.read_to_end().await.map_err(|f| match f {
        Failure::Timeout(_) => Failure::Fail(format!(
            "the protocol called `lose_connection`; expected the server to close the connection \
             (EOF), it stayed open {} s",
            LIMIT.as_secs()
        )),
        other => other,
    })?;
    if !early {
        // Writing after the server's EOF is allowed: only our side is still open.
        let _ = client.stream().write_all(b"more\n").await;
    }
    drop(client);
    let conn = finished(server, recorder, peer, base, "after `lose_connection`").await?;
    Ok((got, conn))
}

/// How many clients send `quit\n` with filler after it.
const EARLY_CLIENTS: usize = 16;

/// What an early client sends: `quit\n` and filler, more than any glue reads at once.
const FILLER: usize = 256 * 1024;

pub(crate) async fn lose_nothing_after() -> Outcome {
    let recorder = quitter(b"bye\r\n".to_vec(), Duration::from_millis(20));
    let server = start(&recorder).await?;
    let base = baseline().await;
    // One client sends `more\n` after the server's EOF. Then [`EARLY_CLIENTS`], one at a time,
    // have more bytes waiting when the callback that lost the connection returns. A glue that
    // picks its next step at random (`select!` without `biased;`) reads them 5 times in 8:
    // missing it 16 times running is a one-in-6-million chance.
    let steps = std::iter::once(false).chain(std::iter::repeat_n(true, EARLY_CLIENTS));
    for early in steps {
        let when = if early {
            "right after `quit\\n`, in the same write"
        } else {
            "after it got EOF"
        };
        let outcome = quit_then_more(&server, &recorder, base, early).await;
        let (got, conn) = outcome?;
        if got.windows(6).any(|w| w == b"after!") {
            return fail(format!(
                "the protocol writes `bye\\r\\n`, calls `lose_connection`, then writes `after!`; \
                 expected nothing after `lose_connection` to be sent, got {}",
                show_bytes(&got)
            ));
        }
        let lose = conn.calls.iter().position(|e| e.call == Call::Lose).unwrap_or(0);
        if conn.calls[lose..].iter().any(|e| matches!(e.call, Call::Data(_))) {
            return fail(format!(
                "the client sent more bytes {when}; expected no `data_received` after \
                 `lose_connection` (the glue stops reading), got: {}",
                conn.summary()
            ));
        }
    }
    Ok(())
}

pub(crate) async fn lost_once_lose() -> Outcome {
    let recorder = quitter(b"bye\r\n".to_vec(), Duration::ZERO);
    let server = start(&recorder).await?;
    let base = baseline().await;
    let (_, conn) = quit_then_more(&server, &recorder, base, false).await?;
    expect_life(&conn, "after `lose_connection`", false)
}

pub(crate) async fn shutdown() -> Outcome {
    let recorder = echo();
    let (stop, stopped) = oneshot::channel::<()>();
    let factory = recorder.clone();
    let server = Server::start(move |listener| {
        serve(listener, factory, async {
            let _ = stopped.await;
        })
    })
    .await?;
    let mut clients = Vec::new();
    for _ in 0..3 {
        clients.push(echoed(&server).await?);
    }
    let _ = stop.send(());
    for client in clients.iter_mut() {
        let rest = client.read_to_end().await.map_err(|f| match f {
            Failure::Timeout(_) => Failure::Fail(format!(
                "the shutdown future completed; expected every connection to be closed (EOF), \
                 one stayed open {} s",
                LIMIT.as_secs()
            )),
            other => other,
        })?;
        if !rest.is_empty() {
            return fail(format!("after shutdown: expected EOF, got {}", show_bytes(&rest)));
        }
    }
    drop(clients);
    if until(LIMIT, || (!server.is_running()).then_some(()))
        .await
        .is_none()
    {
        return fail(format!(
            "the shutdown future completed and every client is gone; expected `serve` to return, \
             it still ran {} s later",
            LIMIT.as_secs()
        ));
    }
    for conn in recorder.conns() {
        expect_life(&conn, "after the server shut down", false)?;
    }
    Ok(())
}

//! Q1, the glue, as the protocol ends the connection: `lose_connection` and server shutdown.

use crate::q1_common::{echo, echoed, expect_life, finished, pattern, reword, settled, start};
use crate::record::{Call, Conn, LIMIT, Quit, Recorder, Script};
use challenge::glue::serve;
use harness::tasks::Tasks;
use harness::tcp::{Client, Server};
use harness::time::{show, until};
use harness::tokio::io::{AsyncReadExt, AsyncWriteExt};
use harness::tokio::net::TcpSocket;
use harness::tokio::sync::oneshot;
use harness::tokio::time::{Duration, timeout};
use harness::{Failure, Outcome, bytes_differ, fail, show_bytes};
use std::sync::{Arc, Mutex};

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
    // `lose_connection` in `connection_made`, right after a greeting: the client says nothing.
    let greet = b"busy, bye\r\n";
    let recorder = Recorder::new(Script {
        greet: greet.to_vec(),
        greet_and_go: true,
        ..Script::default()
    });
    let server = start(&recorder).await?;
    let mut client = server.connect().await?;
    let when = "the protocol writes `busy, bye\\r\\n` and calls `lose_connection` in \
                `connection_made`; the client sends nothing";
    match client.read_to_end().await {
        Ok(got) if got == greet => {}
        Ok(got) => fail!(
            "{when}: expected {}, then EOF; {}",
            show_bytes(greet),
            bytes_differ(greet, &got)
        ),
        Err(failure) => {
            return Err(reword(failure, |m| {
                format!("{when}: expected {} then EOF: {m}", show_bytes(greet))
            }));
        }
    }
    drop((client, server));
    // 1 MiB, then `lose_connection`, while the client is still sending and reads slowly.
    let mut payload = pattern(1024 * 1024);
    payload.extend_from_slice(b"bye\r\n");
    let recorder = quitter(payload.clone(), Duration::ZERO);
    let server = start(&recorder).await?;
    let when = format!(
        "the client sent `quit\\n` and {} KiB more; the protocol writes {} bytes, then calls \
         `lose_connection`",
        FILLER / 1024,
        payload.len()
    );
    match still_sending(&server).await {
        Ok(got) if got.starts_with(&payload) => Ok(()),
        Ok(got) => fail!(
            "{when}: expected them all, then EOF; got {} bytes then EOF{}: the connection was \
             closed before everything written before `lose_connection` was sent",
            got.len(),
            if got.is_empty() { " (nothing)" } else { "" }
        ),
        Err((got, e)) => fail!(
            "{when}: expected them all, then EOF; got {} bytes, then the connection failed: {e}. \
             A socket closed while bytes the peer sent are still unread is reset by the kernel, \
             and a reset throws away what was not yet delivered: after `shutdown()`, read and \
             drop what the peer still sends until its end of stream (for a short while) before \
             dropping the socket",
            got.len()
        ),
    }
}

/// A client with a small receive buffer that sends `quit\n` and [`FILLER`] bytes more while it
/// reads to the end of the stream (within [`LIMIT`]); what it read, or what it read and the error.
async fn still_sending(server: &Server) -> Result<Vec<u8>, (Vec<u8>, String)> {
    let connecting = async {
        let socket = TcpSocket::new_v4()?;
        socket.set_recv_buffer_size(4096)?;
        socket.connect(server.addr).await
    };
    let stream = match connecting.await {
        Ok(stream) => stream,
        Err(e) => return Err((Vec::new(), format!("the check could not connect: {e}"))),
    };
    let (mut reader, mut writer) = stream.into_split();
    let mut sent = b"quit\n".to_vec();
    sent.resize(FILLER, b'.');
    let sending = async move {
        // Fails once the server has closed: that is fine.
        let _ = writer.write_all(&sent).await;
        writer
    };
    let reading = async {
        let mut got = Vec::new();
        let mut buf = vec![0u8; 8192];
        loop {
            match timeout(LIMIT, reader.read(&mut buf)).await {
                Ok(Ok(0)) => return Ok(got),
                Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
                Ok(Err(e)) => return Err((got, e.to_string())),
                Err(_) => {
                    return Err((got, format!("no end of stream within {} s", LIMIT.as_secs())));
                }
            }
        }
    };
    let (_writer, got) = harness::tokio::join!(sending, reading);
    got
}

/// What a quitting client does besides sending `quit\n`.
#[derive(Clone, Copy, PartialEq)]
enum Then {
    /// Sends [`FILLER`] bytes right after `quit\n`, in the same write.
    Filler,
    /// Writes `more\n` after the server's EOF, then closes.
    More,
    /// Keeps its end open for [`HOLD`] after the server's EOF, then closes.
    Hold,
}

/// How long a [`Then::Hold`] client keeps its end open after the server's EOF.
const HOLD: Duration = Duration::from_millis(100);

/// Sends `quit\n` and does `then`, reads to EOF, closes; returns what it read and the record.
async fn quit_then(
    server: &Server,
    recorder: &Recorder,
    tasks: &Tasks,
    then: Then,
) -> Outcome<(Vec<u8>, Conn)> {
    let mut client = server.connect().await?;
    let peer = client.local_addr();
    if then == Then::Filler {
        // `quit\n` comes with more than a read buffer of filler after it: the read that hands
        // the protocol `quit\n` fills the glue's buffer, so when the callback that lost the
        // connection returns, the socket is still readable and a glue that reads on will.
        let mut early = b"quit\n".to_vec();
        early.resize(FILLER, b'.');
        client.send(&early).await?;
    } else {
        client.send(b"quit\n").await?;
    }
    let got = read_until_lost(&mut client).await?;
    match then {
        // Writing after the server's EOF is allowed: only our side is still open.
        Then::More => drop(client.stream().write_all(b"more\n").await),
        Then::Hold => {
            // `connection_lost` may come while our end is still open (a glue that lingers less
            // than we hold): then nothing of the connection may still run.
            let lost = until(HOLD, || recorder.conn_for(peer).filter(|c| c.lost() > 0)).await;
            if let Some(conn) = lost
                && let Err(left) = tasks.gone_within(Duration::from_millis(50)).await
            {
                fail!(
                    "after `lose_connection`, `connection_lost` was called while the client's end \
                     was still open, and {left} task(s) of the connection still ran 0.05 s later \
                     (calls: {}): nothing of a connection may outlive its `connection_lost` (a \
                     linger spawned apart?)",
                    conn.summary()
                );
            }
        }
        Then::Filler => {}
    }
    drop(client);
    let conn = finished(server, recorder, peer, tasks, "after `lose_connection`").await?;
    Ok((got, conn))
}

/// How many clients send `quit\n` with filler after it.
const EARLY_CLIENTS: usize = 16;

/// What an early client sends: `quit\n` and filler, more than any glue reads at once.
const FILLER: usize = 256 * 1024;

pub(crate) async fn lose_nothing_after() -> Outcome {
    let recorder = quitter(b"bye\r\n".to_vec(), Duration::from_millis(20));
    let server = start(&recorder).await?;
    let tasks = settled().await;
    // One client sends `more\n` after the server's EOF. Then [`EARLY_CLIENTS`], one at a time,
    // have more bytes waiting when the callback that lost the connection returns. A glue that
    // picks its next step at random (`select!` without `biased;`) reads them 5 times in 8:
    // missing it 16 times running is a one-in-6-million chance.
    let steps = std::iter::once(Then::More).chain(std::iter::repeat_n(Then::Filler, EARLY_CLIENTS));
    for then in steps {
        let when = if then == Then::Filler {
            "right after `quit\\n`, in the same write"
        } else {
            "after it got EOF"
        };
        let outcome = quit_then(&server, &recorder, &tasks, then).await;
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
    let tasks = settled().await;
    let (_, conn) = quit_then(&server, &recorder, &tasks, Then::Hold).await?;
    expect_life(&conn, "after `lose_connection`", false)?;
    never_closes(&server, &recorder).await
}

/// How long a glue may read and drop what the peer sends once it has closed its side.
const LINGER_MAX: Duration = Duration::from_secs(5);

/// How often the client of [`never_closes`] sends a byte while it keeps its end open.
const TRICKLE: Duration = Duration::from_millis(250);

/// A client that sends `quit\n`, gets the server's EOF and keeps its end open, sending a byte now
/// and then ([`TRICKLE`]): the glue's linger ends all the same (a time limit on each read would
/// never end), and `connection_lost` comes within [`LINGER_MAX`]. Judged
/// in virtual time: once the client has the EOF, the check's clock (a current-thread runtime's,
/// the glue's too) is paused, and jumps from timer to timer whenever every task waits.
/// Reads until the server closes the connection its protocol lost (`lose_connection`); a server
/// that keeps it open [`LIMIT`] fails.
async fn read_until_lost(client: &mut Client) -> Outcome<Vec<u8>> {
    client.read_to_end().await.map_err(|f| match f {
        Failure::Timeout(_) => Failure::Fail(format!(
            "the protocol called `lose_connection`; expected the server to close the connection \
             (EOF), it stayed open {} s",
            LIMIT.as_secs()
        )),
        other => other,
    })
}

async fn never_closes(server: &Server, recorder: &Recorder) -> Outcome {
    let mut client = server.connect().await?;
    let peer = client.local_addr();
    client.send(b"quit\n").await?;
    read_until_lost(&mut client).await?;
    // Each byte leaves at once: Nagle's algorithm would hold one back until the last is acked,
    // tens of real milliseconds in which the paused clock runs on for seconds.
    if let Err(e) = client.stream().set_nodelay(true) {
        fail!("the check could not set TCP_NODELAY: {e}");
    }
    harness::tokio::time::pause();
    let trickle = async {
        loop {
            harness::tokio::time::sleep(TRICKLE).await;
            // Once the glue has dropped the socket, writing fails: then only wait.
            if client.stream().write_all(b".").await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    };
    let lost = async { until(LINGER_MAX, || recorder.conn_for(peer).filter(|c| c.lost() > 0)).await };
    let lost = harness::tokio::select! {
        lost = lost => lost,
        () = trickle => None,
    };
    if recorder.conn_for(peer).is_none() {
        fail!("expected a protocol built for the client at {peer}, got none");
    }
    if lost.is_none() {
        fail!(
            "the protocol called `lose_connection`; the client got EOF, then kept its end open, \
             sending a byte every {}: expected `connection_lost` within {} s all the same, got \
             none by then (virtual time; calls: {}). Read and drop what the peer sends for a \
             short while only, one time limit on the whole drain (not on each read): a peer that \
             never closes must not keep the connection",
            show(TRICKLE),
            LINGER_MAX.as_secs(),
            recorder.conn_for(peer).map(|c| c.summary()).unwrap_or_default()
        );
    }
    drop(client);
    Ok(())
}

pub(crate) async fn shutdown() -> Outcome {
    let tasks = Tasks::now();
    let recorder = echo();
    let (stop, stopped) = oneshot::channel::<()>();
    let factory = recorder.clone();
    // The connections' records the moment `serve` returns: each must have had its
    // `connection_lost` by then.
    let at_return: Arc<Mutex<Option<Vec<Conn>>>> = Arc::default();
    let (record, snapshot) = (recorder.clone(), at_return.clone());
    let server = Server::start(move |listener| async move {
        let returned = serve(listener, factory, async {
            let _ = stopped.await;
        })
        .await;
        *snapshot.lock().unwrap_or_else(|e| e.into_inner()) = Some(record.conns());
        returned
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
    if let Err(left) = tasks.gone_within(Duration::from_millis(50)).await {
        fail!(
            "after the shutdown `serve` returned, but {left} task(s) it started still ran 0.05 s \
             later: nothing of a connection may outlive `serve`"
        );
    }
    let at_return = at_return.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(conn) = at_return.iter().flatten().find(|c| c.lost() == 0) {
        fail!(
            "after the shutdown `serve` returned while a connection was not over yet (calls then: \
             {}): expected it to return once every connection is closed and has had its \
             `connection_lost`",
            conn.summary()
        );
    }
    for conn in recorder.conns() {
        expect_life(&conn, "after the server shut down", false)?;
    }
    Ok(())
}

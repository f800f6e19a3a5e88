//! Q1 on real TCP, through the given `serve`: no task outlives its connection, and 100 clients at
//! once. (`no-leak` first checks in memory that a failed read ends `heartbeat` as the end of the
//! stream does: on real TCP a reset is followed by the end of the stream, which hides a read error
//! that was ignored.)
//!
//! Neither check waits for the first `*` on a schedule of its own: `no-leak` tells that the server
//! took a connection from the tasks alive on the runtime (one per connected client, [`Tasks`]), and
//! `hundred-clients` gives each client one whole interval for its first beat. Both fail within
//! seconds when the server does not accept the clients at all (the harness sees them waiting on the
//! listener it handed to `serve`).

use challenge::{INTERVAL, serve};
use harness::tasks::Tasks;
use harness::tcp::{Client, Server};
use harness::time::{ms, show, until};
use harness::tokio::io::AsyncReadExt;
use harness::tokio::time::{Duration, timeout};
use harness::{Failure, Outcome, show_bytes};
use std::io::ErrorKind;

/// Connect/disconnect cycles of `no-leak`: `ROUNDS` rounds of `BATCH` clients at once.
const ROUNDS: usize = 40;
const BATCH: usize = 25;

/// How long the server may take to start a task for each client of a round (real time).
const TAKE_LIMIT: Duration = Duration::from_secs(2);

/// How long the tasks of a round may live on after their clients left (real time). A task that
/// only notices a closed connection when its next write fails lives on until the next tick, 3 s
/// after its start.
const LEAK_GRACE: Duration = ms(1500);

/// Reads what is waiting on `client` without blocking (the beats are dropped); fails when the
/// server has closed the connection.
fn drain(client: &mut Client, round: usize) -> Outcome {
    let mut buf = [0u8; 64];
    loop {
        match client.stream().try_read(&mut buf) {
            Ok(0) => harness::fail!(
                "round {round}: expected the server to keep each connection open while its client \
                 is connected, got the connection closed by the server"
            ),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return Ok(()),
            Err(e) => harness::fail!(
                "round {round}: expected the connection to stay open while its client is connected, \
                 got {e}"
            ),
        }
    }
}

/// ` (N of them still waiting to be accepted)` when the server's listener holds connections it has
/// not accepted (where the system can tell), else nothing. A server that accepted none at all is
/// told so by [`Server::explain`].
fn still_waiting(server: &Server) -> String {
    match server.waiting() {
        Some(n) if n > 0 && !server.never_accepted() => {
            format!(" ({n} of them still waiting to be accepted)")
        }
        _ => String::new(),
    }
}

/// How long `heartbeat` may run on after its read failed (real time; it has nothing to wait for).
const FAILED_READ_LIMIT: Duration = ms(500);

/// `heartbeat` on a connection whose first read fails with `kind` and then stays silent (no bytes,
/// no end of stream; writes are taken): it must return, `Ok` or `Err`, at once.
async fn read_error_ends(kind: ErrorKind) -> Outcome {
    // A client whose connection fails: its first read gives the error, then nothing ever again,
    // neither bytes nor the end of the stream (a `heartbeat` that returns only at `Ok(0)` never
    // notices that it has gone).
    let reader = harness::io::Script::new().fail(kind).silent();
    let writer = harness::io::Recorder::new();
    let stream = harness::tokio::io::join(reader, writer.clone());
    if timeout(FAILED_READ_LIMIT, challenge::heartbeat(stream))
        .await
        .is_err()
    {
        harness::fail!(
            "a client whose connection failed (a read gave the error {kind:?}, then nothing more, not even \
             the end of the stream): expected `heartbeat` to return at once, got it still running {} later \
             ({} `*` sent): the peer has gone at an error as at `Ok(0)`, return on both",
            show(FAILED_READ_LIMIT),
            writer.times_of(b'*').len()
        );
    }
    Ok(())
}

pub(crate) async fn no_leak() -> Outcome {
    read_error_ends(ErrorKind::ConnectionReset).await?;
    read_error_ends(ErrorKind::TimedOut).await?;
    let server = Server::start(serve).await?;
    let tasks = Tasks::now();
    for round in 0..ROUNDS {
        // Every other round leaves abruptly (a reset instead of a clean close).
        let abrupt = round % 2 == 1;
        let mut clients = server.connect_many(BATCH).await?;
        // The server has taken every client once it runs a task for each (`serve` spawns one).
        let taken = until(TAKE_LIMIT, || {
            for client in clients.iter_mut() {
                if let Err(failure) = drain(client, round) {
                    return Some(Err(server.explain(failure)));
                }
            }
            (tasks.extra() >= BATCH).then_some(Ok(()))
        })
        .await;
        match taken {
            Some(Ok(())) => {}
            Some(Err(failure)) => return Err(failure),
            None => {
                return Err(server.explain(Failure::Fail(format!(
                    "round {round}: expected a task running `heartbeat` for each of {BATCH} connected \
                     clients, got {} after {}{}",
                    tasks.extra(),
                    show(TAKE_LIMIT),
                    still_waiting(&server)
                ))));
            }
        }
        for mut client in clients {
            if abrupt {
                // SO_LINGER 0: closing sends a reset, as a client that crashes would.
                let _ = client.stream().set_zero_linger();
            } else {
                let _ = client.shutdown_write().await;
            }
        }
        if let Err(left) = tasks.gone_within(LEAK_GRACE).await {
            let how = if abrupt {
                "reset their connections"
            } else {
                "closed their connections"
            };
            harness::fail!(
                "round {round}: {BATCH} clients {how}; expected their tasks to end at once, got {left} \
                 still alive {} later: a connection's task must end as soon as a read gives `Ok(0)` \
                 or an error, and take its timer with it",
                show(LEAK_GRACE)
            );
        }
    }
    Ok(())
}

pub(crate) async fn hundred_clients() -> Outcome {
    let server = Server::start(serve).await?;
    let mut clients = server.connect_many(100).await?;
    // A client the server has not accepted cannot beat: that is known long before a beat is due.
    let accepted = until(TAKE_LIMIT, || {
        server.waiting().is_none_or(|n| n == 0).then_some(())
    })
    .await;
    if accepted.is_none() {
        return Err(server.explain(Failure::Fail(format!(
            "expected the server to accept the 100 clients connected at once, got {} of them still \
             waiting to be accepted after {}",
            server.waiting().unwrap_or_default(),
            show(TAKE_LIMIT)
        ))));
    }
    // All 100 stay connected while each waits for a beat: one interval, and a second to spare.
    let wait = INTERVAL + Duration::from_secs(1);
    let firsts = harness::futures::future::join_all(clients.iter_mut().map(|client| async move {
        let mut byte = [0u8; 1];
        timeout(wait, client.stream().read(&mut byte))
            .await
            .map(|read| read.map(|n| byte[..n].to_vec()))
    }))
    .await;
    for (i, first) in firsts.into_iter().enumerate() {
        let problem = match first {
            Ok(Ok(byte)) if byte == b"*" => continue,
            Ok(Ok(byte)) if byte.is_empty() => "the connection closed".to_string(),
            Ok(Ok(byte)) => show_bytes(&byte),
            Ok(Err(e)) => format!("the connection failed: {e}"),
            Err(_) => format!("nothing within {}", show(wait)),
        };
        return Err(server.explain(Failure::Fail(format!(
            "client {i} of 100 connected at once: expected a `*`, got {problem}"
        ))));
    }
    Ok(())
}

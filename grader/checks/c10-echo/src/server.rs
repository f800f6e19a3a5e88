//! `serve` and `echo` over real TCP: exact bytes, many clients, the connection log line, and
//! shutdown. Timing is not graded here.

use crate::support::{expect_field, random_bytes, same_bytes};
use challenge::server::serve;
use harness::futures::future::join_all;
use harness::tcp::{Client, Server};
use harness::time::until;
use harness::tokio::io::{AsyncReadExt, AsyncWriteExt};
use harness::tokio::net::TcpListener;
use harness::tokio::sync::oneshot;
use harness::tokio::time::{Duration, timeout};
use harness::{Failure, Outcome, fail};

/// Runs `serve` on `127.0.0.1:0` with a shutdown signal that never comes.
async fn start() -> Outcome<Server> {
    Server::start(|listener: TcpListener| serve(listener, std::future::pending())).await
}

pub(crate) async fn all_bytes() -> Outcome {
    let server = start().await?;
    let mut client = server.connect().await?;
    let sent: Vec<u8> = (0..=255).collect();
    client.send(&sent).await?;
    let got = client.read_bytes(sent.len()).await?;
    same_bytes("all 256 byte values", &sent, &got)
}

/// 1 MiB written in odd-sized pieces while the echo is read at the same time.
pub(crate) async fn random_mib() -> Outcome {
    const SIZE: usize = 1024 * 1024;
    let server = start().await?;
    let mut client = server.connect().await?;
    let data = random_bytes(1, SIZE);
    let (mut reader, mut writer) = client.stream().split();
    let write = async {
        let sizes = [1, 3, 17, 1021, 4093, 65_537, 7];
        let mut at = 0;
        for size in sizes.iter().cycle() {
            if at == SIZE {
                break;
            }
            let end = (at + size).min(SIZE);
            writer.write_all(&data[at..end]).await?;
            at = end;
        }
        Ok::<(), std::io::Error>(())
    };
    let read = async {
        let mut got = vec![0u8; SIZE];
        let mut filled = 0;
        while filled < SIZE {
            match reader.read(&mut got[filled..]).await? {
                0 => break,
                n => filled += n,
            }
        }
        got.truncate(filled);
        Ok::<Vec<u8>, std::io::Error>(got)
    };
    let limit = Duration::from_secs(10);
    let (written, got) = match timeout(limit, async { harness::tokio::join!(write, read) }).await {
        Ok(both) => both,
        Err(_) => {
            return Err(server.explain(Failure::Timeout(format!(
                "expected 1 MiB echoed within {} s while the client writes and reads at once, got \
                 it still going",
                limit.as_secs()
            ))));
        }
    };
    if let Err(e) = written {
        return Err(server.explain(Failure::Fail(format!("could not send 1 MiB: {e}"))));
    }
    let got = match got {
        Ok(got) => got,
        Err(e) => return Err(server.explain(Failure::Fail(format!("reading the echo failed: {e}")))),
    };
    same_bytes("1 MiB of random bytes in odd-sized pieces", &data, &got)
}

/// TCP: after the echo, the client half-closes and the server closes its side.
pub(crate) async fn half_close_tcp() -> Outcome {
    let server = start().await?;
    let mut client = server.connect().await?;
    client.send(b"hello").await?;
    let got = client.read_bytes(5).await?;
    same_bytes("`hello`", b"hello", &got)?;
    client.shutdown_write().await?;
    client.expect_eof().await
}

/// 100 clients at once, each with bytes of its own; none leaves before all have their echo.
pub(crate) async fn hundred_clients() -> Outcome {
    let server = start().await?;
    let mut clients = Vec::with_capacity(100);
    for _ in 0..100 {
        clients.push(server.connect().await?);
    }
    let results = join_all(clients.iter_mut().enumerate().map(|(i, client)| async move {
        let sent = random_bytes(100 + i as u64, 1000 + i);
        client.send(&sent).await?;
        let got = client.read_bytes(sent.len()).await?;
        same_bytes(&format!("client {i} of 100 connected at once"), &sent, &got)
    }))
    .await;
    for (i, result) in results.into_iter().enumerate() {
        if let Err(failure) = result {
            return Err(server.explain(match failure {
                Failure::Timeout(m) => Failure::Timeout(format!(
                    "client {i} of 100 connected at once: {m} (does `serve` wait for one \
                     connection to end before it accepts the next? Spawn a task per connection)"
                )),
                other => other,
            }));
        }
    }
    Ok(())
}

/// `Client connection from <peer>`, with the field `peer`, for each accepted connection.
pub(crate) async fn log_connection() -> Outcome {
    let logs = harness::logs::capture()?;
    let server = start().await?;
    let client = server.connect().await?;
    let peer = client.local_addr().to_string();
    let expected = format!("Client connection from {peer}");
    let event = logs
        .wait_for(&format!("{expected:?}"), |e| e.message == expected)
        .await
        .map_err(|f| server.explain(f))?;
    expect_field(&event, "peer", &peer)
}

/// After the shutdown signal: an open connection is still served, `serve` returns once it has
/// ended, and then the port is closed. Runs on one thread, so that a `serve` that returns at once
/// has done so before the check looks.
pub(crate) async fn shutdown() -> Outcome {
    let (signal, shutdown) = oneshot::channel::<()>();
    let server = Server::start(|listener: TcpListener| {
        serve(listener, async {
            let _ = shutdown.await;
        })
    })
    .await?;
    let mut client = server.connect().await?;
    client.send(b"before").await?;
    same_bytes("`before`", b"before", &client.read_bytes(6).await?)?;
    let _ = signal.send(());
    for _ in 0..5 {
        harness::tokio::task::yield_now().await;
    }
    if !server.is_running() {
        return fail(
            "after the shutdown signal, expected `serve` to wait for the open connection to end, \
             got it returned at once"
                .to_string(),
        );
    }
    client.send(b"after").await.map_err(after_shutdown)?;
    let got = client.read_bytes(5).await.map_err(after_shutdown)?;
    same_bytes("an echo after the shutdown signal", b"after", &got)?;
    client.shutdown_write().await?;
    client.expect_eof().await?;
    if until(Duration::from_secs(2), || (!server.is_running()).then_some(()))
        .await
        .is_none()
    {
        return fail(
            "expected `serve` to return once shutdown was signalled and the last connection \
             closed, got it still running 2 s later"
                .to_string(),
        );
    }
    match Client::connect(server.addr).await {
        Err(_) => Ok(()),
        Ok(_) => fail(
            "expected new connections refused once `serve` returned, got one accepted: is the \
             listener still open?"
                .to_string(),
        ),
    }
}

fn after_shutdown(failure: Failure) -> Failure {
    let (Failure::Fail(m) | Failure::Timeout(m)) = &failure;
    Failure::Fail(format!(
        "after the shutdown signal, expected the open connection to be served until it ends, got: \
         {m}"
    ))
}

//! Q1's `serve` over real TCP on `127.0.0.1:0`: a closed side once the client half-closed, 100
//! clients at once, the connection's log line, and shutdown. Timing is graded only in `shutdown`,
//! on a paused clock held still while the sockets work (`support::Still`).

use crate::support::{Still, accepting, expect_field, random_bytes, same_bytes, settle};
use challenge::server::serve;
use harness::futures::future::join_all;
use harness::tcp::{Client, Server};
use harness::time::{ms, show};
use harness::tokio::net::TcpListener;
use harness::tokio::sync::oneshot;
use harness::{Failure, Outcome, ensure, fail};
use std::time::Duration;

/// Runs `serve` on `127.0.0.1:0` with a shutdown signal that never comes.
async fn start() -> Outcome<Server> {
    Server::start(|listener: TcpListener| serve(listener, std::future::pending())).await
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
    let mut clients = server.connect_many(100).await?;
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

/// How long after the signal the open connection must still be served: just under the second
/// of grace the README sets as the least.
const GRACE_SEEN: Duration = ms(990);

/// After the shutdown signal, `serve` stops accepting at once (new clients are refused), serves
/// the open connection for at least a second of grace, returns `Ok(())` as soon as that connection
/// has ended, and nothing listens any more.
///
/// The clock is paused and held still while the sockets work, and moved by hand: the grace period
/// is judged in virtual time, and no timer of `serve`'s can fire while a byte is on its way.
pub(crate) async fn shutdown() -> Outcome {
    let (listener, addr) = harness::tcp::listen().await?;
    let _still = Still::hold(Duration::from_secs(5));
    let (signal, shutdown) = oneshot::channel::<()>();
    let serving = harness::tokio::spawn(serve(listener, async {
        let _ = shutdown.await;
    }));
    let mut client = Client::connect(addr).await?;
    client.send(b"before").await?;
    same_bytes("`before`", b"before", &client.read_bytes(6).await?)?;

    let _ = signal.send(());
    settle(20).await;
    ensure!(
        !serving.is_finished(),
        "after the shutdown signal, expected `serve` to wait for the open connection to end, got \
         it returned at once"
    );
    ensure!(
        !accepting(addr),
        "after the shutdown signal, expected new connections refused while the open one finishes, \
         got one taken into the listener's queue: drop the listener as soon as the signal comes, \
         not when `serve` returns"
    );

    harness::tokio::time::advance(GRACE_SEEN).await;
    settle(20).await;
    ensure!(
        !serving.is_finished(),
        "expected `serve` still waiting for the open connection {} after the shutdown signal (a \
         grace period of at least a second), got it returned",
        show(GRACE_SEEN)
    );
    client.send(b"after").await.map_err(after_shutdown)?;
    let got = client.read_bytes(5).await.map_err(after_shutdown)?;
    same_bytes(
        &format!("an echo {} after the shutdown signal", show(GRACE_SEEN)),
        b"after",
        &got,
    )?;
    client.shutdown_write().await?;
    client.expect_eof().await?;

    // The connection has ended, well within the grace period (the clock has not moved since).
    let start = std::time::Instant::now();
    while !serving.is_finished() {
        ensure!(
            start.elapsed() < Duration::from_secs(2),
            "expected `serve` to return as soon as the last open connection ended ({} after the \
             signal, within its grace period), got it still running 2 s (real time) later, the \
             clock held there: does it wait for the grace period to pass even when every \
             connection is done?",
            show(GRACE_SEEN)
        );
        harness::tokio::task::yield_now().await;
    }
    match serving.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => fail!("expected `serve` to return Ok(()) after shutdown, got Err({e})"),
        // A panic is the runner's to report.
        Err(e) => fail!("`serve` did not return: {e}"),
    }
    ensure!(
        !accepting(addr),
        "expected new connections refused once `serve` returned, got one accepted: is the listener \
         still open?"
    );
    Ok(())
}

fn after_shutdown(failure: Failure) -> Failure {
    let (Failure::Fail(m) | Failure::Timeout(m)) = &failure;
    Failure::Fail(format!(
        "after the shutdown signal, expected the open connection to be served until it ends, got: \
         {m}"
    ))
}

//! Q2, accept order: the log lists connections in the order they were accepted.
//!
//! Recording a visit in the connection's task instead of in the accept loop gives the order in
//! which tasks happen to start, which is the accept order most of the time. To see the difference
//! every time, the server runs on a runtime of its own with one worker thread, and that thread is
//! held while 20 clients connect: then the accept loop accepts all 20 in one go, and tokio runs
//! the task spawned last first (its "LIFO slot"), then the others.

use crate::support::*;
use challenge::q2;
use harness::tcp::Server;
use harness::tokio::runtime::{Builder, Runtime};
use harness::tokio::sync::oneshot;
use harness::{Failure, Outcome, fail};

/// How many clients connect while the server's thread is held.
const HELD: usize = 20;

/// The server's runtime, shut down (without waiting) when the check ends, however it ends.
struct OwnRuntime(Option<Runtime>);

impl Drop for OwnRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

pub(crate) async fn accept_order() -> Outcome {
    let runtime = match Builder::new_multi_thread().worker_threads(1).enable_all().build() {
        Ok(runtime) => OwnRuntime(Some(runtime)),
        Err(e) => return fail(format!("the check could not start a runtime: {e}")),
    };
    let Some(rt) = runtime.0.as_ref() else {
        return fail("the check lost its runtime");
    };
    let server = match rt.spawn(Server::start(q2::serve)).await {
        Ok(server) => server?,
        Err(e) => return fail(format!("the check could not start the server: {e}")),
    };
    // Hold the server's only thread until the first clients have all connected (the kernel
    // completes a connection before the server accepts it).
    let (held_tx, held_rx) = oneshot::channel();
    let (release, gate) = std::sync::mpsc::channel::<()>();
    rt.spawn(async move {
        let _ = held_tx.send(());
        let _ = gate.recv();
    });
    let _ = held_rx.await;

    let mut expected = Vec::new();
    let mut kept = Vec::new();
    for i in 0..HELD {
        let client = server.connect().await?;
        expected.push(client.local_addr().port());
        // Some are silent and gone before they are even accepted, the others silent and staying.
        if i % 4 != 1 {
            kept.push(client);
        }
    }
    let _ = release.send(());
    // Then, one at a time: invalid UTF-8 (whatever the reply, the connection counts), a silent
    // client that stays, and the requester.
    let mut bad = server.connect().await?;
    expected.push(bad.local_addr().port());
    bad.send(b"\xff\xfe\r\n").await.map_err(on(&server))?;
    let _ = bad.read_line().await;
    let silent = server.connect().await?;
    expected.push(silent.local_addr().port());
    kept.push(silent);
    let (requester, log) = show_log(&server).await?;
    expected.push(requester);
    let got = ports(&log);
    if got != expected {
        let how = if got.len() == expected.len() {
            " (the same clients in another order: record each connection in the accept loop, right \
             after `accept()` returns, not in its task, which may start later than the next one)"
        } else {
            " (record each connection when it is accepted, silent ones too, in a log that belongs to \
             this server)"
        };
        return Err(Failure::Fail(format!(
            "{HELD} clients connected one after the other (a quarter of them silent and gone at once, \
             the others silent and staying), then one sent invalid UTF-8, one stayed silent and one asked \
             for the log: expected the ports {expected:?} (accept order, the requester last), got {got:?}{how}"
        )));
    }
    drop(server);
    as_it_stands().await
}

/// The log is the history as it stands when the requester's line is read: a client accepted after
/// the requester connected, but before it asked, is in it, after the requester (who is then not
/// last: the log is not reordered, nor copied when the requester was accepted).
async fn as_it_stands() -> Outcome {
    let server = Server::start(q2::serve).await?;
    let mut requester = server.connect().await?;
    let me = requester.local_addr().port();
    // Served, so surely accepted (and recorded) before the requester asks.
    let (later, _) = ask(&server, b"hello\r\n").await?;
    let later = later.local_addr().port();
    requester.send(b"show log\r\n").await.map_err(on(&server))?;
    let line = read_log_reply(&mut requester).await.map_err(on(&server))?;
    let got = ports(&parse_log(&line)?);
    if got != [me, later] {
        fail!(
            "a client connected (port {me}) and stayed silent, another (port {later}) connected and was \
             answered, then the first asked for `show log`: expected the ports [{me}, {later}] (the log \
             as it stands when the line is read, in accept order, the requester not moved to the end), \
             got {got:?}"
        );
    }
    Ok(())
}

//! Helpers of the Q1 checks: start the learner's glue, wait for the record, judge a connection's life.

use crate::record::{Call, Conn, LIMIT, Recorder, Script};
use challenge::glue::serve;
use harness::tasks::Tasks;
use harness::tcp::{Client, Server};
use harness::time::{ms, until};
use harness::{Failure, Outcome, fail, show_bytes};
use std::net::SocketAddr;

/// The learner's `serve` with `recorder` as its factory, never shut down.
pub(crate) async fn start(recorder: &Recorder) -> Outcome<Server> {
    let factory = recorder.clone();
    Server::start(move |listener| serve(listener, factory, std::future::pending())).await
}

/// The learner's `serve` with `recorder` as its factory, on a listener whose connections have a
/// small send buffer (`SO_SNDBUF`, which accepted sockets inherit): the kernel takes a large write
/// a few KiB at a time, as a slow network would, so a write that is not sent whole shows.
pub(crate) async fn start_small_send(recorder: &Recorder) -> Outcome<Server> {
    let factory = recorder.clone();
    Server::start(move |listener| {
        small_send_buffer(&listener);
        serve(listener, factory, std::future::pending())
    })
    .await
}

/// Sets `SO_SNDBUF` of `listener` to 4 KiB (Linux doubles it) through a duplicate of its
/// descriptor; where that fails, the check is only less adversarial.
#[cfg(unix)]
fn small_send_buffer(listener: &harness::tokio::net::TcpListener) {
    use std::os::fd::AsFd;
    // A socket option belongs to the socket, not to the descriptor: setting it through a
    // duplicate (wrapped as a stream only to reach `TcpSocket`'s setter) sets the listener's.
    if let Ok(fd) = listener.as_fd().try_clone_to_owned() {
        let socket = harness::tokio::net::TcpSocket::from_std_stream(fd.into());
        let _ = socket.set_send_buffer_size(4096);
    }
}

#[cfg(not(unix))]
fn small_send_buffer(_listener: &harness::tokio::net::TcpListener) {}

/// `n` bytes that are not text: every byte value, in an order that shows a lost or moved piece.
pub(crate) fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 + i / 251) as u8).collect()
}

/// Waits until the protocol built for `peer` satisfies `ready`; fails at once if `serve` ended.
pub(crate) async fn wait_conn(
    server: &Server,
    recorder: &Recorder,
    peer: SocketAddr,
    what: &str,
    ready: impl Fn(&Conn) -> bool,
) -> Outcome<Conn> {
    let found = until(LIMIT, || {
        if !server.is_running() {
            return Some(None);
        }
        recorder.conn_for(peer).filter(|c| ready(c)).map(Some)
    })
    .await;
    match found {
        Some(Some(conn)) => Ok(conn),
        _ => {
            let seen = match recorder.conn_for(peer) {
                Some(conn) => format!("got {}", conn.summary()),
                None if recorder.conns().is_empty() => "got no `build_protocol` call at all".into(),
                None => format!(
                    "got protocols built for {:?} but none for {peer}",
                    recorder.conns().iter().map(|c| c.built_for).collect::<Vec<_>>()
                ),
            };
            Err(server.explain(Failure::Fail(format!(
                "expected {what} within {} s, {seen}",
                LIMIT.as_secs()
            ))))
        }
    }
}

/// The tasks alive once a server has started and settled: what is left when its connections are
/// done.
pub(crate) async fn settled() -> Tasks {
    Tasks::after(ms(20)).await
}

/// Waits until the connection from `peer` is over (its `connection_lost` recorded, the tasks of
/// the server back to `tasks`' baseline) and returns its record. `after` says what ended it.
pub(crate) async fn finished(
    server: &Server,
    recorder: &Recorder,
    peer: SocketAddr,
    tasks: &Tasks,
    after: &str,
) -> Outcome<Conn> {
    let what = format!("`connection_lost` {after}");
    wait_conn(server, recorder, peer, &what, |c| c.lost() > 0).await?;
    if let Err(left) = tasks.gone_within(LIMIT).await {
        let conn = recorder.conn_for(peer).unwrap_or_else(|| unreachable_conn(peer));
        return fail(format!(
            "`connection_lost` was called {after}, but {left} task(s) of the connection still ran \
             {} s later (calls: {}): when the connection is over, nothing of it may be left \
             running (a task waiting forever on `outbox.writes.next()`?)",
            LIMIT.as_secs(),
            conn.summary()
        ));
    }
    Ok(recorder.conn_for(peer).unwrap_or_else(|| unreachable_conn(peer)))
}

fn unreachable_conn(peer: SocketAddr) -> Conn {
    Conn {
        built_for: peer,
        calls: Vec::new(),
    }
}

/// `connection_made` first and once, `connection_lost` exactly once and last, with `Done` (or an
/// error when `reset`).
pub(crate) fn expect_life(conn: &Conn, after: &str, reset: bool) -> Outcome {
    let made = conn.count(|c| matches!(c, Call::Made { .. }));
    let first_is_made = matches!(conn.calls.first().map(|e| &e.call), Some(Call::Made { .. }));
    if made != 1 || !first_is_made {
        return fail(format!(
            "expected `connection_made` once, before anything else, got: {}",
            conn.summary()
        ));
    }
    match conn.lost() {
        1 => {}
        0 => {
            return fail(format!(
                "{after}: expected `connection_lost` exactly once, got no call to it: {}",
                conn.summary()
            ));
        }
        lost => {
            return fail(format!(
                "{after}: expected `connection_lost` exactly once, got it {lost} times: {} (is it \
                 called both where the loop ends and again on the way out?)",
                conn.summary()
            ));
        }
    }
    match conn
        .calls
        .iter()
        .rev()
        .find(|e| e.call != Call::Lose)
        .map(|e| &e.call)
    {
        Some(Call::Lost(Ok(()))) if !reset => Ok(()),
        Some(Call::Lost(Err(_))) if reset => Ok(()),
        Some(Call::Lost(Ok(()))) => fail(format!(
            "{after}: expected `connection_lost(Reason::Lost(error))`, got `Reason::Done`: a \
             failed read (here: connection reset) is no clean close"
        )),
        Some(Call::Lost(Err(e))) => fail(format!(
            "{after}: expected `connection_lost(Reason::Done)`, got `Reason::Lost({e})`"
        )),
        _ => fail(format!(
            "{after}: expected `connection_lost` to be the last callback, got: {}",
            conn.summary()
        )),
    }
}

/// Connects, has `hi` echoed (the glue is in its loop), and returns the client.
pub(crate) async fn echoed(server: &Server) -> Outcome<Client> {
    let mut client = server.connect().await?;
    client.send(b"hi").await?;
    let back = client.read_bytes(2).await?;
    if back != b"hi" {
        return fail(format!(
            "the protocol writes every chunk back; sent b\"hi\", got {}",
            show_bytes(&back)
        ));
    }
    Ok(client)
}

pub(crate) fn echo() -> Recorder {
    Recorder::new(Script {
        echo: true,
        ..Script::default()
    })
}

/// `failure` with its message rewritten by `f`, of the same kind.
pub(crate) fn reword(failure: Failure, f: impl FnOnce(String) -> String) -> Failure {
    match failure {
        Failure::Fail(m) => Failure::Fail(f(m)),
        Failure::Timeout(m) => Failure::Timeout(f(m)),
    }
}

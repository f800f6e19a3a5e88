//! Q3, the whole on real sockets: two learner nodes on `UdpSocket`s on loopback (real time, short
//! timeouts; loopback loses nothing, so this grades the plumbing, not the timing), and the `rudp`
//! binary's chat.

use challenge::{Config, Node};
use harness::exec;
use harness::time::within;
use harness::tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use harness::tokio::net::UdpSocket;
use harness::tokio::time::{Duration, timeout};
use harness::{Outcome, fail};
use std::sync::Arc;

const COUNT: usize = 100;

async fn udp_node() -> Outcome<Arc<Node>> {
    let socket = UdpSocket::bind("127.0.0.1:0")
        .await
        .or_else(|e| fail(format!("the check could not bind 127.0.0.1:0: {e}")))?;
    let config = Config {
        retry_timeout: Duration::from_millis(500),
        ..Config::default()
    };
    Node::new(socket, config)
        .map(Arc::new)
        .or_else(|e| fail(format!("`Node::new` on a UdpSocket failed: {e}")))
}

/// `from` sends COUNT messages to `to`; `to` must deliver them once, in order.
async fn one_way(from: Arc<Node>, to: Arc<Node>, name: &'static str) -> Outcome {
    let addr = to.local_addr();
    let all: Vec<_> = (0..COUNT)
        .map(|i| from.send_message(format!("{name}{i}").into_bytes(), addr))
        .collect();
    let sends = harness::tokio::spawn(harness::futures::future::join_all(all));
    for i in 0..COUNT {
        let expected = format!("{name}{i}");
        match within(Duration::from_secs(5), to.recv()).await {
            Some(Some((data, source))) if data == expected.as_bytes() && source == from.local_addr() => {}
            Some(Some((data, source))) => {
                return fail(format!(
                    "{COUNT} messages each way between two nodes on real UDP sockets: message {i} from {} should be \
                     `{expected}`, got `{}` from {source}",
                    from.local_addr(),
                    String::from_utf8_lossy(&data)
                ));
            }
            _ => {
                return fail(format!(
                    "{COUNT} messages each way on real UDP sockets: message {i} from {} (`{expected}`) not delivered within 5 s",
                    from.local_addr()
                ));
            }
        }
    }
    match within(Duration::from_secs(5), sends).await {
        Some(Ok(results)) if results.iter().all(Result::is_ok) => Ok(()),
        _ => fail(format!(
            "{COUNT} messages each way on real UDP sockets: all delivered, but not every send_message from {} gave Ok(()) within 5 s",
            from.local_addr()
        )),
    }
}

pub(crate) async fn real_udp() -> Outcome {
    let (a, b) = (udp_node().await?, udp_node().await?);
    let there = harness::tokio::spawn(one_way(a.clone(), b.clone(), "a"));
    let back = one_way(b, a, "b").await;
    match there.await {
        Ok(outcome) => outcome?,
        Err(_) => return fail("a node panicked"),
    }
    back
}

async fn free_port() -> Outcome<u16> {
    let socket = UdpSocket::bind("127.0.0.1:0")
        .await
        .or_else(|e| fail(format!("the check could not bind 127.0.0.1:0: {e}")))?;
    socket
        .local_addr()
        .map(|a| a.port())
        .or_else(|e| fail(format!("no local address: {e}")))
}

pub(crate) async fn chat() -> Outcome {
    // The learner's part first, in this process (a stub is `todo` here, not a failure of the binary).
    let (a, b) = (udp_node().await?, udp_node().await?);
    within(
        Duration::from_secs(5),
        a.send_message(&b"ping"[..], b.local_addr()),
    )
    .await
    .map_or_else(
        || fail("send_message on a real UDP socket did not complete within 5 s"),
        Ok,
    )?
    .or_else(|e| fail(format!("send_message on a real UDP socket: {e}")))?;
    let (pa, pb) = (free_port().await?, free_port().await?);
    let (addr_a, addr_b) = (format!("127.0.0.1:{pa}"), format!("127.0.0.1:{pb}"));
    let mut listener = exec::command(
        "rudp",
        &["chat", "--bind", &addr_b, "--peer", &addr_a, "--retry-ms", "200"],
    )?
    .spawn()
    .or_else(|e| fail(format!("could not start `rudp chat`: {e}")))?;
    let Some(stdout) = listener.stdout.take() else {
        return fail("no standard output from `rudp chat`");
    };
    let mut lines = BufReader::new(stdout).lines();
    // Wait for it to be up before the other one talks.
    match timeout(Duration::from_secs(10), lines.next_line()).await {
        Ok(Ok(Some(_))) => {}
        _ => {
            return fail(format!(
                "`rudp chat --bind {addr_b} --peer {addr_a}` printed nothing within 10 s"
            ));
        }
    }
    let mut talker = exec::command(
        "rudp",
        &["chat", "--bind", &addr_a, "--peer", &addr_b, "--retry-ms", "200"],
    )?
    .spawn()
    .or_else(|e| fail(format!("could not start `rudp chat`: {e}")))?;
    if let Some(mut stdin) = talker.stdin.take() {
        let _ = stdin.write_all(b"hello\nworld\n").await;
        let _ = stdin.shutdown().await;
    }
    let mut got = Vec::new();
    let wanted = [format!("{addr_a}: hello"), format!("{addr_a}: world")];
    while got.len() < 2 {
        match timeout(Duration::from_secs(10), lines.next_line()).await {
            Ok(Ok(Some(line))) if line.starts_with(&addr_a) => got.push(line),
            Ok(Ok(Some(_))) => {}
            _ => break,
        }
    }
    let _ = listener.kill().await;
    let _ = talker.kill().await;
    if got != wanted {
        return fail(format!(
            "`rudp chat` on {addr_a} with `hello` and `world` on standard input, to `rudp chat` on {addr_b}: expected \
             {wanted:?} printed by the second, got {got:?}"
        ));
    }
    Ok(())
}

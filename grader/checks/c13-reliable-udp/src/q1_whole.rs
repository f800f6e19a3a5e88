//! Q1, the whole sending side: 10,000 messages under 30 % loss, 10 % duplicates and reordering
//! with the checks' own receiver ([`Receiver`]) at the other end, then the learner's node on a
//! real UDP socket on loopback (real time, short timeouts: this grades the plumbing, not the
//! timing), alone and inside `rudp chat`.

use crate::reference::Receiver;
use crate::support::{Peer, config, node};
use challenge::wire::{self, Frame, WINDOW};
use challenge::{Config, Node};
use harness::exec;
use harness::netsim::{Faults, Network};
use harness::tokio::io::AsyncWriteExt;
use harness::tokio::net::UdpSocket;
use harness::tokio::time::{Duration, Instant, sleep, sleep_until};
use harness::{Outcome, fail};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

const SENT: usize = 10_000;
const SENDER_SEED: u64 = 4_711;

pub(crate) async fn sender_whole() -> Outcome {
    let net = Network::new(SENDER_SEED, Faults::lossy(0.3, 0.1, 0.1));
    // Recording on: every datagram's fate then follows from its bytes alone, whatever order the
    // node's tasks run in, so that a wrong answer fails (or not) the same way every run.
    // No outage in this run (Q3's part): the retries never run out.
    let first = u64::MAX - 4_999;
    let config = Config {
        retry_limit: 1_000_000,
        ..config(first)
    };
    let a = Arc::new(node(&net, "A", config)?);
    let b = Peer::new(&net, "B");
    let to = b.addr();
    let all: Vec<_> = (0..SENT)
        .map(|i| a.send_message(format!("m{i}").into_bytes(), to))
        .collect();
    let sends = harness::tokio::spawn(harness::futures::future::join_all(all));
    let mut receiver = Receiver::default();
    let mut delivered: Vec<(u64, Vec<u8>)> = Vec::with_capacity(SENT);
    let limit = Instant::now() + Duration::from_secs(48 * 3600);
    let mut buf = vec![0; 2048];
    let mut sends = sends;
    let results = loop {
        let (n, from) = harness::tokio::select! {
            biased;
            results = &mut sends => match results {
                Ok(results) => break results,
                Err(_) => return fail("send_message panicked"),
            },
            got = b.ep.recv_from(&mut buf) => match got {
                Ok(got) => got,
                Err(e) => return fail(format!("the simulated network failed: {e}")),
            },
            () = sleep_until(limit) => return fail(format!(
                "{SENT} messages from A to B under 30 % loss, 10 % duplicates and reordering: after 48 virtual hours, \
                 B has {} of them; network seed {SENDER_SEED}", delivered.len())),
        };
        if let Some(Frame::Message { seq, payload }) = challenge::wire::parse(&buf[..n]) {
            // The receiver's next number is never behind the sender's oldest unacknowledged one, so
            // a sender that keeps its window never sends WINDOW or more ahead of it.
            if let Some(next) = receiver.next()
                && (WINDOW..1 << 63).contains(&seq.wrapping_sub(next))
            {
                fail!(
                    "{SENT} messages from A to B under 30 % loss, 10 % duplicates and reordering: B expects {next} \
                     next (every message before it delivered), and A sent `{}` as {seq}, {} ahead: a sender keeps \
                     its messages less than {WINDOW} ahead of the oldest unacknowledged one (wrapping past \
                     u64::MAX); network seed {SENDER_SEED}",
                    String::from_utf8_lossy(&payload),
                    seq.wrapping_sub(next)
                );
            }
            let verdict = receiver.receive(seq, payload.to_vec());
            if verdict.ack {
                b.ack(seq, from).await?;
            }
            delivered.extend(verdict.deliver.into_iter().map(|p| (seq, p)));
        }
    };
    if let Some((i, r)) = results.iter().enumerate().find(|(_, r)| r.is_err()) {
        return fail(format!(
            "{SENT} messages from A to B under 30 % loss: send_message(m{i}) gave {r:?}, expected Ok(()); network seed {SENDER_SEED}"
        ));
    }
    for (i, (_, payload)) in delivered.iter().enumerate() {
        let expected = format!("m{i}");
        if payload != expected.as_bytes() {
            let text = String::from_utf8_lossy(payload);
            let earlier = delivered[..i].iter().position(|(_, p)| p == payload);
            let what = match earlier {
                Some(j) => {
                    format!("`{text}` again (first as message {j}): it was sent under two sequence numbers")
                }
                None => format!("`{text}`"),
            };
            return fail(format!(
                "{SENT} messages from A to B under 30 % loss, 10 % duplicates and reordering, B delivering them in \
                 sequence order: message {i} should be `{expected}`, B got {what}; network seed {SENDER_SEED}"
            ));
        }
    }
    if delivered.len() != SENT {
        return fail(format!(
            "{SENT} messages from A to B under 30 % loss: every send_message completed, but B has only {} of them \
             (a message was taken as acknowledged without being received); network seed {SENDER_SEED}",
            delivered.len()
        ));
    }
    Ok(())
}

/// A UDP socket on loopback, port 0.
pub(crate) async fn udp_socket() -> Outcome<UdpSocket> {
    match UdpSocket::bind("127.0.0.1:0").await {
        Ok(socket) => Ok(socket),
        Err(e) => fail!("the check could not bind 127.0.0.1:0: {e}"),
    }
}

/// The learner's node on a real UDP socket, with a 500 ms retry timeout.
pub(crate) async fn udp_node() -> Outcome<Arc<Node>> {
    let config = Config {
        retry_timeout: Duration::from_millis(500),
        ..Config::default()
    };
    match Node::new(udp_socket().await?, config) {
        Ok(node) => Ok(Arc::new(node)),
        Err(e) => fail!("`Node::new` on a UdpSocket failed: {e}"),
    }
}

/// A port on loopback that was free a moment ago, for a `rudp` process to bind.
pub(crate) async fn free_port() -> Outcome<u16> {
    match udp_socket().await?.local_addr() {
        Ok(addr) => Ok(addr.port()),
        Err(e) => fail!("no local address: {e}"),
    }
}

/// The checks' receiver on a real socket: acknowledges as the protocol says and collects what it
/// delivers, until `count` were delivered and `also` completed, or `limit` (real time) passed.
async fn reference_receiver<F: Future + Unpin>(
    socket: &UdpSocket,
    count: usize,
    limit: Duration,
    mut also: F,
) -> (Vec<(String, SocketAddr)>, Option<F::Output>) {
    let mut receiver = Receiver::default();
    let mut delivered = Vec::new();
    let mut result = None;
    let mut buf = vec![0; 2048];
    let end = sleep(limit);
    harness::tokio::pin!(end);
    while delivered.len() < count || result.is_none() {
        harness::tokio::select! {
            got = socket.recv_from(&mut buf) => {
                let Ok((n, from)) = got else { continue };
                if let Some(Frame::Message { seq, payload }) = wire::parse(&buf[..n]) {
                    let verdict = receiver.receive(seq, payload.to_vec());
                    if verdict.ack {
                        let _ = socket.send_to(&wire::ack(seq), from).await;
                    }
                    delivered.extend(
                        verdict.deliver.into_iter().map(|p| (String::from_utf8_lossy(&p).into_owned(), from)),
                    );
                }
            }
            out = &mut also, if result.is_none() => result = Some(out),
            () = &mut end => break,
        }
    }
    (delivered, result)
}

pub(crate) async fn real_udp() -> Outcome {
    const COUNT: usize = 100;
    let a = udp_node().await?;
    let b = udp_socket().await?;
    let to = match b.local_addr() {
        Ok(addr) => addr,
        Err(e) => fail!("no local address: {e}"),
    };
    let all: Vec<_> = (0..COUNT)
        .map(|i| a.send_message(format!("a{i}").into_bytes(), to))
        .collect();
    let sends = harness::tokio::spawn(harness::futures::future::join_all(all));
    let (delivered, results) = reference_receiver(&b, COUNT, Duration::from_secs(5), sends).await;
    let texts: Vec<&str> = delivered.iter().map(|(t, _)| t.as_str()).collect();
    let expected: Vec<String> = (0..COUNT).map(|i| format!("a{i}")).collect();
    if texts != expected || delivered.iter().any(|(_, from)| *from != a.local_addr()) {
        fail!(
            "your node on a real UDP socket sent a0…a99 to the check's receiver: expected them delivered once each, in \
             order, from {}; got {} messages within 5 s: {}",
            a.local_addr(),
            delivered.len(),
            texts.iter().take(12).copied().collect::<Vec<_>>().join(", ")
        );
    }
    match results {
        Some(Ok(results)) if results.iter().all(Result::is_ok) => {}
        Some(Ok(results)) => fail!(
            "your node on a real UDP socket sent 100 messages, all received and acknowledged: expected every \
             send_message to give Ok(()), got {:?}",
            results.iter().find(|r| r.is_err())
        ),
        Some(Err(_)) => fail!("send_message panicked"),
        None => fail!(
            "your node on a real UDP socket sent 100 messages, all received and acknowledged: not every send_message \
             had completed 5 s later"
        ),
    }
    // `rudp chat` sends the lines of its standard input to its peer: the check.
    let peer = udp_socket().await?;
    let peer_addr = match peer.local_addr() {
        Ok(addr) => addr.to_string(),
        Err(e) => fail!("no local address: {e}"),
    };
    let bind = format!("127.0.0.1:{}", free_port().await?);
    let args = ["chat", "--bind", &bind, "--peer", &peer_addr, "--retry-ms", "200"];
    let mut chat = exec::command("rudp", &args)?
        .spawn()
        .or_else(|e| fail(format!("could not start `rudp chat`: {e}")))?;
    if let Some(mut stdin) = chat.stdin.take() {
        let _ = stdin.write_all(b"hello\nworld\n").await;
        let _ = stdin.shutdown().await;
    }
    let (delivered, _) = reference_receiver(&peer, 2, Duration::from_secs(10), std::future::ready(())).await;
    let _ = chat.kill().await;
    let texts: Vec<&str> = delivered.iter().map(|(t, _)| t.as_str()).collect();
    if texts != ["hello", "world"] {
        fail!(
            "`{}` with `hello` and `world` on its standard input: expected the check's receiver at {peer_addr} to get \
             them, once each, in order, got {texts:?} within 10 s",
            exec::shown_command("rudp", &args)
        );
    }
    Ok(())
}

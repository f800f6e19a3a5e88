//! Q2, the whole receiving side: memory over tens of thousands of messages (the learner's `Inbox`
//! called directly), 10,000 messages under loss, duplicates and reordering from the checks' own
//! sender ([`Outbox`]), then the learner's node on a real UDP socket on loopback, alone and inside
//! `rudp chat`.

use crate::q1_whole::{free_port, udp_node, udp_socket};
use crate::reference::Outbox;
use crate::support::{Peer, config, node};
use challenge::receiver::Inbox;
use challenge::wire::{self, Frame, WINDOW};
use harness::exec;
use harness::netsim::{Faults, Network};
use harness::tokio::io::{AsyncBufReadExt, BufReader};
use harness::tokio::time::{Duration, MissedTickBehavior, interval, sleep, timeout};
use harness::{Outcome, fail};

/// Feeds `inbox` `count` messages from `*next` on: in blocks of 32 sent backwards (31 early, then
/// the one that releases them), each with a duplicate and a late copy; between blocks, numbers far
/// ahead (ignored) and far behind (acknowledged). How many were delivered.
fn feed(inbox: &mut Inbox, next: &mut u64, count: u64, stray: &mut u64) -> usize {
    let mut delivered = 0;
    for _ in 0..count / WINDOW {
        for i in (0..WINDOW).rev() {
            let seq = next.wrapping_add(i);
            delivered += inbox.receive(seq, b"0123456789".to_vec().into()).deliver.len();
            delivered += inbox.receive(seq, b"0123456789".to_vec().into()).deliver.len();
        }
        *next = next.wrapping_add(WINDOW);
        // A late copy, and numbers nobody will reach: far ahead (not kept) and far behind.
        delivered += inbox
            .receive(next.wrapping_sub(1), b"late".to_vec().into())
            .deliver
            .len();
        for _ in 0..2 {
            *stray += 1;
            let far = next.wrapping_add(1 << 40).wrapping_add(*stray * 64);
            delivered += inbox.receive(far, b"far ahead".to_vec().into()).deliver.len();
            let behind = next.wrapping_sub(1 << 40).wrapping_sub(*stray * 64);
            delivered += inbox.receive(behind, b"behind".to_vec().into()).deliver.len();
        }
    }
    delivered
}

pub(crate) async fn bounded_memory() -> Outcome {
    let mut inbox = Inbox::default();
    let start = u64::MAX - 1000;
    // The first number seen is the start: it goes first, alone.
    let _ = inbox.receive(start, b"start".to_vec().into());
    let mut next = start.wrapping_add(1);
    let mut stray = 0;
    feed(&mut inbox, &mut next, 2_048, &mut stray);
    let Some(before) = harness::memory::live_bytes() else {
        fail!("the check cannot measure memory: the counting allocator is not installed");
    };
    let delivered = feed(&mut inbox, &mut next, 32_000, &mut stray);
    let after = harness::memory::live_bytes().unwrap_or(0);
    let grown = after.saturating_sub(before);
    if grown > 64 * 1024 {
        fail!(
            "`Inbox::receive` given 32,000 messages from one sender (each twice, 31 of every 32 early), a late \
             copy after each 32 and 2,000 numbers far ahead (2^40: ignored, not kept) and 2,000 far behind: the \
             inbox grew by {} KiB (more than 64 KiB): what it keeps must not grow with the messages (the next \
             number expected and fewer than {WINDOW} early messages are enough){}",
            grown / 1024,
            if delivered == 32_000 {
                String::new()
            } else {
                format!("; it delivered {delivered} of them")
            }
        );
    }
    Ok(())
}

const WHOLE: u64 = 10_000;
const RECEIVER_SEED: u64 = 4_712;

pub(crate) async fn receiver_whole() -> Outcome {
    let net = Network::new(RECEIVER_SEED, Faults::lossy(0.3, 0.1, 0.1));
    // Recording on: every datagram's fate then follows from its bytes alone, whatever order the
    // node's tasks run in, so that a wrong answer fails (or not) the same way every run.
    let a = node(&net, "A", config(1))?;
    let s = Peer::new(&net, "S");
    let to = a.local_addr();
    let payload = |i: u64| format!("m{i}");
    // The check's sender: the first message alone, then a window of WINDOW from the oldest
    // unacknowledged; everything unacknowledged resent every 200 ms.
    let mut outbox = Outbox::new(
        u64::MAX - 4_999,
        (0..WHOLE).map(|i| payload(i).into_bytes()).collect(),
    );
    let mut got: Vec<String> = Vec::new();
    let mut buf = vec![0; 64];
    let mut tick = interval(Duration::from_millis(200));
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    while !outbox.all_acked() || (got.len() as u64) < WHOLE {
        for (seq, data) in outbox.fresh() {
            s.message(seq, &data, to).await?;
        }
        harness::tokio::select! {
            biased;
            _ = tick.tick() => {
                for (seq, data) in outbox.due() {
                    s.message(seq, &data, to).await?;
                }
                if outbox.most_resends > 60 {
                    fail!(
                        "{WHOLE} messages from S to A under 30 % loss, 10 % duplicates and reordering: S sent message \
                         {} ({}) 60 times, 200 ms apart, and A acknowledged none of the copies that reached it; A \
                         delivered {} messages; network seed {RECEIVER_SEED}",
                        outbox.oldest(), payload(outbox.oldest() as u64), got.len()
                    );
                }
            }
            ack = s.ep.recv_from(&mut buf) => {
                if let Ok((n, _)) = ack
                    && let Some(Frame::Ack { seq }) = wire::parse(&buf[..n])
                {
                    outbox.ack(seq);
                }
            }
            message = a.recv() => {
                let Some((data, _)) = message else { fail!("A's `recv` ended (`None`) while messages were coming") };
                let text = String::from_utf8_lossy(&data).into_owned();
                let i = got.len() as u64;
                if text != payload(i) {
                    let what = match got.iter().position(|t| *t == text) {
                        Some(j) => format!("`{text}` again (delivered before as message {j})"),
                        None => format!("`{text}`"),
                    };
                    fail!(
                        "{WHOLE} messages from S to A under 30 % loss, 10 % duplicates and reordering: message {i} \
                         delivered should be `{}`, A delivered {what}; network seed {RECEIVER_SEED}",
                        payload(i)
                    );
                }
                got.push(text);
            }
        }
    }
    if let Ok(Some((data, _))) = timeout(Duration::from_secs(1), a.recv()).await {
        fail!(
            "{WHOLE} messages from S to A under loss: all {WHOLE} delivered, then `{}` again; network seed {RECEIVER_SEED}",
            String::from_utf8_lossy(&data)
        );
    }
    Ok(())
}

pub(crate) async fn real_udp_receive() -> Outcome {
    const COUNT: u64 = 100;
    let a = udp_node().await?;
    let s = udp_socket().await?;
    let s_addr = match s.local_addr() {
        Ok(addr) => addr,
        Err(e) => fail!("no local address: {e}"),
    };
    let to = a.local_addr();
    let mut outbox = Outbox::new(
        u64::MAX - 49,
        (0..COUNT).map(|i| format!("s{i}").into_bytes()).collect(),
    );
    let mut got: Vec<String> = Vec::new();
    let mut buf = vec![0; 64];
    let mut tick = interval(Duration::from_millis(100));
    tick.tick().await;
    let end = sleep(Duration::from_secs(5));
    harness::tokio::pin!(end);
    while !outbox.all_acked() || (got.len() as u64) < COUNT {
        for (seq, data) in outbox.fresh() {
            let _ = s.send_to(&wire::message(seq, &data), to).await;
        }
        harness::tokio::select! {
            _ = tick.tick() => {
                for (seq, data) in outbox.due() {
                    let _ = s.send_to(&wire::message(seq, &data), to).await;
                }
            }
            ack = s.recv_from(&mut buf) => {
                if let Ok((n, _)) = ack && let Some(Frame::Ack { seq }) = wire::parse(&buf[..n]) {
                    outbox.ack(seq);
                }
            }
            message = a.recv() => {
                let Some((data, from)) = message else { fail!("A's `recv` ended (`None`) while messages were coming") };
                let text = String::from_utf8_lossy(&data).into_owned();
                let expected = format!("s{}", got.len());
                if text != expected || from != s_addr {
                    fail!(
                        "the check sent s0…s99 from {s_addr} to your node on a real UDP socket: message {} delivered \
                         should be `{expected}` from {s_addr}, got `{text}` from {from}",
                        got.len()
                    );
                }
                got.push(text);
            }
            () = &mut end => fail!(
                "the check sent s0…s99 from {s_addr} to your node on a real UDP socket: after 5 s, {} delivered and {} \
                 acknowledged in a row",
                got.len(),
                outbox.oldest()
            ),
        }
    }
    // `rudp chat` prints what its peer (the check) sends it.
    let peer = udp_socket().await?;
    let peer_addr = match peer.local_addr() {
        Ok(addr) => addr,
        Err(e) => fail!("no local address: {e}"),
    };
    let port = free_port().await?;
    let bind = format!("127.0.0.1:{port}");
    let peer_text = peer_addr.to_string();
    let args = ["chat", "--bind", &bind, "--peer", &peer_text, "--retry-ms", "200"];
    let mut chat = exec::command("rudp", &args)?
        .spawn()
        .or_else(|e| harness::fail(format!("could not start `rudp chat`: {e}")))?;
    let Some(stdout) = chat.stdout.take() else {
        fail!("no standard output from `rudp chat`");
    };
    let mut lines = BufReader::new(stdout).lines();
    // It prints a line once its socket is bound.
    if !matches!(
        timeout(Duration::from_secs(10), lines.next_line()).await,
        Ok(Ok(Some(_)))
    ) {
        let _ = chat.kill().await;
        fail!(
            "`{}` printed nothing within 10 s",
            exec::shown_command("rudp", &args)
        );
    }
    let chat_addr: std::net::SocketAddr = match bind.parse() {
        Ok(addr) => addr,
        Err(e) => fail!("{bind}: {e}"),
    };
    let mut outbox = Outbox::new(7, vec![b"hello".to_vec(), b"world".to_vec()]);
    let wanted = [format!("{peer_addr}: hello"), format!("{peer_addr}: world")];
    let mut printed: Vec<String> = Vec::new();
    let end = sleep(Duration::from_secs(10));
    harness::tokio::pin!(end);
    while printed.len() < 2 {
        for (seq, data) in outbox.fresh() {
            let _ = peer.send_to(&wire::message(seq, &data), chat_addr).await;
        }
        harness::tokio::select! {
            _ = tick.tick() => {
                for (seq, data) in outbox.due() {
                    let _ = peer.send_to(&wire::message(seq, &data), chat_addr).await;
                }
            }
            ack = peer.recv_from(&mut buf) => {
                if let Ok((n, _)) = ack && let Some(Frame::Ack { seq }) = wire::parse(&buf[..n]) {
                    outbox.ack(seq);
                }
            }
            line = lines.next_line() => match line {
                Ok(Some(line)) if line.starts_with(&peer_addr.to_string()) => printed.push(line),
                Ok(Some(_)) => {}
                _ => break,
            },
            () = &mut end => break,
        }
    }
    let _ = chat.kill().await;
    if printed != wanted {
        fail!(
            "the check at {peer_addr} sent `hello` and `world` to `{}`: expected it to print {wanted:?}, got {printed:?} \
             within 10 s",
            exec::shown_command("rudp", &args)
        );
    }
    Ok(())
}

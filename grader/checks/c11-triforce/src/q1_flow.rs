//! Q1, the glue under flow control: a write the socket takes a piece at a time is sent whole, and
//! under a peer that never reads, the glue reads nothing while there are bytes to send, so the
//! protocol's outbox cannot grow without bound.

use crate::q1_common::{pattern, start, start_small_send};
use crate::record::{LIMIT, Recorder, Script};
use harness::tcp::Connect;
use harness::time::{ms, show};
use harness::tokio::io::{AsyncReadExt, AsyncWriteExt};
use harness::tokio::time::{Instant, timeout};
use harness::{Outcome, fail};

/// How much a glue may hand `data_received` while the peer reads none of the echo: the socket
/// buffers on both sides (Linux lets a send buffer grow to 4 MiB) and a read buffer, with room.
const BOUND: usize = 16 * 1024 * 1024;

/// Stop sending once a write has made no progress for this long: the glue has stopped reading.
const STALL: std::time::Duration = ms(100);

pub(crate) async fn backpressure() -> Outcome {
    // An echo protocol, and a client that sends without ever reading the echo (with a small
    // receive buffer): once the echo's writes wait on the client, a glue that goes on reading
    // feeds `data_received` without end, and the protocol queues the echo in its outbox.
    let recorder = Recorder::new(Script {
        echo: true,
        sink: true,
        ..Script::default()
    });
    let server = start(&recorder).await?;
    let mut client = server
        .connect_with(Connect {
            receive_buffer: Some(4096),
        })
        .await?;
    let chunk = vec![b'x'; 64 * 1024];
    let started = Instant::now();
    let mut sent = 0usize;
    loop {
        if recorder.received() > BOUND {
            fail!(
                "a client sent without reading what the protocol echoed; the glue went on reading: \
                 `data_received` got {} MiB ({} MiB sent) in {} while the echo could not be sent. \
                 Expected it to stop reading while it has bytes to send (at most {} MiB went \
                 through): the outbox has no limit of its own",
                recorder.received() >> 20,
                sent >> 20,
                show(started.elapsed()),
                BOUND >> 20
            );
        }
        match timeout(STALL, client.stream().write(&chunk)).await {
            Ok(Ok(n)) => sent += n,
            // The glue stopped reading (the writes wait), or closed: either way it is bounded.
            Ok(Err(_)) | Err(_) => break,
        }
    }
    if !server.is_running() {
        fail!("`serve` ended while a client sent without reading");
    }
    Ok(())
}

/// A write larger than the socket takes at once (a small send buffer, a client with a small
/// receive buffer): the glue sends it whole, then what the protocol writes next.
pub(crate) async fn large_write() -> Outcome {
    let mut big = pattern(256 * 1024);
    big.extend_from_slice(b"\r\n");
    let later = b"later\r\n".to_vec();
    let recorder = Recorder::new(Script {
        greet: big.clone(),
        later: Some(later.clone()),
        ..Script::default()
    });
    let server = start_small_send(&recorder).await?;
    let mut client = server
        .connect_with(Connect {
            receive_buffer: Some(4096),
        })
        .await?;
    let expected = [&big[..], &later].concat();
    let when = "the protocol writes 256 KiB in one `write` in `connection_made` (more than the socket \
                takes at once), and `later\\r\\n` 30 ms after from a thread";
    let mut got = Vec::new();
    let mut buf = vec![0u8; 8192];
    while got.len() < expected.len() && !got.ends_with(&later) {
        match timeout(LIMIT, client.stream().read(&mut buf)).await {
            Ok(Ok(0)) => break,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Ok(Err(e)) => fail!("{when}: the connection failed after {} bytes: {e}", got.len()),
            Err(_) => fail!(
                "{when}: expected {} bytes, got {} and nothing more within {} s",
                expected.len(),
                got.len(),
                LIMIT.as_secs()
            ),
        }
    }
    if got != expected {
        fail!(
            "{when}: {} (a socket's `write` may take only part of what it is given and say how \
             much: `write_all` sends the rest)",
            harness::bytes_differ(&expected, &got)
        );
    }
    Ok(())
}

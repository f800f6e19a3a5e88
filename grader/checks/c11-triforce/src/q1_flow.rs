//! Q1, the glue under a peer that never reads: while there are bytes to send, the glue reads
//! nothing, so the protocol's outbox cannot grow without bound.

use crate::q1_common::start;
use crate::record::{Recorder, Script};
use harness::tcp::Connect;
use harness::time::{ms, show};
use harness::tokio::io::AsyncWriteExt;
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

//! Q2: the server, with its log file.

use crate::codec::PeerCodec;
use crate::message::Message;
use futures::{SinkExt, StreamExt};
use std::future::Future;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;
use tokio::fs::File;
use tokio::io::{AsyncWriteExt, BufWriter};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::codec::Framed;

/// How many log lines may wait for the file: past that, connections wait before they ack.
const LOG_QUEUE: usize = 1024;

/// Q2: the peer server.
///
/// - Creates the log file at `log_path` (or empties it) before it accepts anyone: Twisted's
///   `startFactory`.
/// - For each connection, writes `Connected from <peer>` + `\n` to `out`, sends
///   `<connection up>`, then answers every `<update>` with `<Ack>`, after appending the line
///   `<peer> +<seconds since that connection was accepted, 3 decimals>s update` to the log. Other
///   messages are ignored; a connection ends when the peer closes it, and a token over 1 KiB (a
///   decoding error) closes it. Each connection runs in a task of its own.
/// - When `shutdown` completes (`stopFactory`): stops accepting, closes every connection, writes
///   every line of an acknowledged update to the log, flushes and closes it, and returns `Ok(())`.
pub async fn serve<W, F>(
    listener: TcpListener,
    log_path: impl AsRef<Path>,
    mut out: W,
    shutdown: F,
) -> io::Result<()>
where
    W: Write,
    F: Future<Output = ()>,
{
    // One task owns the file; connections send it their lines. Nobody holds a lock on the file,
    // and a slow disk slows down acks (the queue is bounded) instead of filling memory.
    let file = File::create(log_path.as_ref()).await?;
    let (lines, queued) = mpsc::channel(LOG_QUEUE);
    let writer = tokio::spawn(write_log(file, queued));
    // The connections' tasks, so that shutdown can close them all.
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            // `biased`: once shutdown has come, nobody else is accepted.
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    // Like `print`: a closed standard output is no reason to stop serving.
                    let _ = writeln!(out, "Connected from {peer}");
                    connections.spawn(connection(stream, peer, lines.clone()));
                }
                Err(e) => {
                    // Out of file descriptors, say: wait a little instead of spinning.
                    eprintln!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            // Forget finished connections, or the set would grow with every client ever seen.
            Some(_) = connections.join_next() => {}
        }
    }
    // Abort every connection and wait until they are gone: their senders are dropped with them.
    connections.shutdown().await;
    drop(lines);
    // The writer ends when the last sender is gone, after writing what was queued.
    writer.await.map_err(io::Error::other)?
}

/// One connection: greet, then ack every update once its line is queued for the log.
async fn connection(stream: TcpStream, peer: SocketAddr, log: mpsc::Sender<String>) -> io::Result<()> {
    let opened = Instant::now();
    let mut peer_stream = Framed::new(stream, PeerCodec);
    peer_stream.send(Message::ConnectionUp).await?;
    // `None` when the peer closed; `Some(Err(_))` for a read error or a token over 1 KiB: `?`
    // ends the task, and dropping the stream closes the connection.
    while let Some(message) = peer_stream.next().await {
        if message? != Message::Update {
            continue;
        }
        let line = format!("{peer} +{:.3}s update\n", opened.elapsed().as_secs_f64());
        // Queued before the ack: an update the peer saw acknowledged is in the log.
        if log.send(line).await.is_err() {
            // The writer has stopped (the log could not be written): ack nothing more.
            return Ok(());
        }
        peer_stream.send(Message::Ack).await?;
    }
    Ok(())
}

/// Writes the queued lines to the log until every sender is gone, then flushes it.
async fn write_log(file: File, mut lines: mpsc::Receiver<String>) -> io::Result<()> {
    let mut log = BufWriter::new(file);
    while let Some(line) = lines.recv().await {
        log.write_all(line.as_bytes()).await?;
    }
    // Neither tokio's `BufWriter` nor its `File` writes anything on drop: whatever is not flushed
    // is lost. After the flush, dropping the file closes it.
    log.flush().await
}

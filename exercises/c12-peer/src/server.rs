//! Q2: the server, with its log file.

use std::future::Future;
use std::io::{self, Write};
use std::path::Path;
use tokio::net::TcpListener;

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
    out: W,
    shutdown: F,
) -> io::Result<()>
where
    W: Write,
    F: Future<Output = ()>,
{
    // TODO(Q2): `tokio::fs::File::create`; one task that owns the file (in a `BufWriter`) and
    // receives lines from an `mpsc` channel; `Framed::new(stream, PeerCodec::default())` per
    // connection, in a `JoinSet`; `select!` between `shutdown` and `accept`. See the README's
    // hints on shutdown.
    let _ = (listener, log_path.as_ref(), out, shutdown);
    todo!("serve peers and log their updates")
}

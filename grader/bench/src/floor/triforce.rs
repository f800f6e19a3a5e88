//! c11's floor: `ObstinateProtocol` without the glue. Each connection reads into a fixed 4 KiB
//! buffer, counts the `\n`s of each read and writes that many `no\r\n` from a static buffer (one
//! write per read of up to 256 lines; no queue, no allocation), and at the client's end of stream
//! shuts down its side. It skips what the checks grade and the bench does not drive: protocols and factories,
//! `lose_connection`, draining after the close, shutdown.

use futures::future::BoxFuture;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// How many replies one write carries at most.
const BATCH: usize = 256;

/// `no\r\n`, [`BATCH`] times.
static REPLIES: [u8; 4 * BATCH] = {
    let mut replies = [0u8; 4 * BATCH];
    let mut i = 0;
    while i < replies.len() {
        replies[i] = b"no\r\n"[i % 4];
        i += 1;
    }
    replies
};

pub fn serve(listener: TcpListener) -> BoxFuture<'static, ()> {
    Box::pin(super::accept_loop(listener, |mut stream, _peer| async move {
        let mut buf = [0u8; 4096];
        loop {
            let n = match stream.read(&mut buf).await {
                Ok(0) => {
                    let _ = stream.shutdown().await;
                    return;
                }
                Ok(n) => n,
                Err(_) => return,
            };
            let mut lines = buf[..n].iter().filter(|&&byte| byte == b'\n').count();
            while lines > 0 {
                let now = lines.min(BATCH);
                if stream.write_all(&REPLIES[..4 * now]).await.is_err() {
                    return;
                }
                lines -= now;
            }
        }
    }))
}

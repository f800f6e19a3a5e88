//! c10's floor: read into a fixed 4 KiB buffer, write back what was read (one `write_all` per
//! read), and at the client's end of stream shut down the write side. It skips what the checks
//! grade and the bench does not drive: logging, the accept loop's shutdown and grace period.

use futures::future::BoxFuture;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub fn serve(listener: TcpListener) -> BoxFuture<'static, ()> {
    Box::pin(super::accept_loop(listener, |mut stream, _peer| async move {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) => {
                    let _ = stream.shutdown().await;
                    return;
                }
                Ok(n) => {
                    if stream.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                }
                Err(_) => return,
            }
        }
    }))
}

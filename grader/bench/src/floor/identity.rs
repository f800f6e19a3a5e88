//! c01's floor: read one line, reply, shut down the write side, then drain what the client still
//! sends (the graceful close that a reply must survive).

use futures::future::BoxFuture;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub fn serve(listener: TcpListener) -> BoxFuture<'static, ()> {
    Box::pin(super::accept_loop(listener, |mut stream, peer| async move {
        let mut buf = [0u8; 1024];
        let mut len = 0;
        loop {
            match stream.read(&mut buf[len..]).await {
                Ok(0) => break,
                Ok(n) => {
                    len += n;
                    if buf[..len].contains(&b'\n') || len == buf.len() {
                        break;
                    }
                }
                Err(_) => return,
            }
        }
        let line = buf[..len].split(|b| *b == b'\n').next().unwrap_or_default();
        let text = String::from_utf8_lossy(line);
        let reply = format!(
            "You are from {} on port {}, saying \"{}\"\r\n",
            peer.ip(),
            peer.port(),
            text.trim()
        );
        if stream.write_all(reply.as_bytes()).await.is_err() || stream.shutdown().await.is_err() {
            return;
        }
        while let Ok(n) = stream.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    }))
}

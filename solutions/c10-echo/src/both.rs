//! Q3: server and client in one process, the tutorial's `main`.

use crate::{client, server};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// Q3: runs the server on `listener` and the client against the address it is bound to (loopback
/// on the same port, `127.0.0.1` or `::1`, when that is the unspecified `0.0.0.0` or `::`), sends
/// `message`, then shuts the server down and waits for [`server::serve`] to return. Returns the
/// client's result: the echoed bytes.
pub async fn both(listener: TcpListener, message: &str) -> io::Result<Vec<u8>> {
    // With `--port 0` the system picks the port: ask the listener which one it is.
    let addr = connectable(listener.local_addr()?);
    let (client_done, shutdown) = oneshot::channel::<()>();
    let server = server::serve(listener, async {
        // Sent when the client is done; an error means the sender is gone, which is as good.
        let _ = shutdown.await;
    });
    let client = async {
        let echoed = client::run(addr, message).await;
        let _ = client_done.send(());
        echoed
    };
    // Both on this task, side by side; `serve` spawns the connection's task. `join!` waits for
    // both, so the server's last log lines are written before we return (and the process exits).
    let (served, echoed) = tokio::join!(server, client);
    served?;
    echoed
}

/// Where a client reaches a listener bound to `addr`: `addr` itself, except that the unspecified
/// address (`0.0.0.0`, `::`: "every interface") names no host to connect to; loopback on the same
/// port reaches the listener on any system (Linux also takes `0.0.0.0` as loopback, Windows not).
fn connectable(mut addr: SocketAddr) -> SocketAddr {
    if addr.ip().is_unspecified() {
        let loopback = match addr.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        };
        addr.set_ip(loopback);
    }
    addr
}

#[cfg(test)]
mod tests {
    use super::connectable;

    #[test]
    fn unspecified_addresses_become_loopback_on_the_same_port() {
        let cases = [
            ("0.0.0.0:16000", "127.0.0.1:16000"),
            ("[::]:16000", "[::1]:16000"),
            ("127.0.0.1:16000", "127.0.0.1:16000"),
            ("192.0.2.7:80", "192.0.2.7:80"),
        ];
        for (bound, reached) in cases {
            let bound = bound.parse().expect("a socket address");
            assert_eq!(connectable(bound), reached.parse().expect("a socket address"));
        }
    }
}

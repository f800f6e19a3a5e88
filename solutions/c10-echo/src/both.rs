//! Q3: server and client in one process, the tutorial's `main`.

use crate::{client, server};
use std::io;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// Q3: runs the server on `listener` and the client against the address it is bound to, sends
/// `message`, then shuts the server down and waits for [`server::serve`] to return. Returns the
/// client's result: the echoed bytes.
pub async fn both(listener: TcpListener, message: &str) -> io::Result<Vec<u8>> {
    // With `--port 0` the system picks the port: ask the listener which one it is.
    let addr = listener.local_addr()?;
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

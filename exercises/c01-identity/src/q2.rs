//! Q2: the identity server with a memory: `show log`.

use serde::Serialize;
use std::io;
use tokio::net::TcpListener;

/// One entry of the log: who connected. With `serde_json::to_string` it becomes
/// `{"ip":"127.0.0.1","port":50000}` (keys in field order, the port as a number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Visit {
    pub ip: String,
    pub port: u16,
}

/// Q2: the Q1 server, plus a log of every accepted connection, as a [`Visit`], in accept order:
/// recorded in the accept loop when the connection is accepted (not later in its task), so silent
/// clients count too. The log belongs to this server: created in `serve`, not a `static`.
///
/// A client whose line is exactly `show log` once trimmed (`SHOW LOG`, `show logs` are not) gets
/// the whole log as it stands when its line is read, as minified JSON + `\r\n` —
/// `[{"ip":"127.0.0.1","port":50000},…]`, the requester in it (last, unless others connected after
/// it) — then the connection closes as in Q1 (gracefully, even if the client is still sending).
/// Any other line gets the Q1 reply.
pub async fn serve(listener: TcpListener) -> io::Result<()> {
    // TODO(Q2): one `Arc<Mutex<Vec<Visit>>>` per server, pushed to right after `accept()`, a clone
    // of the `Arc` in each task. Never keep the lock across an `.await` (a `show log` client still
    // connected would hold up every new client). Q1's code can be reused.
    let _ = listener;
    todo!("serve identity replies and the log")
}

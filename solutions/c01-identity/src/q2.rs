//! Q2: the identity server with a memory. Every accepted connection is written in a log shared by
//! all connections (Twisted keeps it on the Factory); `show log` gets the log as JSON.

use crate::q1::{accept, identity, read_request, reply_and_close};
use serde::Serialize;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpStream};

/// One entry of the log: who connected. Serialized as `{"ip":"127.0.0.1","port":50000}` (keys in
/// field order, the port as a number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Visit {
    pub ip: String,
    pub port: u16,
}

/// The log, shared by the accept loop and every connection's task.
type Log = Arc<Mutex<Vec<Visit>>>;

/// Q2: the Q1 server, plus a log of every accepted connection `{ip, port}` in accept order, silent
/// ones included. A client whose line is `show log` (after trimming, case-sensitive) gets the log
/// as it stands when that line is read, as minified JSON + `\r\n` (the requester in it: last,
/// unless others connected after it), then the connection closes as in Q1, gracefully; any other
/// line gets the Q1 reply.
pub async fn serve(listener: TcpListener) -> io::Result<()> {
    // The Factory's state: created once per server, shared through `Arc` by every task.
    let log: Log = Arc::default();
    loop {
        let (stream, peer) = accept(&listener).await;
        // Recorded here, at accept time, before the task even starts: the log's order is the order
        // of accepts, and a client that never sends anything is in it too. A `std` mutex is right
        // for a push: the lock is held for a moment and never across an `.await`.
        log.lock()
            .expect("no task panics while holding the log")
            .push(Visit {
                ip: peer.ip().to_string(),
                port: peer.port(),
            });
        let log = Arc::clone(&log);
        tokio::spawn(async move {
            if let Err(e) = answer(stream, peer, log).await {
                eprintln!("connection from {peer}: {e}");
            }
        });
    }
}

/// One connection of the Q2 server: `show log` gets the log, anything else the Q1 reply.
async fn answer(mut stream: TcpStream, peer: SocketAddr, log: Log) -> io::Result<()> {
    let text = read_request(&mut stream).await?;
    let reply = if text == "show log" {
        // The guard lives only in this block: the lock is released before the `.await` below, so
        // no other task waits on it while this client's reply is on its way.
        let json = {
            let visits = log.lock().expect("no task panics while holding the log");
            serde_json::to_string(&*visits)?
        };
        json + "\r\n"
    } else {
        identity(peer, &text)
    };
    reply_and_close(stream, reply.as_bytes()).await
}

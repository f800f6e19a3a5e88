//! TCP harness: start a learner's server on `127.0.0.1:0`, and talk to it with a client whose every
//! step has a limit and whose every failure reads as a sentence.
//!
//! While `serve` runs, the harness keeps a handle of its own on the listening socket it handed to
//! it. The socket then stays listening even if `serve` drops its listener, so connections queue up
//! instead of being refused, and the harness can ask the kernel how many of them wait unaccepted: a
//! client made by [`Server::connect`] whose step fails while nothing was ever accepted says so, and
//! asks whether `serve` binds a port of its own instead of using the listener it was given. When
//! `serve` ends (returns or panics), the harness lets go of the socket: connections are then
//! refused at once, as they would be without it, and the failure says how the server ended.

mod client;
mod server;

pub use client::{Client, Connect};
pub use server::Server;

use crate::{Failure, Outcome};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;

/// How long a client waits for one step (connect, a line, EOF) before the check is a `timeout`.
pub const STEP_LIMIT: Duration = Duration::from_secs(2);

/// What both forms of the never-accepted note say, to tell whether a message has one already.
pub(crate) const NOT_ACCEPTED: &str = "the server never accepted";

/// The note added to a failure when nothing was ever accepted on the listener handed to `serve`;
/// `what` is "this connection" (one client's failure) or "a connection" (a check's own conclusion).
pub(crate) fn never_accepted_note(what: &str) -> String {
    format!(
        " ({NOT_ACCEPTED} {what} on the listener it was given: does `serve` bind a port of its own, \
         or drop `listener`, instead of accepting on it?)"
    )
}

/// A listener on `127.0.0.1:0` (a port nobody else picked), and its address.
pub async fn listen() -> Outcome<(TcpListener, SocketAddr)> {
    let bound = async {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        Ok::<_, std::io::Error>((listener, addr))
    };
    bound
        .await
        .map_err(|e| Failure::Fail(format!("the check could not listen on 127.0.0.1:0: {e}")))
}

#[cfg(test)]
mod tests;

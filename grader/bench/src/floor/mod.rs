//! The floors: for each server challenge, the least a tokio server speaking its protocol can cost.
//! Each is what a careful engineer would write with no obligations beyond the protocol the bench
//! drives: a task per connection, a fixed buffer, one write per reply, no logging. They are not
//! answers to the challenges (they skip what the checks grade and the bench does not drive).

mod boom;
mod echo;
mod heartbeat;
mod identity;
mod peer;
mod triforce;

use futures::future::BoxFuture;
use tokio::net::TcpListener;

/// A server: runs on `listener` until the process ends.
pub type Serve = fn(TcpListener) -> BoxFuture<'static, ()>;

/// The floor of challenge `id`, or `None` if it is not a server challenge.
pub fn floor(id: &str) -> Option<Serve> {
    Some(match id {
        "c01" => identity::serve,
        "c04" => heartbeat::serve,
        "c10" => echo::serve,
        "c11" => triforce::serve,
        "c12" => peer::serve,
        "c14" => boom::serve,
        _ => return None,
    })
}

/// Accepts forever and runs `handle` on each connection in a task of its own; a failed accept
/// (out of descriptors) is retried after a short pause.
pub(crate) async fn accept_loop<H, F>(listener: TcpListener, handle: H)
where
    H: Fn(tokio::net::TcpStream, std::net::SocketAddr) -> F,
    F: std::future::Future<Output = ()> + Send + 'static,
{
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                tokio::spawn(handle(stream, peer));
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(10)).await,
        }
    }
}

//! A tiny HTTP/1.1 server on raw TCP that *observes* its clients: how many requests are in flight
//! at once, when each one arrived and was answered, and when a client gave up on a request.
//!
//! It is the kit's one HTTP fake. A mock server on a framework (wiremock, on hyper) answers through a
//! synchronous responder and applies delays after it, so it cannot tell how many requests overlap,
//! and hyper always frames bodies, so it cannot send a response without `Content-Length`. This
//! server can: it runs as a task of the check's runtime, answers one request per connection
//! (`Connection: close`), and per path can
//!
//! - answer after a delay, with or without `Content-Length` (without, the body ends when the
//!   server closes the connection, as HTTP/1.0 servers did);
//! - drop the connection without answering ([`Reply::Drop`]);
//! - never answer, noting when the client closes the connection ([`Reply::Hold`]).
//!
//! A request is *in flight* from the moment its head has been read until the server starts writing
//! the response (or drops the connection, or, for [`Reply::Hold`], until the client closes). The
//! count is decremented *before* the status line goes out, so a client can never see an answer and
//! start its next request before the count has gone down: the peak never overstates the client's
//! concurrency.

use crate::Outcome;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// What the server does with a request for one path.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Waits `delay` after the request head arrived, then answers.
    Respond(Response),
    /// Reads the request head, then closes the connection without sending a byte.
    Drop,
    /// Reads the request head and never answers; the request stays in flight until the client
    /// closes the connection (see [`Visit::closed`]).
    Hold,
}

/// A scripted response.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub delay: Duration,
    /// `None` sends no Content-Type header.
    pub content_type: Option<String>,
    pub body: Body,
    /// `false` sends no Content-Length: the body ends when the server closes the connection.
    pub content_length: bool,
}

/// A response body: given bytes, or `n` zero bytes (a large download without the memory).
#[derive(Debug, Clone)]
pub enum Body {
    Bytes(Vec<u8>),
    Zeros(u64),
}

impl Body {
    fn len(&self) -> u64 {
        match self {
            Body::Bytes(bytes) => bytes.len() as u64,
            Body::Zeros(n) => *n,
        }
    }
}

impl Reply {
    /// `200 OK` with this body and a Content-Length, at once.
    pub fn ok(body: impl Into<Vec<u8>>) -> Reply {
        Reply::Respond(Response {
            status: 200,
            delay: Duration::ZERO,
            content_type: None,
            body: Body::Bytes(body.into()),
            content_length: true,
        })
    }

    /// `200 OK` with `application/json` and this JSON, at once.
    pub fn json(value: &serde_json::Value) -> Reply {
        Reply::ok(value.to_string()).content_type("application/json")
    }

    /// `200 OK` with a body of `bytes` zero bytes (and `Content-Length: bytes`), at once.
    pub fn sized(bytes: u64) -> Reply {
        Reply::Respond(Response {
            status: 200,
            delay: Duration::ZERO,
            content_type: Some("application/octet-stream".into()),
            body: Body::Zeros(bytes),
            content_length: true,
        })
    }

    /// The same response after `delay` (counted from the arrival of the request head).
    pub fn delay(self, delay: Duration) -> Reply {
        self.map(|r| r.delay = delay)
    }

    /// The same response with another status.
    pub fn status(self, status: u16) -> Reply {
        self.map(|r| r.status = status)
    }

    /// The same response with this Content-Type.
    pub fn content_type(self, content_type: &str) -> Reply {
        self.map(|r| r.content_type = Some(content_type.to_string()))
    }

    /// The same response without Content-Length: the body is delimited by closing the connection.
    pub fn without_length(self) -> Reply {
        self.map(|r| r.content_length = false)
    }

    fn map(self, f: impl FnOnce(&mut Response)) -> Reply {
        match self {
            Reply::Respond(mut response) => {
                f(&mut response);
                Reply::Respond(response)
            }
            other => other,
        }
    }
}

/// One request the server received, with times measured on the check's clock.
#[derive(Debug, Clone)]
pub struct Visit {
    /// The request target, e.g. `/gcc-9.3.0.tar.gz`.
    pub path: String,
    /// When the request head had been read.
    pub arrived: Instant,
    /// When the request stopped being in flight: the server began its answer or dropped the
    /// connection ([`Reply::Hold`]: the client closed). `None` while it is still in flight.
    pub answered: Option<Instant>,
    /// [`Reply::Hold`] only: when the client closed the connection.
    pub closed: Option<Instant>,
}

#[derive(Default)]
struct Shared {
    routes: HashMap<String, Reply>,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    visits: Mutex<Vec<Visit>>,
}

impl Shared {
    fn visits(&self) -> std::sync::MutexGuard<'_, Vec<Visit>> {
        self.visits.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Notes an arrival; returns the visit's index.
    fn arrive(&self, path: &str) -> usize {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        let mut visits = self.visits();
        visits.push(Visit {
            path: path.to_string(),
            arrived: Instant::now(),
            answered: None,
            closed: None,
        });
        visits.len() - 1
    }

    fn leave(&self, visit: usize) {
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        if let Some(v) = self.visits().get_mut(visit) {
            v.answered = Some(Instant::now());
        }
    }
}

/// The server; dropping it stops it.
pub struct RawHttp {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

/// The most a request head may take.
const MAX_HEAD: usize = 64 * 1024;

impl RawHttp {
    /// Binds `127.0.0.1:0` and serves `routes` (path → reply); any other path gets a 404.
    pub async fn start<'a>(routes: impl IntoIterator<Item = (&'a str, Reply)>) -> Outcome<RawHttp> {
        let (listener, addr) = crate::tcp::listen().await?;
        let shared = Arc::new(Shared {
            routes: routes
                .into_iter()
                .map(|(path, reply)| (path.to_string(), reply))
                .collect(),
            ..Shared::default()
        });
        let serving = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, serving.clone()));
            }
        });
        Ok(RawHttp { addr, shared, task })
    }

    /// `http://127.0.0.1:<port><path>`
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// How many requests are in flight now.
    pub fn in_flight(&self) -> usize {
        self.shared.in_flight.load(Ordering::SeqCst)
    }

    /// The most requests that were in flight at the same time.
    pub fn peak_in_flight(&self) -> usize {
        self.shared.peak.load(Ordering::SeqCst)
    }

    /// Every request received so far, in order of arrival.
    pub fn visits(&self) -> Vec<Visit> {
        self.shared.visits().clone()
    }

    /// How many requests for `path` arrived so far.
    pub fn count(&self, path: &str) -> usize {
        self.shared.visits().iter().filter(|v| v.path == path).count()
    }

    /// Waits (at most `limit`) until every request to a [`Reply::Hold`] path has been closed by
    /// its client; `Err` lists the paths still held open.
    pub async fn wait_all_closed(&self, limit: Duration) -> Result<(), Vec<String>> {
        let deadline = Instant::now() + limit;
        loop {
            let open: Vec<String> = self
                .shared
                .visits()
                .iter()
                .filter(|v| {
                    matches!(self.shared.routes.get(&v.path), Some(Reply::Hold)) && v.closed.is_none()
                })
                .map(|v| v.path.clone())
                .collect();
            if open.is_empty() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(open);
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

impl Drop for RawHttp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads up to the end of the request head; returns the request target, or `None` if the client
/// closed or sent something that is not a request head.
async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() > MAX_HEAD {
            return None;
        }
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let line = head.split(|&b| b == b'\n').next()?;
    let line = String::from_utf8_lossy(line);
    let mut parts = line.split_whitespace();
    let _method = parts.next()?;
    let target = parts.next()?;
    // An absolute-form target (through a proxy) keeps only its path.
    let path = match target.find("://") {
        Some(scheme) => target[scheme + 3..]
            .find('/')
            .map_or("/", |p| &target[scheme + 3 + p..]),
        None => target,
    };
    Some(path.to_string())
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

async fn serve(mut stream: TcpStream, shared: Arc<Shared>) {
    let Some(path) = read_head(&mut stream).await else {
        return;
    };
    let visit = shared.arrive(&path);
    let reply = shared
        .routes
        .get(&path)
        .cloned()
        .unwrap_or_else(|| Reply::ok("no such page").status(404));
    match reply {
        Reply::Drop => {
            shared.leave(visit);
            drop(stream);
        }
        Reply::Hold => {
            // Read (and ignore) until the client closes the connection.
            let mut buf = [0u8; 1024];
            while let Ok(n) = stream.read(&mut buf).await {
                if n == 0 {
                    break;
                }
            }
            shared.leave(visit);
            if let Some(v) = shared.visits().get_mut(visit) {
                v.closed = Some(Instant::now());
            }
        }
        Reply::Respond(response) => {
            tokio::time::sleep(response.delay).await;
            shared.leave(visit);
            let mut head = format!(
                "HTTP/1.1 {} {}\r\nConnection: close\r\n",
                response.status,
                reason(response.status)
            );
            if let Some(content_type) = &response.content_type {
                head.push_str(&format!("Content-Type: {content_type}\r\n"));
            }
            if response.content_length {
                head.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
            }
            head.push_str("\r\n");
            // Write errors mean the client went away without reading the body, which it may.
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let written = match &response.body {
                Body::Bytes(bytes) => stream.write_all(bytes).await,
                Body::Zeros(n) => write_zeros(&mut stream, *n).await,
            };
            if written.is_ok() {
                let _ = stream.shutdown().await;
            }
        }
    }
}

async fn write_zeros(stream: &mut TcpStream, mut n: u64) -> std::io::Result<()> {
    let chunk = [0u8; 64 * 1024];
    while n > 0 {
        let part = n.min(chunk.len() as u64) as usize;
        stream.write_all(&chunk[..part]).await?;
        n -= part as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn get(url: &str) -> String {
        let rest = url.strip_prefix("http://").unwrap();
        let (host, route) = rest.split_at(rest.find('/').unwrap());
        let mut s = TcpStream::connect(host).await.unwrap();
        let request = format!("GET {route} HTTP/1.1\r\nHost: {host}\r\n\r\n");
        s.write_all(request.as_bytes()).await.unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out).await;
        String::from_utf8_lossy(&out).into_owned()
    }

    #[tokio::test]
    async fn answers_with_and_without_length() {
        let server = RawHttp::start([
            ("/a", Reply::ok("hello")),
            ("/b", Reply::ok("raw").without_length()),
            ("/c", Reply::sized(100_000).status(500)),
        ])
        .await
        .unwrap();
        let a = get(&server.url("/a")).await;
        assert!(a.starts_with("HTTP/1.1 200 OK\r\n"), "{a}");
        assert!(
            a.contains("Content-Length: 5\r\n") && a.ends_with("\r\n\r\nhello"),
            "{a}"
        );
        let b = get(&server.url("/b")).await;
        assert!(!b.contains("Content-Length") && b.ends_with("\r\n\r\nraw"), "{b}");
        let c = get(&server.url("/c")).await;
        assert!(
            c.starts_with("HTTP/1.1 500") && c.contains("Content-Length: 100000\r\n"),
            "{c}"
        );
        assert_eq!(c.split("\r\n\r\n").nth(1).unwrap().len(), 100_000);
        assert!(get(&server.url("/nope")).await.starts_with("HTTP/1.1 404"));
        assert_eq!(server.count("/a"), 1);
        assert_eq!(server.visits().len(), 4);
    }

    #[tokio::test]
    async fn counts_overlapping_requests() {
        let slow = Reply::ok("x").delay(Duration::from_millis(50));
        let server = RawHttp::start([("/s", slow)]).await.unwrap();
        let url = server.url("/s");
        futures::future::join_all((0..3).map(|_| get(&url))).await;
        assert_eq!(server.peak_in_flight(), 3);
        get(&url).await;
        assert_eq!(server.peak_in_flight(), 3);
        assert_eq!(server.in_flight(), 0);
        assert!(server.visits().iter().all(|v| v.answered.is_some()));
    }

    #[tokio::test]
    async fn drops_and_holds() {
        let server = RawHttp::start([("/drop", Reply::Drop), ("/hold", Reply::Hold)])
            .await
            .unwrap();
        assert_eq!(get(&server.url("/drop")).await, "");
        let url = server.url("/hold");
        let held = tokio::spawn(async move { get(&url).await });
        while server.in_flight() == 0 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert!(server.wait_all_closed(Duration::from_millis(20)).await.is_err());
        held.abort();
        let _ = held.await;
        server.wait_all_closed(Duration::from_secs(1)).await.unwrap();
        assert_eq!(server.in_flight(), 0);
    }
}

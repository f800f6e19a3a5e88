//! Q2, the lines: their order and text, and what failed requests (with their reasons), bad
//! statuses, missing lengths and unread bodies print.

use crate::support::{
    BrokenPipe, DOWNLOAD_LIMIT, GCC_SIZES, Line, Want, expect_lines_any_order, expect_lines_in_order,
    gcc_paths, gcc_server, path_of, run_download, sized_server,
};
use challenge::{download, gcc_urls};
use harness::futures::FutureExt;
use harness::rawhttp::{RawHttp, Reply};
use harness::time::ms;
use harness::tokio::io::{AsyncReadExt, AsyncWriteExt};
use harness::tokio::sync::oneshot;
use harness::tokio::task::JoinHandle;
use harness::tokio::time::{Duration, sleep, timeout};
use harness::{Failure, Outcome, fail};
use std::panic::AssertUnwindSafe;

/// The expected lines for `urls` of `gcc_server`.
fn gcc_lines(urls: &[String]) -> Vec<Line> {
    urls.iter()
        .zip(GCC_SIZES)
        .map(|(url, bytes)| Line::size(url, bytes))
        .collect()
}

pub async fn lines_in_order() -> Outcome {
    // Every request in flight at once, the first answered last (210 ms, 180 ms, … 30 ms): the
    // responses arrive in the reverse of the input order, and the lines must still follow the input.
    let (_server, mut urls) = gcc_server(|i| ms(20 * (7 - i as u64))).await?;
    // The second URL is given with a `/./` in its path: reqwest requests it normalised (so does
    // the server see it, and so is `response.url()`), but its line starts with the URL as given.
    let path = path_of(&urls[1]);
    let normalised = urls[1].clone();
    urls[1] = normalised.replacen(&path, &format!("/.{path}"), 1);
    let lines = run_download(&urls, 7).await?;
    let checked = expect_lines_in_order(
        "responses arriving in reverse order, max_run = 7",
        &gcc_lines(&urls),
        &lines,
    );
    match checked {
        Err(Failure::Fail(message)) if lines.iter().any(|l| l.starts_with(&format!("{normalised} "))) => {
            fail!(
                "{message}\n(a line starts with {normalised}, not with the URL as given, {}: is it \
                 `response.url()`, the URL as reqwest normalised it, or where a redirect ended?)",
                urls[1]
            )
        }
        other => other,
    }
}

/// A URL on a port where nothing listens: bind one, note it, let it go.
async fn refused_url(path: &str) -> Outcome<String> {
    let (listener, addr) = harness::tcp::listen().await?;
    drop(listener);
    Ok(format!("http://{addr}{path}"))
}

pub async fn error_terminates() -> Outcome {
    // An empty list first: nothing to request, so `download` returns at once, having written nothing.
    let none: &[String] = &[];
    let mut out = Vec::new();
    let empty = AssertUnwindSafe(download(none, 2, &mut out)).catch_unwind();
    match timeout(DOWNLOAD_LIMIT, empty).await {
        Err(_) => fail!(
            "download(no URLs, max_run = 2) had not returned after 2 s: with nothing to request it \
             returns at once"
        ),
        Ok(Err(_)) => fail!(
            "download(no URLs, max_run = 2) panicked; expected it to return Ok at once, having written \
             nothing (a semaphore sized with `clamp(1, urls.len())`, or `urls[0]`?)"
        ),
        Ok(Ok(Err(e))) => {
            fail!("download(no URLs, max_run = 2) returned the error {e}; expected Ok, with nothing written")
        }
        Ok(Ok(Ok(()))) if !out.is_empty() => fail!(
            "download(no URLs, max_run = 2): expected nothing written, got {:?}",
            String::from_utf8_lossy(&out)
        ),
        Ok(Ok(Ok(()))) => {}
    }
    // A writer whose every write fails: the error comes back from `download`, not swallowed.
    let (_quick, quick_urls) = sized_server(2, ms(10)).await?;
    match timeout(DOWNLOAD_LIMIT, download(&quick_urls, 2, &mut BrokenPipe)).await {
        Err(_) => {
            return Err(Failure::Timeout(
                "download(2 URLs, max_run = 2) with a writer whose every write fails had not returned \
                 after 2 s"
                    .to_string(),
            ));
        }
        Ok(Ok(())) => fail!(
            "download(2 URLs, max_run = 2) with a writer whose every write fails returned Ok; expected \
             the write error back (an error writing to `out` is returned, not ignored)"
        ),
        Ok(Err(_)) => {}
    }
    // The fifth tarball's server reads the request and hangs up without a word; the third one is on
    // a port that refuses connections.
    let paths = gcc_paths();
    let routes = paths.iter().zip(GCC_SIZES).enumerate().map(|(i, (path, bytes))| {
        let reply = if i == 4 {
            Reply::Drop
        } else {
            Reply::sized(bytes).delay(ms(10))
        };
        (path.as_str(), reply)
    });
    let server = RawHttp::start(routes).await?;
    let mut urls = gcc_urls(&server.url(""));
    urls[2] = refused_url(&paths[2]).await?;
    let lines = run_download(&urls, 2).await?;
    let mut expected = gcc_lines(&urls);
    expected[2] = Line::new(&urls[2], Want::Error);
    expected[4] = Line::new(&urls[4], Want::Error);
    expect_lines_any_order(
        "with the third URL refusing connections and the fifth hanging up without an answer",
        &expected,
        &lines,
    )
}

pub async fn status_error() -> Outcome {
    let server = RawHttp::start([
        ("/a.tar.gz", Reply::sized(1_048_576)),
        ("/broken.tar.gz", Reply::sized(2_000_000).status(500)),
        ("/c.tar.gz", Reply::sized(104_857)),
        ("/mirror.tar.gz", Reply::sized(3_000_000).status(203)),
    ])
    .await?;
    // `/missing.tar.gz` has no route: a 404 with a short page.
    let urls: Vec<String> = [
        "/a.tar.gz",
        "/missing.tar.gz",
        "/broken.tar.gz",
        "/c.tar.gz",
        "/mirror.tar.gz",
    ]
    .iter()
    .map(|p| server.url(p))
    .collect();
    let lines = run_download(&urls, 2).await?;
    let expected = [
        Line::size(&urls[0], 1_048_576),
        Line::new(&urls[1], Want::Error),
        Line::new(&urls[2], Want::Error),
        Line::size(&urls[3], 104_857),
        Line::size(&urls[4], 3_000_000),
    ];
    expect_lines_any_order(
        "with the second URL answered `404 Not Found`, the third `500 Internal Server Error` and the \
         fifth `203 Non-Authoritative Information` (a 4xx or 5xx status is an error line, and its \
         Content-Length is not a size; every 2xx is a success, with its size)",
        &expected,
        &lines,
    )
}

pub async fn unknown_length() -> Outcome {
    let server = RawHttp::start([
        ("/a.tar.gz", Reply::sized(1_048_576)),
        ("/b.tar.gz", Reply::ok(vec![b'x'; 1000]).without_length()),
        ("/c.tar.gz", Reply::sized(104_857)),
    ])
    .await?;
    let urls: Vec<String> = ["/a.tar.gz", "/b.tar.gz", "/c.tar.gz"]
        .iter()
        .map(|p| server.url(p))
        .collect();
    let lines = run_download(&urls, 2).await?;
    let expected = [
        Line::size(&urls[0], 1_048_576),
        Line::new(&urls[1], Want::Unknown),
        Line::size(&urls[2], 104_857),
    ];
    expect_lines_any_order(
        "with the second response sent without Content-Length (its body ends at the close)",
        &expected,
        &lines,
    )
}

/// 10 GiB: a body no check could wait for.
const HUGE: u64 = 10 * 1024 * 1024 * 1024;

/// Stops the server's task when the check ends.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A server that answers every request with the head of a 10 GiB response and then sends nothing,
/// keeping the connection open until the client closes it. Returns its URL and a receiver that
/// fires once the first head has been sent.
async fn endless_body_server() -> Outcome<(String, oneshot::Receiver<()>, AbortOnDrop)> {
    let (listener, addr) = harness::tcp::listen().await?;
    let (sent_tx, sent) = oneshot::channel();
    let task = harness::tokio::spawn(async move {
        let mut sent_tx = Some(sent_tx);
        while let Ok((mut stream, _)) = listener.accept().await {
            let signal = sent_tx.take();
            harness::tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
                    match stream.read(&mut buf).await {
                        Ok(n @ 1..) => head.extend_from_slice(&buf[..n]),
                        _ => return,
                    }
                }
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {HUGE}\r\n\r\n"
                );
                if stream.write_all(answer.as_bytes()).await.is_err() {
                    return;
                }
                if let Some(tx) = signal {
                    let _ = tx.send(());
                }
                // The body never comes; wait for the client to close (or reset) the connection.
                while let Ok(1..) = stream.read(&mut buf).await {}
            });
        }
    });
    Ok((
        format!("http://{addr}/gcc-huge/gcc-huge.tar.gz"),
        sent,
        AbortOnDrop(task),
    ))
}

/// How long after the 10 GiB head `download` may take to return.
const AFTER_HEAD: Duration = Duration::from_secs(1);

pub async fn body_unread() -> Outcome {
    let (huge, head_sent, _endless) = endless_body_server().await?;
    let server = RawHttp::start([
        ("/a.tar.gz", Reply::sized(1_048_576).delay(ms(20))),
        ("/c.tar.gz", Reply::sized(104_857).delay(ms(20))),
    ])
    .await?;
    let urls = vec![huge, server.url("/a.tar.gz"), server.url("/c.tar.gz")];
    let mut out = Vec::new();
    let call = timeout(DOWNLOAD_LIMIT, download(&urls, 2, &mut out));
    let stuck = async {
        if head_sent.await.is_err() {
            std::future::pending::<()>().await;
        }
        sleep(AFTER_HEAD).await;
    };
    let result = harness::tokio::select! {
        result = call => result,
        () = stuck => {
            return fail(format!(
                "the first URL answered at once with `Content-Length: {HUGE}` (10 GiB) and then sent no body; \
                 expected its line `{} 10240.0 MB` from the headers alone, but {} s later download had \
                 still not returned (is it reading the body? Only the headers are needed)",
                urls[0],
                AFTER_HEAD.as_secs()
            ));
        }
    };
    let lines: Vec<String> = match result {
        Err(_) => {
            return Err(Failure::Timeout(format!(
                "download(3 URLs, max_run = 2) did not return within 2 s; it had printed {:?}",
                String::from_utf8_lossy(&out)
            )));
        }
        Ok(Err(e)) => {
            return fail(format!(
                "download returned an error instead of a line per URL: {e}"
            ));
        }
        Ok(Ok(())) => String::from_utf8_lossy(&out)
            .lines()
            .map(str::to_string)
            .collect(),
    };
    let expected = [
        Line::size(&urls[0], HUGE),
        Line::size(&urls[1], 1_048_576),
        Line::size(&urls[2], 104_857),
    ];
    expect_lines_any_order(
        "with the first URL a 10 GiB download whose body never comes",
        &expected,
        &lines,
    )
}

pub async fn error_reason() -> Outcome {
    // Three failures with known causes: a refused connection, a 404 and a 500. The reason is what
    // the given `reason(e)` writes: the causes, and no URL (the line starts with it already).
    let server = RawHttp::start([
        ("/ok.tar.gz", Reply::sized(1_048_576)),
        ("/broken.tar.gz", Reply::sized(2_000).status(500)),
    ])
    .await?;
    // `/missing.tar.gz` has no route: a 404.
    let urls = vec![
        refused_url("/refused.tar.gz").await?,
        server.url("/missing.tar.gz"),
        server.url("/ok.tar.gz"),
        server.url("/broken.tar.gz"),
    ];
    let Ok(lines) = run_download(&urls, 2).await else {
        // No lines at all (an error returned, or no return): `error-terminates`' business.
        return Ok(());
    };
    // What each error's reason must mention, and how it must read, as `reason(e)` writes it: a
    // status error exactly (reqwest's words for it, no URL), a refused connection from reqwest's
    // "error sending request" through its causes (their words depend on the system).
    let reasons = [
        (
            0,
            "refused",
            "error sending request: …: Connection refused …",
            false,
        ),
        (1, "404", "HTTP status client error (404 Not Found)", true),
        (
            3,
            "500",
            "HTTP status server error (500 Internal Server Error)",
            true,
        ),
    ];
    for (i, cause, written, exact) in reasons {
        let url = &urls[i];
        let Some(reason) = lines.iter().find_map(|l| {
            l.strip_prefix(url.as_str())
                .and_then(|r| r.strip_prefix(" error: "))
        }) else {
            // No error line at all is `error-terminates`' and `status-error`'s business.
            continue;
        };
        let repeats_url = reason.contains(url.as_str()) || reason.contains(url.trim_start_matches("http://"));
        let reads_right = if exact {
            reason == written
        } else {
            reason.starts_with("error sending request")
        };
        if repeats_url || !reason.to_lowercase().contains(cause) || !reads_right {
            fail!(
                "the line of {url}: expected `{url} error: {written}`, the reason as the given \
                 `reason(e)` writes it (the error and its causes, such as `{cause}`, and not the URL \
                 again), got `{url} error: {reason}`{}",
                if repeats_url {
                    " (is it the error's own Display, `{e}`, which repeats the URL and leaves the causes out?)"
                } else if !reads_right {
                    " (a reason written by hand, or only part of it? `reason(e)` of the error writes it)"
                } else {
                    ""
                }
            );
        }
    }
    Ok(())
}

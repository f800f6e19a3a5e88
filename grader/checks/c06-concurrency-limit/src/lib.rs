//! The checks of challenge 6, concurrency limit.
//!
//! `download` runs against [`RawHttp`], a server on raw TCP that counts the requests in flight at
//! its end (from the request head read to the answer begun), so the limit is measured where it
//! matters, not guessed from timings. Its responses are delayed by tens of milliseconds; a check's
//! call to `download` is bounded at 2 s, which also catches a `download` that never returns.

use challenge::{download, format_size, gcc_urls};
use harness::rawhttp::{RawHttp, Reply, Visit};
use harness::tokio::time::{Duration, Instant, timeout};
use harness::{Failure, Outcome, Suite, fail, paused, real};

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            paused("python-round", python_round),
            paused("ties-to-even", ties_to_even),
            real("peak-two", peak_two),
            real("peak-other", peak_other),
            real("all-requested", all_requested),
            real("lines-in-order", lines_in_order),
            real("slow-no-block", slow_no_block),
            real("total-time", total_time),
            real("error-terminates", error_terminates),
            real("unknown-length", unknown_length),
        ],
    )
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// How long a call to `download` may take in any check.
const DOWNLOAD_LIMIT: Duration = Duration::from_secs(2);

// ---- Q1 ------------------------------------------------------------------------------------------

/// `(bytes, what Python prints for round(bytes / 1024 / 1024, 2))`, each verified with Python.
fn expect_sizes(cases: &[(u64, &str)]) -> Outcome {
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|&(bytes, python)| {
            let got = format_size(bytes);
            (got != python).then(|| format!("format_size({bytes}) = {got:?}, Python prints {python:?}"))
        })
        .collect();
    if wrong.is_empty() {
        Ok(())
    } else {
        fail(wrong.join("; "))
    }
}

async fn python_round() -> Outcome {
    expect_sizes(&[
        (1_048_576, "1.0"),
        (1_234_567, "1.18"),
        (104_857, "0.1"),
        (0, "0.0"),
        (5_242, "0.0"),
        (5_243, "0.01"),
        (75_661_482, "72.16"),
        (52_428_800, "50.0"),
    ])
}

async fn ties_to_even() -> Outcome {
    // 1.125, 0.625, 1.375 and 2.875 MiB are exact in binary: true ties, which Python rounds to even.
    expect_sizes(&[
        (1_179_648, "1.12"),
        (655_360, "0.62"),
        (1_441_792, "1.38"),
        (3_014_656, "2.88"),
    ])
}

// ---- Q2 ------------------------------------------------------------------------------------------

/// The seven tarballs' sizes on the mock server, and how Python prints them in MB.
const GCC_SIZES: [(u64, &str); 7] = [
    (1_048_576, "1.0"),
    (1_234_567, "1.18"),
    (104_857, "0.1"),
    (0, "0.0"),
    (5_242_880, "5.0"),
    (2_621_440, "2.5"),
    (3_000_000, "2.86"),
];

/// The path part of a URL made by `gcc_urls(server.url(""))`.
fn path_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.find('/').map_or("/".to_string(), |p| rest[p..].to_string())
}

/// A server with the seven gcc tarballs, each answering after `delay`; returns it and the URLs.
async fn gcc_server(delay: Duration) -> Outcome<(RawHttp, Vec<String>)> {
    let probe = gcc_urls("http://x");
    let paths: Vec<String> = probe.iter().map(|u| path_of(u)).collect();
    let routes = paths
        .iter()
        .zip(GCC_SIZES)
        .map(|(path, (bytes, _))| (path.as_str(), Reply::sized(bytes).delay(delay)));
    let server = RawHttp::start(routes).await?;
    let urls = gcc_urls(&server.url(""));
    Ok((server, urls))
}

/// The expected output for `urls` of `gcc_server`.
fn gcc_lines(urls: &[String]) -> Vec<String> {
    urls.iter()
        .zip(GCC_SIZES)
        .map(|(url, (_, mb))| format!("{url} {mb} MB"))
        .collect()
}

/// Runs the learner's `download`, bounded at [`DOWNLOAD_LIMIT`]; returns its output lines.
async fn run_download(urls: &[String], max_run: usize) -> Outcome<Vec<String>> {
    let mut out = Vec::new();
    match timeout(DOWNLOAD_LIMIT, download(urls, max_run, &mut out)).await {
        Err(_) => Err(Failure::Timeout(format!(
            "download({} URLs, max_run = {max_run}) did not return within 2 s; it had printed {:?}",
            urls.len(),
            String::from_utf8_lossy(&out)
        ))),
        Ok(Err(e)) => fail(format!("download returned an error: {e}")),
        Ok(Ok(())) => Ok(String::from_utf8_lossy(&out)
            .lines()
            .map(str::to_string)
            .collect()),
    }
}

fn expect_lines(what: &str, expected: &[String], got: &[String]) -> Outcome {
    if expected == got {
        return Ok(());
    }
    fail(format!(
        "{what}: expected the lines\n{}\ngot\n{}",
        expected.join("\n"),
        if got.is_empty() {
            "nothing".to_string()
        } else {
            got.join("\n")
        }
    ))
}

/// Like [`expect_lines`], in any order: for checks about something else than the order, which
/// `lines-in-order` grades.
fn expect_lines_any_order(what: &str, expected: &[String], got: &[String]) -> Outcome {
    let mut expected_sorted = expected.to_vec();
    let mut got_sorted = got.to_vec();
    expected_sorted.sort();
    got_sorted.sort();
    if expected_sorted == got_sorted {
        Ok(())
    } else {
        expect_lines(what, expected, got)
    }
}

/// Checks that the server saw exactly `max_run` requests at once (or all of them, if fewer).
fn expect_peak(server: &RawHttp, urls: usize, max_run: usize) -> Outcome {
    let expected = max_run.min(urls);
    let peak = server.peak_in_flight();
    let why = if peak == 1 {
        " (one at a time: is each request awaited before the next one starts?)"
    } else if peak > max_run {
        " (the limit was not applied: do all requests wait for a permit?)"
    } else {
        " (is a permit held for longer than `send()`, or are requests started in batches?)"
    };
    if peak == expected {
        Ok(())
    } else {
        fail(format!(
            "with {urls} URLs and max_run = {max_run}, expected {expected} requests in flight at the \
             server at the busiest moment, saw {peak}{why}"
        ))
    }
}

async fn peak_two() -> Outcome {
    let (server, urls) = gcc_server(ms(20)).await?;
    run_download(&urls, 2).await?;
    expect_peak(&server, urls.len(), 2)
}

/// `n` URLs on a fresh server, each answering after `delay`.
async fn sized_server(n: usize, delay: Duration) -> Outcome<(RawHttp, Vec<String>)> {
    let paths: Vec<String> = (0..n).map(|i| format!("/file-{i}")).collect();
    let server = RawHttp::start(
        paths
            .iter()
            .map(|p| (p.as_str(), Reply::sized(1_048_576).delay(delay))),
    )
    .await?;
    let urls = paths.iter().map(|p| server.url(p)).collect();
    Ok((server, urls))
}

async fn peak_other() -> Outcome {
    // Three independent runs side by side, each against its own server.
    let scenario = |n: usize, max_run: usize| async move {
        let (server, urls) = sized_server(n, ms(20)).await?;
        run_download(&urls, max_run).await?;
        expect_peak(&server, n, max_run)
    };
    let (one, three, five) = harness::tokio::join!(scenario(3, 1), scenario(7, 3), scenario(4, 5));
    let failures: Vec<Failure> = [one, three, five].into_iter().filter_map(Result::err).collect();
    match failures.iter().find(|f| matches!(f, Failure::Timeout(_))) {
        Some(timeout) => Err(timeout.clone()),
        None if failures.is_empty() => Ok(()),
        None => fail(
            failures
                .iter()
                .map(|f| match f {
                    Failure::Fail(m) | Failure::Timeout(m) => m.as_str(),
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
    }
}

async fn all_requested() -> Outcome {
    let (server, urls) = gcc_server(ms(10)).await?;
    run_download(&urls, 2).await?;
    let visits = server.visits();
    let wrong: Vec<String> = urls
        .iter()
        .map(|u| path_of(u))
        .filter_map(|path| {
            let n = server.count(&path);
            (n != 1).then(|| format!("{path} requested {n} times"))
        })
        .collect();
    if !wrong.is_empty() || visits.len() != urls.len() {
        return fail(format!(
            "expected each of the {} URLs requested once ({} requests in all); {}{} requests arrived",
            urls.len(),
            urls.len(),
            if wrong.is_empty() {
                String::new()
            } else {
                wrong.join(", ") + "; "
            },
            visits.len()
        ));
    }
    Ok(())
}

async fn lines_in_order() -> Outcome {
    // Every request in flight at once, the first answered last: completion order is the reverse of
    // the input order, and the lines must still follow the input.
    let probe = gcc_urls("http://x");
    let paths: Vec<String> = probe.iter().map(|u| path_of(u)).collect();
    let routes = paths
        .iter()
        .zip(GCC_SIZES)
        .enumerate()
        .map(|(i, (path, (bytes, _)))| (path.as_str(), Reply::sized(bytes).delay(ms(10 * (7 - i as u64)))));
    let server = RawHttp::start(routes).await?;
    let urls = gcc_urls(&server.url(""));
    let lines = run_download(&urls, 7).await?;
    expect_lines(
        "responses arriving in reverse order, max_run = 7",
        &gcc_lines(&urls),
        &lines,
    )
}

async fn slow_no_block() -> Outcome {
    // max_run = 2; the first URL answers after 120 ms, the four others after 15 ms each. With a
    // slot freed as each response arrives, the four quick ones go through the other slot one after
    // the other (0, 15, 30, 45 ms) while the slow one is still pending.
    let quick = ["/q1", "/q2", "/q3", "/q4"];
    let mut routes = vec![("/slow", Reply::sized(1_048_576).delay(ms(120)))];
    routes.extend(quick.iter().map(|p| (*p, Reply::sized(1_048_576).delay(ms(15)))));
    let server = RawHttp::start(routes).await?;
    let urls: Vec<String> = std::iter::once("/slow")
        .chain(quick)
        .map(|p| server.url(p))
        .collect();
    run_download(&urls, 2).await?;
    let visits = server.visits();
    let Some(slow_answered) = visits.iter().find(|v| v.path == "/slow").and_then(|v| v.answered) else {
        return fail("the slow URL was never requested");
    };
    let late: Vec<&str> = quick
        .iter()
        .filter(|p| !visits.iter().any(|v| v.path == **p && v.arrived < slow_answered))
        .copied()
        .collect();
    if late.is_empty() {
        Ok(())
    } else {
        fail(format!(
            "with max_run = 2, one slow response (120 ms) and four quick ones (15 ms), expected the \
             quick ones to go through the free slot while the slow one was pending; {late:?} only \
             started after it (does a slow request hold up the others, as `buffered` or batches do?)"
        ))
    }
}

/// From the first request's arrival to the last answer, at the server.
fn server_span(visits: &[Visit]) -> Option<Duration> {
    let first = visits.iter().map(|v| v.arrived).min()?;
    let last = visits.iter().map(|v| v.answered).max()??;
    Some(last.duration_since(first))
}

async fn total_time() -> Outcome {
    let delay = ms(30);
    let (server, urls) = gcc_server(delay).await?;
    let started = Instant::now();
    run_download(&urls, 2).await?;
    let wall = started.elapsed();
    // 7 URLs, 2 at a time: 4 rounds of 30 ms. One at a time would take 7 rounds, no limit 1.
    let rounds = urls.len().div_ceil(2) as u32;
    let expected = delay * rounds;
    let Some(span) = server_span(&server.visits()) else {
        return fail("no request reached the server");
    };
    let low = expected - ms(5);
    let high = expected + delay * 2;
    if span >= low && span < high {
        Ok(())
    } else {
        fail(format!(
            "7 URLs, max_run = 2, each answered after 30 ms: expected the server to be busy about \
             {} ms (4 rounds), it was busy {} ms (download took {} ms)",
            expected.as_millis(),
            span.as_millis(),
            wall.as_millis()
        ))
    }
}

async fn error_terminates() -> Outcome {
    let (server, mut urls) = gcc_server(ms(10)).await?;
    // A port with nothing listening: bind one, note it, let it go.
    let refused = {
        let listener = harness::tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .or_else(|e| fail(format!("the harness could not bind 127.0.0.1:0: {e}")))?;
        let addr = listener
            .local_addr()
            .or_else(|e| fail(format!("no local address: {e}")))?;
        format!("http://{addr}/gcc-9.3.0/gcc-9.3.0.tar.gz")
    };
    urls[2] = refused.clone();
    let lines = run_download(&urls, 2).await?;
    let mut expected = gcc_lines(&urls);
    let prefix = format!("{refused} error: ");
    expected[2] = format!("{prefix}<reason>");
    // The error line, whatever its reason, compares as the placeholder.
    let got: Vec<String> = lines
        .iter()
        .map(|l| match l.strip_prefix(&prefix) {
            Some(reason) if !reason.trim().is_empty() => expected[2].clone(),
            _ => l.clone(),
        })
        .collect();
    drop(server);
    expect_lines_any_order(
        "with the third URL refusing connections (any order here)",
        &expected,
        &got,
    )
}

async fn unknown_length() -> Outcome {
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
        format!("{} 1.0 MB", urls[0]),
        format!("{} unknown", urls[1]),
        format!("{} 0.1 MB", urls[2]),
    ];
    expect_lines_any_order(
        "with the second response sent without Content-Length (its body ends at the close; any order here)",
        &expected,
        &lines,
    )
}

//! # Challenge 6: Concurrency limit — reference solution
//!
//! Asks for the sizes of gcc's release tarballs, with at most `max_run` requests in flight at once.

use futures::future::join_all;
use reqwest::{Client, Response};
use std::io::{self, Write};
use tokio::sync::Semaphore;

/// How many requests may be in flight at once unless told otherwise (the original's `maxRun`).
pub const MAX_RUN: usize = 2;

/// Where the tarballs live (the `--base-url` of the binary).
pub const GCC_BASE_URL: &str = "https://ftp.gnu.org/gnu/gcc";

/// The seven releases of the original script.
pub const GCC_VERSIONS: [&str; 7] = ["10.2.0", "10.1.0", "9.3.0", "8.1.0", "7.1.0", "5.4.0", "4.8.0"];

/// Given: the tarballs' URLs under `base`: `<base>/gcc-V/gcc-V.tar.gz` for each of [`GCC_VERSIONS`].
pub fn gcc_urls(base: &str) -> Vec<String> {
    let base = base.trim_end_matches('/');
    GCC_VERSIONS
        .iter()
        .map(|v| format!("{base}/gcc-{v}/gcc-{v}.tar.gz"))
        .collect()
}

/// Given: why a request failed, causes included ("error sending request: client error (Connect):
/// tcp connect error: Connection refused (os error 111)"). The URL is left out: the line that
/// reports the error starts with it already.
pub fn reason(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut reason = error.to_string();
    let mut cause = std::error::Error::source(&error);
    while let Some(inner) = cause {
        reason.push_str(": ");
        reason.push_str(&inner.to_string());
        cause = inner.source();
    }
    reason
}

/// Q1: `bytes` in MiB (bytes / 2^20) rounded to two decimals and written the way Python prints
/// `round(x, 2)`: `1.0`, `1.18`, `0.1`, `0.0`, and `1.12` for 1.125 (Python rounds the float's
/// exact value, ties to even; its float is an `f64`: an `f32` loses the low bytes of any size
/// above 16 MiB).
pub fn format_size(bytes: u64) -> String {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    // `{:.2}` rounds the exact binary value to two decimals, ties to even, as Python's `round` does;
    // `(mib * 100.0).round() / 100.0` would not (1.125 * 100 = 112.5 rounds away from zero: 1.13).
    // Parsing it back and printing with `{:?}` gives the shortest form that reads back as the same
    // number, which is what Python's `repr` prints: `1.0` rather than `1.00`, `0.1` rather than `0.10`.
    let rounded: f64 = format!("{mib:.2}")
        .parse()
        .expect("a number formatted by Rust parses back");
    format!("{rounded:?}")
}

/// Q2: requests every URL once (a URL listed twice is requested twice), with at most `max_run`
/// requests in flight (0 counts as 1) and no retry, then writes one line per URL to `out`, in the
/// order of `urls`, each starting with the URL as given (not `response.url()`, where a redirect
/// ended):
///
/// - `<url> <size> MB` with the size from the response's Content-Length ([`format_size`]);
/// - `<url> unknown` when the response has no Content-Length (`content_length()` is `None`);
/// - `<url> error: <reason>` when the request failed or the status is an error, 4xx or 5xx (what
///   `error_for_status` rejects): any 2xx, not only `200`, is a success.
///
/// The URLs start in the order of `urls`: the first `max_run` at once, then the next one each time
/// a request ends (its response headers arrive, or it fails). A request stops counting against the
/// limit as soon as its response headers have arrived: the bodies are never read. Returns once
/// every request has ended, however it ended (with no URLs: at once, `Ok`, nothing written).
pub async fn download(urls: &[String], max_run: usize, out: &mut impl Write) -> io::Result<()> {
    let client = Client::builder().build().map_err(io::Error::other)?;
    // Twisted's `DeferredSemaphore(maxRun)`. tokio's semaphore is fair (first come, first served),
    // so the URLs start in their order: the first `max_run` at once, each next one as a slot frees.
    let semaphore = Semaphore::new(max_run.max(1));
    let requests = urls.iter().map(|url| {
        // Shared borrows: every request future uses the same client and semaphore, and `join_all`
        // polls them all from this task, so no `Arc` is needed.
        let (client, semaphore) = (&client, &semaphore);
        async move {
            let response = {
                // `sem.run(request_url, url)`: wait for a slot, hold it while the request runs…
                let _permit = semaphore.acquire().await.expect("the semaphore is never closed");
                client.get(url).send().await
                // …and give it back here, when `send` resolves: the headers have arrived (or the
                // request failed). Holding it while reading a 100 MB body would be another limit.
            };
            let outcome = match response.and_then(Response::error_for_status) {
                Ok(response) => match response.content_length() {
                    Some(bytes) => format!("{} MB", format_size(bytes)),
                    None => "unknown".to_string(),
                },
                Err(error) => format!("error: {}", reason(error)),
            };
            // `response` is dropped unread: its connection is closed, the body never downloaded.
            format!("{url} {outcome}")
        }
    });
    // `DeferredList`: every request runs, and the results come back in the order of `urls`, however
    // the responses arrive. A failed request is a line like the others, so nothing can stop the
    // list from completing (the original hung on the first error).
    let lines = join_all(requests).await;
    for line in lines {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_print_like_python_round() {
        // Each pair checked against Python: repr(round(n / 1024 / 1024, 2)).
        let cases = [
            (0, "0.0"),
            (5242, "0.0"),
            (5243, "0.01"),
            (104_857, "0.1"),
            (1_048_576, "1.0"),
            (1_234_567, "1.18"),
            (1_179_648, "1.12"), // 1.125 exactly: a tie, to even
            (655_360, "0.62"),   // 0.625: to even
            (1_441_792, "1.38"), // 1.375: to even
            (75_661_482, "72.16"),
            (10_737_418_240, "10240.0"),
        ];
        for (bytes, python) in cases {
            assert_eq!(format_size(bytes), python, "{bytes} bytes");
        }
    }

    #[test]
    fn gcc_urls_follow_the_original() {
        let urls = gcc_urls("https://ftp.gnu.org/gnu/gcc/");
        assert_eq!(urls.len(), 7);
        assert_eq!(
            urls[0],
            "https://ftp.gnu.org/gnu/gcc/gcc-10.2.0/gcc-10.2.0.tar.gz"
        );
        assert_eq!(urls[6], "https://ftp.gnu.org/gnu/gcc/gcc-4.8.0/gcc-4.8.0.tar.gz");
    }
}

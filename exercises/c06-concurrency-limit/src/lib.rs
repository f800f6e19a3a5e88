//! # Challenge 6: Concurrency limit
//!
//! Ask for the sizes of gcc's release tarballs, with at most `max_run` requests in flight at once.
//! Read `README.md` first; check your work with `cargo test -p c06-concurrency-limit`.

use std::io::{self, Write};

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
    // TODO(Q1): which Rust formatting rounds to two decimals the way Python does, and how do you
    // then drop a trailing zero (`1.00` → `1.0`, `0.10` → `0.1`) without dropping `.0`?
    let _ = bytes;
    todo!("format a size like Python's round(x, 2)")
}

/// Q2: requests every URL once (a URL listed twice is requested twice), with at most `max_run`
/// requests in flight (0 counts as 1) and no retry, then writes one line per URL to `out`, in the
/// order of `urls`, each starting with the URL as given (not `response.url()`, where a redirect
/// ended):
///
/// - `<url> <size> MB` with the size from the response's Content-Length ([`format_size`]);
/// - `<url> unknown` when the response has no Content-Length (`content_length()` is `None`);
/// - `<url> error: <reason>` when the request failed or the status is an error, 4xx or 5xx (what
///   `error_for_status` rejects) ([`reason`]): any 2xx, not only `200`, is a success.
///
/// The URLs start in the order of `urls`: the first `max_run` at once, then the next one each time
/// a request ends (its response headers arrive, or it fails). A request stops counting against the
/// limit as soon as its response headers have arrived: the bodies are never read. Returns once
/// every request has ended, however it ended (with no URLs: at once, `Ok`, nothing written).
pub async fn download(urls: &[String], max_run: usize, out: &mut impl Write) -> io::Result<()> {
    // TODO(Q2): one `reqwest::Client`, one `tokio::sync::Semaphore` with `max_run` permits, and a
    // future per URL that holds a permit only while `send()` runs. Which combinator runs them all
    // at once and gives the results back in the order of `urls`?
    let _ = (urls, max_run, out);
    todo!("download with at most max_run requests in flight")
}

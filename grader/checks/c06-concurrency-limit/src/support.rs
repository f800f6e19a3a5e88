//! What Q2's checks share: the servers, the call to `download`, and how its lines are judged.

use challenge::{MAX_RUN, download, format_size, gcc_urls};
use harness::rawhttp::{RawHttp, Reply};
use harness::tokio::time::{Duration, timeout};
use harness::{Failure, Outcome, fail};

/// How long a call to `download` may take in any check.
pub const DOWNLOAD_LIMIT: Duration = Duration::from_secs(2);

/// The seven tarballs' sizes on the mock server.
pub const GCC_SIZES: [u64; 7] = [1_048_576, 1_234_567, 104_857, 0, 5_242_880, 2_621_440, 3_000_000];

/// The path part of a URL made by `gcc_urls(server.url(""))`.
pub fn path_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.find('/').map_or("/".to_string(), |p| rest[p..].to_string())
}

/// The paths of the seven gcc tarballs.
pub fn gcc_paths() -> Vec<String> {
    gcc_urls("http://x").iter().map(|u| path_of(u)).collect()
}

/// A server with the seven gcc tarballs, the `i`-th answering after `delay(i)`; returns it and the
/// URLs.
pub async fn gcc_server(delay: impl Fn(usize) -> Duration) -> Outcome<(RawHttp, Vec<String>)> {
    let paths = gcc_paths();
    let routes = paths
        .iter()
        .zip(GCC_SIZES)
        .enumerate()
        .map(|(i, (path, bytes))| (path.as_str(), Reply::sized(bytes).delay(delay(i))));
    let server = RawHttp::start(routes).await?;
    let urls = gcc_urls(&server.url(""));
    Ok((server, urls))
}

/// `n` URLs of 1 MiB on a fresh server, each answering after `delay`.
pub async fn sized_server(n: usize, delay: Duration) -> Outcome<(RawHttp, Vec<String>)> {
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

/// Runs the learner's `download`, bounded at [`DOWNLOAD_LIMIT`]; returns its output lines.
pub async fn run_download(urls: &[String], max_run: usize) -> Outcome<Vec<String>> {
    let mut out = Vec::new();
    match timeout(DOWNLOAD_LIMIT, download(urls, max_run, &mut out)).await {
        Err(_) => Err(Failure::Timeout(format!(
            "download({} URLs, max_run = {max_run}) did not return within 2 s; it had printed {:?}",
            urls.len(),
            String::from_utf8_lossy(&out)
        ))),
        Ok(Err(e)) => fail(format!(
            "download({} URLs, max_run = {max_run}) returned an error instead of a line per URL: {e}",
            urls.len()
        )),
        Ok(Ok(())) => Ok(String::from_utf8_lossy(&out)
            .lines()
            .map(str::to_string)
            .collect()),
    }
}

/// What the line of one URL must say.
#[derive(Debug, Clone)]
pub enum Want {
    /// `<url> <size> MB`, for a response with `Content-Length: bytes`.
    Size(u64),
    /// `<url> unknown`
    Unknown,
    /// `<url> error: <any reason>`
    Error,
}

/// The line expected for one URL.
#[derive(Debug, Clone)]
pub struct Line {
    pub url: String,
    pub want: Want,
}

/// How closely a line is judged. Only `lines-in-order` judges a size line's text; the other checks
/// judge which kind of line each URL gets (a size, `unknown`, an error), so that a mistake in how a
/// size is written costs one check, and a mistake of Q1's (`format_size`) none of Q2's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judge {
    /// A size line is exactly `<url> <size> MB`, the size as the learner's own `format_size`
    /// writes it (what Q2 promises: "through format_size") or as Python prints it.
    Text,
    /// A size line is any line of the URL that is neither `unknown` nor an error.
    Kind,
}

impl Line {
    pub fn size(url: &str, bytes: u64) -> Line {
        Line {
            url: url.to_string(),
            want: Want::Size(bytes),
        }
    }

    pub fn new(url: &str, want: Want) -> Line {
        Line {
            url: url.to_string(),
            want,
        }
    }

    /// The line as the reference prints it, for messages.
    fn shown(&self) -> String {
        match self.want {
            Want::Size(bytes) => format!("{} {} MB", self.url, python_size(bytes)),
            Want::Unknown => format!("{} unknown", self.url),
            Want::Error => format!("{} error: <reason>", self.url),
        }
    }

    /// Whether `got` says what this line must say.
    fn accepts(&self, got: &str, judge: Judge) -> bool {
        let Some(rest) = got
            .strip_prefix(self.url.as_str())
            .and_then(|r| r.strip_prefix(' '))
        else {
            return false;
        };
        let is_error = rest.starts_with("error");
        match (&self.want, judge) {
            (Want::Size(bytes), Judge::Text) => {
                rest == format!("{} MB", python_size(*bytes))
                    || learner_size(*bytes).is_some_and(|size| rest == format!("{size} MB"))
            }
            (Want::Size(_), Judge::Kind) => !rest.trim().is_empty() && rest != "unknown" && !is_error,
            (Want::Unknown, _) => rest == "unknown",
            (Want::Error, _) => rest
                .strip_prefix("error: ")
                .is_some_and(|reason| !reason.trim().is_empty()),
        }
    }
}

/// How Python prints `round(bytes / 2**20, 2)`: the reference's `format_size`, copied, so that Q2
/// does not depend on Q1's answer.
pub fn python_size(bytes: u64) -> String {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    let rounded: f64 = format!("{mib:.2}").parse().unwrap_or(f64::NAN);
    format!("{rounded:?}")
}

/// What the learner's `format_size` (Q1) gives for `bytes`; `None` if it panics.
pub fn learner_size(bytes: u64) -> Option<String> {
    std::panic::catch_unwind(|| format_size(bytes)).ok()
}

/// A note for messages when the learner's `format_size` writes one of `sizes` otherwise than
/// Python: Q1 grades that, and Q2's checks accept either.
fn q1_note(sizes: impl IntoIterator<Item = u64>) -> String {
    let differing: Vec<String> = sizes
        .into_iter()
        .filter_map(|bytes| {
            let theirs = learner_size(bytes)?;
            let python = python_size(bytes);
            (theirs != python)
                .then(|| format!("format_size({bytes}) gives {theirs:?}, Python prints {python:?}"))
        })
        .collect();
    if differing.is_empty() {
        return String::new();
    }
    format!(
        "\n(note: {}; that costs Q1's points, and here a size written either way is accepted)",
        differing.join(", ")
    )
}

fn show(lines: &[String]) -> String {
    if lines.is_empty() {
        "nothing".to_string()
    } else {
        lines.join("\n")
    }
}

/// Pairs each expected line with a distinct line of `got` that it accepts; `None` if some line has
/// no partner or `got` has lines left over.
fn matching(expected: &[Line], got: &[String], judge: Judge) -> Option<Vec<usize>> {
    let mut used = vec![false; got.len()];
    let mut order = Vec::new();
    for line in expected {
        let i = (0..got.len()).find(|&i| !used[i] && line.accepts(&got[i], judge))?;
        used[i] = true;
        order.push(i);
    }
    (got.len() == expected.len()).then_some(order)
}

fn mismatch(what: &str, expected: &[Line], got: &[String], judge: Judge) -> Outcome {
    let shown: Vec<String> = expected.iter().map(Line::shown).collect();
    let sizes = expected.iter().filter_map(|l| match l.want {
        Want::Size(bytes) => Some(bytes),
        _ => None,
    });
    let note = match judge {
        Judge::Text => q1_note(sizes),
        Judge::Kind if expected.iter().any(|l| matches!(l.want, Want::Size(_))) => {
            "\n(here a size line is only told from `unknown` and `error: …`: how it is written is \
             judged by `lines-in-order`)"
                .to_string()
        }
        Judge::Kind => String::new(),
    };
    fail(format!(
        "{what}: expected the lines\n{}\ngot\n{}{note}",
        show(&shown),
        show(got)
    ))
}

/// The lines of `expected`, in this order, each size exactly as `format_size` or Python writes it.
pub fn expect_lines_in_order(what: &str, expected: &[Line], got: &[String]) -> Outcome {
    let in_order =
        got.len() == expected.len() && expected.iter().zip(got).all(|(l, g)| l.accepts(g, Judge::Text));
    if in_order {
        return Ok(());
    }
    if matching(expected, got, Judge::Text).is_some() {
        let urls: Vec<&str> = expected.iter().map(|l| l.url.as_str()).collect();
        return fail(format!(
            "{what}: every line is right, but not in the order of `urls`; expected the lines of\n{}\n\
             in that order, got\n{}\n(the order in which the responses arrived?)",
            urls.join("\n"),
            got.join("\n")
        ));
    }
    mismatch(what, expected, got, Judge::Text)
}

/// The kinds of line of `expected` (a size, `unknown`, an error), in any order: for checks about
/// something else than the order and the text of a size, which `lines-in-order` grades.
pub fn expect_lines_any_order(what: &str, expected: &[Line], got: &[String]) -> Outcome {
    match matching(expected, got, Judge::Kind) {
        Some(_) => Ok(()),
        None => mismatch(&format!("{what} (any order here)"), expected, got, Judge::Kind),
    }
}

/// Checks that the server saw exactly as many requests at once as `max_run` allows (0 counts as
/// 1), or all of them if there are fewer URLs.
pub fn expect_peak(server: &RawHttp, urls: usize, max_run: usize) -> Outcome {
    let limit = max_run.max(1);
    let expected = limit.min(urls);
    let peak = server.peak_in_flight();
    if peak == expected {
        return Ok(());
    }
    let setting = if max_run == 0 {
        "max_run = 0 (which counts as 1)".to_string()
    } else {
        format!("max_run = {max_run}")
    };
    let what = if peak > limit {
        format!(
            "with {urls} URLs and {setting}, expected at most {limit} requests in flight at once, saw {peak}"
        )
    } else {
        format!(
            "with {urls} URLs and {setting}, expected {expected} requests in flight at the busiest moment \
             (as many as the limit allows), saw only {peak}"
        )
    };
    // A cause is named only where the numbers point to one.
    let cause = if peak == urls && urls > limit {
        " (all of them at once: is there a limit at all?)"
    } else if peak == MAX_RUN && limit != MAX_RUN {
        " (is the limit the constant MAX_RUN instead of the `max_run` argument?)"
    } else if peak == 1 {
        " (one at a time: is each request awaited before the next one starts?)"
    } else if peak == limit + 1 || (expected == limit && peak + 1 == limit) {
        " (one off: how many permits does the semaphore get?)"
    } else {
        ""
    };
    fail(format!("{what}{cause}"))
}

/// A writer whose every write fails, as standard output does when its reader has gone.
pub struct BrokenPipe;

impl std::io::Write for BrokenPipe {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::new(
            std::io::ErrorKind::BrokenPipe,
            "the check's writer is closed",
        ))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Err(std::io::Error::new(
            std::io::ErrorKind::BrokenPipe,
            "the check's writer is closed",
        ))
    }
}

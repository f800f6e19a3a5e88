//! The checks of challenge 2, Deferred 101.
//!
//! Every check serves scripted pages from a wiremock server on loopback ([`MockHttp`]) and compares
//! what the learner's `chained_call` (Q1) or `inline_call` (Q2) returns with the expected text,
//! which is also what the given `synchronous_call` returns (run on a blocking thread, where blocking
//! code belongs). The overlap checks poll two calls from one task against a page that takes 200 ms:
//! code that blocks inside the future holds up the other call, and the pair takes 400 ms or more.

use challenge::{FetchError, chained_call, inline_call, synchronous_call};
use harness::http::{MockHttp, Page};
use harness::tokio;
use harness::{Failure, Outcome, Suite, fail, real};
use std::time::{Duration, Instant};

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            real("chained-page", || expect_cases(Answer::Chained, plain_pages())),
            real("chained-python-spaces", || {
                expect_cases(Answer::Chained, python_space_pages())
            }),
            real("chained-charsets", || {
                expect_cases(Answer::Chained, charset_pages())
            }),
            real("chained-errors", || expect_cases(Answer::Chained, error_pages())),
            real("chained-overlap", || overlap(Answer::Chained)),
            real("inline-page", || {
                let mut cases = plain_pages();
                cases.extend(python_space_pages());
                cases.extend(charset_pages());
                expect_cases(Answer::Inline, cases)
            }),
            real("inline-errors", || expect_cases(Answer::Inline, error_pages())),
            real("inline-overlap", || overlap(Answer::Inline)),
        ],
    )
}

/// How long one call may take before the check is a `timeout` (the pages come at once, or after
/// [`SLOW`]).
const CALL_LIMIT: Duration = Duration::from_secs(2);

/// The delay of the overlap checks' page.
const SLOW: Duration = Duration::from_millis(200);

/// Two overlapping calls to the [`SLOW`] page must finish within this; two calls one after the other
/// take at least twice [`SLOW`].
const OVERLAP_LIMIT: Duration = Duration::from_millis(320);

const UTF8_HTML: &str = "text/html; charset=utf-8";

/// The learner's function a check calls.
#[derive(Debug, Clone, Copy)]
enum Answer {
    Chained,
    Inline,
}

impl Answer {
    fn name(self) -> &'static str {
        match self {
            Answer::Chained => "chained_call",
            Answer::Inline => "inline_call",
        }
    }

    async fn call(self, url: &str) -> Result<String, FetchError> {
        match self {
            Answer::Chained => chained_call(url).await,
            Answer::Inline => inline_call(url).await,
        }
    }

    /// One call, within [`CALL_LIMIT`].
    async fn fetch(self, url: &str) -> Outcome<Result<String, FetchError>> {
        tokio::time::timeout(CALL_LIMIT, self.call(url))
            .await
            .map_err(|_| Failure::Timeout(format!("{}({url:?}) did not finish within 2 s", self.name())))
    }
}

/// The given blocking `synchronous_call`, on a thread where blocking is allowed.
async fn synchronous(url: &str) -> Outcome<Result<String, FetchError>> {
    let url = url.to_owned();
    let call = tokio::task::spawn_blocking(move || synchronous_call(&url));
    match tokio::time::timeout(CALL_LIMIT, call).await {
        Ok(Ok(result)) => Ok(result),
        Ok(Err(_panicked)) => {
            fail("the given `synchronous_call` panicked: were the given functions changed?")
        }
        Err(_) => Err(Failure::Timeout(
            "the given `synchronous_call` did not finish within 2 s".into(),
        )),
    }
}

/// What a call must return.
#[derive(Debug, Clone)]
enum Expected {
    Text(String),
    /// The name of a `FetchError` variant, as [`kind`] writes it.
    Error(&'static str),
}

/// A page served at `route` (or, with `page: None`, a port where nothing listens), and what a call
/// for it must return.
struct Case {
    what: &'static str,
    route: &'static str,
    page: Option<Page>,
    expected: Expected,
}

fn text_case(what: &'static str, route: &'static str, page: Page, expected: &str) -> Case {
    Case {
        what,
        route,
        page: Some(page),
        expected: Expected::Text(expected.to_string()),
    }
}

fn plain_pages() -> Vec<Case> {
    let page = "<!doctype html>\r\n<html>\n  <head><title>Deferred 101</title></head>\n  <body>\n\t<p>caf\u{e9}  au\tlait</p>\n  </body>\n</html>\n";
    vec![text_case(
        "a UTF-8 page",
        "/page",
        Page::new(Some(UTF8_HTML), page),
        "<!doctypehtml><html><head><title>Deferred101</title></head><body><p>caf\u{e9}aulait</p></body></html>",
    )]
}

fn python_space_pages() -> Vec<Case> {
    // Python's `str.isspace` is true for every one of these, `char::is_whitespace` for all but the
    // four separators U+001C..U+001F. U+200B, U+FEFF and U+180E are not whitespace for either.
    let page = "<p>a\u{1c}b\u{1d}c\u{1e}d\u{1f}e\u{85}f\u{a0}g\u{2003}h\u{3000}i\u{2028}j\u{b}k\u{c}l\u{1680}m</p>\
                <p>\u{200b}\u{feff}\u{180e}</p>";
    vec![text_case(
        "a page with Python's less common whitespace",
        "/spaces",
        Page::new(Some(UTF8_HTML), page),
        "<p>abcdefghijklm</p><p>\u{200b}\u{feff}\u{180e}</p>",
    )]
}

fn charset_pages() -> Vec<Case> {
    vec![
        text_case(
            "a page in ISO-8859-1 (true Latin-1: 0x85 and 0xA0 are whitespace, 0x80 is U+0080)",
            "/latin1",
            Page::new(
                Some("text/html; charset=ISO-8859-1"),
                b"<p>caf\xe9 cr\xe8me\x85\xa0\x80</p>".to_vec(),
            ),
            "<p>caf\u{e9}cr\u{e8}me\u{80}</p>",
        ),
        text_case(
            "a `text/plain` page without charset (Latin-1, whatever its bytes are)",
            "/no-charset",
            Page::new(Some("text/plain"), "caf\u{e9} \u{a0}!"),
            "caf\u{c3}\u{a9}\u{c2}!",
        ),
        text_case(
            "a page with a quoted charset, `charset=\"UTF-8\"`",
            "/quoted",
            Page::new(Some("text/html; charset=\"UTF-8\""), "<p>na\u{ef}ve \u{2603}</p>"),
            "<p>na\u{ef}ve\u{2603}</p>",
        ),
    ]
}

fn error_pages() -> Vec<Case> {
    let error = |what, route, page, kind| Case {
        what,
        route,
        page: Some(page),
        expected: Expected::Error(kind),
    };
    vec![
        error(
            "a 404 page",
            "/missing",
            Page::new(Some(UTF8_HTML), "<p>not found</p>").status(404),
            "Status(404)",
        ),
        error(
            "a page without Content-Type",
            "/no-type",
            Page::new(None, "<p>what am I?</p>"),
            "NoContentType",
        ),
        error(
            "a page that says UTF-8 but is not",
            "/bad-utf8",
            Page::new(Some(UTF8_HTML), b"<p>\xff</p>".to_vec()),
            "Decode",
        ),
        error(
            "a page in an unknown charset",
            "/klingon",
            Page::new(Some("text/html; charset=x-klingon"), "<p>Qapla'</p>"),
            "UnknownCharset",
        ),
        Case {
            what: "a port where nothing listens (connection refused)",
            route: "/refused",
            page: None,
            expected: Expected::Error("Request"),
        },
    ]
}

/// The variant of a `FetchError`, for comparisons and messages.
fn kind(error: &FetchError) -> String {
    match error {
        FetchError::Request(_) => "Request".into(),
        FetchError::Status(status) => format!("Status({status})"),
        FetchError::NoContentType => "NoContentType".into(),
        FetchError::NoCharset(_) => "NoCharset".into(),
        FetchError::UnknownCharset(_) => "UnknownCharset".into(),
        FetchError::Decode(_) => "Decode".into(),
    }
}

/// Text in quotes, with every character but ASCII ones, spaces and letters written as `\u{…}` (so
/// that U+001C or U+00A0 can be seen), cut after 200 characters.
fn show_text(text: &str) -> String {
    let mut shown = String::from("\"");
    for (i, c) in text.chars().enumerate() {
        if i == 200 {
            shown.push_str("\"…");
            return shown;
        }
        if c == '"' || c == '\\' {
            shown.push('\\');
            shown.push(c);
        } else if c.is_ascii_graphic() || c == ' ' || (c.is_alphanumeric() && !c.is_ascii()) {
            shown.push(c);
        } else {
            shown.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        }
    }
    shown.push('"');
    shown
}

fn show(result: &Result<String, FetchError>) -> String {
    match result {
        Ok(text) => format!("Ok({})", show_text(text)),
        Err(e) => format!("Err({}): {e}", kind(e)),
    }
}

fn show_expected(expected: &Expected) -> String {
    match expected {
        Expected::Text(text) => format!("Ok({})", show_text(text)),
        Expected::Error(kind) => format!("Err({kind})"),
    }
}

fn matches(expected: &Expected, got: &Result<String, FetchError>) -> bool {
    match (expected, got) {
        (Expected::Text(text), Ok(got)) => text == got,
        (Expected::Error(wanted), Err(e)) => *wanted == kind(e),
        _ => false,
    }
}

/// A URL on loopback where nothing listens: a listener is bound to a free port and closed again.
fn refused_url(route: &str) -> Outcome<String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .or_else(|e| fail(format!("the harness could not bind 127.0.0.1:0: {e}")))?;
    let addr = listener
        .local_addr()
        .or_else(|e| fail(format!("the harness has no local address: {e}")))?;
    drop(listener);
    Ok(format!("http://{addr}{route}"))
}

/// Serves the cases, calls `answer` and the given `synchronous_call` for each, and expects both to
/// return what the case says.
async fn expect_cases(answer: Answer, cases: Vec<Case>) -> Outcome {
    let http = MockHttp::start().await;
    for case in &cases {
        if let Some(page) = &case.page {
            http.page(case.route, page.clone()).await;
        }
    }
    for case in &cases {
        let url = match case.page {
            Some(_) => http.url(case.route),
            None => refused_url(case.route)?,
        };
        let got = answer.fetch(&url).await?;
        let reference = synchronous(&url).await?;
        if !matches(&case.expected, &got) {
            return fail(format!(
                "{}: for {}, expected {}, got {} (the given `synchronous_call` returns {})",
                answer.name(),
                case.what,
                show_expected(&case.expected),
                show(&got),
                show(&reference),
            ));
        }
        if !matches(&case.expected, &reference) {
            return fail(format!(
                "for {}, the given `synchronous_call` returns {} instead of {}: the given functions \
                 (`request_url`, `parse_content`, `minify_html`) must stay as they were",
                case.what,
                show(&reference),
                show_expected(&case.expected),
            ));
        }
    }
    Ok(())
}

/// Two calls to a page that takes [`SLOW`], polled together from one task, must overlap.
async fn overlap(answer: Answer) -> Outcome {
    let http = MockHttp::start().await;
    let body = "<p>a  slow\npage</p>";
    let expected = "<p>aslowpage</p>";
    http.page("/fast", Page::new(Some(UTF8_HTML), body)).await;
    http.page("/slow", Page::new(Some(UTF8_HTML), body).delay(SLOW))
        .await;
    // A first call, not timed: it must work at all, and it warms up whatever is set up only once.
    let first = answer.fetch(&http.url("/fast")).await?;
    let expect_page = |got: &Result<String, FetchError>| -> Outcome {
        match got {
            Ok(text) if text == expected => Ok(()),
            _ => fail(format!(
                "{}: expected Ok({}), got {}",
                answer.name(),
                show_text(expected),
                show(got)
            )),
        }
    };
    expect_page(&first)?;

    let url = http.url("/slow");
    let started = Instant::now();
    // Both futures are polled by this one task: while one blocks, the other cannot even start.
    let both = async { tokio::join!(answer.call(&url), answer.call(&url)) };
    let (a, b) = tokio::time::timeout(CALL_LIMIT, both).await.map_err(|_| {
        Failure::Timeout(format!(
            "two calls of {} did not finish within 2 s",
            answer.name()
        ))
    })?;
    let took = started.elapsed();
    expect_page(&a)?;
    expect_page(&b)?;
    if took >= OVERLAP_LIMIT {
        return fail(format!(
            "two calls of {} to a page that takes {} ms took {} ms together: they ran one after the \
             other, not at the same time. Something blocks the runtime's thread inside your future \
             (`synchronous_call`, `request_url`, `std::thread::sleep`…): await `request_url_async` instead",
            answer.name(),
            SLOW.as_millis(),
            took.as_millis()
        ));
    }
    Ok(())
}

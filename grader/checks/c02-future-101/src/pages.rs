//! The pages the result checks serve, what a call must return for each, and the loop that compares.

use crate::support::{Answer, synchronous};
use challenge::FetchError;
use harness::rawhttp::{RawHttp, Reply};
use harness::{Outcome, fail};

const UTF8_HTML: &str = "text/html; charset=utf-8";

/// What a call must return.
#[derive(Debug, Clone)]
enum Expected {
    Text(String),
    /// The name of a `FetchError` variant, as [`kind`] writes it.
    Error(&'static str),
}

/// A page served at `route` (or, with `page: None`, a port where nothing listens), and what a call
/// for it must return.
pub(crate) struct Case {
    what: &'static str,
    route: &'static str,
    page: Option<Reply>,
    expected: Expected,
}

/// A `200 OK` page with this Content-Type (`None`: no Content-Type header at all) and body.
fn page(content_type: Option<&str>, body: impl Into<Vec<u8>>) -> Reply {
    match content_type {
        Some(content_type) => Reply::ok(body).content_type(content_type),
        None => Reply::ok(body),
    }
}

fn text_case(what: &'static str, route: &'static str, page: Reply, expected: &str) -> Case {
    Case {
        what,
        route,
        page: Some(page),
        expected: Expected::Text(expected.to_string()),
    }
}

pub(crate) fn plain_pages() -> Vec<Case> {
    let html = "<!doctype html>\r\n<html>\n  <head><title>Deferred 101</title></head>\n  <body>\n\t<p>caf\u{e9}  au\tlait</p>\n  </body>\n</html>\n";
    vec![text_case(
        "a UTF-8 page",
        "/page",
        page(Some(UTF8_HTML), html),
        "<!doctypehtml><html><head><title>Deferred101</title></head><body><p>caf\u{e9}aulait</p></body></html>",
    )]
}

pub(crate) fn python_space_pages() -> Vec<Case> {
    // Python's `str.isspace` is true for every one of these, `char::is_whitespace` for all but the
    // four separators U+001C..U+001F. U+200B, U+FEFF and U+180E are not whitespace for either.
    let html = "<p>a\u{1c}b\u{1d}c\u{1e}d\u{1f}e\u{85}f\u{a0}g\u{2003}h\u{3000}i\u{2028}j\u{b}k\u{c}l\u{1680}m\
                \u{2000}n\u{200a}o\u{2029}p\u{202f}q\u{205f}r\rs</p><p>\u{200b}\u{feff}\u{180e}</p>";
    vec![text_case(
        "a page with Python's less common whitespace",
        "/spaces",
        page(Some(UTF8_HTML), html),
        "<p>abcdefghijklmnopqrs</p><p>\u{200b}\u{feff}\u{180e}</p>",
    )]
}

pub(crate) fn charset_pages() -> Vec<Case> {
    vec![
        text_case(
            "a page in ISO-8859-1 (true Latin-1: 0x85 and 0xA0 are whitespace, 0x80 is U+0080)",
            "/latin1",
            page(
                Some("text/html; charset=ISO-8859-1"),
                b"<p>caf\xe9 cr\xe8me\x85\xa0\x80</p>".to_vec(),
            ),
            "<p>caf\u{e9}cr\u{e8}me\u{80}</p>",
        ),
        text_case(
            "a `text/plain` page without charset (Latin-1, whatever its bytes are)",
            "/no-charset",
            page(Some("text/plain"), "caf\u{e9} \u{a0}!"),
            "caf\u{c3}\u{a9}\u{c2}!",
        ),
        text_case(
            "a `text/html` page without charset (Latin-1 too: 0xA0 is whitespace)",
            "/html-no-charset",
            page(Some("text/html"), b"<p>caf\xe9\xa0cr\xe8me</p>".to_vec()),
            "<p>caf\u{e9}cr\u{e8}me</p>",
        ),
        text_case(
            "a page in windows-1252 (0x80 is €, 0x85 is …, which is not whitespace)",
            "/windows-1252",
            page(
                Some("text/html; charset=windows-1252"),
                b"<p>\x93ok\x94 \x80\x85</p>".to_vec(),
            ),
            "<p>\u{201c}ok\u{201d}\u{20ac}\u{2026}</p>",
        ),
        text_case(
            "an `application/json` page without charset (UTF-8)",
            "/json",
            page(Some("application/json"), "{\"caf\u{e9}\": \"\u{2603}\"}"),
            "{\"caf\u{e9}\":\"\u{2603}\"}",
        ),
        text_case(
            "a page with a quoted charset, `charset=\"UTF-8\"`",
            "/quoted",
            page(Some("text/html; charset=\"UTF-8\""), "<p>na\u{ef}ve \u{2603}</p>"),
            "<p>na\u{ef}ve\u{2603}</p>",
        ),
    ]
}

pub(crate) fn error_pages() -> Vec<Case> {
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
            page(Some(UTF8_HTML), "<p>not found</p>").status(404),
            "Status(404)",
        ),
        error(
            "a page without Content-Type",
            "/no-type",
            page(None, "<p>what am I?</p>"),
            "NoContentType",
        ),
        error(
            "a page that says UTF-8 but is not",
            "/bad-utf8",
            page(Some(UTF8_HTML), b"<p>\xff</p>".to_vec()),
            "Decode",
        ),
        error(
            "an `application/octet-stream` page without charset",
            "/octets",
            page(Some("application/octet-stream"), "<p>bytes</p>"),
            "NoCharset",
        ),
        error(
            "a page in an unknown charset",
            "/klingon",
            page(Some("text/html; charset=x-klingon"), "<p>Qapla'</p>"),
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
pub(crate) fn show_text(text: &str) -> String {
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

pub(crate) fn show(result: &Result<String, FetchError>) -> String {
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
pub(crate) async fn expect_cases(answer: Answer, cases: Vec<Case>) -> Outcome {
    let routes = cases
        .iter()
        .filter_map(|case| Some((case.route, case.page.clone()?)));
    let http = RawHttp::start(routes).await?;
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

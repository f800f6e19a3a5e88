//! WRONG ON PURPOSE (unwrap-content): unwraps the decoded content: a page without Content-Type panics instead of returning Err.
//! # Challenge 2: Deferred 101 — reference solution
//!
//! A blocking web-page fetcher, [`synchronous_call`], made asynchronous twice: as a chain of future
//! combinators ([`chained_call`], Twisted's `addCallback` chain) and with `async`/`.await`
//! ([`inline_call`], `inlineCallbacks`). Both reuse the given steps: [`request_url_async`],
//! [`parse_content`] and [`minify_html`].

use futures::{TryFutureExt, future};
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use std::fmt;
use std::future::Future;

/// The page the original fetches; `fetch-webpage --url` chooses another.
pub const DEFAULT_URL: &str = "https://www.example.com";

/// What the steps need from an HTTP response: its `Content-Type` header and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The `Content-Type` header as sent, or `None` when the server sent none.
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// Why a page could not be fetched: every step reports its failure as a value, never a panic.
#[derive(Debug)]
pub enum FetchError {
    /// No response: the connection was refused or broke, the URL is invalid…
    Request(reqwest::Error),
    /// The server answered with a status that is not a success (`404`, `500`…).
    Status(u16),
    /// The response has no `Content-Type` header, so nothing says how to decode its body.
    NoContentType,
    /// The content type (given here) has no charset, and is neither `text/*` nor JSON.
    NoCharset(String),
    /// The charset (given here) is not one this kit can decode.
    UnknownCharset(String),
    /// The body is not valid in its charset (given here).
    Decode(String),
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Request(e) => {
                // reqwest's own message is terse ("error sending request"): the reason is in its
                // sources ("Connection refused").
                write!(f, "the request failed: {e}")?;
                let mut source = std::error::Error::source(e);
                while let Some(cause) = source {
                    write!(f, ": {cause}")?;
                    source = cause.source();
                }
                Ok(())
            }
            FetchError::Status(status) => write!(f, "the server answered with status {status}"),
            FetchError::NoContentType => write!(f, "the response has no Content-Type header"),
            FetchError::NoCharset(mime) => write!(f, "the content type {mime:?} has no charset"),
            FetchError::UnknownCharset(charset) => write!(f, "unknown charset {charset:?}"),
            FetchError::Decode(charset) => write!(f, "the body is not valid {charset}"),
        }
    }
}

// `Display` already includes reqwest's error and its causes, so `source()` keeps its default
// (`None`): an error should show its cause in one of the two, not both.
impl std::error::Error for FetchError {}

impl From<reqwest::Error> for FetchError {
    fn from(e: reqwest::Error) -> FetchError {
        FetchError::Request(e)
    }
}

/// Given (blocking, Python's `requestUrl`): fetches `url` with a GET, following redirects. A status
/// that is not a success is an error.
///
/// It blocks the calling thread until the whole body has arrived, as `requests.get` does — even when
/// that thread is one of a tokio runtime's, where blocking stalls every other task.
pub fn request_url(url: &str) -> Result<Response, FetchError> {
    // reqwest's blocking client refuses to run on a thread that drives a tokio runtime (debug builds
    // panic). Python's `requests.get` has no such guard: called from a callback, it simply blocks
    // the reactor. To behave the same, the request runs on a plain thread of its own while this
    // thread waits for it.
    std::thread::scope(|scope| scope.spawn(|| blocking_get(url)).join())
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

fn blocking_get(url: &str) -> Result<Response, FetchError> {
    let response = reqwest::blocking::get(url)?;
    let status = response.status();
    if !status.is_success() {
        return Err(FetchError::Status(status.as_u16()));
    }
    let content_type = content_type(response.headers());
    let body = response.bytes()?.to_vec();
    Ok(Response { content_type, body })
}

/// Given (async): the same request as [`request_url`], as a future that waits without blocking.
///
/// The future owns what it needs (`'static`), so it can outlive `url` and be chained, stored or
/// spawned.
pub fn request_url_async(url: &str) -> impl Future<Output = Result<Response, FetchError>> + Send + 'static {
    let url = url.to_owned();
    async move {
        let response = reqwest::get(&url).await?;
        let status = response.status();
        if !status.is_success() {
            return Err(FetchError::Status(status.as_u16()));
        }
        let content_type = content_type(response.headers());
        let body = response.bytes().await?.to_vec();
        Ok(Response { content_type, body })
    }
}

fn content_type(headers: &HeaderMap) -> Option<String> {
    // Header values are bytes; Python's `requests` reads them as Latin-1. Lossy UTF-8 is enough to
    // find a charset, which is ASCII.
    headers
        .get(CONTENT_TYPE)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

/// Given (Python's `parseContent`): decodes the body by the charset of its `Content-Type`, as
/// `resp.content.decode(resp.encoding)` does in `requests`:
///
/// - `charset=…` decides (quotes allowed); ISO-8859-1 is true Latin-1 (byte `0xNN` is `U+00NN`);
/// - a `text/*` type without charset is Latin-1, `application/json` without charset is UTF-8;
/// - any other type without charset, no `Content-Type` at all, an unknown charset or a body that is
///   not valid in its charset is an error.
pub fn parse_content(response: &Response) -> Result<String, FetchError> {
    let header = response
        .content_type
        .as_deref()
        .map(str::trim)
        .filter(|header| !header.is_empty())
        .ok_or(FetchError::NoContentType)?;
    let mut params = header.split(';');
    let mime = params.next().unwrap_or_default().trim().to_ascii_lowercase();
    // Like `requests`, the last `charset` parameter wins; quotes and spaces around it are dropped.
    let charset = params
        .filter_map(|param| param.split_once('='))
        .filter(|(key, _)| key.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, value)| value.trim_matches(|c| matches!(c, '"' | '\'' | ' ')).to_string())
        .next_back();
    let charset = match charset {
        Some(charset) => charset,
        None if mime.starts_with("text/") => "ISO-8859-1".to_string(),
        None if mime == "application/json" => "utf-8".to_string(),
        None => return Err(FetchError::NoCharset(mime)),
    };
    decode(&response.body, &charset)
}

/// Decodes strictly (no replacement characters), as Python's `bytes.decode` does.
fn decode(body: &[u8], charset: &str) -> Result<String, FetchError> {
    let invalid = || FetchError::Decode(charset.to_string());
    // Python's codec names ignore case, `-` and `_`: `UTF-8`, `utf8` and `utf_8` are one codec.
    let name: String = charset
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    match name.as_str() {
        "utf8" | "u8" | "utf" | "cp65001" => String::from_utf8(body.to_vec()).map_err(|_| invalid()),
        // True Latin-1. encoding_rs (like browsers) reads the label "iso-8859-1" as windows-1252,
        // which turns 0x80..0x9F into `€`, `…` and friends: Python does not.
        "latin1" | "latin" | "iso88591" | "iso8859" | "8859" | "l1" | "cp819" | "ibm819" | "csisolatin1" => {
            Ok(body.iter().map(|&byte| char::from(byte)).collect())
        }
        "ascii" | "usascii" | "us" | "646" | "cp367" | "ibm367" | "csascii" | "iso646us" => {
            if body.is_ascii() {
                Ok(body.iter().map(|&byte| char::from(byte)).collect())
            } else {
                Err(invalid())
            }
        }
        // Any other charset a browser knows (Shift_JIS, windows-1251, UTF-16…).
        _ => {
            let encoding = encoding_rs::Encoding::for_label(charset.as_bytes())
                .ok_or_else(|| FetchError::UnknownCharset(charset.to_string()))?;
            encoding
                .decode_without_bom_handling_and_without_replacement(body)
                .map(|text| text.into_owned())
                .ok_or_else(invalid)
        }
    }
}

/// Whether Python's `str.isspace` holds for `c`: Unicode's spaces and separators, plus the four
/// ASCII "information separators" U+001C..U+001F, which `char::is_whitespace` does not count.
pub fn is_python_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\u{1c}'..='\u{20}'
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// Given (Python's `minifyHTML`): removes every whitespace character, by Python's rule
/// ([`is_python_space`]). The original strips each character and joins the rest, which removes them
/// all, not only those at the ends of lines.
pub fn minify_html(source: &str) -> String {
    source.chars().filter(|&c| !is_python_space(c)).collect()
}

/// Given (blocking, Python's `synchronousCall`): fetches `url`, decodes it and minifies it.
pub fn synchronous_call(url: &str) -> Result<String, FetchError> {
    let response = request_url(url)?;
    let text = parse_content(&response)?;
    Ok(minify_html(&text))
}

/// Q1: the same result as [`synchronous_call`], built as a chain of future combinators on
/// [`request_url_async`], the counterpart of a Deferred with `addCallback`s. Nothing blocks: the
/// request only starts when the returned future is first polled.
pub fn chained_call(url: &str) -> impl Future<Output = Result<String, FetchError>> + Send + 'static {
    // `and_then` runs its step on success only, and lets an error flow past it: an errback-free
    // `addCallback`. Its step returns a future, so a plain `Result` is wrapped in `future::ready`.
    // `map_ok` is for steps that cannot fail, as `minify_html` cannot.
    request_url_async(url)
        .map_ok(|response| parse_content(&response).expect("a web page has a Content-Type"))
        .map_ok(|text| minify_html(&text))
}

/// Q2: the same result, written with `async`/`.await`: the counterpart of `@inlineCallbacks`. Each
/// `.await` is a `yield`, and `?` turns a failed step into the function's error at once.
pub async fn inline_call(url: &str) -> Result<String, FetchError> {
    let response = request_url_async(url).await?;
    let text = parse_content(&response)?;
    Ok(minify_html(&text))
}

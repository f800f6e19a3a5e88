//! Given: the blocking web-page fetcher of the original and its three steps, the error type, and
//! the asynchronous request [`request_url_async`]. You do not need to change this file: your answers
//! go in `lib.rs`.

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
/// The future owns what it needs (a copy of `url`), so it can outlive `url` and be chained, stored
/// or spawned: `use<>` says that it borrows nothing (without it, edition 2024 counts the returned
/// future as borrowing `url`, and a closure that makes the URL cannot return the future).
pub fn request_url_async(url: &str) -> impl Future<Output = Result<Response, FetchError>> + Send + use<> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code point for which Python 3.11's `chr(c).isspace()` is true.
    const PYTHON_SPACES: &[u32] = &[
        0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002,
        0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f,
        0x3000,
    ];

    /// The future of `request_url_async` borrows nothing: a closure can make the URL, ask for it
    /// and return the future, which outlives the URL (E0515 without `use<>`).
    #[test]
    fn request_future_outlives_url() {
        let fetch = |n: u16| request_url_async(&format!("http://127.0.0.1:9/{n}"));
        let future = fetch(1);
        // Never polled: nothing is sent.
        drop(future);
    }

    fn page(content_type: Option<&str>, body: &[u8]) -> Response {
        Response {
            content_type: content_type.map(str::to_string),
            body: body.to_vec(),
        }
    }

    #[test]
    fn python_spaces_are_exactly_pythons() {
        let all = (0..=0x10ffff).filter_map(char::from_u32);
        let ours: Vec<u32> = all.filter(|&c| is_python_space(c)).map(u32::from).collect();
        assert_eq!(ours, PYTHON_SPACES);
    }

    #[test]
    fn python_spaces_differ_from_rust_whitespace_only_by_the_separators() {
        let differ: Vec<u32> = (0..=0x10ffff)
            .filter_map(char::from_u32)
            .filter(|&c| is_python_space(c) != c.is_whitespace())
            .map(u32::from)
            .collect();
        assert_eq!(differ, [0x1c, 0x1d, 0x1e, 0x1f]);
    }

    #[test]
    fn minify_removes_every_space_as_python_does() {
        // The page verified against the Python original.
        let source = "<!doctype html>\n<html>\n  <p>a  b\tc</p>\u{1c}\u{a0}é\n</html>";
        assert_eq!(minify_html(source), "<!doctypehtml><html><p>abc</p>é</html>");
        assert_eq!(minify_html("a\u{200b}b\u{feff}"), "a\u{200b}b\u{feff}");
    }

    #[test]
    fn the_charset_decides() {
        let utf8 = page(Some("text/html; charset=UTF-8"), "é☃".as_bytes());
        assert_eq!(parse_content(&utf8).unwrap(), "é☃");
        let quoted = page(Some("text/html;charset=\"utf-8\""), "é".as_bytes());
        assert_eq!(parse_content(&quoted).unwrap(), "é");
        let json = page(Some("application/json"), "\"é\"".as_bytes());
        assert_eq!(parse_content(&json).unwrap(), "\"é\"");
        let koi8 = page(Some("text/plain; charset=koi8-r"), &[0xc1]);
        assert_eq!(parse_content(&koi8).unwrap(), "а");
    }

    #[test]
    fn latin1_is_true_latin1_not_windows_1252() {
        let bytes = [b'c', b'a', b'f', 0xe9, 0x80, 0x85, 0xa0];
        let expected = "caf\u{e9}\u{80}\u{85}\u{a0}";
        let explicit = page(Some("text/html; charset=ISO-8859-1"), &bytes);
        assert_eq!(parse_content(&explicit).unwrap(), expected);
        let implicit = page(Some("text/plain"), &bytes);
        assert_eq!(parse_content(&implicit).unwrap(), expected);
        let latin1 = page(Some("text/plain; charset=latin_1"), &bytes);
        assert_eq!(parse_content(&latin1).unwrap(), expected);
    }

    #[test]
    fn undecodable_pages_are_errors() {
        assert!(matches!(
            parse_content(&page(None, b"x")),
            Err(FetchError::NoContentType)
        ));
        assert!(matches!(
            parse_content(&page(Some(" "), b"x")),
            Err(FetchError::NoContentType)
        ));
        assert!(matches!(
            parse_content(&page(Some("application/octet-stream"), b"x")),
            Err(FetchError::NoCharset(_))
        ));
        assert!(matches!(
            parse_content(&page(Some("text/html; charset=x-klingon"), b"x")),
            Err(FetchError::UnknownCharset(_))
        ));
        assert!(matches!(
            parse_content(&page(Some("text/html; charset=utf-8"), b"\xff")),
            Err(FetchError::Decode(_))
        ));
        assert!(matches!(
            parse_content(&page(Some("text/html; charset=ascii"), b"\xe9")),
            Err(FetchError::Decode(_))
        ));
    }
}

//! # Challenge 2: Deferred 101
//!
//! [`synchronous_call`] fetches a web page, decodes it and removes its whitespace, blocking all the
//! way. Make it asynchronous twice: as a chain of future combinators ([`chained_call`], Q1) and with
//! `async`/`.await` ([`inline_call`], Q2), reusing the given steps [`request_url_async`],
//! [`parse_content`] and [`minify_html`]. Read `README.md` first; check your work with
//! `cargo test -p c02-future-101`.
//!
//! Given, in `src/given.rs`: the steps, [`synchronous_call`], [`request_url_async`], the error type
//! [`FetchError`] and [`is_python_space`].

mod given;

pub use given::{
    DEFAULT_URL, FetchError, Response, is_python_space, minify_html, parse_content, request_url,
    request_url_async, synchronous_call,
};

use std::future::Future;

/// Q1: the same result as [`synchronous_call`], built as a chain of future combinators on
/// [`request_url_async`], the counterpart of a Deferred with `addCallback`s: the returned future is
/// the chain itself, not an `async` block. Nothing blocks: the request only starts when the
/// returned future is first polled (nothing is sent or spawned before), and a failed step comes
/// back as `Err`, the same `FetchError` as [`synchronous_call`] gives.
// The stub's last line only makes it compile (a `todo!()` is not a future): remove it, and this
// `allow`, with the `todo!()`.
#[allow(unreachable_code)]
pub fn chained_call(url: &str) -> impl Future<Output = Result<String, FetchError>> + Send + 'static {
    // TODO(Q1): start from `request_url_async(url)` and add one combinator per remaining step
    // (`futures::TryFutureExt`: `and_then`, `map_ok`). No `async`, no `.await`: that is Q2.
    let _ = url;
    todo!("chain request_url_async, parse_content and minify_html");
    std::future::pending()
}

/// Q2: the same result, written with `async`/`.await`: the counterpart of `@inlineCallbacks`. A failed
/// step comes back as `Err`, never a panic.
pub async fn inline_call(url: &str) -> Result<String, FetchError> {
    // TODO(Q2): await the request, then run the two other steps; `?` passes an error on.
    let _ = url;
    todo!("await request_url_async, then parse_content and minify_html")
}

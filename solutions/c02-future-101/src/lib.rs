//! # Challenge 2: Deferred 101 — reference solution
//!
//! A blocking web-page fetcher, [`synchronous_call`], made asynchronous twice: as a chain of future
//! combinators ([`chained_call`], Twisted's `addCallback` chain) and with `async`/`.await`
//! ([`inline_call`], `inlineCallbacks`). Both reuse the given steps: [`request_url_async`],
//! [`parse_content`] and [`minify_html`].
//!
//! Given, in `src/given.rs`: the steps, [`synchronous_call`], [`request_url_async`], the error type
//! [`FetchError`] and [`is_python_space`].

mod given;

pub use given::{
    DEFAULT_URL, FetchError, Response, is_python_space, minify_html, parse_content, request_url,
    request_url_async, synchronous_call,
};

use futures::{TryFutureExt, future};
use std::future::Future;

/// Q1: the same result as [`synchronous_call`], built as a chain of future combinators on
/// [`request_url_async`], the counterpart of a Deferred with `addCallback`s: the returned future is
/// the chain itself, not an `async` block. Nothing blocks: the request only starts when the
/// returned future is first polled (nothing is sent or spawned before), and a failed step comes
/// back as `Err`, the same `FetchError` as [`synchronous_call`] gives.
pub fn chained_call(url: &str) -> impl Future<Output = Result<String, FetchError>> + Send + 'static {
    // `and_then` runs its step on success only, and lets an error flow past it: an errback-free
    // `addCallback`. Its step returns a future, so a plain `Result` is wrapped in `future::ready`.
    // `map_ok` is for steps that cannot fail, as `minify_html` cannot.
    request_url_async(url)
        .and_then(|response| future::ready(parse_content(&response)))
        .map_ok(|text| minify_html(&text))
}

/// Q2: the same result, written with `async`/`.await`: the counterpart of `@inlineCallbacks`. Each
/// `.await` is a `yield`, and `?` turns a failed step into the function's error at once, never a
/// panic.
pub async fn inline_call(url: &str) -> Result<String, FetchError> {
    let response = request_url_async(url).await?;
    let text = parse_content(&response)?;
    Ok(minify_html(&text))
}

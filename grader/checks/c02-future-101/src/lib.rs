//! The checks of challenge 2, Deferred 101.
//!
//! The result checks ([`pages`]) serve scripted pages from a wiremock server on loopback
//! ([`harness::http::MockHttp`]) and compare what the learner's `chained_call` (Q1) or `inline_call`
//! (Q2) returns with the expected text, which is also what the given `synchronous_call` returns (run
//! on a blocking thread, where blocking code belongs). The checks that nothing blocks ([`timing`])
//! use a server that holds each request until the other one has arrived ([`gate`]): it sees whether
//! two calls polled together really had their requests out at the same time, without measuring a
//! duration.

mod gate;
mod pages;
mod timing;

use challenge::{FetchError, chained_call, inline_call, synchronous_call};
use harness::tokio;
use harness::{Failure, Outcome, Suite, fail, real};
use pages::{charset_pages, error_pages, expect_cases, plain_pages, python_space_pages};
use std::time::Duration;

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
            real("chained-overlap", || timing::overlap(Answer::Chained)),
            real("chained-lazy", timing::chained_lazy),
            real("inline-page", || {
                let mut cases = plain_pages();
                cases.extend(python_space_pages());
                cases.extend(charset_pages());
                expect_cases(Answer::Inline, cases)
            }),
            real("inline-errors", || expect_cases(Answer::Inline, error_pages())),
            real("inline-overlap", || timing::overlap(Answer::Inline)),
        ],
    )
}

/// How long one call may take before the check is a `timeout` (the pages come at once).
const CALL_LIMIT: Duration = Duration::from_secs(2);

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

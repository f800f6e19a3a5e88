//! What the checks of both questions share: which answer a check calls, and the given
//! `synchronous_call` run where blocking belongs.

use challenge::{FetchError, chained_call, inline_call, synchronous_call};
use harness::tokio;
use harness::{Failure, Outcome, fail};
use std::time::Duration;

/// How long one call may take before the check is a `timeout` (the pages come at once).
pub(crate) const CALL_LIMIT: Duration = Duration::from_secs(2);

/// The learner's function a check calls.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Answer {
    Chained,
    Inline,
}

impl Answer {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Answer::Chained => "chained_call",
            Answer::Inline => "inline_call",
        }
    }

    pub(crate) async fn call(self, url: &str) -> Result<String, FetchError> {
        match self {
            Answer::Chained => chained_call(url).await,
            Answer::Inline => inline_call(url).await,
        }
    }

    /// One call, within [`CALL_LIMIT`].
    pub(crate) async fn fetch(self, url: &str) -> Outcome<Result<String, FetchError>> {
        tokio::time::timeout(CALL_LIMIT, self.call(url))
            .await
            .map_err(|_| Failure::Timeout(format!("{}({url:?}) did not finish within 2 s", self.name())))
    }
}

/// The given blocking `synchronous_call`, on a thread where blocking is allowed.
pub(crate) async fn synchronous(url: &str) -> Outcome<Result<String, FetchError>> {
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

//! What the checks share: a limit on learner futures.

use harness::time::show;
use harness::tokio::time::{Duration, timeout};
use harness::{Failure, Outcome};
use std::future::Future;

/// How long a learner future may take before the check gives up.
const LIMIT: Duration = Duration::from_secs(2);

/// Awaits `future`, or fails after [`LIMIT`].
pub(crate) async fn within<T>(what: &str, future: impl Future<Output = T>) -> Outcome<T> {
    timeout(LIMIT, future)
        .await
        .map_err(|_| Failure::Timeout(format!("{what} did not end within {}", show(LIMIT))))
}

//! Tasks left behind: the tasks alive on the check's runtime, counted against a baseline taken
//! before the learner's code ran.
//!
//! A connection's task that outlives its connection, a timer spawned and never stopped, a server
//! whose connection tasks run on after shutdown: none of them shows in what the code returns, all
//! of them show here. `spawn_blocking` work is not a task of the runtime and is not counted.
//!
//! ```ignore
//! let tasks = Tasks::now();
//! let value = with_timeout(inner, TIMEOUT, canceller, &mut out).await?;
//! if let Err(left) = tasks.gone_within(ms(0)).await {
//!     fail!("with_timeout returned but left {left} task(s) running behind it");
//! }
//! ```

use crate::time::{ms, until};
use std::time::Duration;
use tokio::runtime::{Handle, RuntimeMetrics};

/// The count of tasks alive when it was made, to compare with later.
pub struct Tasks {
    metrics: RuntimeMetrics,
    baseline: usize,
}

impl Tasks {
    /// Counts the tasks alive now.
    pub fn now() -> Tasks {
        let metrics = Handle::current().metrics();
        let baseline = metrics.num_alive_tasks();
        Tasks { metrics, baseline }
    }

    /// Counts the tasks alive once the runtime has settled for `settle` (a server that just started
    /// may spawn a task or two of its own before it waits for connections).
    pub async fn after(settle: Duration) -> Tasks {
        tokio::time::sleep(settle).await;
        Tasks::now()
    }

    /// How many more tasks are alive now than at the baseline.
    pub fn extra(&self) -> usize {
        self.metrics.num_alive_tasks().saturating_sub(self.baseline)
    }

    /// Waits up to `limit` until at least `n` more tasks are alive than at the baseline (a server
    /// has taken `n` connections, each in a task of its own); how many there were at the end.
    pub async fn at_least(&self, n: usize, limit: Duration) -> usize {
        until(limit, || (self.extra() >= n).then_some(())).await;
        self.extra()
    }

    /// Waits up to `limit` (on the runtime's clock) until no more tasks are alive than at the
    /// baseline; `Err(n)` with the tasks still alive then. `limit` zero looks once, at once.
    pub async fn gone_within(&self, limit: Duration) -> Result<(), usize> {
        if limit.is_zero() {
            tokio::task::yield_now().await;
        }
        let gone = until(limit.max(ms(1)), || (self.extra() == 0).then_some(())).await;
        match gone {
            Some(()) => Ok(()),
            None => Err(self.extra()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn counts_tasks_left_behind_and_their_end() {
        let tasks = Tasks::now();
        let sleeper = tokio::spawn(tokio::time::sleep(Duration::from_secs(5)));
        assert_eq!(tasks.at_least(1, ms(10)).await, 1);
        assert_eq!(tasks.gone_within(ms(100)).await, Err(1));
        assert_eq!(tasks.gone_within(Duration::from_secs(10)).await, Ok(()));
        assert!(sleeper.is_finished());
    }
}

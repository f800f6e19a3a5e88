//! Learner code's `tracing` events, captured as data: level, message and fields, not scraped text.
//!
//! A check calls [`capture`] before it runs the code under test: that installs the recorder (once
//! per process, as the global subscriber, so that events from every runtime thread and every task
//! are seen) and forgets the events of earlier checks. Checks run one at a time in their runner, so
//! what [`Logs::events`] returns is this check's.
//!
//! ```ignore
//! let logs = harness::logs::capture()?;
//! // … connect to the learner's server, send 5 bytes …
//! let event = logs.wait_for("`Data received 5 bytes`", |e| e.message == "Data received 5 bytes").await?;
//! ```

use crate::check::Failure;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;
use tokio::sync::Notify;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// How long [`Logs::wait_for`] waits for an event that has not come yet.
pub const WAIT_LIMIT: Duration = Duration::from_secs(2);

/// One event, as the code under test logged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEvent {
    pub level: Level,
    /// The module that logged it (`c10_echo::server`, say).
    pub target: String,
    /// The message, formatted: `info!("Data received {} bytes", n)` gives `Data received 5 bytes`.
    pub message: String,
    /// Every other field, by name: a `%`-field as `Display` shows it, a `?`-field as `Debug` does,
    /// a string or number as itself.
    pub fields: BTreeMap<String, String>,
}

impl LogEvent {
    /// The field `name`, if the event has it.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

/// As a check's message shows it: `INFO "Data received 5 bytes" {n: 5}`.
impl fmt::Display for LogEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:?}", self.level, self.message)?;
        if !self.fields.is_empty() {
            let fields: Vec<String> = self.fields.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            write!(f, " {{{}}}", fields.join(", "))?;
        }
        Ok(())
    }
}

static EVENTS: Mutex<Vec<LogEvent>> = Mutex::new(Vec::new());

/// The check running now (counted from 1), and the check each thread belongs to (0: a thread no
/// check's runtime started, whose events are kept). A check's runtime is shut down in the
/// background, so its threads can still log after the next check began capturing: those events
/// are an earlier check's and are dropped.
static CURRENT_CHECK: AtomicU64 = AtomicU64::new(0);
thread_local! {
    static THREAD_CHECK: Cell<u64> = const { Cell::new(0) };
}

/// Tests that capture logs take this: the events are one list per process, and libtest runs tests
/// in parallel.
#[cfg(test)]
pub(crate) static TEST_CAPTURE: Mutex<()> = Mutex::new(());

/// The runner starts a check: returns its number, for [`for_check`] on each of its threads.
pub(crate) fn begin_check() -> u64 {
    CURRENT_CHECK.fetch_add(1, Ordering::SeqCst) + 1
}

/// This thread runs check `number` (the check's own thread, its runtime's workers and blocking
/// threads).
pub(crate) fn for_check(number: u64) {
    THREAD_CHECK.with(|c| c.set(number));
}

/// Whether an event logged on this thread belongs to the check running now.
fn logged_by_current_check() -> bool {
    let mine = THREAD_CHECK.with(Cell::get);
    mine == 0 || mine == CURRENT_CHECK.load(Ordering::SeqCst)
}
static NEW_EVENT: Notify = Notify::const_new();
static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();

fn events() -> MutexGuard<'static, Vec<LogEvent>> {
    EVENTS.lock().unwrap_or_else(|e| e.into_inner())
}

/// The events logged since [`capture`] was called.
#[derive(Debug)]
pub struct Logs {
    _private: (),
}

/// Starts capturing: installs the recorder if it is not yet, and forgets earlier events.
///
/// Fails when something else (learner library code calling `tracing_subscriber::fmt().init()`,
/// say) installed a global subscriber first: that belongs in a binary's `main`.
pub fn capture() -> Result<Logs, Failure> {
    let installed = INSTALLED.get_or_init(|| {
        let subscriber = tracing_subscriber::registry().with(Recorder);
        tracing::subscriber::set_global_default(subscriber).map_err(|_| {
            "could not capture the logs: a global `tracing` subscriber was already set (by your library code? \
             setting one is the job of a binary's `main`)"
                .to_string()
        })
    });
    if let Err(e) = installed {
        return Err(Failure::Fail(e.clone()));
    }
    events().clear();
    Ok(Logs { _private: () })
}

impl Logs {
    /// Every event so far, oldest first.
    pub fn events(&self) -> Vec<LogEvent> {
        events().clone()
    }

    /// The events at `level` or more severe (`Level::INFO` gives INFO, WARN and ERROR).
    pub fn at_least(&self, level: Level) -> Vec<LogEvent> {
        events().iter().filter(|e| e.level <= level).cloned().collect()
    }

    /// The first event that satisfies `matches`, waiting up to [`WAIT_LIMIT`] for it; `what` names
    /// it in the failure, which also lists what was logged instead.
    pub async fn wait_for(
        &self,
        what: &str,
        matches: impl Fn(&LogEvent) -> bool,
    ) -> Result<LogEvent, Failure> {
        let deadline = tokio::time::Instant::now() + WAIT_LIMIT;
        loop {
            // Registered before looking, so that an event logged in between still wakes us.
            let notified = NEW_EVENT.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(found) = events().iter().find(|e| matches(e)) {
                return Ok(found.clone());
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return Err(Failure::Fail(format!(
                    "expected the log event {what} within {} s, got {}",
                    WAIT_LIMIT.as_secs(),
                    self.summary()
                )));
            }
        }
    }

    /// What was logged, for a failure message: the last few events, or "no event at all".
    pub fn summary(&self) -> String {
        let events = events();
        if events.is_empty() {
            return "no event at all (is `tracing` used, at INFO?)".into();
        }
        const SHOWN: usize = 6;
        let skipped = events.len().saturating_sub(SHOWN);
        let shown: Vec<String> = events[skipped..].iter().map(ToString::to_string).collect();
        if skipped > 0 {
            format!("{} events, the last {SHOWN}: {}", events.len(), shown.join("; "))
        } else {
            shown.join("; ")
        }
    }
}

/// The layer that turns each event into a [`LogEvent`].
struct Recorder;

impl<S: Subscriber> Layer<S> for Recorder {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if !logged_by_current_check() {
            return;
        }
        let mut visitor = FieldVisitor::default();
        event.record(&mut visitor);
        let metadata = event.metadata();
        events().push(LogEvent {
            level: *metadata.level(),
            target: metadata.target().to_string(),
            message: visitor.message,
            fields: visitor.fields,
        });
        NEW_EVENT.notify_waiters();
    }
}

#[derive(Default)]
struct FieldVisitor {
    message: String,
    fields: BTreeMap<String, String>,
}

impl FieldVisitor {
    fn put(&mut self, field: &Field, value: String) {
        if field.name() == "message" {
            self.message = value;
        } else {
            self.fields.insert(field.name().to_string(), value);
        }
    }
}

impl Visit for FieldVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, value.to_string());
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.put(field, value.to_string());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        // A message's `format_args!` and a `%`-field both print their text through `Debug`.
        self.put(field, format!("{value:?}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    // The lock only keeps other tests' captures out; no task of this test takes it.
    #[allow(clippy::await_holding_lock)]
    async fn events_from_other_tasks_are_captured_with_their_fields() {
        let _alone = TEST_CAPTURE.lock().unwrap_or_else(|e| e.into_inner());
        let logs = capture().expect("the first capture installs the recorder");
        let peer: std::net::SocketAddr = "127.0.0.1:4242".parse().unwrap();
        tokio::spawn(async move {
            tracing::info!(%peer, bytes = 5, "Data received {} bytes", 5);
            tracing::debug!(reason = "closed", "Lost connection");
        })
        .await
        .unwrap();
        let event = logs
            .wait_for("`Data received 5 bytes`", |e| {
                e.message == "Data received 5 bytes"
            })
            .await
            .unwrap();
        assert_eq!(event.level, Level::INFO);
        assert_eq!(event.field("peer"), Some("127.0.0.1:4242"));
        assert_eq!(event.field("bytes"), Some("5"));
        assert_eq!(logs.at_least(Level::INFO).len(), 1);
        assert_eq!(logs.events()[1].field("reason"), Some("closed"));
        assert_eq!(
            event.to_string(),
            r#"INFO "Data received 5 bytes" {bytes: 5, peer: 127.0.0.1:4242}"#
        );

        // A second capture forgets the first one's events; waiting for one that never comes fails
        // and says what was logged.
        let logs = capture().unwrap();
        tracing::info!("something else");
        let failure = logs
            .wait_for("`nothing`", |e| e.message == "nothing")
            .await
            .unwrap_err();
        let Failure::Fail(message) = failure else {
            panic!("expected a fail")
        };
        assert!(message.contains(r#"got INFO "something else""#), "{message}");
    }
}

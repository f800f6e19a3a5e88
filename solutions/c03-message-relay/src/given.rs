//! Given: the transcript the persons speak to, the blame, the six persons' steps, and the chains of
//! Q1 and Q2 as the original leaves them. You do not need to change this file: your answers go in
//! `lib.rs`.

use futures::future::{Ready, TryFutureExt, ready};
use std::fmt;
use std::future::Future;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};

/// Where the persons speak: every line goes to the writer given to [`Transcript::new`] (standard
/// output in the binary, a buffer in the checks). Clones share the writer.
#[derive(Clone)]
pub struct Transcript {
    out: Arc<Mutex<dyn Write + Send>>,
}

impl Transcript {
    /// A transcript written to `out`.
    pub fn new(out: impl Write + Send + 'static) -> Transcript {
        Transcript {
            out: Arc::new(Mutex::new(out)),
        }
    }

    /// A transcript printed on standard output.
    pub fn stdout() -> Transcript {
        Transcript::new(io::stdout())
    }

    /// Writes `line` and a newline. Like Python's `print` to a closed terminal, a failed write is
    /// not the relay's business: it is ignored.
    pub fn say(&self, line: &str) {
        let mut out = self.out.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let _ = writeln!(out, "{line}").and_then(|()| out.flush());
    }
}

/// A blame: the error that travels down the error path. Shown as its text, `Person 3 blames!`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blame(pub String);

impl Blame {
    pub fn new(text: impl Into<String>) -> Blame {
        Blame(text.into())
    }
}

impl fmt::Display for Blame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Blame {}

/// What every step returns: a future that is already complete (nothing here waits, as nothing in
/// the original runs a reactor), with the message passed on or a blame.
pub type Step = Ready<Result<String, Blame>>;

/// The start of a chain: a message that is already there. Twisted builds the chain first and fires
/// it last (`d.callback("Hello")`); a future chain starts from its source instead.
pub fn fire(message: &str) -> Step {
    ready(Ok(message.to_string()))
}

/// Person 1 passes the message on, and says so.
pub fn callback1(out: &Transcript, message: String) -> Step {
    out.say(&format!("Person 1 said: {message}"));
    ready(Ok(message))
}

/// Person 2 passes the message on, and says so.
pub fn callback2(out: &Transcript, message: String) -> Step {
    out.say(&format!("Person 2 said: {message}"));
    ready(Ok(message))
}

/// Person 3 does not pass anything on: he blames.
pub fn callback3(_out: &Transcript, _message: String) -> Step {
    ready(Err(Blame::new("Person 3 blames!")))
}

/// Person 1 mentions the blame, and passes it on.
pub fn errback1(out: &Transcript, blame: Blame) -> Step {
    out.say(&format!("Person 1 had a blame on {blame}"));
    ready(Err(blame))
}

/// Person 2 answers a blame with a blame of his own.
pub fn errback2(_out: &Transcript, _blame: Blame) -> Step {
    ready(Err(Blame::new("Person 2 blames!")))
}

/// Person 3 takes care of the blame: the chain is back on the success path.
pub fn errback3(out: &Transcript, blame: Blame) -> Step {
    out.say(&format!("Person 3 took care of {blame}"));
    ready(Ok("Everything is fine now.".to_string()))
}

/// Given: the chain of Q1 as the original leaves it. "Hello" goes through Persons 1, 2 and 3;
/// Person 3 blames and nobody takes care of it, so the chain ends with `Err(Blame("Person 3
/// blames!"))` — a value, not a panic (Twisted logs "Unhandled error in Deferred").
pub fn unfixed_q1(out: &Transcript) -> impl Future<Output = Result<String, Blame>> {
    fire("Hello")
        .and_then(|message| callback1(out, message))
        .and_then(|message| callback2(out, message))
        .and_then(|message| callback3(out, message))
}

/// Given: the chain of Q2 as the original leaves it, with nothing in the gap. "Test" goes to
/// Person 3, who blames; Person 1's callback is skipped, and the chain ends with the blame.
pub fn unfixed_q2(out: &Transcript) -> impl Future<Output = Result<String, Blame>> {
    fire("Test")
        .and_then(|message| callback3(out, message))
        .and_then(|message| callback1(out, message))
}

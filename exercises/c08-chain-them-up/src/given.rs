//! Given: a small [`Deferred`] (Twisted's, reduced to what this challenge needs), the [`Transcript`]
//! the stages print to, the [`Failure`] that travels on the error path, the three printing
//! [`stages`], and the original's way of linking them, [`link_like_the_original`]. You do not need
//! to change this file: your answers go in `lib.rs`.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::io::{self, Write};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

/// Where the stages print: every line goes to the writer given to [`Transcript::new`] (standard
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

    /// Writes `line` and a newline. A failed write (a closed terminal) is ignored, as Python's
    /// `print` would be by the stages: printing is not their job.
    pub fn say(&self, line: &str) {
        let mut out = self.out.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let _ = writeln!(out, "{line}").and_then(|()| out.flush());
    }
}

/// What travels down the error path. Printed as `[Failure: boom]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure(pub String);

impl Failure {
    pub fn new(text: impl Into<String>) -> Failure {
        Failure(text.into())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[Failure: {}]", self.0)
    }
}

impl std::error::Error for Failure {}

/// What a stage holds once it has fired: a value (success path) or a failure (error path).
pub type Outcome = Result<String, Failure>;

type Callback = Box<dyn FnOnce(Outcome) -> Outcome>;

/// A Deferred, as in Twisted: a result that is not there yet, and a list of callbacks that each get
/// the outcome so far and return the next one. Until it fires, callbacks wait in the list; when it
/// fires (`callback` or `errback`), they run in order; added after that, a callback runs at once.
///
/// A `Deferred` is a handle: clones are the same stage (it is single-threaded, like the reactor).
#[derive(Clone, Default)]
pub struct Deferred {
    inner: Rc<RefCell<Inner>>,
}

#[derive(Default)]
struct Inner {
    callbacks: VecDeque<Callback>,
    /// `None` until fired, and while a callback holds the outcome.
    result: Option<Outcome>,
    fired: bool,
    running: bool,
}

impl Deferred {
    pub fn new() -> Deferred {
        Deferred::default()
    }

    /// Adds a step with both halves (`addCallbacks`): `on_value` runs if the outcome so far is a
    /// value, `on_failure` if it is a failure; what it returns is the next outcome.
    pub fn add_callbacks(
        &self,
        on_value: impl FnOnce(String) -> Outcome + 'static,
        on_failure: impl FnOnce(Failure) -> Outcome + 'static,
    ) -> &Self {
        self.add_both(move |outcome| match outcome {
            Ok(value) => on_value(value),
            Err(failure) => on_failure(failure),
        })
    }

    /// Adds a step for the success path only (`addCallback`): a failure passes it by.
    pub fn add_callback(&self, on_value: impl FnOnce(String) -> Outcome + 'static) -> &Self {
        self.add_callbacks(on_value, Err)
    }

    /// Adds a step for the error path only (`addErrback`): a value passes it by.
    pub fn add_errback(&self, on_failure: impl FnOnce(Failure) -> Outcome + 'static) -> &Self {
        self.add_callbacks(Ok, on_failure)
    }

    /// Adds a step that gets the outcome whichever path it is on (`addBoth`).
    pub fn add_both(&self, step: impl FnOnce(Outcome) -> Outcome + 'static) -> &Self {
        self.inner.borrow_mut().callbacks.push_back(Box::new(step));
        self.run_callbacks();
        self
    }

    /// Links `next` to this stage (`chainDeferred`): when this stage's callbacks get to this point,
    /// `next` fires with the outcome so far — `callback` with a value, `errback` with a failure —
    /// and this stage keeps the outcome. Returns `self`, so that links nest:
    /// `a.chain_deferred(b.chain_deferred(&c))` is one expression.
    pub fn chain_deferred(&self, next: &Deferred) -> &Self {
        let next = next.clone();
        self.add_both(move |outcome| {
            next.fire(outcome.clone());
            outcome
        })
    }

    /// Fires the stage on the success path with `value`.
    ///
    /// # Panics
    /// If the stage has fired already (Twisted's `AlreadyCalledError`): a stage fires once.
    #[track_caller]
    pub fn callback(&self, value: impl Into<String>) {
        self.fire(Ok(value.into()));
    }

    /// Fires the stage on the error path with `failure`.
    ///
    /// # Panics
    /// If the stage has fired already (Twisted's `AlreadyCalledError`): a stage fires once.
    #[track_caller]
    pub fn errback(&self, failure: Failure) {
        self.fire(Err(failure));
    }

    /// Whether the stage has fired.
    pub fn has_fired(&self) -> bool {
        self.inner.borrow().fired
    }

    /// The outcome so far: `None` before the stage fires (or while one of its callbacks runs).
    pub fn result(&self) -> Option<Outcome> {
        self.inner.borrow().result.clone()
    }

    /// Whether `self` and `other` are the same stage.
    pub fn same_as(&self, other: &Deferred) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }

    #[track_caller]
    fn fire(&self, outcome: Outcome) {
        {
            let mut inner = self.inner.borrow_mut();
            assert!(
                !inner.fired,
                "this stage has already fired: a Deferred fires once"
            );
            inner.fired = true;
            inner.result = Some(outcome);
        }
        self.run_callbacks();
    }

    /// Runs the waiting callbacks one by one, without holding the borrow while one runs: a callback
    /// may fire another stage, or add a callback to this one.
    fn run_callbacks(&self) {
        loop {
            let (step, outcome) = {
                let mut inner = self.inner.borrow_mut();
                if inner.running || inner.result.is_none() {
                    return;
                }
                let Some(step) = inner.callbacks.pop_front() else {
                    return;
                };
                let Some(outcome) = inner.result.take() else {
                    return;
                };
                inner.running = true;
                (step, outcome)
            };
            let next = step(outcome);
            let mut inner = self.inner.borrow_mut();
            inner.result = Some(next);
            inner.running = false;
        }
    }
}

/// Given: the three stages. Each prints `print from dN:  <outcome>` (two spaces: Python's `print`
/// puts one after the text `"print from dN: "`) when it fires, and passes the outcome on unchanged.
/// A failure prints as `[Failure: boom]`.
pub fn stages(out: &Transcript) -> (Deferred, Deferred, Deferred) {
    let stage = |n: u8| {
        let out = out.clone();
        let d = Deferred::new();
        d.add_both(move |outcome| {
            match &outcome {
                Ok(value) => out.say(&format!("print from d{n}:  {value}")),
                Err(failure) => out.say(&format!("print from d{n}:  {failure}")),
            }
            outcome
        });
        d
    };
    (stage(1), stage(2), stage(3))
}

/// Given: how the original links the stages, with one `addCallbacks` per link, handing each half to
/// the next stage by hand. Note the second link: a failure of d2 goes to d3's *callback* (here as
/// the failure's text), so d3 prints the same line but ends up on the success path.
pub fn link_like_the_original(d1: &Deferred, d2: &Deferred, d3: &Deferred) {
    let (d2_value, d2_failure) = (d2.clone(), d2.clone());
    d1.add_callbacks(
        move |value| {
            d2_value.callback(value.clone());
            Ok(value)
        },
        move |failure| {
            d2_failure.errback(failure.clone());
            Err(failure)
        },
    );
    let (d3_value, d3_failure) = (d3.clone(), d3.clone());
    d2.add_callbacks(
        move |value| {
            d3_value.callback(value.clone());
            Ok(value)
        },
        move |failure| {
            d3_failure.callback(failure.to_string());
            Err(failure)
        },
    );
}

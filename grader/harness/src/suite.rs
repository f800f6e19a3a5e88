//! A challenge's checks: the plan (names, points, limits, from `challenge.toml`) bound to code.

use crate::Outcome;
use futures::future::LocalBoxFuture;
use grader_core::ChallengePlan;
use std::future::Future;

/// Which clock a check's runtime has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// A multi-thread runtime, like `#[tokio::main]`: for real sockets and real concurrency.
    Real,
    /// A current-thread runtime whose clock starts paused and jumps to the next timer whenever
    /// every task is idle (`start_paused`): a 3 s interval costs no real time.
    Paused,
    /// A current-thread runtime on the real clock: for checks that must see whether learner code
    /// blocks the runtime's only thread (a ticker that stops ticking), which a multi-thread runtime
    /// would hide and a paused clock would skip over.
    RealCurrentThread,
}

type CheckFuture = LocalBoxFuture<'static, Outcome>;

/// One check's code, under the id that its plan entry names.
pub struct BoundCheck {
    pub id: &'static str,
    pub clock: Clock,
    run: Box<dyn Fn() -> CheckFuture + Send + Sync>,
}

impl BoundCheck {
    pub fn future(&self) -> CheckFuture {
        (self.run)()
    }
}

fn bind<F, Fut>(id: &'static str, clock: Clock, check: F) -> BoundCheck
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Outcome> + 'static,
{
    BoundCheck {
        id,
        clock,
        run: Box::new(move || Box::pin(check())),
    }
}

/// A check on a real clock (multi-thread runtime).
pub fn real<F, Fut>(id: &'static str, check: F) -> BoundCheck
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Outcome> + 'static,
{
    bind(id, Clock::Real, check)
}

/// A check on a real clock with a single runtime thread (current-thread runtime): code that blocks
/// that thread stops every other task of the check, as it would stall Twisted's reactor.
pub fn real_current_thread<F, Fut>(id: &'static str, check: F) -> BoundCheck
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Outcome> + 'static,
{
    bind(id, Clock::RealCurrentThread, check)
}

/// A check in virtual time (current-thread runtime, paused clock).
pub fn paused<F, Fut>(id: &'static str, check: F) -> BoundCheck
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Outcome> + 'static,
{
    bind(id, Clock::Paused, check)
}

/// A binary's `main`: the arguments (the program's name first), then the exit code.
pub type Main = fn(Vec<std::ffi::OsString>) -> i32;

/// A challenge's plan and, for each of its checks in plan order, the code.
pub struct Suite {
    pub plan: ChallengePlan,
    pub checks: Vec<BoundCheck>,
    /// The challenge's binaries, by name: what [`crate::exec`] runs in a process of its own.
    pub binaries: Vec<(&'static str, Main)>,
    /// How `grader bench` starts the challenge's server (server challenges only).
    pub bench: Option<BenchServe>,
}

/// The challenge's server as `grader bench` runs it: served on `listener` until the process ends,
/// on a multi-thread runtime as `#[tokio::main]` gives. The future need not be `Send`.
pub type BenchServe = fn(tokio::net::TcpListener) -> futures::future::LocalBoxFuture<'static, ()>;

impl Suite {
    /// Binds `checks` to the plan in `plan_toml`, in plan order.
    ///
    /// # Panics
    /// When a plan entry has no code or some code has no plan entry: a bug in the kit, which its own
    /// tests (every solution scores full marks) catch at once.
    pub fn new(plan_toml: &str, checks: Vec<BoundCheck>) -> Suite {
        let plan = ChallengePlan::from_toml(plan_toml).unwrap_or_else(|e| panic!("bad challenge.toml: {e}"));
        let mut checks: Vec<Option<BoundCheck>> = checks.into_iter().map(Some).collect();
        let mut ordered = Vec::new();
        for (_, planned) in plan.checks() {
            let found = checks
                .iter_mut()
                .find(|c| c.as_ref().is_some_and(|c| c.id == planned.id))
                .and_then(Option::take)
                .unwrap_or_else(|| panic!("{}: check `{}` is planned but has no code", plan.id, planned.id));
            ordered.push(found);
        }
        if let Some(extra) = checks.into_iter().flatten().next() {
            panic!(
                "{}: check `{}` has code but is not in challenge.toml",
                plan.id, extra.id
            );
        }
        Suite {
            plan,
            checks: ordered,
            binaries: Vec::new(),
            bench: None,
        }
    }

    /// Registers the challenge's binary `name`, whose `src/bin/<name>.rs` is one call to `main`, so
    /// that checks can run it as a process of its own ([`crate::exec::run`]).
    pub fn binary(mut self, name: &'static str, main: Main) -> Suite {
        self.binaries.push((name, main));
        self
    }

    /// Registers how `grader bench` serves the challenge's server (see `process::bench`).
    pub fn bench(mut self, serve: BenchServe) -> Suite {
        self.bench = Some(serve);
        self
    }
}

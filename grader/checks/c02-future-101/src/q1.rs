//! Q1, `chained_call`: the pages, Python's whitespace, the charsets, the errors, the overlap, and
//! the shape of the future it returns (a chain of combinators that does nothing until polled).

use crate::gate::GateServer;
use crate::overlap::{BODY, PATIENCE, overlap};
use crate::pages::{charset_pages, error_pages, expect_cases, plain_pages, python_space_pages};
use crate::shape::async_part;
use crate::support::Answer;
use challenge::chained_call;
use harness::tasks::Tasks;
use harness::time::ms;
use harness::{Outcome, fail};
use std::time::Duration;

/// How long the laziness check watches for a request from a future nobody polls (a task spawned
/// for it is seen at once, by counting tasks; this is for a request started on a thread).
const LAZY_WINDOW: Duration = ms(50);

pub(crate) async fn page() -> Outcome {
    expect_cases(Answer::Chained, plain_pages()).await
}

pub(crate) async fn python_spaces() -> Outcome {
    expect_cases(Answer::Chained, python_space_pages()).await
}

pub(crate) async fn charsets() -> Outcome {
    expect_cases(Answer::Chained, charset_pages()).await
}

pub(crate) async fn errors() -> Outcome {
    expect_cases(Answer::Chained, error_pages()).await
}

pub(crate) async fn chained_overlap() -> Outcome {
    overlap(Answer::Chained).await
}

/// `chained_call(url)` returns a chain of combinators on `request_url_async(url)` that has not done
/// anything yet: no `async` block, no task spawned, no request before it is polled.
pub(crate) async fn lazy() -> Outcome {
    let server = GateServer::start(1, PATIENCE, BODY)?;
    let url = server.url("/lazy");
    let tasks = Tasks::now();
    let future = chained_call(&url);
    if server.seen().arrived > 0 {
        fail!(
            "`chained_call(url)` had already made its request when it returned, before anything polled \
             its future: expected nothing to happen until the future is polled. Something blocking runs \
             when the chain is built (`synchronous_call`, `request_url`…): start the chain from \
             `request_url_async(url)`, which does nothing until polled"
        );
    }
    let spawned = tasks.extra();
    if spawned > 0 {
        fail!(
            "`chained_call(url)` spawned {spawned} task(s) when it was called, before anything polled its \
             future: expected nothing to happen until the future is polled (chain combinators on \
             `request_url_async(url)` instead of spawning it)"
        );
    }
    if let Some(part) = async_part(std::any::type_name_of_val(&future)) {
        fail!(
            "`chained_call(url)` returns a future with an `async` block or an `async fn`'s future in \
             it (`{part}`): expected a chain of combinators on `request_url_async(url)` \
             (`.and_then(…)`, `.map_ok(…)`) whose steps return plain values or `future::ready(…)`, \
             with no `async` and no `.await` — that is Q2's way"
        );
    }
    if server.arrival_within(LAZY_WINDOW).await {
        fail!(
            "a request arrived within {} ms of calling `chained_call(url)`, though nothing polled its \
             future: expected nothing to happen until the future is polled (is the request started on \
             a thread of its own when the chain is built?)",
            LAZY_WINDOW.as_millis()
        );
    }
    drop(future);
    Ok(())
}

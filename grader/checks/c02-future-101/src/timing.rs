//! The checks that nothing blocks: two calls polled together overlap (Q1 and Q2), and the future of
//! `chained_call` does nothing before it is polled (Q1).

use crate::gate::GateServer;
use crate::pages::show;
use crate::{Answer, CALL_LIMIT};
use challenge::chained_call;
use harness::tokio;
use harness::{Failure, Outcome, fail};
use std::time::Duration;

/// How long the gate holds a lone request: two calls that overlap get their requests to the server
/// within milliseconds of each other, even on a loaded machine.
const PATIENCE: Duration = Duration::from_millis(1500);

/// How long the laziness check watches for a request from a future nobody polls.
const LAZY_WINDOW: Duration = Duration::from_millis(500);

const BODY: &str = "<p>a  slow\npage</p>";

/// Two calls, polled together by one task: the server answers only once both requests are there.
pub async fn overlap(answer: Answer) -> Outcome {
    let server = GateServer::start(2, PATIENCE, BODY)?;
    let url = server.url("/slow");
    let name = answer.name();
    // Both futures are polled by this one task: while one blocks, the other cannot even start.
    let both = async { tokio::join!(answer.call(&url), answer.call(&url)) };
    let limit = PATIENCE + CALL_LIMIT;
    let (a, b) = tokio::time::timeout(limit, both).await.map_err(|_| {
        Failure::Timeout(format!(
            "two calls of {name} polled together did not finish within {} s",
            limit.as_secs_f32()
        ))
    })?;
    let seen = server.seen();
    if seen.peak >= 2 {
        return Ok(());
    }
    let patience = server.patience().as_millis();
    match seen.arrived {
        0 | 1 => fail(format!(
            "two calls of {name} polled together: expected two requests at the server at the same time, \
             but {} arrived (the calls returned {} and {})",
            seen.arrived,
            show(&a),
            show(&b)
        )),
        _ => fail(format!(
            "two calls of {name} polled together: expected both requests at the server at the same time, \
             but the first waited {patience} ms alone and the second came only after the first had been \
             answered: the calls ran one after the other. Something blocks the runtime's thread inside \
             your future (`synchronous_call`, `request_url`, `std::thread::sleep`…): await \
             `request_url_async` instead"
        )),
    }
}

/// `chained_call(url)` returns a future that has not done anything yet: no request before it is
/// polled.
pub async fn chained_lazy() -> Outcome {
    let server = GateServer::start(1, PATIENCE, BODY)?;
    let url = server.url("/lazy");
    let future = chained_call(&url);
    if server.seen().arrived > 0 {
        return fail(
            "`chained_call(url)` had already made its request when it returned, before anything polled \
             its future: expected nothing to happen until the future is polled. Something blocking runs \
             when the chain is built (`synchronous_call`, `request_url`…): start the chain from \
             `request_url_async(url)`, which does nothing until polled",
        );
    }
    if server.arrival_within(LAZY_WINDOW).await {
        return fail(format!(
            "a request arrived within {} ms of calling `chained_call(url)`, though nothing polled its \
             future: expected nothing to happen until the future is polled (is the request spawned, or \
             driven, when the chain is built?)",
            LAZY_WINDOW.as_millis()
        ));
    }
    drop(future);
    Ok(())
}

//! The check that nothing blocks, for either question: two calls polled together overlap.

use crate::gate::GateServer;
use crate::pages::show;
use crate::support::{Answer, CALL_LIMIT};
use harness::tokio;
use harness::{Failure, Outcome, fail};
use std::time::Duration;

/// How long the gate holds a lone request: two calls that overlap get their requests to the server
/// within milliseconds of each other, even on a loaded machine.
pub(crate) const PATIENCE: Duration = Duration::from_millis(1500);

pub(crate) const BODY: &str = "<p>a  slow\npage</p>";

/// Two calls, polled together by one task: the server answers only once both requests are there.
pub(crate) async fn overlap(answer: Answer) -> Outcome {
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

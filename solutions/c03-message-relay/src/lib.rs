//! # Challenge 3: Message relay — reference solution
//!
//! Three persons relay a message. Each step of the chain either passes the message on (a callback,
//! on the success path) or takes care of a blame (an errback, on the error path). The chain is a
//! `Result` pipeline over futures: [`TryFutureExt::and_then`] adds a callback, [`TryFutureExt::or_else`]
//! an errback. The question is in `exercises/c03-message-relay/README.md`.
//!
//! Given, in `src/given.rs`: the persons ([`callback1`]…[`errback3`]), who speak to a
//! [`Transcript`] so that the checks can read what they said; the [`Blame`] that travels on the
//! error path; [`fire`], which starts a chain; and the chains as the original leaves them,
//! [`unfixed_q1`] and [`unfixed_q2`].

mod given;

pub use given::{
    Blame, Step, Transcript, callback1, callback2, callback3, errback1, errback2, errback3, fire, unfixed_q1,
    unfixed_q2,
};

use futures::future::{FutureExt, TryFutureExt};

/// Q1: the chain of [`unfixed_q1`] with **one more step**, added here (`unfixed_q1` stays as
/// given), so that Person 3's blame is taken care of. The transcript is then
///
/// ```text
/// Person 1 said: Hello
/// Person 2 said: Hello
/// Person 3 took care of Person 3 blames!
/// ```
///
/// and the chain ends with `Ok("Everything is fine now.")`.
pub async fn q1(out: &Transcript) -> Result<String, Blame> {
    // A blame travels on the error path, skipping every callback, until an errback handles it:
    // `or_else` is `addErrback`. Person 3's errback turns the blame back into a message, so the chain
    // ends on the success path. (`errback1` would only mention the blame and pass it on.)
    unfixed_q1(out).or_else(|blame| errback3(out, blame)).await
}

/// Q2: "Test" goes to Person 3, then through **one step that has both a callback (`callback2`) and
/// an errback**, then to Person 1, so that the message reaches Person 1 and nobody blames. The
/// transcript is then
///
/// ```text
/// Person 3 took care of Person 3 blames!
/// Person 1 said: Everything is fine now.
/// ```
///
/// and the chain ends with `Ok("Everything is fine now.")`.
pub async fn q2(out: &Transcript) -> Result<String, Blame> {
    fire("Test")
        .and_then(|message| callback3(out, message))
        // `addCallbacks(callback2, errback3)`: one step that sees the whole outcome and runs exactly
        // one of its two halves. Here the outcome is Person 3's blame, so Person 2 never speaks and
        // Person 3 takes care of it; Person 1 then gets the message. Both arms return a `Step`, so
        // the `match` needs no boxing. (`.or_else(errback3).and_then(callback2)` would be two steps,
        // and Person 2 would speak up.)
        .then(|outcome| match outcome {
            Ok(message) => callback2(out, message),
            Err(blame) => errback3(out, blame),
        })
        .and_then(|message| callback1(out, message))
        .await
}

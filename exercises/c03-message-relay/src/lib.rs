//! # Challenge 3: Message relay
//!
//! Three persons relay a message. Each step of the chain either passes the message on (a callback,
//! on the success path) or takes care of a blame (an errback, on the error path). The chain is a
//! `Result` pipeline over futures: [`TryFutureExt::and_then`] adds a callback, [`TryFutureExt::or_else`]
//! an errback. Read `README.md` first; check your work with `cargo test -p c03-message-relay`.
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
    // TODO(Q1): here, in `q1`, call the given `unfixed_q1(out)` and add one step to the future it
    // returns (do not edit `unfixed_q1` itself: a check runs it as given and expects its blame).
    // Which of the persons takes care of a blame, and on which path does a blame travel? Then
    // `.await` the chain and return what it ends with.
    let _ = out;
    todo!("add one step to the chain of Q1")
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
        // TODO(Q2): this step gets the outcome so far, a message (`Ok`) or a blame (`Err`). Give it
        // both a callback, `callback2`, and an errback: which person turns a blame into a message?
        .then(|_outcome| -> Step { todo!("one step with both a callback and an errback") })
        .and_then(|message| callback1(out, message))
        .await
}

//! # Challenge 5: Who got "yes" first
//!
//! Three requests to a yes/no API, side by side: all their answers (Q1), then the first `yes` by
//! completion time, dropping the requests still running (Q2), printing each `no` on the way (Q3).
//! Read `README.md` first; check your work with `cargo test -p c05-first-yes`.
//!
//! Given, in `src/api.rs`: [`ask`] (one request, its JSON masked to `answer` and `meta`),
//! [`client`], the error type [`AskError`], and the printers [`print_all`] and [`print_first_yes`].

mod api;

pub use api::{AskError, DEFAULT_URL, ask, client, print_all, print_first_yes};

use serde_json::Value;
use std::io::{self, Write};

/// Q1: asks every URL at once and waits for all the answers; prints them with [`print_all`] and
/// returns them, in the order of `urls` (not the order they arrived), each `Ok(masked JSON)` or
/// `Err(why)`. One failed request does not stop the others.
pub async fn get_all(urls: &[String], out: &mut impl Write) -> io::Result<Vec<Result<Value, AskError>>> {
    // TODO(Q1): one `client()`, one `ask(&client, url)` future per URL, and the `futures`
    // counterpart of `DeferredList` to wait for them all, keeping their order.
    let _ = (urls, out);
    todo!("ask every URL at once and collect all the answers")
}

/// Q2: the callback — a `yes` passes through, anything else becomes
/// [`AskError::UnexpectedAnswer`] carrying the JSON.
pub fn filter_answer(json: Value) -> Result<Value, AskError> {
    // TODO(Q2): look at `json["answer"]`. Is `maybe` a yes?
    let _ = json;
    todo!("let a yes through, turn anything else into an UnexpectedAnswer")
}

/// Q2: the errback — recovers from [`AskError::UnexpectedAnswer`] (`Ok(None)`: "no yes here, keep
/// going"), and passes every other error on unchanged.
pub fn handle_unexpected_answer(error: AskError) -> Result<Option<Value>, AskError> {
    // TODO(Q2): Twisted's `failure.trap(UnexpectedAnswerError)`, as a `match`.
    let _ = error;
    todo!("recover from an unexpected answer, pass any other error on")
}

/// Q2: asks every URL at once and returns the first `yes` *to arrive* with the index of its
/// request (its position in `urls`: a URL may be listed more than once), printed with
/// [`print_first_yes`]. The requests still running are cancelled at once. Every error is shown
/// with [`display_unexpected_answer`] and handled with [`handle_unexpected_answer`]; an error that
/// is not an answer is written to `err` as `request <index> failed: <error>`, the error's
/// `Display` (`{error}`, not `{error:?}`), and does not stop the search. With no `yes` at all,
/// prints `(None, 0)` and returns `None`.
pub async fn get_first_yes(
    urls: &[String],
    out: &mut impl Write,
    err: &mut impl Write,
) -> io::Result<Option<(Value, usize)>> {
    // TODO(Q2): the answers must be looked at in the order they *arrive*, each with the index of
    // its URL. Which `futures` collection yields its futures' outputs as they complete? And what
    // happens to the requests still in it when you return?
    let _ = (urls, out, err);
    todo!("return the first yes to arrive, and cancel the rest")
}

/// Q3: for an [`AskError::UnexpectedAnswer`] (a `no`, a `maybe` or no answer at all: the same
/// line for each), prints `received a No` and then the answer's JSON on one line
/// (`{"answer":"no","meta":{…}}`). Prints nothing for any other error: a failed request is not a
/// `no`.
pub fn display_unexpected_answer(error: &AskError, out: &mut impl Write) -> io::Result<()> {
    // TODO(Q3): `if let` the one variant that is an answer; `writeln!` twice.
    let _ = (error, out);
    todo!("print a filtered-out answer")
}

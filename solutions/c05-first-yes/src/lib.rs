//! # Challenge 5: Who got "yes" first — reference solution
//!
//! Three requests to a yes/no API, side by side: all their answers (Q1), then the first `yes` by
//! completion time, dropping the requests still running (Q2), printing each `no` on the way (Q3).

mod api;

pub use api::{AskError, DEFAULT_URL, ask, client, print_all, print_first_yes};

use futures::future::join_all;
use futures::stream::{FuturesUnordered, StreamExt};
use serde_json::Value;
use std::io::{self, Write};

/// Q1: asks every URL at once and waits for all the answers; prints them with [`print_all`] and
/// returns them, in the order of `urls` (not the order they arrived), each `Ok(masked JSON)` or
/// `Err(why)`. One failed request does not stop the others.
pub async fn get_all(urls: &[String], out: &mut impl Write) -> io::Result<Vec<Result<Value, AskError>>> {
    let client = client()?;
    // `DeferredList(deferreds)`: `join_all` polls every request at once and keeps each output in
    // its input's place. Each output is a `Result`, so a failure is a value among the others
    // (`(False, failure)` in Twisted) instead of ending the wait, as `try_join_all` would.
    let results = join_all(urls.iter().map(|url| ask(&client, url))).await;
    print_all(&results, out)?;
    Ok(results)
}

/// Q2: the callback — a `yes` passes through, anything else becomes
/// [`AskError::UnexpectedAnswer`] carrying the JSON.
pub fn filter_answer(json: Value) -> Result<Value, AskError> {
    // `maybe`, a missing answer and anything else are "not yes": only `yes` passes.
    if json["answer"] == "yes" {
        Ok(json)
    } else {
        Err(AskError::UnexpectedAnswer(json))
    }
}

/// Q2: the errback — recovers from [`AskError::UnexpectedAnswer`] (`Ok(None)`: "no yes here, keep
/// going"), and passes every other error on unchanged.
pub fn handle_unexpected_answer(error: AskError) -> Result<Option<Value>, AskError> {
    // Twisted's `failure.trap(UnexpectedAnswerError)`: the one error we expect is handled, and
    // anything else (a dropped connection, a 500) is re-raised for someone else to deal with.
    match error {
        AskError::UnexpectedAnswer(_) => Ok(None),
        other => Err(other),
    }
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
    let client = client()?;
    // Each request carries its index, because the answers come back in completion order.
    let mut pending: FuturesUnordered<_> = urls
        .iter()
        .enumerate()
        .map(|(index, url)| {
            let client = &client;
            async move { (index, ask(client, url).await) }
        })
        .collect();
    // `DeferredList(…, fireOnOneCallback=True)`: look at each answer as it arrives.
    while let Some((index, result)) = pending.next().await {
        // The Deferred's chain, one link per line: the callback, then the errback.
        let answer = result.and_then(filter_answer);
        if let Err(error) = &answer {
            display_unexpected_answer(error, out)?;
        }
        match answer.map(Some).or_else(handle_unexpected_answer) {
            Ok(Some(yes)) => {
                print_first_yes(Some((&yes, index)), out)?;
                // Returning drops `pending`, and with it every request still in flight: dropping a
                // future cancels it (reqwest closes its connection). Nothing is left running.
                return Ok(Some((yes, index)));
            }
            // A `no` or a `maybe`, displayed and recovered: wait for the next answer.
            Ok(None) => {}
            // Not an answer at all: say so on `err`, and keep waiting for the others.
            Err(error) => writeln!(err, "request {index} failed: {error}")?,
        }
    }
    print_first_yes(None, out)?;
    Ok(None)
}

/// Q3: for an [`AskError::UnexpectedAnswer`] (a `no`, a `maybe` or no answer at all: the same
/// line for each), prints `received a No` and then the answer's JSON on one line
/// (`{"answer":"no","meta":{…}}`). Prints nothing for any other error: a failed request is not a
/// `no`.
pub fn display_unexpected_answer(error: &AskError, out: &mut impl Write) -> io::Result<()> {
    if let AskError::UnexpectedAnswer(json) = error {
        writeln!(out, "received a No")?;
        writeln!(out, "{json}")?;
    }
    Ok(())
}

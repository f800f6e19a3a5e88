//! What the checks of both questions share: a transcript to hand in, a chain run within a limit,
//! the transcript compared line by line, the unfixed chain's blame.

use challenge::{Blame, Transcript};
use harness::time::secs;
use harness::tokio::time::timeout;
use harness::{Failure, Outcome, SharedBuffer, fail};
use std::future::Future;

pub(crate) const FINE: &str = "Everything is fine now.";
pub(crate) const PERSON_3_BLAMES: &str = "Person 3 blames!";

/// A transcript writing into a fresh buffer, and the buffer.
pub(crate) fn transcript() -> (Transcript, SharedBuffer) {
    let buffer = SharedBuffer::default();
    (Transcript::new(buffer.clone()), buffer)
}

/// Awaits a chain, or fails after 2 s (virtual: a chain that waits forever costs nothing).
pub(crate) async fn run(
    what: &str,
    chain: impl Future<Output = Result<String, Blame>>,
) -> Outcome<Result<String, Blame>> {
    timeout(secs(2.0), chain).await.map_err(|_| {
        Failure::Timeout(format!(
            "{what} did not end within 2 s (every step is ready at once)"
        ))
    })
}

/// Fails unless `got` is exactly `expected`, one line each, every line ending with `\n`.
pub(crate) fn expect_lines(what: &str, expected: &[&str], got: &str) -> Outcome {
    let want: String = expected.iter().map(|line| format!("{line}\n")).collect();
    if got == want {
        return Ok(());
    }
    let got_lines: Vec<&str> = got.lines().collect();
    if got_lines == expected {
        // Same lines, different bytes: show them raw (a missing last newline, a `\r`…).
        fail!("{what}: expected the transcript {want:?}, got {got:?}");
    }
    fail!("{what}: expected the transcript {expected:?}, got {got_lines:?}")
}

/// Checks that the given chain, without the learner's step, still ends with Person 3's blame as an
/// `Err` and says `lines`: the persons and the chain are given, and a step is what fixes it.
pub(crate) async fn expect_unfixed(
    what: &str,
    chain: impl Future<Output = Result<String, Blame>>,
    said: &SharedBuffer,
    lines: &[&str],
) -> Outcome {
    let got = run(what, chain).await?;
    if got != Err(Blame::new(PERSON_3_BLAMES)) {
        fail!(
            "without your step ({what}), the chain must end with Err(Blame({PERSON_3_BLAMES:?})), got \
             {got:?}: leave the given persons and chains as they are (in `given.rs`), and add your step \
             in your own function"
        );
    }
    expect_lines(&format!("{what} (the given chain)"), lines, &said.text())
}

/// That the learner's chain, which the given one without the step ends with an `Err`, ends with
/// `Ok` (any `Ok`: which one is the value check's point).
pub(crate) fn expect_fixed(question: &str, fixed: &Result<String, Blame>) -> Outcome {
    if fixed.is_err() {
        fail!(
            "the chain of {question} ends with Err(Blame({PERSON_3_BLAMES:?})) without your step; with it, \
             it must end with Ok, but {question} ended with {fixed:?}"
        );
    }
    Ok(())
}

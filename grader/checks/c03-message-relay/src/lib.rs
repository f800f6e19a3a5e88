//! The checks of challenge 3, message relay.
//!
//! Every step of a chain is a ready future, so a chain ends as soon as it is awaited; the checks
//! still run on a paused clock, where a chain that never ends is a timeout after 2 virtual seconds
//! (which cost nothing). What the persons say goes to a buffer that the check hands in through
//! `Transcript::new`, and is compared byte for byte.

use challenge::{Blame, Transcript, q1, q2, unfixed_q1, unfixed_q2};
use harness::tokio::time::{Duration, timeout};
use harness::{Failure, Outcome, SharedBuffer, Suite, expect_eq, fail, paused};
use std::future::Future;

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            paused("q1-transcript", q1_transcript),
            paused("q1-value", q1_value),
            paused("q1-unfixed-err", q1_unfixed_err),
            paused("q2-transcript", q2_transcript),
            paused("q2-no-blame", q2_no_blame),
            paused("q2-value", q2_value),
            paused("q2-unfixed-err", q2_unfixed_err),
        ],
    )
}

const Q1_LINES: &[&str] = &[
    "Person 1 said: Hello",
    "Person 2 said: Hello",
    "Person 3 took care of Person 3 blames!",
];
const Q2_LINES: &[&str] = &[
    "Person 3 took care of Person 3 blames!",
    "Person 1 said: Everything is fine now.",
];
const FINE: &str = "Everything is fine now.";
const PERSON_3_BLAMES: &str = "Person 3 blames!";

/// A transcript writing into a fresh buffer, and the buffer.
fn transcript() -> (Transcript, SharedBuffer) {
    let buffer = SharedBuffer::default();
    (Transcript::new(buffer.clone()), buffer)
}

/// Awaits a chain, or fails after 2 s (virtual: a chain that waits forever costs nothing).
async fn run(
    what: &str,
    chain: impl Future<Output = Result<String, Blame>>,
) -> Outcome<Result<String, Blame>> {
    timeout(Duration::from_secs(2), chain).await.map_err(|_| {
        Failure::Timeout(format!(
            "{what} did not end within 2 s (every step is ready at once)"
        ))
    })
}

/// Fails unless `got` is exactly `expected`, one line each, every line ending with `\n`.
fn expect_lines(what: &str, expected: &[&str], got: &str) -> Outcome {
    let want: String = expected.iter().map(|line| format!("{line}\n")).collect();
    if got == want {
        return Ok(());
    }
    let got_lines: Vec<&str> = got.lines().collect();
    if got_lines == expected {
        // Same lines, different bytes: show them raw (a missing last newline, a `\r`…).
        return fail(format!("{what}: expected the transcript {want:?}, got {got:?}"));
    }
    fail(format!(
        "{what}: expected the transcript {expected:?}, got {got_lines:?}"
    ))
}

async fn q1_transcript() -> Outcome {
    let (out, said) = transcript();
    let _ended = run("q1", q1(&out)).await?;
    expect_lines("q1", Q1_LINES, &said.text())
}

async fn q1_value() -> Outcome {
    let (out, _said) = transcript();
    let got = run("q1", q1(&out)).await?;
    expect_eq("what q1 ends with", Ok(FINE.to_string()), got)
}

/// Checks that the given chain, without the learner's step, still ends with Person 3's blame as an
/// `Err` and says `lines`: the persons and the chain are given, and a step is what fixes it.
async fn expect_unfixed(
    what: &str,
    chain: impl Future<Output = Result<String, Blame>>,
    said: &SharedBuffer,
    lines: &[&str],
) -> Outcome {
    let got = run(what, chain).await?;
    if got != Err(Blame::new(PERSON_3_BLAMES)) {
        return fail(format!(
            "without your step ({what}), the chain must end with Err(Blame({PERSON_3_BLAMES:?})), got {got:?}: \
             leave the given persons and chains as they are, and add a step"
        ));
    }
    expect_lines(&format!("{what} (the given chain)"), lines, &said.text())
}

async fn q1_unfixed_err() -> Outcome {
    let (out, _said) = transcript();
    let fixed = run("q1", q1(&out)).await?;
    let (out, said) = transcript();
    expect_unfixed("unfixed_q1", unfixed_q1(&out), &said, &Q1_LINES[..2]).await?;
    if fixed.is_err() {
        return fail(format!(
            "the chain of Q1 ends with Err(Blame({PERSON_3_BLAMES:?})) without your step; with it, it must end \
             with Ok, but q1 ended with {fixed:?}"
        ));
    }
    Ok(())
}

async fn q2_transcript() -> Outcome {
    let (out, said) = transcript();
    let _ended = run("q2", q2(&out)).await?;
    expect_lines("q2", Q2_LINES, &said.text())
}

async fn q2_no_blame() -> Outcome {
    let (out, said) = transcript();
    let _ended = run("q2", q2(&out)).await?;
    let text = said.text();
    match text.lines().find(|line| line.contains("had a blame")) {
        Some(line) => fail(format!(
            "q2: expected nobody to have a blame, but the transcript says {line:?}"
        )),
        None => Ok(()),
    }
}

async fn q2_value() -> Outcome {
    let (out, _said) = transcript();
    let got = run("q2", q2(&out)).await?;
    expect_eq("what q2 ends with", Ok(FINE.to_string()), got)
}

async fn q2_unfixed_err() -> Outcome {
    let (out, _said) = transcript();
    let fixed = run("q2", q2(&out)).await?;
    let (out, said) = transcript();
    expect_unfixed("unfixed_q2", unfixed_q2(&out), &said, &[]).await?;
    if fixed.is_err() {
        return fail(format!(
            "the chain of Q2 ends with Err(Blame({PERSON_3_BLAMES:?})) without your step; with it, it must end \
             with Ok, but q2 ended with {fixed:?}"
        ));
    }
    Ok(())
}

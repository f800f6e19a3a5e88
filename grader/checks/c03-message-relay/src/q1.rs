//! Q1: one step added to `unfixed_q1`'s chain, so that Person 3's blame is taken care of.

use crate::support::*;
use challenge::{q1, unfixed_q1};
use harness::{Outcome, expect_eq};

const Q1_LINES: &[&str] = &[
    "Person 1 said: Hello",
    "Person 2 said: Hello",
    "Person 3 took care of Person 3 blames!",
];

pub(crate) async fn transcript_check() -> Outcome {
    let (out, said) = transcript();
    let _ended = run("q1", q1(&out)).await?;
    expect_lines("q1", Q1_LINES, &said.text())
}

pub(crate) async fn value() -> Outcome {
    let (out, _said) = transcript();
    let got = run("q1", q1(&out)).await?;
    expect_eq("what q1 ends with", Ok(FINE.to_string()), got)
}

pub(crate) async fn unfixed_err() -> Outcome {
    let (out, _said) = transcript();
    let fixed = run("q1", q1(&out)).await?;
    let (out, said) = transcript();
    expect_unfixed("unfixed_q1", unfixed_q1(&out), &said, &Q1_LINES[..2]).await?;
    expect_fixed("q1", &fixed)
}

//! Q2: one step with both a callback (`callback2`) and an errback, between Person 3 and Person 1.

use crate::support::*;
use challenge::{q2, unfixed_q2};
use harness::{Outcome, expect_eq, fail};

const Q2_LINES: &[&str] = &[
    "Person 3 took care of Person 3 blames!",
    "Person 1 said: Everything is fine now.",
];

pub(crate) async fn transcript_check() -> Outcome {
    let (out, said) = transcript();
    let _ended = run("q2", q2(&out)).await?;
    expect_lines("q2", Q2_LINES, &said.text())
}

pub(crate) async fn no_blame() -> Outcome {
    let (out, said) = transcript();
    let _ended = run("q2", q2(&out)).await?;
    let text = said.text();
    if let Some(line) = text.lines().find(|line| line.contains("had a blame")) {
        fail!("q2: expected nobody to have a blame, but the transcript says {line:?}");
    }
    Ok(())
}

pub(crate) async fn value() -> Outcome {
    let (out, _said) = transcript();
    let got = run("q2", q2(&out)).await?;
    expect_eq("what q2 ends with", Ok(FINE.to_string()), got)
}

pub(crate) async fn unfixed_err() -> Outcome {
    let (out, _said) = transcript();
    let fixed = run("q2", q2(&out)).await?;
    let (out, said) = transcript();
    expect_unfixed("unfixed_q2", unfixed_q2(&out), &said, &[]).await?;
    expect_fixed("q2", &fixed)
}

//! Q1, `link(d1, d2, d3)`: the three lines, nothing fired by linking, the error path, the relay.

use crate::support::{self, Question, expect_quiet, printing_stages};
use challenge::link;
use harness::Outcome;

pub(crate) async fn lines() -> Outcome {
    support::three_lines(Question::Q1).await
}

pub(crate) async fn quiet() -> Outcome {
    let ((d1, d2, d3), said) = printing_stages();
    link(&d1, &d2, &d3);
    expect_quiet("link", &said, [&d1, &d2, &d3])
}

pub(crate) async fn errors() -> Outcome {
    support::errors_reach_the_end(Question::Q1).await
}

pub(crate) async fn relay() -> Outcome {
    support::relay(Question::Q1).await
}

//! Q2, `link_in_one(d1, d2, d3)`: the head it returns (d1, quiet until fired, printing the three
//! lines), the error path, the relay.

use crate::support::{self, Question, expect_quiet, lines_for, printing_stages};
use challenge::link_in_one;
use harness::{Outcome, expect_eq, fail};

pub(crate) async fn head() -> Outcome {
    let ((d1, d2, d3), said) = printing_stages();
    let head = link_in_one(&d1, &d2, &d3).clone();
    expect_quiet("link_in_one", &said, [&d1, &d2, &d3])?;
    if !head.same_as(&d1) {
        let which = if head.same_as(&d2) {
            "d2"
        } else if head.same_as(&d3) {
            "d3"
        } else {
            "a stage that is none of the three"
        };
        fail!("link_in_one must return d1, the head of the chain; it returned {which}");
    }
    head.callback("test");
    expect_eq(
        "after firing what link_in_one returned with `test`, the transcript",
        lines_for("test"),
        said.text(),
    )
}

pub(crate) async fn errors() -> Outcome {
    support::errors_reach_the_end(Question::Q2).await
}

pub(crate) async fn relay() -> Outcome {
    support::relay(Question::Q2).await
}

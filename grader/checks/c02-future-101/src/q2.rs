//! Q2, `inline_call`: the same pages (every kind at once), the same errors, the same overlap.

use crate::overlap::overlap;
use crate::pages::{charset_pages, error_pages, expect_cases, plain_pages, python_space_pages};
use crate::support::Answer;
use harness::Outcome;

pub(crate) async fn page() -> Outcome {
    let mut cases = plain_pages();
    cases.extend(python_space_pages());
    cases.extend(charset_pages());
    expect_cases(Answer::Inline, cases).await
}

pub(crate) async fn errors() -> Outcome {
    expect_cases(Answer::Inline, error_pages()).await
}

pub(crate) async fn inline_overlap() -> Outcome {
    overlap(Answer::Inline).await
}

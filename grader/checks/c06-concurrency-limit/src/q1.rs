//! Q1: `format_size`, checked against what Python prints.

use challenge::format_size;
use harness::{Outcome, fail};

/// `(bytes, what Python prints for round(bytes / 1024 / 1024, 2))`, each verified with Python.
fn expect_sizes(cases: &[(u64, &str)]) -> Outcome {
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|&(bytes, python)| {
            let got = format_size(bytes);
            (got != python).then(|| format!("format_size({bytes}) = {got:?}, Python prints {python:?}"))
        })
        .collect();
    if wrong.is_empty() {
        Ok(())
    } else {
        fail(wrong.join("; "))
    }
}

pub async fn python_round() -> Outcome {
    expect_sizes(&[
        (1_048_576, "1.0"),
        (1_234_567, "1.18"),
        (104_857, "0.1"),
        (0, "0.0"),
        (5_242, "0.0"),
        (5_243, "0.01"),
        (75_661_482, "72.16"),
        (52_428_800, "50.0"),
        (10_737_418_240, "10240.0"),
        (1_023, "0.0"),
        // Above 16 MiB an `f32` (24 bits) loses the low bytes, and these round the other way in
        // one: Python's float is an `f64`.
        (16_908_289, "16.13"),
        (75_670_485, "72.16"),
        (104_013_497, "99.2"),
    ])
}

pub async fn ties_to_even() -> Outcome {
    // 1.125, 0.625, 1.375 and 2.875 MiB are exact in binary: true ties, which Python rounds to even.
    expect_sizes(&[
        (1_179_648, "1.12"),
        (655_360, "0.62"),
        (1_441_792, "1.38"),
        (3_014_656, "2.88"),
    ])
}

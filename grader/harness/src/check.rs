//! How a check reports: `Ok(())` passes, a [`Failure`] says what was expected and what came instead.

use std::fmt::Debug;

/// Why a check did not pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The code ran and did the wrong thing.
    Fail(String),
    /// Something did not happen within a limit; the message names the limit.
    Timeout(String),
}

/// What a check (or a step of one) returns.
pub type Outcome<T = ()> = Result<T, Failure>;

/// Fails with `message`.
pub fn fail<T>(message: impl Into<String>) -> Outcome<T> {
    Err(Failure::Fail(message.into()))
}

/// Fails with "`what`: expected …, got …" unless the two are equal.
pub fn expect_eq<T: PartialEq + Debug>(what: &str, expected: T, got: T) -> Outcome {
    if expected == got {
        Ok(())
    } else {
        fail(format!("{what}: expected {expected:?}, got {got:?}"))
    }
}

/// Returns from the check with a [`Failure::Fail`] built like `format!`: the check's sentence,
/// "expected …, got …", and a likely cause only when it is the likely one.
///
/// ```ignore
/// fail!("reply to `hi`: expected {}, got {}", show_bytes(want), show_bytes(&got));
/// ```
#[macro_export]
macro_rules! fail {
    ($($arg:tt)*) => {
        return ::core::result::Result::Err($crate::Failure::Fail(::std::format!($($arg)*)))
    };
}

/// Returns from the check with a [`Failure::Fail`] built like `format!` unless `condition` holds.
///
/// ```ignore
/// ensure!(lines == 3, "expected 3 lines, got {lines}");
/// ```
#[macro_export]
macro_rules! ensure {
    ($condition:expr, $($arg:tt)*) => {
        if !$condition {
            $crate::fail!($($arg)*);
        }
    };
}

/// "expected …, got …" for two byte strings that may share a long prefix: both are shown from a
/// little before the first byte where they differ, with that byte's offset, so a 64 KiB reply that
/// differs at its end reads as the difference, not as two walls of `x`.
pub fn bytes_differ(expected: &[u8], got: &[u8]) -> String {
    let at = expected
        .iter()
        .zip(got)
        .position(|(a, b)| a != b)
        .unwrap_or(expected.len().min(got.len()));
    if at < 40 {
        return format!("expected {}, got {}", show_bytes(expected), show_bytes(got));
    }
    let from = at - 20;
    format!(
        "expected {} bytes, got {}; they first differ at byte {at}: from byte {from}, expected {}, got {}",
        expected.len(),
        got.len(),
        show_bytes(&expected[from..]),
        show_bytes(&got[from..])
    )
}

/// Bytes as a learner would write them in Rust, `b"hi\r\n"`, cut after 160 characters.
pub fn show_bytes(bytes: &[u8]) -> String {
    const MAX: usize = 160;
    let escaped = bytes.escape_ascii().to_string();
    if escaped.len() <= MAX {
        format!("b\"{escaped}\"")
    } else {
        let cut: String = escaped.chars().take(MAX).collect();
        format!("b\"{cut}\"… ({} bytes in all)", bytes.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expect_eq_says_what_was_expected_and_what_came() {
        assert_eq!(
            expect_eq("reply", "a", "b"),
            Err(Failure::Fail("reply: expected \"a\", got \"b\"".into()))
        );
        assert_eq!(expect_eq("reply", 1, 1), Ok(()));
    }

    #[test]
    fn bytes_differ_shows_where_a_long_common_prefix_ends() {
        assert_eq!(bytes_differ(b"ab", b"ac"), "expected b\"ab\", got b\"ac\"");
        let mut want = vec![b'x'; 100];
        want.extend_from_slice(b"\r\n");
        let mut got = vec![b'x'; 100];
        got.extend_from_slice(b" \r\n");
        let message = bytes_differ(&want, &got);
        assert!(
            message.starts_with("expected 102 bytes, got 103; they first differ at byte 100"),
            "{message}"
        );
        assert!(
            message.ends_with("got b\"xxxxxxxxxxxxxxxxxxxx \\r\\n\""),
            "{message}"
        );
    }

    fn checked(n: u32) -> Outcome {
        ensure!(n < 3, "expected fewer than 3, got {n}");
        if n == 1 {
            fail!("one is {}", "lonely");
        }
        Ok(())
    }

    #[test]
    fn fail_and_ensure_return_from_the_check() {
        assert_eq!(checked(0), Ok(()));
        assert_eq!(checked(1), Err(Failure::Fail("one is lonely".into())));
        assert_eq!(
            checked(5),
            Err(Failure::Fail("expected fewer than 3, got 5".into()))
        );
    }

    #[test]
    fn bytes_are_shown_escaped_and_cut() {
        assert_eq!(show_bytes(b"hi\r\n\xff"), "b\"hi\\r\\n\\xff\"");
        assert!(show_bytes(&[b'a'; 500]).ends_with("(500 bytes in all)"));
    }
}

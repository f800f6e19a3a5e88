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

/// Fails with `message` unless `condition` holds.
pub fn ensure(condition: bool, message: impl FnOnce() -> String) -> Outcome {
    if condition { Ok(()) } else { fail(message()) }
}

/// Fails with "`what`: expected …, got …" unless the two are equal.
pub fn expect_eq<T: PartialEq + Debug>(what: &str, expected: T, got: T) -> Outcome {
    if expected == got {
        Ok(())
    } else {
        fail(format!("{what}: expected {expected:?}, got {got:?}"))
    }
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
    fn bytes_are_shown_escaped_and_cut() {
        assert_eq!(show_bytes(b"hi\r\n\xff"), "b\"hi\\r\\n\\xff\"");
        assert!(show_bytes(&[b'a'; 500]).ends_with("(500 bytes in all)"));
    }
}

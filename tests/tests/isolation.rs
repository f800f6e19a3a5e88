//! Isolation: a challenge that does not compile, hangs, exits, panics or overflows its stack costs
//! only its own points, gets the right status, and every other challenge is still graded.
//!
//! Each test makes a submission from a copy of c01's and c04's exercises and breaks c04's stub one
//! way; c01 must still be graded (all `todo`).

use grader_core::{ChallengeStatus, Status};
use kit_tests::{grade_json, stub_location, submission};

/// The challenges each submission holds: the broken one, and one that must still be graded.
const GRADED: [&str; 2] = ["c01-identity", "c04-heartbeat"];

/// A copy of c01's and c04's exercises, with c04's `heartbeat` body replaced by `body`.
fn with_broken_heartbeat(body: &str) -> tempfile::TempDir {
    let temp = submission("exercises", &GRADED);
    let lib = temp.path().join("c04-heartbeat/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    let stub = "    todo!(\"send a heartbeat on this connection\")";
    assert!(text.contains(stub), "c04's stub changed: update this test");
    std::fs::write(&lib, text.replace(stub, body)).unwrap();
    temp
}

/// Where c04's stub is, as a message names it: `c04-heartbeat/src/lib.rs:<line>`.
fn c04_stub() -> String {
    stub_location("exercises/c04-heartbeat/src/lib.rs").replacen("exercises/", "", 1)
}

/// Grades the submission; checks c04's statuses with `expect`, and that every other challenge was
/// graded as the untouched stubs it is (all `todo`).
fn grade_and_check(temp: &tempfile::TempDir, expect: impl Fn(Status, &str)) {
    let (report, code) = grade_json(&["--submission", temp.path().to_str().unwrap(), "--only", "c01,c04"]);
    assert_eq!(code, 1);
    assert_eq!(
        report.challenges.len(),
        GRADED.len(),
        "both challenges are in the report"
    );
    for challenge in &report.challenges {
        if challenge.id == "c04" {
            assert_eq!(challenge.score, 0);
            for check in challenge.checks() {
                expect(check.status, check.message.as_deref().unwrap_or(""));
            }
        } else {
            assert_eq!(
                challenge.status,
                ChallengeStatus::Todo,
                "{} is still graded",
                challenge.id
            );
        }
    }
}

#[test]
fn a_syntax_error_is_a_compile_error_with_file_and_line() {
    let temp = with_broken_heartbeat("    let x = ;\n    todo!()");
    grade_and_check(&temp, |status, message| {
        assert_eq!(status, Status::CompileError);
        assert!(message.contains(&c04_stub()), "file and line in: {message}");
        assert!(
            message.starts_with("error"),
            "the compiler's error first: {message}"
        );
    });
}

#[test]
fn a_blocking_loop_is_a_timeout() {
    let temp = with_broken_heartbeat("    loop {}");
    grade_and_check(&temp, |status, message| {
        assert_eq!(status, Status::Timeout, "{message}");
        assert!(message.contains(" s"), "the message names the limit: {message}");
    });
}

#[test]
fn an_async_loop_that_never_waits_is_a_timeout() {
    // It yields, so the runtime is never blocked, but the paused clock never gets to move either:
    // the checks in virtual time run into their limits. A check on the real clock may see the
    // failure first (a task that outlives its connection) and say so.
    let temp = with_broken_heartbeat("    loop {\n        tokio::task::yield_now().await;\n    }");
    let timeouts = std::sync::atomic::AtomicUsize::new(0);
    grade_and_check(&temp, |status, message| {
        assert!(
            matches!(status, Status::Timeout | Status::Fail),
            "{status}: {message}"
        );
        if status == Status::Timeout {
            timeouts.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    });
    assert!(
        timeouts.into_inner() > 0,
        "the checks in virtual time are timeouts"
    );
}

#[test]
fn process_exit_is_a_crash() {
    let temp = with_broken_heartbeat("    std::process::exit(0)");
    grade_and_check(&temp, |status, message| {
        assert_eq!(status, Status::Crash);
        assert!(message.contains("exited with code 0"), "{message}");
    });
}

#[test]
fn a_panic_is_a_panic_with_its_text_and_place() {
    let temp = with_broken_heartbeat("    panic!(\"boom\")");
    grade_and_check(&temp, |status, message| {
        assert_eq!(status, Status::Panic);
        assert!(
            message.contains("boom") && message.contains(&c04_stub()),
            "{message}"
        );
    });
}

#[test]
fn a_stack_overflow_is_a_crash() {
    let body = "    #[allow(unconditional_recursion)]\n    fn deep(n: u64) -> u64 {\n        let frame = std::hint::black_box([n as u8; 4096]);\n        deep(n + 1) + frame[0] as u64\n    }\n    std::process::exit(deep(0) as i32)";
    let temp = with_broken_heartbeat(body);
    grade_and_check(&temp, |status, message| {
        assert_eq!(status, Status::Crash);
        assert!(message.contains("signal"), "{message}");
    });
}

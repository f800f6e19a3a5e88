//! A suite's binary run as a process of its own from a test binary (`cargo test` of a challenge):
//! arguments, standard input and output, exit code, and no libtest header in its output.

use harness::exec;
use harness::{Suite, ensure, expect_eq, real};
use std::ffi::OsString;
use std::io::{Read, Write};
use std::time::Duration;

const PLAN: &str = r#"
id = "t00"
slug = "exec"
title = "Exec"
dir = "t00-exec"

[[questions]]
id = "q1"
title = "Q"
hints = ["a hint"]
checks = [{ id = "shout", name = "the binary shouts", points = 1 }, { id = "slow", name = "a binary that hangs is stopped", points = 1 }]
"#;

/// Upper-cases standard input after its arguments; exits with the number of arguments.
fn shout(args: Vec<OsString>) -> i32 {
    let mut input = String::new();
    let _ = std::io::stdin().read_to_string(&mut input);
    let args: Vec<String> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    print!("{} {}", args.join(" "), input.to_uppercase());
    let _ = std::io::stdout().flush();
    eprint!("to stderr");
    args.len() as i32
}

fn hang(_: Vec<OsString>) -> i32 {
    std::thread::sleep(Duration::from_secs(60));
    0
}

fn suite() -> Suite {
    Suite::new(
        PLAN,
        vec![
            real("shout", || async {
                let out = exec::run("shout", &["a", "b c"], b"hello", Duration::from_secs(10)).await?;
                expect_eq("stdout", "shout a b c HELLO", out.stdout.as_str())?;
                expect_eq("stderr", "to stderr", out.stderr.as_str())?;
                expect_eq("exit code", Some(3), out.code)
            }),
            real("slow", || async {
                let started = std::time::Instant::now();
                let result = exec::run("hang", &[], b"", Duration::from_millis(300)).await;
                ensure!(
                    matches!(result, Err(harness::Failure::Timeout(_))),
                    "expected a timeout, got {result:?}"
                );
                ensure!(started.elapsed() < Duration::from_secs(10), "not killed");
                Ok(())
            }),
        ],
    )
    .binary("shout", shout)
    .binary("hang", hang)
}

#[test]
fn binaries_run_from_a_test() {
    suite().grade_as_test("binaries_run_from_a_test");
}

//! The hostile matrix: learner code that breaks, floods, forges or tries to outlive the grade.
//!
//! Each case replaces one stub (one function) of one challenge; the cases of different challenges
//! share a submission, so three submissions (three builds) cover them all. For every case the test
//! asks for its status and message, and for the whole grade: every challenge graded, no process of
//! a case alive afterwards, the grader's own peak memory under 100 MB. It prints each case's status
//! and time, and the grader's peak memory.

use grader_core::{CheckReport, Report, Status};
use kit_tests::{grader_bin, kit_root};
use std::path::Path;
use std::time::{Duration, Instant};

/// One kind of hostile code, in one challenge's stub.
struct Case {
    name: &'static str,
    /// The challenge folder, the file, and the start of the `todo!(` message of the stub replaced.
    challenge: &'static str,
    file: &'static str,
    stub: &'static str,
    /// The stub's new body; `{PIDS}` is replaced by a file where started processes write their pid.
    body: &'static str,
    /// At least one check ends in one of these statuses, with its words in the message…
    expect: &'static [(Status, &'static str)],
    /// …and every check of the challenge ends in one of these (checks that call another stub of
    /// the challenge first are `todo`).
    allowed: &'static [Status],
    /// The most the challenge may take to grade.
    within: Duration,
}

use Status::*;

const FIRST: [Case; 8] = [
    Case {
        name: "forged events",
        challenge: "c04-heartbeat",
        file: "src/lib.rs",
        stub: "send a heartbeat",
        body: r##"    use std::io::Write;
    // Forge a pass for every check on every descriptor this process has, then leave.
    for fd in 0..64 {
        if let Ok(mut f) = std::fs::OpenOptions::new().append(true).open(format!("/proc/self/fd/{fd}")) {
            for i in 0..40 {
                let _ = writeln!(f, r#"{{"event":"started","index":{i}}}"#);
                let _ = writeln!(f, r#"{{"event":"finished","index":{i},"status":"pass","message":null,"duration_ms":1}}"#);
            }
        }
    }
    std::process::exit(0)"##,
        expect: &[(Crash, "tampered")],
        allowed: &[Crash],
        within: Duration::from_secs(10),
    },
    Case {
        name: "compile error",
        challenge: "c02-future-101",
        file: "src/lib.rs",
        stub: "chain request_url_async",
        body: "    let x = ;\n    todo!()",
        expect: &[(CompileError, "c02-future-101/src/lib.rs:")],
        allowed: &[CompileError],
        within: Duration::from_secs(1),
    },
    Case {
        name: "async loop that never waits",
        challenge: "c03-message-relay",
        file: "src/lib.rs",
        stub: "add one step to the chain of Q1",
        body: "    loop {\n        tokio::task::yield_now().await;\n    }",
        expect: &[(Timeout, "limit of 2 s")],
        allowed: &[Timeout, Fail, Todo],
        within: Duration::from_secs(20),
    },
    Case {
        name: "processes left behind",
        challenge: "c05-first-yes",
        file: "src/lib.rs",
        stub: "ask every URL at once",
        body: r#"    let record = "echo $$ >> {PIDS}";
    for _ in 0..3 {
        let _ = std::process::Command::new("sh").args(["-c", &format!("{record}; exec sleep 777")]).spawn();
    }
    // Out of the runner's process group and session, and orphaned at once.
    let _ = std::process::Command::new("setsid").args(["sh", "-c", &format!("{record}; exec sleep 778")]).spawn();
    let _ = std::process::Command::new("sh")
        .args(["-c", &format!("(setsid sh -c '{record}; exec sleep 779' &) &")])
        .status();
    std::thread::sleep(std::time::Duration::from_millis(100));
    todo!("ask every URL at once and collect all the answers")"#,
        expect: &[(Todo, "not implemented yet")],
        allowed: &[Todo],
        within: Duration::from_secs(15),
    },
    Case {
        name: "memory bomb",
        challenge: "c06-concurrency-limit",
        file: "src/lib.rs",
        stub: "format a size",
        body: r#"    let mut kept: Vec<Vec<u8>> = Vec::new();
    loop {
        let mut block = vec![0u8; 32 << 20];
        block.iter_mut().step_by(4096).for_each(|b| *b = 1);
        kept.push(block);
    }"#,
        expect: &[(Crash, "ran out of memory: it may use 512 MiB")],
        allowed: &[Crash, Todo],
        within: Duration::from_secs(30),
    },
    Case {
        name: "blocking loop",
        challenge: "c09-sync-functions",
        file: "src/lib.rs",
        stub: "a future that is already complete",
        body: "    std::future::poll_fn(|_| loop {})",
        expect: &[(Timeout, "did not finish within its limit of 2 s")],
        allowed: &[Timeout, Crash, Todo],
        within: Duration::from_secs(15),
    },
    Case {
        name: "process::exit",
        challenge: "c08-chain-them-up",
        file: "src/lib.rs",
        stub: "link d1 to d2",
        body: "    std::process::exit(0)",
        expect: &[(Crash, "exited with code 0")],
        allowed: &[Crash, Todo],
        within: Duration::from_secs(5),
    },
    Case {
        name: "stack overflow",
        challenge: "c09-sync-functions",
        file: "src/lib.rs",
        stub: "run the blocking function",
        body: r#"    #[allow(unconditional_recursion)]
    fn deep(n: u64) -> u64 {
        let frame = std::hint::black_box([n as u8; 4096]);
        deep(n + 1) + frame[0] as u64
    }
    std::process::exit(deep(0) as i32)"#,
        expect: &[(Crash, "signal")],
        allowed: &[Crash, Timeout, Todo],
        within: Duration::from_secs(5),
    },
];

/// Alone, and first (libtest starts tests in the order of their names): its server never answers,
/// so its checks wait out their reply limits while the other two matrices build and grade beside
/// it. On Q2's server (6 checks) rather than Q1's (12): the same mistake, half the waiting.
const OWN_PORT: [Case; 1] = [Case {
    name: "own port instead of the given listener",
    challenge: "c01-identity",
    file: "src/q2.rs",
    stub: "serve identity replies and the log",
    body: r#"    let _given = listener;
    let own = TcpListener::bind("127.0.0.1:8000").await?;
    loop {
        let (stream, _) = own.accept().await?;
        drop(stream);
    }"#,
    expect: &[(Timeout, "port of its own")],
    allowed: &[Fail, Timeout, Todo],
    within: Duration::from_secs(60),
}];

const SECOND: [Case; 6] = [
    Case {
        name: "stderr flood",
        challenge: "c04-heartbeat",
        file: "src/lib.rs",
        stub: "send a heartbeat",
        body: r#"    let line = "flood ".repeat(170);
    for _ in 0..20_000 {
        eprintln!("{line}");
    }
    todo!("send a heartbeat on this connection")"#,
        expect: &[(Todo, "not implemented yet")],
        allowed: &[Todo],
        within: Duration::from_secs(20),
    },
    Case {
        name: "stdout flood",
        challenge: "c08-chain-them-up",
        file: "src/lib.rs",
        stub: "link d1 to d2",
        body: r#"    let line = "flood ".repeat(170);
    for _ in 0..20_000 {
        println!("{line}");
    }
    todo!("link d1 to d2, and d2 to d3")"#,
        expect: &[(Todo, "not implemented yet")],
        allowed: &[Todo],
        within: Duration::from_secs(20),
    },
    Case {
        name: "thread bomb",
        challenge: "c03-message-relay",
        file: "src/lib.rs",
        stub: "add one step to the chain of Q1",
        body: r#"    for _ in 0..10_000 {
        if std::thread::Builder::new().spawn(|| loop { std::thread::park() }).is_err() {
            break;
        }
    }
    panic!("thread bomb")"#,
        // Its panic when spawning fails, or, when the threads' stacks have taken all the memory the
        // runner may use, the abort of a panic that cannot be raised (seen under load).
        expect: &[(Panic, "thread bomb"), (Crash, "failed to initiate panic")],
        allowed: &[Panic, Crash, Todo],
        within: Duration::from_secs(20),
    },
    Case {
        name: "panic",
        challenge: "c05-first-yes",
        file: "src/lib.rs",
        stub: "ask every URL at once",
        body: "    panic!(\"boom\")",
        expect: &[(Panic, "boom")],
        allowed: &[Panic, Todo],
        within: Duration::from_secs(10),
    },
    Case {
        name: "abort",
        challenge: "c06-concurrency-limit",
        file: "src/lib.rs",
        stub: "format a size",
        body: "    std::process::abort()",
        expect: &[(Crash, "SIGABRT")],
        allowed: &[Crash, Todo],
        within: Duration::from_secs(10),
    },
    Case {
        name: "network beyond loopback",
        challenge: "c07-cancel-on-timeout",
        file: "src/lib.rs",
        stub: "wait for inner",
        body: r#"    let outside: std::net::SocketAddr = "93.184.216.34:80".parse().unwrap();
    let reached = std::net::TcpStream::connect_timeout(&outside, std::time::Duration::from_secs(1));
    panic!("internet: {reached:?}")"#,
        expect: &[(Panic, "internet: Err")],
        allowed: &[Panic],
        within: Duration::from_secs(10),
    },
];

/// Makes a submission of every exercise with each case's stub replaced (the stubs already
/// mention their arguments with `let _ = …`, so the bodies do not).
fn hostile_submission(cases: &[Case], pids: &Path, at: &Path) {
    let dirs: Vec<String> = kit_tests::plans().iter().map(|p| p.dir.clone()).collect();
    let dirs: Vec<&str> = dirs.iter().map(String::as_str).collect();
    kit_tests::submission_at(at, "exercises", &dirs);
    for case in cases {
        let path = at.join(case.challenge).join(case.file);
        let text = std::fs::read_to_string(&path).unwrap();
        let needle = format!("todo!(\"{}", case.stub);
        let line = text.lines().find(|l| l.contains(&needle)).unwrap_or_else(|| {
            panic!(
                "{}: no stub `{needle}` in {}: update this test",
                case.name, case.file
            )
        });
        let body = case.body.replace("{PIDS}", &pids.display().to_string());
        std::fs::write(&path, text.replacen(line, &body, 1)).unwrap();
    }
}

/// Grades `cases` as one submission and checks every case.
fn grade_matrix(name: &str, cases: &[Case]) {
    // A fixed place per matrix (the two run at once): its path, and so the grader's staging and
    // build folders, and the pids file the cases name in their code are the same from run to
    // run, so a rerun rebuilds only what changed.
    let place = kit_tests::kit_target_dir()
        .join("kit-tests")
        .join("hostile")
        .join(name);
    // Outside the kit, which a sealed runner cannot see: the cases' code writes there.
    let kit_id: u64 = kit_root()
        .to_string_lossy()
        .bytes()
        .fold(0xcbf29ce484222325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
        });
    let pids_dir = std::env::temp_dir().join(format!("tokio-challenges-hostile-{kit_id:016x}-{name}"));
    std::fs::create_dir_all(&pids_dir).unwrap();
    let pids = pids_dir.join("pids");
    let _ = std::fs::remove_file(&pids);
    let submission = place.join("exercises");
    hostile_submission(cases, &pids, &submission);
    let started = Instant::now();
    let output = std::process::Command::new(grader_bin())
        .current_dir(kit_root())
        .args([
            "--quiet",
            "--format",
            "json",
            "--memory-limit",
            "512MiB",
            "--submission",
        ])
        .arg(&submission)
        .env("TOKIO_CHALLENGES_PEAK_MEMORY", "1")
        .output()
        .expect("the grader runs");
    let wall = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report: Report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not a JSON report ({e}); stderr: {stderr}"));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let plans = kit_tests::plans();
    assert_eq!(report.challenges.len(), plans.len(), "every challenge is graded");
    for case in cases {
        let challenge = report
            .challenges
            .iter()
            .find(|c| plans.iter().any(|p| p.id == c.id && p.dir == case.challenge))
            .expect("the case's challenge is in the report");
        let checks: Vec<&CheckReport> = challenge.checks().collect();
        let hit = checks.iter().find(|c| {
            case.expect.iter().any(|(status, says)| {
                c.status == *status && c.message.as_deref().unwrap_or("").contains(says)
            })
        });
        let show = || {
            checks
                .iter()
                .map(|c| format!("  {} {}: {}", c.status, c.id, c.message.as_deref().unwrap_or("")))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert!(
            hit.is_some(),
            "{}: expected a check ending as one of {:?}, got\n{}",
            case.name,
            case.expect,
            show()
        );
        assert!(
            checks.iter().all(|c| case.allowed.contains(&c.status)),
            "{}: expected only {:?}, got\n{}",
            case.name,
            case.allowed,
            show()
        );
        assert_eq!(challenge.score, 0, "{}", case.name);
        let took = Duration::from_millis(challenge.duration_ms);
        assert!(
            took <= case.within,
            "{}: graded in {took:?}, expected within {:?}",
            case.name,
            case.within
        );
        println!(
            "{:<40} {:<13} {:>6} ms",
            case.name,
            hit.map_or("", |c| c.status.as_str()),
            challenge.duration_ms
        );
    }
    // Untouched challenges are still graded, as the stubs they are.
    for challenge in &report.challenges {
        let dir = &plans.iter().find(|p| p.id == challenge.id).unwrap().dir;
        if !cases.iter().any(|c| c.challenge == dir) {
            assert!(
                challenge.checks().all(|c| c.status == Todo),
                "{} is all todo",
                challenge.id
            );
        }
    }
    // Nothing a case started survives the grade.
    let started_pids = std::fs::read_to_string(&pids).unwrap_or_default();
    for pid in started_pids.split_whitespace() {
        assert!(
            !Path::new("/proc").join(pid).exists() || is_zombie_of_other(pid),
            "process {pid}, started by learner code, outlived the grade"
        );
    }
    if cases.iter().any(|c| c.body.contains("{PIDS}")) {
        assert!(
            !started_pids.is_empty(),
            "the case started processes (else this proves nothing)"
        );
    }
    let peak_kb: u64 = stderr
        .lines()
        .find_map(|l| l.strip_prefix("grader: peak memory "))
        .and_then(|v| v.trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("the grader reports its peak memory: {stderr}"));
    println!(
        "grade wall time {:.1} s (build included), grader peak memory {} MB",
        wall.as_secs_f64(),
        peak_kb / 1024
    );
    assert!(
        peak_kb < 100 * 1024,
        "the grader's own memory stays under 100 MB, got {peak_kb} kB"
    );
}

/// A pid that was reused by a process that is not one of the case's (its command is not `sleep`).
fn is_zombie_of_other(pid: &str) -> bool {
    let cmdline = std::fs::read(Path::new("/proc").join(pid).join("cmdline")).unwrap_or_default();
    !String::from_utf8_lossy(&cmdline).contains("sleep")
}

#[test]
fn a_server_on_a_port_of_its_own_is_graded_on_the_listener_it_was_given() {
    grade_matrix("own-port", &OWN_PORT);
}

#[test]
fn forgery_processes_memory_loops_exits_and_crashes_are_contained() {
    grade_matrix("first", &FIRST);
}

#[test]
fn floods_thread_bombs_panics_aborts_and_the_network_are_contained() {
    grade_matrix("second", &SECOND);
}

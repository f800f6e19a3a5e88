use super::*;

const SECRET: &str = "0123";

fn started(index: usize) -> Received {
    Received::Event(Envelope {
        secret: SECRET.into(),
        event: Event::Started { index },
    })
}

fn finished(index: usize, status: Status) -> Received {
    Received::Event(Envelope {
        secret: SECRET.into(),
        event: Event::Finished {
            index,
            status,
            message: (status != Status::Pass).then(|| format!("{status} message")),
            duration_ms: 10,
        },
    })
}

fn run(start: usize, received: &[Received], exit: Exit) -> RunRecord<'_> {
    RunRecord {
        start,
        secret: SECRET,
        received,
        exit,
        killed: false,
        deadline: Duration::from_secs(7),
        elapsed_ms: 100,
        output: "",
    }
}

fn limits() -> Limits {
    Limits {
        memory: 2 << 30,
        file_size: 64 << 20,
        extra_processes: 100,
    }
}

fn statuses(decision: &Decision) -> Vec<(usize, Status)> {
    decision.outcomes.iter().map(|(i, o)| (*i, o.status)).collect()
}

fn message(decision: &Decision, index: usize) -> String {
    let (_, outcome) = decision.outcomes.iter().rev().find(|(i, _)| *i == index).unwrap();
    outcome.message.clone().unwrap_or_default()
}

#[test]
fn a_complete_run_is_done() {
    let lines = [
        started(0),
        finished(0, Status::Pass),
        started(1),
        finished(1, Status::Fail),
    ];
    let d = decide(&run(0, &lines, Exit::Code(0)), 2, &limits());
    assert_eq!(statuses(&d), [(0, Status::Pass), (1, Status::Fail)]);
    assert_eq!(d.next, 2);
}

#[test]
fn a_timeout_reported_with_the_restart_code_restarts_after_it() {
    let lines = [started(3), finished(3, Status::Timeout)];
    let d = decide(&run(3, &lines, Exit::Code(RESTART_EXIT_CODE)), 6, &limits());
    assert_eq!(statuses(&d), [(3, Status::Timeout)]);
    assert_eq!(d.next, 4);
}

#[test]
fn the_restart_code_without_a_timeout_is_a_crash_of_the_next_check() {
    // Learner code that exits with 75 does not get a free restart.
    let lines = [started(0), finished(0, Status::Pass)];
    let d = decide(&run(0, &lines, Exit::Code(RESTART_EXIT_CODE)), 3, &limits());
    assert_eq!(statuses(&d), [(0, Status::Pass), (1, Status::Crash)]);
    assert!(
        message(&d, 1).contains("exited before running this check"),
        "{d:?}"
    );
    assert_eq!(d.next, 2);
}

#[test]
fn dying_inside_a_check_is_a_crash_of_that_check_and_the_next_run_starts_after_it() {
    let lines = [started(0), finished(0, Status::Pass), started(1)];
    let d = decide(&run(0, &lines, Exit::Code(0)), 3, &limits());
    assert_eq!(statuses(&d), [(0, Status::Pass), (1, Status::Crash)]);
    assert!(message(&d, 1).contains("exited with code 0"), "{d:?}");
    assert_eq!(d.outcomes[1].1.duration_ms, 90);
    assert_eq!(d.next, 2);
}

#[test]
fn a_signal_is_named_with_the_last_output() {
    let lines = [started(0)];
    let mut record = run(0, &lines, Exit::Signal(6));
    record.output = "thread 'check' has overflowed its stack";
    let d = decide(&record, 1, &limits());
    let text = message(&d, 0);
    assert!(
        text.contains("signal 6 (SIGABRT") && text.contains("overflowed its stack"),
        "{text}"
    );
}

#[test]
fn running_out_of_memory_names_the_limit() {
    let lines = [started(0)];
    let mut record = run(0, &lines, Exit::Signal(6));
    record.output = "memory allocation of 4294967296 bytes failed\nstack backtrace:\n  0: x\n";
    let d = decide(&record, 1, &limits());
    assert_eq!(statuses(&d), [(0, Status::Crash)]);
    let text = message(&d, 0);
    assert!(
        text.contains("ran out of memory") && text.contains("2 GiB"),
        "{text}"
    );
}

#[test]
fn cpu_and_file_size_limits_are_named() {
    let lines = [started(0)];
    let cpu = decide(&run(0, &lines, Exit::Signal(24)), 1, &limits());
    assert!(message(&cpu, 0).contains("CPU time limit"), "{cpu:?}");
    let file = decide(&run(0, &lines, Exit::Signal(25)), 1, &limits());
    assert!(message(&file, 0).contains("64 MiB"), "{file:?}");
}

#[test]
fn a_runner_stopped_at_the_deadline_is_a_timeout() {
    let lines = [started(0), finished(0, Status::Pass), started(1)];
    let mut record = run(0, &lines, Exit::Signal(9));
    record.killed = true;
    let d = decide(&record, 2, &limits());
    assert_eq!(statuses(&d), [(0, Status::Pass), (1, Status::Timeout)]);
    assert!(message(&d, 1).contains("stopped after 7 s"), "{d:?}");
    assert_eq!(d.next, 2);
}

#[test]
fn exiting_between_checks_is_a_crash_of_the_next_one() {
    let d = decide(&run(2, &[], Exit::Code(1)), 4, &limits());
    assert_eq!(statuses(&d), [(2, Status::Crash)]);
    assert_eq!(d.next, 3);
}

#[test]
fn a_torn_last_line_is_not_tampering() {
    let lines = [started(0), Received::Torn];
    let d = decide(&run(0, &lines, Exit::Signal(9)), 1, &limits());
    assert!(message(&d, 0).contains("died"), "{d:?}");
}

#[test]
fn an_event_without_the_secret_is_tampering() {
    let forged = Received::Event(Envelope {
        secret: "guess".into(),
        event: Event::Finished {
            index: 0,
            status: Status::Pass,
            message: None,
            duration_ms: 1,
        },
    });
    let lines = [started(0), forged, finished(0, Status::Pass)];
    let d = decide(&run(0, &lines, Exit::Code(0)), 2, &limits());
    assert_eq!(statuses(&d), [(0, Status::Crash)]);
    assert!(message(&d, 0).contains("tampered") && message(&d, 0).contains("secret"));
    assert_eq!(d.next, 1);
}

#[test]
fn events_out_of_order_are_tampering_even_with_the_secret() {
    // A forger that found the secret still has to follow the order: finishing checks that never
    // started is refused.
    let lines = [
        started(0),
        finished(0, Status::Todo),
        finished(1, Status::Pass),
        finished(2, Status::Pass),
    ];
    let d = decide(&run(0, &lines, Exit::Code(0)), 3, &limits());
    assert_eq!(statuses(&d), [(0, Status::Todo), (1, Status::Crash)]);
    assert!(
        message(&d, 1).contains("`finished 1 pass` where check 1 should have started"),
        "{d:?}"
    );
    let skipped = [started(0), finished(0, Status::Pass), started(2)];
    let d = decide(&run(0, &skipped, Exit::Code(0)), 3, &limits());
    assert_eq!(statuses(&d), [(0, Status::Pass), (1, Status::Crash)]);
}

#[test]
fn a_line_that_is_not_an_event_is_tampering() {
    let lines = [started(0), Received::Unreadable("hello".into())];
    let d = decide(&run(0, &lines, Exit::Code(0)), 1, &limits());
    assert!(message(&d, 0).contains("not an event"), "{d:?}");
    let lines = [started(0), Received::Overflow];
    let d = decide(&run(0, &lines, Exit::Code(0)), 1, &limits());
    assert!(message(&d, 0).contains("tampered"), "{d:?}");
}

#[test]
fn a_compile_error_cannot_be_reported_by_a_runner() {
    let lines = [started(0), finished(0, Status::CompileError)];
    let d = decide(&run(0, &lines, Exit::Code(0)), 1, &limits());
    assert_eq!(statuses(&d), [(0, Status::Crash)]);
}

#[test]
fn events_past_the_last_check_are_tampering_and_blame_the_last_check() {
    let lines = [started(0), finished(0, Status::Pass), started(1)];
    let d = decide(&run(0, &lines, Exit::Code(0)), 1, &limits());
    assert_eq!(statuses(&d), [(0, Status::Pass), (0, Status::Crash)]);
    assert_eq!(d.next, 1);
}

#[test]
fn every_decision_moves_forward() {
    let exits = [
        Exit::Code(0),
        Exit::Code(RESTART_EXIT_CODE),
        Exit::Signal(9),
        Exit::Unknown,
    ];
    let lines_sets: Vec<Vec<Received>> = vec![
        vec![],
        vec![started(1)],
        vec![started(1), finished(1, Status::Timeout)],
        vec![
            started(1),
            finished(1, Status::Pass),
            started(2),
            finished(2, Status::Timeout),
        ],
        vec![Received::Unreadable("x".into())],
    ];
    for exit in exits {
        for lines in &lines_sets {
            for killed in [false, true] {
                let mut record = run(1, lines, exit);
                record.killed = killed;
                let d = decide(&record, 4, &limits());
                assert!(d.next > 1, "{exit:?} {lines:?} {killed}: {d:?}");
                assert!(d.outcomes.iter().all(|(i, _)| (1..4).contains(i)));
            }
        }
    }
}

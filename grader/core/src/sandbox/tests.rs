//! The sandbox on this machine: run `sh` in it and look at what it sees.

use super::*;
use std::process::Stdio;

fn run_in(sandbox: &Sandbox, script: &str) -> String {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", script])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = sandbox.spawn(&mut cmd, 5, None).expect("sh starts");
    let output = child.wait_with_output().expect("sh ends");
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

fn limits() -> Limits {
    Limits {
        memory: 300 << 20,
        file_size: 1 << 20,
        extra_processes: 100,
    }
}

#[test]
fn limits_are_applied() {
    let sandbox = Sandbox {
        limits: limits(),
        isolate_network: false,
        hide: Vec::new(),
    };
    // `ulimit -d` and `-f` print KiB and 512-byte blocks; `-t` seconds; `-c` blocks.
    let out = run_in(&sandbox, "ulimit -d; ulimit -f; ulimit -t; ulimit -c");
    let values: Vec<&str> = out.split_whitespace().collect();
    assert_eq!(values, ["307200", "2048", "5", "0"], "{out}");
}

#[test]
fn a_runner_leads_a_session_of_its_own() {
    let sandbox = Sandbox {
        limits: limits(),
        isolate_network: false,
        hide: Vec::new(),
    };
    let out = run_in(&sandbox, "ps -o sid= -p $$; echo $$");
    let values: Vec<&str> = out.split_whitespace().collect();
    assert_eq!(values.len(), 2, "{out}");
    assert_eq!(values[0], values[1], "the shell is its session's leader: {out}");
}

#[test]
fn the_network_is_loopback_only_where_namespaces_are_allowed() {
    let sandbox = Sandbox {
        limits: limits(),
        isolate_network: true,
        hide: Vec::new(),
    };
    let ours = std::fs::read_link("/proc/self/ns/net").unwrap();
    let out = run_in(
        &sandbox,
        "readlink /proc/self/ns/net; cat /proc/net/dev | tail -n +3 | cut -d: -f1",
    );
    let mut lines = out.lines();
    let theirs = lines.next().unwrap_or("");
    if namespaces_available() == Some(false) {
        eprintln!("no namespaces on this machine: {out}");
        return;
    }
    assert_ne!(theirs, ours.to_string_lossy(), "a network namespace of its own");
    let interfaces: Vec<&str> = lines.map(str::trim).collect();
    assert_eq!(interfaces, ["lo"], "{out}");
    // And loopback is up: a listener on 127.0.0.1 accepts.
    let out = run_in(
        &sandbox,
        "cat /sys/class/net/lo/operstate /sys/class/net/lo/flags",
    );
    assert!(
        out.contains("0x9") || out.contains("unknown"),
        "loopback is up: {out}"
    );
}

#[test]
fn hidden_paths_are_empty_in_the_runners_view() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret");
    std::fs::create_dir(&secret).unwrap();
    std::fs::write(secret.join("answer.rs"), "42").unwrap();
    let file = dir.path().join("compiled-solution");
    std::fs::write(&file, "binary").unwrap();
    let sandbox = Sandbox {
        limits: limits(),
        isolate_network: true,
        hide: vec![secret.clone(), file.clone()],
    };
    let out = run_in(
        &sandbox,
        &format!("ls -A {}; cat {}; echo end", secret.display(), file.display()),
    );
    if namespaces_available() == Some(false) {
        return;
    }
    assert_eq!(out.trim(), "end", "nothing to see: {out}");
    assert!(secret.join("answer.rs").exists(), "hidden, not removed");
}

#[test]
fn processes_left_behind_are_killed_when_a_run_is_cleaned_up() {
    let sandbox = Sandbox {
        limits: limits(),
        isolate_network: false,
        hide: Vec::new(),
    };
    let dir = tempfile::tempdir().unwrap();
    let pids = dir.path().join("pids");
    let script = format!(
        "sleep 600 & echo $! >> {p}; setsid sh -c 'echo $$ >> {p}; exec sleep 601' & (setsid sh -c 'echo $$ >> {p}; exec sleep 602' &) ; sleep 0.3",
        p = pids.display()
    );
    let mut cmd = Command::new("sh");
    cmd.args(["-c", &script]);
    let mut child = sandbox.spawn(&mut cmd, 5, None).unwrap();
    child.wait().unwrap();
    sandbox.clean_up(&child);
    let started = std::fs::read_to_string(&pids).unwrap();
    let started: Vec<&str> = started.split_whitespace().collect();
    assert_eq!(started.len(), 3, "{started:?}");
    for pid in started {
        let alive = std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| !s.contains(") Z "));
        assert!(!alive, "process {pid} outlived its run");
    }
}

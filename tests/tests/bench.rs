//! `grader bench` ranks servers without timing assertions: a c01 server that writes its reply a
//! byte at a time (one system call per byte) costs several times the reference's CPU per connection
//! (4.3× measured), against a bound of 1.5×; and `--format json` carries every figure, for every
//! server, with the ratios and the bench question (0 points, as the kit ships it).

use kit_tests::{copy_dir, grader, kit_root, kit_target_dir};
use serde_json::Value;

/// The reference's Q1 reply written one byte at a time.
fn write_per_byte(dir: &std::path::Path) {
    let q1 = dir.join("c01-identity/src/q1.rs");
    let text = std::fs::read_to_string(&q1).unwrap();
    let whole = "    stream.write_all(reply).await?;\n";
    assert!(
        text.contains(whole),
        "the reference still writes its reply in one call"
    );
    let per_byte =
        "    for byte in reply {\n        stream.write_all(std::slice::from_ref(byte)).await?;\n    }\n";
    std::fs::write(&q1, text.replacen(whole, per_byte, 1)).unwrap();
}

fn figure(server: &Value, name: &str) -> Option<f64> {
    server["figures"]
        .as_array()?
        .iter()
        .find(|f| f["figure"] == name)?["median"]
        .as_f64()
}

#[test]
fn a_write_per_byte_server_ranks_above_the_reference_and_json_has_every_figure() {
    // A fixed place: the grader's build folder is named after it, so a rerun rebuilds little.
    let at = kit_target_dir().join("kit-tests").join("bench").join("slow");
    let _ = std::fs::remove_dir_all(&at);
    copy_dir(
        &kit_root().join("solutions/c01-identity"),
        &at.join("c01-identity"),
    );
    copy_dir(&kit_root().join("solutions/c10-echo"), &at.join("c10-echo"));
    write_per_byte(&at);
    let output = grader()
        .args([
            "bench",
            "c01",
            "c10",
            "--runs",
            "2",
            "--seconds",
            "0.3",
            "--idle",
            "50",
        ])
        .args(["--format", "json", "--quiet", "--submission"])
        .arg(&at)
        .output()
        .expect("the grader runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["kit"], "tokio-challenges");
    let challenges = report["challenges"].as_array().unwrap();
    assert_eq!(challenges.len(), 2);
    for c in challenges {
        let id = c["id"].as_str().unwrap();
        let servers = c["servers"].as_array().unwrap();
        let names: Vec<&str> = servers.iter().map(|s| s["server"].as_str().unwrap()).collect();
        assert_eq!(names, ["yours", "reference", "floor"], "{id}");
        let mut wanted = vec!["rate", "latency_p50", "latency_p99", "cpu_per_op"];
        if id == "c10" {
            wanted.push("memory_per_idle");
        }
        for server in servers {
            assert_eq!(
                server["failures"].as_array().map(Vec::len),
                Some(0),
                "{id}: {server}"
            );
            for name in &wanted {
                let v =
                    figure(server, name).unwrap_or_else(|| panic!("{id} {}: no {name}", server["server"]));
                assert!(v > 0.0, "{id} {}: {name} = {v}", server["server"]);
            }
            let histogram: u64 = server["latency_histogram"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_u64().unwrap())
                .sum();
            assert!(histogram > 0, "{id}: the histogram counts the ops");
        }
        for (of, to) in [("yours", "reference"), ("yours", "floor"), ("reference", "floor")] {
            for name in &wanted {
                let found = c["ratios"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r["of"] == of && r["to"] == to && r["figure"] == *name);
                assert!(found, "{id}: no ratio of {of} to {to} for {name}");
            }
        }
        assert_eq!(
            c["question"]["max_points"], 0,
            "{id}: the kit ships the bench question with 0 points"
        );
    }
    let c01 = &challenges[0];
    let ratio = c01["ratios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["of"] == "yours" && r["to"] == "reference" && r["figure"] == "cpu_per_op")
        .and_then(|r| r["median"].as_f64())
        .unwrap();
    assert!(
        ratio >= 1.5,
        "a write per byte costs {ratio:.2}× the reference's CPU per connection"
    );
    assert_eq!(
        c01["question"]["passed"], false,
        "over the bound of 2×: {ratio:.2}×"
    );
}

#[test]
fn the_bench_refuses_a_challenge_that_is_not_a_server() {
    let output = grader().args(["bench", "c02"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not a server challenge"), "{stderr}");
}

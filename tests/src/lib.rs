//! Helpers for the kit's own tests (in `tests/tests/`): run the real grader binary, make
//! submissions in temporary folders from copies of `exercises/` or `solutions/`, read reports.

use grader_core::{ChallengePlan, Report, Status};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The kit's root folder.
pub fn kit_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the kit")
        .to_path_buf()
}

/// The grader binary, built once per test process (`cargo test` builds test targets, not the
/// grader's binary; a nested cargo is fine: cargo does not hold its lock while tests run).
pub fn grader_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = grader_core::cargo_env::clear_program_vars(&mut std::process::Command::new(cargo))
            .args(["build", "-q", "-p", "grader"])
            .current_dir(kit_root())
            .status()
            .expect("cargo runs");
        assert!(status.success(), "the grader builds");
        let exe = std::env::current_exe().expect("a test knows its path");
        // target/debug/deps/kit_tests-… → target/debug/grader
        exe.parent()
            .and_then(Path::parent)
            .expect("in target/<profile>/deps")
            .join("grader")
    })
}

/// The grader, ready for arguments.
pub fn grader() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(grader_bin());
    cmd.current_dir(kit_root()).arg("--quiet");
    cmd
}

/// Runs the grader with `args` plus `--format json`; returns the report and the exit code.
pub fn grade_json(args: &[&str]) -> (Report, i32) {
    let output = grader()
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("the grader runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: Report = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "not a JSON report ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (report, output.status.code().unwrap_or(-1))
}

/// Grades `dir` as a submission, only challenge `id`.
pub fn grade_submission(dir: &Path, id: &str) -> (Report, i32) {
    grade_json(&["--submission", dir.to_str().expect("a UTF-8 path"), "--only", id])
}

/// The plans of every challenge, found as the grader finds them.
pub fn plans() -> Vec<ChallengePlan> {
    grader_core::plan::discover(&kit_root()).expect("every challenge.toml is valid")
}

/// Makes `to` a copy of `from`, writing only the files whose content differs: into a new folder
/// it is a plain copy, and over an older copy it keeps the timestamps (and so cargo's fingerprints)
/// of every file that did not change.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            let bytes = std::fs::read(entry.path()).unwrap();
            if std::fs::read(&target).ok().as_deref() != Some(bytes.as_slice()) {
                std::fs::write(&target, bytes).unwrap();
            }
        }
    }
}

/// The kit's cargo target folder: where this test's binary was built (`target/debug/deps/…`).
pub fn kit_target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("a test knows its path");
    exe.ancestors()
        .nth(3)
        .expect("in target/<profile>/deps")
        .to_path_buf()
}

/// Like [`submission`], at a fixed place (emptied first) instead of a fresh temporary folder: the
/// grader names its staging and build folders after a submission's path, so grading the same
/// place again rebuilds only what changed.
pub fn submission_at(at: &Path, base: &str, dirs: &[&str]) {
    let _ = std::fs::remove_dir_all(at);
    std::fs::create_dir_all(at).expect("the place can be made");
    for dir in dirs {
        copy_dir(&kit_root().join(base).join(dir), &at.join(dir));
    }
}

/// A temporary submission holding copies of `kit/<base>/<dir>` for each challenge folder given.
pub fn submission(base: &str, dirs: &[&str]) -> tempfile::TempDir {
    let temp = tempfile::Builder::new().prefix("submission-").tempdir().unwrap();
    for dir in dirs {
        copy_dir(&kit_root().join(base).join(dir), &temp.path().join(dir));
    }
    temp
}

/// Each check of a report as (challenge id, check name, status, message).
pub fn statuses(report: &Report) -> Vec<(String, String, Status, Option<String>)> {
    report
        .challenges
        .iter()
        .flat_map(|c| {
            c.checks()
                .map(move |k| (c.id.clone(), k.name.clone(), k.status, k.message.clone()))
        })
        .collect()
}

/// A check's name in a plan, from its id.
pub fn check_name(plan: &ChallengePlan, id: &str) -> String {
    plan.checks()
        .find(|(_, c)| c.id == id)
        .unwrap_or_else(|| panic!("{}: no check `{id}`", plan.id))
        .1
        .name
        .clone()
}

/// `file:line` of the first `todo!(` in a file of the kit, as the grader reports it
/// (`exercises/c04-heartbeat/src/lib.rs:36`): tests find a stub's line, never hard-code it.
pub fn stub_location(rel_path: &str) -> String {
    let text = std::fs::read_to_string(kit_root().join(rel_path)).expect("the stub's file exists");
    let line = text
        .lines()
        .position(|l| l.contains("todo!(") && !l.trim_start().starts_with("//"))
        .unwrap_or_else(|| panic!("{rel_path} has no todo!()"));
    format!("{rel_path}:{}", line + 1)
}

/// The kit's stubs graded as a fresh clone grades them (`--format json`): checks what every stub
/// report is (see [`assert_all_todo`], exit 1) and returns it.
pub fn grade_stubs() -> Report {
    let (report, code) = grade_json(&[]);
    assert_eq!(code, 1, "the stubs do not pass");
    assert_eq!(report.target, "exercises");
    assert_all_todo(&report);
    report
}

/// Every check and every challenge `todo`, 0 of the kit's points: what the stubs score.
pub fn assert_all_todo(report: &Report) {
    let not_todo: Vec<_> = statuses(report)
        .into_iter()
        .filter(|s| s.2 != Status::Todo)
        .collect();
    assert!(
        not_todo.is_empty(),
        "checks that are not `todo` on the stubs: {not_todo:#?}"
    );
    assert_eq!(report.score, 0);
    assert!(
        report
            .challenges
            .iter()
            .all(|c| c.status == grader_core::ChallengeStatus::Todo)
    );
    let max: u32 = plans().iter().map(|p| p.max_score()).sum();
    assert_eq!(report.max_score, max, "the kit's points");
}

//! `grader batch`: a class of fixture submissions made here (finished, half-finished, not
//! compiling, panicking, not a kit), graded on two challenges (c03 and c08, whose runners build
//! in seconds) as an instructor grades the challenges assigned so far. One test, run in steps: the
//! batches share the kit's staging folder, and only one may run at a time.

use grader_core::{Report, Status};
use kit_tests::{copy_dir, grader_bin, kit_root};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const C03: &str = "c03-message-relay";
const C08: &str = "c08-chain-them-up";

fn make_class(class: &Path) {
    let (solutions, exercises) = (kit_root().join("solutions"), kit_root().join("exercises"));
    // A whole clone of the kit (only what the grader reads), everything solved.
    for dir in [C03, C08] {
        copy_dir(&solutions.join(dir), &class.join("finished/exercises").join(dir));
    }
    // An exercises/ folder itself: c03 solved, c08 untouched.
    copy_dir(&solutions.join(C03), &class.join("half").join(C03));
    copy_dir(&exercises.join(C08), &class.join("half").join(C08));
    // c03 does not compile; c08 solved.
    copy_dir(&exercises.join(C03), &class.join("broken/exercises").join(C03));
    copy_dir(&solutions.join(C08), &class.join("broken/exercises").join(C08));
    let lib = class.join("broken/exercises").join(C03).join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(
        &lib,
        format!("{text}\nfn half_written(x: u32) -> u32 {{\n    x +\n}}\n"),
    )
    .unwrap();
    // c03 panics where the stub had todo!(); c08 untouched.
    copy_dir(&exercises.join(C03), &class.join("panicking/exercises").join(C03));
    copy_dir(&exercises.join(C08), &class.join("panicking/exercises").join(C08));
    let lib = class.join("panicking/exercises").join(C03).join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, text.replace("todo!(", "panic!(")).unwrap();
    // Not a kit at all.
    std::fs::create_dir_all(class.join("zipped-wrong")).unwrap();
    std::fs::write(class.join("zipped-wrong/notes.txt"), "my homework").unwrap();
}

fn batch(class: &Path, out: &Path) -> Command {
    let mut cmd = Command::new(grader_bin());
    cmd.current_dir(kit_root()).args([
        "batch",
        class.to_str().unwrap(),
        "--only",
        "c03,c08",
        "--output",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    cmd
}

fn run(class: &Path, out: &Path) -> (i32, String) {
    let output = batch(class, out).output().expect("the grader runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn report(out: &Path, name: &str) -> Report {
    let path = out.join("reports").join(name).join("report.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn statuses(report: &Report, id: &str) -> Vec<Status> {
    let challenge = report.challenges.iter().find(|c| c.id == id).unwrap();
    challenge.checks().map(|c| c.status).collect()
}

#[test]
fn a_class_is_graded_into_a_gradebook_and_reports_and_resumes_after_an_interruption() {
    let temp = tempfile::tempdir().unwrap();
    let (class, out) = (temp.path().join("class"), temp.path().join("grades"));
    make_class(&class);

    // Interrupted: killed as soon as the first submission's reports are written.
    let mut child = batch(&class, &out).stderr(Stdio::null()).spawn().unwrap();
    let first = out.join("reports/broken/.fingerprint");
    let deadline = Instant::now() + Duration::from_secs(600);
    while !first.exists() && Instant::now() < deadline && child.try_wait().unwrap().is_none() {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        first.exists(),
        "the first submission was graded before the interruption"
    );
    let broken_report = std::fs::metadata(out.join("reports/broken/report.json"))
        .unwrap()
        .modified()
        .unwrap();

    // Run again: the rest is graded, the first is not graded twice.
    let (code, stderr) = run(&class, &out);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("unchanged since their reports"), "{stderr}");
    assert!(
        !stderr.contains(" 0 unchanged"),
        "the first submission was resumed:\n{stderr}"
    );
    assert_eq!(
        std::fs::metadata(out.join("reports/broken/report.json"))
            .unwrap()
            .modified()
            .unwrap(),
        broken_report,
        "the resumed submission's report was not rewritten"
    );

    // The gradebook: one row per folder, totals, challenges and questions.
    let mut csv = csv::Reader::from_path(out.join("gradebook.csv")).unwrap();
    let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
    for column in [
        "submission",
        "status",
        "score",
        "max_score",
        "c03",
        "c08",
        "c03.q1",
        "c08.q2",
        "reason",
    ] {
        assert!(
            header.contains(&column.to_string()),
            "column {column} in {header:?}"
        );
    }
    let rows: Vec<Vec<String>> = csv
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let cell = |name: &str, column: &str| -> String {
        let row = rows
            .iter()
            .find(|r| r[0] == name)
            .unwrap_or_else(|| panic!("a row for {name}"));
        let i = header.iter().position(|h| h == column).unwrap();
        row[i].clone()
    };
    let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names, ["broken", "finished", "half", "panicking", "zipped-wrong"]);
    let plans = kit_tests::plans();
    let max = |id: &str| plans.iter().find(|p| p.id == id).unwrap().max_score().to_string();
    assert_eq!(cell("finished", "c03"), max("c03"));
    assert_eq!(cell("finished", "c08"), max("c08"));
    assert_eq!(cell("half", "c03"), max("c03"));
    assert_eq!(cell("half", "c08"), "0");
    assert_eq!(
        (cell("broken", "c03"), cell("broken", "c08")),
        ("0".into(), max("c08"))
    );
    assert_eq!(cell("zipped-wrong", "status"), "not_graded");
    assert!(cell("zipped-wrong", "reason").contains("not a submission of the kit"));
    assert_eq!(cell("zipped-wrong", "score"), "");

    // Each submission's report says why it lost its points.
    assert!(
        statuses(&report(&out, "broken"), "c03")
            .iter()
            .all(|s| *s == Status::CompileError)
    );
    assert!(
        statuses(&report(&out, "panicking"), "c03")
            .iter()
            .all(|s| *s == Status::Panic)
    );
    assert!(
        statuses(&report(&out, "half"), "c08")
            .iter()
            .all(|s| *s == Status::Todo)
    );
    assert!(report(&out, "finished").all_passed());
    for name in ["broken", "finished", "half", "panicking"] {
        assert!(out.join("reports").join(name).join("report.html").is_file());
    }
    let class_page = std::fs::read_to_string(out.join("class.html")).unwrap();
    for name in ["broken", "finished", "half", "panicking", "zipped-wrong"] {
        assert!(class_page.contains(name), "class.html names {name}");
    }

    // Nothing changed: nothing is graded again. Then a learner resubmits: only they are.
    let (_, stderr) = run(&class, &out);
    assert!(stderr.contains("0 graded, 4 unchanged"), "{stderr}");
    copy_dir(
        &kit_root().join("solutions").join(C08),
        &class.join("half").join(C08),
    );
    let (_, stderr) = run(&class, &out);
    assert!(stderr.contains("1 graded, 3 unchanged"), "{stderr}");
    assert!(report(&out, "half").all_passed());
}

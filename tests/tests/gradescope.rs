//! The Gradescope autograder: `grader package gradescope` makes a zip that hands out no answer, and
//! its scripts, run on a fake `/autograder` tree as Gradescope runs them, turn any submission into a
//! valid `results.json`.

use kit_tests::{copy_dir, grader, kit_root, plans};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

/// One file of the zip.
struct Entry {
    mode: u32,
    bytes: Vec<u8>,
}

/// Packages the kit into `dir`; returns the zip's path.
fn package(dir: &Path) -> PathBuf {
    let zip = dir.join("autograder.zip");
    grader()
        .args(["package", "gradescope", "--output"])
        .arg(&zip)
        .assert()
        .success();
    zip
}

/// The zip's files by name, with their Unix modes and bytes.
fn entries(zip: &Path) -> BTreeMap<String, Entry> {
    let file = std::fs::File::open(zip).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut entries = BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().unwrap().to_string();
        let mode = entry.unix_mode().unwrap_or(0) & 0o777;
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        entries.insert(name, Entry { mode, bytes });
    }
    entries
}

/// Every regular file under `dir`, relative to it.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    found
}

#[test]
fn the_zip_has_the_scripts_at_its_root_and_no_answer() {
    let temp = tempfile::tempdir().unwrap();
    let entries = entries(&package(temp.path()));
    for script in ["setup.sh", "run_autograder"] {
        let entry = entries
            .get(script)
            .unwrap_or_else(|| panic!("{script} is at the zip's root"));
        assert_eq!(entry.mode, 0o755, "{script} is executable");
        let kept = std::fs::read(kit_root().join("classroom/gradescope").join(script)).unwrap();
        assert_eq!(entry.bytes, kept, "{script} is classroom/gradescope/{script}");
    }
    for kit_file in [
        "Cargo.toml",
        "Cargo.lock",
        "grader/src/main.rs",
        "exercises/c03-message-relay/src/lib.rs",
    ] {
        assert!(
            entries.contains_key(kit_file),
            "the kit is at the zip's root: {kit_file}"
        );
    }
    let leaked: Vec<&String> = entries
        .keys()
        .filter(|name| {
            let top = name.split('/').next().unwrap_or_default();
            ["solutions", "tests"].contains(&top)
                || name
                    .split('/')
                    .any(|part| [".git", "target", ".tokio-challenges"].contains(&part))
        })
        .collect();
    assert!(leaked.is_empty(), "left out of the zip: {leaked:?}");
    // An answer is a solution's file that differs from the stub's (given.rs is the same in both).
    let kit = kit_root();
    let mut answers = 0;
    for file in files_under(&kit.join("solutions")) {
        let answer = std::fs::read(kit.join("solutions").join(&file)).unwrap();
        if std::fs::read(kit.join("exercises").join(&file)).is_ok_and(|stub| stub == answer) {
            continue;
        }
        answers += 1;
        let copies: Vec<&String> = entries
            .iter()
            .filter(|(_, e)| e.bytes == answer)
            .map(|(n, _)| n)
            .collect();
        assert!(
            copies.is_empty(),
            "solutions/{} is in the zip as {copies:?}",
            file.display()
        );
    }
    assert!(answers > 14, "the solutions hold answers to look for ({answers})");
    // The manifest no longer names what was left out, and the zip is the same every time.
    let manifest = String::from_utf8(entries["Cargo.toml"].bytes.clone()).unwrap();
    let manifest: toml::Table = manifest.parse().unwrap();
    let members = manifest["workspace"]["members"].as_array().unwrap();
    assert!(
        members
            .iter()
            .all(|m| !["solutions/*", "tests"].contains(&m.as_str().unwrap())),
        "{members:?}"
    );
    let again = self::entries(&package(temp.path()));
    assert!(
        again.len() == entries.len() && again.iter().all(|(n, e)| entries[n].bytes == e.bytes),
        "packaging twice gives the same files"
    );
}

#[test]
fn the_unpacked_zip_is_a_workspace_cargo_accepts_as_locked() {
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("source");
    unzip(&package(temp.path()), &source, &[]);
    let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .current_dir(&source)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let metadata: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The kit's own crates: those with no registry source.
    let names: Vec<&str> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["source"].is_null())
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"grader") && names.contains(&"c03-message-relay"),
        "{names:?}"
    );
    assert!(
        !names
            .iter()
            .any(|n| n.ends_with("-solution") || *n == "kit-tests"),
        "{names:?}"
    );
}

#[test]
fn packaging_refuses_a_kit_whose_exercises_hold_a_solution() {
    let kit = tempfile::tempdir().unwrap();
    for folder in ["grader", "exercises", "solutions", "classroom"] {
        copy_dir(&kit_root().join(folder), &kit.path().join(folder));
    }
    for file in ["Cargo.toml", "Cargo.lock"] {
        std::fs::copy(kit_root().join(file), kit.path().join(file)).unwrap();
    }
    // `grader swap c03 --to solution`, not swapped back.
    let src = "c03-message-relay/src";
    std::fs::remove_dir_all(kit.path().join("exercises").join(src)).unwrap();
    copy_dir(
        &kit.path().join("solutions").join(src),
        &kit.path().join("exercises").join(src),
    );
    let zip = kit.path().join("autograder.zip");
    grader()
        .env("TOKIO_CHALLENGES_KIT", kit.path())
        .args(["package", "gradescope", "--output"])
        .arg(&zip)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(format!(
            "exercises/{src} is solutions/{src}"
        )))
        .stderr(predicates::str::contains("swap c"));
    assert!(!zip.exists(), "no zip is written");
}

/// Unpacks `zip` into `dir` as Gradescope's `unzip` does (modes kept, a new file dated as in the zip:
/// 1980-01-01, older than anything built from it). Over an earlier unpacking it writes only the files
/// that differ, dated now, so that cargo rebuilds exactly what changed, and removes the files the zip
/// no longer has (but `keep`).
fn unzip(zip: &Path, dir: &Path, keep: &[&str]) {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let mut names = std::collections::BTreeSet::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.enclosed_name().expect("no entry leaves the folder");
        let path = dir.join(&name);
        names.insert(name);
        if entry.is_dir() {
            continue;
        }
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        let dated = entry.last_modified().expect("entries are dated");
        assert_eq!(
            (dated.year(), dated.month(), dated.day()),
            (1980, 1, 1),
            "the zip is reproducible"
        );
        match std::fs::read(&path) {
            Ok(old) if old == bytes => {}
            Ok(_) => std::fs::write(&path, bytes).unwrap(),
            Err(_) => {
                std::fs::write(&path, bytes).unwrap();
                let time = SystemTime::UNIX_EPOCH + Duration::from_secs(315_532_800);
                let file = std::fs::File::options().write(true).open(&path).unwrap();
                file.set_modified(time).unwrap();
            }
        }
        let mode = entry.unix_mode().unwrap_or(0o644);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    for file in files_under(dir) {
        if !names.contains(&file) && !keep.iter().any(|k| file == Path::new(k)) {
            std::fs::remove_file(dir.join(file)).unwrap();
        }
    }
}

/// A fake `/autograder` as Gradescope lays it out, in `target/kit-tests/gradescope/` (a fixed place,
/// like the wrong answers' submission: cargo reuses there what the last run built).
struct Autograder {
    root: PathBuf,
    /// The fake's own cargo target folder. Made the first time as hard links to the kit's
    /// `target/debug` (no copy, no space): the dependencies are compiled already, and nothing
    /// built for the fake can change what the kit's own builds find.
    target: PathBuf,
}

impl Autograder {
    /// Unpacks `zip` into `<root>/source` and copies run_autograder to `<root>/run_autograder`.
    fn unpack(zip: &Path) -> Autograder {
        let base = kit_tests::kit_target_dir().join("kit-tests").join("gradescope");
        let target = base.join("target");
        if !target.join("debug").is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            let status = Command::new("cp")
                .arg("-al")
                .arg(kit_tests::kit_target_dir().join("debug"))
                .arg(target.join("debug"))
                .status()
                .unwrap();
            assert!(status.success(), "cp -al seeds {}", target.display());
            // Cargo's lock on the folder must be the fake's own, not a link to the kit's.
            let _ = std::fs::remove_file(target.join("debug/.cargo-lock"));
        }
        let root = base.join("autograder");
        unzip(zip, &root.join("source"), &[".autograder-env"]);
        std::fs::copy(root.join("source/run_autograder"), root.join("run_autograder")).unwrap();
        Autograder { root, target }
    }

    /// Runs a script with the tree's environment; its output is shown when the test fails.
    fn run(&self, script: &Path) -> Output {
        let mut command = Command::new(script);
        grader_core::cargo_env::clear_program_vars(&mut command);
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("TOKIO_CHALLENGES_") {
                command.env_remove(name);
            }
        }
        command
            .current_dir(&self.root)
            .env("AUTOGRADER_ROOT", &self.root)
            .env("CARGO_TARGET_DIR", &self.target)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()))
    }

    /// Puts a fresh submission in place: `fill` writes it.
    fn submit(&self, fill: impl FnOnce(&Path)) -> Value {
        let submission = self.root.join("submission");
        let _ = std::fs::remove_dir_all(&submission);
        std::fs::create_dir_all(&submission).unwrap();
        fill(&submission);
        let out = self.run(&self.root.join("run_autograder"));
        let log = format!(
            "stdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success(),
            "run_autograder exits 0 whatever the grade\n{log}"
        );
        let text = std::fs::read_to_string(self.root.join("results/results.json"))
            .unwrap_or_else(|e| panic!("no results.json ({e})\n{log}"));
        let results: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("results.json is not JSON ({e}): {text}\n{log}"));
        let score = results["score"]
            .as_f64()
            .unwrap_or_else(|| panic!("no score: {text}\n{log}"));
        let tests = results["tests"].as_array().cloned().unwrap_or_default();
        let sum: f64 = tests.iter().map(|t| t["score"].as_f64().unwrap_or(0.0)).sum();
        assert!(
            (score - sum).abs() < 1e-9,
            "score {score} is the sum of the tests' {sum}: {text}"
        );
        results
    }
}

/// Does a Gradescope test belong to challenge `id` (its name, number or tags say so)?
fn belongs_to(test: &Value, id: &str) -> bool {
    let says = |v: &Value| v.as_str().is_some_and(|s| s.to_ascii_lowercase().contains(id));
    says(&test["name"])
        || says(&test["number"])
        || test["tags"].as_array().is_some_and(|tags| tags.iter().any(says))
}

#[test]
fn the_autograder_grades_any_submission_into_a_valid_results_json() {
    let temp = tempfile::tempdir().unwrap();
    let autograder = Autograder::unpack(&package(temp.path()));
    let started = std::time::Instant::now();
    let setup = autograder.run(&autograder.root.join("source/setup.sh"));
    assert!(
        setup.status.success(),
        "setup.sh succeeds\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&setup.stdout),
        String::from_utf8_lossy(&setup.stderr)
    );
    eprintln!("setup.sh: {} ms", started.elapsed().as_millis());

    // setup.sh graded the stubs for real, building and running every runner: the same, check by
    // check, as the shortcut that grades an untouched stub without building (a fresh clone's table).
    let warm_up = autograder.root.join("source/.warm-up.json");
    let text = std::fs::read_to_string(&warm_up).unwrap_or_else(|e| panic!("{}: {e}", warm_up.display()));
    let real: grader_core::Report = serde_json::from_str(&text).expect("the warm-up's report");
    kit_tests::assert_all_todo(&real);
    assert!(
        real.checks().all(|c| c
            .message
            .as_deref()
            .is_some_and(|m| m.starts_with("not implemented yet ("))),
        "the real grade names each stub's `todo!()`"
    );
    let shortcut = kit_tests::grade_stubs();
    let statuses = |r: &grader_core::Report| -> Vec<(String, String, grader_core::Status)> {
        kit_tests::statuses(r)
            .into_iter()
            .map(|s| (s.0, s.1, s.2))
            .collect()
    };
    assert_eq!(
        statuses(&real),
        statuses(&shortcut),
        "the shortcut agrees with the real grade"
    );
    let plans = plans();
    let total: u32 = plans.iter().map(|p| p.max_score()).sum();
    let kit = kit_root();

    // A whole kit, stubs untouched: every test there, none passed.
    let started = std::time::Instant::now();
    let results = autograder.submit(|dir| {
        for file in ["Cargo.toml", "README.md"] {
            std::fs::copy(kit.join(file), dir.join(file)).unwrap();
        }
        copy_dir(&kit.join("exercises"), &dir.join("exercises"));
    });
    eprintln!("the stubs: {} ms", started.elapsed().as_millis());
    assert_eq!(results["score"].as_f64(), Some(0.0), "{results}");
    let tests = results["tests"].as_array().expect("a test per check");
    let max: f64 = tests.iter().map(|t| t["max_score"].as_f64().unwrap_or(0.0)).sum();
    assert_eq!(
        max,
        f64::from(total),
        "the tests are worth the kit's {total} points"
    );

    // An exercises/ folder with c03 solved (the exercise's Cargo.toml, the solution's code).
    let c03 = plans.iter().find(|p| p.id == "c03").unwrap();
    let started = std::time::Instant::now();
    let results = autograder.submit(|dir| {
        copy_dir(&kit.join("exercises"), dir);
        let src = dir.join(&c03.dir).join("src");
        std::fs::remove_dir_all(&src).unwrap();
        copy_dir(&kit.join("solutions").join(&c03.dir).join("src"), &src);
    });
    eprintln!("c03 solved: {} ms", started.elapsed().as_millis());
    assert_eq!(
        results["score"].as_f64(),
        Some(f64::from(c03.max_score())),
        "{results}"
    );
    let c03_tests: Vec<&Value> = results["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| belongs_to(t, "c03"))
        .collect();
    assert!(!c03_tests.is_empty(), "c03's tests are named: {results}");
    for test in c03_tests {
        assert_eq!(test["score"], test["max_score"], "c03's tests pass: {test}");
    }

    // Not a kit at all.
    let results = autograder.submit(|dir| {
        std::fs::write(dir.join("hello.py"), "print('hello')\n").unwrap();
    });
    assert_eq!(results["score"].as_f64(), Some(0.0), "{results}");
    let output = results["output"].as_str().unwrap_or_default();
    assert!(
        output.contains("not a tokio-challenges kit") && output.contains("hello.py"),
        "the learner is told why: {output}"
    );
}

//! The learner's loop around grading: the records of the stubs as shipped, `grader reset`,
//! `grader swap` and `grader watch`.
//!
//! Reset and swap run on scratch kits in temporary folders (`TOKIO_CHALLENGES_KIT`), made git
//! repositories here because the shipped files come from git's objects; the kit itself is never
//! changed. Watch runs on a temporary copy of two challenges whose checks build fast (`--exercises`),
//! graded against the real kit's checks.

use kit_tests::{copy_dir, grader, grader_bin, kit_root, plans};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// Runs git in a test's temporary folder.
fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A git repository holding what reset and swap read of these challenges: the exercise, the
/// solution and the checks folder (plan and record).
fn scratch_kit(dirs: &[&str]) -> tempfile::TempDir {
    let temp = tempfile::Builder::new().prefix("kit-").tempdir().unwrap();
    for dir in dirs {
        for base in ["exercises", "solutions", "grader/checks"] {
            copy_dir(
                &kit_root().join(base).join(dir),
                &temp.path().join(base).join(dir),
            );
        }
    }
    git(temp.path(), &["init", "-q"]);
    git(temp.path(), &["add", "-A"]);
    git(temp.path(), &["commit", "-q", "-m", "the kit"]);
    temp
}

/// Runs the grader on a scratch kit; returns (exit code, stdout, stderr).
fn run_on(kit: &Path, args: &[&str]) -> (i32, String, String) {
    let output = grader()
        .env("TOKIO_CHALLENGES_KIT", kit)
        .env("TOKIO_CHALLENGES_STATE_DIR", kit.join("state"))
        .env("CARGO_TARGET_DIR", kit_root().join("target"))
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A folder's files (no `target/`, no dot-names), relative path → bytes.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with('.') || name == "target" {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_path_buf();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The folder named in `Saved your c04 files in <path>.` (or `… in <path>;`).
fn saved_in(stdout: &str) -> PathBuf {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("Saved your "))
        .unwrap_or_else(|| panic!("no `Saved your …` line:\n{stdout}"));
    let rest = line.split_once(" files in ").unwrap().1;
    let path = rest.split("; ").next().unwrap();
    PathBuf::from(path.strip_suffix('.').unwrap_or(path))
}

fn backups(kit: &Path) -> usize {
    std::fs::read_dir(kit.join(".tokio-challenges/backups")).map_or(0, |d| d.count())
}

#[test]
fn each_record_lists_its_stub_as_git_does() {
    let repo = tempfile::Builder::new().prefix("stubs-").tempdir().unwrap();
    copy_dir(&kit_root().join("exercises"), &repo.path().join("exercises"));
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "exercises"]);
    // `<mode> blob <id>\t<path>` for every file git has.
    let listed = git(repo.path(), &["ls-tree", "-r", "HEAD", "exercises"]);
    for plan in plans() {
        let prefix = format!("exercises/{}/", plan.dir);
        let from_git: Vec<String> = listed
            .lines()
            .filter_map(|l| {
                let (meta, path) = l.split_once('\t')?;
                Some(format!(
                    "{} {}",
                    meta.split(' ').nth(2)?,
                    path.strip_prefix(&prefix)?
                ))
            })
            .collect();
        let record = std::fs::read_to_string(
            kit_root()
                .join("grader/checks")
                .join(&plan.dir)
                .join("shipped-stub.txt"),
        )
        .unwrap_or_else(|e| {
            panic!(
                "{}: no record ({e}): run `cargo run -p grader -- dev sync`",
                plan.id
            )
        });
        assert!(
            record.starts_with('#'),
            "{}: a one-line comment header first",
            plan.id
        );
        let from_record: Vec<&str> = record.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(from_record, from_git, "{}: the record is what git lists", plan.id);
    }
}

#[test]
fn reset_brings_the_stub_back_and_keeps_every_change_in_the_backup() {
    let kit = scratch_kit(&["c04-heartbeat"]);
    let dir = kit.path().join("exercises/c04-heartbeat");
    let shipped = files(&dir);
    let edited = "// my work\npub fn mine() {}\n";
    std::fs::write(dir.join("src/lib.rs"), edited).unwrap();
    std::fs::write(dir.join("src/extra.rs"), "pub fn added() {}\n").unwrap();
    std::fs::remove_file(dir.join("README.md")).unwrap();
    // Whatever the learner committed since, the shipped objects are still in the history.
    git(kit.path(), &["add", "-A"]);
    git(kit.path(), &["commit", "-q", "-m", "my work"]);
    let before = files(&dir);

    // From a script, edited files are replaced only with `--yes` (on a terminal, it asks).
    let (code, out, err) = run_on(kit.path(), &["reset", "c04"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("differs from the stub as shipped (README.md (missing) and 2 more)"),
        "{err}"
    );
    assert!(err.contains("`reset c04 --yes`"), "{err}");
    assert_eq!(
        (files(&dir), backups(kit.path())),
        (before.clone(), 0),
        "nothing changed"
    );

    let (code, out, err) = run_on(kit.path(), &["reset", "c04", "--yes"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("c04 is the stub as shipped again"), "{out}");
    assert!(
        out.contains("`cargo run -p grader -- restore c04` brings your files back"),
        "{out}"
    );
    assert_eq!(
        files(&dir),
        shipped,
        "exercises/c04-heartbeat is the stub as shipped"
    );
    let saved = saved_in(&out);
    assert!(
        saved.starts_with(kit.path().join(".tokio-challenges/backups")),
        "{}",
        saved.display()
    );
    assert_eq!(
        files(&saved),
        before,
        "the backup is the learner's folder as it was"
    );
    assert_eq!(std::fs::read_to_string(saved.join("src/lib.rs")).unwrap(), edited);
    assert!(saved.join("src/extra.rs").exists() && !saved.join("README.md").exists());

    let (code, out, _) = run_on(kit.path(), &["reset", "4"]);
    assert_eq!(
        (code, backups(kit.path())),
        (0, 1),
        "nothing to save the second time: {out}"
    );
    assert!(out.contains("already"), "{out}");

    // `restore` undoes the reset, saving the stub first; `restore` again undoes the restore.
    let (code, out, err) = run_on(kit.path(), &["restore", "c04"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(files(&dir), before, "the learner's files are back: {out}");
    assert!(out.contains("taken by `reset`"), "{out}");
    assert_eq!(backups(kit.path()), 2, "the stub was saved before: {out}");
    let (code, out, err) = run_on(kit.path(), &["restore", "c04"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(files(&dir), shipped, "the restore undone: {out}");
    assert!(out.contains("taken by `restore`"), "{out}");

    // Without git, nothing is touched and the error says what to do.
    std::fs::write(dir.join("src/lib.rs"), edited).unwrap();
    std::fs::rename(kit.path().join(".git"), kit.path().join("git-away")).unwrap();
    let backups_before = backups(kit.path());
    let (code, _, err) = run_on(kit.path(), &["reset", "c04", "--yes"]);
    assert_eq!(code, 2, "{err}");
    for words in ["git", "Nothing was changed", "fresh copy of the kit"] {
        assert!(err.contains(words), "`{words}` in: {err}");
    }
    assert_eq!(std::fs::read_to_string(dir.join("src/lib.rs")).unwrap(), edited);
    assert_eq!(backups(kit.path()), backups_before, "no backup either");
}

#[test]
fn swap_puts_the_solution_in_as_the_exercise_crate_and_brings_mine_back() {
    let kit = scratch_kit(&["c04-heartbeat"]);
    let dir = kit.path().join("exercises/c04-heartbeat");
    let mine = "// my attempt\npub async fn serve() {}\n";
    std::fs::write(dir.join("src/lib.rs"), mine).unwrap();

    let (code, out, err) = run_on(kit.path(), &["swap", "c04", "--to", "solution"]);
    assert_eq!(code, 0, "{out}{err}");
    let saved = saved_in(&out);
    assert_eq!(std::fs::read_to_string(saved.join("src/lib.rs")).unwrap(), mine);
    let solution = kit_root().join("solutions/c04-heartbeat");
    assert_eq!(
        std::fs::read(dir.join("src/lib.rs")).unwrap(),
        std::fs::read(solution.join("src/lib.rs")).unwrap()
    );
    // The workspace's names stay the exercise's: package, library, binaries, checks and test.
    let manifest = |path: &Path| -> toml::Table { std::fs::read_to_string(path).unwrap().parse().unwrap() };
    let (swapped, exercise) = (
        manifest(&dir.join("Cargo.toml")),
        manifest(&kit_root().join("exercises/c04-heartbeat/Cargo.toml")),
    );
    for key in ["package", "lib", "bin", "dev-dependencies", "test"] {
        assert_eq!(swapped.get(key), exercise.get(key), "[{key}] is the exercise's");
    }
    assert!(dir.join("tests/checks.rs").exists());
    for (path, bytes) in files(&dir) {
        let text = String::from_utf8_lossy(&bytes);
        for name in [
            "c04-heartbeat-solution",
            "c04_heartbeat_solution",
            "heartbeat-server-solution",
        ] {
            assert!(!text.contains(name), "{} names `{name}`", path.display());
        }
    }

    let (code, out, _) = run_on(kit.path(), &["swap", "c04", "--to", "solution"]);
    assert_eq!(
        (code, backups(kit.path())),
        (0, 1),
        "the solution is not saved as mine: {out}"
    );
    assert!(out.contains("already"), "{out}");

    let (report, _) = kit_tests::grade_submission(&kit.path().join("exercises"), "c04");
    let c04 = &report.challenges[0];
    assert_eq!(
        c04.score, c04.max_score,
        "the swapped-in solution scores 100 %: {c04:#?}"
    );

    let (code, out, err) = run_on(kit.path(), &["swap", "c04", "--to", "mine"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(std::fs::read_to_string(dir.join("src/lib.rs")).unwrap(), mine);
    assert_eq!(backups(kit.path()), 1, "the exact solution needs no backup");
    let (code, _, err) = run_on(kit.path(), &["swap", "c04", "--to", "mine"]);
    assert_eq!(code, 2);
    assert!(err.contains("no files of yours are recorded for c04"), "{err}");
}

#[test]
fn dev_check_finds_derived_facts_out_of_date_and_dev_sync_writes_them() {
    let temp = tempfile::Builder::new().prefix("kit-").tempdir().unwrap();
    let kit = kit_root();
    for dir in ["exercises", "solutions", "grader/checks", "tests/wrong", "docs"] {
        copy_dir(&kit.join(dir), &temp.path().join(dir));
    }
    std::fs::copy(kit.join("README.md"), temp.path().join("README.md")).unwrap();
    let lib = temp.path().join("exercises/c04-heartbeat/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, format!("{text}// a comment added by an author\n")).unwrap();
    // A plan's points changed by hand: the README's lines and the root table follow on `dev sync`.
    let plan = temp.path().join("grader/checks/c04-heartbeat/challenge.toml");
    let text = std::fs::read_to_string(&plan).unwrap();
    let first_points = text.find("points = ").expect("a check with points") + "points = ".len();
    let mut text = text;
    text.replace_range(first_points..first_points + 1, "7");
    std::fs::write(&plan, text).unwrap();
    let (code, _, err) = run_on(temp.path(), &["dev", "check"]);
    assert_eq!(code, 1, "{err}");
    let expected = "exercises/c04-heartbeat/ differs from grader/checks/c04-heartbeat/shipped-stub.txt: src/lib.rs (changed)";
    assert!(err.contains(expected) && err.contains("dev sync"), "{err}");
    for said in [
        "exercises/c04-heartbeat/README.md: says `The checks (12 points)`",
        "README.md: the row of c04 says \"12\" points",
    ] {
        assert!(err.contains(said), "`{said}` in:\n{err}");
    }
    let (code, out, err) = run_on(temp.path(), &["dev", "sync"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = run_on(temp.path(), &["dev", "check"]);
    assert_eq!(code, 0, "{err}");
}

const COLUMNS: usize = 60;
const LINES: usize = 16;

/// The screen's table (from its heading to the watching line) fits `COLUMNS` × `LINES`.
fn assert_fits(screen: &str) {
    let table = &screen[screen.find("tokio-challenges").unwrap_or(0)..];
    for line in table.lines() {
        assert!(
            line.chars().count() <= COLUMNS,
            "{line:?} is wider than {COLUMNS} columns:\n{screen}"
        );
    }
    assert!(
        table.lines().count() < LINES,
        "at most {LINES} lines, the status line too:\n{screen}"
    );
}

/// A running `grader watch`, killed if the test ends early; its stdout collected as it comes.
struct Watch {
    child: Child,
    out: Arc<(Mutex<(String, bool)>, Condvar)>,
}

impl Watch {
    fn start(exercises: &Path, state: &Path) -> Watch {
        let mut child = Command::new(grader_bin())
            .args(["watch", "--exercises"])
            .arg(exercises)
            .env("TOKIO_CHALLENGES_STATE_DIR", state)
            // A small terminal: what does not fit is cut (stdout is a pipe, so the size comes from
            // these, as a shell's would).
            .env("COLUMNS", COLUMNS.to_string())
            .env("LINES", LINES.to_string())
            .current_dir(kit_root())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let out = Arc::new((Mutex::new((String::new(), false)), Condvar::new()));
        let (mut stdout, shared) = (child.stdout.take().unwrap(), out.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                let n = stdout.read(&mut buf).unwrap_or(0);
                let (lock, ready) = &*shared;
                let mut state = lock.lock().unwrap();
                if n == 0 {
                    state.1 = true;
                } else {
                    state.0.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
                ready.notify_all();
                if n == 0 {
                    break;
                }
            }
        });
        Watch { child, out }
    }

    /// Waits (up to `limit`) until the output holds `n` screens; returns the `n`-th.
    fn screen(&self, n: usize, limit: Duration) -> String {
        const END: &str = "save a file to re-grade";
        let deadline = Instant::now() + limit;
        let (lock, ready) = &*self.out;
        let mut state = lock.lock().unwrap();
        loop {
            let screens: Vec<&str> = state.0.split_inclusive(END).collect();
            if state.0.matches(END).count() >= n {
                return screens[n - 1].to_string();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !state.1 && !left.is_zero(),
                "no screen {n} within {limit:?}:\n{}",
                state.0
            );
            state = ready.wait_timeout(state, left).unwrap().0;
        }
    }

    fn send(&mut self, keys: &str) {
        self.child
            .stdin
            .as_mut()
            .unwrap()
            .write_all(keys.as_bytes())
            .unwrap();
    }

    fn quit(mut self) {
        let mut stdin = self.child.stdin.take().unwrap();
        stdin.write_all(b"q\n").unwrap();
        let (lock, ready) = &*self.out;
        let state = lock.lock().unwrap();
        let (state, timeout) = ready
            .wait_timeout_while(state, Duration::from_secs(60), |s| !s.1)
            .unwrap();
        assert!(!timeout.timed_out(), "`q` quits:\n{}", state.0);
        drop(state);
        assert!(self.child.wait().unwrap().success());
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn watch_regrades_the_challenge_saved_and_survives_a_half_written_file() {
    let exercises = kit_tests::submission("exercises", &["c03-message-relay", "c08-chain-them-up"]);
    let state = tempfile::Builder::new().prefix("state-").tempdir().unwrap();
    let c08 = plans().into_iter().find(|p| p.id == "c08").unwrap();
    let mut watch = Watch::start(exercises.path(), state.path());

    let first = watch.screen(1, Duration::from_secs(900));
    assert!(
        first.contains("c03 message-relay") && first.contains("todo"),
        "the first challenge not passed:\n{first}"
    );
    assert!(!first.contains("c08 chain-them-up"), "{first}");

    let lib = exercises.path().join("c08-chain-them-up/src/lib.rs");
    let solution =
        std::fs::read_to_string(kit_root().join("solutions/c08-chain-them-up/src/lib.rs")).unwrap();
    let half = solution
        .char_indices()
        .nth(solution.chars().count() / 2)
        .map_or(0, |(i, _)| i);
    std::fs::write(&lib, &solution[..half]).unwrap();
    let broken = watch.screen(2, Duration::from_secs(300));
    assert!(
        broken.contains("c08 chain-them-up") && broken.contains("compile_error"),
        "{broken}"
    );
    assert!(
        !broken.contains("c03 message-relay"),
        "only the challenge saved: {broken}"
    );
    for screen in [&first, &broken] {
        assert_fits(screen);
    }
    assert!(broken.contains("more lines: press m"), "{broken}");
    watch.send("m\n");
    let everything = watch.screen(3, Duration::from_secs(60));
    assert!(
        !everything.contains("more lines") && everything.lines().count() > broken.lines().count(),
        "`m` shows the whole compiler message:\n{everything}"
    );

    std::fs::write(&lib, &solution).unwrap();
    let fixed = watch.screen(4, Duration::from_secs(300));
    let score = format!("{0}/{0}", c08.max_score());
    assert!(
        fixed.contains("c08 chain-them-up") && fixed.contains(&score) && fixed.contains("pass"),
        "{fixed}"
    );
    watch.quit();
}

#[test]
fn the_grader_works_on_the_kit_it_is_run_in_not_the_one_it_was_built_in() {
    // A second kit (as a second clone sharing this one's target folder would be): the grader
    // built here, run from inside it, lists and resets its challenges, not this kit's.
    let other = scratch_kit(&["c04-heartbeat"]);
    std::fs::write(other.path().join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
    let inside = other.path().join("exercises/c04-heartbeat/src");
    let run = |args: &[&str]| {
        let output = Command::new(grader_bin())
            .args(args)
            .current_dir(&inside)
            .env_remove("TOKIO_CHALLENGES_KIT")
            .env("TOKIO_CHALLENGES_STATE_DIR", other.path().join("state"))
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    };
    let (code, listed) = run(&["list"]);
    assert_eq!(code, Some(0), "{listed}");
    assert!(
        listed.starts_with("c04 heartbeat") && !listed.contains("c01"),
        "{listed}"
    );
    std::fs::write(inside.join("lib.rs"), "// mine\n").unwrap();
    let (code, said) = run(&["reset", "c04", "--yes"]);
    assert_eq!(code, Some(0), "{said}");
    assert!(
        other.path().join(".tokio-challenges/backups").is_dir(),
        "the backup is in the kit run in: {said}"
    );
    let stub = git(other.path(), &["show", "HEAD:exercises/c04-heartbeat/src/lib.rs"]);
    assert_eq!(
        std::fs::read_to_string(inside.join("lib.rs")).unwrap(),
        stub,
        "the stub back in the other kit"
    );
}

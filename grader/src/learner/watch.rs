//! `grader watch`: re-grades, on save, the challenge whose files changed, and shows its table.
//!
//! As rustlings 6.5 does it: notify 8's `RecommendedWatcher` (inotify on Linux) on the whole
//! `exercises/` folder, and a debounce of our own rather than a debouncer crate: events are
//! collected until none has come for [`QUIET`] (at most [`MOST`] in all), because an editor's save
//! is a burst of events (write, rename, attribute changes), and grading half a burst would show a
//! half-saved file. Our own loop also needs no extra crate to learn what we need most: which paths,
//! and when to stop waiting. Events that arrive while a grade runs wait in the channel and come
//! out as one more batch, so a burst of saves during a grade costs one more grade, not one each.
//!
//! A batch re-grades only the challenges whose content (see [`stubs::content_key`]) changed since
//! they were last graded: an editor touching a file, or a save with nothing new, grades nothing.
//! Changes under `target/`, in dot-files and in editor temp files (`*.swp`, `*~`, `.#*`, vim's
//! `4913` probe) are not events at all.

use super::fit;
use super::terminal::{self, Key, Keys, stdout_is_terminal};
use crate::stubs;
use crate::target::Target;
use anstyle::Style;
use anyhow::{Context, Result, anyhow};
use grader_core::report::{TableOptions, render_table, render_table_parts};
use grader_core::sandbox::{Limits, Sandbox};
use grader_core::{ChallengePlan, Report};
use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{Event, EventKind, RecursiveMode, Watcher};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// A batch ends when no event has come for this long…
const QUIET: Duration = Duration::from_millis(200);
/// …or when it has been collecting this long (an editor that never stops writing).
const MOST: Duration = Duration::from_secs(2);

enum Msg {
    Changed(PathBuf),
    WatchFailed(String),
    Quit,
    More,
    Resized,
}

impl From<Key> for Msg {
    fn from(key: Key) -> Msg {
        match key {
            Key::Quit => Msg::Quit,
            Key::More => Msg::More,
            Key::Resized => Msg::Resized,
        }
    }
}

/// Watches `exercises` (the kit's `exercises/` unless given) until `q`; exit code 0.
pub fn run(
    kit: &Path,
    plans: &[ChallengePlan],
    exercises: Option<&Path>,
    memory_limit: Option<&str>,
) -> Result<u8> {
    let target = match exercises {
        Some(dir) => Target::submission(dir)?,
        None => Target::exercises(kit),
    };
    let root = target
        .root
        .canonicalize()
        .with_context(|| format!("cannot watch {}", target.root.display()))?;
    let present: Vec<&ChallengePlan> = plans.iter().filter(|p| root.join(&p.dir).is_dir()).collect();
    if present.is_empty() {
        return Err(anyhow!(
            "{} holds no challenge folder (cNN-slug/): watch a copy of exercises/",
            root.display()
        ));
    }
    let mut sandbox = Sandbox::for_grading();
    if let Some(limit) = memory_limit {
        sandbox.limits.memory = Limits::parse_size(limit)?;
    }
    let (tx, rx) = channel();
    let events = tx.clone();
    let watched = root.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<Event>| match event {
        Ok(event) if relevant(&event.kind) => {
            for path in event.paths.into_iter().filter(|p| !ignored(&watched, p)) {
                let _ = events.send(Msg::Changed(path));
            }
        }
        Ok(_) => {}
        Err(e) => {
            let _ = events.send(Msg::WatchFailed(e.to_string()));
        }
    })
    .with_context(|| format!("cannot watch {}", root.display()))?;
    watcher
        .watch(&root, RecursiveMode::Recursive)
        .with_context(|| format!("cannot watch {}", root.display()))?;
    let keys = Keys::start(tx);
    let mut screen = Screen {
        clear: stdout_is_terminal(),
        watching: match exercises {
            Some(dir) => format!("{}/", dir.display()),
            None => "exercises/".into(),
        },
        hint: if keys.is_raw() {
            "m for more, q to quit"
        } else {
            "m and Enter for more, q and Enter to quit"
        },
        everything: false,
        shown: Shown::Nothing,
        keys,
    };
    let mut grader = Grading {
        kit,
        target: &target,
        plans,
        sandbox,
        root: &root,
        graded: BTreeMap::new(),
    };
    screen.status(&format!(
        "Grading {} challenge(s) to find where you are (the first build takes a few minutes)…",
        present.len()
    ));
    let first = first_unfinished(&grader.grade(&present)?);
    let options = grader.options(&first);
    screen.show(Shown::Table(first, options));
    loop {
        let batch = next_batch(&rx, QUIET, MOST);
        if batch.quit {
            break;
        }
        for error in &batch.errors {
            screen.status(&format!("watching {} reported: {error}", screen.watching));
        }
        if batch.more % 2 == 1 {
            screen.everything = !screen.everything;
        }
        if batch.more > 0 || batch.resized {
            screen.redraw();
        }
        let changed: BTreeSet<&str> = batch
            .paths
            .iter()
            .filter_map(|p| challenge_of(&root, p))
            .collect();
        let selected: Vec<&ChallengePlan> = plans
            .iter()
            .filter(|p| changed.contains(p.dir.as_str()) && grader.changed(p))
            .collect();
        if selected.is_empty() {
            continue;
        }
        let names: Vec<String> = selected.iter().map(|p| format!("{} {}", p.id, p.slug)).collect();
        screen.status(&format!("Grading {}…", names.join(", ")));
        match grader.grade(&selected) {
            Ok(report) => {
                let options = grader.options(&report);
                screen.show(Shown::Table(report, options));
            }
            Err(e) => screen.show(Shown::Error(format!("grader: {e:#}\n"))),
        }
    }
    drop(screen);
    println!();
    Ok(0)
}

/// Grades challenges of the watched folder, remembering the content each was graded with.
struct Grading<'a> {
    kit: &'a Path,
    target: &'a Target,
    plans: &'a [ChallengePlan],
    sandbox: Sandbox,
    root: &'a Path,
    /// Challenge id → `content_key` of its folder when it was last graded.
    graded: BTreeMap<String, String>,
}

impl Grading<'_> {
    fn key(&self, plan: &ChallengePlan) -> String {
        // A folder that cannot be read is graded (the grader says why it cannot build it).
        stubs::content_key(&self.root.join(&plan.dir)).unwrap_or_default()
    }

    /// True when the folder's content is not what it was last graded with.
    fn changed(&self, plan: &ChallengePlan) -> bool {
        self.graded.get(&plan.id) != Some(&self.key(plan))
    }

    /// The table's options for `report`: once its challenges pass, the next step is the challenge
    /// after them.
    fn options(&self, report: &Report) -> TableOptions {
        let graded: Vec<&str> = report.challenges.iter().map(|c| c.id.as_str()).collect();
        // Named as the grade names the crates: by the watched folder's name.
        let shown = self
            .root
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        TableOptions {
            verbose: false,
            upcoming: grader_core::todo_marks::upcoming_after(self.plans, &graded, self.root, &shown),
            compact: false,
        }
    }

    fn grade(&mut self, selected: &[&ChallengePlan]) -> Result<Report> {
        for plan in selected {
            let key = self.key(plan);
            self.graded.insert(plan.id.clone(), key);
        }
        let options = crate::grade::Options {
            progress: false,
            sandbox: &self.sandbox,
            sealed: false,
            cache: None,
        };
        crate::grade::grade(self.kit, self.target, self.plans, selected, &options)
    }
}

/// The first challenge not fully passed alone, or all of them when every one passes.
fn first_unfinished(report: &Report) -> Report {
    match report.challenges.iter().find(|c| c.score < c.max_score) {
        Some(challenge) => grader_core::scoring::report(&report.target, vec![challenge.clone()]),
        None => report.clone(),
    }
}

/// What the screen shows last, to draw it again (`m`, a resize).
enum Shown {
    Nothing,
    Table(Report, TableOptions),
    Error(String),
}

struct Screen {
    clear: bool,
    watching: String,
    /// The keys to press, as the watching line says them.
    hint: &'static str,
    /// `m` was pressed: the whole table, every message, uncut (the terminal scrolls).
    everything: bool,
    shown: Shown,
    /// The keyboard, and how to print while it is in raw mode.
    keys: Keys,
}

impl Screen {
    fn show(&mut self, shown: Shown) {
        self.shown = shown;
        self.redraw();
    }

    /// Clears the screen (on a terminal) and draws what is shown, cut to the terminal's size
    /// unless everything was asked for, then the watching line.
    fn redraw(&self) {
        const DIM: Style = Style::new().dimmed();
        let footer = format!(
            "watching {} — save a file to re-grade, {}",
            self.watching, self.hint
        );
        let size = terminal::size().filter(|_| !self.everything);
        let body = match (&self.shown, size) {
            (Shown::Nothing, _) => return,
            (Shown::Error(e), _) => e.clone(),
            (Shown::Table(report, options), None) => render_table(report, options),
            (Shown::Table(report, options), Some((width, rows))) => {
                let compact = TableOptions {
                    compact: true,
                    ..options.clone()
                };
                let (body, tail) = render_table_parts(report, &compact);
                // Two rows stay free: the watching line, and the status line of the next grade.
                fit::fit(&body, &tail, width, rows.saturating_sub(2), 'm').text
            }
        };
        let footer = match size {
            Some((width, _)) => fit::wrap(&footer, width).join("\n"),
            None => footer,
        };
        let clear = if self.clear { "\x1b[2J\x1b[3J\x1b[H" } else { "" };
        self.keys.print(&format!("{clear}{body}{DIM}{footer}{DIM:#}\n"));
    }

    fn status(&self, line: &str) {
        self.keys.print(&format!("{line}\n"));
    }
}

#[derive(Default)]
struct Batch {
    paths: BTreeSet<PathBuf>,
    errors: Vec<String>,
    quit: bool,
    /// How many times `m` was pressed.
    more: usize,
    resized: bool,
}

/// Waits for a message, then collects more until none comes for `quiet` (or `most` has passed).
fn next_batch(rx: &Receiver<Msg>, quiet: Duration, most: Duration) -> Batch {
    let mut batch = Batch::default();
    let add = |batch: &mut Batch, msg| match msg {
        Msg::Changed(path) => {
            batch.paths.insert(path);
        }
        Msg::WatchFailed(e) => batch.errors.push(e),
        Msg::Quit => batch.quit = true,
        Msg::More => batch.more += 1,
        Msg::Resized => batch.resized = true,
    };
    match rx.recv() {
        Ok(msg) => add(&mut batch, msg),
        Err(_) => batch.quit = true,
    }
    let started = Instant::now();
    while !batch.quit {
        let wait = quiet.min(most.saturating_sub(started.elapsed()));
        if wait.is_zero() {
            break;
        }
        match rx.recv_timeout(wait) {
            Ok(msg) => add(&mut batch, msg),
            Err(RecvTimeoutError::Timeout) => break,
            Err(RecvTimeoutError::Disconnected) => batch.quit = true,
        }
    }
    batch
}

/// The event kinds that can change a file's content or presence.
fn relevant(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Modify(_) => true,
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    }
}

/// Paths that are not a learner's source: outside the watched folder, under `target/`, dot-names
/// (`.git/`, `.#file` locks), editor temp files (`*.swp`, `*~`, vim's `4913`).
fn ignored(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return true;
    };
    if rel.as_os_str().is_empty() {
        return true;
    }
    let names: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let file = names.last().map(String::as_str).unwrap_or_default();
    names.iter().any(|n| n.starts_with('.') || n == "target")
        || [".swp", ".swx", ".swo", "~"]
            .iter()
            .any(|end| file.ends_with(end))
        || file == "4913"
}

/// The challenge folder a path is in (its first component under the watched folder).
fn challenge_of<'a>(root: &Path, path: &'a Path) -> Option<&'a str> {
    path.strip_prefix(root)
        .ok()?
        .components()
        .next()?
        .as_os_str()
        .to_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_litter_and_build_output_are_ignored() {
        let root = Path::new("/kit/exercises");
        for path in [
            "c04-heartbeat/target/debug/x",
            "c04-heartbeat/src/.lib.rs.swp",
            "c04-heartbeat/src/lib.rs~",
            "c04-heartbeat/src/.#lib.rs",
            "c04-heartbeat/src/4913",
            ".git/index",
            "",
        ] {
            assert!(ignored(root, &root.join(path)), "{path}");
        }
        assert!(ignored(root, Path::new("/elsewhere/c04-heartbeat/src/lib.rs")));
        for path in [
            "c04-heartbeat/src/lib.rs",
            "c04-heartbeat",
            "c04-heartbeat/src/bin/server.rs",
        ] {
            assert!(!ignored(root, &root.join(path)), "{path}");
            assert_eq!(challenge_of(root, &root.join(path)), Some("c04-heartbeat"));
        }
    }

    #[test]
    fn queued_events_come_out_as_one_batch_and_quit_ends_it() {
        let (tx, rx) = channel();
        for file in ["a.rs", "b.rs", "a.rs"] {
            tx.send(Msg::Changed(PathBuf::from(file))).unwrap();
        }
        // A long quiet time: the batch ends because `most` has passed, not because of a clock race.
        let batch = next_batch(&rx, Duration::from_secs(60), Duration::from_millis(50));
        assert_eq!(batch.paths.len(), 2);
        assert!(!batch.quit);
        tx.send(Msg::Changed(PathBuf::from("c.rs"))).unwrap();
        tx.send(Msg::Quit).unwrap();
        assert!(next_batch(&rx, Duration::from_secs(60), Duration::from_secs(60)).quit);
        drop(tx);
        assert!(next_batch(&rx, QUIET, MOST).quit, "no more messages can come");
    }

    #[test]
    fn only_kinds_that_change_content_count() {
        use notify::event::{CreateKind, DataChange, MetadataKind};
        assert!(relevant(&EventKind::Create(CreateKind::File)));
        assert!(relevant(&EventKind::Modify(ModifyKind::Data(
            DataChange::Content
        ))));
        assert!(relevant(&EventKind::Access(AccessKind::Close(AccessMode::Write))));
        assert!(!relevant(&EventKind::Access(AccessKind::Close(AccessMode::Read))));
        assert!(!relevant(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::AccessTime
        ))));
    }
}

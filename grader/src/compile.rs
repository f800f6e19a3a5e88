//! Building each challenge's check runner against the target, so that a compile error stays local.
//!
//! For a target (exercises/, solutions/ or a submission) the grader writes a small workspace under
//! `target/grader/<key>/` with one runner crate per challenge: the challenge's checks
//! (`grader/checks/<dir>/src/lib.rs`, compiled with `challenge` pointing at the target's crate) and a
//! one-line `main`. One `cargo build --keep-going` builds them all in parallel; a challenge whose
//! crate (or whose use of the API) does not compile gets the first compiler error, and every other
//! runner is still built. Everything is built in the kit's `target/`, so dependencies compiled for
//! `cargo test` are reused.

use crate::target::{Target, cargo_target_dir, state_dir};
use anyhow::{Context, Result, anyhow};
use grader_core::ChallengePlan;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What the build produced, per challenge id.
#[derive(Debug, Default)]
pub struct Built {
    pub runners: BTreeMap<String, PathBuf>,
    pub errors: BTreeMap<String, String>,
}

struct Member<'a> {
    plan: &'a ChallengePlan,
    /// The challenge's crate in the target.
    crate_dir: PathBuf,
    package: String,
}

/// Builds the runners of `selected` for `target`. `Err` means the grader could not grade at all
/// (cargo missing, the build folder not writable).
///
/// The generated workspace always lists every challenge of `all` that the target has, and cargo is
/// asked for the selected runners only (`-p`): so every run on one target writes the same files, and
/// two graders running at once with different `--only` do not pull the workspace from under each
/// other.
pub fn build(
    kit: &Path,
    target: &Target,
    all: &[ChallengePlan],
    selected: &[&ChallengePlan],
    progress: bool,
    sealed: bool,
) -> Result<Built> {
    let is_selected = |id: &str| selected.iter().any(|p| p.id == id);
    let mut built = Built::default();
    let mut members = Vec::new();
    for plan in all {
        let crate_dir = target.root.join(&plan.dir);
        match package_name(&crate_dir) {
            Ok(package) => members.push(Member {
                plan,
                crate_dir,
                package,
            }),
            Err(e) if is_selected(&plan.id) => {
                built.errors.insert(plan.id.clone(), format!("{e:#}"));
            }
            Err(_) => {}
        }
    }
    let workspace = state_dir(kit).join(&target.key);
    // A manifest error in one challenge stops cargo before it builds anything: drop that challenge
    // and build the others again.
    loop {
        let wanted: Vec<&Member<'_>> = members.iter().filter(|m| is_selected(&m.plan.id)).collect();
        if wanted.is_empty() {
            break;
        }
        write_workspace(kit, &workspace, target, &members)?;
        let packages: Vec<String> = wanted.iter().map(|m| runner_name(&m.plan.id, target)).collect();
        let run = run_cargo(kit, &workspace, &packages, target, progress, sealed)?;
        let mut any_result = false;
        for member in &wanted {
            let id = &member.plan.id;
            if let Some(exe) = run.executables.get(&runner_name(id, target)) {
                built.runners.insert(id.clone(), exe.clone());
                any_result = true;
            } else if let Some(error) = first_error_of(&run.errors, member, &workspace) {
                built.errors.insert(id.clone(), error);
                any_result = true;
            }
        }
        if any_result || run.success {
            for member in &wanted {
                let id = &member.plan.id;
                if !built.runners.contains_key(id) && !built.errors.contains_key(id) {
                    built.errors.insert(id.clone(), excerpt(&run.stderr, target));
                }
            }
            break;
        }
        let culprit = members
            .iter()
            .position(|m| run.stderr.contains(m.crate_dir.to_string_lossy().as_ref()));
        match culprit {
            Some(i) => {
                let member = members.remove(i);
                if is_selected(&member.plan.id) {
                    built
                        .errors
                        .insert(member.plan.id.clone(), excerpt(&run.stderr, target));
                }
            }
            None => {
                for member in wanted {
                    built
                        .errors
                        .insert(member.plan.id.clone(), excerpt(&run.stderr, target));
                }
                break;
            }
        }
    }
    Ok(built)
}

/// The package name in `<dir>/Cargo.toml`, or why the challenge cannot be built.
pub fn package_name(dir: &Path) -> Result<String> {
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|e| {
        anyhow!(
            "cannot read {}: {e} (is the challenge's folder missing?)",
            manifest.display()
        )
    })?;
    let value: toml::Table = text
        .parse()
        .with_context(|| format!("{} is not valid TOML", manifest.display()))?;
    value
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .map(str::to_string)
        .ok_or_else(|| anyhow!("{} has no [package] name", manifest.display()))
}

fn runner_name(id: &str, target: &Target) -> String {
    format!("grade-{id}-{}", target.key)
}

fn write_workspace(kit: &Path, workspace: &Path, target: &Target, members: &[Member<'_>]) -> Result<()> {
    let names: Vec<String> = members.iter().map(|m| format!("\"{}\"", m.plan.id)).collect();
    let root = format!(
        "# Written by the grader to build the checks against {}; regenerated on every run.\n\
         [workspace]\nresolver = \"3\"\nmembers = [{}]\n\n{}",
        target.label,
        names.join(", "),
        kit_profiles(kit)?
    );
    write_if_changed(&workspace.join("Cargo.toml"), &root)?;
    // Start from the kit's lock file (the same dependency versions, and no registry look-up), again
    // whenever the kit's has changed since; cargo then adds the runners to it.
    let lock = workspace.join("Cargo.lock");
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let kit_lock = kit.join("Cargo.lock");
    if modified(&lock).is_none() || modified(&lock) < modified(&kit_lock) {
        // Copy then rename: a grader running at the same time never reads half a lock file.
        let temp = lock.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::copy(&kit_lock, &temp).is_ok() {
            let _ = std::fs::rename(&temp, &lock);
        }
    }
    for member in members {
        let id = &member.plan.id;
        let dir = workspace.join(id);
        let checks = kit
            .join("grader")
            .join("checks")
            .join(&member.plan.dir)
            .join("src")
            .join("lib.rs");
        let manifest = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [lib]\nname = \"checks_{id}\"\npath = {checks:?}\n\n\
             [[bin]]\nname = \"{name}\"\npath = \"main.rs\"\n\n\
             [dependencies]\nharness = {{ path = {harness:?} }}\n\
             challenge = {{ package = {package:?}, path = {crate_dir:?} }}\n",
            name = runner_name(id, target),
            checks = checks.display().to_string(),
            harness = kit.join("grader").join("harness").display().to_string(),
            package = member.package,
            crate_dir = member.crate_dir.display().to_string(),
        );
        write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
        let main = format!("fn main() {{\n    harness::process::runner_main(checks_{id}::suite())\n}}\n");
        write_if_changed(&dir.join("main.rs"), &main)?;
    }
    Ok(())
}

/// The kit's `[profile.*]` tables, as TOML: the runners build with the kit's settings, so that the
/// dependencies `cargo test` compiled are reused as they are (one place for the profile: the kit's
/// `Cargo.toml`).
fn kit_profiles(kit: &Path) -> Result<String> {
    let path = kit.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let manifest: toml::Table = text.parse().with_context(|| format!("{}", path.display()))?;
    let mut profiles = toml::Table::new();
    if let Some(profile) = manifest.get("profile") {
        profiles.insert("profile".into(), profile.clone());
    }
    toml::to_string(&profiles).with_context(|| format!("{}", path.display()))
}

fn write_if_changed(path: &Path, text: &str) -> Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    // Write then rename, so that a concurrent grader never reads half a file.
    let temp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&temp, text).with_context(|| format!("cannot write {}", temp.display()))?;
    std::fs::rename(&temp, path).with_context(|| format!("cannot write {}", path.display()))
}

/// The fields the grader reads of cargo's `--message-format=json` lines (`compiler-artifact`,
/// `compiler-message`, `build-finished`); cargo documents them as stable.
#[derive(Deserialize)]
struct CargoMessage {
    reason: String,
    package_id: Option<String>,
    target: Option<CargoTarget>,
    executable: Option<PathBuf>,
    message: Option<Diagnostic>,
    success: Option<bool>,
}

#[derive(Deserialize)]
struct CargoTarget {
    name: String,
}

#[derive(Deserialize)]
struct Diagnostic {
    level: String,
    message: String,
    rendered: Option<String>,
}

struct CargoRun {
    success: bool,
    executables: BTreeMap<String, PathBuf>,
    /// Compiler errors: (package id, rendered message).
    errors: Vec<(String, String)>,
    stderr: String,
}

fn run_cargo(
    kit: &Path,
    workspace: &Path,
    packages: &[String],
    target: &Target,
    progress: bool,
    sealed: bool,
) -> Result<CargoRun> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(&cargo);
    grader_core::cargo_env::clear_program_vars(&mut command);
    command
        .args([
            "build",
            "--keep-going",
            "--message-format=json",
            "--manifest-path",
        ])
        .arg(workspace.join("Cargo.toml"))
        .args(packages.iter().flat_map(|p| ["-p", p.as_str()]))
        .env("CARGO_TARGET_DIR", cargo_target_dir(kit))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let spawned = if sealed {
        grader_core::sandbox::spawn_hiding(&mut command, &crate::sealed::hidden_from_build(kit, &target.root))
    } else {
        command.spawn()
    };
    let mut child = spawned.with_context(|| format!("cannot run cargo ({})", cargo.to_string_lossy()))?;
    let stderr = child.stderr.take().expect("stderr is piped");
    let stderr_reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let status = line.trim_start();
            if progress
                && [
                    "Compiling",
                    "Downloaded",
                    "Downloading",
                    "Updating",
                    "Locking",
                    "Blocking",
                ]
                .iter()
                .any(|s| status.starts_with(s))
            {
                let _ = writeln!(std::io::stderr(), "{line}");
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let mut run = CargoRun {
        success: false,
        executables: BTreeMap::new(),
        errors: Vec::new(),
        stderr: String::new(),
    };
    let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    for line in stdout.lines().map_while(Result::ok) {
        let Ok(message) = serde_json::from_str::<CargoMessage>(&line) else {
            continue;
        };
        match message.reason.as_str() {
            "compiler-artifact" => {
                if let (Some(exe), Some(target)) = (message.executable, message.target) {
                    run.executables.insert(target.name, exe);
                }
            }
            "compiler-message" => {
                if let (Some(m), Some(package)) = (message.message, message.package_id)
                    && m.level == "error"
                {
                    let rendered = m.rendered.unwrap_or(m.message);
                    run.errors.push((package, tidy(&rendered, target)));
                }
            }
            "build-finished" => run.success = message.success.unwrap_or(false),
            _ => {}
        }
    }
    let status = child.wait().context("cargo did not finish")?;
    run.success &= status.success();
    run.stderr = stderr_reader.join().unwrap_or_default();
    Ok(run)
}

/// The first compiler error in the challenge's crate or in its runner (its checks using its API).
fn first_error_of(errors: &[(String, String)], member: &Member<'_>, workspace: &Path) -> Option<String> {
    let runner_dir = workspace.join(&member.plan.id);
    errors
        .iter()
        .find(|(package, _)| {
            let path = package_path(package);
            path == member.crate_dir || path == runner_dir
        })
        .map(|(_, rendered)| rendered.clone())
}

/// `path+file:///a/b#name@0.1.0` → `/a/b`
fn package_path(repr: &str) -> PathBuf {
    let rest = repr.strip_prefix("path+file://").unwrap_or(repr);
    PathBuf::from(rest.split('#').next().unwrap_or(rest))
}

/// A compiler message made readable: paths relative to the target's parent, at most 20 lines.
fn tidy(rendered: &str, target: &Target) -> String {
    let mut text = rendered.to_string();
    if let Some(parent) = target.root.parent() {
        let prefix = format!("{}/", parent.display());
        text = text.replace(&prefix, "");
    }
    let lines: Vec<&str> = text.trim_end().lines().collect();
    let mut out = lines.iter().take(20).copied().collect::<Vec<_>>().join("\n");
    if lines.len() > 20 {
        out.push_str("\n…");
    }
    out
}

/// The lines of cargo's error output that say what went wrong.
fn excerpt(stderr: &str, target: &Target) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .skip_while(|l| !l.starts_with("error"))
        .filter(|l| !l.trim().is_empty())
        .take(8)
        .collect();
    if lines.is_empty() {
        "the checks could not be built (cargo failed without a compiler error)".into()
    } else {
        tidy(&lines.join("\n"), target)
    }
}

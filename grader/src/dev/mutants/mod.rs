//! `grader dev mutants c04`: mutation testing of a challenge's checks.
//!
//! [cargo-mutants](https://mutants.rs) makes small changes to the reference answer (an operator
//! flipped, a body replaced by `Ok(())`, a condition forced true), one at a time, and runs the
//! challenge's checks against each. A mutant the checks pass is either a mistake they do not see
//! (write a check, and a `tests/wrong/` case if a learner could make it) or a change that breaks
//! no sentence of the spec (explain it in `grader/checks/<dir>/mutants.toml`).
//!
//! The mutants are made in a workspace of their own under the grader's state folder: the solution
//! crate copied as `challenge/`, and a test crate that links the challenge's checks against it and
//! grades them as `cargo test -p <challenge>` does. cargo-mutants mutates that copy in place (the
//! kit is never touched) and builds in one target folder shared by every challenge.
//!
//! `mutants.toml` (hand-written, one per challenge):
//!
//! ```toml
//! # Mutants of code a learner does not write (given code), by cargo-mutants name regex.
//! exclude_re = ["in serve\\b"]
//!
//! [[survivor]]
//! mutant = "src/lib.rs: replace == with != in parse"   # the name cargo-mutants lists, without :line:col
//! why = "equivalent: …"                                # or "out of scope: …"
//! ```

mod record;
mod tally;

use anyhow::{Context, Result, anyhow};
pub use tally::stable_name;

use crate::compile::package_name;
use crate::stubs;
use crate::target::{cargo_target_dir, state_dir};
use grader_core::ChallengePlan;
use record::record;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use tally::tally;

/// The per-challenge file of exclusions and explained survivors.
pub const FILE: &str = "mutants.toml";

/// `grader/checks/<dir>/mutants.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Regexes (cargo-mutants `--exclude-re`) for mutants of given code.
    #[serde(default)]
    pub exclude_re: Vec<String>,
    #[serde(default, rename = "survivor")]
    pub survivors: Vec<Survivor>,
}

/// A mutant the checks let through on purpose, and why.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Survivor {
    /// Its cargo-mutants name without the `:line:col` (which moves when the solution changes).
    pub mutant: String,
    /// "equivalent: …" (no observable difference) or "out of scope: …" (breaks no sentence).
    pub why: String,
}

/// Reads a challenge's `mutants.toml` (none: nothing excluded, nothing explained).
pub fn config(kit: &Path, plan: &ChallengePlan) -> Result<Config> {
    let path = kit.join("grader/checks").join(&plan.dir).join(FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text).with_context(|| format!("{}", path.display())),
        Err(_) => Ok(Config::default()),
    }
}

/// Writes the mutation workspace of `plan`: the solution as `challenge/`, the checks as the test.
fn write_workspace(kit: &Path, plan: &ChallengePlan, workspace: &Path) -> Result<()> {
    let solution = kit.join("solutions").join(&plan.dir);
    let package = package_name(&solution)?;
    let challenge = workspace.join("challenge");
    stubs::make_equal(&challenge, &stubs::read_tree(&solution)?)?;
    let profiles = {
        let text =
            std::fs::read_to_string(kit.join("Cargo.toml")).context("cannot read the kit's Cargo.toml")?;
        let manifest: toml::Table = text.parse().context("Cargo.toml")?;
        let mut table = toml::Table::new();
        if let Some(profile) = manifest.get("profile") {
            table.insert("profile".into(), profile.clone());
        }
        toml::to_string(&table)?
    };
    let write = |rel: &str, text: String| -> Result<()> {
        let path = workspace.join(rel);
        if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
            return Ok(());
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("{}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("{}", path.display()))
    };
    write(
        "Cargo.toml",
        format!(
            "# Written by `grader dev mutants {id}`: the solution as `challenge/`, mutated in place.\n\
             [workspace]\nresolver = \"3\"\nmembers = [\"challenge\", \"checks\"]\n\n{profiles}",
            id = plan.id
        ),
    )?;
    let id = &plan.id;
    write(
        "checks/Cargo.toml",
        format!(
            "[package]\nname = \"mutants-{id}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [lib]\nname = \"checks_{id}\"\npath = \"src/lib.rs\"\n\n\
             [[test]]\nname = \"checks\"\npath = \"checks.rs\"\n\n\
             [dependencies]\nharness = {{ path = {harness:?} }}\n\
             challenge = {{ package = {package:?}, path = \"../challenge\" }}\n",
            harness = kit.join("grader/harness").display().to_string(),
        ),
    )?;
    // The checks' sources are linked, not copied: cargo-mutants only tests a package whose files
    // are inside it (and mutates only `challenge/`, see `--file`).
    let checks = kit.join("grader/checks").join(&plan.dir);
    for name in ["src", "challenge.toml"] {
        let link = workspace.join("checks").join(name);
        if std::fs::read_link(&link).ok().as_deref() != Some(checks.join(name).as_path()) {
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink(checks.join(name), &link)
                .with_context(|| format!("{}", link.display()))?;
        }
    }
    write(
        "checks/checks.rs",
        format!("#[test]\nfn checks() {{\n    checks_{id}::suite().grade_as_test(\"checks\");\n}}\n"),
    )?;
    let lock = workspace.join("Cargo.lock");
    if !lock.exists() {
        std::fs::copy(kit.join("Cargo.lock"), &lock).with_context(|| format!("{}", lock.display()))?;
    }
    Ok(())
}

/// What `grader dev mutants` was asked.
pub struct Options {
    /// Only list the mutants.
    pub list: bool,
    /// Write the counts into docs/MUTANTS.md.
    pub record: bool,
    /// More arguments for cargo-mutants (`--re`, `--shard 1/2`, …).
    pub extra: Vec<String>,
}

/// Runs cargo-mutants on each challenge in turn; exit 0 when no survivor is unexplained.
pub fn run(kit: &Path, plans: &[&ChallengePlan], options: &Options) -> Result<u8> {
    let version = Command::new("cargo").args(["mutants", "--version"]).output();
    if !version.is_ok_and(|o| o.status.success()) {
        return Err(anyhow!(
            "cargo-mutants is not installed: `cargo install cargo-mutants --locked` (https://mutants.rs)"
        ));
    }
    // cargo-mutants changes the workspace's files in place: one run at a time.
    let _lock = crate::target::exclusive(kit, "dev-mutants", "grader dev mutants")?;
    let mut all_explained = true;
    for plan in plans {
        let config = config(kit, plan)?;
        let workspace = state_dir(kit).join("mutants").join(&plan.dir);
        write_workspace(kit, plan, &workspace)?;
        let started = Instant::now();
        // The baseline: cargo-mutants' own runs only the mutated package's tests, not the checks.
        let timeout = if options.list {
            0
        } else {
            let baseline = Instant::now();
            let output = Command::new("cargo")
                .args(["test", "--workspace", "-q"])
                .current_dir(&workspace)
                .env("CARGO_TARGET_DIR", mutants_target(kit))
                .output()
                .context("cannot run cargo test")?;
            if !output.status.success() {
                return Err(anyhow!(
                    "{}: the checks do not pass on the unmutated solution in {}:\n{}{}",
                    plan.id,
                    workspace.display(),
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                ));
            }
            // A mutant that makes the checks run into their limits is caught by cargo-mutants'
            // timeout instead: five times the whole grade, and at least 30 s.
            (baseline.elapsed().as_secs() * 5).max(30)
        };
        let mut cmd = Command::new("cargo");
        cmd.arg("mutants")
            .arg("--dir")
            .arg(&workspace)
            .args([
                "--test-workspace",
                "true",
                "--in-place",
                "--file",
                "challenge/src/**",
            ])
            // The thin binaries only parse arguments and call the library, and no check runs them
            // (checks bind port 0, never a binary's default port).
            .args([
                "--exclude",
                "challenge/src/bin/*",
                "--cap-lints",
                "true",
                "--baseline",
                "skip",
            ])
            .args(["--timeout", &timeout.to_string()])
            .arg("--output")
            .arg(&workspace);
        for file in given_files(kit, plan)? {
            cmd.arg("--exclude").arg(format!("challenge/{}", file.display()));
        }
        for re in &config.exclude_re {
            cmd.args(["--exclude-re", re]);
        }
        if options.list {
            cmd.arg("--list");
        }
        cmd.args(&options.extra);
        cmd.env("CARGO_TARGET_DIR", mutants_target(kit));
        let status = cmd.status().context("cannot run cargo mutants")?;
        if options.list {
            continue;
        }
        // cargo-mutants exits 2 when mutants were missed, 3 on timeouts: the outcomes say which.
        if !matches!(status.code(), Some(0 | 2 | 3)) {
            return Err(anyhow!("cargo mutants failed on {} ({status})", plan.id));
        }
        let outcomes = workspace.join("mutants.out/outcomes.json");
        let text = std::fs::read_to_string(&outcomes).with_context(|| format!("{}", outcomes.display()))?;
        let mut tally = tally(&text, &config)?;
        tally.seconds = started.elapsed().as_secs();
        println!(
            "{}: {} mutants tried, {} caught ({} by a timeout), {} survived and explained, {} unexplained; \
             {} unviable; {} s",
            plan.id,
            tally.tried,
            tally.caught,
            tally.timeouts,
            tally.explained.len(),
            tally.unexplained.len(),
            tally.unviable,
            tally.seconds
        );
        for name in &tally.explained {
            let key = stable_name(name);
            let why = config
                .survivors
                .iter()
                .find(|s| s.mutant == key)
                .map_or("", |s| s.why.as_str());
            println!("  survived, explained: {name} — {why}");
        }
        for name in &tally.unexplained {
            println!("  survived: {name}");
        }
        if !tally.unexplained.is_empty() {
            all_explained = false;
            println!(
                "  (the diffs are in {}; give each a check or explain it in grader/checks/{}/{FILE})",
                workspace.join("mutants.out/diff").display(),
                plan.dir
            );
        }
        if options.record {
            record(kit, plan, &tally)?;
        }
    }
    Ok(if all_explained { 0 } else { 1 })
}

/// The files of given code: the same in the exercise as in the solution (a learner writes none of
/// them). Mixed files (given code beside a question) are excluded function by function in
/// `mutants.toml`.
fn given_files(kit: &Path, plan: &ChallengePlan) -> Result<Vec<PathBuf>> {
    let exercise = stubs::read_tree(&kit.join("exercises").join(&plan.dir))?;
    let solution = stubs::read_tree(&kit.join("solutions").join(&plan.dir))?;
    Ok(solution
        .iter()
        .filter(|(rel, bytes)| rel.starts_with("src") && exercise.get(*rel) == Some(bytes))
        .map(|(rel, _)| rel.clone())
        .collect())
}

/// One target folder for every challenge's mutants: dependencies are compiled once.
fn mutants_target(kit: &Path) -> PathBuf {
    cargo_target_dir(kit).join("mutants")
}

//! One set of features per dependency, whatever part of the kit is built (`grader/workspace-hack`).
//!
//! Cargo builds a dependency with the union of the features that the packages *being built* ask
//! for. The kit is built four ways: the grader alone (`cargo run -p grader`, and the kit's tests
//! building the grader), the default members with their tests (`cargo test`), the whole workspace
//! (clippy), and the grader's own workspaces, where the checks are built against a target (the
//! harness, the checks and the challenges' crates). Left alone, these ask for different features
//! of tokio, serde and a dozen more, and each way builds them, and everything on top of them,
//! again: on a fresh clone, tokio and what uses it were compiled three times.
//!
//! The workspace hack (the pattern cargo-hakari automates) is a crate with no code that every kit
//! crate starting one of those builds depends on, asking for the union. `dev sync` writes it from
//! `cargo tree` run for each of the four ways; `dev check` says when one of them would still build
//! a dependency with other features than the rest.
//!
//! The same survey finds the dependencies that never run in the grader or in a check: proc-macros,
//! build scripts' helpers, and what only the kit's own tests use. `dev sync` lists them in the root
//! `Cargo.toml` as unoptimised (the rest are built at opt-level 2): they run while compiling or in a
//! test, and optimising them was a fifth of a fresh clone's first build.

mod manifest;
mod tree;

use anyhow::{Context, Result};
use manifest::{BEGIN, END, manifest, set_unoptimised};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
pub use tree::resolve;
use tree::{Features, Unit, features};

/// Where the hack's manifest is, from the kit's root.
pub const MANIFEST: &str = "grader/workspace-hack/Cargo.toml";

const GRADER: &str = "the grader alone";
const RUNNERS: &str = "the grader's workspaces";

/// The four ways the kit is built, as `cargo tree` arguments. The first and the last build what
/// runs when grading: the grader, and the runners with the learner's code.
fn ways_of(kit: &Path) -> Result<Vec<(&'static str, Vec<String>)>> {
    let strings = |args: &[&str]| args.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    let mut staged = strings(&["-p", "harness"]);
    for plan in grader_core::plan::discover(kit)? {
        for dir in [
            kit.join("grader/checks").join(&plan.dir),
            kit.join("solutions").join(&plan.dir),
        ] {
            if let Ok(package) = crate::compile::package_name(&dir) {
                staged.extend(["-p".to_string(), package]);
            }
        }
    }
    staged.extend(strings(&["-e", "normal,build"]));
    Ok(vec![
        (GRADER, strings(&["-p", "grader", "-e", "normal,build"])),
        ("`cargo test`", strings(&["-e", "normal,build,dev"])),
        (
            "clippy on the workspace",
            strings(&["--workspace", "-e", "normal,build,dev"]),
        ),
        (RUNNERS, staged),
    ])
}

/// What `cargo tree` says of each way of building the kit.
pub struct Survey {
    ways: Vec<(&'static str, Features)>,
}

/// The features of every dependency that two ways of building the kit build differently, with the
/// ways and what each asks for.
pub type Disagreements = BTreeMap<Unit, Vec<(&'static str, BTreeSet<String>)>>;

impl Survey {
    /// Runs `cargo tree` the four ways.
    pub fn take(kit: &Path) -> Result<Survey> {
        let mut ways = Vec::new();
        for (way, args) in ways_of(kit)? {
            ways.push((way, features(kit, &args)?));
        }
        Ok(Survey { ways })
    }

    /// Where the ways disagree.
    pub fn disagreements(&self) -> Disagreements {
        let mut by_unit: Disagreements = BTreeMap::new();
        for (way, found) in &self.ways {
            for (unit, features) in found {
                by_unit
                    .entry(unit.clone())
                    .or_default()
                    .push((way, features.clone()));
            }
        }
        by_unit.retain(|_, seen| seen.iter().any(|(_, f)| *f != seen[0].1));
        by_unit
    }

    /// The packages that never run when grading: every build of them is for the host, or for the
    /// target only in the kit's own tests (not in the grader, nor in a runner).
    pub fn compile_time_only(&self) -> BTreeSet<String> {
        let graded = |unit: &Unit| {
            !unit.host
                && self
                    .ways
                    .iter()
                    .any(|(way, found)| [GRADER, RUNNERS].contains(way) && found.contains_key(unit))
        };
        let mut names: BTreeMap<&str, bool> = BTreeMap::new();
        for (_, found) in &self.ways {
            for unit in found.keys() {
                *names.entry(&unit.name).or_insert(true) &= !graded(unit);
            }
        }
        names
            .into_iter()
            .filter(|(_, only)| *only)
            .map(|(name, _)| name.to_string())
            .collect()
    }
}

/// `dev check`: one problem per dependency built with two sets of features, and the root
/// `Cargo.toml`'s list of unoptimised dependencies as it should be.
pub fn check(kit: &Path, problems: &mut Vec<String>) {
    // A copy of the challenges alone (the kit's tests make some) has no grader to build.
    if !kit.join("grader/Cargo.toml").is_file() || !kit.join(MANIFEST).is_file() {
        return;
    }
    let survey = match Survey::take(kit) {
        Ok(survey) => survey,
        Err(e) => return problems.push(format!("{MANIFEST}: cannot compare the builds' features: {e:#}")),
    };
    for (unit, seen) in survey.disagreements() {
        let ways: Vec<String> = seen
            .iter()
            .map(|(way, f)| format!("{way}: [{}]", f.iter().cloned().collect::<Vec<_>>().join(",")))
            .collect();
        problems.push(format!(
            "{MANIFEST}: {} {}{} is built with other features by each part of the kit ({}): run `cargo run -p grader -- dev sync`",
            unit.name,
            unit.version,
            if unit.host { " (for the host)" } else { "" },
            ways.join("; ")
        ));
    }
    let root = std::fs::read_to_string(kit.join("Cargo.toml")).unwrap_or_default();
    match set_unoptimised(&root, &survey.compile_time_only()) {
        Some(wanted) if wanted == root => {}
        Some(_) => problems.push(
            "Cargo.toml: the unoptimised dependencies (between `# BEGIN dev sync` and `# END dev sync`) are not those that never run when grading: run `cargo run -p grader -- dev sync`".into(),
        ),
        None => problems.push(format!(
            "Cargo.toml: no `{BEGIN}` … `{END}` block under [profile.dev.package] for `dev sync` to write the unoptimised dependencies in"
        )),
    }
}

/// `dev sync`: writes the hack's manifest, found with an empty one (so that a pin no longer needed
/// goes), then, with the new pins in place (they may switch optional dependencies on), the root
/// manifest's unoptimised dependencies. Returns the files it rewrote.
pub fn sync(kit: &Path) -> Result<Vec<PathBuf>> {
    let path = kit.join(MANIFEST);
    let current =
        std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let write =
        |text: &str| std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()));
    write(&manifest(&BTreeMap::new()))?;
    let unpinned = match Survey::take(kit) {
        Ok(survey) => survey,
        Err(e) => {
            write(&current)?;
            return Err(e);
        }
    };
    let union = unpinned
        .disagreements()
        .into_iter()
        .map(|(unit, seen)| {
            let all: BTreeSet<String> = seen.into_iter().flat_map(|(_, f)| f).collect();
            (unit, all)
        })
        .collect();
    let pinned = manifest(&union);
    write(&pinned)?;
    let mut written = Vec::new();
    if pinned != current {
        written.push(path.clone());
    }
    let survey = Survey::take(kit)?;
    let root_path = kit.join("Cargo.toml");
    let root = std::fs::read_to_string(&root_path).context("cannot read Cargo.toml")?;
    let wanted = set_unoptimised(&root, &survey.compile_time_only())
        .with_context(|| format!("Cargo.toml: no `{BEGIN}` … `{END}` block under [profile.dev.package]"))?;
    if wanted != root {
        std::fs::write(&root_path, &wanted).context("cannot write Cargo.toml")?;
        written.push(root_path);
    }
    // The surveys resolved the graph with other pins: resolve it again, so that `Cargo.lock`
    // lists the hack's dependencies (CI builds `--locked`).
    resolve(kit)?;
    Ok(written)
}

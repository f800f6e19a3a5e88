//! `grader swap c04 --to solution|mine`: for an instructor's demo, the reference answer in
//! `exercises/<dir>`, then the learner's own files back.
//!
//! The solution crate is `cNN-slug-solution`, with binaries named `…-solution`, so that it and the
//! exercise live side by side in one workspace. Put in `exercises/<dir>`, it must be the exercise
//! crate again: the solution's files with its names (package, library, binaries, in `Cargo.toml` and
//! in the sources that name them) read as the exercise's, plus what only the exercise has (the
//! `checks-cNN` dev-dependency, the `checks` test and `tests/checks.rs`, taken from the stub as
//! shipped). So `cargo run -p c04-heartbeat`, `cargo test -p c04-heartbeat` and the grader work on
//! it, and the grader scores it 100 %.
//!
//! `--to solution` backs the learner's folder up and records that backup as the challenge's
//! "mine" in `<kit>/.tokio-challenges/swap.json`; `--to mine` brings it back. A folder that already
//! holds the solution is neither backed up nor recorded, and a recorded "mine" is never replaced
//! until it has been brought back: swapping to the solution twice cannot make the solution "mine".

use super::backup::{self, Why};
use super::{exercise_dir, learner_dir, reset};
use crate::stubs::{Tree, make_equal, read_tree};
use anyhow::{Context, Result, anyhow};
use grader_core::ChallengePlan;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where `swap --to` goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum To {
    /// The reference solution.
    Solution,
    /// Your own files, as they were before `--to solution`.
    Mine,
}

/// Runs the swap; returns what to tell the user.
pub fn run(kit: &Path, plan: &ChallengePlan, to: To) -> Result<String> {
    match to {
        To::Solution => to_solution(kit, plan),
        To::Mine => to_mine(kit, plan),
    }
}

fn to_solution(kit: &Path, plan: &ChallengePlan) -> Result<String> {
    let solution = solution_tree(kit, plan)?;
    let dir = exercise_dir(kit, plan);
    let mut mine = load(kit)?;
    let recorded = mine.get(&plan.id).cloned();
    if read_tree(&dir).ok().as_ref() == Some(&solution) {
        let back = match &recorded {
            Some(path) => format!(
                " Your files are in {}: `swap {} --to mine` brings them back.",
                path.display(),
                plan.id
            ),
            None => String::new(),
        };
        return Ok(format!(
            "{} holds the reference solution already: nothing changed.{back}\n",
            plan.id
        ));
    }
    let saved = backup::save(kit, plan, Why::Swap)?;
    let first = match &recorded {
        None => {
            mine.insert(plan.id.clone(), saved.clone());
            save(kit, &mine)?;
            format!(
                "Saved your {} files in {}; `swap {} --to mine` brings them back.",
                plan.id,
                saved.display(),
                plan.id
            )
        }
        Some(path) => format!(
            "Saved what exercises/{}/ held in {}; `swap {} --to mine` still brings back your files from {}.",
            plan.dir,
            saved.display(),
            plan.id,
            path.display()
        ),
    };
    make_equal(&dir, &solution)?;
    Ok(format!(
        "{first}\n{} now holds the reference solution (`cargo run -p grader -- --only {}` scores it).\n",
        plan.id, plan.id
    ))
}

fn to_mine(kit: &Path, plan: &ChallengePlan) -> Result<String> {
    let mut mine = load(kit)?;
    let Some(path) = mine.get(&plan.id).cloned() else {
        return Err(anyhow!(
            "no files of yours are recorded for {id}: `swap {id} --to mine` brings back what `swap {id} --to solution` saved, \
             and that has not run since the last swap back (exercises/{}/ is as you left it; older copies are in {})",
            plan.dir,
            backup::backups_dir(kit).display(),
            id = plan.id
        ));
    };
    let files = read_tree(&path).map_err(|e| {
        anyhow!(
            "{e:#}: the backup recorded as your {} files is gone; look in {} for another",
            plan.id,
            backup::backups_dir(kit).display()
        )
    })?;
    let dir = exercise_dir(kit, plan);
    // Only exactly the solution (which `--to solution` can write again) goes without a backup.
    let is_solution = solution_tree(kit, plan).is_ok_and(|s| read_tree(&dir).ok() == Some(s));
    let mut out = String::new();
    if !is_solution {
        let saved = backup::save(kit, plan, Why::Swap)?;
        out.push_str(&format!(
            "Saved what exercises/{}/ held in {}.\n",
            plan.dir,
            saved.display()
        ));
    }
    make_equal(&dir, &files)?;
    mine.remove(&plan.id);
    save(kit, &mine)?;
    out.push_str(&format!(
        "{} holds your files again (from {}).\n",
        plan.id,
        path.display()
    ));
    Ok(out)
}

/// The solution as it goes into `exercises/<dir>` (see the module's doc).
pub fn solution_tree(kit: &Path, plan: &ChallengePlan) -> Result<Tree> {
    let shipped = reset::shipped_tree(kit, plan)?;
    let solution_dir = kit.join("solutions").join(&plan.dir);
    let solution = read_tree(&solution_dir)?;
    let manifest = Path::new("Cargo.toml");
    let text = |tree: &Tree, whose: &str| -> Result<String> {
        let bytes = tree
            .get(manifest)
            .ok_or_else(|| anyhow!("{whose}/{}/Cargo.toml is missing", plan.dir))?;
        String::from_utf8(bytes.clone()).map_err(|_| anyhow!("{whose}/{}/Cargo.toml is not UTF-8", plan.dir))
    };
    let (solution_manifest, exercise_manifest) =
        (text(&solution, "solutions")?, text(&shipped, "exercises")?);
    let renames = renames(
        &parse(&solution_manifest, plan, "solutions")?,
        &parse(&exercise_manifest, plan, "exercises")?,
    );
    let mut tree = Tree::new();
    for (path, bytes) in solution {
        let bytes = match String::from_utf8(bytes) {
            Ok(text) => rename(&text, &renames).into_bytes(),
            Err(binary) => binary.into_bytes(),
        };
        tree.insert(path, bytes);
    }
    let merged = merge_manifest(&rename(&solution_manifest, &renames), &exercise_manifest, plan)?;
    tree.insert(manifest.to_path_buf(), merged.into_bytes());
    for (path, bytes) in shipped {
        tree.entry(path).or_insert(bytes);
    }
    Ok(tree)
}

fn parse(text: &str, plan: &ChallengePlan, whose: &str) -> Result<toml::Table> {
    text.parse()
        .with_context(|| format!("{whose}/{}/Cargo.toml is not valid TOML", plan.dir))
}

/// The solution's names and the exercise's: (from, to), longest first so that no name is cut
/// by a shorter one.
fn renames(solution: &toml::Table, exercise: &toml::Table) -> Vec<(String, String)> {
    let package = |t: &toml::Table| {
        t.get("package")
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let lib = |t: &toml::Table| {
        t.get("lib")
            .and_then(|l| l.get("name"))
            .and_then(|n| n.as_str())
            .map_or_else(|| package(t).replace('-', "_"), str::to_string)
    };
    let bins = |t: &toml::Table| -> BTreeMap<String, String> {
        t.get("bin")
            .and_then(|b| b.as_array())
            .into_iter()
            .flatten()
            .filter_map(|b| {
                Some((
                    b.get("path")?.as_str()?.to_string(),
                    b.get("name")?.as_str()?.to_string(),
                ))
            })
            .collect()
    };
    let mut out = vec![
        (package(solution), package(exercise)),
        (lib(solution), lib(exercise)),
    ];
    let exercise_bins = bins(exercise);
    for (path, name) in bins(solution) {
        if let Some(theirs) = exercise_bins.get(&path) {
            out.push((name, theirs.clone()));
        }
    }
    out.retain(|(from, to)| !from.is_empty() && from != to);
    out.sort_by_key(|(from, _)| std::cmp::Reverse(from.len()));
    out
}

fn rename(text: &str, renames: &[(String, String)]) -> String {
    renames
        .iter()
        .fold(text.to_string(), |text, (from, to)| text.replace(from, to))
}

/// The solution's manifest (names already the exercise's) with the exercise's description, and
/// the tables and dependencies only the exercise has. Written as text, keeping the solution's
/// layout and comments, when that reads back as the merged manifest; otherwise serialised.
fn merge_manifest(solution: &str, exercise: &str, plan: &ChallengePlan) -> Result<String> {
    let sol = parse(solution, plan, "solutions")?;
    let ex = parse(exercise, plan, "exercises")?;
    let mut want = sol.clone();
    if let (Some(toml::Value::Table(package)), Some(ex_package)) =
        (want.get_mut("package"), ex.get("package"))
    {
        for key in ["name", "description"] {
            match ex_package.get(key) {
                Some(value) => package.insert(key.into(), value.clone()),
                None => package.remove(key),
            };
        }
    }
    for (key, value) in &ex {
        match (want.get_mut(key), value) {
            (None, _) => {
                want.insert(key.clone(), value.clone());
            }
            (Some(toml::Value::Table(ours)), toml::Value::Table(theirs)) if key.ends_with("dependencies") => {
                for (name, spec) in theirs {
                    ours.entry(name.clone()).or_insert_with(|| spec.clone());
                }
            }
            _ => {}
        }
    }
    let text = merge_text(solution, exercise, &sol);
    if text.parse::<toml::Table>().ok().as_ref() == Some(&want) {
        return Ok(text);
    }
    toml::to_string(&want)
        .map(|body| {
            format!(
                "# solutions/{}/Cargo.toml as this exercise's crate, written by `grader swap`.\n{body}",
                plan.dir
            )
        })
        .map_err(|e| {
            anyhow!(
                "cannot write the manifest of the solution as exercise {}: {e}",
                plan.id
            )
        })
}

/// The text version: the exercise's `description` line, then the exercise's sections whose table
/// the solution lacks (`[dev-dependencies]`, `[[test]]`) appended as they are written.
fn merge_text(solution: &str, exercise: &str, sol: &toml::Table) -> String {
    let description = |text: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with("description"))
            .map(str::to_string)
    };
    let mut out: String = match (description(solution), description(exercise)) {
        (Some(ours), Some(theirs)) => solution.replacen(&ours, &theirs, 1),
        _ => solution.to_string(),
    };
    for (table, section) in sections(exercise) {
        if !sol.contains_key(&table) {
            if !out.ends_with("\n\n") {
                out.push('\n');
            }
            out.push_str(section.trim_end());
            out.push('\n');
        }
    }
    out
}

/// A manifest's top-level sections: (table name, its text from the header line on).
fn sections(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let header = line.trim();
        if header.starts_with('[') && header.ends_with(']') {
            let name = header.trim_matches(['[', ']']).trim();
            let table = name.split('.').next().unwrap_or(name).trim().to_string();
            out.push((table, String::new()));
        }
        if let Some((_, section)) = out.last_mut() {
            section.push_str(line);
            section.push('\n');
        }
    }
    out
}

/// `restore` brought back the files recorded as the learner's own (`path`): `--to mine` has
/// nothing left to bring back.
pub fn forget(kit: &Path, plan: &ChallengePlan, path: &Path) -> Result<()> {
    let mut mine = load(kit)?;
    if mine.get(&plan.id).is_some_and(|recorded| recorded == path) {
        mine.remove(&plan.id);
        save(kit, &mine)?;
    }
    Ok(())
}

fn state_file(kit: &Path) -> PathBuf {
    learner_dir(kit).join("swap.json")
}

/// Challenge id → the backup recorded as the learner's own files.
fn load(kit: &Path) -> Result<BTreeMap<String, PathBuf>> {
    let path = state_file(kit);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            anyhow!(
                "{} is damaged ({e}); your backups are in {}: fix or delete the file",
                path.display(),
                backup::backups_dir(kit).display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(anyhow!("cannot read {}: {e}", path.display())),
    }
}

fn save(kit: &Path, mine: &BTreeMap<String, PathBuf>) -> Result<()> {
    let path = state_file(kit);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let text = serde_json::to_string_pretty(mine).context("cannot record the swap")?;
    std::fs::write(&path, text + "\n").with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOLUTION: &str = "[package]\nname = \"c04-heartbeat-solution\"\ndescription = \"Reference solution of 4.\"\n\n\
        # Spelled out.\n[dependencies]\ntokio = { version = \"1\" }\n\n[[bin]]\nname = \"heartbeat-server-solution\"\npath = \"src/bin/heartbeat-server.rs\"\n";
    const EXERCISE: &str = "[package]\nname = \"c04-heartbeat\"\ndescription = \"Challenge 4.\"\n\n\
        [dependencies]\ntokio = { version = \"1\" }\n\n[dev-dependencies]\nchecks-c04 = { path = \"../../grader/checks/c04-heartbeat\" }\n\n\
        [[bin]]\nname = \"heartbeat-server\"\npath = \"src/bin/heartbeat-server.rs\"\n\n[[test]]\nname = \"checks\"\npath = \"tests/checks.rs\"\n";

    fn plan() -> ChallengePlan {
        crate::learner::test_plan("c04", "heartbeat")
    }

    #[test]
    fn the_solution_manifest_takes_the_exercise_names_and_keeps_its_comments() {
        let renames = renames(&SOLUTION.parse().unwrap(), &EXERCISE.parse().unwrap());
        assert_eq!(
            rename(
                "use c04_heartbeat_solution::serve; // --bin heartbeat-server-solution",
                &renames
            ),
            "use c04_heartbeat::serve; // --bin heartbeat-server"
        );
        let merged = merge_manifest(&rename(SOLUTION, &renames), EXERCISE, &plan()).unwrap();
        assert!(merged.contains("# Spelled out."), "{merged}");
        let ours: toml::Table = merged.parse().unwrap();
        let theirs: toml::Table = EXERCISE.parse().unwrap();
        assert_eq!(ours, theirs, "{merged}");
    }

    #[test]
    fn a_dependency_only_the_exercise_has_is_merged_structurally() {
        let solution = SOLUTION.replace(
            "[dependencies]",
            "[dev-dependencies]\nwiremock = \"0.6\"\n\n[dependencies]",
        );
        let merged = merge_manifest(&solution, EXERCISE, &plan()).unwrap();
        let table: toml::Table = merged.parse().unwrap();
        let dev = table["dev-dependencies"].as_table().unwrap();
        assert!(
            dev.contains_key("wiremock") && dev.contains_key("checks-c04"),
            "{merged}"
        );
    }
}

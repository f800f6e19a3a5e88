//! `grader reset c04`: the challenge's stub as shipped, back in `exercises/<dir>`.
//!
//! Which files and which bytes: the challenge's record (`grader/checks/<dir>/shipped-stub.txt`,
//! see [`crate::stubs`]) names each file and its git blob id; the bytes come from the kit's git
//! object store (`git cat-file blob <id>`), which every clone has, and every repository made from
//! the kit as a template, whatever the learner committed since. Everything is read before anything
//! is changed: with git or an object missing, the folder is left as it is.

use super::backup::{self, Why};
use super::exercise_dir;
use crate::stubs;
use crate::stubs::{Tree, make_equal};
use anyhow::{Context, Result, anyhow};
use grader_core::ChallengePlan;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Restores `plan`'s stub; returns what to tell the learner. A folder that differs from the stub
/// is replaced only once `confirm` (given the files that differ) says yes: the CLI asks on a
/// terminal, and takes `--yes` from a script.
pub fn run(kit: &Path, plan: &ChallengePlan, confirm: &dyn Fn(&[String]) -> Result<bool>) -> Result<String> {
    let dir = exercise_dir(kit, plan);
    if stubs::is_shipped(kit, plan, &dir) {
        return Ok(format!(
            "{} is the stub as shipped already: nothing changed.\n",
            plan.id
        ));
    }
    let tree = shipped_tree(kit, plan)?;
    let edited = stubs::differences(
        &stubs::shipped(kit, plan)?,
        &stubs::digests(&dir).unwrap_or_default(),
    );
    if !confirm(&edited)? {
        return Ok(format!(
            "Nothing changed: exercises/{}/ holds your files as they were.\n",
            plan.dir
        ));
    }
    let saved = backup::save(kit, plan, Why::Reset)?;
    make_equal(&dir, &tree).map_err(|e| {
        anyhow!(
            "{e:#}. exercises/{}/ may be half restored; your files are saved in {}",
            plan.dir,
            saved.display()
        )
    })?;
    if !stubs::is_shipped(kit, plan, &dir) {
        return Err(anyhow!(
            "exercises/{}/ still differs from the stub as shipped after the reset (is a file there read-only?); your files are saved in {}",
            plan.dir,
            saved.display()
        ));
    }
    Ok(format!(
        "Saved your {id} files in {}.\n{id} is the stub as shipped again; `cargo run -p grader -- restore {id}` brings your files back.\n",
        saved.display(),
        id = plan.id
    ))
}

/// Whether to replace the `edited` files of `plan`'s folder: yes with `--yes`; on a terminal, the
/// learner's answer; from a script without `--yes`, an error that says how.
pub fn confirm(plan: &ChallengePlan, edited: &[String], yes: bool) -> Result<bool> {
    use std::io::{BufRead, IsTerminal, Write};
    if yes {
        return Ok(true);
    }
    let listed = match edited {
        [] => String::new(),
        [one] => format!(" ({one})"),
        [first, rest @ ..] => format!(" ({first} and {} more)", rest.len()),
    };
    if !std::io::stdin().is_terminal() {
        return Err(anyhow!(
            "exercises/{}/ differs from the stub as shipped{listed}; `reset {} --yes` replaces it (your files are backed up first)",
            plan.dir,
            plan.id
        ));
    }
    print!(
        "exercises/{}/ differs from the stub as shipped{listed}.\nReplace it with the stub? Your files are backed up first and `restore {}` brings them back. [y/N] ",
        plan.dir, plan.id
    );
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .context("cannot read the answer")?;
    Ok(matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
}

/// The stub as shipped, read from the kit's git objects, each file checked against its record.
pub fn shipped_tree(kit: &Path, plan: &ChallengePlan) -> Result<Tree> {
    let mut tree = Tree::new();
    for (path, id) in stubs::shipped(kit, plan)? {
        let shown = format!("exercises/{}/{path}", plan.dir);
        let bytes = git_blob(kit, &id).map_err(|why| {
            anyhow!(
                "cannot read {shown} as shipped (git object {id}) from the kit's git history: {why}. \
                 Nothing was changed. The shipped files come from git: run this in your clone of the kit \
                 (a shallow clone needs `git fetch --unshallow`), or copy exercises/{}/ from a fresh copy of the kit",
                plan.dir
            )
        })?;
        if stubs::blob_id(&bytes) != id {
            return Err(anyhow!(
                "git gave bytes for object {id} ({shown}) that do not hash to it; the repository may be damaged (`git fsck`). Nothing was changed"
            ));
        }
        tree.insert(PathBuf::from(&path), bytes);
    }
    Ok(tree)
}

/// `git cat-file blob <id>`, run in the kit.
fn git_blob(kit: &Path, id: &str) -> Result<Vec<u8>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(kit)
        .args(["cat-file", "blob", id])
        // The kit's own repository, whatever the calling shell points git at.
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_OBJECT_DIRECTORY")
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => anyhow!("git is not installed (or not on PATH)"),
            _ => anyhow!("cannot run git: {e}"),
        })?;
    if output.status.success() {
        return Ok(output.stdout);
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let said = stderr
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no message")
        .trim();
    Err(anyhow!("git says `{said}`"))
}

//! `grader restore c04`: undoes a `reset` (or a `swap`, or a `restore`): the challenge's latest
//! backup back in `exercises/<dir>`. What the folder holds now is backed up first, so a restore
//! can be undone the same way: `restore` again brings it back.

use super::backup::{self, Why};
use super::{exercise_dir, swap};
use crate::stubs;
use anyhow::{Result, anyhow};
use grader_core::ChallengePlan;
use std::path::Path;

/// Puts `plan`'s latest backup back; returns what to tell the learner.
pub fn run(kit: &Path, plan: &ChallengePlan) -> Result<String> {
    let Some(latest) = backup::latest(kit, plan)? else {
        return Err(anyhow!(
            "there is no backup of {id} in {}: `reset` and `swap` take one before they change exercises/{}/, \
             and none has yet",
            backup::backups_dir(kit).display(),
            plan.dir,
            id = plan.id
        ));
    };
    let dir = exercise_dir(kit, plan);
    let tree = stubs::read_tree(&latest.path)?;
    let taken = format!(
        "{} (taken by `{}` on {})",
        latest.path.display(),
        latest.why,
        latest.when
    );
    if stubs::digests(&dir).ok() == stubs::digests(&latest.path).ok() {
        return Ok(format!(
            "exercises/{}/ already holds the files of the latest backup, {taken}: nothing changed.\n",
            plan.dir
        ));
    }
    let saved = backup::save(kit, plan, Why::Restore)?;
    stubs::make_equal(&dir, &tree).map_err(|e| {
        anyhow!(
            "{e:#}. exercises/{}/ may be half restored; what it held is saved in {}",
            plan.dir,
            saved.display()
        )
    })?;
    // The files `swap --to mine` would bring back are back already.
    swap::forget(kit, plan, &latest.path)?;
    Ok(format!(
        "Saved what exercises/{}/ held in {}.\n{} holds the files of {taken} again; `restore {}` once more undoes this.\n",
        plan.dir,
        saved.display(),
        plan.id,
        plan.id
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_no_backup_nothing_happens_and_the_error_says_why() {
        let kit = tempfile::tempdir().unwrap();
        let plan = crate::learner::test_plan("c99", "x");
        let error = run(kit.path(), &plan).unwrap_err();
        assert!(
            format!("{error:#}").contains("there is no backup of c99"),
            "{error:#}"
        );
        assert!(!kit.path().join(".tokio-challenges").exists());
    }
}

//! `grader dev fake-class DIR`: a class of made-up submissions, for trying `grader batch` and for
//! measuring it (`bench/batch.sh`). Each submission is a learner's clone of the kit reduced to what
//! the grader reads (`exercises/`), made from the kit's stubs, its solutions and its wrong answers:
//!
//! | kind        | share | what                                                               |
//! |-------------|-------|--------------------------------------------------------------------|
//! | finished    | 1/5   | every challenge solved                                             |
//! | half        | 4/15  | c01–c07 solved, the rest untouched                                 |
//! | mistakes    | 1/5   | every challenge solved, three with one of the kit's wrong answers  |
//! | broken      | 2/15  | half, plus one challenge that does not compile                     |
//! | panicking   | 1/15  | half, plus one challenge whose every function panics               |
//! | untouched   | 1/15  | the stubs as shipped                                               |
//! | not a kit   | 1/15  | a folder with a README and nothing to grade                        |
//!
//! Every solved crate gets a comment naming its learner, so that no two submissions share a crate:
//! the batch's result cache cannot make the class look faster than a real one would be.

use anyhow::{Context, Result, anyhow};
use grader_core::{ChallengePlan, wrong};
use std::path::{Path, PathBuf};

/// The kinds, in the order they cycle through the class (15 submissions make one round).
const ROUND: [Kind; 15] = [
    Kind::Finished,
    Kind::Half,
    Kind::Mistakes,
    Kind::Broken,
    Kind::Half,
    Kind::Finished,
    Kind::Panicking,
    Kind::Mistakes,
    Kind::Half,
    Kind::Untouched,
    Kind::Finished,
    Kind::Broken,
    Kind::Mistakes,
    Kind::Half,
    Kind::NotAKit,
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Finished,
    Half,
    Mistakes,
    Broken,
    Panicking,
    Untouched,
    NotAKit,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Finished => "finished",
            Kind::Half => "half",
            Kind::Mistakes => "mistakes",
            Kind::Broken => "broken",
            Kind::Panicking => "panicking",
            Kind::Untouched => "untouched",
            Kind::NotAKit => "not-a-kit",
        }
    }
}

/// Writes `count` submissions under `dir` (which must not exist or be empty); returns their names.
pub fn make(kit: &Path, plans: &[ChallengePlan], dir: &Path, count: usize) -> Result<Vec<String>> {
    let io = |e: std::io::Error, what: &Path| anyhow!("{}: {e}", what.display());
    std::fs::create_dir_all(dir).map_err(|e| io(e, dir))?;
    if std::fs::read_dir(dir).map_err(|e| io(e, dir))?.next().is_some() {
        return Err(anyhow!("{} is not empty: give a new folder", dir.display()));
    }
    let mut names = Vec::new();
    for i in 0..count {
        let kind = ROUND[i % ROUND.len()];
        let name = format!("learner{:02}-{}", i + 1, kind.name());
        let root = dir.join(&name);
        let exercises = root.join("exercises");
        std::fs::create_dir_all(&exercises).map_err(|e| io(e, &exercises))?;
        if kind == Kind::NotAKit {
            std::fs::write(
                root.join("README.md"),
                "My homework (I zipped the wrong folder).\n",
            )
            .map_err(|e| io(e, &root))?;
            std::fs::remove_dir(&exercises).map_err(|e| io(e, &exercises))?;
            names.push(name);
            continue;
        }
        let solved = |n: usize| match kind {
            Kind::Finished | Kind::Mistakes => true,
            Kind::Half | Kind::Broken | Kind::Panicking => n < 7,
            Kind::Untouched | Kind::NotAKit => false,
        };
        for (n, plan) in plans.iter().enumerate() {
            let to = exercises.join(&plan.dir);
            if solved(n) {
                copy_dir(&kit.join("solutions").join(&plan.dir), &to)?;
                sign(&to, &name)?;
            } else {
                copy_dir(&kit.join("exercises").join(&plan.dir), &to)?;
            }
        }
        match kind {
            Kind::Mistakes => {
                // Three challenges, a different three for each learner, each with one wrong answer.
                for k in 0..3 {
                    let plan = &plans[(i + 5 * k) % plans.len()];
                    let cases = wrong::load_cases(kit, plan)?;
                    if let Some(case) = cases.get(i % cases.len().max(1)) {
                        case.apply(&exercises.join(&plan.dir))?;
                    }
                }
            }
            Kind::Broken => {
                let plan = &plans[i % 7];
                let lib = exercises.join(&plan.dir).join("src").join("lib.rs");
                append(&lib, "\nfn half_written(x: u32) -> u32 {\n    x +\n}\n")?;
            }
            Kind::Panicking => {
                let plan = &plans[7 + i % 7];
                for file in rust_files(&exercises.join(&plan.dir))? {
                    let text = std::fs::read_to_string(&file).map_err(|e| io(e, &file))?;
                    std::fs::write(&file, text.replace("todo!(", "panic!(")).map_err(|e| io(e, &file))?;
                }
            }
            _ => {}
        }
        names.push(name);
    }
    Ok(names)
}

/// Marks every Rust file of a solved crate as this learner's.
fn sign(crate_dir: &Path, learner: &str) -> Result<()> {
    for file in rust_files(crate_dir)? {
        append(&file, &format!("\n// {learner}\n"))?;
    }
    Ok(())
}

fn append(file: &Path, text: &str) -> Result<()> {
    let mut content = std::fs::read_to_string(file).with_context(|| format!("{}", file.display()))?;
    content.push_str(text);
    std::fs::write(file, content).with_context(|| format!("{}", file.display()))
}

fn rust_files(dir: &Path) -> Result<Vec<PathBuf>> {
    Ok(crate::stubs::files(dir)?
        .into_iter()
        .filter(|rel| rel.extension().is_some_and(|e| e == "rs"))
        .map(|rel| dir.join(rel))
        .collect())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    crate::batch::mirror(from, to).map(|_| ())
}

//! `grader dev new cNN-slug "Title"`: scaffolds the five places of a challenge so that `dev check`
//! accepts it and its stub grades as `todo` at once. CONTRIBUTING.md walks through what to change
//! next: every place the scaffold writes `TODO(author)`. It also records the stub as shipped
//! (`grader/checks/<dir>/shipped-stub.txt`); `dev sync` records it again after the stub changes.

use anyhow::{Context, Result, anyhow};
use std::path::{Path, PathBuf};

/// Writes the challenge's files and its row in the root README; returns the files written.
pub fn scaffold(kit: &Path, name: &str, title: &str) -> Result<Vec<PathBuf>> {
    let (id, slug) = parse_name(name)?;
    if title.trim().is_empty() {
        return Err(anyhow!(
            "give the challenge a title: `dev new cNN-slug \"Title\"`"
        ));
    }
    let dir = name;
    let number: u32 = id[1..].parse().map_err(|_| anyhow!("`{id}` is not cNN"))?;
    let plans = grader_core::plan::discover(kit)?;
    if let Some(plan) = plans.iter().find(|p| p.id == id) {
        return Err(anyhow!("{id} exists already: {}", plan.dir));
    }
    let places = ["exercises", "solutions", "grader/checks", "tests/wrong"];
    for place in places {
        if kit.join(place).join(dir).exists() {
            return Err(anyhow!("{place}/{dir} exists already"));
        }
    }
    let vars = Vars {
        id: &id,
        slug: &slug,
        dir,
        title: title.trim(),
        number,
    };
    let files: [(&str, &str); 13] = [
        ("exercises/{dir}/Cargo.toml", EXERCISE_MANIFEST),
        ("exercises/{dir}/README.md", README),
        ("exercises/{dir}/src/lib.rs", STUB),
        ("exercises/{dir}/tests/checks.rs", LEARNER_TEST),
        ("solutions/{dir}/Cargo.toml", SOLUTION_MANIFEST),
        ("solutions/{dir}/README.md", README),
        ("solutions/{dir}/src/lib.rs", SOLUTION),
        ("grader/checks/{dir}/Cargo.toml", CHECKS_MANIFEST),
        ("grader/checks/{dir}/challenge.toml", PLAN),
        ("grader/checks/{dir}/src/lib.rs", CHECKS),
        (
            "tests/wrong/{dir}/off-by-one.toml",
            &wrong_case("Gives 41: one off.", "gives-42", "    41\n"),
        ),
        (
            "tests/wrong/{dir}/constant-zero.toml",
            &wrong_case(
                "Gives a placeholder 0 instead of the answer.",
                "gives-42",
                "    0\n",
            ),
        ),
        (
            "tests/wrong/{dir}/sleeps-first.toml",
            &wrong_case(
                "Waits a second before it answers.",
                "at-once",
                "    tokio::time::sleep(std::time::Duration::from_secs(1)).await;\n    42\n",
            ),
        ),
    ];
    let mut written = Vec::new();
    for (path, template) in files {
        let path = kit.join(vars.fill(path));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, vars.fill(template))
            .with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    }
    add_readme_row(kit, &vars)?;
    written.push(kit.join("README.md"));
    let plan = grader_core::plan::discover(kit)?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or_else(|| anyhow!("grader/checks/{dir}/challenge.toml was written but cannot be found"))?;
    written.push(crate::stubs::write_record(kit, &plan)?);
    Ok(written)
}

/// `c10-echo` → (`c10`, `echo`).
fn parse_name(name: &str) -> Result<(String, String)> {
    let usage = || {
        anyhow!(
            "`{name}` is not a challenge name: write cNN-slug, e.g. c10-echo (lower case, digits, dashes)"
        )
    };
    let (id, slug) = name.split_once('-').ok_or_else(usage)?;
    let id_ok = id.len() == 3 && id.starts_with('c') && id[1..].chars().all(|c| c.is_ascii_digit());
    let slug_ok = !slug.is_empty()
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if id_ok && slug_ok {
        Ok((id.to_string(), slug.to_string()))
    } else {
        Err(usage())
    }
}

/// Adds the challenge's row after the last row of the root README's challenges table.
fn add_readme_row(kit: &Path, vars: &Vars<'_>) -> Result<()> {
    let path = kit.join("README.md");
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let row = vars.fill("| [{id} {slug}](exercises/{dir}/README.md) | TODO(author): the concept → its tokio counterpart | 2 |");
    let mut lines: Vec<&str> = text.lines().collect();
    let last_row = lines
        .iter()
        .rposition(|l| l.starts_with("| [c") && l.contains("(exercises/"))
        .context("README.md has no challenges table (rows like `| [c01 identity](exercises/c01-identity/README.md) | … | 22 |`)")?;
    lines.insert(last_row + 1, &row);
    let mut out = lines.join("\n");
    out.push('\n');
    std::fs::write(&path, out).with_context(|| format!("cannot write {}", path.display()))
}

struct Vars<'a> {
    id: &'a str,
    slug: &'a str,
    dir: &'a str,
    title: &'a str,
    number: u32,
}

impl Vars<'_> {
    fn fill(&self, template: &str) -> String {
        template
            .replace("{id}", self.id)
            .replace("{slug}", self.slug)
            .replace("{dir}", self.dir)
            .replace("{title}", self.title)
            .replace("{number}", &self.number.to_string())
    }
}

const EXERCISE_MANIFEST: &str = r#"[package]
name = "{dir}"
description = "Challenge {number}: {title}."
version = "0.1.0"
edition = "2024"
publish = false

# Versions are spelled out (not inherited from the workspace) so that a copy of this folder can be
# graded on its own: `cargo run -p grader -- --submission DIR`.
[dependencies]
tokio = { version = "1.48", features = ["full"] }

[dev-dependencies]
checks-{id} = { path = "../../grader/checks/{dir}" }

[[test]]
name = "checks"
path = "tests/checks.rs"
"#;

const SOLUTION_MANIFEST: &str = r#"[package]
name = "{dir}-solution"
description = "Reference solution of challenge {number}: {title}."
version = "0.1.0"
edition = "2024"
publish = false

# Versions are spelled out (not inherited from the workspace) so that a copy of this folder can be
# graded on its own: `cargo run -p grader -- --submission DIR`.
[dependencies]
tokio = { version = "1.48", features = ["full"] }
"#;

const README: &str = r#"# Challenge {number}: {title}

TODO(author): what this challenge teaches, in two sentences.

## The question

Q1: fill in `answer` in `src/lib.rs`: it gives 42, at once. TODO(author): the real question.

## From Twisted to tokio

TODO(author): the Twisted concept next to its tokio counterpart.

## Check your work

```sh
cargo test -p {dir}                   # every check, with what passes and why the others do not
cargo run -p grader -- --only {id}      # the same, scored as the grader scores it
cargo run -p grader -- hint {id}        # a hint; ask again for the next one
```

The checks (2 points): `answer` gives 42 (1), and gives it at once, without waiting (1).

## Differences from the Twisted original

TODO(author): what the port changes, and why.
"#;

const STUB: &str = r#"//! # Challenge {number}: {title}
//!
//! TODO(author): the question in two sentences. Read `README.md` first; check your work with
//! `cargo test -p {dir}`.

/// Q1: gives the answer, 42, at once (without waiting for any timer).
pub async fn answer() -> u32 {
    // TODO(Q1): the answer.
    todo!()
}
"#;

const SOLUTION: &str = r#"//! # Challenge {number}: {title}
//!
//! TODO(author): the question in two sentences. Read `README.md` first; check your work with
//! `cargo test -p {dir}`.

/// Q1: gives the answer, 42, at once (without waiting for any timer).
pub async fn answer() -> u32 {
    42
}
"#;

const LEARNER_TEST: &str = r#"//! `cargo test -p {dir}` runs the grader's checks for this challenge against your code and
//! prints what passes, what does not and why. You do not need to edit this file.

#[test]
fn checks() {
    checks_{id}::suite().grade_as_test("checks");
}
"#;

const CHECKS_MANIFEST: &str = r#"[package]
name = "checks-{id}"
description = "The grader's checks for challenge {number} ({slug})."
version.workspace = true
edition.workspace = true
license.workspace = true
publish.workspace = true

[dependencies]
harness.workspace = true
# The code under test. The grader builds these checks again against the folder it grades
# (exercises/, solutions/ or a submission), with `challenge` pointing there.
challenge = { package = "{dir}", path = "../../../exercises/{dir}" }
"#;

const PLAN: &str = r#"id = "{id}"
slug = "{slug}"
title = "{title}"
dir = "{dir}"

[[questions]]
id = "q1"
title = "TODO(author): the question's title"
hints = [
    "A nudge: TODO(author).",
    "Nearly the answer: `42`.",
]
checks = [
    { id = "gives-42", name = "`answer` gives 42", points = 1, limit_ms = 3000 },
    { id = "at-once", name = "`answer` gives it at once", points = 1, limit_ms = 3000 },
]

# The spec → check table: each sentence of the spec, the checks that fail when it is violated, and
# the wrong answers (tests/wrong/{dir}/) that prove it.
[[spec]]
question = "q1"
says = "`answer` gives 42."
checks = ["gives-42"]
wrong = ["off-by-one", "constant-zero"]

[[spec]]
question = "q1"
says = "…at once, without waiting for any timer."
checks = ["at-once"]
wrong = ["sleeps-first"]
"#;

const CHECKS: &str = r#"//! The checks of challenge {number}, {slug}.

use challenge::answer;
use harness::tokio::time::{Duration, Instant};
use harness::{Outcome, Suite, ensure, expect_eq, paused};

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![paused("gives-42", gives_42), paused("at-once", at_once)],
    )
}

async fn gives_42() -> Outcome {
    expect_eq("answer()", 42, answer().await)
}

/// In virtual time: a timer inside `answer` moves the paused clock, and nothing else does.
async fn at_once() -> Outcome {
    let start = Instant::now();
    answer().await;
    let waited = start.elapsed();
    ensure!(
        waited == Duration::ZERO,
        "answer(): expected the value at once, got it after {waited:?} of waiting"
    );
    Ok(())
}
"#;

/// A scaffolded wrong answer: the solution's `42` replaced by `replace`.
fn wrong_case(why: &str, fails: &str, replace: &str) -> String {
    let quotes = "'''";
    format!(
        "why = \"{why}\"\nquestion = \"q1\"\nfails = [\"{fails}\"]\n\n[[edit]]\nfile = \"src/lib.rs\"\n\
         find = {quotes}\n    42\n{quotes}\nreplace = {quotes}\n{replace}{quotes}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cnn_dash_slug() {
        assert_eq!(parse_name("c10-echo").unwrap(), ("c10".into(), "echo".into()));
        assert_eq!(parse_name("c13-reliable-udp").unwrap().1, "reliable-udp");
        for bad in [
            "c1-echo", "c10", "c10-", "C10-echo", "c10-Echo", "x10-echo", "c10--",
        ] {
            assert!(parse_name(bad).is_err(), "{bad}");
        }
    }
}

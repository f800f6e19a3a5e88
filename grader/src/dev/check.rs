//! `grader dev check`: the kit's structure, checked without building anything (rustlings' `dev
//! check`). Every problem names the file and what to change.
//!
//! For each challenge (each `grader/checks/*/challenge.toml`):
//! - the plan is valid, and its check ids are exactly the ids `suite()` binds;
//! - the checks crate depends on `harness` and the challenge only (the grader rebuilds it with just
//!   those two, so any other dependency would pass `cargo test -p` and break the grader);
//! - `exercises/<dir>` and `solutions/<dir>` mirror each other: the same files under `src/`, the same
//!   public items in each file, and every exercise file that differs from its solution holds a
//!   `todo!()`;
//! - the challenge's README states the plan's total (`The checks (N points)`) and no other total for
//!   a question, and the root README's table row says the same;
//! - the spec table (`[[spec]]` in `challenge.toml`) covers every check, and its rows name checks of
//!   their own question and wrong answers that exist and lose at least one of those checks;
//! - at least three wrong answers, each valid against the plan, and every edit applies to the
//!   solution as it is now; the same for the unusual correct answers (`tests/correct/`), which lose
//!   nothing, and every explained mutant (`mutants.toml`) says why it may survive;
//! - `exercises/<dir>` is exactly the stub its record (`grader/checks/<dir>/shipped-stub.txt`) says
//!   was shipped: `grader reset` restores from that record;
//! - a server challenge's bench is named alike in its plan, load, floor and suite, and its README
//!   says how to run it (`check_bench`);
//! - every part of the kit builds a dependency with the same features (`features`: the workspace
//!   hack is up to date);
//! - `docs/GRADER.md` is the contract, the same as the shared notes' `GRADER.md` beside the kit.

use super::scan;
use grader_core::ChallengePlan;
use grader_core::wrong;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every problem found, in a stable order; empty when the kit is consistent.
pub fn check(kit: &Path) -> Vec<String> {
    let plans = match grader_core::plan::discover(kit) {
        Ok(plans) => plans,
        Err(e) => return vec![format!("{e:#}")],
    };
    let mut problems = Vec::new();
    for plan in &plans {
        check_challenge(kit, plan, &mut problems);
    }
    check_root_readme(kit, &plans, &mut problems);
    check_strays(kit, &plans, &mut problems);
    check_contract(kit, &mut problems);
    super::features::check(kit, &mut problems);
    problems
}

/// `docs/GRADER.md` is the contract the code cites: a copy of the project's shared `GRADER.md`,
/// kept exact (checked where the shared notes sit beside the kit, as in CI).
fn check_contract(kit: &Path, problems: &mut Vec<String>) {
    let ours = kit.join("docs/GRADER.md");
    let Ok(text) = std::fs::read_to_string(&ours) else {
        return problems.push(
            "docs/GRADER.md: missing: the grader's contract (command line, statuses, JSON report)".into(),
        );
    };
    let shared = kit.join("../shared/GRADER.md");
    if let Ok(original) = std::fs::read_to_string(&shared)
        && original != text
    {
        problems.push(format!(
            "docs/GRADER.md differs from {}: copy it again (the contract is kept exact)",
            shared.display()
        ));
    }
}

fn check_challenge(kit: &Path, plan: &ChallengePlan, problems: &mut Vec<String>) {
    let checks_dir = kit.join("grader/checks").join(&plan.dir);
    let toml = rel(kit, &checks_dir.join("challenge.toml"));
    if plan.dir != format!("{}-{}", plan.id, plan.slug) {
        problems.push(format!(
            "{toml}: dir is `{}`, expected `{}-{}` (id and slug)",
            plan.dir, plan.id, plan.slug
        ));
    }
    if !checks_dir.ends_with(&plan.dir) {
        problems.push(format!(
            "{toml}: it sits in the wrong folder: move it to grader/checks/{}/",
            plan.dir
        ));
    }
    check_suite(kit, plan, &checks_dir, problems);
    check_checks_manifest(kit, plan, &checks_dir, problems);
    let exercise = kit.join("exercises").join(&plan.dir);
    let solution = kit.join("solutions").join(&plan.dir);
    for (dir, package) in [
        (&exercise, plan.dir.clone()),
        (&solution, format!("{}-solution", plan.dir)),
    ] {
        match crate::compile::package_name(dir) {
            Ok(name) if name == package => {}
            Ok(name) => problems.push(format!(
                "{}: the package is `{name}`, expected `{package}`",
                rel(kit, &dir.join("Cargo.toml"))
            )),
            Err(e) => problems.push(format!("{e:#}")),
        }
    }
    check_mirror(kit, plan, &exercise, &solution, problems);
    super::shipped::check(kit, plan, &exercise, problems);
    super::shipped::check_marks(plan, &exercise, problems);
    check_readme(kit, plan, &exercise.join("README.md"), problems);
    check_spec(kit, plan, problems);
    check_wrong_answers(kit, plan, &solution, problems);
    super::check_audit::check(kit, plan, &solution, problems);
    super::check_bench::check(kit, plan, problems);
}

/// The plan's check ids against the ids the checks crate binds in `suite()`.
fn check_suite(kit: &Path, plan: &ChallengePlan, checks_dir: &Path, problems: &mut Vec<String>) {
    let src = checks_dir.join("src");
    let mut bound: BTreeMap<String, PathBuf> = BTreeMap::new();
    for file in scan::rust_files(&src) {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for id in scan::bound_check_ids(&text) {
            if let Some(first) = bound.insert(id.clone(), file.clone()) {
                problems.push(format!(
                    "{}: check `{id}` is bound twice (also in {})",
                    rel(kit, &file),
                    rel(kit, &first)
                ));
            }
        }
    }
    let lib = rel(kit, &src.join("lib.rs"));
    let planned: BTreeSet<&str> = plan.checks().map(|(_, c)| c.id.as_str()).collect();
    for id in &planned {
        if !bound.contains_key(*id) {
            problems.push(format!(
                "grader/checks/{}/challenge.toml: check `{id}` is planned but {lib} binds no check to it: add `real(\"{id}\", …)` or `paused(\"{id}\", …)` to suite(), or remove it from the plan",
                plan.dir
            ));
        }
    }
    for (id, file) in &bound {
        if !planned.contains(id.as_str()) {
            problems.push(format!(
                "{}: suite() binds `{id}`, which grader/checks/{}/challenge.toml does not plan: add it to a question's checks, or remove the binding",
                rel(kit, file),
                plan.dir
            ));
        }
    }
}

/// The checks crate may depend on `harness` and on `challenge` (the exercise crate) only.
fn check_checks_manifest(kit: &Path, plan: &ChallengePlan, checks_dir: &Path, problems: &mut Vec<String>) {
    let path = checks_dir.join("Cargo.toml");
    let here = rel(kit, &path);
    let manifest: toml::Table = match std::fs::read_to_string(&path).map(|t| t.parse()) {
        Ok(Ok(m)) => m,
        Ok(Err(e)) => return problems.push(format!("{here}: {e}")),
        Err(e) => return problems.push(format!("{here}: {e}")),
    };
    for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
        let Some(deps) = manifest.get(section).and_then(|d| d.as_table()) else {
            continue;
        };
        for (name, spec) in deps {
            let allowed = section == "dependencies" && (name == "harness" || name == "challenge");
            if !allowed {
                problems.push(format!(
                    "{here}: [{section}] `{name}`: a checks crate depends on `harness` and `challenge` only, because the grader rebuilds it with just those two; use what harness re-exports, or add it to harness"
                ));
            }
            if name == "challenge" {
                let package = spec.get("package").and_then(|p| p.as_str());
                let want_path = format!("../../../exercises/{}", plan.dir);
                let path = spec.get("path").and_then(|p| p.as_str());
                if package != Some(plan.dir.as_str()) || path != Some(want_path.as_str()) {
                    problems.push(format!(
                        "{here}: `challenge` must be {{ package = \"{}\", path = \"{want_path}\" }}",
                        plan.dir
                    ));
                }
            }
        }
    }
    let deps = manifest.get("dependencies").and_then(|d| d.as_table());
    for needed in ["harness", "challenge"] {
        if !deps.is_some_and(|d| d.contains_key(needed)) {
            problems.push(format!("{here}: [dependencies] lacks `{needed}`"));
        }
    }
}

/// Same files under `src/`, same public items, and a `todo!()` in every stub.
fn check_mirror(
    kit: &Path,
    plan: &ChallengePlan,
    exercise: &Path,
    solution: &Path,
    problems: &mut Vec<String>,
) {
    let files = |root: &Path| -> BTreeSet<PathBuf> {
        scan::rust_files(&root.join("src"))
            .into_iter()
            .filter_map(|f| f.strip_prefix(root).ok().map(Path::to_path_buf))
            .collect()
    };
    let (ex_files, sol_files) = (files(exercise), files(solution));
    for file in ex_files.difference(&sol_files) {
        problems.push(format!(
            "{}: no twin in solutions/{}/: add {} (the reference answer), or remove the exercise file",
            rel(kit, &exercise.join(file)),
            plan.dir,
            rel(kit, &solution.join(file))
        ));
    }
    for file in sol_files.difference(&ex_files) {
        problems.push(format!(
            "{}: no twin in exercises/{}/: add {} (with a `todo!()` stub), or remove the solution file",
            rel(kit, &solution.join(file)),
            plan.dir,
            rel(kit, &exercise.join(file))
        ));
    }
    let mut stubs = 0;
    for file in ex_files.intersection(&sol_files) {
        let ex_text = std::fs::read_to_string(exercise.join(file)).unwrap_or_default();
        let sol_text = std::fs::read_to_string(solution.join(file)).unwrap_or_default();
        let (ex_items, sol_items) = (scan::public_items(&ex_text), scan::public_items(&sol_text));
        let (ex_path, sol_path) = (rel(kit, &exercise.join(file)), rel(kit, &solution.join(file)));
        for (has, lacks, items, others) in [
            (&ex_path, &sol_path, &ex_items, &sol_items),
            (&sol_path, &ex_path, &sol_items, &ex_items),
        ] {
            for item in items.difference(others) {
                problems.push(format!(
                    "{has}: declares `{item}`, which {lacks} does not: the exercise and its solution have the same public API"
                ));
            }
        }
        if scan::code_of(&ex_text) != scan::code_of(&sol_text) {
            if scan::has_todo(&ex_text) {
                stubs += 1;
            } else {
                problems.push(format!(
                    "{}: its code differs from its solution's but has no `todo!()`: a stub leaves the answer to the learner (or make the file given code, the same in both)",
                    rel(kit, &exercise.join(file))
                ));
            }
        }
    }
    if stubs == 0 && !ex_files.is_empty() {
        problems.push(format!(
            "exercises/{}/src: no stub: at least one file must differ from the solution with a `todo!()`",
            plan.dir
        ));
    }
}

/// The challenge README states the plan's total, and each question's where it names one.
fn check_readme(kit: &Path, plan: &ChallengePlan, readme: &Path, problems: &mut Vec<String>) {
    let here = rel(kit, readme);
    let Ok(text) = std::fs::read_to_string(readme) else {
        return problems.push(format!(
            "{here}: missing: every challenge has a README (question, concept, hints)"
        ));
    };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let total = plan.max_score();
    match scan::number_after(&text, "The checks (", " points)") {
        None => problems.push(format!(
            "{here}: states no total: write `The checks ({total} points)` where it describes the checks"
        )),
        Some(n) if n != total => problems.push(format!(
            "{here}: says `The checks ({n} points)`, but challenge.toml's checks add up to {total}: run `cargo run -p grader -- dev sync`"
        )),
        Some(_) => {}
    }
    for q in &plan.questions {
        let want: u32 = q.checks.iter().map(|c| c.points).sum();
        let label = q.id.to_ascii_uppercase();
        for said in scan::numbers_after(&text, &format!("{label} ("), " points)") {
            if said != want {
                problems.push(format!(
                    "{here}: says `{label} ({said} points)`, but {} {}'s checks add up to {want}: run `cargo run -p grader -- dev sync`",
                    plan.id, q.id
                ));
            }
        }
    }
}

/// Every check is guarded by a row; rows name checks of their question and wrong answers that exist.
fn check_spec(kit: &Path, plan: &ChallengePlan, problems: &mut Vec<String>) {
    let here = format!("grader/checks/{}/challenge.toml", plan.dir);
    let cases: BTreeMap<String, Vec<String>> = wrong::load_cases(kit, plan)
        .map(|cases| cases.into_iter().map(|c| (c.name, c.fails)).collect())
        .unwrap_or_default();
    let mut covered = BTreeSet::new();
    for (i, row) in plan.spec.iter().enumerate() {
        let row_name = format!("{here}: [[spec]] {} ({:?})", i + 1, short(&row.says));
        if plan.question(&row.question).is_none() {
            problems.push(format!(
                "{row_name}: question `{}` is not in the plan",
                row.question
            ));
        }
        if row.checks.is_empty() {
            problems.push(format!(
                "{row_name}: names no check: every sentence of the spec has a check that fails when it is violated"
            ));
        }
        for id in &row.checks {
            match plan.checks().find(|(_, c)| &c.id == id) {
                None => problems.push(format!("{row_name}: check `{id}` is not in the plan")),
                Some((q, _)) if !q.id.eq_ignore_ascii_case(&row.question) => problems.push(format!(
                    "{row_name}: check `{id}` belongs to {}, not {}",
                    q.id, row.question
                )),
                Some(_) => {
                    covered.insert(id.as_str());
                }
            }
        }
        for case in &row.wrong {
            match cases.get(case) {
                None => problems.push(format!(
                    "{row_name}: wrong answer `{case}` does not exist: add tests/wrong/{}/{case}.toml",
                    plan.dir
                )),
                Some(fails) if !fails.iter().any(|id| row.checks.contains(id)) => problems.push(format!(
                    "{row_name}: wrong answer `{case}` loses none of this row's checks ({}): name it where it is caught",
                    row.checks.join(", ")
                )),
                Some(_) => {}
            }
        }
    }
    for (_, check) in plan.checks() {
        if !covered.contains(check.id.as_str()) {
            problems.push(format!(
                "{here}: check `{}` guards no sentence of the spec: add a [[spec]] row that names it",
                check.id
            ));
        }
    }
}

/// At least three wrong answers, each valid against the plan and applying to today's solution.
fn check_wrong_answers(kit: &Path, plan: &ChallengePlan, solution: &Path, problems: &mut Vec<String>) {
    let cases = match wrong::load_cases(kit, plan) {
        Ok(cases) => cases,
        Err(e) => return problems.push(format!("{e:#}")),
    };
    if cases.len() < 3 {
        problems.push(format!(
            "{}: {} wrong answer(s); a challenge has at least three (plausible mistakes, as edits of the solution)",
            rel(kit, &wrong::cases_dir(kit, plan)),
            cases.len()
        ));
    }
    for case in cases {
        let mut case = case;
        case.path = PathBuf::from(rel(kit, &case.path));
        problems.extend(case.problems(plan));
        if let Err(e) = case.dry_run(|file| std::fs::read_to_string(solution.join(file)).ok()) {
            problems.push(format!("{e:#}"));
        }
    }
}

/// The root README's table has one row per challenge, with the plan's total.
fn check_root_readme(kit: &Path, plans: &[ChallengePlan], problems: &mut Vec<String>) {
    let Ok(text) = std::fs::read_to_string(kit.join("README.md")) else {
        return problems.push("README.md: missing".into());
    };
    for plan in plans {
        let link = format!("(exercises/{}/README.md)", plan.dir);
        let Some(row) = text.lines().find(|l| l.starts_with('|') && l.contains(&link)) else {
            problems.push(format!(
                "README.md: the challenges table has no row for {} (a row linking exercises/{}/README.md)",
                plan.id, plan.dir
            ));
            continue;
        };
        let last = row
            .trim()
            .trim_end_matches('|')
            .rsplit('|')
            .next()
            .unwrap_or("")
            .trim();
        if last.parse::<u32>().ok() != Some(plan.max_score()) {
            problems.push(format!(
                "README.md: the row of {} says {last:?} points; challenge.toml's checks add up to {}: run `cargo run -p grader -- dev sync`",
                plan.id,
                plan.max_score()
            ));
        }
    }
}

/// Challenge folders with no plan.
fn check_strays(kit: &Path, plans: &[ChallengePlan], problems: &mut Vec<String>) {
    let known: BTreeSet<&str> = plans.iter().map(|p| p.dir.as_str()).collect();
    for base in [
        "exercises",
        "solutions",
        "tests/wrong",
        "tests/correct",
        "grader/checks",
    ] {
        let Ok(entries) = std::fs::read_dir(kit.join(base)) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names {
            if !known.contains(name.as_str()) {
                problems.push(format!(
                    "{base}/{name}: no challenge plans it: add grader/checks/{name}/challenge.toml, or remove the folder"
                ));
            }
        }
    }
}

fn rel(kit: &Path, path: &Path) -> String {
    path.strip_prefix(kit).unwrap_or(path).display().to_string()
}

fn short(text: &str) -> String {
    let mut s: String = text.chars().take(50).collect();
    if s.len() < text.len() {
        s.push('…');
    }
    s
}

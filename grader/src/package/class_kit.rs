//! The kit as a class receives it: every file of the instructor's kit folder, less what would hand
//! out answers or is only the kit's own business, with a root manifest and lock file that still
//! build.
//!
//! The files come from walking the folder, not from git: an instructor's checks that are not
//! committed yet belong in the package, and a kit downloaded as an archive has no history at all.

use super::relative;
use anyhow::{Context, Result, anyhow};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Left out at the kit's root: the answers (`solutions/`; `tests/`, whose `wrong/` are edits of the
/// solutions and whose other files test the kit itself) and what builds write.
pub const LEFT_OUT_AT_ROOT: [&str; 3] = ["solutions", "tests", "target"];

/// Left out wherever they are: history (`.git` is a file in a worktree), the grader's per-learner
/// state, and build folders.
const LEFT_OUT_ANYWHERE: [&str; 3] = [".git", ".tokio-challenges", "target"];

/// One file of the class kit.
#[derive(Debug, Clone)]
pub struct KitFile {
    /// Its path in the kit, `/`-separated (`exercises/c03-message-relay/src/lib.rs`).
    pub name: String,
    /// Its Unix permission bits (so `.ci/run` stays executable).
    pub mode: u32,
}

/// The class kit, staged in a temporary folder (removed when dropped): what was checked to build is
/// what gets packed.
pub struct ClassKit {
    dir: tempfile::TempDir,
    pub files: Vec<KitFile>,
}

impl ClassKit {
    /// Copies `kit` without its answers, rewrites the root `Cargo.toml` to match, and lets cargo
    /// trim `Cargo.lock` to the packages that are left (offline: no version changes).
    pub fn stage(kit: &Path) -> Result<ClassKit> {
        let found = walk(kit)?;
        refuse_answers(kit, &found)?;
        let dir = tempfile::Builder::new()
            .prefix("tokio-challenges-package-")
            .tempdir()
            .context("cannot make a folder to stage the package in")?;
        let mut files = Vec::new();
        for (path, mode) in &found {
            let name = relative(path, kit).to_string_lossy().replace('\\', "/");
            let staged = dir.path().join(&name);
            if let Some(parent) = staged.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot stage {name} in {}", dir.path().display()))?;
            }
            if name == "Cargo.toml" {
                let text = read_text(path)?;
                std::fs::write(&staged, class_manifest(&text)?)
            } else {
                std::fs::copy(path, &staged).map(|_| ())
            }
            .with_context(|| format!("cannot stage {name} in {}", dir.path().display()))?;
            files.push(KitFile { name, mode: *mode });
        }
        if !files.iter().any(|f| f.name == "Cargo.toml") {
            return Err(anyhow!(
                "{} has no Cargo.toml: is it the kit's folder?",
                kit.display()
            ));
        }
        trim_lock(dir.path())?;
        Ok(ClassKit { dir, files })
    }

    /// The staged kit's folder.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }
}

/// Every regular file under `kit` that the class kit keeps, with its mode, in a stable order.
/// Symbolic links are left out: a zip cannot carry them portably, and the kit has none.
fn walk(kit: &Path) -> Result<Vec<(PathBuf, u32)>> {
    use grader_core::tree::{Kind, Skip};
    let skip = Skip {
        dot_names: false,
        names: &LEFT_OUT_ANYWHERE,
        at_top: &LEFT_OUT_AT_ROOT,
    };
    let mut found = Vec::new();
    for (rel, kind) in grader_core::tree::walk(kit, skip)? {
        if kind == Kind::File {
            let path = kit.join(rel);
            let meta = std::fs::symlink_metadata(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            found.push((path, mode_of(&meta)));
        }
    }
    Ok(found)
}

#[cfg(unix)]
fn mode_of(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o777
}

#[cfg(not(unix))]
fn mode_of(_: &std::fs::Metadata) -> u32 {
    0o644
}

/// Refuses to pack an answer: a challenge whose `exercises/<dir>/src` is its solution's, file for
/// file (an instructor who ran `grader swap cNN --to solution` and forgot to swap back: a stub always
/// has a file that differs), or any file whose bytes are a solution's answer (a solution file that
/// differs from its stub) or a wrong answer of `tests/wrong/`. Files the stubs share with the
/// solutions (`given.rs`) are no answer.
fn refuse_answers(kit: &Path, found: &[(PathBuf, u32)]) -> Result<()> {
    let mut leaks = solved_exercises(kit)?;
    let answers = answers(kit)?;
    for (path, _) in found {
        let Ok(bytes) = std::fs::read(path) else { continue };
        if let Some((_, answer)) = answers.iter().find(|(content, _)| *content == bytes) {
            leaks.push(format!(
                "{} is {}",
                relative(path, kit).display(),
                relative(answer, kit).display()
            ));
        }
    }
    if leaks.is_empty() {
        return Ok(());
    }
    Err(anyhow!(
        "the package would hand every student an answer: {}. Put the stubs back (`cargo run -p grader -- \
         swap cNN --to mine`, or `reset cNN`), then package again.",
        leaks.join("; ")
    ))
}

/// The challenges whose `exercises/<dir>/src` holds exactly the files of `solutions/<dir>/src`.
fn solved_exercises(kit: &Path) -> Result<Vec<String>> {
    let solutions = kit.join("solutions");
    let Ok(entries) = std::fs::read_dir(&solutions) else {
        return Ok(Vec::new());
    };
    let mut dirs: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.file_name())).collect();
    dirs.sort();
    let mut solved = Vec::new();
    for dir in dirs {
        let (answer, stub) = (
            solutions.join(&dir).join("src"),
            kit.join("exercises").join(&dir).join("src"),
        );
        if answer.is_dir() && stub.is_dir() && same_files(&answer, &stub)? {
            solved.push(format!(
                "{} is {} (every file the same)",
                relative(&stub, kit).display(),
                relative(&answer, kit).display()
            ));
        }
    }
    Ok(solved)
}

/// Do folders `a` and `b` hold the same files with the same bytes?
fn same_files(a: &Path, b: &Path) -> Result<bool> {
    Ok(crate::stubs::read_tree(a)? == crate::stubs::read_tree(b)?)
}

/// The contents that are answers, each with the file it comes from.
fn answers(kit: &Path) -> Result<Vec<(Vec<u8>, PathBuf)>> {
    let mut files = Vec::new();
    for folder in ["solutions", "tests/wrong"] {
        if kit.join(folder).is_dir() {
            files.extend(walk(&kit.join(folder))?);
        }
    }
    let mut seen = HashSet::new();
    let mut answers = Vec::new();
    for (path, _) in files {
        let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let twin = relative(&path, &kit.join("solutions"));
        let shared = path.starts_with(kit.join("solutions"))
            && std::fs::read(kit.join("exercises").join(twin)).is_ok_and(|stub| stub == bytes);
        if !shared && !bytes.is_empty() && seen.insert(bytes.clone()) {
            answers.push((bytes, path));
        }
    }
    Ok(answers)
}

/// The kit's root manifest without the workspace members that are left out of the package (the
/// solutions and the kit's tests): cargo refuses a workspace whose member folders are missing.
fn class_manifest(text: &str) -> Result<String> {
    let mut manifest: toml::Table = text.parse().context("the kit's Cargo.toml")?;
    let workspace = manifest
        .get_mut("workspace")
        .and_then(|w| w.as_table_mut())
        .context("the kit's Cargo.toml has no [workspace] table: is this the kit?")?;
    let mut removed = Vec::new();
    for key in ["members", "default-members"] {
        if let Some(list) = workspace.get_mut(key).and_then(|m| m.as_array_mut()) {
            list.retain(|member| {
                let member = member.as_str().unwrap_or_default();
                let kept = !LEFT_OUT_AT_ROOT.contains(&member.split('/').next().unwrap_or_default());
                if !kept && !removed.contains(&member.to_string()) {
                    removed.push(member.to_string());
                }
                kept
            });
        }
    }
    // The workspace first, as in the kit (a table serialises its keys in sorted order).
    let mut workspace_first = toml::Table::new();
    if let Some(workspace) = manifest.remove("workspace") {
        workspace_first.insert("workspace".into(), workspace);
    }
    let body = [workspace_first, manifest]
        .iter()
        .map(toml::to_string)
        .collect::<Result<Vec<_>, _>>()
        .context("cannot write the package's Cargo.toml")?
        .join("\n");
    Ok(format!(
        "# Written by `grader package`: the kit's Cargo.toml without the workspace members the package\n\
         # leaves out ({}).\n\n{body}",
        removed.join(", ")
    ))
}

/// Lets cargo drop from the staged `Cargo.lock` what only the left-out members used, so that the
/// package builds with `--locked`. Offline first (it only removes entries); online if this machine's
/// cargo has never seen the index.
fn trim_lock(staged: &Path) -> Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut last_error = String::new();
    for offline in [true, false] {
        let mut command = Command::new(&cargo);
        grader_core::cargo_env::clear_program_vars(&mut command);
        command
            .args(["metadata", "--format-version", "1", "--manifest-path"])
            .arg(staged.join("Cargo.toml"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if offline {
            command.arg("--offline");
        }
        let output = command
            .output()
            .with_context(|| format!("cannot run cargo ({})", cargo.to_string_lossy()))?;
        if output.status.success() {
            return Ok(());
        }
        last_error = String::from_utf8_lossy(&output.stderr).trim().to_string();
    }
    Err(anyhow!(
        "cargo cannot load the packaged kit (its Cargo.toml without solutions/ and tests/), so the \
         package would not build on Gradescope:\n{last_error}"
    ))
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

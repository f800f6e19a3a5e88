//! What is being graded: the learner's `exercises/`, the reference `solutions/`, or a copy of
//! `exercises/` elsewhere on disk (a submission).

use anyhow::{Context, Result, anyhow};
use std::path::{Path, PathBuf};

/// The kit the grader is run in: `TOKIO_CHALLENGES_KIT` when set (the kit's tests point it at a
/// scratch copy); else the nearest folder at or above the working directory that holds a kit, as
/// cargo finds its workspace (two clones sharing one target folder share one grader binary, and
/// each must grade, reset and package itself); else the kit this grader was built in.
pub fn kit_root() -> PathBuf {
    if let Some(kit) = std::env::var_os("TOKIO_CHALLENGES_KIT") {
        return PathBuf::from(kit);
    }
    if let Some(kit) = std::env::current_dir().ok().as_deref().and_then(kit_around) {
        return kit;
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the grader lives in <kit>/grader")
        .to_path_buf()
}

/// The nearest folder at or above `dir` with a `Cargo.toml` and the challenges' plans
/// (`grader/checks/`).
fn kit_around(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join("Cargo.toml").is_file() && d.join("grader").join("checks").is_dir())
        .map(Path::to_path_buf)
}

/// Cargo's target folder: the kit's `target/` (or `CARGO_TARGET_DIR`). The grader builds its
/// runners there too, so they reuse what `cargo test` and `cargo run` already compiled.
pub fn cargo_target_dir(kit: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| kit.join("target"), PathBuf::from)
}

/// Where the grader keeps what it writes: generated workspaces and the hints already seen.
/// `TOKIO_CHALLENGES_STATE_DIR` moves it (the kit's tests use that to stay out of the learner's way).
pub fn state_dir(kit: &Path) -> PathBuf {
    std::env::var_os("TOKIO_CHALLENGES_STATE_DIR")
        .map_or_else(|| cargo_target_dir(kit).join("grader"), PathBuf::from)
}

/// Holds `<state>/<name>.lock` for as long as the returned file lives, or says that `what` is already
/// running: two runs staging at one fixed path (a batch, `dev wrong`, `dev mutants`, which mutates
/// its workspace in place) would write over each other.
pub fn exclusive(kit: &Path, name: &str, what: &str) -> Result<std::fs::File> {
    let dir = state_dir(kit);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(format!("{name}.lock"));
    let lock = std::fs::File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
    if lock.try_lock().is_err() {
        return Err(anyhow!(
            "another `{what}` is running with this kit; wait for it to finish"
        ));
    }
    Ok(lock)
}

#[derive(Debug, Clone)]
pub struct Target {
    /// The folder holding one crate folder per challenge (`c01-identity/`, …).
    pub root: PathBuf,
    /// How reports name it: `exercises`, `solutions`, or the submission's path as given.
    pub label: String,
    /// A short name for the grader's build folder, unique per target.
    pub key: String,
}

impl Target {
    pub fn exercises(kit: &Path) -> Target {
        Target {
            root: kit.join("exercises"),
            label: "exercises".into(),
            key: "exercises".into(),
        }
    }

    pub fn solutions(kit: &Path) -> Target {
        Target {
            root: kit.join("solutions"),
            label: "solutions".into(),
            key: "solutions".into(),
        }
    }

    /// A submission: a learner's whole clone of the kit (with `exercises/` inside) or an `exercises/`
    /// folder itself.
    pub fn submission(dir: &Path) -> Result<Target> {
        let root = exercises_in(dir)?;
        Ok(Target {
            key: format!("submission-{:016x}", stable_hash(&root)),
            label: dir.display().to_string(),
            root,
        })
    }
}

/// Where a submission's challenge crates are: `dir/exercises/` for a clone of the kit, `dir` itself
/// for an `exercises/` folder. Anything else is reported, not guessed: the error says what was found.
pub fn exercises_in(dir: &Path) -> Result<PathBuf> {
    let root = dir
        .canonicalize()
        .with_context(|| format!("cannot read the submission {}", dir.display()))?;
    if !root.is_dir() {
        return Err(anyhow!("the submission {} is not a folder", dir.display()));
    }
    let holds_challenges = |folder: &Path| -> Result<bool> {
        let entries = std::fs::read_dir(folder)
            .with_context(|| format!("cannot read the submission {}", dir.display()))?;
        Ok(entries.flatten().any(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            is_challenge_dir(&name) && entry.path().join("Cargo.toml").is_file()
        }))
    };
    let nested = root.join("exercises");
    if nested.is_dir() && holds_challenges(&nested)? {
        return Ok(nested);
    }
    if holds_challenges(&root)? {
        return Ok(root);
    }
    Err(anyhow!(
        "{} is not a submission of the kit: it has neither an exercises/ folder nor challenge crates \
         (cNN-name/Cargo.toml) in it",
        dir.display()
    ))
}

/// `c04-heartbeat`: a `c`, two digits, a dash.
fn is_challenge_dir(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.len() > 4
        && bytes[0] == b'c'
        && bytes[1].is_ascii_digit()
        && bytes[2].is_ascii_digit()
        && bytes[3] == b'-'
}

/// FNV-1a: a hash that is the same on every run and every Rust version.
fn stable_hash(path: &Path) -> u64 {
    path.as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, &b| {
            (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kit_is_found_above_the_working_directory() {
        let temp = tempfile::tempdir().unwrap();
        let kit = temp.path().join("kit");
        std::fs::create_dir_all(kit.join("grader/checks/c01-identity")).unwrap();
        std::fs::create_dir_all(kit.join("exercises/c01-identity/src")).unwrap();
        std::fs::write(kit.join("Cargo.toml"), "[workspace]\n").unwrap();
        // A crate's own Cargo.toml on the way up is not a kit.
        std::fs::write(kit.join("exercises/c01-identity/Cargo.toml"), "[package]\n").unwrap();
        assert_eq!(
            kit_around(&kit.join("exercises/c01-identity/src")),
            Some(kit.clone())
        );
        assert_eq!(kit_around(&kit), Some(kit.clone()));
        assert_eq!(kit_around(temp.path()), None);
    }
}

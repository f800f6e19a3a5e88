//! `cargo tree`, run and read: which dependencies a way of building the kit builds, for the host or
//! the target, and with which features.

use anyhow::{Context, Result, bail};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

/// A dependency as cargo builds it: a name, a version, and whether it is built for the host (a
/// proc-macro or a build script, and what they use) or for the target.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unit {
    pub name: String,
    pub version: String,
    pub host: bool,
}

impl Unit {
    pub fn new(name: &str, version: &str, host: bool) -> Unit {
        Unit {
            name: name.into(),
            version: version.trim_start_matches('v').into(),
            host,
        }
    }
}

/// The features each dependency is built with, in one way of building the kit.
pub type Features = BTreeMap<Unit, BTreeSet<String>>;

/// Runs `cargo tree` one way and reads the features of every registry dependency.
pub fn features(kit: &Path, args: &[String]) -> Result<Features> {
    let mut all = args.to_vec();
    all.extend(["-f", "{p}|{f}", "--color", "never"].map(String::from));
    Ok(parse_tree(&cargo_tree(kit, &all)?))
}

/// Resolves the kit's graph again, so that `Cargo.lock` follows the hack's manifest.
pub fn resolve(kit: &Path) -> Result<()> {
    cargo_tree(kit, &["-p", "workspace-hack", "--depth", "0"].map(String::from)).map(drop)
}

fn cargo_tree(kit: &Path, args: &[String]) -> Result<String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = grader_core::cargo_env::clear_program_vars(&mut Command::new(cargo))
        .arg("tree")
        .args(args)
        .current_dir(kit)
        .output()
        .context("cannot run cargo tree")?;
    if !out.status.success() {
        bail!(
            "cargo tree {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Reads `cargo tree -f '{p}|{f}'` (with its indentation, which says what is built for the host:
/// a proc-macro, anything under `[build-dependencies]`, and everything below those).
pub fn parse_tree(text: &str) -> Features {
    let mut found = Features::new();
    // Per depth: whether the node there is built for the host; and per depth, whether the section
    // being listed there is `[build-dependencies]`.
    let mut host_at: Vec<bool> = Vec::new();
    let mut build_section: Vec<bool> = Vec::new();
    let mut skip_below: Option<usize> = None;
    for line in text.lines() {
        let start = line
            .char_indices()
            .find(|(_, c)| c.is_alphanumeric() || *c == '[')
            .map(|(i, _)| i);
        let Some(start) = start else { continue };
        let column = line[..start].chars().count();
        let item = &line[start..];
        if let Some(section) = item.strip_prefix('[') {
            // A header sits where its items' connectors are: it labels the next depth.
            let depth = column / 4 + 1;
            build_section.resize(depth + 1, false);
            build_section[depth] = section.starts_with("build-dependencies");
            continue;
        }
        let depth = column / 4;
        let Some((package, feature_list)) = item.split_once('|') else {
            continue;
        };
        // The hack's own edges are not a part of the kit asking for something: skip its subtree
        // (its features still show on the packages, as cargo resolved them).
        if skip_below.is_some_and(|d| depth > d) {
            continue;
        }
        skip_below = None;
        if package.starts_with("workspace-hack ") {
            skip_below = Some(depth);
            continue;
        }
        build_section.resize(depth + 2, false);
        build_section[depth + 1] = false;
        let mut words = package.split_whitespace();
        let (Some(name), Some(version)) = (words.next(), words.next()) else {
            continue;
        };
        let rest: Vec<&str> = words.collect();
        let proc_macro = rest.contains(&"(proc-macro)");
        let parent_host = depth > 0 && host_at.get(depth - 1).copied().unwrap_or(false);
        let host = proc_macro || parent_host || build_section.get(depth).copied().unwrap_or(false);
        host_at.resize(depth + 1, false);
        host_at[depth] = host;
        // The kit's own crates are not dependencies to unify.
        if rest.iter().any(|w| w.starts_with("(/")) || rest.iter().any(|w| w.starts_with("(..")) {
            continue;
        }
        let features = feature_list
            .trim_end_matches("(*)")
            .trim()
            .split(',')
            .filter(|f| !f.is_empty())
            .map(str::to_string)
            .collect();
        found.insert(Unit::new(name, version, host), features);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const TREE: &str = "\
grader v0.1.0 (/kit/grader)|
├── serde v1.0.229|default,derive,std
│   └── serde_derive v1.0.229 (proc-macro)|default
│       └── syn v2.0.119|full,parsing
├── ring v0.17.14|alloc
│   [build-dependencies]
│   └── cc v1.2.0|
└── tokio v1.54.1|full,rt (*)
    [dev-dependencies]
    └── bytes v1.0.0|std
";

    #[test]
    fn a_tree_says_what_is_built_for_the_host_and_with_which_features() {
        let found = parse_tree(TREE);
        let names: Vec<(&str, bool)> = found.keys().map(|u| (u.name.as_str(), u.host)).collect();
        assert_eq!(
            names,
            [
                ("bytes", false),
                ("cc", true),
                ("ring", false),
                ("serde", false),
                ("serde_derive", true),
                ("syn", true),
                ("tokio", false)
            ]
        );
        let tokio = &found[&Unit::new("tokio", "1.54.1", false)];
        assert_eq!(
            tokio.iter().map(String::as_str).collect::<Vec<_>>(),
            ["full", "rt"]
        );
        assert!(found[&Unit::new("cc", "1.2.0", true)].is_empty());
    }
}

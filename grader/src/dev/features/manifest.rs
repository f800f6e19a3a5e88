//! The two files `dev sync` writes from the survey: the workspace hack's manifest, and the root
//! manifest's block of unoptimised dependencies.

use super::tree::Unit;
use std::collections::{BTreeMap, BTreeSet};

pub const BEGIN: &str = "# BEGIN dev sync: never run when grading";
pub const END: &str = "# END dev sync";

/// `root` with the lines between [`BEGIN`] and [`END`] listing `names` at opt-level 0; `None`
/// without the markers.
pub fn set_unoptimised(root: &str, names: &BTreeSet<String>) -> Option<String> {
    let start = root.find(BEGIN)? + BEGIN.len();
    let end = start + root[start..].find(END)?;
    let lines: String = names
        .iter()
        .map(|n| format!("\n{n} = {{ opt-level = 0 }}"))
        .collect();
    Some(format!("{}{lines}\n{}", &root[..start], &root[end..]))
}

/// The manifest pinning `union`.
pub fn manifest(union: &BTreeMap<Unit, BTreeSet<String>>) -> String {
    let mut text = String::from(HEADER);
    let versions_of = |name: &str| {
        union
            .keys()
            .filter(|u| u.name == name)
            .map(|u| &u.version)
            .collect::<BTreeSet<_>>()
            .len()
    };
    for (section, host) in [("dependencies", false), ("build-dependencies", true)] {
        text.push_str(&format!("\n[{section}]\n"));
        for (unit, features) in union.iter().filter(|(u, _)| u.host == host) {
            let major = unit.version.split('.').next().unwrap_or_default();
            let key = if versions_of(&unit.name) > 1 {
                format!("{}-{major}", unit.name)
            } else {
                unit.name.clone()
            };
            let mut spec = Vec::new();
            if key != unit.name {
                spec.push(format!("package = \"{}\"", unit.name));
            }
            spec.push(format!("version = \"{}\"", unit.version));
            if !features.contains("default") {
                spec.push("default-features = false".into());
            }
            let listed: Vec<String> = features
                .iter()
                .filter(|f| *f != "default")
                .map(|f| format!("\"{f}\""))
                .collect();
            if !listed.is_empty() {
                spec.push(format!("features = [{}]", listed.join(", ")));
            }
            text.push_str(&format!("{key} = {{ {} }}\n", spec.join(", ")));
        }
    }
    text
}

const HEADER: &str = r#"# Written by `cargo run -p grader -- dev sync` (grader/src/dev/features/); do not edit by hand.
#
# Cargo builds a dependency with the features of the packages being built, so `cargo run -p grader`,
# `cargo test`, clippy and the grader's own workspaces (the checks against a target) would each
# build tokio, serde and what sits on them with a different set, and build them again. Every kit
# crate that starts one of those builds (the grader, the harness, the kit's tests) depends on this
# crate, which asks for the union: the dependencies are compiled once (the pattern cargo-hakari
# automates; the kit writes its own and needs no tool). `grader dev check` says when it is stale.
[package]
name = "workspace-hack"
description = "Feature unification: one set of features per dependency, whatever part of the kit is built."
version.workspace = true
edition.workspace = true
license.workspace = true
publish.workspace = true
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dev::features::tree::Unit;

    #[test]
    fn the_unoptimised_block_is_rewritten_between_its_markers_only() {
        let root = format!(
            "[profile.dev.package]\n\"*\" = {{ opt-level = 2 }}\n{BEGIN}\nold = {{ opt-level = 0 }}\n{END}\nbench = 1\n"
        );
        let names = ["syn", "quote"].map(String::from).into_iter().collect();
        assert_eq!(
            set_unoptimised(&root, &names).unwrap(),
            format!(
                "[profile.dev.package]\n\"*\" = {{ opt-level = 2 }}\n{BEGIN}\nquote = {{ opt-level = 0 }}\nsyn = {{ opt-level = 0 }}\n{END}\nbench = 1\n"
            )
        );
        assert_eq!(set_unoptimised("[profile.dev]\n", &names), None);
    }

    #[test]
    fn the_manifest_pins_each_unit_in_its_section_and_names_two_versions_apart() {
        let mut union = BTreeMap::new();
        let set = |f: &[&str]| f.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        union.insert(Unit::new("tokio", "1.54.1", false), set(&["default", "full"]));
        union.insert(Unit::new("smallvec", "1.16.5", false), set(&["const_new"]));
        union.insert(Unit::new("syn", "2.0.119", true), set(&["full"]));
        union.insert(Unit::new("syn", "3.0.9", true), set(&["default", "full"]));
        let text = manifest(&union);
        let body = text.strip_prefix(HEADER).unwrap();
        assert_eq!(
            body,
            "\n[dependencies]\n\
             smallvec = { version = \"1.16.5\", default-features = false, features = [\"const_new\"] }\n\
             tokio = { version = \"1.54.1\", features = [\"full\"] }\n\
             \n[build-dependencies]\n\
             syn-2 = { package = \"syn\", version = \"2.0.119\", default-features = false, features = [\"full\"] }\n\
             syn-3 = { package = \"syn\", version = \"3.0.9\", features = [\"full\"] }\n"
        );
        assert!(text.parse::<toml::Table>().is_ok(), "{text}");
    }
}

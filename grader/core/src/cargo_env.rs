//! Running cargo from a program that cargo started.
//!
//! `cargo run` and `cargo test` hand the program they start variables that describe *that*
//! package (`CARGO_PKG_NAME=grader`, `CARGO_MANIFEST_DIR=…`). A nested cargo inherits them, and some
//! build scripts (ring's, for one) rerun when such a variable differs from their last run: the
//! grader run by `cargo run`, the grader run by the kit's tests and a learner's `cargo test` would
//! then rebuild ring, rustls and reqwest in turn, each time. Clearing them gives every cargo the
//! same environment.

use std::process::Command;

/// Variables that cargo sets for the program it runs, and that are never settings for cargo.
const SET_FOR_THE_PROGRAM: &[&str] = &[
    "CARGO_MANIFEST_DIR",
    "CARGO_MANIFEST_PATH",
    "CARGO_MANIFEST_LINKS",
    "CARGO_CRATE_NAME",
    "CARGO_BIN_NAME",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_TARGET_TMPDIR",
    "CARGO_RUSTC_CURRENT_DIR",
    "OUT_DIR",
];

/// Prefixes of such variables (`CARGO_PKG_VERSION_MAJOR`, `CARGO_BIN_EXE_grader`).
const SET_FOR_THE_PROGRAM_PREFIXES: &[&str] = &["CARGO_PKG_", "CARGO_BIN_EXE_"];

/// Removes from `cmd` the variables cargo set for this program, so a nested cargo sees the
/// environment a person's shell would give it.
pub fn clear_program_vars(cmd: &mut Command) -> &mut Command {
    for (name, _) in std::env::vars_os() {
        let Some(name) = name.to_str() else { continue };
        if SET_FOR_THE_PROGRAM.contains(&name)
            || SET_FOR_THE_PROGRAM_PREFIXES.iter().any(|p| name.starts_with(p))
        {
            cmd.env_remove(name);
        }
    }
    cmd
}

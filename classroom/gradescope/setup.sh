#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image: the autograder zip
# (`cargo run -p grader -- package gradescope`) is unpacked in /autograder/source, and its root is
# the kit's root. It installs what is missing (a C linker, Rust), builds the grader, and builds every
# challenge's checks once against the kit's own stubs, so that grading a submission compiles only
# the learner's crates and the runners that use them.
#
# AUTOGRADER_ROOT (default /autograder) moves the whole tree: the kit's tests run this on a fake one.
# CARGO_TARGET_DIR, if set, is used as it is (the kit's tests point it at a warm target folder).
set -euo pipefail

ROOT=${AUTOGRADER_ROOT:-/autograder}
SOURCE=$ROOT/source
cd "$SOURCE"

say() { echo "== setup.sh: $*"; }
die() {
    echo "setup.sh: $*" >&2
    exit 1
}

apt_install() {
    say "installing $* (apt)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# A linker: rustc links with `cc`.
if ! command -v cc >/dev/null; then
    apt_install build-essential
fi

# Rust: the one on PATH, or one rustup installed earlier, or rustup now (minimal profile: no docs).
for dir in "${CARGO_HOME:-$HOME/.cargo}/bin" /usr/local/cargo/bin; do
    if ! command -v cargo >/dev/null && [ -x "$dir/cargo" ]; then
        export PATH="$dir:$PATH"
    fi
done
if ! command -v cargo >/dev/null; then
    toolchain=stable
    if [ -f rust-toolchain.toml ]; then
        toolchain=$(sed -n 's/^[[:space:]]*channel[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' rust-toolchain.toml)
        [ -n "$toolchain" ] || die "rust-toolchain.toml names no channel (channel = \"1.95\", say)"
    elif [ -f rust-toolchain ]; then
        toolchain=$(tr -d '[:space:]' <rust-toolchain)
    fi
    if ! command -v curl >/dev/null; then
        apt_install curl ca-certificates
    fi
    export RUSTUP_HOME=${RUSTUP_HOME:-/usr/local/rustup}
    export CARGO_HOME=${CARGO_HOME:-/usr/local/cargo}
    say "installing Rust ${toolchain} with rustup in ${CARGO_HOME}"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs |
        sh -s -- -y --no-modify-path --profile minimal --default-toolchain "$toolchain"
    export PATH="$CARGO_HOME/bin:$PATH"
fi
say "$(cargo --version)"

# The grader. Everything is built in one target folder, and run_autograder grades the same folder
# (the kit's exercises/, which it overwrites with the learner's files): the grader names its build
# folder after what it grades, so warming up anything else would warm the wrong one.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$SOURCE/target}
say "building the grader in ${CARGO_TARGET_DIR}"
cargo build --locked -p grader
GRADER=$CARGO_TARGET_DIR/debug/grader
[ -x "$GRADER" ] || die "cargo built the grader, but ${GRADER} is not there"

# The grader knows the kit it was compiled in; naming it makes sure it grades this one, whatever
# cargo reused.
export TOKIO_CHALLENGES_KIT=$SOURCE

# What run_autograder needs to find the same Rust, the same target folder, the kit and the grader.
{
    echo "# Written by setup.sh; read by run_autograder."
    printf 'export PATH=%q\n' "$PATH"
    printf 'export CARGO_TARGET_DIR=%q\n' "$CARGO_TARGET_DIR"
    printf 'export TOKIO_CHALLENGES_KIT=%q\n' "$TOKIO_CHALLENGES_KIT"
    for name in CARGO_HOME RUSTUP_HOME CARGO_BUILD_BUILD_DIR; do
        if [ -n "${!name:-}" ]; then
            printf 'export %s=%q\n' "$name" "${!name}"
        fi
    done
    printf 'GRADER=%q\n' "$GRADER"
} >"$SOURCE/.autograder-env"

# Warm up: grade the stubs once, really building every runner (no "pristine stub" shortcut).
# Exit 1 is expected (the stubs pass nothing); 2 means the grader could not grade at all. The
# report is kept in $SOURCE/.warm-up.json: every check `todo`, each naming its stub's todo!().
say "building every challenge's checks against the stubs (the slow part, once)"
status=0
TOKIO_CHALLENGES_NO_SHORTCUTS=1 "$GRADER" --sealed --quiet --format json --output "$SOURCE/.warm-up.json" || status=$?
if [ "$status" -gt 1 ]; then
    die "the grader could not grade the kit's own stubs (exit ${status}; its messages are above)"
fi
say "ready"

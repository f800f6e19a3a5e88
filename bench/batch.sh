#!/usr/bin/env bash
# How long `grader batch` takes on a class of 30 made-up submissions (`grader dev fake-class`: finished,
# half-finished, with mistakes, broken, panicking, untouched, not a kit; no two learners share a
# crate). Timed with farm-bench when it is installed, with `time` otherwise.
#
#   bench/batch.sh            the kit built, the batch's build folder warm (a second class, say)
#   bench/batch.sh --cold     the batch's build folder removed first: the first learner compiles
#                             every challenge's checks from scratch
#
# Each run starts without the batch's result cache and reports, so every learner is really graded.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${COUNT:-30}
runs=${RUNS:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build -q -p grader
grader=$PWD/target/debug/grader
state=${TOKIO_CHALLENGES_STATE_DIR:-$PWD/target/grader}
"$grader" dev fake-class "$work/class" --count "$count"
reset="rm -rf '$state/results' '$work/class-grades'"
if [ "${1:-}" = "--cold" ]; then
    reset="$reset '$state/batch'"
fi
run="$reset && exec '$grader' batch '$work/class' -q"
if command -v farm-bench >/dev/null; then
    farm-bench -n "$runs" --warmup 0 --timeout 3600 -- sh -c "$run"
else
    for _ in $(seq "$runs"); do time sh -c "$run"; done
fi

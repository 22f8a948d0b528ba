#!/usr/bin/env bash
# Fuzzes every parser of outside input with a million generated inputs each (release build) and
# prints the table for docs/benchmarks.md. A panicking input is saved under
# src-tauri/crates/fuzz/corpus/<target>/ and the script fails; commit the input with the fix, and
# the normal tests replay it from then on. Usage: scripts/fuzz.sh [--inputs N] [--seed S] [TARGET…]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
cargo run --release --locked -q -p afc-fuzz -- "$@"

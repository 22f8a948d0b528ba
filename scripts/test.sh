#!/usr/bin/env bash
# Runs every test layer: UI lint, type-check and unit tests; Rust format, lint, unit and
# integration tests; and end-to-end tests of the real window under Xvfb with a D-Bus session and
# an unlocked keyring. Installs and starts whatever is missing first.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

prepare "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"

if ! [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ]; then
  step "Installing tauri-driver"
  cargo install tauri-driver --version '^2.1' --locked
fi

step "Checking PostgreSQL and Redis"
ensure_services

# Scratch space: each runner's output (so the closing line can total what ran) and the XDG
# folders the keyring and WebKit write to during the tests.
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
RESULTS="$WORK/results"
mkdir -p "$RESULTS"

step "UI: build"
npm --prefix ui run build

step "Release packages: building in the background while the rest runs"
# At the lowest CPU priority, so the other steps keep their pace and the build takes the cycles
# they leave idle (much of the test run waits on the database, the window and the network); in
# its own target directory, so neither cargo waits for the other's lock; not linted again. Here
# the release profile is built without LTO and in 16 codegen units: on two cores the shipped
# profile's single-threaded LTO links alone take several minutes, and what this checks is the
# package (its files, the install, the launch, afctl on the PATH), not the optimiser. release.yml
# and bench.sh build with the shipped profile.
PACKAGE_TARGET="$ROOT/target/package"
# Its own session, so a failed run can stop the whole build (below, on exit). A new session is
# also a new scheduler autogroup on Linux, which shares the CPU equally with the others whatever
# the nice value of its processes: the group itself is made nice too.
RUSTC_WORKSPACE_WRAPPER="" CARGO_TARGET_DIR="$PACKAGE_TARGET" AFC_UI_BUILT=1 \
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
  setsid bash -c 'echo 19 >/proc/self/autogroup 2>/dev/null; exec nice -n 19 scripts/bundle.sh --bundles deb,rpm' \
  >"$WORK/bundle.log" 2>&1 &
bundle_pid=$!
trap 'kill -- -"$bundle_pid" 2>/dev/null || true; rm -rf "$WORK"' EXIT

step "UI: lint, type-check, unit tests"
npm --prefix ui run lint
npm --prefix ui run typecheck
npm --prefix ui test 2>&1 | tee "$RESULTS/ui.log"

step "Scripts: shellcheck"
shellcheck scripts/*.sh .ci/run

step "Rust: format"
cargo fmt --all --check

step "Architecture: afc-core has no Tauri dependency"
if cargo tree -p afc-core --edges normal,build --prefix none --locked | grep -E '^tauri([-_ ]|$)'; then
  die "afc-core depends on Tauri (above); domain logic must stay Tauri-free"
fi

step "Rust: build every target, linted by Clippy"
# Clippy as the workspace's compiler, as `cargo clippy` runs it but in build mode: the lint and
# the test build share one compilation of the dependencies instead of checking them all a second
# time (on two cores that saves about 12 minutes). Warnings are errors; the dependencies are
# built by plain rustc. The test run below keeps the same setting, so it builds nothing again.
RUSTC_WORKSPACE_WRAPPER="$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver)" \
  || die "Clippy is not installed: rustup component add clippy"
export RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
cargo test --workspace --locked --no-run
# The benchmarks too (built, not run), so Clippy sees them; by name, as --benches would add
# test-mode builds of every library and binary.
cargo test --workspace --locked --bench '*' --no-run

step "Rust: unit, integration and end-to-end tests (Xvfb, D-Bus, keyring)"
mkdir -p target
rm -rf target/e2e-screenshots
# The timeout turns a hang (a stuck window or driver) into a clear failure, not a stalled CI run.
# The installed package's test runs below, once the package is installed.
timeout --kill-after=30s 30m scripts/test-session.sh cargo test --workspace --locked -- --include-ignored \
  --skip installed_package 2>&1 | tee "$RESULTS/rust.log" \
  || die "the Rust tests failed or did not finish within 30 minutes (output above)"

step "Release packages: install, use and remove"
wait "$bundle_pid" || { cat "$WORK/bundle.log"; die "the release packages could not be built (log above)"; }
scripts/check-package.sh "$PACKAGE_TARGET/release/bundle" 2>&1 | tee "$RESULTS/package.log"

ui_passed="$(sed 's/\x1b\[[0-9;]*m//g' "$RESULTS/ui.log" | sed -nE 's/^ *Tests +([0-9]+) passed.*/\1/p' | tail -1)"
rust_passed="$(cat "$RESULTS/rust.log" "$RESULTS/package.log" | awk '/^test result:/ { n += $4 } END { print n + 0 }')"
if [ -z "$ui_passed" ] || [ "$rust_passed" -eq 0 ]; then
  die "could not find the test counts in the runners' output"
fi
echo
echo "All test layers passed (UI: $ui_passed tests, Rust: $rust_passed tests). Screenshots: target/e2e-screenshots/"
echo "total: $((ui_passed + rust_passed)) passed, 0 failed"

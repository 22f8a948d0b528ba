#!/usr/bin/env bash
# Whole-process benchmarks of the release build, under the same virtual display and D-Bus session
# as the end-to-end tests. Prints figures for docs/benchmarks.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
ensure_toolchains
ensure_ui_packages
npm --prefix ui run build
cargo build --release --locked -p afctl
xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
  dbus-run-session --config-file="$ROOT/scripts/dbus-session.conf" -- \
  cargo bench --locked -p agent-factory-console --bench startup
